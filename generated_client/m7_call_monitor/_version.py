"""The distribution's version, for ``__version__`` and the User-Agent header."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["USER_AGENT", "VERSION"]

try:
    VERSION = version("m7-call-monitor")
except PackageNotFoundError:  # running from a source tree that was never installed
    VERSION = "0+unknown"

USER_AGENT = f"m7-call-monitor/{VERSION}"
