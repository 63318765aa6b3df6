"""Fit the risk model so that its stated confidence is the confidence that survives a shift in the data.

Needs scikit-learn, scipy and numpy (``pip install 'factsift[train]'``); scoring does not.

A model calibrated on a random held-out slice of its training mix learns how confident it may be on
*familiar* data, and is overconfident on outlets and collections it has not seen.  So every step that
decides how much to believe a piece of evidence is fitted on predictions made for articles by models
that never saw their part of the data (cross-fitting).  The parts are outlets (hashed into ``folds``;
articles with no outlet go by group), whole datasets, or random groups of articles (``Domain``):

1. Text model: class-balanced L2 logistic regression (``c_text``) over sublinear tf-idf word n-grams.
   The text model fitted without a part scores that part; these out-of-part log-odds are the
   ``text_model`` feature the evidence model learns from, so the weight on wording is the weight
   wording earned on data it had not seen (``text_held_out``).
   1b. With ``shrink_text``, those log-odds are pulled toward their weighted mean by ``n / (n + k)`` for a
   text of ``n`` words (tf-idf's l2 norm makes a one-liner as loud as a long article); ``k`` is the value
   of ``SHRINK_GRID`` under which the out-of-part log-odds best predict the labels.
2. Evidence model: L2 logistic regression (``c_meta``) over the standardised named features.
3. Calibration: the evidence model is refitted without each part and scores it; Platt scaling is
   fitted on these out-of-part log-odds (``calibration_held_out``).  Platt keeps the model linear in
   log-odds, which keeps the per-evidence contributions exact.  With ``calibrate_within_datasets`` the
   fit has one intercept per dataset and the shared slope, so the slope is the one that holds inside a
   collection once its base rate is known (what ``--base-rate`` and a feed calibration supply); the
   model's intercept is the datasets' weighted mean intercept.
4. The text and evidence models are refitted on every training article and step 3's calibration is
   applied to them.

With ``balance_datasets`` every dataset has the same total weight in steps 2 and 3 (the biggest
collection does not set the base rate); with ``balance_classes`` the fakes of each dataset weigh as
much as the rest, so the model assumes a base rate of one half (stored as ``base_rate``, stated in
every report's caveats).  Datasets fall back to groups when the data holds fewer than two.

Step 3 holds each part out of the evidence model, but the text scores of the *other* parts it learns
from came from text models that did see the held-out part: a second-order dependence that makes the
calibration a little bolder than a fully nested fit would (tried: mean ECE within 0.005 of this, on
both held-out protocols, for three times the text fits).  The benchmark is not affected: its test fold
is outside :func:`fit` altogether.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

from factsift import __version__
from factsift.ml.logistic import sigmoid, sigmoid_array
from factsift.ml.split import bucket as split_bucket
from factsift.scoring.features import (
    SOURCE_FEATURES,
    TEXT_FEATURE,
    evidence_feature_names,
    impute,
    observed_means,
    warning_signs,
)
from factsift.scoring.featurize import Example
from factsift.scoring.riskmodel import RiskModel
from factsift.scoring.textmodel import TextConfig, TextModel, document_words, terms
from factsift.scoring.topics import lexicon_topic, topic_balanced_weights, topic_clusters

Domain = Literal["dataset", "outlet", "group"]
TopicBalance = Literal["", "lexicon", "clusters", "clusters+lexicon"]


@dataclass(frozen=True)
class FitConfig:
    """Everything that decides a fitted model besides the data."""

    text: TextConfig | None = field(default_factory=lambda: TextConfig(word_ngrams=2, char_ngrams=0))
    use_source: bool = True
    exclude: tuple[str, ...] = ()  # evidence features left out of the model
    text_held_out: Domain = "dataset"  # what the text model's cross-fitting holds out (see module docstring)
    calibration_held_out: Domain = "dataset"  # what the evidence model's cross-fitting holds out
    balance_datasets: bool = True  # every dataset the same total weight in the evidence model and calibration
    balance_classes: bool = False  # fakes and non-fakes of each dataset the same weight (assumed base rate 1/2)
    shrink_text: bool = False  # pull the wording's log-odds toward its centre for short texts (k fitted, step 1b)
    calibrate_within_datasets: bool = False  # Platt slope fitted with one intercept per dataset (step 3)
    balance_topics: TopicBalance = ""  # text model: within each topic (lexicon or clusters) both classes weigh the same
    topic_clusters: int = 24  # how many content-word clusters ``balance_topics="clusters"`` makes
    c_text: float = 2.0
    c_meta: float = 0.5
    max_terms: int = 60000
    min_df: int = 2
    folds: int = 4  # parts for ``domains="group"`` (and the fallback with fewer than two datasets)
    seed: int = 0

    def describe(self) -> dict[str, Any]:
        return {
            "text": self.text.to_dict() if self.text else None,
            "use_source": self.use_source,
            "exclude": list(self.exclude),
            "text_held_out": self.text_held_out,
            "calibration_held_out": self.calibration_held_out,
            "balance_datasets": self.balance_datasets,
            "balance_classes": self.balance_classes,
            "shrink_text": self.shrink_text,
            "calibrate_within_datasets": self.calibrate_within_datasets,
            **(
                {"balance_topics": self.balance_topics, "topic_clusters": self.topic_clusters}
                if self.balance_topics
                else {}
            ),
            "c_text": self.c_text,
            "c_meta": self.c_meta,
            "max_terms": self.max_terms,
            "min_df": self.min_df,
            "folds": self.folds,
            "seed": self.seed,
        }


#: Words about *how* a text reports, not what about: attribution, sourcing and emphasis.
REPORTING_WORDS = (
    "said says say told tells according reported reports report wrote writes added stated announced explained "
    "confirmed denied claimed claims asked sources source officials official spokesman spokeswoman spokesperson "
    "statement study researchers published percent via breaking shocking exposed truth watch video wow just "
    "really actually literally reportedly allegedly apparently"
).split()
#: The style model's vocabulary: scikit-learn's English stop words (function words: articles, pronouns,
#: prepositions, auxiliaries, quantifiers) and ``REPORTING_WORDS``, which say how a text is written and
#: not what it is about.
FUNCTION_WORDS: tuple[str, ...] = tuple(sorted(set(ENGLISH_STOP_WORDS) | set(REPORTING_WORDS)))
STYLE_TEXT = TextConfig(word_ngrams=2, char_ngrams=0, style_words=FUNCTION_WORDS)
STYLE_AND_WORDS_TEXT = replace(STYLE_TEXT, plain_words_too=True)

#: Wording learnt across outlets, confidence across whole datasets, classes balanced, short texts shrunk:
#: what the topic-balanced candidates share.
_SHRUNK = FitConfig(text_held_out="outlet", calibration_held_out="dataset", balance_classes=True, shrink_text=True)

#: The configurations the benchmark compares; the shipped model is the one that does best on the
#: outlet-disjoint and cross-dataset protocols among those without topic bias (see bench/risk.py,
#: bench/risk_trust.py and docs/factchecks-trust.md).
CANDIDATES: dict[str, FitConfig] = {
    "in-domain": FitConfig(text_held_out="group", calibration_held_out="group"),
    "in-domain-balanced": FitConfig(text_held_out="group", calibration_held_out="group", balance_classes=True),
    "cross-dataset": FitConfig(),
    "cross-dataset-balanced": FitConfig(balance_classes=True),
    "outlet-balanced": FitConfig(text_held_out="outlet", calibration_held_out="outlet", balance_classes=True),
    # the wording's weight learnt across outlets, the confidence across whole datasets
    "outlet-text-dataset-calibrated": FitConfig(
        text_held_out="outlet", calibration_held_out="dataset", balance_classes=True
    ),
    # the same, with the wording read as style only (function words; content words masked): issue 24
    "style-outlet-text-dataset-calibrated": FitConfig(
        text=STYLE_TEXT, text_held_out="outlet", calibration_held_out="dataset", balance_classes=True
    ),
    # the same, the wording of short texts shrunk by n / (n + k), k fitted (step 1b): issue 24's one-liners
    "style-shrunk-outlet-text-dataset-calibrated": FitConfig(
        text=STYLE_TEXT, text_held_out="outlet", calibration_held_out="dataset", balance_classes=True, shrink_text=True
    ),
    # the same, calibrated with one intercept per dataset (step 3): measured, not shipped (bench/risk_trust.py)
    "style-shrunk-within-dataset-calibrated": FitConfig(
        text=STYLE_TEXT,
        text_held_out="outlet",
        calibration_held_out="dataset",
        balance_classes=True,
        shrink_text=True,
        calibrate_within_datasets=True,
    ),
    # word n-grams again, weighted so that within each topic both classes weigh the same (issue 24's
    # "topic-balanced training"), topics the content-word clusters of the training articles, shrunk on short texts
    "ngram-topic-balanced-shrunk": replace(_SHRUNK, balance_topics="clusters"),
    # the same with the topics of the lexicon of misinformation-prone subjects (``topics.TOPICS``)
    "ngram-lexicon-balanced-shrunk": replace(_SHRUNK, balance_topics="lexicon"),
    # style and plain word n-grams in one model, topic-balanced by clusters, shrunk on short texts
    "style-words-topic-balanced-shrunk": replace(_SHRUNK, text=STYLE_AND_WORDS_TEXT, balance_topics="clusters"),
    # the same with the topics of the lexicon
    "style-words-lexicon-balanced-shrunk": replace(_SHRUNK, text=STYLE_AND_WORDS_TEXT, balance_topics="lexicon"),
    # the same with finer topics: a cluster and the lexicon topics it mentions together
    "style-words-cluster-lexicon-balanced-shrunk": replace(
        _SHRUNK, text=STYLE_AND_WORDS_TEXT, balance_topics="clusters+lexicon"
    ),
    # control: word n-grams shrunk on short texts, no topic balance (what the balance itself changes)
    "ngram-shrunk": _SHRUNK,
}


def group_of(example: Example) -> str:
    """The split unit: the article's group (FakeNewsAMT pair) or the article itself."""
    return example.article.group or example.article.id


