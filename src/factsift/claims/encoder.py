"""Contextual sentence features for the second stage of the check-worthiness cascade.

The features come from all-MiniLM-L6-v2, the encoder every stage shares (:mod:`factsift.encoder.runtime`,
int8 ONNX graphs run by onnxruntime; no PyTorch): its trunk (layers 1-3) and, on top, the claims model's
own fine-tuned layers 4-6 (``STEM.layers.npz``, exported beside it as ``STEM.layers.onnx``) or, without
them, the bundled model's.  A sentence's feature vector is the mean token state of each layer in
:data:`LAYERS`, each scaled to unit length and concatenated.  The tuned layers' file format
(:func:`layer_arrays`, :func:`from_arrays`) lives here; training them is :mod:`factsift.claims.finetune`.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from factsift.encoder.runtime import SentenceEncoder, mean_unit, session, sha256_of, shared_encoder
from factsift.errors import InputError

log = logging.getLogger(__name__)

#: Transformer layers run (of six). Four (layers 2 and 4) were shipped first; all six (layers 2, 4
#: and 6) gained ~0.3 F1 points in 5-fold CV (mean over three head seeds) for ~1.5x the encoding time.
DEPTH = 6
#: Layers whose mean token state is a feature block (0 would be the word embeddings).
LAYERS = (2, 4, 6)
#: Tokens kept per sentence: longer sentences are cut (a sentence of 90 words still fits).
MAX_TOKENS = 128
BATCH = 32
DESCRIPTION = (
    "all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0), all 6 layers, int8 dynamic quantisation; "
    "mean token state of layers 2, 4 and 6, each unit length"
)
#: Prefix of the layer arrays' keys: ``layer.<index>.<parameter name>``.
PREFIX = "layer."
SCALE = "/scale"
#: Suffix of the exported graph of a model's tuned layers, beside ``STEM.layers.npz``.
GRAPH_SUFFIX = ".onnx"
#: Metadata key of that graph naming the SHA-256 of the ``.layers.npz`` it was exported from.
SOURCE_KEY = "factsift.layers_sha256"


class FeatureEncoder(Protocol):
    """Anything that turns sentences into the second stage's feature rows."""

    def features(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """One feature row per text."""
        ...


@dataclass(frozen=True)
class SentenceFeatures:
    """The shared encoder's trunk and a top of layers 4-6 (an onnxruntime session returning ``layer4`` and
    ``layer6``) that turn sentences into feature rows."""

    encoder: SentenceEncoder
    top: Any

    def features(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """One row per text (mean state of each layer in :data:`LAYERS`, unit length, concatenated)."""
        out: npt.NDArray[np.float32] | None = None
        for rows, batch in self.encoder.batches(texts, MAX_TOKENS, BATCH):
            lower = self.encoder.trunk_states(batch)
            upper = dict(
                zip(
                    [o.name for o in self.top.get_outputs()],
                    self.top.run(None, {"hidden": lower["layer3"], "attention_mask": batch.mask}),
                    strict=True,
                )
            )
            states = {**lower, **upper}
            blocks = np.concatenate([mean_unit(states[f"layer{n}"], batch.mask) for n in LAYERS], axis=1)
            if out is None:
                out = np.zeros((len(texts), blocks.shape[1]), dtype=np.float32)
            out[rows] = blocks
        return out if out is not None else np.zeros((0, 0), dtype=np.float32)


def layer_arrays(layers: dict[str, npt.NDArray[np.float32]]) -> dict[str, npt.NDArray[Any]]:
    """The arrays to store: 2-D weights as int8 with a float32 scale per output row, the rest float16."""
    out: dict[str, npt.NDArray[Any]] = {}
    for name, value in layers.items():
        if value.ndim == 2:
            scale = np.abs(value).max(axis=1) / 127.0
            scale[scale == 0] = 1.0
            out[PREFIX + name] = np.round(value / scale[:, None]).clip(-127, 127).astype(np.int8)
            out[PREFIX + name + SCALE] = scale.astype(np.float32)
        else:
            out[PREFIX + name] = value.astype(np.float16)
    return out


def from_arrays(arrays: dict[str, npt.NDArray[Any]]) -> dict[str, npt.NDArray[np.float32]]:
    """Float32 parameters by name (``index.parameter``) from :func:`layer_arrays`; ValueError when malformed."""
    out: dict[str, npt.NDArray[np.float32]] = {}
    for key, value in arrays.items():
        if not key.startswith(PREFIX) or key.endswith(SCALE):
            continue
        name = key[len(PREFIX) :]
        if value.dtype == np.int8:
            scale = arrays.get(key + SCALE)
            if value.ndim != 2 or scale is None or scale.shape != (value.shape[0],):
                raise ValueError(f"tuned layer array {name}: int8 weights need one scale per row")
            out[name] = value.astype(np.float32) * scale.astype(np.float32)[:, None]
        else:
            out[name] = value.astype(np.float32)
    return out


def read_tuned(path: Path) -> dict[str, npt.NDArray[np.float32]]:
    """Fine-tuned layer parameters from a ``.layers.npz`` file (no pickle); InputError when unreadable."""
    try:
        with np.load(path, allow_pickle=False) as arrays:
            return from_arrays({key: arrays[key] for key in arrays.files})
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(f"cannot load the claims model's tuned layers {path}: {exc}") from exc


def graph_file(tuned: Path) -> Path:
    """Where the exported graph of ``STEM.layers.npz`` lies: ``STEM.layers.onnx``."""
    return tuned.with_suffix(GRAPH_SUFFIX)


def export_tuned(tuned: Path, encoder: SentenceEncoder) -> bytes:
    """The int8 graph of the layers in ``tuned`` (needs the ``onnx`` package); written beside it when possible."""
    try:
        import onnx

        from factsift.encoder.export import tuned_top
    except ImportError as exc:
        raise InputError(
            f"{tuned}: its layers have no exported {graph_file(tuned).name}; export them once with "
            "pip install 'factsift[train]' installed"
        ) from exc
    from factsift.encoder.runtime import read_manifest

    try:
        model = onnx.load_from_string(tuned_top(read_tuned(tuned), read_manifest(encoder.folder)))
    except (KeyError, ValueError) as exc:
        raise InputError(f"the claims model's tuned layers {tuned} do not fit {encoder.model_id}: {exc}") from exc
    onnx.helper.set_model_props(model, {SOURCE_KEY: sha256_of(tuned)})
    data: bytes = model.SerializeToString()
    try:
        graph_file(tuned).write_bytes(data)
    except OSError:
        log.info("could not write %s: the layers are exported again next time", graph_file(tuned))
    return data


def tuned_session(tuned: Path, encoder: SentenceEncoder) -> Any:
    """An onnxruntime session of a model's tuned layers: its exported graph when that was made from this very
    ``.layers.npz`` (checked by SHA-256), else exported now."""
    exported = graph_file(tuned)
    if exported.is_file():
        loaded = session(exported)
        if loaded.get_modelmeta().custom_metadata_map.get(SOURCE_KEY) == sha256_of(tuned):
            return loaded
    return session(export_tuned(tuned, encoder))


@functools.cache
def bundled_features(tuned: Path | None = None) -> SentenceFeatures | None:
    """The feature encoder on the shared all-MiniLM-L6-v2; None when the embeddings extra is not installed.

    ``tuned`` names a model's fine-tuned layers (``STEM.layers.npz``), which replace the bundled
    model's layers 4-6; loaded once per process and path.
    """
    encoder = shared_encoder()
    if encoder is None:
        return None
    return SentenceFeatures(encoder, encoder.top if tuned is None else tuned_session(tuned, encoder))


@dataclass(frozen=True)
class DeferredFeatures:
    """The bundled feature encoder (with a model's tuned layers, if any), loaded when the first sentence needs it.

    Loading the model takes a fraction of a second, while many articles have no sentence the first
    stage is unsure of: those are scored without ever loading it.
    """

    tuned: Path | None = None

    def features(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """One row per text, from :func:`bundled_features` (loaded on this first call)."""
        encoder = bundled_features(self.tuned)
        if encoder is None:
            raise RuntimeError("the embeddings extra is not installed: the second stage cannot run")
        return encoder.features(texts)
