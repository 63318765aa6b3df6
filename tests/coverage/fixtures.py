"""Fictional archive articles for the coverage tests: a wire report denying the seed's claim, and unrelated ones.

Every outlet and article here is made up (``.example`` domains); the seed is the shared True Pundit article
of January 2017, wrapped in a page giving its address and date.
"""

from __future__ import annotations

import html
from pathlib import Path

from factsift.archive.store import KeptArticle

SEED = Path(__file__).resolve().parents[3] / "shared" / "examples" / "seed-article.txt"
SEED_URL = "https://truepundit.com/trump-taps-putin-as-stealth-military-ally/"
SEED_DATE = "2017-01-24"

#: A wire report dated a day after the seed in which the Defense Department denies coordinating strikes with Russia.
WIRE = KeptArticle(
    id="wire-denial",
    url="https://newswire.example/2017/01/25/pentagon-denies-russia-coordination",
    outlet="newswire.example",
    outlet_label="reliable",
    outlet_score=0.95,
    published="2017-01-25",
    title="Pentagon denies coordinating air strikes with Russia",
    text=(
        "WASHINGTON (Newswire) - The Defense Department on Wednesday denied reports that U.S. and Russian "
        'aircraft had coordinated strikes against Islamic State targets in Syria. "We are not coordinating '
        'air strikes with Russia," a Pentagon spokesman told reporters. The spokesman said there was no joint '
        "military agreement between the United States and Russia. Reports that Russian bombers and U.S. drones "
        "collaborated on sorties were false, officials said."
    ),
    claims=(
        "The Defense Department denied reports that U.S. and Russian aircraft had coordinated strikes in Syria.",
        "Reports that Russian bombers and U.S. drones collaborated on sorties were false, officials said.",
    ),
)
#: Unrelated articles of the same week from other outlets (one shares words such as "Russia" and "strike").
UNRELATED = (
    KeptArticle(
        id="garden",
        url="https://gardens.example/tomatoes",
        outlet="gardens.example",
        outlet_label="reliable",
        outlet_score=0.9,
        published="2017-01-24",
        title="How to grow tomatoes in a small garden",
        text="Tomatoes need six hours of sun a day. Water them in the morning and feed them every two weeks.",
        claims=("Tomatoes need six hours of sun a day.",),
    ),
    KeptArticle(
        id="chess",
        url="https://sportsdesk.example/chess",
        outlet="sportsdesk.example",
        outlet_label="reliable",
        outlet_score=0.9,
        published="2017-01-26",
        title="Russian grandmaster wins the Wijk aan Zee chess tournament",
        text=(
            "A Russian grandmaster won the chess tournament in Wijk aan Zee on Sunday. He struck first in the "
            "final round and held a draw in the last game. The United States team finished third."
        ),
        claims=("A Russian grandmaster won the chess tournament in Wijk aan Zee on Sunday.",),
    ),
    KeptArticle(
        id="rail",
        url="https://businessdaily.example/rail-strike",
        outlet="businessdaily.example",
        outlet_label="mixed",
        outlet_score=0.6,
        published="2017-01-23",
        title="Rail workers strike over pay",
        text="Rail workers walked out on Monday in a dispute over pay. The union said the strike would last two days.",
        claims=("Rail workers walked out on Monday in a dispute over pay.",),
    ),
)
#: The seed's own outlet restating its claim: never coverage of itself.
OWN = KeptArticle(
    id="own-outlet",
    url="https://www.truepundit.com/russia-joins-us-strikes-follow-up/",
    outlet="www.truepundit.com",
    outlet_label="unreliable",
    outlet_score=0.1,
    published="2017-01-25",
    title="Russian air force joins U.S. strikes on ISIS, sources confirm",
    text="U.S. and Russian drones and bombers have collaborated on a number of sorties, intelligence sources said.",
    claims=("U.S. and Russian drones and bombers have collaborated on a number of sorties.",),
)


def seed_page() -> str:
    """The seed article as a web page with its headline, outlet and date (as a crawled copy would have them)."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    title = next(line for line in lines if line.startswith("Trump Taps Putin"))
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines if line.strip() and line != title)
    return (
        f'<html><head><title>{html.escape(title)}</title><meta property="og:site_name" content="True Pundit">'
        f'<meta property="article:published_time" content="{SEED_DATE}T10:00:00Z"></head>'
        f"<body><article><h1>{html.escape(title)}</h1>{body}</article></body></html>"
    )
