"""The shared ONNX sentence encoder: faithful to the reference (PyTorch) encoder, one per process, no PyTorch
at analysis time, and its files checked by hash."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from factsift.claims import classifier
from factsift.claims.encoder import LAYERS, bundled_features
from factsift.encoder.runtime import SentenceEncoder, bundled_folder, shared_encoder
from factsift.errors import InputError

REFERENCE = Path(__file__).parent / "fixtures" / "encoder_reference.npz"
WIDTH = 384
#: Least cosine between an ONNX vector and the reference one (int8 per-channel against full precision; the
#: int8 PyTorch query encoder it replaces kept 0.96-0.99).
MIN_RETRIEVAL_COSINE = 0.97
#: Least cosine per feature block against the reference claims features (PyTorch int8 per-tensor, which the
#: head was trained on, against onnxruntime int8 per-channel; measured 0.91-0.98, lowest in layer 6; the
#: cascade's F1 with each is compared by bench/encoder.py).
MIN_CLAIMS_COSINE = 0.9


def _encoder() -> SentenceEncoder:
    encoder = shared_encoder()
    assert encoder is not None, "make test installs the embeddings extra (onnxruntime, tokenizers)"
    return encoder


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def _check_against(reference: dict[str, np.ndarray]) -> None:
    """The ONNX encoder reproduces the reference vectors of the fixed sentences."""
    sentences = [str(s) for s in reference["sentences"]]
    retrieval = _encoder().embed(sentences)
    cosines = _cosines(retrieval, reference["retrieval"])
    assert cosines.min() >= MIN_RETRIEVAL_COSINE, cosines
    # what retrieval reads, the similarity of two sentences, moves by little
    similarities = retrieval @ retrieval.T - reference["retrieval"] @ reference["retrieval"].T
    assert np.abs(similarities).max() < 0.05
    model = classifier.shipped()
    features = bundled_features(model.layers_file)
    assert features is not None and model.head is not None
    claims = features.features(sentences)
    for block in range(len(LAYERS)):
        span = slice(block * WIDTH, (block + 1) * WIDTH)
        assert _cosines(claims[:, span], reference["claims"][:, span]).min() >= MIN_CLAIMS_COSINE, block
    ours, theirs = model.head.predict(claims), model.head.predict(reference["claims"])
    assert np.abs(ours - theirs).max() < 0.15  # measured: at most 0.11
    assert np.array_equal(ours >= 0.5, theirs >= 0.5)  # and the head decides every sentence the same way


def test_onnx_vectors_match_the_shipped_reference_vectors() -> None:
    with np.load(REFERENCE, allow_pickle=False) as data:
        _check_against({key: data[key] for key in data.files})


@pytest.mark.train
def test_onnx_vectors_match_the_reference_encoder_run_now() -> None:
    """With PyTorch installed: the reference computed afresh (so the fixture cannot hide a drift)."""
    from factsift.encoder.reference import SENTENCES, reference_vectors

    reference = reference_vectors(classifier.shipped().layers_file)
    with np.load(REFERENCE, allow_pickle=False) as data:
        assert [str(s) for s in data["sentences"]] == list(SENTENCES)
        assert np.allclose(data["retrieval"], reference["retrieval"], atol=1e-4)
    _check_against(reference)


@pytest.mark.train
def test_export_rebuilds_the_shipped_files_exactly(tmp_path: Path) -> None:
    from factsift.encoder.rebuild import main

    assert main(["--to", str(tmp_path)]) == 0
    shipped = json.loads((bundled_folder() / "manifest.json").read_text())
    rebuilt = json.loads((tmp_path / "manifest.json").read_text())
    assert rebuilt == shipped


def test_claims_and_retrieval_share_one_encoder() -> None:
    from factsift.factchecks.embeddings import load_bundled

    retrieval = load_bundled()
    tuned = bundled_features(classifier.shipped().layers_file)
    frozen = bundled_features()
    assert retrieval is not None and tuned is not None and frozen is not None
    assert retrieval.model is tuned.encoder is frozen.encoder is _encoder()
    assert frozen.top is _encoder().top and tuned.top is not frozen.top
    texts = ["The council approved 40 new homes in 2019.", "Thank you all for coming tonight."]
    plain, rows = frozen.features(texts), tuned.features(texts)
    # the tuned layers are really used: the trunk's block is the same, the top ones differ
    assert np.allclose(plain[:, :WIDTH], rows[:, :WIDTH], atol=1e-6)
    assert not np.allclose(plain[:, -WIDTH:], rows[:, -WIDTH:], atol=1e-2)
    assert np.allclose(tuned.features(texts[::-1])[::-1], rows, atol=1e-5)  # order and batching do not matter


MIXED_BATCH = [
    "Unemployment fell to 3.5% in 2019.",
    "The governor said on Tuesday that the new budget would cut property taxes for 2.1 million homeowners.",
    "Vaccines cause autism.",
    "A photo shows a shark swimming on a flooded highway in Houston after Hurricane Harvey hit the city in 2017.",
]


def test_a_record_vector_does_not_depend_on_what_it_is_encoded_with() -> None:
    """Records and queries get the same vector alone or among others (int8 scales are per run: RECORD_BATCH)."""
    from factsift.factchecks.embeddings import load_bundled

    retrieval = load_bundled()
    assert retrieval is not None
    together, queries = retrieval.encode(MIXED_BATCH), retrieval.encode_queries(MIXED_BATCH)
    for row, text in enumerate(MIXED_BATCH):
        assert np.array_equal(retrieval.encode([text])[0], together[row]), text
        # the query adapter's matrix product rounds a lone row and a stacked one differently (~1e-8)
        assert np.abs(retrieval.encode_queries([text])[0] - queries[row]).max() < 1e-6, text
    # the check can fail: one run over the mixed batch moves the vectors by ~1e-2 (what RECORD_BATCH removes)
    batched = retrieval.encode(MIXED_BATCH, batch_size=len(MIXED_BATCH))
    assert np.abs(batched - together).max() > 1e-3


def test_a_text_encoded_alone_is_encoded_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """One per run, vectors are remembered by text (bounded), so fact-check matching and coverage asking for
    the same claim run the model once; batched runs are never remembered (their vectors depend on batch mates)."""
    from factsift.encoder import runtime

    encoder = SentenceEncoder(bundled_folder())
    runs: list[list[str]] = []
    compute = encoder.embed_batches

    def counted(texts: list[str], batch_size: int) -> np.ndarray:
        runs.append(list(texts))
        return compute(texts, batch_size)

    monkeypatch.setattr(encoder, "embed_batches", counted)
    monkeypatch.setattr(runtime, "REMEMBERED", 2)
    first = encoder.embed([MIXED_BATCH[0], MIXED_BATCH[1]], batch_size=1)
    again = encoder.embed([MIXED_BATCH[1], MIXED_BATCH[0]], batch_size=1)
    assert runs == [[MIXED_BATCH[0]], [MIXED_BATCH[1]]]  # the second call ran nothing
    assert np.array_equal(first[::-1], again)
    encoder.embed([MIXED_BATCH[2]], batch_size=1)  # a third text: the least recently used one is forgotten
    assert list(encoder.remembered) == [MIXED_BATCH[0], MIXED_BATCH[2]]
    encoder.embed(MIXED_BATCH[:2], batch_size=2)
    assert runs[-1] == MIXED_BATCH[:2] and len(encoder.remembered) == 2


def test_a_changed_model_file_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(bundled_folder(), folder)
    with (folder / "top.onnx").open("r+b") as handle:
        handle.seek(-4, 2)
        handle.write(b"\x00\x01\x02\x03")
    with pytest.raises(InputError, match="SHA-256"):
        SentenceEncoder(folder)


def test_stale_tuned_layers_graph_is_not_used(tmp_path: Path) -> None:
    """A ``.layers.onnx`` exported from other layers than the ``.layers.npz`` beside it is ignored."""
    from factsift.claims.encoder import graph_file, tuned_session

    shipped = classifier.shipped().layers_file
    assert shipped is not None and graph_file(shipped).is_file()
    tuned = tmp_path / "m.layers.npz"
    shutil.copyfile(shipped, tuned)
    shutil.copyfile(graph_file(shipped), graph_file(tuned))
    assert tuned_session(tuned, _encoder()) is not None  # same layers: the exported graph is used
    with np.load(shipped, allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files}
    first = next(key for key in arrays if arrays[key].dtype == np.float16)
    arrays[first] = arrays[first] + np.float16(0.5)
    np.savez(tuned, **arrays)  # type: ignore[arg-type]
    try:
        import onnx  # noqa: F401
    except ImportError:
        with pytest.raises(InputError, match=r"\.layers\.onnx"):
            tuned_session(tuned, _encoder())
    else:
        tuned_session(tuned, _encoder())  # exported again, and written beside the layers
        from factsift.claims.encoder import SOURCE_KEY
        from factsift.encoder.runtime import session, sha256_of

        meta = session(graph_file(tuned)).get_modelmeta().custom_metadata_map
        assert meta[SOURCE_KEY] == sha256_of(tuned)


def test_a_full_analysis_never_imports_torch(tmp_path: Path) -> None:
    """Importing fact-checks with embeddings and a full analysis that uses both encoders load no PyTorch."""
    sample = Path(__file__).resolve().parents[1] / "examples" / "sample-factchecks.json"
    uncertain = "The committee met on Tuesday to discuss the budget, members said."  # the second stage's band
    code = (
        "import sys, factsift\n"
        "from factsift.factchecks.importer import import_files\n"
        f"assert import_files([{str(sample)!r}], db={str(tmp_path / 'x.db')!r}).embedded > 0\n"
        f"report = factsift.analyse(text='Budget\\n\\n' + {uncertain!r}, db={str(tmp_path / 'x.db')!r})\n"
        "from factsift.claims.encoder import bundled_features\n"
        "assert bundled_features.cache_info().currsize == 1, 'the second stage did not run'\n"
        "names = ('torch', 'sentence_transformers', 'transformers', 'onnxruntime')\n"
        "print(sorted(m for m in names if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['onnxruntime']"


def test_help_and_error_exits_import_no_heavy_module() -> None:
    """``factsift --help`` and a one-line error exit do not load dask, tldextract, numpy or the encoder."""
    code = (
        "import sys\n"
        "from factsift.cli import main\n"
        "codes = []\n"
        "for argv in (['--help'], ['check']):\n"
        "    try:\n"
        "        codes.append(main(argv))\n"
        "    except SystemExit as exc:\n"
        "        codes.append(exc.code)\n"
        "heavy = ('dask', 'distributed', 'tldextract', 'numpy', 'onnxruntime', 'trafilatura', 'pyarrow')\n"
        "print(codes, sorted(m for m in heavy if m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip().splitlines()[-1] == "[0, 2] []"
