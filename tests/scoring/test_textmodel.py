"""The pure-Python text model reproduces scikit-learn's tf-idf + logistic regression."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from factsift.scoring.riskmodel import RiskModel
from factsift.scoring.textmodel import TextConfig, TextModel, model_input, shown_term, terms

DOCS = [
    "Shocking! You won't believe what the senator did next",
    "The senator introduced a bill on farm subsidies on Monday",
    "They don't want you to know this one secret about vaccines",
    "The committee will vote on the budget proposal next week",
    "Insiders reveal the shocking truth the media is hiding",
    "Officials said the bridge repairs would finish in March 2017",
]
LABELS = [1, 0, 1, 0, 1, 0]


@pytest.mark.parametrize("config", [TextConfig(2, 0), TextConfig(1, 4)])
def test_matches_sklearn(config: TextConfig) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer=lambda d: terms(d, config), sublinear_tf=True)
    matrix = vectorizer.fit_transform(DOCS)
    classifier = LogisticRegression(C=10).fit(matrix, LABELS)
    weights = {t: (float(vectorizer.idf_[i]), float(classifier.coef_[0][i])) for t, i in vectorizer.vocabulary_.items()}
    model = TextModel(config=config, weights=weights, intercept=float(classifier.intercept_[0]))
    probe = [*DOCS, "A secret bill about the shocking budget", "nothing known here xyzzy"]
    expected = classifier.decision_function(vectorizer.transform(probe))
    got = np.array([model.logit(d) for d in probe])
    assert np.allclose(got, expected, atol=1e-9)
    restored = TextModel.from_dict(model.to_dict())
    assert np.allclose([restored.logit(d) for d in probe], expected, atol=1e-3)


def test_terms_words_pairs_and_chars() -> None:
    found = terms("Big 2016 win", TextConfig(word_ngrams=2, char_ngrams=4))
    assert "big" in found and "0" in found and "big 0" in found
    assert "# big" in found and "#win " in found


def test_explain_reports_the_pushing_terms() -> None:
    model = TextModel(TextConfig(1, 0), {"secret": (1.0, 2.0), "budget": (1.0, -1.0)}, intercept=0.0)
    z, top = model.explain("secret budget secret", 2)
    assert z == pytest.approx(model.logit("secret budget secret"))
    assert top[0][0] == "secret" and top[0][1] > 0 > top[1][1]
    assert sum(share for _, share in top) == pytest.approx(z)


def test_model_input_caps_the_body() -> None:
    document = model_input("Title", "x" * 10_000)
    assert document.startswith("Title\n\n") and len(document) < 3100


@settings(max_examples=60, deadline=None)
@given(st.text())
def test_any_text_scores_finite(text: str) -> None:
    model = TextModel(TextConfig(2, 4), {"a": (1.0, 1.0), "#abc": (2.0, -0.5)}, intercept=0.1)
    assert math.isfinite(model.logit(text))


def test_length_shrinkage_pulls_short_documents_to_the_centre() -> None:
    """A one-liner's wording says next to nothing: with ``shrink_words`` k, log-odds move toward the centre by
    n / (n + k); long documents keep nearly all of theirs, and the term shares shrink with the total."""
    plain = TextModel(TextConfig(1, 0), {"secret": (1.0, 2.0), "budget": (1.0, -1.0)}, intercept=0.3)
    shrunk = TextModel(plain.config, plain.weights, plain.intercept, shrink_words=16.0, centre=-0.5)
    short, long = "secret budget secret", " ".join(["secret budget secret"] * 100)
    for document, words in ((short, 3), (long, 300)):
        factor = words / (words + 16.0)
        assert shrunk.logit(document) == pytest.approx(-0.5 + (plain.logit(document) + 0.5) * factor)
        _, plain_top = plain.explain(document, 2)
        _, shrunk_top = shrunk.explain(document, 2)
        assert [s for _, s in shrunk_top] == pytest.approx([s * factor for _, s in plain_top])
    assert abs(shrunk.logit(short) + 0.5) < 0.2 * abs(plain.logit(short) + 0.5)
    assert shrunk.logit("!!! ???") == -0.5  # no word at all: the centre
    restored = TextModel.from_dict(shrunk.to_dict())
    assert restored.shrink_words == 16.0 and restored.logit(short) == pytest.approx(shrunk.logit(short), abs=1e-4)
    assert "shrink_words" not in plain.to_dict()  # models without it keep their old form
    with pytest.raises(ValueError, match="shrink_words"):
        TextModel.from_dict({**shrunk.to_dict(), "shrink_words": -1})


def test_explained_terms_show_kinds_of_words_by_name() -> None:
    """A style model's shape tokens are no words of the text: a reader sees what they stand for."""
    config = TextConfig(2, 0, style_words=("the", "of"))
    model = TextModel(config, {"the _": (1.0, 2.0), "_U": (1.0, 1.5), "0": (1.0, 1.0)}, intercept=0.0)
    _, top = model.explain("The vote of 2016 was RIGGED", 3)
    assert [term for term, _ in top] == ["the ‹word›", "‹CAPITALS›", "‹number›"]


