"""The start page (``/``) and the project's guides (``/docs/...``), as read-only pages.

Someone who opens the mock's address in a browser gets one small page linking everything the
mock serves: both Swagger UIs, both documents, the readiness probe, the browser console and
the guides. The page is self-contained (inline style, no script, nothing from another
origin, which its ``Content-Security-Policy`` enforces). The guides are the repository's
``docs/`` (bundled into the wheel), served as UTF-8 plain text so that any browser shows
them; only files present at start-up are served, by their exact path.

Written here rather than with a template engine: one fixed page, escaped in one place.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["LandingPage", "docs_dir", "guides"]

_POLICY: Final = (
    b"default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
)
_GUIDE_SUFFIXES: Final = (".md", ".txt")


def docs_dir() -> Path:
    """``docs/`` bundled next to the package in a wheel, else the repository's ``docs/``."""
    package = Path(__file__).resolve().parent.parent  # mock_server/
    bundled = package / "docs"
    return bundled if bundled.is_dir() else package.parent / "docs"


def guides(folder: Path) -> dict[str, Path]:
    """URL path (``/docs/mock-server.md``) -> file, for the guides under ``folder``."""
    if not folder.is_dir():
        return {}
    return {
        "/docs/" + path.relative_to(folder).as_posix(): path
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.suffix in _GUIDE_SUFFIXES
    }


def _link(href: str, text: str, note: str = "") -> str:
    extra = f" — {html.escape(note)}" if note else ""
    return f'<li><a href="{html.escape(href)}">{html.escape(text)}</a>{extra}</li>'


def render(admin_prefix: str, served_guides: Mapping[str, Path]) -> bytes:
    """The start page."""
    apis = [
        _link("/ui/", "Swagger UI of the vendor API", "listen, hangupChannel, lootCall, ..."),
        _link(f"{admin_prefix}/ui/", "Swagger UI of the admin API", "state, journal, faults"),
        _link(f"{admin_prefix}/console/", "Console", "the simulated call center in a browser"),
        _link(f"{admin_prefix}/health", "Health", "ready once the mock serves"),
    ]
    documents = [
        _link(f"{prefix}/openapi.{kind}", f"{prefix}/openapi.{kind}", what)
        for prefix, what in (("", "the vendor API"), (admin_prefix, "the admin API"))
        for kind in ("yaml", "json")
    ]
    docs = [_link(path, path.removeprefix("/docs/")) for path in served_guides]
    page = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>m7 mock server</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto;
  padding: 0 1rem; color: #1f2328; }}
h1 {{ font-size: 1.6rem; margin-bottom: 0.2rem; }}
h2 {{ font-size: 1.1rem; margin-top: 1.6rem; border-bottom: 1px solid #d0d7de; }}
p.lead {{ color: #59636e; margin-top: 0; }}
ul {{ padding-left: 1.2rem; }}
a {{ color: #0969da; }}
</style>
</head>
<body>
<h1>m7 mock server</h1>
<p class="lead">A vendor-strict mock of the 7moor V7 call-monitoring API
(监听 强拆 强插 耳语 抢接).</p>
<h2>Try it</h2>
<ul>
{chr(10).join(apis)}
</ul>
<h2>Documents</h2>
<ul>
{chr(10).join(documents)}
</ul>
<h2>Guides</h2>
<ul>
{chr(10).join(docs) or "<li>(none bundled)</li>"}
</ul>
</body>
</html>
"""
    return page.encode("utf-8")


class LandingPage:
    """Answers ``GET``/``HEAD`` of ``/`` and of each guide; passes everything else on."""

    def __init__(self, app: ASGIApp, *, admin_prefix: str, folder: Path | None = None) -> None:
        self.app = app
        self._guides = guides(docs_dir() if folder is None else folder)
        self._page = render(admin_prefix, self._guides)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
        elif path == "/":
            await _send(scope, send, self._page, b"text/html; charset=utf-8")
        elif path in self._guides:
            body = self._guides[path].read_bytes()
            await _send(scope, send, body, b"text/plain; charset=utf-8")
        else:
            await self.app(scope, receive, send)


async def _send(scope: Scope, send: Send, body: bytes, content_type: bytes) -> None:
    headers = [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
        (b"content-security-policy", _POLICY),
        (b"x-content-type-options", b"nosniff"),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
