"""The ``claims`` pipeline stage: which sentences state a checkable fact, best first.

Every sentence that is not furniture is scored by the check-worthiness model
(:mod:`factsift.claims.classifier`): the cheap n-gram model first, then, unless ``--fast`` or the
embeddings extra is missing, the second stage re-scores the sentences the first is unsure of
(at most :data:`MAX_ENCODED` per article, which bounds the cost of a long page). Those scoring at or
above the threshold of the model used (``worth checking``: the F1-optimal cut on out-of-fold
predictions, one for the cascade and one for the first stage alone) become
:class:`~factsift.model.Claim` objects, sorted by score.
"""

from __future__ import annotations

from pathlib import Path

from factsift.claims import classifier
from factsift.claims.decontext import standalone
from factsift.claims.encoder import DeferredFeatures, FeatureEncoder
from factsift.claims.entities import capitalised_words, find_entities
from factsift.claims.gate import is_furniture
from factsift.claims.kinds import kind_of
from factsift.factchecks.embeddings import bundled_embeddings_wanted
from factsift.model import Claim, Report, Span
from factsift.options import Options
from factsift.pipeline import stage

#: Most sentences per article the second stage encodes (3-5 ms each on one core).
MAX_ENCODED = 3


def model_for(options: Options) -> classifier.ClaimModel:
    """The model this analysis uses: ``options.claims_model`` (also set by ``$FACTSIFT_CLAIMS_MODEL``), else shipped."""
    chosen = options.claims_model
    if chosen:
        return classifier.load_cached(Path(chosen).resolve())
    return classifier.shipped()


def encoder_for(options: Options, model: classifier.ClaimModel) -> FeatureEncoder | None:
    """The second stage's encoder, or None for the first stage alone (``--fast``, embeddings off or not installed).

    The encoder is loaded only when a sentence first needs it, so an article the first stage is sure
    of costs no model loading.
    """
    if options.fast or model.head is None or not bundled_embeddings_wanted(options.embeddings):
        return None
    return DeferredFeatures(model.layers_file)


def find_claims(report: Report, model: classifier.ClaimModel, encoder: FeatureEncoder | None = None) -> list[Claim]:
    """All sentences of the article worth checking under ``model`` (and its second stage), highest score first."""
    article = report.article
    sentences = article.sentences
    candidates = [i for i, sentence in enumerate(sentences) if not is_furniture(sentence.text)]
    texts = [sentences[i].text for i in candidates]
    scores = model.score_many(texts, encoder, limit=MAX_ENCODED)
    threshold = model.threshold_for(encoder)
    chosen = [(i, score) for i, score in zip(candidates, scores, strict=True) if score >= threshold]
    if not chosen:
        return []
    known = capitalised_words(article.text)  # entities only for claims and the sentence before each
    entities: dict[int, list[str]] = {}

    def entities_of(i: int) -> list[str]:
        if i not in entities:
            entities[i] = find_entities(sentences[i].text, known)
        return entities[i]

    claims: list[Claim] = []
    for i, score in chosen:
        sentence = sentences[i]
        claims.append(
            Claim(
                sentence_id=sentence.id,
                text=sentence.text,
                span=Span(sentence.start, sentence.end, sentence.text),
                checkworthiness=round(score, 4),
                kind=kind_of(sentence.text),
                entities=entities_of(i),
                standalone=standalone(sentence.text, sentences[i - 1].text, entities_of(i - 1)) if i > 0 else None,
            )
        )
    claims.sort(key=lambda c: (-c.checkworthiness, c.sentence_id))
    return claims


@stage("claims", requires=("article",), assigns=("claims",))
def claims_stage(report: Report, options: Options) -> Report:
    """Fill ``report.claims`` with the article's check-worthy sentences, best first."""
    model = model_for(options)
    report.claims = find_claims(report, model, encoder_for(options, model))
    return report
