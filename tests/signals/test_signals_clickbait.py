"""The clickbait headline model: shipped, small, pickle-free, sensible, and retrainable."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from factsift.errors import InputError
from factsift.model import Article, Report
from factsift.signals.clickbait_features import headline_features
from factsift.signals.clickbait_headline import clickbait_headline
from factsift.signals.clickbait_model import MODEL_FILE, ClickbaitModel, load_model, model_from_json, shipped_model
from factsift.signals.clickbait_train import read_headlines, split, train

DATA = Path(__file__).resolve().parents[2] / "src" / "factsift" / "signals" / "data"


def test_shipped_model_is_small_gzip_json_with_its_measurement() -> None:
    path = DATA / MODEL_FILE
    assert path.stat().st_size < 5_000_000
    data = json.loads(gzip.decompress(path.read_bytes()))
    assert data["format"] == "factsift.clickbait/1"
    assert data["meta"]["test"]["accuracy"] >= 0.95


@pytest.mark.parametrize(
    "headline",
    [
        "You Won't Believe What This Senator Said About Taxes",
        "17 Things Only People Who Grew Up With Cats Will Understand",
        "This Is What Happens When You Stop Eating Bread For A Week",
    ],
)
def test_teasers_score_high(headline: str) -> None:
    assert shipped_model().probability(headline) > 0.8


@pytest.mark.parametrize(
    "headline",
    [
        "Pentagon denies report of joint U.S.-Russian air strikes in Syria",
        "Parliament approves budget after three-day debate",
        "Floods force evacuation of 2,000 residents in northern Italy",
    ],
)
def test_news_headlines_score_low(headline: str) -> None:
    assert shipped_model().probability(headline) < 0.2


def test_signal_points_into_the_title() -> None:
    title = "You Won't Believe What This Senator Said About Taxes"
    signal = clickbait_headline(Article(text="Body.", title=title))
    assert signal.score > 0.8 and signal.spans
    for span in signal.spans:
        assert span.field == "title" and title[span.start : span.end] == span.text


def test_no_headline_is_no_evidence() -> None:
    assert clickbait_headline(Article(text="Body only.")).score == 0.0


def test_seed_headline_gets_a_score(seed_report: Report) -> None:
    signal = seed_report.signal("clickbait_headline")
    assert signal is not None and signal.error is None and 0.0 <= signal.score <= 1.0


def test_features_fold_case_and_digits() -> None:
    assert headline_features("21 Cats") == headline_features("37 cats")


def test_foreign_format_is_rejected() -> None:
    with pytest.raises(InputError):
        model_from_json({"format": "something-else"})


def test_training_round_trip(tmp_path: Path) -> None:
    bait = [f"You Won't Believe What Happened To This {w}" for w in "Dog Cat Man Chef Kid Town Car Boat".split()]
    bait += [
        f"{n} Things Every {w} Lover Needs To Know"
        for n, w in zip(range(3, 11), "Cat Dog Tea Pie Art Car Sea Sun".split(), strict=False)
    ]
    news = [
        f"{w} council approves new budget for {y}"
        for w, y in zip("Oslo Lima Rome Kyiv Lagos Perth Quito Riga".split(), range(2001, 2009), strict=False)
    ]
    news += [f"Storm cuts power to thousands in {w}" for w in "Texas Ohio Kent Bavaria Lyon Porto Gdansk Leeds".split()]
    (tmp_path / "clickbait_data.txt").write_text("\n".join(bait) + "\n", encoding="utf-8")
    (tmp_path / "non_clickbait_data.txt").write_text("\n".join(news) + "\nStorm cuts power to thousands in Texas\n")
    headlines, labels = read_headlines(tmp_path)
    assert len(headlines) == len(bait) + len(news)  # the repeated line is kept once
    train_part, dev_part, test_part = split(headlines, labels)
    assert not set(train_part.headlines) & set(test_part.headlines)
    assert split(headlines, labels) == (train_part, dev_part, test_part)  # deterministic
    model, report = train(tmp_path)
    assert report["test"]["n"] == len(test_part.headlines)
    model.save(tmp_path / "model.json.gz")
    loaded = load_model(tmp_path / "model.json.gz")
    assert isinstance(loaded, ClickbaitModel)
    headline = "You Won't Believe What Happened To This Horse"
    assert loaded.probability(headline) == pytest.approx(model.probability(headline), abs=1e-3)
    assert loaded.probability(headline) > 0.5


def test_missing_files_are_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        read_headlines(tmp_path)


def test_train_command_writes_a_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from factsift.cli import main

    bait = [f"You Won't Believe What This {w} Did Next" for w in "Dog Cat Man Chef Kid Town Car Boat Bird Cow".split()]
    news = [
        f"{w} council approves budget after long debate"
        for w in "Oslo Lima Rome Kyiv Lagos Perth Quito Riga Bern Graz".split()
    ]
    (tmp_path / "clickbait_data.txt").write_text("\n".join(bait), encoding="utf-8")
    (tmp_path / "non_clickbait_data.txt").write_text("\n".join(news), encoding="utf-8")
    out = tmp_path / "model.json.gz"
    assert main(["train", "clickbait", "--data", str(tmp_path), "--out", str(out)]) == 0
    assert load_model(out).probability("You Won't Believe What This Horse Did Next") > 0.5
    assert "accuracy" in capsys.readouterr().out
    assert main(["train", "clickbait", "--data", str(tmp_path / "missing"), "--out", str(tmp_path / "x")]) == 2
    assert load_model(out).meta["train_size"] < 100 < shipped_model().meta["train_size"]


def test_two_analysers_in_one_process_use_their_own_clickbait_models(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from factsift.analyser import Analyser
    from factsift.config import config_at_edge

    title = "You Won't Believe What This Horse Did Next"
    own = ClickbaitModel(idf={"w:horse": 1.0}, coef={"w:horse": -9.0}, intercept=-1.0)  # horses are never bait
    own.save(tmp_path / "horses.json.gz")
    (tmp_path / "factsift.toml").write_text('[signals.clickbait_headline]\nmodel = "horses.json.gz"\n')
    monkeypatch.setenv("FACTSIFT_CONFIG", str(tmp_path / "factsift.toml"))
    configured = Analyser(config_at_edge(stages=["signals"]))  # the configuration is built once, here, at the edge
    monkeypatch.delenv("FACTSIFT_CONFIG")
    shipped = Analyser(config_at_edge(stages=["signals"]))
    text = f"{title}\n\nA horse walked into the village on Tuesday and ate the mayor's flowers."
    scores = {}
    for name, analyser in (("configured", configured), ("shipped", shipped), ("configured again", configured)):
        signal = analyser.analyse(text=text).signal("clickbait_headline")
        assert signal is not None and signal.error is None
        scores[name] = signal.score
    assert scores["shipped"] > 0.5 > scores["configured"] == scores["configured again"]
    assert scores["configured"] == round(own.probability(title), 4)
    assert len(configured.models) == 1 and len(shipped.models) == 0  # the shipped model is not the analyser's
