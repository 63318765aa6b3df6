"""Unit tests of the claims concern: cues, entities, kinds, decontextualisation, model files, training."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factsift.claims import classifier, dataset, training
from factsift.claims.decontext import standalone
from factsift.claims.entities import find_entities
from factsift.claims.features import FeatureConfig, blocks, embedding_tokens, featurise
from factsift.claims.gate import is_furniture
from factsift.claims.kinds import kind_of
from factsift.cli import main
from factsift.errors import InputError


def test_entities_keep_names_and_acronyms_but_not_openers() -> None:
    text = "The Department of Defense said U.S. forces hit Mosul and Tal Afar on Saturday."
    assert find_entities(text) == ["Department of Defense", "U.S.", "Mosul", "Tal Afar"]
    assert find_entities("Since then, prices rose.") == []
    assert find_entities("Russia denied it.", {"Russia"}) == ["Russia"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Unemployment fell to 4.1 percent in March.", "quantity"),
        ("The bridge is longer than any other in Europe.", "comparison"),
        ("The minister said the plan had been shelved.", "attribution"),
        ("Police arrested the driver outside the station.", "event"),
        ("We must do better for our children.", "opinion"),
        ("This is a drastic 180-degree turn from the previous administration.", "opinion"),
        ("I think the 2019 budget was the best in 40 years.", "opinion"),
        ("Prices will double by 2030.", "prediction"),
        ("The minister said the plant will close.", "attribution"),
        ("Fishermen are hopeful.", "other"),
        ("He waited for more than a year before he resigned.", "event"),
    ],
)
def test_kind_of(text: str, kind: str) -> None:
    assert kind_of(text) == kind


def test_standalone_resolves_only_obvious_leading_pronouns() -> None:
    previous = "Senator Jane Ortiz visited the plant in May."
    assert standalone("She said it would close.", previous, ["Senator Jane Ortiz"]) == (
        "Senator Jane Ortiz said it would close."
    )
    assert (
        standalone("Her office denied it.", previous, ["Senator Jane Ortiz"])
        == "Senator Jane Ortiz's office denied it."
    )
    assert standalone("It said profits rose.", "Acme reported results.", ["Acme"]) == "Acme said profits rose."
    assert standalone("She said so.", "The report, by Jane Ortiz, was late.", ["Jane Ortiz"]) is None
    assert standalone("It rose.", previous, ["Senator Jane Ortiz"]) is None
    assert standalone("Prices rose.", previous, ["Senator Jane Ortiz"]) is None
    assert standalone("He left.", None, []) is None


@pytest.mark.parametrize(
    "text",
    [
        "Follow on FacebookFollow on Twitter",
        "Leave a Reply",
        "Read more: the full story is here today",
        "SHARE THIS STORY WITH YOUR FRIENDS NOW",
    ],
)
def test_gate_rejects_furniture(text: str) -> None:
    assert is_furniture(text)


def test_gate_keeps_prose() -> None:
    assert not is_furniture("The council voted 7 to 2 on Tuesday to fund the project.")
    assert not is_furniture("Unemployment fell to 4.1%.")
    assert is_furniture("Fishermen are hopeful.")


@given(st.text(max_size=300))
@settings(max_examples=200, deadline=None)
def test_text_helpers_never_crash(text: str) -> None:
    features = featurise(text, FeatureConfig(bits=10))
    assert all(0 <= i < 1024 for i in features)
    assert kind_of(text) in {"quantity", "event", "attribution", "comparison", "opinion", "prediction", "other"}
    assert all(isinstance(e, str) and e for e in find_entities(text))
    result = standalone(text, "Jane Ortiz spoke.", ["Jane Ortiz"])
    assert result is None or result.endswith(text[3:])
    assert 0.0 <= classifier.shipped().score(text) <= 1.0


def test_split_is_stable_and_case_insensitive() -> None:
    assert dataset.split_of("Taxes rose 3 percent.") == dataset.split_of("  taxes ROSE 3 percent. ")
    splits = [dataset.split_of(f"sentence number {i}") for i in range(2000)]
    assert 0.15 < splits.count("test") / 2000 < 0.25


def test_load_reads_json_and_tables_and_dedupes(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps([{"text": "A b c", "label": 1}, {"text": "a  B c", "label": 1}]))
    (tmp_path / "b.tsv").write_text("text\tlabel\nSome words here\tNFS\nOther words\tCFS\n")
    examples = dataset.load(tmp_path)
    assert sorted((e.text, e.label) for e in examples) == [("A b c", 1), ("Other words", 1), ("Some words here", 0)]
    (tmp_path / "c.csv").write_text("sentence,label\nx,1\n")
    with pytest.raises(InputError):
        dataset.load(tmp_path)
    with pytest.raises(InputError):
        dataset.load(tmp_path / "missing")


def _synthetic(tmp_path: Path) -> Path:
    rng = np.random.default_rng(1)
    places = ["Lakeview", "Port Ellis", "Dunmore", "Carrow", "Belton"]
    rows = []
    for i in range(400):
        place = places[i % len(places)]
        number = int(rng.integers(2, 900))
        rows.append({"text": f"Officials in {place} said {number} homes lost power in {2000 + i % 20}.", "label": 1})
        rows.append({"text": f"I think we should all be proud of {place.lower()} friends, thank you {i}", "label": 0})
    path = tmp_path / "data"
    path.mkdir()
    (path / "train.json").write_text(json.dumps(rows))
    return path


def test_train_writes_a_pickle_free_model_that_scores(tmp_path: Path) -> None:
    data = _synthetic(tmp_path)
    meta = training.train(
        data, tmp_path / "model", config=FeatureConfig(bits=12), word_vectors=False, second_stage=False
    )
    assert meta["test"]["f1"] > 0.9
    with np.load(tmp_path / "model.npz", allow_pickle=False) as arrays:
        assert arrays["weights"].dtype == np.float16
    model = classifier.load(tmp_path / "model")
    assert model.score("Officials in Hillside said 52 homes lost power in 2011.") > model.threshold
    assert model.score("I think we should all be proud, thank you") < model.threshold


def test_train_cli_and_custom_model_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import factsift

    data = _synthetic(tmp_path)
    assert main(["train", "claims", "--data", str(data), "--out", str(tmp_path / "mine.v2"), "--no-embeddings"]) == 0
    assert (tmp_path / "mine.v2.npz").is_file()
    assert "threshold" in capsys.readouterr().out
    report = factsift.analyse(
        text="Storm news\n\nOfficials in Hillside said 52 homes lost power in 2011. I think we should all be proud.",
        claims_model=tmp_path / "mine.v2.npz",
    )
    assert [c.text for c in report.claims] == ["Officials in Hillside said 52 homes lost power in 2011."]
    assert main(["train", "claims", "--data", str(tmp_path / "nowhere")]) == 2


def test_word_vectors_fold_into_per_word_scores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Training with word vectors ships one score per word, and scoring averages them in."""
    from factsift.claims import embeddings

    rng = np.random.default_rng(2)
    words = ["officials", "said", "homes", "power", "think", "proud", "thank", "you", "lost", "we"]
    fake = embeddings.WordVectors(words=words, vectors=rng.normal(size=(len(words), 4)).astype(np.float32))
    monkeypatch.setattr(embeddings, "load_glove", lambda limit=embeddings.VOCABULARY: fake)
    meta = training.train(_synthetic(tmp_path), tmp_path / "m", config=FeatureConfig(bits=12), second_stage=False)
    model = classifier.load(tmp_path / "m")
    assert model.head is None and model.cascade is None
    assert meta["word_vectors"]["words"] == len(words) == len(model.word_scores)
    bare = classifier.ClaimModel(
        weights=np.zeros(16, dtype=np.float32),
        bias=0.0,
        config=FeatureConfig(bits=4, chars=False, cues=False, word_bigrams=False),
        threshold=0.5,
        meta={},
        word_scores={"officials": 1.0, "said": 3.0},
    )
    assert bare.score("Officials said nothing") == pytest.approx(1 / (1 + np.exp(-2.0)))
    assert bare.score("nothing at all") == pytest.approx(0.5)


