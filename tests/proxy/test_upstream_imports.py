"""Where ``mock_server/upstream/`` sits among the mock's layers (docs/architecture.md): it
uses the HTTP layer, the model and httpx; nothing below it knows it (``app.py`` wires it in,
the settings hold its configuration, which loads no HTTP library)."""

from __future__ import annotations

import subprocess
import sys

from tests.spec.test_import_rules import PACKAGE, ROOT, graph, within

UPSTREAM = "mock_server.upstream"
#: The layers that must not know the upstream package.
BELOW = (
    "mock_server.model",
    "mock_server.http",
    "mock_server.handlers",
    "mock_server.documents",
    "mock_server.redis_store",
)


def test_nothing_below_imports_the_upstream_package() -> None:
    imports = graph(PACKAGE, ROOT)
    broken = {
        f"{module} imports {target}"
        for module, targets in imports.items()
        if any(within(module, layer) for layer in BELOW)
        for target in targets
        if within(target, UPSTREAM)
    }
    assert not broken, sorted(broken)


def test_the_upstream_package_imports_no_start_up_module_nor_connexion() -> None:
    imports = graph(PACKAGE, ROOT)
    forbidden = (
        "mock_server.app",
        "mock_server.cli",
        "mock_server.documents",
        "connexion",
        "uvicorn",
    )
    broken = {
        f"{module} imports {target}"
        for module, targets in imports.items()
        if within(module, UPSTREAM)
        for target in targets
        if any(within(target, f) for f in forbidden)
    }
    assert not broken, sorted(broken)


def test_the_settings_and_the_command_line_load_no_http_library() -> None:
    probe = (
        "import sys, mock_server.upstream.config, mock_server.cli;"
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'httpx', 'starlette', 'connexion', 'uvicorn', 'jsonschema'}))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"
