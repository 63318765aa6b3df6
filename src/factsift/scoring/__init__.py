"""Risk scoring: one calibrated probability that an article is misinformation, broken down by evidence."""

#: The training configuration (``factsift.scoring.train.CANDIDATES``) of the shipped model: the best one on
#: the outlet-disjoint and cross-dataset protocols (bench/risk.py) with the wording read as style only, so
#: that subject matter cannot raise the risk, and its weight shrunk on short texts, so a one-line input is not
#: read as elevated by its wording (issue 24; the cost in AUC and ECE: docs/factchecks-trust.md).
SHIPPED_CANDIDATE = "style-shrunk-outlet-text-dataset-calibrated"
