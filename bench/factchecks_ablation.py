"""What else was tried to lift fact-check retrieval towards MAP@5 0.90, measured on CheckThat! 2020 T2 **train** only.

Everything here is 5-fold cross-validation on the train split (800 tweets -> 10,389 Snopes claims); the dev
split is not read.  Three directions:

* Dense retrieval alone (claim vectors, MAP@5): the stock query vector, the shipped linear query adapter
  (each fold's queries mapped by an adapter fitted on the other folds; both with the shipped int8 query
  encoder), the stock full-precision query vector, and (full precision) the top transformer layer of
  all-MiniLM-L6-v2 fine-tuned for the queries only (stored claim vectors stay the stock ones), with a
  softmax over all stored claims (every other claim is a negative, so BM25's hard negatives are in it),
  after each of ``FT_EPOCHS`` epochs.
* The re-score model: the shipped 18 features against the same plus more (un-adapted cosines, the sum
  of claim and title cosines, shared word bigrams, the candidate's rank by cosine, the fine-tuned
  layer's cosines), and gradient boosting instead of the logistic model.  Candidates and cross-fitted
  vectors are those ``factsift train factchecks`` uses; the score model is cross-validated by query.
  For the shipped features, also with the set's duplicate records merged (not the official measure).

Run: ``.venv/bin/python bench/factchecks_ablation.py`` (needs ``pip install -e '.[embeddings,train]'``; a
few minutes on two threads).  Writes ``bench/results/factchecks_ablation.json``.
"""

from __future__ import annotations

import copy
import itertools
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "2")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".." / "shared" / "data" / "claims" / "checkthat2020_t2"
RESULTS = ROOT / "bench" / "results" / "factchecks_ablation.json"
CACHE = Path(tempfile.gettempdir()) / "factsift-fc-cache"
FOLDS = 5
FT_LAYERS, FT_LR, FT_EPOCHS, FT_TEMPERATURE, FT_BATCH = 1, 1e-4, 4, 0.05, 32


def ap_at(order: list[int] | list[str], gold: set[Any], k: int) -> float:
    """AP@k as CheckThat! computes it."""
    found, total = 0, 0.0
    for rank, item in enumerate(order[:k], start=1):
        if item in gold:
            found += 1
            total += found / rank
    return total / min(len(gold), k)


def dense_map(vectors: np.ndarray, documents: np.ndarray, gold: list[set[int]]) -> float:
    """MAP@5 of ranking every stored claim by cosine."""
    sims = vectors @ documents.T
    return float(np.mean([ap_at(list(np.argsort(-sims[i])[:5]), gold[i], 5) for i in range(len(gold))]))


