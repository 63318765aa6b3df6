"""The claims stage on whole articles: the seed page and our own fixture."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import numpy as np
import pytest

import factsift
from factsift.claims import classifier
from factsift.claims.stage import find_claims
from factsift.model import Article, InputInfo, Report, Sentence
from factsift.schema import report_schema

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "examples" / "seed-article.txt"
HARBOUR = Path(__file__).parent / "fixtures" / "claims" / "harbour-article.txt"


def _sentence_ids(report: factsift.Report, starts: tuple[str, ...]) -> set[int]:
    return {s.id for s in report.article.sentences if s.text.startswith(starts)}


@pytest.fixture(scope="module")
def seed() -> factsift.Report:
    assert SEED.is_file(), f"the shared seed article is missing: {SEED}"
    return factsift.analyse(str(SEED))


THESIS = (
    "the United States and Russia are working together as military allies",
    "Russia has quietly and quickly become a military ally",
    "an informal joint military agreement",
)


def test_seed_headline_is_a_claim_and_the_thesis_ranks_first(seed: factsift.Report) -> None:
    """The story's thesis, which the headline and lede assert, outranks its other check-worthy sentences."""
    headline = seed.claims[0]
    assert headline.span.field == "title" and headline.sentence_id is None
    assert headline.text == seed.article.title and headline.span.text == seed.article.title
    body = [c for c in seed.claims if c.span.field == "text"]
    assert len(body) >= 6
    top = [c.text for c in body[:3]]
    assert all(any(phrase in text for text in top) for phrase in THESIS), top
    opinion = next(c for c in seed.claims if c.text.startswith("This is a drastic 180-degree turn"))
    assert opinion.kind == "opinion" and opinion is body[-1]


def test_seed_opener_and_furniture_are_not_claims(seed: factsift.Report) -> None:
    texts = [c.text for c in seed.claims]
    assert not any("Cold War just got very warm" in t for t in texts)
    assert not any("Follow on" in t or "Leave a Reply" in t for t in texts)
    assert "Russia has quietly and quickly become a military ally" in " ".join(texts)


def test_seed_claims_are_sorted_spans_exact_and_above_threshold(seed: factsift.Report) -> None:
    threshold = classifier.shipped().threshold
    priorities = [c.priority or 0.0 for c in seed.claims[1:]]
    assert priorities == sorted(priorities, reverse=True)
    for claim in seed.claims:
        assert threshold <= claim.checkworthiness <= 1
        assert claim.priority is not None and 0 <= claim.priority <= 1
        text = seed.article.title or "" if claim.span.field == "title" else seed.article.text
        assert text[claim.span.start : claim.span.end] == claim.text == claim.span.text
    jsonschema.validate(seed.to_dict(), report_schema())


def test_own_article_ranks_facts_and_skips_openers_and_furniture() -> None:
    report = factsift.analyse(str(HARBOUR))
    texts = [c.text for c in report.claims]
    assert texts, "the fixture states several checkable facts"
    assert not any(t.startswith(("What a week", "Fishermen are hopeful", "Nobody knows")) for t in texts)
    assert not any("Follow on" in t or "Share this" in t or "Leave a Reply" in t for t in texts)
    assert report.claims[0].text == report.article.title
    top_two = {c.text.split()[0] for c in report.claims[1:3]}
    assert top_two <= {"The", "Cargo", "He"}
    assert any(c.kind == "quantity" and "$14.5 million" in c.text for c in report.claims)


def test_own_article_resolves_a_leading_pronoun() -> None:
    report = factsift.analyse(str(HARBOUR))
    claim = next(c for c in report.claims if c.text.startswith("He said the channel"))
    assert (
        claim.standalone
        == "Mayor Tomas Reyes said the channel has lost nearly two metres of depth since the last dredging in 2004."
    )
    assert report.article.text[claim.span.start : claim.span.end].startswith("He said")


def test_furniture_that_slips_past_ingest_is_never_a_claim() -> None:
    lines = [
        "Follow on FacebookFollow on Twitter",
        "Share this article on Facebook, Twitter and LinkedIn today",
        "The Cold War just got very warm.",
        "Officials said 400 homes in Lakeview lost power on Monday after the storm.",
    ]
    text = "\n".join(lines)
    sentences, offset = [], 0
    for i, line in enumerate(lines):
        sentences.append(Sentence(i, offset, offset + len(line), line))
        offset += len(line) + 1
    report = Report(input=InputInfo(kind="text"), article=Article(text=text, sentences=sentences))
    claims = find_claims(report, classifier.shipped())
    assert [c.sentence_id for c in claims] == [3]
    assert claims[0].kind == "quantity"