def test_broken_model_file_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{}")
    np.savez(tmp_path / "bad.npz", weights=np.zeros(4))
    with pytest.raises(InputError):
        classifier.load(tmp_path / "bad")
    np.savez(tmp_path / "evil.npz", weights=np.array([object()], dtype=object), bias=np.array([0.0]))
    (tmp_path / "evil.json").write_text(json.dumps({"features": {"bits": 2}, "threshold": 0.5}))
    with pytest.raises(InputError):
        classifier.load(tmp_path / "evil")


def test_shipped_model_is_small_and_documents_its_threshold() -> None:
    from factsift.claims.encoder import LAYERS

    model = classifier.shipped()
    assert (classifier.DATA_DIR / "claims-model.npz").stat().st_size < 1_100_000  # ~1.0 MB with the 1,152-wide head
    # the fine-tuned top three encoder layers: int8 rows, ~4.9 MB
    assert model.layers_file is not None and model.layers_file.stat().st_size < 6_000_000
    assert model.meta["second_stage"]["tuned_layers"] == [4, 5, 6]
    assert len(model.word_scores) == model.meta["word_vectors"]["words"] > 10_000
    assert 0 < model.threshold < 1
    assert model.head is not None and model.cascade is not None
    assert model.head.width == 384 * len(LAYERS)
    assert 0 < model.cascade.threshold < 1 and model.cascade.low < model.cascade.high
    # the cascade is what a full analysis runs; its out-of-fold figure (what chose it) must beat the
    # first stage's, and a model trained with a test split must beat it there too
    band = {k: model.meta["cascade"][k] for k in ("low", "high", "mix")}
    (chosen,) = [c for c in model.meta["second_stage"]["validation"]["candidates"] if band.items() <= c.items()]
    assert chosen["threshold"] == model.cascade.threshold and chosen["rows"] == model.meta["cross_validation"]["rows"]
    assert chosen["f1"] > model.meta["cross_validation"]["f1"] and chosen["rows"] > 1000
    if "test" in model.meta:
        assert model.meta["test_cascade"]["f1"] > model.meta["test"]["f1"]


