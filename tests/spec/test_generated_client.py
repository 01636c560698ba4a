"""The generated package: importable, its models round-trip the vendor's examples, and the
drift check catches a document that no longer matches the committed client."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

import m7_openapi.models as m7_models
from m7_call_monitor import CallMonitor
from m7_openapi.models import (
    ErrorEnvelope,
    HangupChannelRequest,
    ListenRequest,
    LootCallRequest,
    MediaInfo,
    PickupChannelRequest,
    SuccessEnvelope,
    WhisperRequest,
)
from tests.support import document as doc

SCRIPT = doc.ROOT / "scripts" / "generate_client.py"
ADMIN_DOCUMENT = doc.ROOT / "openapi" / "mock-admin.yaml"
REQUEST_MODELS: dict[str, RequestModel] = {
    "listen": ListenRequest,
    "hangupChannel": HangupChannelRequest,
    "lootCall": LootCallRequest,
    "whisper": WhisperRequest,
    "pickupChannel": PickupChannelRequest,
}
RequestModel = type[
    ListenRequest | HangupChannelRequest | LootCallRequest | WhisperRequest | PickupChannelRequest
]


@pytest.mark.parametrize("name", sorted(doc.load()["components"]["examples"]))
def test_success_model_round_trips_every_vendor_response_example(name: str) -> None:
    example = doc.load()["components"]["examples"][name]["value"]
    assert SuccessEnvelope.from_dict(example).to_dict() == example


@pytest.mark.parametrize("operation_id", doc.OPERATIONS)
def test_request_models_round_trip_the_vendor_request_examples(operation_id: str) -> None:
    for _, _, operation in doc.operations():
        if operation["operationId"] == operation_id:
            value = operation["requestBody"]["content"]["application/json"]["examples"]["vendor"][
                "value"
            ]
            assert REQUEST_MODELS[operation_id].from_dict(value).to_dict() == value


def test_error_model_round_trips_every_error_example() -> None:
    responses = doc.load()["components"]["responses"]
    for response in responses.values():
        example = response["content"]["application/json"]["example"]
        assert ErrorEnvelope.from_dict(example).to_dict() == example


def test_typed_fields_are_python_names() -> None:
    envelope = SuccessEnvelope.from_dict(
        doc.load()["components"]["examples"]["LootCallSuccess"]["value"]
    )
    assert envelope.action_id == "437783670040322048"
    assert envelope.data.code == 200
    assert envelope.request_info.span.biz_span == "163ms"
    media = envelope.data.response.data
    assert isinstance(media, MediaInfo)
    assert media.media_server == "172.31.15.8:11100"


def _check(document: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--check", "--document", str(document)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_drift_check_passes_on_the_committed_document() -> None:
    result = _check(doc.CALL_MONITOR)
    assert result.returncode == 0, result.stdout + result.stderr


def test_drift_check_catches_a_planted_document_change(tmp_path: Path) -> None:
    """A new field and a new version: both clients' code, the three distributions' versions and
    the mock's pin of the client."""
    planted = tmp_path / "call-monitor.yaml"
    text = doc.CALL_MONITOR.read_text(encoding="utf-8")
    version = doc.load()["info"]["version"]
    assert "        mediaServer:\n" in text
    assert f"  version: {version}\n" in text
    text = text.replace(
        "        mediaServer:\n",
        "        mediaRegion:\n          type: string\n          maxLength: 20\n        mediaServer:\n",
        1,
    )
    planted.write_text(text.replace(f"  version: {version}\n", "  version: 9.8.7\n", 1), "utf-8")
    result = _check(planted)
    assert result.returncode == 1
    assert "media_region" in result.stdout
    assert "+++ generated/typescript/src/schema.ts" in result.stdout
    assert "+            mediaRegion?: string;" in result.stdout
    assert '+version = "9.8.7"' in result.stdout  # generated_client/pyproject.toml
    assert '+  "version": "9.8.7",' in result.stdout  # generated_client/typescript/package.json
    mock_project = result.stdout[result.stdout.index("+++ generated/../pyproject.toml") :]
    assert '+version = "9.8.7"' in mock_project  # the mock's distribution: the same version,
    assert '+    "m7-call-monitor==9.8.7",' in mock_project  # and the client pinned to it
    assert "make generate" in result.stdout


def test_drift_check_catches_a_planted_admin_document_change(tmp_path: Path) -> None:
    """The admin document generates clients too: a new field of the clock shows in the Python
    admin package (beside generated_client/) and in the Node package's admin types."""
    planted = tmp_path / "mock-admin.yaml"
    text = ADMIN_DOCUMENT.read_text(encoding="utf-8")
    clock = "      description: An account's clock.\n      required: [now, frozen]\n"
    assert text.count(clock) == 1
    after = clock + "      additionalProperties: false\n      properties:\n"
    assert after in text
    field = "        zone:\n          type: string\n"
    planted.write_text(text.replace(after, after + field, 1), "utf-8")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check", "--admin-document", str(planted)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    python = "+++ generated/../generated_admin_client/m7_mock_admin/models/clock.py"
    assert python in result.stdout
    assert "+        zone (str | Unset):" in result.stdout
    assert "+++ generated/typescript/src/mock-admin.ts" in result.stdout
    assert "+            zone?: string;" in result.stdout
    assert "make generate" in result.stdout


def test_drift_check_catches_a_call_state_paragraph_the_table_does_not_generate(
    tmp_path: Path,
) -> None:
    """A hand-edited "Call-state rules" paragraph: the diff of the document, and the
    instruction; the clients' diff is what `make generate` would make of the fixed paragraph,
    so it shows the client docstrings keep the generated wording."""
    planted = tmp_path / "call-monitor.yaml"
    text = doc.CALL_MONITOR.read_text(encoding="utf-8")
    assert text.count("(409, `40905`). When all hold:") == 3  # listen, lootCall, whisper
    planted.write_text(text.replace("When all hold:", "When everything holds:", 1), "utf-8")
    result = _check(planted)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "-        (409, `40905`). When everything holds: the supervisor" in result.stdout
    assert "+        (409, `40905`). When all hold: the supervisor" in result.stdout
    assert "paragraphs are not what its x-call-state-rules table generates" in result.stdout
    assert "Run `make generate`" in result.stdout
    assert "generated_client is stale" not in result.stdout  # the clients have the table's


@pytest.mark.parametrize("operation_id", doc.OPERATIONS)
def test_send_posts_each_generated_body_to_its_documents_path(operation_id: str) -> None:
    """The friendly layer's table of actions follows the document: each request model the
    document names is sent to that operation's path."""
    (path, operation) = next(
        (p, o) for p, _, o in doc.operations() if o["operationId"] == operation_id
    )
    content = operation["requestBody"]["content"]["application/json"]
    model = getattr(m7_models, content["schema"]["$ref"].rsplit("/", 1)[-1])
    example = content["examples"]["vendor"]["value"]
    success = doc.load()["components"]["examples"]["ListenSuccess"]["value"]
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(200, json=success)

    transport = httpx.MockTransport(answer)
    with CallMonitor("http://m7.test", "2100147", "s", transport=transport) as monitor:
        monitor.send(model.from_dict(example))
    assert seen == [path]
