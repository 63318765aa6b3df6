"""Fine-tune the top layers of the second stage's encoder end to end with its head (``--fine-tune``).

The cascade reads mean token states of an int8 all-MiniLM-L6-v2 (:mod:`factsift.claims.encoder`).
Here the top :data:`TOP` of its :data:`~factsift.claims.encoder.DEPTH` layers and a head of the same
shape as :class:`~factsift.claims.head.Head` are trained together as a check-worthiness classifier.
The lower layers stay the bundled ones (the word-embedding table is shared with fact-check retrieval,
never trained): their int8 states are computed once per sentence and cached, so training costs only
the top layers' forward and backward passes.

Training runs the PyTorch model (:func:`build`: its layers int8 by PyTorch's dynamic quantisation) and
needs the ``train`` extra.  The trained layers are stored without pickle
(:func:`~factsift.claims.encoder.layer_arrays`: int8 weights with one float32 scale per output row,
float16 biases and layer norms) and exported to ONNX for the shipped cascade, which runs the same
architecture at the same cost without PyTorch.
"""

from __future__ import annotations

import copy
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from factsift.claims.encoder import BATCH as ENCODE_BATCH
from factsift.claims.encoder import DEPTH, LAYERS, MAX_TOKENS
from factsift.claims.head import Head

#: Layers fine-tuned: the top three of six (layers 4-6); layers 1-3 stay the bundled model's.
TOP = 3
EPOCHS = 2
#: AdamW learning rates of the transformer layers and of the freshly initialised head.
LR = 5e-5
HEAD_LR = 1e-3
WEIGHT_DECAY = 0.01
BATCH = 32
HIDDEN = 256


