"""One exchange as the recorder gets it, for the tests of recordings, replay and drift."""

from __future__ import annotations

import json

from mock_server.upstream.har import Recorded

__all__ = ["SIGNED", "exchange"]

#: The headers of a request signed for the upstream: what a recording must never keep.
SIGNED = (
    ("content-type", "application/json"),
    ("m7-appkey", "7700123"),
    ("m7-nonce", "123456"),
    ("m7-timestamp", "1767600000"),
    ("m7-sign", "c2VjcmV0LXNpZ25hdHVyZQ=="),
    ("authorization", "Bearer x"),
)


def exchange(number: int) -> Recorded:
    return Recorded(
        started=1767600000.0 + number,
        elapsed_ms=12.5,
        method="POST",
        url="https://vendor.example/openapi/v1/call/listen",
        request_headers=SIGNED,
        request_body=json.dumps({"listenAgent": "2002", "agentNumber": str(number)}).encode(),
        status=200,
        reason="OK",
        response_headers=(("content-type", "application/json"), ("set-cookie", "s=1")),
        response_body=b'{"success": true}',
        operation="listen",
        drift=("listen 200 undeclared-field body.x: not declared",),
    )
