"""The model contract every shipped model follows: artifact protocol, logistic function, splits, metrics.

Inference code imports from here and training code imports inference code, never the reverse.
"""
