"""Settings read at the edge: factsift.toml and FACTSIFT_* variables, under the call's own options."""

from __future__ import annotations

from pathlib import Path

import pytest

import factsift
from factsift.config import CONFIG_ENV, edge_options
from factsift.errors import InputError

TEXT = "Harbour Budget Passes\n\nThe regional council approved the harbour budget on Tuesday after a long debate."


def test_the_file_then_the_environment_then_the_call(tmp_path: Path) -> None:
    config = tmp_path / "factsift.toml"
    config.write_text('[analysis]\nrisk_model = "models/risk.json.gz"\nfast = true\n', encoding="utf-8")
    assert edge_options({CONFIG_ENV: str(config)}) == {"risk_model": tmp_path / "models/risk.json.gz", "fast": True}
    environ = {CONFIG_ENV: str(config), "FACTSIFT_RISK_MODEL": "/srv/risk.json.gz"}
    assert edge_options(environ)["risk_model"] == Path("/srv/risk.json.gz")


def test_a_configured_risk_model_is_used_and_the_call_overrides_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "factsift.toml"
    config.write_text('[analysis]\nrisk_model = "missing.json.gz"\n', encoding="utf-8")
    monkeypatch.setenv(CONFIG_ENV, str(config))
    failed = factsift.analyse(text=TEXT, stages=["risk"])
    assert failed.risk is None and [e.stage for e in failed.errors] == ["risk"]
    assert "missing.json.gz" in failed.errors[0].message
    from factsift.scoring.riskmodel import DEFAULT_PATH

    assert factsift.analyse(text=TEXT, stages=["risk"], risk_model=DEFAULT_PATH).risk is not None


def test_an_unknown_or_broken_setting_is_a_clear_error(tmp_path: Path) -> None:
    config = tmp_path / "factsift.toml"
    config.write_text("[analysis]\nrisk_modle = 'x'\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"unknown setting.*risk_modle"):
        edge_options({CONFIG_ENV: str(config)})
    config.write_text("[analysis\n", encoding="utf-8")
    with pytest.raises(InputError, match="cannot read the configuration file"):
        edge_options({CONFIG_ENV: str(config)})


def test_sections_from_the_file_and_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from factsift.config import config_at_edge

    config = tmp_path / "factsift.toml"
    config.write_text(
        '[risk]\nmodel = "risk.json.gz"\nbase_rate = 0.2\n[factchecks]\ncalibration = "cal.json"\n'
        '[signals.clickbait_headline]\nmodel = "bait.json.gz"\n[stages.paragraphs]\nminimum = 2\n',
        encoding="utf-8",
    )
    monkeypatch.setenv(CONFIG_ENV, str(config))
    monkeypatch.setenv("FACTSIFT_FACTCHECK_RERANKER", "/srv/reranker.npz")
    built = config_at_edge(fast=True)
    assert built.risk.model == tmp_path / "risk.json.gz" and built.risk.base_rate == 0.2
    assert built.factchecks.calibration == tmp_path / "cal.json"
    assert built.factchecks.reranker == Path("/srv/reranker.npz") and built.factchecks.fast and built.claims.fast
    assert built.signals["clickbait_headline"].model == tmp_path / "bait.json.gz"
    assert built.signals["loaded_language"].model is None
    assert built.section("paragraphs") == {"minimum": 2} and built.section("risk") is built.risk
    config.write_text('[factchecks]\ncalibraton = "cal.json"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"unknown setting\(s\) factchecks\.calibraton"):
        config_at_edge()


def test_the_watch_list_file_is_never_taken_for_the_settings_file(tmp_path: Path) -> None:
    from factsift.cli import build_parser

    watch = tmp_path / "watch.toml"
    watch.write_text("[[feeds]]\nurl = 'https://news.example/feed.xml'\n", encoding="utf-8")
    args = build_parser().parse_args(["watch", "--config", str(watch)])
    assert args.settings_file is None and args.config == watch
    assert build_parser().parse_args(["--config", str(watch), "signals"]).settings_file == watch
