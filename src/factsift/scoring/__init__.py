"""Risk scoring: one calibrated probability that an article is misinformation, broken down by evidence."""

#: The training configuration (``factsift.scoring.train.CANDIDATES``) of the shipped model: the wording read as
#: style and as plain words, trained topic-balanced (within each topic of the lexicon of misinformation-prone
#: subjects, misinformation and the rest weigh the same, so a topic word says nothing of the label) and its
#: weight shrunk on short texts; of the topic-balanced candidates it does best on the outlet-disjoint and
#: cross-dataset protocols without flagging reliable articles on prone topics (issue 24, bench/risk_trust.py;
#: the figures: docs/factchecks-trust.md).
SHIPPED_CANDIDATE = "style-words-lexicon-balanced-shrunk"
