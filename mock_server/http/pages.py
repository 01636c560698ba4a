"""The mock's browser pages: the call-center console and the vendor API's signing Swagger UI.

An ASGI layer in front of the admin guard, answering only its own paths:

- ``/__mock/``, ``/__mock/console``: redirect to ``/__mock/console/``;
- ``/__mock/console/...``: the console's static files (its data comes from the admin API,
  which stays behind the admin guard);
- ``/__mock/assets/...``: files shared by the pages (the in-page signing);
- ``/ui/``, ``/ui/index.html``: the vendor API's Swagger UI page, which signs every request
  itself (its scripts and styles are still served by connexion from ``swagger_ui_bundle``);
- ``/openapi.json``: the vendor document (resolved, as the Swagger UI reads it) as this mock
  serves it: its own URL first in ``servers``, no security in ``off`` mode. (``/openapi.yaml``
  stays the file as written, served by ``mock_server.documents``.)

Every page and file is the mock's own: nothing is loaded from another origin, which the
``Content-Security-Policy`` of each page also tells the browser to enforce.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import orjson
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route, Router
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.settings import Settings

__all__ = ["ASSETS", "Pages", "page_config", "served_document", "signing_config"]

#: The pages' files (HTML, CSS, JavaScript): ``mock_server/web/``, no Python there.
_WEB: Final = Path(__file__).resolve().parent.parent / "web"
ASSETS: Final = _WEB / "assets"
_TEMPLATES: Final = _WEB / "templates"

#: Pages and files of this origin only; Swagger UI sets inline styles and data: images.
_CONSOLE_POLICY: Final = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
_SWAGGER_POLICY: Final = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)
_NO_STORE: Final = {"cache-control": "no-store"}


def signing_config(
    settings: Settings, credentials: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Whether pages sign in the browser, why not, and with which accounts (``credentials``,
    the settings' when omitted).

    The secrets are included only when pages may sign (``Settings.pages_sign``).
    """
    accounts = sorted((settings.credentials if credentials is None else credentials).items())
    if settings.pages_sign:
        return {
            "enabled": True,
            "reason": None,
            "accounts": [{"appKey": key, "secretKey": secret} for key, secret in accounts],
        }
    if settings.page_signing == "off":
        reason = "turned off (--page-signing off)"
    else:
        reason = (
            f"the mock is bound to {settings.host}, not a loopback address, and a page holding "
            "the secret would hand it to the network (--page-signing on allows it)"
        )
    return {"enabled": False, "reason": reason, "accounts": [{"appKey": k} for k, _ in accounts]}


def page_config(settings: Settings, vendor_paths: Mapping[str, str]) -> dict[str, Any]:
    """What the signing Swagger UI page needs: the auth mode, the signing, the vendor paths."""
    return {
        "authMode": settings.auth_mode,
        "signing": signing_config(settings),
        "documentUrl": "../openapi.json",
        "vendorPaths": sorted(vendor_paths),
    }


def served_document(
    document: Mapping[str, Any], *, origin: str, settings: Settings
) -> dict[str, Any]:
    """The vendor document as this mock serves it (the file itself is not changed).

    ``servers`` lists the mock's own URL first (the URL the page was loaded from, with the auth
    mode in its description), then the document's servers other than the local mock's; in
    ``off`` mode the security requirements are removed, so the UI shows no locks.
    """
    served = copy.deepcopy(dict(document))
    mode = settings.auth_mode
    own = {"url": origin, "description": f"This mock server (auth mode: {mode})."}
    others = [s for s in served.get("servers", []) if s.get("x-internal") is not True]
    served["servers"] = [own, *others]
    if mode == "off":
        served.pop("security", None)
        for item in served.get("paths", {}).values():
            for operation in item.values():
                if isinstance(operation, dict):
                    operation.pop("security", None)
    return served


def _origin(request: Request) -> str:
    host = request.headers.get("host") or f"{request.url.hostname}:{request.url.port}"
    return f"{request.url.scheme}://{host}"


class Pages:
    """Serves the console, the shared page files and the signing Swagger UI."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        settings: Settings,
        document: Mapping[str, Any],
        vendor_paths: Mapping[str, str],
        admin_prefix: str,
    ) -> None:
        self.app = app
        self._settings = settings
        self._document = document
        console = admin_prefix + "/console"
        assets = admin_prefix + "/assets"
        self._prefixes = (console, assets + "/", "/ui/")
        self._exact = frozenset({admin_prefix + "/", "/ui/index.html", "/openapi.json"})
        config = orjson.dumps(page_config(settings, vendor_paths)).decode()
        # JSON inside <script>: a "<" could close the element, so it is escaped.
        template = (_TEMPLATES / "swagger-ui.html").read_text(encoding="utf-8")
        self._swagger_page = template.replace("{{config}}", config.replace("<", "\\u003c"))
        headers = {"content-security-policy": _CONSOLE_POLICY}
        self._router = Router(
            routes=[
                Route(admin_prefix + "/", RedirectResponse(console + "/")),
                Route(console, RedirectResponse(console + "/")),
                Mount(console, _Static(ASSETS / "console", headers)),
                Mount(assets, _Static(ASSETS, headers)),
                Route("/ui/", self._swagger_ui, methods=["GET"]),
                Route("/ui/index.html", self._swagger_ui, methods=["GET"]),
                Route("/openapi.json", self._json, methods=["GET"]),
            ],
            default=self.app,
            redirect_slashes=False,
        )

    def _owns(self, path: str) -> bool:
        return path in self._exact or path.startswith(self._prefixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self._owns(scope["path"]):
            await self._router(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _swagger_ui(self, request: Request) -> Response:
        headers = {"content-security-policy": _SWAGGER_POLICY, **_NO_STORE}
        return HTMLResponse(self._swagger_page, headers=headers)

    def _served(self, request: Request) -> dict[str, Any]:
        return served_document(self._document, origin=_origin(request), settings=self._settings)

    async def _json(self, request: Request) -> Response:
        body = orjson.dumps(self._served(request))
        return Response(body, media_type="application/json", headers=_NO_STORE)


class _Static(StaticFiles):
    """Starlette's static files (``index.html`` for a folder), with the page's headers."""

    def __init__(self, directory: Path, headers: Mapping[str, str]) -> None:
        super().__init__(directory=directory, html=True)
        self._headers = dict(headers)

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers.update(self._headers)
        return response