def bucket(key: str, seed: int, buckets: int) -> int:
    """A stable pseudo-random bucket for ``key`` (same on every machine and run): the split function's, seeded."""
    return split_bucket(key, buckets, salt=str(seed), digest="sha256")


def domains_of(examples: Sequence[Example], by: Domain, config: FitConfig) -> list[str]:
    """The cross-fitting part of each example: its dataset, its outlet's hashed part, or its group's
    hashed part (datasets fall back to groups when there are fewer than two)."""
    if by == "dataset" and len({e.article.dataset for e in examples}) >= 2:
        return [e.article.dataset for e in examples]
    if by == "outlet":
        return [f"part{bucket(e.article.outlet or group_of(e), config.seed + 1, config.folds)}" for e in examples]
    return [f"part{bucket(group_of(e), config.seed + 1, config.folds)}" for e in examples]


def _features(config: FitConfig) -> tuple[str, ...]:
    names = [
        n
        for n in evidence_feature_names()
        if (config.use_source or n not in SOURCE_FEATURES) and n not in config.exclude
    ]
    if config.text is not None:
        names.append(TEXT_FEATURE)
    return tuple(names)


# --- text model ----------------------------------------------------------------------------------


@dataclass
class Corpus:
    """Term counts of every document, counted once and shared by all the fits on subsets of them."""

    counts: sp.csr_matrix
    vocabulary: list[str]
    row_of: dict[str, int]  # article id -> row


