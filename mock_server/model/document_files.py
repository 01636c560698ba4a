"""Where the two OpenAPI documents are, and each read once per process.

The model reads the vendor document for one thing of its own, the call-state rules
(``x-call-state-rules``, ``mock_server.model.rules``); everything HTTP reads it through
``mock_server.documents.facts``, which takes the parsed document from here, so it is parsed
once whoever asks first.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, Final

import yaml

__all__ = ["ADMIN_DOCUMENT", "VENDOR_DOCUMENT", "document_path", "load_document"]

VENDOR_DOCUMENT: Final = "call-monitor.yaml"
ADMIN_DOCUMENT: Final = "mock-admin.yaml"

#: libyaml's safe loader when PyYAML has it (ten times faster: a fifth of the mock's start-up
#: went into parsing the two documents), else the pure-Python one; both build the same data.
_LOADER: Final = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _openapi_dir() -> Path:
    """``openapi/`` next to the package in a wheel, else the repository's ``openapi/``."""
    package = Path(__file__).resolve().parents[1]  # mock_server/
    bundled = package / "openapi"
    if (bundled / VENDOR_DOCUMENT).is_file():
        return bundled
    return package.parent / "openapi"


def document_path(name: str) -> Path:
    """The path of one of the documents (``VENDOR_DOCUMENT`` or ``ADMIN_DOCUMENT``)."""
    return _openapi_dir() / name


@cache
def load_document(name: str) -> Mapping[str, Any]:
    """The parsed document, read once per process; treat it as read-only.

    It is handed to connexion as a dict rather than a path because connexion renders a
    document file as a Jinja template first, which a ``{{`` in a description would break.
    """
    with document_path(name).open(encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.load(handle, Loader=_LOADER)  # noqa: S506 - a safe loader
    return document
