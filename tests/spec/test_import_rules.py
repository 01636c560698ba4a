"""The mock's import rules (docs/architecture.md), read from the source of every module.

Every import statement counts: at the top, inside functions and under ``if TYPE_CHECKING``,
because a type-level cycle is still a cycle a reader has to untangle.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "mock_server"
GENERATED = ROOT / "generated_client"

HTTP_LIBRARIES = ("starlette", "connexion", "uvicorn", "httpx", "h11", "httptools", "anyio")


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, root: Path) -> Iterator[str]:
    """Every module ``path`` imports (``from a import b`` counts as ``a.b`` when that is a
    module of ours, else as ``a``)."""
    name = module_name(path, root)
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".") if is_package else name.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                yield candidate if module_path(candidate) is not None else base


def module_path(name: str) -> Path | None:
    """The file of one of our modules, or ``None``."""
    relative = Path(*name.split("."))
    for candidate in (ROOT / relative.with_suffix(".py"), ROOT / relative / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def graph(package: Path, root: Path) -> dict[str, set[str]]:
    """Module -> the modules it imports (all of them, ours and others)."""
    return {
        module_name(path, root): set(imports_of(path, root))
        for path in sorted(package.rglob("*.py"))
    }


@pytest.fixture(scope="module")
def mock_imports() -> dict[str, set[str]]:
    return graph(PACKAGE, ROOT)


def first_part(name: str) -> str:
    return name.split(".")[0]


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_the_model_imports_no_http_library_and_nothing_else_of_ours(
    mock_imports: dict[str, set[str]],
) -> None:
    model = {m: i for m, i in mock_imports.items() if within(m, "mock_server.model")}
    assert model, "no module found under mock_server/model"
    broken = {
        f"{module} imports {target}"
        for module, targets in model.items()
        for target in targets
        if first_part(target) in HTTP_LIBRARIES
        or (within(target, "mock_server") and not within(target, "mock_server.model"))
    }
    assert not broken, sorted(broken)


def test_the_redis_backend_imports_only_the_model_and_redis_does_not_reach_the_model(
    mock_imports: dict[str, set[str]],
) -> None:
    """``redis_store`` implements the model's interfaces: it may import the model (and redis),
    no HTTP library and no other layer; the model itself never imports redis."""
    broken = {
        f"{module} imports {target}"
        for module, targets in mock_imports.items()
        for target in targets
        if (
            within(module, "mock_server.redis_store")
            and (
                first_part(target) in HTTP_LIBRARIES
                or (
                    within(target, "mock_server")
                    and not within(target, "mock_server.model")
                    and not within(target, "mock_server.redis_store")
                )
            )
        )
        or (within(module, "mock_server.model") and first_part(target) == "redis")
    }
    assert not broken, sorted(broken)


#: The modules of connexion's part (``mock_server/documents/__init__.py``).
CONNEXION_MODULES = frozenset(
    f"mock_server.documents.{name}" for name in ("connexion_app", "connexion_glue", "errors")
)


def test_only_connexions_part_imports_connexion(mock_imports: dict[str, set[str]]) -> None:
    broken = {
        f"{module} imports {target}"
        for module, targets in mock_imports.items()
        for target in targets
        if first_part(target) == "connexion" and module not in CONNEXION_MODULES
    }
    assert not broken, sorted(broken)


def test_only_the_server_runner_imports_uvicorn(mock_imports: dict[str, set[str]]) -> None:
    broken = {
        f"{module} imports {target}"
        for module, targets in mock_imports.items()
        for target in targets
        if first_part(target) == "uvicorn" and module != "mock_server.server"
    }
    assert not broken, sorted(broken)


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("mock_server.http", ("mock_server.documents", "mock_server.handlers", "mock_server.app")),
        ("mock_server.handlers", ("mock_server.documents", "mock_server.app", "starlette")),
        ("mock_server.documents", ("mock_server.app", "mock_server.cli")),
    ],
)
def test_each_layer_imports_only_the_layers_below_it(
    mock_imports: dict[str, set[str]], package: str, forbidden: tuple[str, ...]
) -> None:
    broken = {
        f"{module} imports {target}"
        for module, targets in mock_imports.items()
        if within(module, package)
        for target in targets
        if any(within(target, f) for f in forbidden)
    }
    assert not broken, sorted(broken)


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (or a self-import)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in edges.get(node, ()):
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_there_is_no_import_cycle(mock_imports: dict[str, set[str]]) -> None:
    ours = {
        module: {t for t in targets if t in mock_imports and t != module}
        for module, targets in mock_imports.items()
    }
    assert cycles(ours) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("package", ["m7_openapi", "m7_call_monitor"])
def test_the_client_packages_import_nothing_of_the_mock_or_the_tests(package: str) -> None:
    imports = graph(GENERATED / package, GENERATED)
    broken = {
        f"{module} imports {target}"
        for module, targets in imports.items()
        for target in targets
        if first_part(target) in ("mock_server", "tests", "scripts")
        or (package == "m7_openapi" and first_part(target) == "m7_call_monitor")
    }
    assert not broken, sorted(broken)


def test_the_admin_client_imports_nothing_of_ours() -> None:
    """``m7_mock_admin`` is generated from the admin document alone and ships in the mock's
    wheel beside the mock it drives: it speaks HTTP to a mock, so importing the mock (or the
    vendor client, or the repository's tests and scripts, which no wheel carries) would tie
    generated code to hand-written code."""
    imports = graph(
        ROOT / "generated_admin_client" / "m7_mock_admin", ROOT / "generated_admin_client"
    )
    assert "m7_mock_admin.api.clock.freeze_clock" in imports
    ours = ("mock_server", "m7_contract", "m7_call_monitor", "m7_openapi", "tests", "scripts")
    broken = {
        f"{module} imports {target}"
        for module, targets in imports.items()
        for target in targets
        if first_part(target) in ours
    }
    assert not broken, sorted(broken)


def test_the_contract_suite_imports_nothing_of_the_mock_or_the_tests() -> None:
    """``m7_contract`` checks any deployment, the mock included: it starts the mock as a
    process and never imports it (nor the repository's tests, which its wheel lacks), so that
    none of the mock's code vouches for the mock."""
    imports = graph(ROOT / "m7_contract", ROOT)
    assert "m7_contract.checks.conftest" in imports
    broken = {
        f"{module} imports {target}"
        for module, targets in imports.items()
        for target in targets
        if first_part(target) in ("mock_server", "tests", "scripts")
    }
    assert not broken, sorted(broken)


def test_importing_the_whole_model_loads_no_http_library() -> None:
    """The rule at run time: ``import mock_server.model.state`` pulls in the whole model (and
    the package's ``__init__``), and none of it may load an HTTP library on the way."""
    probe = (
        "import sys, mock_server.model.state, mock_server.model.journal;"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HTTP_LIBRARIES)!r}))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"
