"""A guide (``docs/*.md``) as an HTML page: its Markdown rendered by markdown-it-py.

CommonMark plus tables (GitHub's pipe tables, which every guide uses). The guides are this
project's own files, so their HTML (the ``<!-- example: ... -->`` notes) passes through. On
top of the renderer, three things a guide read on GitHub has:

* each heading gets GitHub's anchor (``## How `make test` runs pytest: two workers`` is
  ``#how-make-test-runs-pytest-two-workers``), so ``testing.md#...`` lands on it;
* a relative link or image is resolved against the guide's own URL (``images/x.png`` in
  ``/docs/console.md`` is ``/docs/images/x.png``); one that leads to a file the mock does not
  serve (``../generated_client/...``: outside ``docs/``) keeps its text, without a link,
  and says in its title where the file is in the repository;
* links to other sites stay as written.

The page is self-contained like the start page (inline style, no script); the mock serves
it under a ``Content-Security-Policy`` allowing only its own images.
"""

from __future__ import annotations

import html
import itertools
import posixpath
import re
from collections.abc import Collection
from typing import Final
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

__all__ = ["render_guide", "slug"]

_MARKDOWN: Final = MarkdownIt("commonmark", {"html": True}).enable("table")
_NOT_IN_SLUG: Final = re.compile(r"[^\w\- ]")

_STYLE: Final = """
body { font: 16px/1.55 system-ui, sans-serif; max-width: 60rem; margin: 1.5rem auto;
  padding: 0 1rem; color: #1f2328; }
nav { font-size: 0.9rem; margin-bottom: 1rem; }
h1, h2 { border-bottom: 1px solid #d0d7de; padding-bottom: 0.2rem; }
h1 { font-size: 1.8rem; } h2 { font-size: 1.35rem; margin-top: 2rem; }
a { color: #0969da; }
a:not([href]) { color: inherit; text-decoration: underline dotted; cursor: help; }
code { font: 0.875em/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  background: #eff1f3; padding: 0.1em 0.3em; border-radius: 4px; }
pre { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px;
  padding: 0.8rem 1rem; overflow-x: auto; }
pre code { background: none; padding: 0; font-size: 0.85rem; white-space: pre; }
table { border-collapse: collapse; margin: 1rem 0; display: block; overflow-x: auto; }
th, td { border: 1px solid #d0d7de; padding: 0.35rem 0.7rem; text-align: left;
  vertical-align: top; }
th { background: #f6f8fa; }
td:first-child code { white-space: nowrap; }
tr:nth-child(even) td { background: #fafbfc; }
img { max-width: 100%; border: 1px solid #d0d7de; }
blockquote { margin: 0; padding: 0 1rem; color: #59636e; border-left: 4px solid #d0d7de; }
"""


def slug(text: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation but ``-`` and ``_`` dropped,
    spaces as ``-``."""
    return _NOT_IN_SLUG.sub("", text.strip().lower()).replace(" ", "-")


def _plain_text(inline: Token) -> str:
    return "".join(
        child.content for child in inline.children or () if child.type in ("text", "code_inline")
    )


def _add_anchors(tokens: list[Token]) -> str:
    """Give each heading its anchor (``-1``, ``-2`` after a repeat, as GitHub does); returns
    the text of the first heading, the page's title."""
    seen: dict[str, int] = {}
    title = ""
    for opening, inline in itertools.pairwise(tokens):
        if opening.type != "heading_open":
            continue
        text = _plain_text(inline)
        title = title or text
        anchor = slug(text)
        count = seen.get(anchor, 0)
        seen[anchor] = count + 1
        opening.attrSet("id", f"{anchor}-{count}" if count else anchor)
    return title


def _resolve(reference: str, page: str, served: Collection[str]) -> str | None:
    """Where a relative ``reference`` in the guide at URL ``page`` leads among the ``served``
    URL paths; None when it leads to a file the mock does not serve. Anything else (another
    site, an anchor, a ``mailto:``) is returned as written."""
    parts = urlsplit(reference)
    if parts.scheme or parts.netloc or not parts.path:
        return reference
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), parts.path))
    if target not in served:
        return None
    return target + (f"#{parts.fragment}" if parts.fragment else "")


def _repository_path(reference: str, page: str) -> str:
    """The repository path a reference out of ``docs/`` names (``generated_client/...``)."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(page).lstrip("/"), reference))


def _link_targets(tokens: list[Token], page: str, served: Collection[str]) -> None:
    for token in tokens:
        if token.children:
            _link_targets(token.children, page, served)
        attribute = {"link_open": "href", "image": "src"}.get(token.type)
        value = token.attrGet(attribute) if attribute else None
        if attribute is None or not isinstance(value, str):
            continue
        resolved = _resolve(value, page, served)
        if resolved is not None:
            token.attrSet(attribute, resolved)
        elif token.type == "link_open":
            del token.attrs[attribute]
            token.attrSet("title", f"not served by the mock: {_repository_path(value, page)}")


def render_guide(page: str, markdown: str, served: Collection[str]) -> bytes:
    """The HTML page of the guide at URL ``page`` (``/docs/console.md``), whose links may lead
    to the ``served`` URL paths."""
    tokens = _MARKDOWN.parse(markdown)
    title = _add_anchors(tokens) or page.rsplit("/", 1)[-1]
    _link_targets(tokens, page, served)
    body = _MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {})
    name = html.escape(page.removeprefix("/docs/"))
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} — m7 mock server</title>
<style>{_STYLE}</style>
</head>
<body>
<nav><a href="/">m7 mock server</a> › guides › {name}</nav>
<main>
{body}</main>
</body>
</html>
""".encode()
