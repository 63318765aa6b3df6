"""The ``claims`` pipeline stage: which sentences state a checkable fact, best first.

Every sentence that is not furniture is scored by the check-worthiness model
(:mod:`factsift.claims.classifier`); those scoring at or above the model's threshold
(``worth checking``, 0.33 for the shipped model: the F1-optimal cut on out-of-fold predictions)
become :class:`~factsift.model.Claim` objects, sorted by score.
"""

from __future__ import annotations

import os
from pathlib import Path

from factsift.claims import classifier
from factsift.claims.decontext import standalone
from factsift.claims.entities import capitalised_words, find_entities
from factsift.claims.gate import is_furniture
from factsift.claims.kinds import kind_of
from factsift.model import Claim, Report, Span
from factsift.options import Options
from factsift.pipeline import stage

#: Environment variable naming a model of your own (the path stem of its .npz/.json pair).
MODEL_ENV = "FACTSIFT_CLAIMS_MODEL"


def model_for(options: Options) -> classifier.ClaimModel:
    """The model this analysis uses: ``options.claims_model``, else ``$FACTSIFT_CLAIMS_MODEL``, else shipped."""
    chosen = options.claims_model or os.environ.get(MODEL_ENV)
    if chosen:
        return classifier.load_cached(Path(chosen).resolve())
    return classifier.shipped()


def find_claims(report: Report, model: classifier.ClaimModel) -> list[Claim]:
    """All sentences of the article worth checking under ``model``, highest score first."""
    article = report.article
    known = capitalised_words(article.text)
    claims: list[Claim] = []
    previous: tuple[str, list[str]] | None = None
    for sentence in article.sentences:
        entities = find_entities(sentence.text, known)
        before = previous
        previous = (sentence.text, entities)
        if is_furniture(sentence.text):
            continue
        score = model.score(sentence.text)
        if score < model.threshold:
            continue
        claims.append(
            Claim(
                sentence_id=sentence.id,
                text=sentence.text,
                span=Span(sentence.start, sentence.end, sentence.text),
                checkworthiness=round(score, 4),
                kind=kind_of(sentence.text),
                entities=entities,
                standalone=standalone(sentence.text, *before) if before else None,
            )
        )
    claims.sort(key=lambda c: (-c.checkworthiness, c.sentence_id))
    return claims


@stage("claims")
def claims_stage(report: Report, options: Options) -> Report:
    """Fill ``report.claims`` with the article's check-worthy sentences, best first."""
    report.claims = find_claims(report, model_for(options))
    return report
