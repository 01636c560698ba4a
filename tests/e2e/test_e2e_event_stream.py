"""``GET /__mock/events`` over a real socket: changes arrive as they happen, and a client
going away gives its place back (uvicorn's ``send`` is silent after a disconnect, so only
watching ``receive`` frees it)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import orjson

from mock_server.model.events import DEFAULT_SUBSCRIBERS


def events(response: httpx.Response) -> Iterator[tuple[str, object]]:
    """(name, data) of each event of a streaming response; comments skipped."""
    name = ""
    for line in response.iter_lines():
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: "):
            yield name, orjson.loads(line.removeprefix("data: "))


def test_a_change_made_by_another_client_arrives_on_the_stream(
    mock_url: str, reset_mock: Callable[[], None]
) -> None:
    reset_mock()
    with (
        httpx.Client(base_url=mock_url, timeout=10) as client,
        client.stream("GET", "/__mock/events") as response,
    ):
        assert response.status_code == 200
        received = events(response)
        assert next(received) == ("hello", {})
        ringing = httpx.post(
            f"{mock_url}/__mock/calls", json={"agent": "9530", "customer": "13600136000"}
        )
        assert ringing.status_code == 201
        name, data = next(received)
        assert name == "callcenter"
        assert data["action"] == "start_call"  # type: ignore[index]


def test_closed_streams_give_their_places_back(mock_url: str) -> None:
    for _ in range(DEFAULT_SUBSCRIBERS + 8):
        with (
            httpx.Client(base_url=mock_url, timeout=10) as client,
            client.stream("GET", "/__mock/events") as response,
        ):
            assert response.status_code == 200
            assert next(events(response)) == ("hello", {})
