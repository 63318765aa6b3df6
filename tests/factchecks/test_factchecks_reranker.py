"""The cross-encoder re-ranker: saved without pickle, loaded onto a model's embeddings, used for its model only,
and re-ordering only the top hits.  Uses a tiny BERT made here (no download, no bundled weights)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from factsift.factchecks import reranker
from factsift.factchecks.calibration import RERANK_FEATURES, Calibration, LogisticModel, parse_calibration
from factsift.factchecks.records import Review
from factsift.factchecks.retrieval import Hit, rerank

pytestmark = pytest.mark.train  # PyTorch: make test-train (the train extra) runs these


@pytest.fixture(scope="module")
def torch() -> Any:
    import torch

    return torch


WORDS = "the mayor banned kites a heron stole bagel council painted benches purple did ban".split()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory, torch: Any) -> tuple[Any, Any]:
    """A 3-layer BERT with 16-wide states and a word-piece tokenizer over a few words."""
    import transformers

    folder = tmp_path_factory.mktemp("tiny")
    vocab = folder / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "|", ".", "?", *WORDS]) + "\n")
    tokenizer = transformers.BertTokenizerFast(vocab_file=str(vocab))
    config = transformers.BertConfig(
        vocab_size=len(WORDS) + 8,
        hidden_size=16,
        num_hidden_layers=3,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
    )
    torch.manual_seed(1)
    return transformers.BertModel(config, add_pooling_layer=False).eval(), tokenizer


REVIEWS = [
    Review(id="1", claim_reviewed="The mayor banned kites.", verdict="false", title="Did the mayor ban kites?"),
    Review(id="2", claim_reviewed="A heron stole a bagel.", verdict="true"),
    Review(id="3", claim_reviewed="The council painted benches purple.", verdict="mixed", title="Purple benches"),
]


def test_pair_text_joins_claim_and_title() -> None:
    assert reranker.pair_text(REVIEWS[0]) == "The mayor banned kites. | Did the mayor ban kites?"
    assert reranker.pair_text(REVIEWS[1]) == "A heron stole a bagel."


def test_build_shares_the_frozen_embeddings_and_copies_the_first_layers(tiny: tuple[Any, Any], torch: Any) -> None:
    bert, _ = tiny
    model, _head = reranker.build(bert, 2)
    assert len(model.encoder.layer) == 2 and model.embeddings is bert.embeddings
    assert not any(p.requires_grad for p in model.embeddings.parameters())
    first = dict(bert.encoder.layer[1].named_parameters())
    for name, value in model.encoder.layer[1].named_parameters():
        assert torch.equal(value, first[name])


def test_saved_file_has_no_pickle_and_loads_to_the_same_scores(
    tiny: tuple[Any, Any], tmp_path: Path, torch: Any
) -> None:
    bert, tokenizer = tiny
    model, head = reranker.build(bert, 2)
    with torch.no_grad():
        for p in model.encoder.parameters():
            p.add_(0.05 * torch.randn_like(p))  # as if trained: differs from bert's own layers
    spec = reranker.RerankerSpec("tiny@1", 2, 32)
    path = tmp_path / "r.npz"
    reranker.save(path, model, head, spec)
    with np.load(path, allow_pickle=False) as data:  # loading must not need pickle
        assert json.loads(str(data["meta"]))["layers"] == 2
        assert all(data[k].dtype == np.float16 for k in data.files if k != "meta")
    expected = reranker.Reranker(spec, tokenizer, model.eval(), head).scores("the mayor banned kites", REVIEWS)
    loaded = reranker.read(path, bert, tokenizer, quantise=False)
    assert loaded.spec == spec
    assert np.allclose(loaded.scores("the mayor banned kites", REVIEWS), expected, atol=2e-2)
    quantised = reranker.read(path, bert, tokenizer)
    assert np.allclose(quantised.scores("the mayor banned kites", REVIEWS), expected, atol=0.2)


def test_file_is_used_for_its_own_model_only(
    tiny: tuple[Any, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bert, tokenizer = tiny
    model, head = reranker.build(bert, 1)
    path = tmp_path / "own.npz"
    reranker.save(path, model, head, reranker.RerankerSpec("tiny@1", 1, 32))

    class Sentence:  # stands in for a sentence-transformers model: [0].auto_model and .tokenizer
        def __init__(self) -> None:
            self.tokenizer = tokenizer

        def __getitem__(self, index: int) -> Any:
            return type("Module", (), {"auto_model": bert})()

    from factsift.encoder import reference

    monkeypatch.setattr(reference, "reference_model", Sentence)
    assert reranker.load_reranker("other@2", path) is None
    loaded = reranker.load_reranker("tiny@1", path)
    assert loaded is not None and loaded.spec.layers == 1
    assert reranker.load_reranker("tiny@1", Path("off")) is None


def test_rerank_reorders_only_the_top_hits_by_the_combined_score(tiny: tuple[Any, Any]) -> None:
    bert, tokenizer = tiny
    model, head = reranker.build(bert, 2)
    scorer = reranker.Reranker(reranker.RerankerSpec("tiny@1", 2, 32), tokenizer, model.eval(), head)
    combiner = LogisticModel(RERANK_FEATURES, (0.0, 0.0), (1.0, 1.0), (0.0, 5.0), 0.0, threshold=0.3)
    extra = Review(id="4", claim_reviewed="Kites.", verdict="other")
    hits = [Hit(r, s) for r, s in zip([*REVIEWS, extra], (0.9, 0.8, 0.7, 0.6), strict=True)]
    logits = scorer.scores("the mayor banned kites", REVIEWS[:2])
    out = rerank("the mayor banned kites", hits, scorer, combiner, 2)
    assert [h.review.id for h in out[:2]] == [REVIEWS[int(np.argmax(logits))].id, REVIEWS[int(np.argmin(logits))].id]
    assert [h.review.id for h in out[2:]] == ["3", "4"] and out[2].score == 0.7
    assert all(h.threshold == 0.3 and "cross_encoder" in h.features for h in out[:2])


def test_calibration_keeps_the_combiner_through_json() -> None:
    model = LogisticModel(("bm25_rel",), (0.0,), (1.0,), (1.0,), 0.0)
    combiner = LogisticModel(RERANK_FEATURES, (0.0, 0.0), (1.0, 1.0), (1.0, 2.0), -1.0, threshold=0.4)
    calibration = Calibration(bm25=model, hybrid=model, rerank=combiner, rerank_top=2)
    again = parse_calibration(json.loads(json.dumps(calibration.to_dict())))
    assert again.rerank == combiner and again.rerank_top == 2
    assert parse_calibration(json.loads(json.dumps(Calibration(model, model).to_dict()))).rerank is None
