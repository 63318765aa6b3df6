"""ONNX graphs of a BERT encoder's parts, written from plain numpy weights (no PyTorch, no exporter).

A BERT layer is a dozen standard operators, so the graphs are laid out here by hand from the arrays in a
``model.safetensors`` file or a claims model's ``.layers.npz``: the same weights give the same file on any
machine.  Two kinds of graph:

* the *trunk*: word, position and token-type embeddings, then the first layers; it takes ``input_ids``
  and ``attention_mask`` and returns the hidden states after the layers named in ``outputs``;
* a *stack*: further layers that take hidden states and the attention mask and return their states.

Building needs the ``onnx`` package (the ``train`` extra); running the graphs needs only onnxruntime.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

Weights = Mapping[str, npt.NDArray[np.float32]]
OPSET = 17  # LayerNormalization is a standard operator from 17 on
MASK_BIAS = -10000.0  # added to the attention logits of padding tokens


@dataclass(frozen=True)
class Shape:
    """The sizes a BERT graph needs: hidden width, attention heads and layer-norm epsilon."""

    hidden: int
    heads: int
    eps: float


class _Builder:
    """Collects nodes and initialisers with unique names."""

    def __init__(self) -> None:
        self.nodes: list[Any] = []
        self.initialisers: list[Any] = []
        self._count = 0

    def const(self, name: str, value: npt.NDArray[Any]) -> str:
        """Add ``value`` as an initialiser named ``name``."""
        from onnx import numpy_helper

        self.initialisers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(self, kind: str, inputs: Sequence[str], **attributes: Any) -> str:
        """Add one ``kind`` node; returns the name of its output."""
        from onnx import helper

        self._count += 1
        output = f"{kind.lower()}_{self._count}"
        self.nodes.append(helper.make_node(kind, list(inputs), [output], **attributes))
        return output

    def rename(self, value: str, name: str) -> str:
        """Expose ``value`` under ``name`` (a graph output)."""
        from onnx import helper

        self.nodes.append(helper.make_node("Identity", [value], [name]))
        return name

    def linear(self, x: str, weights: Weights, prefix: str) -> str:
        """``x @ W.T + b`` with PyTorch's ``prefix.weight`` and ``prefix.bias``."""
        weight = self.const(prefix + ".weight.T", weights[prefix + ".weight"].T.astype(np.float32))
        bias = self.const(prefix + ".bias", weights[prefix + ".bias"].astype(np.float32))
        return self.op("Add", [self.op("MatMul", [x, weight]), bias])

    def layer_norm(self, x: str, weights: Weights, prefix: str, eps: float) -> str:
        """Layer normalisation over the last axis with ``prefix.weight`` and ``prefix.bias``."""
        scale = self.const(prefix + ".weight", weights[prefix + ".weight"].astype(np.float32))
        bias = self.const(prefix + ".bias", weights[prefix + ".bias"].astype(np.float32))
        return self.op("LayerNormalization", [x, scale, bias], axis=-1, epsilon=eps)


def _mask_bias(b: _Builder, mask: str) -> str:
    """Attention logit bias (batch, 1, 1, tokens): 0 for tokens, :data:`MASK_BIAS` for padding."""
    from onnx import TensorProto

    keep = b.op("Cast", [mask], to=TensorProto.FLOAT)
    one = b.const("mask.one", np.array(1.0, dtype=np.float32))
    big = b.const("mask.bias", np.array(MASK_BIAS, dtype=np.float32))
    axes = b.const("mask.axes", np.array([1, 2], dtype=np.int64))
    return b.op("Unsqueeze", [b.op("Mul", [b.op("Sub", [one, keep]), big]), axes])


def _layer(b: _Builder, x: str, bias: str, weights: Weights, prefix: str, shape: Shape) -> str:
    """One BERT layer: self-attention and feed-forward, each with a residual and a layer norm."""
    size = shape.hidden // shape.heads
    split = b.const(f"{prefix}.split", np.array([0, 0, shape.heads, size], dtype=np.int64))
    merge = b.const(f"{prefix}.merge", np.array([0, 0, shape.hidden], dtype=np.int64))

    def heads(name: str, perm: list[int]) -> str:
        projected = b.linear(x, weights, f"{prefix}.attention.self.{name}")
        return b.op("Transpose", [b.op("Reshape", [projected, split])], perm=perm)

    query = heads("query", [0, 2, 1, 3])
    key = heads("key", [0, 2, 3, 1])
    value = heads("value", [0, 2, 1, 3])
    scale = b.const(f"{prefix}.scale", np.array(1.0 / math.sqrt(size), dtype=np.float32))
    logits = b.op("Add", [b.op("Mul", [b.op("MatMul", [query, key]), scale]), bias])
    context = b.op("MatMul", [b.op("Softmax", [logits], axis=-1), value])
    context = b.op("Reshape", [b.op("Transpose", [context], perm=[0, 2, 1, 3]), merge])
    attended = b.linear(context, weights, f"{prefix}.attention.output.dense")
    x = b.layer_norm(b.op("Add", [attended, x]), weights, f"{prefix}.attention.output.LayerNorm", shape.eps)
    inner = b.linear(x, weights, f"{prefix}.intermediate.dense")
    root2 = b.const(f"{prefix}.root2", np.array(math.sqrt(2.0), dtype=np.float32))
    half = b.const(f"{prefix}.half", np.array(0.5, dtype=np.float32))
    one = b.const(f"{prefix}.one", np.array(1.0, dtype=np.float32))
    erf = b.op("Erf", [b.op("Div", [inner, root2])])
    gelu = b.op("Mul", [b.op("Mul", [inner, half]), b.op("Add", [erf, one])])  # exact (erf) GELU, as BERT's
    out = b.linear(gelu, weights, f"{prefix}.output.dense")
    return b.layer_norm(b.op("Add", [out, x]), weights, f"{prefix}.output.LayerNorm", shape.eps)


