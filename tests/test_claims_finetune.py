"""Fine-tuning the cascade's encoder layers: storage, loading and training, on a tiny BERT made here."""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from factsift.claims import classifier, finetune, training
from factsift.claims.encoder import DEPTH, LAYERS, DeferredFeatures, from_arrays, layer_arrays, read_tuned
from factsift.claims.features import FeatureConfig
from factsift.claims.finetune import build
from factsift.errors import InputError

pytestmark = pytest.mark.train  # PyTorch: make test-train (the train extra) runs these

WIDTH = 16


class _WordTokenizer:
    """A stand-in for the MiniLM tokenizer: one id per word (by CRC), [CLS]=1 first, padding 0."""

    def __call__(self, texts: list[str], **_: Any) -> dict[str, Any]:
        import torch

        ids = [[1, *[2 + zlib.crc32(w.lower().encode()) % 60 for w in text.split()][:30]] for text in texts]
        longest = max(len(row) for row in ids)
        return {
            "input_ids": torch.tensor([row + [0] * (longest - len(row)) for row in ids]),
            "attention_mask": torch.tensor([[1] * len(row) + [0] * (longest - len(row)) for row in ids]),
        }


def _tiny_base() -> Any:
    import torch
    from transformers import BertConfig, BertModel

    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=64,
        hidden_size=WIDTH,
        num_hidden_layers=DEPTH,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
    )
    return BertModel(config, add_pooling_layer=False).eval()  # type: ignore[no-untyped-call]


def _sentences() -> tuple[list[str], np.ndarray]:
    rng = np.random.default_rng(3)
    texts, labels = [], []
    for i in range(160):
        number = int(rng.integers(2, 900))
        texts.append(f"Officials said {number} homes lost power in {2000 + i % 20}")
        labels.append(1)
        texts.append(f"I think we should all be proud tonight friends thank you {i % 7}")
        labels.append(0)
    return texts, np.array(labels, dtype=np.int64)