class _CountingEncoder:
    """A stand-in for the MiniLM feature encoder: a fixed row per text, and a log of what it encoded."""

    width = 768

    def __init__(self) -> None:
        self.seen: list[str] = []

    def features(self, texts: list[str]) -> np.ndarray:
        self.seen.extend(texts)
        return np.stack([np.full(self.width, 1.0 if "52" in t else -1.0, dtype=np.float32) for t in texts])


def _cascade_model(threshold: float = 0.5) -> classifier.ClaimModel:
    from factsift.claims.head import Head

    head = Head(
        w1=np.eye(768, 1, dtype=np.float32) * 10, b1=np.zeros(1, np.float32), w2=np.ones(1, np.float32), b2=-5.0
    )
    return classifier.ClaimModel(
        weights=np.zeros(16, dtype=np.float32),
        bias=0.0,
        config=FeatureConfig(bits=4, chars=False, cues=False, word_bigrams=False),
        threshold=threshold,
        meta={},
        head=head,
        cascade=classifier.Cascade(low=0.2, high=0.8, mix=0.5, threshold=0.6),
    )


def test_cascade_rescores_only_uncertain_sentences_and_respects_the_limit() -> None:
    model = _cascade_model()
    encoder = _CountingEncoder()
    texts = ["sure no", "unsure with 52", "unsure without", "sure yes", "unsure 52 again"]
    first = [0.05, 0.5, 0.5, 0.95, 0.6]
    final = model.refine(first, texts, encoder)  # type: ignore[arg-type]
    assert encoder.seen == ["unsure with 52", "unsure without", "unsure 52 again"]
    assert final[0] == 0.05 and final[3] == 0.95
    head_yes = 1 / (1 + np.exp(-5.0))
    assert final[1] == pytest.approx(0.5 * head_yes + 0.25)
    assert final[2] == pytest.approx(0.5 * (1 - head_yes) + 0.25)
    limited = _CountingEncoder()
    model.refine(first, texts, limited, limit=1)  # type: ignore[arg-type]
    assert limited.seen == ["unsure 52 again"]  # the highest first-stage score in the band goes first
    assert model.threshold_for(None) == 0.5 and model.threshold_for(encoder) == 0.6  # type: ignore[arg-type]
    # a first-stage score of 0.5 (all-zero weights) is uncertain, so the head has its say
    assert model.score_many(texts[:1], encoder) == pytest.approx([0.5 * (1 - head_yes) + 0.25])  # type: ignore[arg-type]


