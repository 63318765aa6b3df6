"""A known base rate (``--base-rate`` / ``Options.base_rate``) and ``factsift risk base-rate``."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import factsift
from factsift.cli import build_parser, main
from factsift.errors import InputError
from factsift.ml.logistic import logit, sigmoid
from factsift.model import FactCheckMatch
from factsift.options import Options
from factsift.scoring.explain import DECISIVE_FLOOR, assess
from factsift.scoring.riskmodel import RiskModel

from .conftest import make_report, quiet_signals
from .test_prior import calibrated_scores

TEXT = (
    "Insiders say the council hid a secret plan to close every library by spring, and nobody will admit it. "
    "The documents, seen by no one outside the office, were shredded on Friday according to people close to it. "
) * 6


def test_base_rate_moves_the_log_odds_by_the_prior_correction(model: RiskModel) -> None:
    report = make_report(source_label="mixed", source_score=0.5, signals=quiet_signals(loaded_language=0.7))
    plain = assess(model, report)
    moved = assess(model, report, base_rate=0.05)
    expected = sigmoid(logit(plain.score) + logit(0.05) - logit(model.base_rate))
    assert moved.score == pytest.approx(expected, abs=2e-4)
    assert moved.score < plain.score
    total = sum(c.effect for c in moved.contributions)
    assert total == pytest.approx(moved.score - sigmoid(model.base_log_odds), abs=2e-3)
    base = [c for c in moved.contributions if c.evidence == "base rate"]
    assert len(base) == 1 and base[0].effect < 0
    assert str(base[0].value).startswith("set to 0.05")
    assert any(note.startswith("Base rate set to 0.05") for note in moved.caveats)
    assert moved.summary is not None and "(base rate set to 0.05)" in moved.summary
    assert not any(c.evidence == "base rate" for c in plain.contributions)
    assert not any("Base rate set" in note for note in plain.caveats)


def test_base_rate_equal_to_the_models_changes_nothing(model: RiskModel) -> None:
    report = make_report(source_label="unreliable", source_score=0.1)
    assert assess(model, report, base_rate=model.base_rate).score == pytest.approx(assess(model, report).score)


def test_decisive_factcheck_still_decides_at_a_low_base_rate(model: RiskModel) -> None:
    match = FactCheckMatch(
        claim_index=0, score=0.95, probability=0.95, claim_reviewed="The budget doubled", verdict="false"
    )
    risk = assess(model, make_report(source_label="reliable", source_score=0.9, factchecks=[match]), base_rate=0.01)
    assert risk.score >= DECISIVE_FLOOR - 1e-6
    assert sum(c.effect for c in risk.contributions) == pytest.approx(
        risk.score - sigmoid(model.base_log_odds), abs=2e-3
    )


@pytest.mark.parametrize("bad", [0.0, 1.0, -0.2, 1.5, math.nan, True, "0.3"])
def test_options_reject_a_base_rate_outside_zero_one(bad: object) -> None:
    with pytest.raises(InputError):
        Options(base_rate=bad)  # type: ignore[arg-type]


def test_analyse_uses_the_base_rate() -> None:
    plain = factsift.analyse(text=TEXT)
    moved = factsift.analyse(text=TEXT, base_rate=0.02)
    assert plain.risk is not None and moved.risk is not None
    assert moved.risk.score < plain.risk.score
    with pytest.raises(InputError):
        factsift.analyse(text=TEXT, base_rate=2.0)


def test_check_command_takes_base_rate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = tmp_path / "a.txt"
    article.write_text(TEXT)
    assert main(["check", str(article), "--format", "json", "--base-rate", "0.05"]) == 0
    risk = json.loads(capsys.readouterr().out)["risk"]
    assert any(c["evidence"] == "base rate" and c["value"].startswith("set to 0.05") for c in risk["contributions"])
    with pytest.raises(SystemExit) as exit_info:
        main(["check", str(article), "--base-rate", "1.2"])
    assert exit_info.value.code == 2
    assert "between 0 and 1" in capsys.readouterr().err


def test_batch_command_takes_base_rate() -> None:
    args = build_parser().parse_args(["batch", "in.jsonl", "--out", "out.jsonl", "--base-rate", "0.1"])
    assert args.base_rate == 0.1


def _jsonl(path: Path, scores: list[float], moved: bool = False) -> None:
    with path.open("w") as handle:
        handle.write(json.dumps({"id": "e", "error": "unreachable"}) + "\n")
        for index, score in enumerate(scores):
            contributions = [{"evidence": "base rate", "value": "set to 0.1", "effect": -0.2}] if moved else []
            risk = {"score": score, "label": "low", "contributions": contributions, "caveats": []}
            handle.write(json.dumps({"id": str(index), "report": {"risk": risk}}) + "\n")


def test_risk_base_rate_estimates_a_feeds_share_from_jsonl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scores, labels = calibrated_scores(3000, 0.1, assumed=0.5, seed=11)
    out = tmp_path / "out.jsonl"
    _jsonl(out, scores)
    assert main(["risk", "base-rate", str(out), "--scored-at", "0.5"]) == 0
    captured = capsys.readouterr()
    assert abs(float(captured.out) - sum(labels) / len(labels)) < 0.03
    assert "3000 risk scores (1 rows without one)" in captured.err
    assert "--base-rate" in captured.err


def test_risk_base_rate_reads_parquet_and_uses_the_models_rate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from factsift.scoring.riskmodel import load_model

    assumed = load_model().base_rate
    scores, labels = calibrated_scores(3000, 0.7, assumed=assumed, seed=12)
    out = tmp_path / "out.parquet"
    pq.write_table(pa.table({"id": [str(i) for i in range(3001)], "risk_score": [*scores, None]}), out)
    assert main(["risk", "base-rate", str(out)]) == 0
    assert abs(float(capsys.readouterr().out) - sum(labels) / len(labels)) < 0.03


def test_risk_base_rate_refuses_moved_or_missing_scores(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    moved = tmp_path / "moved.jsonl"
    _jsonl(moved, [0.2, 0.4], moved=True)
    assert main(["risk", "base-rate", str(moved)]) == 2
    assert "already moved with --base-rate" in capsys.readouterr().err
    empty = tmp_path / "empty.jsonl"
    _jsonl(empty, [])
    assert main(["risk", "base-rate", str(empty)]) == 2
    assert main(["risk", "base-rate", str(tmp_path / "missing.jsonl")]) == 2
    garbage = tmp_path / "bad.parquet"
    garbage.write_text("not parquet")
    assert main(["risk", "base-rate", str(garbage)]) == 2
    assert main(["risk"]) == 2


def test_risk_base_rate_never_prints_an_unusable_rate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """EM can end on 0 for a few low scores; the printed rate must still be a valid --base-rate."""
    out = tmp_path / "low.jsonl"
    _jsonl(out, [0.01, 0.02, 0.03, 0.01])
    assert main(["risk", "base-rate", str(out), "--scored-at", "0.5"]) == 0
    captured = capsys.readouterr()
    assert float(captured.out) == pytest.approx(0.125)
    assert "kept within half an article" in captured.err and "rough" in captured.err
    assert build_parser().parse_args(["check", "x", "--base-rate", captured.out.strip()]).base_rate == 0.125
