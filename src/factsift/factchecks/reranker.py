"""A small cross-encoder that re-orders the best few candidates of the hybrid ranking.

The query and one candidate (claim and review headline) are read together by the first ``layers``
transformer layers of the bundled all-MiniLM-L6-v2, so each word of the tweet can attend to each word of
the claim; a mean-pooled linear head gives a logit that the pair is a match.  Only the transformer layers
and the head are stored (``data/reranker.npz``, float16, no pickle); the word-embedding table is the
bundled model's own (frozen in training), so the file stays small.  At load the layers are quantised to
int8 (torch dynamic quantisation).  The file belongs to one embedding model and is ignored for any other;
``$FACTSIFT_FACTCHECK_RERANKER`` names another file (``off``: none).  None ships (its gain did not justify
its cost), and running one needs PyTorch: the ``train`` extra.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from factsift.factchecks.records import Review
from factsift.factchecks.terms import clean_query

FORMAT = "factsift.factchecks.reranker/1"


def pair_text(review: Review) -> str:
    """The candidate side of a pair: the claim, then the review's headline when there is one."""
    return f"{review.claim_reviewed} | {review.title}" if review.title else review.claim_reviewed


@dataclass(frozen=True)
class RerankerSpec:
    """How the cross-encoder was built: layers kept, token budget per pair, and the embedding model it belongs to."""

    model_id: str
    layers: int
    max_length: int


def build(bert: Any, layers: int) -> tuple[Any, Any]:
    """A (transformer, head) pair for training: ``bert``'s embeddings (shared, frozen) and a copy of its first
    ``layers`` layers, plus a fresh linear head."""
    import torch
    from transformers import BertModel

    config = copy.deepcopy(bert.config)
    config.num_hidden_layers = layers
    model = BertModel(config, add_pooling_layer=False)
    model.embeddings = bert.embeddings
    for index in range(layers):
        model.encoder.layer[index].load_state_dict(bert.encoder.layer[index].state_dict())
    for parameter in model.embeddings.parameters():
        parameter.requires_grad = False
    torch.manual_seed(0)
    head = torch.nn.Linear(config.hidden_size, 1)
    return model, head


def logits(model: Any, head: Any, batch: dict[str, Any]) -> Any:
    """One logit per tokenised pair: mean of the last layer's token states, through the head."""
    hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    return head((hidden * mask).sum(1) / mask.sum(1)).squeeze(-1)


def tokenise(tokenizer: Any, query: str, reviews: Sequence[Review], max_length: int) -> dict[str, Any]:
    """The (cleaned query, candidate) pairs as one padded batch, cut to ``max_length`` tokens (longest side first)."""
    cleaned = clean_query(query)
    return dict(
        tokenizer(
            [cleaned] * len(reviews),
            [pair_text(r) for r in reviews],
            padding=True,
            truncation="longest_first",
            max_length=max_length,
            return_tensors="pt",
        )
    )


def save(path: Path, model: Any, head: Any, spec: RerankerSpec) -> None:
    """Write the transformer layers and head as float16 arrays (no pickle) with the spec as JSON."""
    arrays = {
        f"layer.{name}": value.detach().cpu().numpy().astype(np.float16)
        for name, value in model.encoder.state_dict().items()
    }
    arrays |= {
        f"head.{name}": value.detach().cpu().numpy().astype(np.float16) for name, value in head.state_dict().items()
    }
    meta = {"format": FORMAT, "model_id": spec.model_id, "layers": spec.layers, "max_length": spec.max_length}
    np.savez_compressed(path, meta=np.array(json.dumps(meta)), **arrays)


@dataclass(frozen=True)
class Reranker:
    """A loaded int8 cross-encoder: :meth:`scores` gives one logit per candidate of a query."""

    spec: RerankerSpec
    tokenizer: Any
    model: Any
    head: Any

    def scores(self, query: str, reviews: Sequence[Review]) -> list[float]:
        """Match logits of (query, review) pairs, higher = more likely the same claim."""
        if not reviews:
            return []
        import torch

        with torch.no_grad():
            values = logits(self.model, self.head, tokenise(self.tokenizer, query, reviews, self.spec.max_length))
        return [float(v) for v in values]


def read(path: Path, bert: Any, tokenizer: Any, *, quantise: bool = True) -> Reranker:
    """Load a file written by :func:`save` onto ``bert``'s embeddings (int8 layers unless ``quantise`` is off)."""
    import torch

    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
        if meta.get("format") != FORMAT:
            raise ValueError(f"{path}: not a factsift reranker file")
        spec = RerankerSpec(str(meta["model_id"]), int(meta["layers"]), int(meta["max_length"]))
        layers = {
            k[len("layer.") :]: torch.from_numpy(data[k].astype(np.float32))
            for k in data.files
            if k.startswith("layer.")
        }
        head_state = {
            k[len("head.") :]: torch.from_numpy(data[k].astype(np.float32)) for k in data.files if k.startswith("head.")
        }
    model, head = build(bert, spec.layers)
    model.encoder.load_state_dict(layers)
    head.load_state_dict(head_state)
    model.eval()
    if quantise:
        model = quantised_in_place(model)
    return Reranker(spec, tokenizer, model, head)


def quantised_in_place(model: Any) -> Any:
    """``model`` with its Linear layers replaced by int8 ones (per-channel, dynamic), or unchanged when
    dynamic quantisation is not available in the installed torch."""
    import warnings

    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch announces the API's move to torchao; the call is what we want
        try:
            return quantize_dynamic(  # type: ignore[no-untyped-call]
                model, {torch.nn.Linear: per_channel_dynamic_qconfig}, inplace=True
            )
        except (RuntimeError, AssertionError):  # no quantised engine on this CPU build
            return model


def reranker_path(configured: Path | None = None) -> Path | None:
    """The file in use: ``configured`` (``[factchecks] reranker``) when given, else the shipped one (None if absent)."""
    if configured is not None:
        return configured
    ref = resources.files("factsift.factchecks").joinpath("data/reranker.npz")
    return Path(str(ref)) if ref.is_file() else None


def _load(path: str, model_id: str) -> Reranker | None:
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
    if meta.get("model_id") != model_id:
        return None
    from factsift.encoder.reference import reference_model

    sentence_model = reference_model()
    return read(Path(path), sentence_model[0].auto_model, sentence_model.tokenizer)


#: The shipped re-ranker, loaded once per process (it never changes; a user's own is kept by its analyser).
_shipped_load = functools.cache(_load)


def load_reranker(model_id: str, configured: Path | None = None) -> Reranker | None:
    """The cross-encoder for the embedding model ``model_id`` (a user's file ``configured``, else the shipped
    one), or None when there is none for it.

    Its transformer runs on the bundled model's PyTorch weights: InputError without the ``train`` extra."""
    path = reranker_path(configured)
    if path is None or path.name.lower() in {"off", "none"} or not path.is_file():
        return None
    return (_load if configured is not None else _shipped_load)(str(path), model_id)
