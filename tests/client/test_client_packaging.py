"""``pip install ./generated_client`` alone gives a working client and nothing of the mock."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

import m7_call_monitor
import m7_openapi

DISTRIBUTION = Path(__file__).resolve().parents[2] / "generated_client"
ALLOWED = {"httpx", "attrs", "python-dateutil"}
FORBIDDEN = {"mock_server", "connexion", "uvicorn", "starlette", "yaml", "orjson"}


def _requirement_name(requirement: str) -> str:
    for stop in "<>=!~;[ ":
        requirement = requirement.split(stop, 1)[0]
    return requirement.strip().lower()


def test_the_distribution_depends_only_on_httpx_attrs_and_dateutil() -> None:
    project = tomllib.loads((DISTRIBUTION / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"
    ]
    assert {_requirement_name(r) for r in project["dependencies"]} <= ALLOWED
    assert not project.get("optional-dependencies")
    assert project["scripts"] == {"m7": "m7_call_monitor.cli:main"}


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", [m7_call_monitor, m7_openapi], ids=lambda p: p.__name__)
def test_no_module_imports_the_mock_or_its_server_stack(package: object) -> None:
    root = Path(package.__file__).parent  # type: ignore[attr-defined]
    modules = sorted(root.rglob("*.py"))
    assert modules
    for module in modules:
        assert not (_imported_roots(module) & FORBIDDEN), module


def test_the_package_is_typed() -> None:
    assert (Path(m7_call_monitor.__file__).parent / "py.typed").is_file()


def test_the_public_surface_is_what_all_lists() -> None:
    for name in m7_call_monitor.__all__:
        assert hasattr(m7_call_monitor, name), name
    public = {n for n in vars(m7_call_monitor) if not n.startswith("_")}
    modules = {"signing", "cli"}
    assert public - modules <= set(m7_call_monitor.__all__)