@dataclass
class FitCache:
    """Corpora and text models shared between fits on overlapping data (the benchmark makes hundreds)."""

    corpora: dict[TextConfig, Corpus] = field(default_factory=dict)
    text_models: dict[str, TextModel] = field(default_factory=dict)


def corpus_for(examples: Sequence[Example], config: TextConfig, cache: FitCache) -> Corpus:
    """The (cached) term counts of ``examples`` under ``config``, extended with any document not yet counted."""
    corpus = cache.corpora.get(config)
    missing = [e for e in examples if corpus is None or e.article.id not in corpus.row_of]
    if corpus is None or missing:
        known = [] if corpus is None else sorted(corpus.row_of, key=corpus.row_of.__getitem__)
        documents = {e.article.id: e.document for e in missing}
        old = corpus
        vectorizer = CountVectorizer(analyzer=lambda document: terms(document, config), dtype=np.int64)
        fresh = vectorizer.fit_transform(list(documents.values())).tocsr()
        vocabulary = list(old.vocabulary) if old else []
        index = {term: i for i, term in enumerate(vocabulary)}
        remap = np.empty(len(vectorizer.vocabulary_), dtype=np.int64)
        for term, column in vectorizer.vocabulary_.items():
            if term not in index:
                index[term] = len(vocabulary)
                vocabulary.append(term)
            remap[column] = index[term]
        fresh = sp.csr_matrix((fresh.data, remap[fresh.indices], fresh.indptr), shape=(fresh.shape[0], len(vocabulary)))
        if old is not None:
            previous = sp.csr_matrix(old.counts, shape=(old.counts.shape[0], len(vocabulary)))
            counts = sp.vstack([previous, fresh]).tocsr()
        else:
            counts = fresh
        row_of = {article_id: i for i, article_id in enumerate([*known, *documents])}
        corpus = Corpus(counts=counts, vocabulary=vocabulary, row_of=row_of)
        cache.corpora[config] = corpus
    return corpus


