"""The JSON Schema's enums are factsift's vocabularies, word for word (factsift.vocabulary)."""

from __future__ import annotations

from typing import Any

from factsift import vocabulary
from factsift.factchecks.verdicts import normalise_verdict
from factsift.schema import report_schema


def _enum(schema: dict[str, Any], *path: str) -> list[Any]:
    node: Any = schema
    for key in path:
        node = node[int(key)] if isinstance(node, list) else node[key]
    values: list[Any] = node["enum"]
    return values


def test_the_schema_enums_are_the_vocabularies() -> None:
    schema = report_schema()
    props = schema["properties"]
    assert _enum(props, "input", "properties", "kind") == list(vocabulary.INPUT_KINDS)
    assert _enum(props, "article", "properties", "outlet", "properties", "found_in") == [*vocabulary.INPUT_KINDS, None]
    assert _enum(schema, "$defs", "span", "properties", "field") == ["text", "title"]
    assert _enum(props, "source", "oneOf", "1", "properties", "label") == list(vocabulary.OUTLET_LABELS)
    assert _enum(props, "claims", "items", "properties", "kind") == list(vocabulary.CLAIM_KINDS)
    assert _enum(props, "factchecks", "items", "properties", "verdict") == list(vocabulary.VERDICTS)
    assert _enum(props, "factchecks", "items", "properties", "basis") == ["claim", "sentence"]
    assert _enum(props, "risk", "oneOf", "1", "properties", "label") == list(vocabulary.RISK_LABELS)


def test_every_verdict_has_a_family_and_the_normaliser_only_speaks_the_vocabulary() -> None:
    assert set(vocabulary.VERDICT_FAMILIES) == set(vocabulary.VERDICTS)
    ratings = ["Pants on Fire!", "Mostly False", "Half True", "Mostly True", "True", "Satire", "Four Pinocchios", "?"]
    assert {normalise_verdict(text) for text in ratings} <= set(vocabulary.VERDICTS)
