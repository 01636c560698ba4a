"""The ceiling: a bare Starlette app answering every listen with the vendor's example.

It is served exactly like the mock (uvicorn, uvloop, httptools, one process), so the gap
between the two load rows is what the mock itself does per request. The client-cost
measurement talks to it too, as a server that costs (nearly) nothing.
"""

from __future__ import annotations

from typing import Any

from .common import DOCUMENT, LISTEN_PATH


def listen_example() -> dict[str, Any]:
    """The vendor's listen success example, from the document (what Prism answers too)."""
    import yaml

    document = yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))
    example: dict[str, Any] = document["components"]["examples"]["ListenSuccess"]["value"]
    return example


def serve_ceiling(port: int) -> None:
    """A bare Starlette app answering every listen with the example's bytes, on uvicorn.

    Served like the mock (uvicorn, uvloop, httptools, one process, no access log), so the
    difference between the two rows is what the mock does per request.
    """
    import orjson
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    payload = orjson.dumps(listen_example())

    async def listen(request: Request) -> Response:
        await request.body()
        return Response(payload, media_type="application/json")

    app = Starlette(routes=[Route(LISTEN_PATH, listen, methods=["POST"])])
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        loop="uvloop",
        http="httptools",
        lifespan="off",
        access_log=False,
        log_level="warning",
    )
