"""The configuration file: the documented example loads, and mistakes are clear errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from factsift.errors import InputError
from factsift.watch.config import load_config, parse_duration

DOCS = Path(__file__).resolve().parents[2] / "docs" / "watch.md"


def _toml_blocks() -> list[str]:
    text = DOCS.read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", text, re.S)
    quick = re.search(r"<<'TOML'.*?\n(.*?)\nTOML\n", text, re.S)
    assert quick is not None
    return [quick.group(1), *blocks]


def test_documented_configurations_load(tmp_path: Path) -> None:
    quick, complete = _toml_blocks()
    (tmp_path / "quick.toml").write_text(quick)
    config = load_config(tmp_path / "quick.toml")
    assert [r.risk_at_least for r in config.rules] == ["high"] and config.sinks[0].kind == "jsonl"
    (tmp_path / "full.toml").write_text(complete)
    full = load_config(tmp_path / "full.toml")
    assert full.interval == 900 and full.per_host_interval == 1 and full.dedup_window == 2 * 86400
    assert [f.interval for f in full.feeds] == [300, None]
    assert [s.kind for s in full.sinks] == ["jsonl", "webhook", "smtp"]
    assert full.rules[3].repeated == 3 and full.rules[2].keywords == ("vaccine", "vaccines")
    assert full.db == tmp_path / "factsift.db" and full.opml == [tmp_path / "feeds.opml"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[watch]\nintervall = 5\n", "unknown key"),
        ("[[rules]]\nname = 'x'\n", "no condition"),
        ("[[rules]]\nfactcheck_verdicts = ['fals']\n", "unknown verdict"),
        ("[[rules]]\nrisk_at_least = 'severe'\n", "low, elevated or high"),
        ("[[sinks]]\ntype = 'pigeon'\n", "must be one of"),
        ("[[sinks]]\ntype = 'webhook'\n", "bad or missing setting"),
        ("[watch]\ninterval = 'soon'\n", "not a duration"),
        ("[[feeds]]\nname = 'no url'\n", "needs a url"),
        ("not toml at all [", "not valid TOML"),
    ],
)
def test_mistakes_are_clear_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(InputError, match=message):
        load_config(path)


def test_durations() -> None:
    assert [parse_duration(v, "x") for v in (90, "30s", "15m", "24h", "7d", "1.5h")] == [
        90,
        30,
        900,
        86400,
        604800,
        5400,
    ]


def test_watch_without_feeds_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    from factsift.cli import main

    assert main(["watch", "--once"]) == 2
    assert "no feeds to watch" in capsys.readouterr().err
