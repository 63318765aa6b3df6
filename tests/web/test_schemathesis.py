"""A bounded schemathesis run against the served OpenAPI document: no 5xx, and every answer as documented.

Each operation gets a few generated requests (valid and invalid); the checks are that nothing is a
server error and that status codes, content types and bodies are the ones the document promises.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from factsift.web.app import create_app
from factsift.web.settings import ServerSettings

STORE = Path(tempfile.mkdtemp(prefix="factsift-schemathesis-")) / "store.db"
APP = create_app(ServerSettings(db=STORE, rate_limit=0, max_text_chars=5_000))
SCHEMA = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(autouse=True)
def no_embedding_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Generated imports test parsing, not the encoder (loading it would only cost time)."""
    monkeypatch.setenv("FACTSIFT_EMBEDDINGS", "off")


@SCHEMA.parametrize()
@settings(max_examples=4)
def test_the_api_keeps_to_its_openapi_document(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)