@dataclass(frozen=True)
class TorchFeatures:
    """A tokenizer and a truncated, int8 PyTorch transformer that turn sentences into feature rows (training)."""

    tokenizer: Any
    transformer: Any

    @property
    def width(self) -> int:
        """Length of one feature row."""
        return int(self.transformer.config.hidden_size) * len(LAYERS)

    def features(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """One row per text (mean state of each layer in :data:`LAYERS`, unit length, concatenated)."""
        import torch

        out = np.zeros((len(texts), self.width), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths pad least
        with torch.inference_mode():
            for start in range(0, len(order), ENCODE_BATCH):
                rows = order[start : start + ENCODE_BATCH]
                batch = self.tokenizer(
                    [texts[i] for i in rows],
                    padding=True,
                    truncation=True,
                    max_length=MAX_TOKENS,
                    return_tensors="pt",
                )
                states = self.transformer(**batch, output_hidden_states=True).hidden_states
                out[rows] = torch.cat([_pool(states[layer], batch["attention_mask"]) for layer in LAYERS], 1).numpy()
        return out


def build(base: Any, tokenizer: Any, tuned: dict[str, npt.NDArray[np.float32]] | None = None) -> TorchFeatures:
    """The first :data:`DEPTH` layers of ``base`` (not modified), int8, sharing its word-embedding table.

    ``tuned`` (parameters by ``index.name``) replaces the matching layers' weights before quantisation.
    Raises ValueError when they do not fit the model.
    """
    import torch

    # the word-embedding table (~47 MB, not quantised, only read) is shared with the base model, not copied
    transformer = copy.deepcopy(base, memo={id(base.embeddings): base.embeddings}).eval()
    transformer.encoder.layer = transformer.encoder.layer[:DEPTH]
    if tuned:
        install(transformer, tuned)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch announces the move of this API to torchao
        # in place: the copy above is ours, and a second full-precision copy would only raise peak memory
        quantised = torch.ao.quantization.quantize_dynamic(  # type: ignore[no-untyped-call]
            transformer, {torch.nn.Linear}, dtype=torch.qint8, inplace=True
        )
    return TorchFeatures(tokenizer=tokenizer, transformer=quantised)


@dataclass(frozen=True)
class Cached:
    """Per-sentence input to the trainable layers: the lower layers' token states and fixed pooled blocks."""

    states: list[Any]  # one (tokens, width) float32 tensor per sentence
    fixed: dict[int, Any]  # layer → (sentences, width) unit-length mean states of frozen layers in LAYERS


def first_tuned() -> int:
    """Index (0-based) of the first fine-tuned layer."""
    return DEPTH - TOP


def lower_states(features: TorchFeatures, texts: list[str]) -> Cached:
    """Run the frozen lower layers of ``features`` (its int8 transformer) once over ``texts``."""
    import torch

    start = first_tuned()
    states: list[Any] = []
    fixed = [layer for layer in LAYERS if layer <= start]
    pooled: dict[int, list[Any]] = {layer: [] for layer in fixed}
    with torch.inference_mode():
        for begin in range(0, len(texts), 64):
            batch = features.tokenizer(
                texts[begin : begin + 64], padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
            )
            hidden = features.transformer(**batch, output_hidden_states=True).hidden_states
            mask = batch["attention_mask"]
            for layer in fixed:
                pooled[layer].append(_pool(hidden[layer], mask))
            for row, length in enumerate(mask.sum(1).tolist()):
                states.append(hidden[start][row, :length].clone())
    return Cached(states=states, fixed={layer: torch.cat(blocks) for layer, blocks in pooled.items()})


def _pool(states: Any, mask: Any) -> Any:
    import torch

    weights = mask.unsqueeze(-1).to(states.dtype)
    return torch.nn.functional.normalize((states * weights).sum(1) / weights.sum(1).clamp(min=1.0), dim=1)


def _mask(config: Any, states: Any, mask: Any) -> Any:
    from transformers.masking_utils import create_bidirectional_mask

    return create_bidirectional_mask(config=config, inputs_embeds=states, attention_mask=mask)


def _top_model(layers: list[Any], config: Any, width: int) -> Any:
    """The trainable part: the top layers and a ``Head``-shaped perceptron on the pooled blocks."""
    import torch
    from torch import nn

    start = first_tuned()

    class Top(nn.Module):  # type: ignore[misc,unused-ignore]  # nn.Module is Any when torch is not installed
        def __init__(self) -> None:
            super().__init__()
            self.layers = nn.ModuleList(layers)
            self.head = nn.Sequential(nn.Linear(width * len(LAYERS), HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 1))

        def forward(self, states: Any, mask: Any, fixed: dict[int, Any]) -> Any:
            attention = _mask(config, states, mask)
            pooled = dict(fixed)
            for index, layer in enumerate(self.layers, start=start + 1):
                states = layer(states, attention)
                if index in LAYERS:
                    pooled[index] = _pool(states, mask)
            return self.head(torch.cat([pooled[layer] for layer in LAYERS], dim=1)).squeeze(-1)

    return Top()


def _pad(cached: Cached, rows: list[int]) -> tuple[Any, Any, dict[int, Any]]:
    import torch

    width = cached.states[rows[0]].shape[1]
    longest = max(len(cached.states[i]) for i in rows)
    states = torch.zeros(len(rows), longest, width)
    mask = torch.zeros(len(rows), longest, dtype=torch.long)
    for r, i in enumerate(rows):
        states[r, : len(cached.states[i])] = cached.states[i]
        mask[r, : len(cached.states[i])] = 1
    index = torch.tensor(rows)
    return states, mask, {layer: block[index] for layer, block in cached.fixed.items()}


def _batches(rows: npt.NDArray[np.int64], cached: Cached, rng: np.random.Generator) -> list[list[int]]:
    """Shuffled batches of similar lengths (sorted within windows of 20 batches), so padding stays short."""
    shuffled = rng.permutation(rows).tolist()
    out: list[list[int]] = []
    window = BATCH * 20
    for begin in range(0, len(shuffled), window):
        chunk = sorted(shuffled[begin : begin + window], key=lambda i: len(cached.states[i]))
        out.extend(chunk[k : k + BATCH] for k in range(0, len(chunk), BATCH))
    return [out[i] for i in rng.permutation(len(out))]


@dataclass(frozen=True)
class Tuned:
    """Fine-tuned top layers (float32 parameters by name) and the head trained with them."""

    layers: dict[str, npt.NDArray[np.float32]]
    head: Head


def fine_tune(
    base: Any,
    cached: Cached,
    labels: npt.NDArray[np.int64],
    rows: npt.NDArray[np.int64],
    *,
    epochs: int = EPOCHS,
    seed: int = 0,
    log: Callable[[str], None] | None = None,
) -> Tuned:
    """Train the top layers of ``base`` (a full-precision BERT model, not modified) and a head on ``rows``.

    ``cached`` holds every sentence's lower-layer states (:func:`lower_states`); ``labels`` are 1 for
    check-worthy. AdamW, linear warm-up over the first tenth of the steps and linear decay, dropout on.
    """
    import torch
    from torch import nn

    torch.manual_seed(seed)
    start = first_tuned()
    layers = [copy.deepcopy(layer) for layer in base.encoder.layer[start:DEPTH]]
    width = int(base.config.hidden_size)
    model = _top_model(layers, base.config, width)
    optimiser = torch.optim.AdamW(
        [
            {"params": model.layers.parameters(), "lr": LR},
            {"params": model.head.parameters(), "lr": HEAD_LR},
        ],
        weight_decay=WEIGHT_DECAY,
    )
    steps = -(-len(rows) // BATCH) * epochs
    warm = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min((step + 1) / warm, max(0.0, (steps - step) / max(steps - warm, 1)))
    )
    targets = torch.from_numpy(labels.astype(np.float32))
    loss_of = nn.BCEWithLogitsLoss()
    rng = np.random.default_rng(seed)
    for epoch in range(epochs):
        began, total = time.monotonic(), 0.0
        model.train()
        for batch in _batches(rows, cached, rng):
            states, mask, fixed = _pad(cached, batch)
            loss = loss_of(model(states, mask, fixed), targets[batch])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += float(loss.item()) * len(batch)
        if log is not None:
            log(f"fine-tune epoch {epoch + 1}/{epochs}: loss {total / len(rows):.4f}, {time.monotonic() - began:.0f} s")
    first, second = model.head[0], model.head[2]
    head = Head(
        w1=first.weight.detach().numpy().T.astype(np.float32).copy(),
        b1=first.bias.detach().numpy().astype(np.float32).copy(),
        w2=second.weight.detach().numpy()[0].astype(np.float32).copy(),
        b2=float(second.bias.detach().numpy()[0]),
    )
    state = {
        f"{start + i}.{name}": value.detach().numpy().astype(np.float32).copy()
        for i, layer in enumerate(model.layers)
        for name, value in layer.state_dict().items()
    }
    return Tuned(layers=state, head=head)


def install(transformer: Any, layers: dict[str, npt.NDArray[np.float32]]) -> None:
    """Load tuned parameters into the matching layers of a (full-precision) ``transformer``, in place.

    Raises ValueError when a name or shape does not match the model's layers (a malformed file).
    """
    import torch

    by_layer: dict[int, dict[str, Any]] = {}
    for name, value in layers.items():
        number, _, parameter = name.partition(".")
        if not number.isdigit() or not 0 <= int(number) < len(transformer.encoder.layer):
            raise ValueError(f"tuned layer array {name}: no such layer")
        by_layer.setdefault(int(number), {})[parameter] = torch.from_numpy(value)
    for index, state in by_layer.items():
        layer = transformer.encoder.layer[index]
        expected = {k: tuple(v.shape) for k, v in layer.state_dict().items()}
        given = {k: tuple(v.shape) for k, v in state.items()}
        if given != expected:
            raise ValueError(f"tuned layer {index}: parameters do not match the model's")
        layer.load_state_dict(state)
