"""The model contract (factsift.ml): one logistic function, one split function, one metrics module."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from factsift.ml.artifact import Artifact
from factsift.ml.logistic import logit, sigmoid, sigmoid_array
from factsift.ml.metrics import average_precision, average_precision_at_k
from factsift.ml.split import bucket, position
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
    # the hashes older splits were drawn with, each kept for its dataset (stance, claims, risk cross-fitting)
    assert position("body:712") == 3501810910 / 2**32
    assert bucket("the unemployment rate fell to 3.5 percent.", 100, digest="blake2b-64") == 17
    assert bucket("snopes/44", 5, salt="3", digest="sha256") == 3


def test_sigmoid_of_arrays_is_the_same_function_in_the_arrays_precision() -> None:
    z = np.array([-1000.0, -3.0, 0.0, 2.0, 1000.0])
    assert np.allclose(sigmoid_array(z), [sigmoid(v) for v in z], rtol=1e-15, atol=0)
    assert sigmoid_array(z.astype(np.float32)).dtype == np.float32


def test_average_precision_at_k_as_checkthat_computes_it() -> None:
    assert average_precision_at_k([False, True, True], total_relevant=2, k=5) == (1 / 2 + 2 / 3) / 2
    assert average_precision_at_k([False, True], total_relevant=3, k=1) == 0.0
    assert average_precision_at_k([True], total_relevant=0, k=1) == 0.0


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
