"""Risk scoring: one calibrated probability that an article is misinformation, broken down by evidence."""