#: How the topic clustering reads a document: its words, of which only content words (not ``FUNCTION_WORDS``) count.
TOPIC_WORDS = TextConfig(word_ngrams=1, char_ngrams=0)


def topics_for(examples: Sequence[Example], config: FitConfig, cache: FitCache) -> list[str]:
    """Each example's topic for ``balance_topics``: the lexicon topics it mentions, or its cluster among
    ``examples`` by content words (words seen in at least ``min_df`` of them), or both (cluster and lexicon)."""
    lexicon = [lexicon_topic(e.document) for e in examples]
    if config.balance_topics == "lexicon":
        return lexicon
    corpus = corpus_for(examples, TOPIC_WORDS, cache)
    counts = corpus.counts[np.array([corpus.row_of[e.article.id] for e in examples])]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    function = set(FUNCTION_WORDS) | {"0"}
    columns = [j for j in np.flatnonzero(df >= config.min_df).tolist() if corpus.vocabulary[j] not in function]
    clusters = topic_clusters(
        counts[:, columns].tocsr(), [e.article.id for e in examples], config.topic_clusters, config.seed
    )
    if config.balance_topics == "clusters+lexicon":
        return [f"{cluster}|{topic}" for cluster, topic in zip(clusters, lexicon, strict=True)]
    return clusters


