"""5-fold cross-validation of the cascade's second stage, frozen encoder against fine-tuned top layers.

Only the ClaimBuster fit rows (train+dev of the fixed hash split) are used; the held-out test rows
are never read. The folds are those of ``factsift train claims`` (``training._folds``). For each
fold the first stage (n-grams, cues, GloVe) is fitted on the other four folds, and the second stage
is either the shipped recipe on the frozen int8 encoder (scikit-learn perceptron on the mean states
of layers 2, 4, 6) or the fine-tuned one (:mod:`factsift.claims.finetune`: layers 4-6 and the head
trained on the other four folds, stored as int8 rows, read back and quantised on load exactly as
shipped). Both are mixed with the first stage in the cascade's band; the threshold is the F1-optimal
cut over all out-of-fold scores. Slow: ~5 fine-tunes (2-10 min each on one busy core).
Writes bench/results/claims_finetune_cv.json.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import json
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import torch

from factsift.claims import dataset, embeddings, finetune, training
from factsift.claims.classifier import Cascade
from factsift.claims.encoder import from_arrays, layer_arrays
from factsift.claims.finetune import build
from factsift.claims.head import Head

torch.set_num_threads(1)

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "claims"
RESULTS = ROOT / "bench" / "results" / "claims_finetune_cv.json"


def figures(labels: np.ndarray, first: np.ndarray, second: np.ndarray) -> dict[str, object]:
    cascade = Cascade(training.LOW, training.HIGH, training.MIX, 0.5)
    final = training.cascade_scores(first, second, cascade)
    return {
        "cascade": training.evaluate(labels, final, training.best_threshold(labels, final)).to_dict(),
        "cascade_threshold": training.best_threshold(labels, final),
        "second_stage_alone": training.evaluate(labels, second, training.best_threshold(labels, second)).to_dict(),
    }


def main() -> None:
    began = time.monotonic()
    rows = [e for e in dataset.load(DATA / "claimbuster" / "train.json") if dataset.split_of(e.text) != "test"]
    texts = [e.text for e in rows]
    labels = np.array([e.label for e in rows], dtype=np.int64)
    x = training.matrix(texts, training.CONFIG)
    vectors = embeddings.load_glove()
    x = sp.hstack([x, sp.csr_matrix(vectors.mean_vectors(texts, training.CONFIG.names))]).tocsr()
    base, tokenizer = training._bundled_base()
    frozen = build(base, tokenizer)
    features = frozen.features(texts)
    cached = finetune.lower_states(frozen, texts)
    first = np.zeros(len(rows))
    plain = np.zeros(len(rows))
    tuned = np.zeros(len(rows))
    per_fold = []
    for number, held in enumerate(training._folds(len(rows), training.FOLDS)):
        mask = np.ones(len(rows), dtype=bool)
        mask[held] = False
        weights, bias = training._fit(x[mask], labels[mask], training.C)
        first[held] = training._scores(x[held], weights, bias)
        plain[held] = training._fit_head(features[mask], labels[mask]).predict(features[held])
        result = finetune.fine_tune(base, cached, labels, np.flatnonzero(mask), log=print)
        encoder = build(base, tokenizer, from_arrays(layer_arrays(result.layers)))
        head = Head.from_arrays(result.head.arrays())
        tuned[held] = head.predict(encoder.features([texts[i] for i in held]))
        per_fold.append(
            {
                "fold": number,
                "frozen": figures(labels[held], first[held], plain[held]),
                "fine_tuned": figures(labels[held], first[held], tuned[held]),
            }
        )
        print(json.dumps(per_fold[-1]), flush=True)
    results = {
        "rows": len(rows),
        "split": "ClaimBuster train+dev of the blake2b hash split (test rows not read), 5 folds as in training",
        "fine_tune": {
            "layers": list(range(finetune.first_tuned() + 1, finetune.first_tuned() + finetune.TOP + 1)),
            "epochs": finetune.EPOCHS,
            "lr": finetune.LR,
            "head_lr": finetune.HEAD_LR,
        },
        "band": [training.LOW, training.HIGH],
        "mix": training.MIX,
        "first_stage": training.evaluate(labels, first, training.best_threshold(labels, first)).to_dict(),
        "frozen": figures(labels, first, plain),
        "fine_tuned": figures(labels, first, tuned),
        "per_fold": per_fold,
        "seconds": round(time.monotonic() - began),
        "load_average_1min_at_end": round(os.getloadavg()[0], 2),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: results[k] for k in ("first_stage", "frozen", "fine_tuned")}, indent=2))


if __name__ == "__main__":
    main()