def _model(b: _Builder, inputs: list[Any], outputs: list[str], name: str) -> bytes:
    """The checked, serialised model of what ``b`` holds."""
    from onnx import TensorProto, checker, helper

    states = [helper.make_tensor_value_info(o, TensorProto.FLOAT, ["batch", "tokens", "hidden"]) for o in outputs]
    graph = helper.make_graph(b.nodes, name, inputs, states, b.initialisers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="factsift")
    model.ir_version = 8  # readable by every onnxruntime since 1.10
    checker.check_model(model)
    data: bytes = model.SerializeToString()
    return data


def _mask_input() -> Any:
    """The ``attention_mask`` input: 1 for tokens, 0 for padding."""
    from onnx import TensorProto, helper

    return helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"])


def trunk(weights: Weights, layers: Sequence[int], outputs: Sequence[int], shape: Shape) -> bytes:
    """Embeddings and ``layers`` (0-based indices, in order); returns the states after each layer in ``outputs``
    (1-based layer numbers, as ``hidden_states[n]`` in transformers) as ``layer<n>``."""
    from onnx import TensorProto, helper

    b = _Builder()
    ids = helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"])
    words = b.const("word_embeddings", weights["embeddings.word_embeddings.weight"].astype(np.float32))
    positions_table = b.const(
        "position_embeddings", weights["embeddings.position_embeddings.weight"].astype(np.float32)
    )
    token_type = b.const("token_type_0", weights["embeddings.token_type_embeddings.weight"][0].astype(np.float32))
    zero = b.const("zero", np.array([0], dtype=np.int64))
    length = b.op("Shape", ["input_ids"], start=1, end=2)  # [tokens]
    positions = b.op("Slice", [positions_table, zero, length, zero])  # the first ``tokens`` rows
    summed = b.op("Add", [b.op("Add", [b.op("Gather", [words, "input_ids"], axis=0), positions]), token_type])
    x = b.layer_norm(summed, weights, "embeddings.LayerNorm", shape.eps)
    bias = _mask_bias(b, "attention_mask")
    names = _layers(b, x, bias, weights, layers, outputs, shape)
    return _model(b, [ids, _mask_input()], names, "trunk")


def _layers(
    b: _Builder, x: str, bias: str, weights: Weights, layers: Sequence[int], outputs: Sequence[int], shape: Shape
) -> list[str]:
    """Apply ``layers`` to ``x``; the names of the states after each layer in ``outputs``."""
    names = []
    for index in layers:
        x = _layer(b, x, bias, weights, f"encoder.layer.{index}", shape)
        if index + 1 in outputs:
            names.append(b.rename(x, f"layer{index + 1}"))
    return names


def stack(weights: Weights, layers: Sequence[int], outputs: Sequence[int], shape: Shape) -> bytes:
    """``layers`` (0-based) applied to ``hidden`` states; returns the states after each layer in ``outputs``."""
    from onnx import TensorProto, helper

    b = _Builder()
    hidden = helper.make_tensor_value_info("hidden", TensorProto.FLOAT, ["batch", "tokens", "hidden"])
    bias = _mask_bias(b, "attention_mask")
    x = "hidden"
    names = _layers(b, x, bias, weights, layers, outputs, shape)
    return _model(b, [hidden, _mask_input()], names, "stack")


def quantise(model: bytes) -> bytes:
    """``model`` with its matrix products and embedding look-ups in int8 (onnxruntime dynamic quantisation,
    one scale per output channel): a quarter of the size, several times faster on a CPU."""
    import tempfile
    from pathlib import Path

    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "fp32.onnx", Path(folder) / "int8.onnx"
        source.write_bytes(model)
        quantize_dynamic(
            source, target, weight_type=QuantType.QInt8, per_channel=True, op_types_to_quantize=["MatMul", "Gather"]
        )
        return target.read_bytes()