def fit_text(examples: Sequence[Example], config: FitConfig, cache: FitCache | None = None) -> TextModel:
    """The text model fitted on ``examples``: sublinear tf-idf (as :class:`TextModel` scores it) and
    class-balanced L2 logistic regression.  Cached by the exact set of articles and settings."""
    assert config.text is not None
    cache = cache if cache is not None else FitCache()
    ids = sorted(e.article.id for e in examples)
    topics = (config.balance_topics, config.topic_clusters, config.seed) if config.balance_topics else ()
    settings = (ids, config.text, config.c_text, config.max_terms, config.min_df, *topics)
    key = hashlib.sha256(repr(settings).encode()).hexdigest()
    if key in cache.text_models:
        return cache.text_models[key]
    corpus = corpus_for(examples, config.text, cache)
    rows = np.array([corpus.row_of[e.article.id] for e in examples])
    counts = corpus.counts[rows]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    totals = np.asarray(counts.sum(axis=0)).ravel()
    kept = np.flatnonzero(df >= config.min_df)
    names = np.array(corpus.vocabulary, dtype=object)[kept]
    order = np.lexsort((names.astype(str), -totals[kept]))  # most frequent first, ties by term
    columns = np.sort(kept[order[: config.max_terms]])
    idf = np.log((1 + len(rows)) / (1 + df[columns])) + 1.0
    matrix = counts[:, columns].astype(np.float64)
    matrix.data = 1.0 + np.log(matrix.data)
    matrix = normalize(matrix @ sp.diags(idf))
    labels = np.array([e.article.label for e in examples])
    if config.balance_topics:
        balanced = topic_balanced_weights(topics_for(examples, config, cache), labels)
        classifier = LogisticRegression(C=config.c_text, solver="liblinear", max_iter=1000)
        classifier.fit(matrix, labels, sample_weight=balanced)
    else:
        classifier = LogisticRegression(C=config.c_text, solver="liblinear", class_weight="balanced", max_iter=1000)
        classifier.fit(matrix, labels)
    coef = classifier.coef_[0]
    weights = {
        corpus.vocabulary[column]: (float(idf[i]), float(coef[i])) for i, column in enumerate(columns) if coef[i] != 0.0
    }
    model = TextModel(config=config.text, weights=weights, intercept=float(classifier.intercept_[0]))
    cache.text_models[key] = model
    return model


# --- evidence model and calibration --------------------------------------------------------------


@dataclass(frozen=True)
class Linear:
    """A fitted evidence model in raw feature units: ``intercept + (x - means) @ weights``."""

    means: np.ndarray
    weights: np.ndarray
    intercept: float

    def log_odds(self, x: np.ndarray) -> np.ndarray:
        """Log-odds for feature rows ``x`` (one row per article)."""
        z: np.ndarray = self.intercept + (x - self.means) @ self.weights
        return z


def _matrix(rows: Sequence[dict[str, float]], names: Sequence[str]) -> np.ndarray:
    return np.array([[row.get(name, 0.0) for name in names] for row in rows], dtype=np.float64)


def fit_evidence(
    rows: Sequence[dict[str, float]], labels: np.ndarray, weights: np.ndarray, names: tuple[str, ...], c: float
) -> Linear:
    """L2 logistic regression over standardised features; missing evidence is imputed at the observed mean."""
    imputation = observed_means(list(rows), names)
    x = _matrix([impute(row, imputation) for row in rows], names)
    means = np.array([imputation[name] for name in names])
    scales = x.std(axis=0)
    varying = scales > 1e-9
    scales[~varying] = 1.0
    raw = np.zeros(len(names))
    if len(set(labels.tolist())) < 2:
        rate = float(np.clip(np.average(labels, weights=weights), 1e-3, 1 - 1e-3)) if len(labels) else 0.5
        return Linear(means=means, weights=raw, intercept=math.log(rate / (1 - rate)))
    kept = [name for name, v in zip(names, varying, strict=True) if v]
    known = known_signs()
    coef, intercept = logistic_l2(
        ((x - means) / scales)[:, varying], labels, weights, c, signs=np.array([known.get(n, 0) for n in kept])
    )
    raw[varying] = coef / scales[varying]
    return Linear(means=means, weights=raw, intercept=intercept)


#: Evidence whose direction is known before any data is seen: +1 can only raise the risk (warning signs,
#: an outlet rated unreliable or mixed), -1 can only lower it (a higher outlet rating).  Their weights are
#: bounded to that sign in training.
def known_signs() -> dict[str, int]:
    """Each feature of known direction and its sign (+1 raises the risk only, -1 lowers it only)."""
    return {**dict.fromkeys(warning_signs(), 1), "source_unreliable": 1, "source_mixed": 1, "source_score": -1}


