"""Word lists the stance features count: negation, refutation, hedging, attribution and support cues.

Each list holds lower-case word forms as the tokenizer in :mod:`factsift.stance.passages` yields them
(contractions such as "isn't" are single tokens). They follow the cue families of Ferreira & Vlachos
(2016) and the FNC-1 baseline, widened with the denial and debunking verbs of news and fact-check prose.
"""

from __future__ import annotations

NEGATION = frozenset(
    """
    not no never none nobody nothing neither nor cannot without
    isn't aren't wasn't weren't don't doesn't didn't won't wouldn't can't couldn't shouldn't hasn't haven't
    hadn't mustn't ain't isnt arent wasnt werent dont doesnt didnt wont cant couldnt hasnt havent
    """.split()
)
REFUTE = frozenset(
    """
    fake fakes faked false falsely falsehood hoax hoaxes fraud fraudulent debunk debunked debunks debunking
    deny denies denied denying denial denials refute refutes refuted refuting rebut rebuts rebutted dismiss
    dismissed dismisses reject rejects rejected untrue wrong baseless bogus fabricated fabrication myth myths
    misleading mislead misleadingly inaccurate incorrect erroneous lie lies lied lying nonsense satire
    satirical prank retract retracted retraction disprove disproved disproven contradict contradicts
    contradicted unfounded unsubstantiated pants-fire doubt doubts doubted skeptical despite
    """.split()
)
HEDGE = frozenset(
    """
    reportedly allegedly alleged alleges purportedly purported apparently supposedly rumor rumors rumour
    rumours rumored rumoured speculation speculate speculated unconfirmed unverified unclear uncertain
    whether may might could possibly possible perhaps likely unlikely suggest suggests suggested suggesting
    appear appears appeared seem seems seemed investigate investigating investigation investigators probe
    probing claim claims claimed claiming believed thought if question questions questioned
    """.split()
)
ATTRIBUTION = frozenset(
    """
    said says say according told reported reports report reporting stated states wrote tweeted posted
    announced told spokesman spokeswoman spokesperson source sources statement interview
    """.split()
)
SUPPORT = frozenset(
    """
    confirm confirms confirmed confirming confirmation verified verify true indeed official officially
    proof proved proven evidence shows showed revealed reveals revealing admitted admits acknowledged
    acknowledges authentic real accurate correct
    """.split()
)
STOPWORDS = (
    frozenset(
        """
    a about above after again against all am an and any are as at be because been before being below between
    both but by did do does doing down during each few for from further had has have having he her here hers
    herself him himself his how i in into is it its itself just me more most my myself of off on once only or
    other our ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were what when
    where which while who whom why will with would you your yours yourself also s t us one two new says said
    """.split()
    )
    - NEGATION
)