def reference_explain(model: TextModel, document: str, k: int) -> tuple[float, list[tuple[str, float]]]:
    """``TextModel.explain`` written plainly: every term of :func:`terms`, counted, weighed and ranked."""
    parts: list[tuple[str, float]] = []
    norm2 = 0.0
    for term, count in Counter(terms(document, model.config)).items():
        entry = model.weights.get(term)
        if entry is not None:
            value = (1.0 + math.log(count)) * entry[0]
            norm2 += value * value
            parts.append((term, value * entry[1]))
    factor = model.length_factor(document)
    if factor == 0.0:
        return model.centre, []
    if norm2 == 0:
        return model.centre + (model.intercept - model.centre) * factor, []
    norm = math.sqrt(norm2) / factor
    z = model.centre + (model.intercept - model.centre) * factor + sum(share for _, share in parts) / norm
    if k <= 0:
        return z, []
    shown: dict[str, float] = {}
    for term, share in parts:
        shown[shown_term(term)] = shown.get(shown_term(term), 0.0) + share
    top = sorted(shown.items(), key=lambda part: abs(part[1]), reverse=True)[:k]
    return z, [(name, share / norm) for name, share in top]


SHIPPED_TEXT = RiskModel.shipped().text
assert SHIPPED_TEXT is not None
#: Words of the shipped model's vocabulary (style and plain), in several cases, with tone marks, digits and
#: characters whose lower case is not one character of their kind (İ, final sigma, ², ß).
VOCABULARY_WORDS = sorted({part.lstrip("=") for term in SHIPPED_TEXT.weights for part in term.split(" ")})[::7]
PIECES = st.one_of(
    st.sampled_from(VOCABULARY_WORDS),
    st.sampled_from(VOCABULARY_WORDS).map(str.upper),
    st.sampled_from(VOCABULARY_WORDS).map(str.title),
    st.sampled_from(["!", "?", '"', "“", "”", ":", ";", "(", ")", "2016", "İstanbul", "ΟΔΟΣ", "x²", "Straße", "_"]),
    st.text(max_size=6),
)
SEPARATORS = st.sampled_from([" ", "  ", "\n", ", ", ". ", "-", "'", "’", ""])
SMALL_PIECES = st.one_of(
    st.sampled_from(["the", "of", "The", "VOTE", "vote", "ote", "2016", "İ", "ΑΣ", "Α", "σα", "x²", "!", "?", "“"]),
    st.text(alphabet="theofvVOTE0İΣΑσ²!?“”’'", max_size=4),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(PIECES, SEPARATORS), max_size=80), st.integers(min_value=0, max_value=10))
def test_fast_terms_match_the_plain_reference(pieces: list[tuple[str, str]], k: int) -> None:
    """The shipped style model finds only the terms that can weigh, reading each token once: its log-odds
    and top terms are the plain reference's to the bit (repr, so -0.0 and 0.0 differ)."""
    document = model_input(None, "".join(piece + sep for piece, sep in pieces))
    assert repr(SHIPPED_TEXT.explain(document, k)) == repr(reference_explain(SHIPPED_TEXT, document, k))
    assert repr(SHIPPED_TEXT.logit(document)) == repr(reference_explain(SHIPPED_TEXT, document, 0)[0])


@pytest.mark.parametrize(
    "config",
    [
        TextConfig(1, 0),
        TextConfig(2, 3),
        TextConfig(2, 0, style_words=("the", "of")),
        TextConfig(1, 0, ("the",), True),
        TextConfig(2, 0, ("the", "of"), True),
    ],
)
@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(SMALL_PIECES, SEPARATORS), max_size=30))
@example([("ΑΣ", "'"), ("Α", "")])  # a capital sigma lower-cases by its neighbours: ασ'α, not ας'α
@example([("İ", " "), ("vote", "")])  # İ lower-cases to i and a combining dot
@example([("The", " "), ("vote", ""), ("the", " "), ("ote", "")])  # =the vote is no plain pair
def test_every_kind_of_model_matches_the_plain_reference(config: TextConfig, pieces: list[tuple[str, str]]) -> None:
    """Word, character, style and style-plus-plain models (a zero and a negative-zero weight among theirs;
    terms no model makes, such as ``the =vote``; words whose lower case depends on their neighbours)."""
    document = "".join(piece + sep for piece, sep in pieces)
    vocabulary = ["the", "of", "vote", "the vote", "the _", "_ of", "_C", "_U", "0", "=the", "=vote", "=the =vote"]
    vocabulary += ["=0", "#the", "#vo", "!", "?", '"', "the the", "the =vote", "=the vote", "=i", "=ας", "=ασ", "=σ"]
    weights = {term: (1.0 + i / 7, (-1) ** i * i / 5) for i, term in enumerate(vocabulary)}
    weights["of"], weights["=vote"] = (1.5, 0.0), (1.2, -0.0)
    for shrink in (0.0, 4.0):
        model = TextModel(config, weights, intercept=0.2, shrink_words=shrink, centre=-0.3)
        assert repr(model.explain(document, 4)) == repr(reference_explain(model, document, 4))


def test_token_memo_starts_afresh_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """The memo of token readings is bounded: emptied when full, the scores stay the reference's."""
    from factsift.scoring import textmodel

    monkeypatch.setattr(textmodel, "_TOKEN_MEMO_SIZE", 5)
    model = TextModel(TextConfig(2, 0, ("the", "of"), True), {"the _": (1.0, 2.0), "=vote": (1.5, -1.0)}, 0.0)
    document = "The vote of the council, the VOTE of 2016: the people said no!"
    assert repr(model.explain(document, 3)) == repr(reference_explain(model, document, 3))
    assert len(model._token_memo) <= 5
