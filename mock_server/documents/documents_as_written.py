"""``GET /openapi.yaml`` (and ``/__mock/openapi.yaml``): each document exactly as written.

connexion serves the documents it has resolved, every ``$ref`` inlined, and a generator
pointed at that makes anonymous inline types. The file as written keeps its named
components, so this answers those two paths with the file's bytes; ``/openapi.json`` stays
connexion's resolved copy, which the Swagger UI reads.
"""

from __future__ import annotations

from typing import Final

from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.documents.facts import (
    ADMIN_BASE_PATH,
    ADMIN_DOCUMENT,
    VENDOR_DOCUMENT,
    document_path,
)

__all__ = ["DocumentsAsWritten"]

_CONTENT_TYPE: Final = b"application/yaml; charset=utf-8"  # RFC 9512


class DocumentsAsWritten:
    """Answers ``GET``/``HEAD`` of the two ``openapi.yaml`` paths; passes everything else on."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app
        # Read once at start-up, like every other fact of the documents.
        self._files = {
            "/openapi.yaml": document_path(VENDOR_DOCUMENT).read_bytes(),
            f"{ADMIN_BASE_PATH}/openapi.yaml": document_path(ADMIN_DOCUMENT).read_bytes(),
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = self._files.get(scope.get("path", "")) if scope["type"] == "http" else None
        if body is None or scope["method"] not in ("GET", "HEAD"):
            await self._app(scope, receive, send)
            return
        headers = [(b"content-type", _CONTENT_TYPE), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send(
            {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body}
        )
