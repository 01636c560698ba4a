"""The start page (``/``) and the project's guides (``/docs/...``), as read-only pages.

Someone who opens the mock's address in a browser gets one small page linking everything the
mock serves: both Swagger UIs, both documents, the readiness probe, the browser console and
the guides. The page is self-contained (inline style, no script, nothing from another
origin, which its ``Content-Security-Policy`` enforces). The guides are the repository's
``docs/`` (bundled into the wheel): each Markdown guide is served as an HTML page
(``guide_pages``: tables, code blocks, links between guides, its images), rendered on its
first request and kept; the other files (the vendor's page, the CI example, the images) as
they are. Only files present at start-up are served, by their exact path.

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
    b"default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; "
    b"form-action 'none'"
)
_TEXT: Final = b"text/plain; charset=utf-8"
_HTML: Final = b"text/html; charset=utf-8"
#: What is served of docs/, by suffix: the guides (rendered), text files and images.
_CONTENT_TYPES: Final = {
    ".md": _HTML,
    ".txt": _TEXT,
    ".yml": _TEXT,
    ".yaml": _TEXT,
    ".json": b"application/json",
    ".png": b"image/png",
    ".jpg": b"image/jpeg",
    ".jpeg": b"image/jpeg",
    ".gif": b"image/gif",
    ".svg": b"image/svg+xml",
    ".webp": b"image/webp",
}
#: The files the start page lists (the images are shown in the guides).
_LISTED: Final = (".md", ".txt", ".yml", ".yaml", ".json")


def docs_dir() -> Path:
    """``docs/`` bundled next to the package in a wheel, else the repository's ``docs/``."""
    package = Path(__file__).resolve().parent.parent  # mock_server/
    bundled = package / "docs"
    return bundled if bundled.is_dir() else package.parent / "docs"


def guides(folder: Path) -> dict[str, Path]:
    """URL path (``/docs/mock-server.md``) -> file, for the guides, text files and images
    under ``folder``."""
    if not folder.is_dir():
        return {}
    return {
        "/docs/" + path.relative_to(folder).as_posix(): path
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.suffix in _CONTENT_TYPES
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
    docs = [
        _link(path, path.removeprefix("/docs/"))
        for path, file in served_guides.items()
        if file.suffix in _LISTED
    ]
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
        # Each guide's page, rendered on its first request: at most one per file found at
        # start-up. Not at start-up itself: importing markdown-it-py and rendering every
        # guide would add about 70 ms to each start of the mock (measured), for pages most
        # runs never show.
        self._rendered: dict[str, bytes] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
        elif path == "/":
            await _send(scope, send, self._page, _HTML)
        elif path in self._guides:
            file = self._guides[path]
            body = self._guide_page(path) if file.suffix == ".md" else file.read_bytes()
            await _send(scope, send, body, _CONTENT_TYPES[file.suffix])
        else:
            await self.app(scope, receive, send)

    def _guide_page(self, path: str) -> bytes:
        page = self._rendered.get(path)
        if page is None:
            # Imported here, not at the top: see _rendered above.
            from mock_server.http.guide_pages import render_guide

            markdown = self._guides[path].read_text(encoding="utf-8")
            page = self._rendered[path] = render_guide(path, markdown, self._guides)
        return page


async def _send(scope: Scope, send: Send, body: bytes, content_type: bytes) -> None:
    headers = [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
        (b"content-security-policy", _POLICY),
        (b"x-content-type-options", b"nosniff"),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