def logistic_l2(
    x: np.ndarray, y: np.ndarray, weights: np.ndarray, c: float, signs: np.ndarray | None = None
) -> tuple[np.ndarray, float]:
    """L2 logistic regression, ``0.5 |w|^2 + c * sum(weights * log loss)`` with an unpenalised
    intercept (scikit-learn's objective), fitted by L-BFGS-B so that the columns with ``signs`` +1 get
    weights >= 0 and those with -1 weights <= 0 (0: free).

    Why bounds: a warning sign whose weight came out slightly negative (it separates nothing once the
    outlet and wording are known) would show up in a report as *lowering* the risk, which no reader
    can make sense of; bounded at zero it moves nothing instead."""
    k = x.shape[1]
    target = y.astype(np.float64)
    sw = weights.astype(np.float64)

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = params[:k], params[k]
        z = x @ w + b
        # log(1 + e^z) - y z, stable for large |z|
        value = float(np.sum(sw * (np.logaddexp(0.0, z) - target * z)))
        residual = sw * (sigmoid_array(z) - target)
        grad = np.empty(k + 1)
        grad[:k] = w + c * (x.T @ residual)
        grad[k] = c * float(residual.sum())
        return 0.5 * float(w @ w) + c * value, grad

    limits = {1: (0.0, None), -1: (None, 0.0)}
    bounds = [limits.get(int(signs[j]) if signs is not None else 0, (None, None)) for j in range(k)]
    bounds.append((None, None))
    result = minimize(
        loss, np.zeros(k + 1), jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": 5000, "gtol": 1e-8}
    )
    if not np.all(np.isfinite(result.x)):
        raise RuntimeError(f"evidence model did not converge: {result.message}")
    return np.asarray(result.x[:k], dtype=np.float64), float(result.x[k])


def evidence_matrix(rows: Sequence[dict[str, float]], model: Linear, names: tuple[str, ...]) -> np.ndarray:
    """Feature rows as ``model`` reads them (missing evidence at its training mean)."""
    means = dict(zip(names, model.means.tolist(), strict=True))
    return _matrix([impute(row, means) for row in rows], names)


