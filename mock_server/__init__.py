"""A vendor-strict mock of the 7moor V7 call-monitoring OpenAPI.

Run it with ``make mock``, ``m7-mock`` or ``python -m mock_server``; build it in a test with
``create_app(Settings(...))``. The public surface is these three names; ``docs/architecture.md``
maps the packages inside (``model``, ``http``, ``handlers``, ``spec``).

``create_app`` and ``MockApp`` are imported on first use, so that importing a part of the
model (``mock_server.model.callcenter``) does not import connexion.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mock_server.settings import Settings

if TYPE_CHECKING:
    from mock_server.app import MockApp, create_app

__all__ = ["MockApp", "Settings", "create_app"]


def __getattr__(name: str) -> Any:
    if name in ("MockApp", "create_app"):
        from mock_server import app

        return getattr(app, name)
    raise AttributeError(f"module 'mock_server' has no attribute {name!r}")