def test_layer_arrays_are_int8_rows_and_read_back_close(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    layers = {"3.weight": rng.normal(size=(8, 5)).astype(np.float32), "3.bias": rng.normal(size=8).astype(np.float32)}
    layers["3.weight"][2] = 0.0  # an all-zero row keeps a usable scale
    arrays = layer_arrays(layers)
    assert arrays["layer.3.weight"].dtype == np.int8 and arrays["layer.3.bias"].dtype == np.float16
    np.savez(tmp_path / "m.layers.npz", **arrays)  # type: ignore[arg-type]
    back = read_tuned(tmp_path / "m.layers.npz")
    step = np.abs(layers["3.weight"]).max(axis=1, keepdims=True) / 127
    assert np.all(np.abs(back["3.weight"] - layers["3.weight"]) <= step / 2 + 1e-7)
    assert np.allclose(back["3.bias"], layers["3.bias"], atol=1e-2)
    del arrays["layer.3.weight/scale"]
    with pytest.raises(ValueError):
        from_arrays(arrays)
    np.savez(tmp_path / "evil.layers.npz", x=np.array([object()], dtype=object))
    with pytest.raises(InputError):
        read_tuned(tmp_path / "evil.layers.npz")


def test_install_rejects_layers_that_do_not_fit() -> None:
    base = _tiny_base()
    good = {f"5.{k}": v.numpy().copy() for k, v in base.encoder.layer[5].state_dict().items()}
    finetune.install(base, good)
    with pytest.raises(ValueError):
        finetune.install(base, {"9.output.dense.bias": np.zeros(WIDTH, np.float32)})
    with pytest.raises(ValueError):
        finetune.install(base, {**good, "5.output.dense.bias": np.zeros(WIDTH + 1, np.float32)})


def test_fine_tuned_layers_learn_and_load_into_the_int8_encoder() -> None:
    import torch

    base = _tiny_base()
    before = {k: v.clone() for k, v in base.state_dict().items()}
    texts, labels = _sentences()
    tokenizer = _WordTokenizer()
    frozen = build(base, tokenizer)
    cached = finetune.lower_states(frozen, texts)
    assert len(cached.states) == len(texts) and set(cached.fixed) == {x for x in LAYERS if x <= finetune.first_tuned()}
    train_rows = np.arange(0, len(texts) - 40)
    tuned = finetune.fine_tune(base, cached, labels, train_rows, epochs=3)
    # the base model is left as it was (it is the fact-check retrieval model in production)
    assert all(torch.equal(before[k], v) for k, v in base.state_dict().items())
    assert {name.split(".")[0] for name in tuned.layers} == {str(i) for i in range(finetune.first_tuned(), DEPTH)}
    encoder = build(base, tokenizer, from_arrays(layer_arrays(tuned.layers)))
    held = [texts[i] for i in range(len(texts) - 40, len(texts))]
    scores = tuned.head.predict(encoder.features(held))
    held_labels = labels[len(texts) - 40 :]
    assert scores[held_labels == 1].min() > scores[held_labels == 0].max()  # the tuned stage separates unseen rows
    # the tuned layers changed the features: the frozen encoder gives other rows
    assert not np.allclose(frozen.features(held), encoder.features(held), atol=1e-3)


def test_train_with_fine_tune_ships_layers_the_model_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(training, "_bundled_base", lambda: (_tiny_base(), _WordTokenizer()))
    data = tmp_path / "data"
    data.mkdir()
    texts, labels = _sentences()
    (data / "train.json").write_text(
        json.dumps([{"text": t, "label": int(y)} for t, y in zip(texts, labels, strict=True)])
    )
    meta = training.train(data, tmp_path / "tuned", config=FeatureConfig(bits=10), word_vectors=False, fine_tune=True)
    assert meta["second_stage"]["tuned_layers"] == [4, 5, 6]
    assert meta["second_stage"]["validation"]["rows"] > 0 and "test_cascade" in meta
    model = classifier.load(tmp_path / "tuned")
    assert model.layers_file == tmp_path / "tuned.layers.npz" and model.head is not None
    assert model.head.width == WIDTH * len(LAYERS)
    from factsift.claims.stage import encoder_for
    from factsift.config import ClaimsConfig

    deferred = encoder_for(ClaimsConfig(), model)
    assert isinstance(deferred, DeferredFeatures) and deferred.tuned == model.layers_file
    # retraining without fine-tuning to the same stem removes the stale layers
    training.train(data, tmp_path / "tuned", config=FeatureConfig(bits=10), word_vectors=False, second_stage=False)
    assert not (tmp_path / "tuned.layers.npz").exists() and classifier.load(tmp_path / "tuned").layers_file is None
    # a model whose layers file is missing does not load
    meta_path = tmp_path / "tuned.json"
    meta_path.write_text(json.dumps({**json.loads(meta_path.read_text()), **{"second_stage": meta["second_stage"]}}))
    with pytest.raises(InputError):
        classifier.load(tmp_path / "tuned")


def test_train_with_folds_cross_fits_then_refits_on_every_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(training, "_bundled_base", lambda: (_tiny_base(), _WordTokenizer()))
    calls: list[int] = []
    real = finetune.fine_tune

    def counting(*args: Any, **kwargs: Any) -> finetune.Tuned:
        calls.append(len(args[3]))
        return real(*args, **kwargs)

    monkeypatch.setattr(finetune, "fine_tune", counting)
    data = tmp_path / "data"
    data.mkdir()
    texts, labels = _sentences()
    (data / "train.json").write_text(
        json.dumps([{"text": t, "label": int(y)} for t, y in zip(texts, labels, strict=True)])
    )
    meta = training.train(
        data, tmp_path / "cv", config=FeatureConfig(bits=10), word_vectors=False, fine_tune=True, folds=3
    )
    fit = meta["rows"]["fit"]
    # one fine-tune per fold on the other folds' rows, then one on every fit row
    assert len(calls) == 4 and calls[-1] == fit and sum(calls[:3]) == 2 * fit
    validation = meta["second_stage"]["validation"]
    assert validation["rows"] == fit and len(validation["per_fold"]) == 3
    assert len(validation["candidates"]) == len(training.CANDIDATES)
    assert "all fit rows" in meta["second_stage"]["fine_tune"]["trained_on"] and "test_cascade" in meta
    model = classifier.load(tmp_path / "cv")
    assert model.cascade is not None
    assert (model.cascade.low, model.cascade.high, model.cascade.mix) in training.CANDIDATES
    assert model.layers_file is not None and read_tuned(model.layers_file)
    # --no-test leaves the held-out rows unscored
    meta = training.train(
        data, tmp_path / "cv2", config=FeatureConfig(bits=10), word_vectors=False, second_stage=False, score_test=False
    )
    assert "test" not in meta and meta["rows"]["test"] > 0
    with pytest.raises(InputError):
        training.train(data, tmp_path / "bad", config=FeatureConfig(bits=10), word_vectors=False, folds=3)


def test_choose_cascade_keeps_the_default_unless_another_is_clearly_better() -> None:
    labels = np.array([1, 0] * 50, dtype=np.int64)
    first = np.full(100, 0.5)
    second = np.where(labels == 1, 0.9, 0.1)
    cascade, table = training.choose_cascade(labels, first, second)
    # every setting re-scores these rows and separates them perfectly: no setting beats the default
    assert (cascade.low, cascade.high, cascade.mix) == training.CANDIDATES[0] and len(table) == len(training.CANDIDATES)
    # rows just above the default band's top are re-scored only by wider bands, which then win
    first = np.where(labels == 1, 0.75, 0.75)
    cascade, _ = training.choose_cascade(labels, first, second)
    assert cascade.high > training.HIGH and table[0]["f1"] == 1.0