def sample_weights(examples: Sequence[Example], config: FitConfig) -> np.ndarray:
    """Per-row weights: each dataset the same total (``balance_datasets``), and within a dataset the
    fakes the same total as the rest (``balance_classes``); the weights average 1."""
    keys = [
        (e.article.dataset if config.balance_datasets else "", e.article.label if config.balance_classes else 0)
        for e in examples
    ]
    counts: dict[tuple[str, int], int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    if not counts:
        return np.ones(0)
    per_cell = len(examples) / len(counts)
    return np.array([per_cell / counts[key] for key in keys])


def platt(z: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None) -> tuple[float, float]:
    """Platt scaling: ``a, b`` so that ``sigmoid(a * z + b)`` fits the labels (nearly unregularised)."""
    if len(set(y.tolist())) < 2:
        return 1.0, 0.0
    model = LogisticRegression(C=1e4, max_iter=1000)
    model.fit(z.reshape(-1, 1), y, sample_weight=weights)
    a = float(model.coef_[0][0])
    if not math.isfinite(a) or a <= 0:  # a model that ranks backwards on held-out data is not trusted
        return 1.0, 0.0
    return a, float(model.intercept_[0])


def platt_within_datasets(
    z: np.ndarray, y: np.ndarray, weights: np.ndarray, datasets: Sequence[str]
) -> tuple[float, float]:
    """Platt scaling with one intercept per dataset: the shared slope ``a`` and the datasets' weighted mean
    intercept ``b`` (see step 3 of the module docstring); plain :func:`platt` with fewer than two datasets."""
    names = sorted(set(datasets))
    if len(names) < 2:
        return platt(z, y, weights)
    if len(set(y.tolist())) < 2:
        return 1.0, 0.0
    onehot = np.array([[float(d == name) for name in names] for d in datasets])
    model = LogisticRegression(C=1e4, max_iter=1000, fit_intercept=False)
    model.fit(np.column_stack([z, onehot]), y, sample_weight=weights)
    a = float(model.coef_[0][0])
    if not math.isfinite(a) or a <= 0:
        return 1.0, 0.0
    mass = np.array([weights[onehot[:, j] > 0].sum() for j in range(len(names))])
    return a, float(np.average(model.coef_[0][1:], weights=mass))


#: The values of ``k`` (words) the length shrinkage of the wording chooses from; 0 = no shrinkage.
SHRINK_GRID = (0.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0)


def shrunk(z: np.ndarray, words: np.ndarray, centre: float, k: float) -> np.ndarray:
    """Text log-odds ``z`` pulled toward ``centre`` by ``words / (words + k)`` (as :class:`TextModel` does)."""
    if k <= 0:
        return z
    out: np.ndarray = centre + (z - centre) * (words / (words + k))
    return out


def fit_text_shrinkage(
    z: np.ndarray, words: np.ndarray, labels: np.ndarray, weights: np.ndarray, losses: dict[str, float] | None = None
) -> tuple[float, float]:
    """The ``k`` of ``SHRINK_GRID`` whose shrunk out-of-part log-odds give the lowest weighted log-loss under a
    one-feature logistic fit (step 1b), and its centre: the mean of ``z`` weighted by each text's shrink
    factor, which is also the mean of the shrunk values, the reference the evidence model measures the
    wording from, so a text with no words gets no share from its wording.  ``losses``, when given, receives
    each ``k``'s log-loss (kept in the model's info, so the choice can be checked)."""
    best_k, best_loss, best_centre = 0.0, math.inf, float(np.mean(z))
    for k in SHRINK_GRID:
        factor = words / (words + k) if k > 0 else np.ones_like(z)
        centre = float(np.average(z, weights=factor)) if factor.sum() > 0 else float(np.mean(z))
        x = shrunk(z, words, centre, k)
        model = LogisticRegression(C=1e4, max_iter=1000).fit(x.reshape(-1, 1), labels, sample_weight=weights)
        p = np.clip(model.predict_proba(x.reshape(-1, 1))[:, 1], 1e-12, 1 - 1e-12)
        loss = -float(np.average(labels * np.log(p) + (1 - labels) * np.log(1 - p), weights=weights))
        if losses is not None:
            losses[f"{k:g}"] = round(loss, 5)
        if loss < best_loss - 1e-9:
            best_k, best_loss, best_centre = k, loss, centre
    return best_centre, best_k


@dataclass
class CrossFit:
    """Out-of-domain predictions on the training rows: the text log-odds and the evidence model's log-odds,
    and the wording's length shrinkage (``shrink_words`` 0: none)."""

    text: np.ndarray | None
    log_odds: np.ndarray
    shrink_words: float = 0.0
    centre: float = 0.0
    shrink_losses: dict[str, float] = field(default_factory=dict)  # log-loss of each k tried


def _held(domains: list[str]) -> dict[str, np.ndarray]:
    return {d: np.array([x == d for x in domains]) for d in sorted(set(domains))}


def cross_fit(
    examples: Sequence[Example], config: FitConfig, cache: FitCache
) -> tuple[list[dict[str, float]], CrossFit]:
    """Score every training row with models fitted without its part (steps 1 and 3 of the module docstring)."""
    names = _features(config)
    labels = np.array([e.article.label for e in examples])
    weights = sample_weights(examples, config)
    rows = [dict(e.values) for e in examples]
    text: np.ndarray | None = None
    shrink_words, centre = 0.0, 0.0
    shrink_losses: dict[str, float] = {}
    if config.text is not None:
        held = _held(domains_of(examples, config.text_held_out, config))
        parts = sorted(held)
        text = np.zeros(len(examples))
        for d in parts:
            train = [e for e, h in zip(examples, held[d], strict=True) if not h]
            if len({e.article.label for e in train}) < 2:
                continue
            model = fit_text(train, config, cache)
            text[held[d]] = [model.logit(e.document) for e, h in zip(examples, held[d], strict=True) if h]
        if config.shrink_text:
            words = np.array([document_words(e.document) for e in examples], dtype=np.float64)
            centre, shrink_words = fit_text_shrinkage(text, words, labels, weights, shrink_losses)
            text = shrunk(text, words, centre, shrink_words)
        for row, value in zip(rows, text, strict=True):
            row[TEXT_FEATURE] = float(value)
    z = np.zeros(len(examples))
    held = _held(domains_of(examples, config.calibration_held_out, config))
    for d in sorted(held):
        mask = held[d]
        train_rows = [r for r, h in zip(rows, mask, strict=True) if not h]
        linear = fit_evidence(train_rows, labels[~mask], weights[~mask], names, config.c_meta)
        z[mask] = linear.log_odds(evidence_matrix([r for r, h in zip(rows, mask, strict=True) if h], linear, names))
    return rows, CrossFit(text=text, log_odds=z, shrink_words=shrink_words, centre=centre, shrink_losses=shrink_losses)


def fit(
    examples: Sequence[Example],
    config: FitConfig,
    *,
    cache: FitCache | None = None,
    trained_on: str = "",
) -> RiskModel:
    """Fit and calibrate a risk model on ``examples`` (pass a shared ``cache`` when fitting many
    models on overlapping data, as the benchmark does)."""
    cache = cache if cache is not None else FitCache()
    names = _features(config)
    labels = np.array([e.article.label for e in examples])
    if len(set(labels.tolist())) < 2:
        raise ValueError("training needs both misinformation and other articles")
    weights = sample_weights(examples, config)
    rows, crossed = cross_fit(examples, config, cache)
    if config.calibrate_within_datasets:
        a, b = platt_within_datasets(crossed.log_odds, labels, weights, [e.article.dataset for e in examples])
    else:
        a, b = platt(crossed.log_odds, labels, weights)
    linear = fit_evidence(rows, labels, weights, names, config.c_meta)
    text_model = None
    if config.text is not None:
        fitted = fit_text(examples, config, cache)
        text_model = replace(fitted, shrink_words=crossed.shrink_words, centre=crossed.centre)
    intercept = a * linear.intercept + b
    counts: dict[str, list[int]] = {}
    for example in examples:
        counts.setdefault(example.article.dataset, []).append(example.article.label)
    return RiskModel(
        features=names,
        means=tuple(float(m) for m in linear.means),
        weights=tuple(float(w) * a for w in linear.weights),
        intercept=intercept,
        base_rate=float(np.average(labels, weights=weights)) if len(labels) else 0.5,
        text=text_model,
        version=__version__,
        trained_on=trained_on,
        info={
            "config": config.describe(),
            "rows": len(examples),
            "calibration": {
                "method": "platt on out-of-domain log-odds"
                + (", one intercept per dataset" if config.calibrate_within_datasets else ""),
                "text_held_out": config.text_held_out,
                "calibration_held_out": config.calibration_held_out,
                "a": round(a, 6),
                "b": round(b, 6),
            },
            "text_shrink_words": crossed.shrink_words,
            **({"text_shrink_log_loss": crossed.shrink_losses} if crossed.shrink_losses else {}),
            "assumed_base_rate": round(float(np.average(labels, weights=weights)), 4) if len(labels) else 0.5,
            "score_at_training_means": round(sigmoid(intercept), 4),
            "dataset_fake_shares": {name: round(sum(ys) / len(ys), 4) for name, ys in sorted(counts.items())},
        },
    )


def without_source(config: FitConfig) -> FitConfig:
    """The ablation: the same configuration without the outlet-rating features."""
    return replace(config, use_source=False)


def without_text(config: FitConfig) -> FitConfig:
    """The ablation: the same configuration without the text model."""
    return replace(config, text=None)
