"""The mock's ``Outcome`` enum and the admin document's ``Outcome`` schema say the same thing."""

from __future__ import annotations

import pytest

from mock_server.model.outcome import Outcome
from tests.support import document as doc

ADMIN = doc.OPENAPI / "mock-admin.yaml"


def named_outcomes() -> list[str]:
    enum: list[str] = doc.load(ADMIN)["components"]["schemas"]["NamedOutcome"]["enum"]
    return enum


def test_every_outcome_of_the_mock_is_one_the_document_allows() -> None:
    allows = doc.validator("#/components/schemas/Outcome", ADMIN)
    refused = [outcome.value for outcome in Outcome if not allows.is_valid(outcome.value)]
    assert refused == []


def test_every_named_outcome_of_the_document_is_a_member_of_the_enum() -> None:
    values = {outcome.value for outcome in Outcome}
    assert [name for name in named_outcomes() if name not in values] == []


def test_the_named_outcomes_are_exactly_the_enum_members_outside_the_status_families() -> None:
    families = doc.validator("#/components/schemas/StatusOutcome", ADMIN)
    named = [outcome.value for outcome in Outcome if not families.is_valid(outcome.value)]
    assert sorted(named) == sorted(named_outcomes())


@pytest.mark.parametrize("status", [400, 413, 503, 599])
def test_the_status_families_cover_every_error_status(status: int) -> None:
    allows = doc.validator("#/components/schemas/Outcome", ADMIN)
    for outcome in (Outcome.status(status), Outcome.fault(status), Outcome.prefer(status)):
        assert allows.is_valid(outcome.value), outcome


@pytest.mark.parametrize("text", ["bogus", "fault:600", "prefer:199", "4000", "auth:", "ok:ok"])
def test_what_the_document_refuses_is_no_outcome(text: str) -> None:
    assert not doc.validator("#/components/schemas/Outcome", ADMIN).is_valid(text)
    with pytest.raises(ValueError, match="is not a valid Outcome"):
        Outcome(text)
