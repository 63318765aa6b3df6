"""Sentences that can never be claims, whatever the model says: page furniture and fragments.

Ingest removes most furniture; this is the claims stage's own guard for what slips through
("Follow on Facebook", "Read more", a bare dateline, a three-word fragment).
"""

from __future__ import annotations

import re

MIN_WORDS = 4

_FURNITURE = re.compile(
    r"^\W*(?:follow (?:us|on|@)|share (?:this|on)|like us|subscribe|sign up|click (?:here|to)|read (?:more|next)|"
    r"leave a (?:reply|comment)|related(?: posts| articles|:)|advertisement|sponsored|copyright|©|all rights reserved|"
    r"photo(?:graph)?:|image:|credit:|watch:|listen:|updated:|posted (?:on|in|by))",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+(?:[.,']\w+)*")


def is_furniture(text: str) -> bool:
    """True for page furniture, fragments under four words, and lines without lower-case prose."""
    if _FURNITURE.match(text):
        return True
    # read only as far as needed: four words, one of them lower-case prose
    prose = False
    for words, match in enumerate(_WORD.finditer(text), start=1):
        prose = prose or (match.group().isalpha() and match.group().islower())
        if prose and words >= MIN_WORDS:
            return False
    return True
