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
from factsift.claims.decontext import opens_with_pronoun, standalone
from factsift.claims.entities import capitalised_words, find_entities
from factsift.claims.gate import is_furniture
from factsift.claims.kinds import kind_of
from factsift.model import Claim, Report, Sentence, Span
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
    candidates = [s for s in article.sentences if not is_furniture(s.text)]
    scores = dict(zip((s.id for s in candidates), model.score_many([s.text for s in candidates]), strict=True))
    claims: list[Claim] = []
    previous: Sentence | None = None
    for sentence in article.sentences:
        before, previous = previous, sentence
        score = scores.get(sentence.id)
        if score is None or score < model.threshold:
            continue
        resolved = None
        if before is not None and opens_with_pronoun(sentence.text):
            resolved = standalone(sentence.text, before.text, find_entities(before.text, known))
        claims.append(
            Claim(
                sentence_id=sentence.id,
                text=sentence.text,
                span=Span(sentence.start, sentence.end, sentence.text),
                checkworthiness=round(score, 4),
                kind=kind_of(sentence.text),
                entities=find_entities(sentence.text, known),
                standalone=resolved,
            )
        )
    claims.sort(key=lambda c: (-c.checkworthiness, c.sentence_id))
    return claims


@stage("claims")
def claims_stage(report: Report, options: Options) -> Report:
    """Fill ``report.claims`` with the article's check-worthy sentences, best first."""
    report.claims = find_claims(report, model_for(options))
    return report