def test_second_stage_is_trained_saved_and_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    encoder = _CountingEncoder()
    monkeypatch.setattr(training, "_second_stage_encoder", lambda: encoder)
    meta = training.train(_synthetic(tmp_path), tmp_path / "two", config=FeatureConfig(bits=12), word_vectors=False)
    assert meta["cascade"]["low"] == training.LOW and meta["second_stage"]["cross_validation"]["rows"] > 0
    assert "test_cascade" in meta
    model = classifier.load(tmp_path / "two")
    assert model.head is not None and model.cascade is not None
    with np.load(tmp_path / "two.npz", allow_pickle=False) as arrays:
        assert arrays["head_w1"].shape == (768, training.HIDDEN) and arrays["head_w1"].dtype == np.float16
    meta_path = tmp_path / "two.json"
    broken = json.loads(meta_path.read_text())
    broken["cascade"] = None
    meta_path.write_text(json.dumps(broken))
    with pytest.raises(InputError):
        classifier.load(tmp_path / "two")


def test_head_rejects_inconsistent_arrays() -> None:
    from factsift.claims.head import Head

    with pytest.raises(ValueError):
        Head.from_arrays(
            {"head_w1": np.zeros((4, 3)), "head_b1": np.zeros(2), "head_w2": np.zeros(3), "head_b2": np.zeros(1)}
        )


def test_render_prints_page_text_verbatim() -> None:
    from rich.console import Console

    from factsift.analyser import Analyser
    from factsift.claims.render import render
    from factsift.claims.stage import claims_stage
    from factsift.config import ClaimsConfig
    from factsift.model import Article, InputInfo, Report, Sentence

    text = "[bold]Officials[/i] said 400 homes in Lakeview lost power on Monday."
    article = Article(text=text, sentences=[Sentence(0, 0, len(text), text)])
    report = claims_stage(Report(input=InputInfo(kind="text"), article=article), Analyser().context(ClaimsConfig()))
    report.stages.append("claims")
    console = Console(width=200, record=True)
    console.print(render(report))
    assert "[bold]Officials[/i] said 400 homes" in console.export_text()


def test_names_fold_to_one_feature() -> None:
    config = FeatureConfig(bits=12, names=True)
    one = featurise("The plan was signed by Smith in March.", config)
    other = featurise("The plan was signed by Jones in March.", config)
    assert one == other
    assert featurise("The plan was signed by Smith.", FeatureConfig(bits=12)) != featurise(
        "The plan was signed by Jones.", FeatureConfig(bits=12)
    )


_SENTENCES = [
    "Unemployment fell to 4.1% in 2019, the lowest rate in 50 years, officials said.",
    "We should all be proud of this city.",
    "Mayor Ana Ruiz told reporters the $12 million bridge was bigger than planned.",
    "",
    "!!!",
]


@given(st.lists(st.sampled_from(_SENTENCES) | st.text(max_size=80), min_size=1, max_size=6))
@settings(max_examples=60, deadline=None)
def test_scoring_an_article_at_once_equals_scoring_each_sentence(texts: list[str]) -> None:
    model = classifier.shipped()
    together = model.score_many(texts)
    for text, score in zip(texts, together, strict=True):
        features = featurise(text, model.config)
        margin = model.bias + sum(float(model.weights[slot]) * value for slot, value in features.items())
        known = [model.word_scores[w] for w in embedding_tokens(text, model.config.names) if w in model.word_scores]
        margin += sum(known) / len(known) if known else 0.0
        assert score == pytest.approx(1 / (1 + np.exp(-margin)), abs=1e-6)
        assert model.score(text) == pytest.approx(score, abs=1e-9)


def test_feature_blocks_are_each_unit_length() -> None:
    config = FeatureConfig(bits=20, cues=False, chars=False)
    features = featurise("Prices rose 5% in 2020 and prices rose again.", config)
    assert sum(v * v for v in features.values()) == pytest.approx(1.0)


_NAME_WORDS = ["Mayor", "Ana", "Ruiz", "said", ".", '"', ":", "the", "$12", "4.1%", "U.S.", "Raqqa", "we", "2019"]


@given(st.lists(st.sampled_from(_NAME_WORDS) | st.text(max_size=10), max_size=12).map(" ".join), st.booleans())
@settings(max_examples=80, deadline=None)
def test_scored_words_fold_names_as_the_word_vectors_do(text: str, names: bool) -> None:
    """The scorer's one pass over the tokens (shapes, names, vector words) agrees with :func:`embedding_tokens`."""
    config = FeatureConfig(names=names)
    assert blocks(text, config).vector_words == embedding_tokens(text, names)