def test_text_render_lists_top_claims_with_scores(seed: factsift.Report) -> None:
    from rich.console import Console

    from factsift.claims.render import render

    console = Console(width=200, record=True)
    console.print(render(seed))
    out = console.export_text()
    assert "Check-worthy claims" in out
    assert f"{seed.claims[0].checkworthiness:.2f}" in out


@pytest.mark.parametrize("fast", [True, False])
def test_seed_ranking_and_opener_in_both_modes(fast: bool) -> None:
    """The first stage alone (--fast) and the cascade both put the thesis on top and drop the opener."""
    report = factsift.analyse(str(SEED), fast=fast, stages=("claims",))
    model = classifier.shipped()
    top = [c.text for c in report.claims[1:4]]
    assert all(any(phrase in text for text in top) for phrase in THESIS), top
    opener = next(s.text for s in report.article.sentences if s.text.startswith("The Cold War"))
    assert opener == "The Cold War just got very warm."
    assert model.score(opener) < model.threshold
    assert all(c.checkworthiness >= model.threshold for c in report.claims)


def test_sentence_features_are_unit_blocks_and_deterministic() -> None:
    from factsift.claims.encoder import LAYERS, bundled_features

    model = classifier.shipped()
    encoder = bundled_features(model.layers_file)  # the shipped model's fine-tuned top layers
    if encoder is None:
        pytest.fail("the embeddings extra is part of the test environment (make test installs it)")
    texts = ["The council approved 40 new homes in 2019.", "Thank you all for coming tonight."]
    rows = encoder.features(texts)
    assert rows.shape == (2, 384 * len(LAYERS))
    for block in range(len(LAYERS)):
        norms = np.linalg.norm(rows[:, block * 384 : (block + 1) * 384], axis=1)
        assert np.allclose(norms, 1.0, atol=1e-4)
    assert np.allclose(encoder.features(texts[::-1])[::-1], rows, atol=1e-5)  # order and batching do not matter
    assert model.head is not None
    second = model.head.predict(rows)
    assert second[0] > 0.5 > second[1]


def test_cascade_encodes_at_most_a_few_sentences_per_article(monkeypatch: pytest.MonkeyPatch) -> None:
    from factsift.claims import stage

    model = classifier.shipped()
    assert model.cascade is not None
    seen: list[int] = []

    class Recording:
        def features(self, texts: list[str]) -> np.ndarray:
            seen.append(len(texts))
            return np.zeros((len(texts), model.head.width), dtype=np.float32)  # type: ignore[union-attr]

    uncertain = "The committee met on Tuesday to discuss the budget, members said."
    sentences = [uncertain.replace("Tuesday", day) for day in ("Monday", "Tuesday", "Friday", "Sunday", "Saturday")]
    assert all(model.cascade.uncertain(model.score(s)) for s in sentences), [model.score(s) for s in sentences]
    report = factsift.analyse(text="Budget\n\n" + " ".join(sentences), stages=())
    stage.find_claims(report, model, Recording())  # type: ignore[arg-type]
    assert seen == [stage.MAX_ENCODED]


def test_the_second_stage_loads_its_model_only_when_a_sentence_needs_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from factsift.claims import encoder as encoder_module
    from factsift.claims import stage
    from factsift.config import ClaimsConfig

    model = classifier.shipped()
    assert model.cascade is not None and model.head is not None
    loads: list[int] = []

    class StandIn:
        def features(self, texts: list[str]) -> np.ndarray:
            return np.zeros((len(texts), model.head.width), dtype=np.float32)  # type: ignore[union-attr]

    def load(tuned: Path | None = None) -> StandIn:
        assert tuned == model.layers_file  # the model's own tuned layers, if it has any
        loads.append(1)
        return StandIn()

    monkeypatch.setattr(encoder_module, "bundled_features", load)
    monkeypatch.setattr(stage, "bundled_embeddings_wanted", lambda setting: True)
    deferred = stage.encoder_for(ClaimsConfig(), model)
    assert deferred is not None and stage.encoder_for(ClaimsConfig(fast=True), model) is None
    sure = "The council voted 7 to 2 on Tuesday to spend $14.5 million on the harbour, the mayor said."
    report = factsift.analyse(text="Harbour\n\n" + sure, stages=())
    assert not model.cascade.uncertain(model.score(sure))
    stage.find_claims(report, model, deferred)
    assert loads == []  # every sentence was clear to the first stage: no model loaded
    uncertain = "The committee met on Tuesday to discuss the budget, members said."
    assert model.cascade.uncertain(model.score(uncertain))
    stage.find_claims(factsift.analyse(text="Budget\n\n" + uncertain, stages=()), model, deferred)
    assert loads == [1]
