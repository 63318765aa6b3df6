"""The ``claims`` pipeline stage: which sentences state a checkable fact, best first.

Every sentence that is not furniture, and the headline, is scored by the check-worthiness model
(:mod:`factsift.claims.classifier`): the cheap n-gram model first, then, unless ``--fast`` or the
embeddings extra is missing, the second stage re-scores the sentences the first is unsure of
(at most :data:`MAX_ENCODED` per article, which bounds the cost of a long page). Those scoring at or
above the threshold of the model used (``worth checking``: the F1-optimal cut on out-of-fold
predictions, one for the cascade and one for the first stage alone) become
:class:`~factsift.model.Claim` objects: the headline first, then by the priority a fact-checker
would give them (:mod:`factsift.claims.ranking`).
"""

from __future__ import annotations

from pathlib import Path

from factsift.claims import classifier, ranking
from factsift.claims.decontext import standalone
from factsift.claims.encoder import DeferredFeatures, FeatureEncoder
from factsift.claims.entities import capitalised_words, find_entities
from factsift.claims.gate import is_furniture
from factsift.claims.kinds import NOT_FACTUAL_KINDS, kind_of
from factsift.config import ClaimsConfig
from factsift.context import Context, ModelCache
from factsift.factchecks.embeddings import bundled_embeddings_wanted
from factsift.model import Claim, Report, Span
from factsift.pipeline import stage

#: Most sentences per article the second stage encodes (3-5 ms each on one core).
MAX_ENCODED = 3


def model_for(config: ClaimsConfig, models: ModelCache) -> classifier.ClaimModel:
    """The model this analysis uses: the section's ``model`` (also set by ``$FACTSIFT_CLAIMS_MODEL``), else shipped."""
    if config.model:
        stem = classifier.stem_of(Path(config.model).resolve())
        return models.get(("claims", stem), lambda: classifier.load(stem))
    return classifier.shipped()


def encoder_for(config: ClaimsConfig, model: classifier.ClaimModel) -> FeatureEncoder | None:
    """The second stage's encoder, or None for the first stage alone (``--fast``, embeddings off or not installed).

    The encoder is loaded only when a sentence first needs it, so an article the first stage is sure
    of costs no model loading.
    """
    if config.fast or model.head is None or not bundled_embeddings_wanted(config.embeddings):
        return None
    return DeferredFeatures(model.layers_file)


def find_claims(report: Report, model: classifier.ClaimModel, encoder: FeatureEncoder | None = None) -> list[Claim]:
    """The article's claims worth checking under ``model`` (and its second stage), in the order a desk would check them.

    The headline is scored too (a claim with ``sentence_id`` None and a ``"title"`` span) and comes
    first when it clears the threshold.  In a short text where no sentence clears it, every sentence that
    is not a fragment is listed all the same: the user gave it to be checked.  The others follow in the
    order of :mod:`factsift.claims.ranking`'s priority.
    """
    article = report.article
    sentences = article.sentences
    # a headline is title-cased: the gate judges its words, not its capitals
    title = article.title if article.title and not is_furniture(article.title.lower()) else None
    candidates = [i for i, sentence in enumerate(sentences) if not is_furniture(sentence.text)]
    texts = [sentences[i].text for i in candidates]
    scores = model.score_many(texts + ([title] if title else []), encoder, limit=MAX_ENCODED)
    threshold = model.threshold_for(encoder)
    scored = list(zip(candidates, scores[: len(texts)], strict=True))
    chosen = [(i, score) for i, score in scored if score >= threshold]
    if not chosen and article.kind == "short":
        chosen = scored  # the user gave this text to be checked: show each sentence with its score and kind
    if title and scores[-1] >= threshold:
        chosen.insert(0, (-1, scores[-1]))
    if not chosen:
        return []
    known = capitalised_words(" ".join(filter(None, [title, article.text])))  # entities only for claims and neighbours
    entities: dict[int, list[str]] = {}

    def entities_of(i: int) -> list[str]:
        if i not in entities:
            entities[i] = find_entities((title or "") if i < 0 else sentences[i].text, known)
        return entities[i]

    indices = [i for i, _ in chosen]
    parts = ranking.parts_for(
        indices,
        [score for _, score in chosen],
        [s.text for s in sentences],
        title,
        [len(entities_of(i)) for i in indices],
    )
    claims: list[Claim] = []
    for (i, score), part in zip(chosen, parts, strict=True):
        if i < 0:
            assert title is not None
            span, sentence_id, alone = Span(0, len(title), title, field="title"), None, None
        else:
            sentence = sentences[i]
            span, sentence_id = Span(sentence.start, sentence.end, sentence.text), sentence.id
            alone = standalone(sentence.text, sentences[i - 1].text, entities_of(i - 1)) if i > 0 else None
        kind = kind_of(span.text)
        claims.append(
            Claim(
                sentence_id=sentence_id,
                text=span.text,
                span=span,
                checkworthiness=round(score, 4),
                kind=kind,
                entities=entities_of(i),
                standalone=alone,
                priority=round(part.priority(kind not in NOT_FACTUAL_KINDS), 4),
            )
        )
    claims.sort(key=lambda c: (c.sentence_id is not None, -(c.priority or 0.0), c.sentence_id or 0))
    return claims


@stage("claims", requires=("article",), assigns=("claims",))
def claims_stage(report: Report, context: Context[ClaimsConfig]) -> Report:
    """Fill ``report.claims`` with the article's check-worthy sentences, best first."""
    model = model_for(context.config, context.models)
    report.claims = find_claims(report, model, encoder_for(context.config, model))
    return report
