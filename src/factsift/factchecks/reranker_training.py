"""Fit the cross-encoder re-ranker (:mod:`.reranker`) on labelled queries and their hardest candidates.

Each training group is one query, its best few candidates from the hybrid ranking and its gold claim
(added when the ranking missed it); the loss is a softmax over the group, so the model learns to pick
the gold among the look-alikes it will meet at use.  Needs torch (the embeddings extra).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from factsift.factchecks.records import Review
from factsift.factchecks.reranker import RerankerSpec, build, logits, tokenise

LEARNING_RATE = 5e-5
EPOCHS = 2
GROUPS_PER_STEP = 4


@dataclass(frozen=True)
class Group:
    """One training query with its candidates; ``gold`` indexes the right one in ``reviews``."""

    query: str
    reviews: tuple[Review, ...]
    gold: int


def fit(
    bert: object,
    tokenizer: object,
    groups: Sequence[Group],
    spec: RerankerSpec,
    *,
    epochs: int = EPOCHS,
    learning_rate: float = LEARNING_RATE,
    seed: int = 0,
) -> tuple[object, object]:
    """Train a cross-encoder of ``spec.layers`` layers on ``groups`` (embeddings frozen); returns (model, head)."""
    import torch

    model, head = build(bert, spec.layers)
    trainable = [p for p in model.parameters() if p.requires_grad] + list(head.parameters())
    optimiser = torch.optim.AdamW(trainable, lr=learning_rate, weight_decay=0.01)
    steps = epochs * max(1, -(-len(groups) // GROUPS_PER_STEP))
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda step: max(0.0, 1.0 - step / steps))
    rng = np.random.default_rng(seed)
    model.train()
    for _ in range(epochs):
        order = rng.permutation(len(groups))
        for start in range(0, len(order), GROUPS_PER_STEP):
            chosen = [groups[i] for i in order[start : start + GROUPS_PER_STEP]]
            loss = torch.zeros(())
            for group in chosen:
                batch = tokenise(tokenizer, group.query, group.reviews, spec.max_length)
                values = logits(model, head, batch)
                loss = loss + torch.nn.functional.cross_entropy(values[None, :], torch.tensor([group.gold]))
            optimiser.zero_grad()
            (loss / len(chosen)).backward()  # type: ignore[no-untyped-call]
            optimiser.step()
            schedule.step()
    model.eval()
    return model, head
