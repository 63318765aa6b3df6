"""Sentence embeddings for dense retrieval, loaded offline and only when asked for.

The optional extra ``factsift[embeddings]`` installs onnxruntime and tokenizers; the model is the
all-MiniLM-L6-v2 export every stage shares (:func:`factsift.encoder.runtime.shared_encoder`, int8, checked
by SHA-256 on load; no PyTorch).  Stored records and queries go through the same model.  Any local
sentence-transformers folder (BERT, mean pooling, safetensors) can be named instead (``--embeddings PATH``,
``FACTSIFT_EMBEDDINGS``, read at the edge): it is exported to ONNX on first use into a cache folder, which
needs the ``onnx`` package of the ``train`` extra.  Without the extra, :func:`resolve_encoder` returns None
and retrieval uses BM25 alone.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from factsift.encoder.runtime import (
    MANIFEST,
    SentenceEncoder,
    bundled_folder,
    encoder_at,
    runtime_installed,
    sha256_of,
)
from factsift.errors import InputError
from factsift.factchecks import adapter
from factsift.factchecks.store import Matrix
from factsift.factchecks.terms import clean_query

log = logging.getLogger(__name__)

_OFF = {"", "0", "off", "no", "none", "false", "bm25"}
#: Texts per encoder run for records and queries: the int8 graphs quantise activations with one scale per run, so
#: one text per run gives a text the same vector whatever else is being encoded (dev MAP@5 0.862 -> 0.867).
RECORD_BATCH = 1


@dataclass(frozen=True)
class Encoder:
    """A loaded sentence-embedding model; ``model_id`` names it in the store so vectors never mix."""

    model_id: str
    model: SentenceEncoder
    adapter: Matrix | None = None  # see factsift.factchecks.adapter
    reranker: Any = None  # a factsift.factchecks.reranker.Reranker for this model, when one is configured

    def encode(self, texts: list[str], *, batch_size: int = RECORD_BATCH) -> Matrix:
        """Unit-length float32 embeddings of stored texts, one row per text (see :data:`RECORD_BATCH`)."""
        return self.model.embed(texts, batch_size=batch_size)

    def encode_queries(self, texts: list[str], *, adapt: bool = True) -> Matrix:
        """Unit-length embeddings of queries: cleaned of links and tweet signatures, then through the learned
        query adapter when there is one (``adapt=False``: without it, for training)."""
        vectors = self.model.embed([clean_query(t) for t in texts], batch_size=RECORD_BATCH)
        if adapt and self.adapter is not None and len(vectors):
            return adapter.apply(self.adapter, vectors)
        return vectors


def _encoder(model: SentenceEncoder, files: RetrievalFiles | None = None) -> Encoder:
    """Retrieval with ``model``: its query adapter and re-ranker (a user's ``files``, else shipped), if any."""
    from factsift.factchecks.reranker import load_reranker

    files = files or RetrievalFiles()
    return Encoder(
        model.model_id,
        model,
        adapter.load_adapter(model.model_id, files.adapter),
        load_reranker(model.model_id, files.reranker),
    )


@dataclass(frozen=True)
class RetrievalFiles:
    """A user's own query adapter and re-ranker files (``[factchecks]`` settings); None: the shipped ones."""

    adapter: Path | None = None
    reranker: Path | None = None


def bundled_model_dir() -> Path | None:
    """The folder of the shipped all-MiniLM-L6-v2 export, or None when the embeddings extra is not installed."""
    return bundled_folder() if runtime_installed() else None


@functools.cache
def load_bundled() -> Encoder | None:
    """The bundled all-MiniLM-L6-v2 (the process's shared encoder); None when the extra is not installed."""
    from factsift.encoder.runtime import shared_encoder

    if bundled_model_dir() is None:
        return None
    model = shared_encoder()
    return None if model is None else _encoder(model)


def require_bundled() -> Encoder:
    """:func:`load_bundled`, or InputError saying how to install it (for tools that cannot work without it)."""
    encoder = load_bundled()
    if encoder is None:
        raise InputError("this needs the embeddings extra: pip install 'factsift[embeddings]'")
    return encoder


def load_folder(folder: str, files: RetrievalFiles | None = None) -> Encoder:
    """A model from a local folder the user names (never a hub name): an exported one as it is, a
    sentence-transformers one exported to ONNX on first use."""
    path = Path(folder).expanduser().resolve()
    if (path / MANIFEST).is_file():
        return _encoder(encoder_at(path), files)
    if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
        raise InputError(f"{folder}: not a local sentence-transformers model folder (no modules.json or config.json)")
    if not runtime_installed():
        raise InputError("embeddings need the optional extra: pip install 'factsift[embeddings]'")
    weights = path / "model.safetensors"
    if not weights.is_file():
        raise InputError(f"{folder}: no model.safetensors (only safetensors weights can be exported)")
    model_id = f"{path.name}@{sha256_of(weights)[:12]}"
    try:
        from factsift.encoder.export import cache_folder, export_folder
    except ImportError as exc:
        raise InputError(f"{folder}: exporting a model to ONNX needs: pip install 'factsift[train]'") from exc
    target = cache_folder(model_id)
    if not (target / MANIFEST).is_file():
        log.info("exporting %s to %s (once)", folder, target)
        export_folder(path, target, model_id)
    return _encoder(encoder_at(target), files)


def _is_off(setting: bool | str) -> bool:
    return setting is False or (isinstance(setting, str) and setting.strip().lower() in _OFF)


def _names_folder(setting: bool | str) -> bool:
    return isinstance(setting, str) and setting.strip().lower() not in {"1", "on", "yes", "true", "auto"}


def bundled_embeddings_wanted(setting: bool | str | None = True) -> bool:
    """Whether a setting leaves embeddings on and the bundled model is installed, without loading it.

    Loading takes seconds (PyTorch and the model), so callers that may not need the model at all
    decide with this and load it on first use.
    """
    return not _is_off(True if setting is None else setting) and bundled_model_dir() is not None


def resolve_encoder(setting: bool | str | None = True, files: RetrievalFiles | None = None) -> Encoder | None:
    """The encoder a setting asks for: False/"off" none, a path that folder, True (or None) the bundled model
    if installed; with a user's adapter and re-ranker ``files`` when given (``$FACTSIFT_EMBEDDINGS`` and
    those files are read at the edge, :mod:`factsift.config`)."""
    chosen = True if setting is None else setting
    if _is_off(chosen):
        return None
    if isinstance(chosen, str) and _names_folder(chosen):
        return load_folder(chosen, files)
    if files is not None and files != RetrievalFiles():
        from factsift.encoder.runtime import shared_encoder

        model = shared_encoder() if bundled_model_dir() is not None else None
        return None if model is None else _encoder(model, files)
    encoder = load_bundled()
    if encoder is None:
        log.info("no embedding model installed: fact-check retrieval uses BM25 alone")
    return encoder
