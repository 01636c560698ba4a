"""``check_documents_once``: connexion checks a document against the OpenAPI schema once per
process, and a document that fails the check fails it every time (never remembered)."""

from __future__ import annotations

import uuid
from typing import Any

import connexion.spec
import pytest
from connexion.exceptions import InvalidSpecification

from mock_server.documents.connexion_glue import check_documents_once


def _document(responses: Any) -> dict[str, Any]:
    """A minimal OpenAPI 3 document no other test loads (its title is unique)."""
    return {
        "openapi": "3.0.3",
        "info": {"title": f"probe {uuid.uuid4()}", "version": "1"},
        "paths": {"/probe": {"get": {"responses": responses}}},
    }


@pytest.fixture
def schema_checks(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Each time connexion builds its OpenAPI-schema validator (once per check run)."""
    check_documents_once()
    calls: list[object] = []
    build = connexion.spec.create_spec_validator

    def counting(spec: Any) -> Any:
        calls.append(spec)
        return build(spec)

    monkeypatch.setattr(connexion.spec, "create_spec_validator", counting)
    return calls


def test_a_valid_document_is_checked_once_however_often_it_is_loaded(
    schema_checks: list[object],
) -> None:
    document = _document({"200": {"description": "ok"}})
    for _ in range(3):
        connexion.spec.Specification.from_dict(document)
    assert len(schema_checks) == 1
    changed = {**document, "info": {**document["info"], "version": "2"}}
    connexion.spec.Specification.from_dict(changed)
    assert len(schema_checks) == 2  # other content: checked again


def test_a_broken_document_fails_the_check_every_time(schema_checks: list[object]) -> None:
    broken = _document("not a responses object")
    for attempt in range(2):
        with pytest.raises(InvalidSpecification):
            connexion.spec.Specification.from_dict(broken)
        assert len(schema_checks) == attempt + 1
