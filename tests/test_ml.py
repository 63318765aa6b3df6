"""The model contract (factsift.ml): one logistic function, one split function, one metrics module."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from factsift.ml.artifact import Artifact
from factsift.ml.logistic import logit, sigmoid
from factsift.ml.metrics import average_precision
from factsift.ml.split import bucket
from factsift.scoring.riskmodel import RiskModel
from factsift.signals.datasets import LabelledArticle, is_calibration_half


def test_sigmoid_is_exact_where_it_can_be_and_never_overflows() -> None:
    assert sigmoid(0.0) == 0.5
    assert math.isclose(sigmoid(2.0), 1 / (1 + math.exp(-2.0)))
    assert math.isclose(sigmoid(-2.0) + sigmoid(2.0), 1.0)
    assert sigmoid(1000.0) == 1.0 and sigmoid(-1000.0) == 0.0
    assert math.isclose(sigmoid(logit(0.2)), 0.2)
    assert logit(0.0) < -13 and logit(1.0) > 13  # clipped, never infinite


def test_split_buckets_are_fixed_forever() -> None:
    # Golden values: a change here reshuffles every training and test split (and invalidates quoted figures).
    assert [bucket(key) for key in ("a", "The river bridge", "buzzfeed/123", "")] == [59, 50, 61, 6]
    assert bucket("buzzfeed/123", 2) == 1
    assert bucket("you will not believe this", 100, salt="clickbait-test") == 39
    assert bucket("you will not believe this", 100, salt="other") != bucket("you will not believe this", 100)


def test_the_signal_calibration_half_is_the_split_functions() -> None:
    record = LabelledArticle(dataset="buzzfeed", id="123", label="real", text="x")
    assert is_calibration_half(record) is False  # bucket("buzzfeed/123", 2) == 1
    assert is_calibration_half(LabelledArticle(dataset="buzzfeed", id="124", label="real", text="x")) == (
        bucket("buzzfeed/124", 2) == 0
    )


def test_average_precision_of_rankings() -> None:
    labels = np.array([1, 0, 1, 0], dtype=np.int64)
    assert average_precision(labels, np.array([0.9, 0.8, 0.7, 0.1])) == (1 / 1 + 2 / 3) / 2
    assert average_precision(labels, np.array([0.1, 0.2, 0.3, 0.4])) == (1 / 2 + 2 / 4) / 2
    assert average_precision(np.zeros(3, dtype=np.int64), np.array([0.1, 0.2, 0.3])) == 0.0


def test_the_risk_model_is_an_artifact(tmp_path: Path) -> None:
    model = RiskModel.shipped()
    assert isinstance(model, Artifact) and RiskModel.FORMAT == "factsift.risk-model/1"
    path = tmp_path / "risk.json.gz"
    model.save(path)
    assert RiskModel.load(path) == model
