"""Routing decided once: each request goes to one of three short stacks, by its path.

* the vendor operations' paths: ``VendorEndpoint`` (checks without state, then the request
  path);
* the admin API (``/__mock`` and below): its token, the console's support, its body limits,
  then connexion;
* everything else: the start page, the guides, the console's files and the documents, then
  connexion (the Swagger UIs, and the 404 of a path that does not exist).

The layers above the router (``RequestLifecycle``, ``CorsMiddleware``) serve every request.
Anything that is not an HTTP request (the lifespan) goes to the pages' stack, which ends in
the connexion app the admin stack shares.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.http.vendor_endpoint import VendorEndpoint

__all__ = ["Router"]


class Router:
    """Hands a request to the vendor, admin or pages stack."""

    def __init__(
        self, *, vendor: VendorEndpoint, admin: ASGIApp, pages: ASGIApp, admin_prefix: str
    ) -> None:
        self._vendor = vendor
        self._admin = admin
        self._pages = pages
        self._admin_prefix = admin_prefix
        self._admin_below = admin_prefix + "/"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._pages(scope, receive, send)
            return
        path: str = scope["path"]
        if self._vendor.serves(path):
            await self._vendor(scope, receive, send)
        elif path == self._admin_prefix or path.startswith(self._admin_below):
            await self._admin(scope, receive, send)
        else:
            await self._pages(scope, receive, send)