class TopLayers:
    """The last transformer layers of the bundled model run on cached hidden states (lower layers frozen)."""

    def __init__(self, encoder: Any, texts: list[str]) -> None:
        import torch

        self.torch = torch
        from factsift.encoder.reference import reference_model

        sentence = reference_model()  # the PyTorch model (train extra): these layers are trained
        self.bert = sentence[0].auto_model
        tokens = sentence.tokenizer(
            texts, padding=True, truncation=True, max_length=sentence.max_seq_length, return_tensors="pt"
        )
        with torch.no_grad():
            states = self.bert(**tokens, output_hidden_states=True).hidden_states
        self.mask = tokens["attention_mask"]
        self.lengths = self.mask.sum(1)
        self.start = len(states) - 1 - FT_LAYERS
        self.hidden = states[self.start]

    def run(self, layers: Any, rows: list[int]) -> Any:
        """Unit-length mean-pooled vectors of the queries ``rows`` through ``layers``."""
        torch = self.torch
        index = torch.tensor(rows)
        length = int(self.lengths[index].max())
        hidden, mask = self.hidden[index][:, :length], self.mask[index][:, :length]
        extended = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        for layer in layers:
            out = layer(hidden, attention_mask=extended)
            hidden = out[0] if isinstance(out, tuple) else out
        weights = mask.unsqueeze(-1).float()
        return torch.nn.functional.normalize((hidden * weights).sum(1) / weights.sum(1), dim=-1)

    def cross_fitted(
        self, pairs: list[tuple[int, int]], documents: np.ndarray, fold_of: np.ndarray
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Each query encoded by a top layer fine-tuned on the other folds, after every epoch."""
        torch = self.torch
        docs = torch.from_numpy(documents)
        per_epoch = [np.zeros((len(fold_of), documents.shape[1]), dtype=np.float32) for _ in range(FT_EPOCHS)]
        for fold in range(FOLDS):
            held = [i for i in range(len(fold_of)) if fold_of[i] == fold]
            chosen = [(q, d) for q, d in pairs if fold_of[q] != fold]
            torch.manual_seed(0)
            rng = np.random.default_rng(0)
            layers = copy.deepcopy(self.bert.encoder.layer[self.start :])
            optimiser = torch.optim.AdamW(layers.parameters(), lr=FT_LR, weight_decay=0.0)
            for epoch in range(FT_EPOCHS):
                layers.train()
                ordered = sorted(chosen, key=lambda p: (int(self.lengths[p[0]]), rng.random()))
                batches = [ordered[s : s + FT_BATCH] for s in range(0, len(ordered), FT_BATCH)]
                rng.shuffle(batches)  # type: ignore[arg-type]
                for batch in batches:
                    vectors = self.run(layers, [q for q, _ in batch])
                    targets = torch.tensor([d for _, d in batch])
                    loss = torch.nn.functional.cross_entropy(vectors @ docs.T / FT_TEMPERATURE, targets)
                    optimiser.zero_grad()
                    loss.backward()
                    optimiser.step()
                layers.eval()
                with torch.no_grad():
                    per_epoch[epoch][held] = self.run(layers, held).numpy()
        return per_epoch[-1], per_epoch


def main() -> int:
    import torch

    torch.set_num_threads(2)
    from factsift.factchecks.calibration import HYBRID_FEATURES, fit_logistic
    from factsift.factchecks.datasets import duplicate_groups, load_checkthat2020
    from factsift.factchecks.embeddings import require_bundled
    from factsift.factchecks.store import title_key
    from factsift.factchecks.terms import clean_query, words
    from factsift.factchecks.training import NEUTRAL, build_store, cross_fitted_adapter, gold_queries, rank_queries

    started = time.perf_counter()
    encoder = require_bundled()
    dataset = load_checkthat2020(DATA, "train")
    out: dict[str, Any] = {"split": "checkthat2020_t2/train", "folds": FOLDS}
    with tempfile.TemporaryDirectory() as folder:
        store = build_store(dataset, Path(folder) / "train.db", encoder, cache=CACHE)
        doc_ids, claims = store.embeddings(encoder.model_id)
        stored_titles = store.vectors(title_key(encoder.model_id), doc_ids)
        titles = np.stack([stored_titles.get(rid, claims[i]) for i, rid in enumerate(doc_ids)])
        qids = gold_queries(dataset)
        row = {rid: i for i, rid in enumerate(doc_ids)}
        gold = [{row[g] for g in dataset.gold[q] if g in row} for q in qids]
        pairs = [(i, d) for i, g in enumerate(gold) for d in sorted(g)]
        fold_of = np.random.default_rng(0).integers(0, FOLDS, len(qids))
        texts = [dataset.queries[q] for q in qids]
        raw = encoder.encode_queries(texts, adapt=False)
        _, adapted = cross_fitted_adapter(store, dataset, encoder)
        top = TopLayers(encoder, [clean_query(t) for t in texts])
        tuned, per_epoch = top.cross_fitted(pairs, claims, fold_of)
        with torch.no_grad():
            stock = top.run(top.bert.encoder.layer[top.start :], list(range(len(qids)))).numpy()
        out["dense_map_at_5"] = {
            "stock_int8_query": round(dense_map(raw, claims, gold), 4),
            "linear_adapter_cross_fitted_int8_query": round(dense_map(adapted, claims, gold), 4),
            "stock_fp32_query": round(dense_map(stock, claims, gold), 4),
            "top_layer_fine_tuned_fp32_by_epoch": [round(dense_map(v, claims, gold), 4) for v in per_epoch],
        }
        print(out["dense_map_at_5"], flush=True)
        ranked = rank_queries(store, dataset, encoder, NEUTRAL, with_held_out=True, vectors=adapted)
        store.close()
    qpos = {q: i for i, q in enumerate(qids)}

    def extra(qid: str, hits: list[Any]) -> list[dict[str, float]]:
        q = qpos[qid]
        rows = [row[h.review.id] for h in hits]
        rc, rt = claims[rows] @ raw[q], titles[rows] @ raw[q]
        fc, ft = claims[rows] @ tuned[q], titles[rows] @ tuned[q]
        sums = [h.features["cosine_claim"] + h.features["cosine_title"] for h in hits]
        rank = {i: 1.0 / (r + 1) for r, i in enumerate(np.argsort(-np.asarray(sums)))}
        query_words = words(dataset.queries[qid])
        query_bigrams = set(itertools.pairwise(query_words))
        values = []
        for i, hit in enumerate(hits):
            review = hit.review
            doc_words = words(f"{review.claim_reviewed} {review.title or ''}")
            shared = query_bigrams & set(itertools.pairwise(doc_words))
            values.append(
                {
                    "raw_cos_claim": float(rc[i]),
                    "raw_cos_title": float(rt[i]),
                    "raw_cos": float(max(rc[i], rt[i])),
                    "raw_cos_gap": float(max(np.max(rc), np.max(rt)) - max(rc[i], rt[i])),
                    "cos_sum": sums[i],
                    "cos_sum_gap": max(sums) - sums[i],
                    "bigrams": len(shared) / max(len(query_bigrams), 1),
                    "cos_rank": rank[i],
                    "ft_claim": float(fc[i]),
                    "ft_title": float(ft[i]),
                    "ft": float(max(fc[i], ft[i])),
                    "ft_gap": float(max(np.max(fc), np.max(ft)) - max(fc[i], ft[i])),
                }
            )
        return values

    table: list[tuple[str, bool, str, dict[str, float]]] = []
    for r in ranked:
        if r.hits:
            for hit, more in zip(r.hits, extra(r.query_id, r.hits), strict=True):
                label = (not r.held_out) and hit.review.id in r.gold
                table.append((r.query_id, r.held_out, hit.review.id, {**hit.features, **more, "label": label}))
    query_fold = {q: int(f) for q, f in zip(qids, np.random.default_rng(1).integers(0, FOLDS, len(qids)), strict=True)}

    def score_cv(names: list[str], model: str = "logistic") -> dict[str, float]:
        x = np.asarray([[v.get(n, 0.0) for n in names] for *_, v in table])
        y = np.asarray([float(v["label"]) for *_, v in table])
        folds = np.asarray([query_fold[q] for q, *_ in table])
        scores = np.zeros(len(y))
        for fold in range(FOLDS):
            train, test = folds != fold, folds == fold
            if model == "logistic":
                fitted = fit_logistic(x[train], y[train], tuple(names))
                standard = (x[test] - np.asarray(fitted.mean)) / np.asarray(fitted.scale)
                scores[test] = fitted.intercept + standard @ np.asarray(fitted.coef)
            else:
                from sklearn.ensemble import HistGradientBoostingClassifier

                boosted = HistGradientBoostingClassifier(
                    max_iter=200, learning_rate=0.05, max_leaf_nodes=15, random_state=0
                )
                scores[test] = boosted.fit(x[train], y[train]).decision_function(x[test])
        lists: dict[str, list[tuple[float, str]]] = {}
        for (qid, held, rid, _), score in zip(table, scores, strict=True):
            if not held:
                lists.setdefault(qid, []).append((score, rid))
        orders = {q: [rid for _, rid in sorted(v, key=lambda t: -t[0])] for q, v in lists.items()}
        result = {
            f"map_at_{k}": round(sum(ap_at(orders.get(q, []), dataset.gold[q], k) for q in qids) / len(qids), 4)
            for k in (1, 5)
        }
        if names == base and model == "logistic":  # and with duplicate records merged (not the official measure)
            merged = {q: list(dict.fromkeys(groups[rid] for rid in order)) for q, order in orders.items()}
            result |= {
                f"duplicates_collapsed_map_at_{k}": round(
                    sum(ap_at(merged.get(q, []), {groups[g] for g in dataset.gold[q]}, k) for q in qids) / len(qids),
                    4,
                )
                for k in (1, 5)
            }
        return result

    groups = duplicate_groups(dataset)
    base = list(HYBRID_FEATURES)
    raw_cos = ["raw_cos_claim", "raw_cos_title", "raw_cos", "raw_cos_gap"]
    tuned_cos = ["ft_claim", "ft_title", "ft", "ft_gap"]
    variants = {
        "shipped_18_features": (base, "logistic"),
        "+unadapted_cosines": (base + raw_cos, "logistic"),
        "+cosine_sum": ([*base, "cos_sum", "cos_sum_gap"], "logistic"),
        "+shared_bigrams": ([*base, "bigrams"], "logistic"),
        "+cosine_rank": ([*base, "cos_rank"], "logistic"),
        "+fine_tuned_layer_cosines": (base + tuned_cos, "logistic"),
        "+all_of_these": (base + raw_cos + ["cos_sum", "cos_sum_gap", "bigrams", "cos_rank"] + tuned_cos, "logistic"),
        "gradient_boosting_18_features": (base, "boosting"),
    }
    out["rescore_cv"] = {}
    for name, (names, model) in variants.items():
        out["rescore_cv"][name] = score_cv(names, model)
        print(name, out["rescore_cv"][name], flush=True)
    present = [r for r in ranked if not r.held_out]
    out["gold_among_candidates"] = round(
        sum(any(h.review.id in r.gold for h in r.hits) for r in present) / len(present), 4
    )
    out["seconds"] = round(time.perf_counter() - started)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
