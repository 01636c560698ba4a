"""The two locks: the runtime lock is exactly what the two distributions need (and the build
backend that installs them editable), the development lock adds to it without pinning
anything twice.

``make mock`` installs only ``requirements-runtime.lock``; a package missing there breaks the
mock for every new user, and a development tool there makes every first ``make mock`` slower.
The closure is read from the installed distributions' metadata (the same data pip resolves
from), starting at the ``dependencies`` and ``build-system.requires`` of both
``pyproject.toml`` files, plus ``editables`` (hatchling asks for it for editable installs).
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

from tests.support.document import ROOT

RUNTIME_LOCK = ROOT / "requirements-runtime.lock"
DEV_LOCK = ROOT / "requirements.lock"
PROJECTS = (ROOT / "pyproject.toml", ROOT / "generated_client" / "pyproject.toml")
OWN = {"m7-mock-server", "m7-call-monitor"}


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def _pins(lock: Path) -> dict[str, str]:
    """name -> version of every ``name==version`` line; other lines must be comments or -r."""
    pins: dict[str, str] = {}
    for number, raw in enumerate(lock.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(("#", "-r ")):
            continue
        name, sep, version = line.partition("==")
        assert sep, f"{lock.name}:{number}: not an exact pin: {line!r}"
        assert version, f"{lock.name}:{number}: no version: {line!r}"
        assert _name(name) not in pins, f"{lock.name}:{number}: {name} pinned twice"
        pins[_name(name)] = version
    return pins


def _declared(table: str = "project") -> list[Requirement]:
    """``project.dependencies`` (or, with ``"build-system"``, its ``requires``) of both."""
    key = "dependencies" if table == "project" else "requires"
    requirements: list[Requirement] = []
    for project in PROJECTS:
        data = tomllib.loads(project.read_text(encoding="utf-8"))
        requirements += [Requirement(r) for r in data[table][key]]
    return requirements


def _closure(roots: list[Requirement]) -> set[str]:
    """Every distribution ``roots`` pull in on this platform (extras included)."""
    seen: set[str] = set()
    pending = [(r, frozenset(r.extras)) for r in roots]
    while pending:
        requirement, extras = pending.pop()
        name = _name(requirement.name)
        key = f"{name}[{','.join(sorted(extras))}]"
        if key in seen:
            continue
        seen.add(key)
        for text in metadata.requires(requirement.name) or []:
            child = Requirement(text)
            environments = [{"extra": e} for e in extras] or [{"extra": ""}]
            if child.marker is None or any(child.marker.evaluate(e) for e in environments):
                pending.append((child, frozenset(child.extras)))
    return {key.split("[")[0] for key in seen}


def test_the_runtime_lock_pins_exactly_what_the_distributions_need() -> None:
    build = [*_declared("build-system"), Requirement("editables")]
    needed = (_closure(_declared()) | _closure(build)) - OWN
    pinned = set(_pins(RUNTIME_LOCK))
    assert not needed - pinned, f"missing from {RUNTIME_LOCK.name}: {sorted(needed - pinned)}"
    assert not pinned - needed, (
        f"pinned in {RUNTIME_LOCK.name} but needed by neither distribution (a development "
        f"tool? it belongs in {DEV_LOCK.name}): {sorted(pinned - needed)}"
    )


def test_every_declared_dependency_allows_its_pinned_version() -> None:
    pins = _pins(RUNTIME_LOCK)
    for requirement in _declared():
        name = _name(requirement.name)
        if name in OWN:
            continue
        assert requirement.specifier.contains(pins[name]), f"{requirement} vs =={pins[name]}"


def test_the_development_lock_includes_the_runtime_lock_and_repeats_none_of_it() -> None:
    lines = DEV_LOCK.read_text(encoding="utf-8").splitlines()
    assert f"-r {RUNTIME_LOCK.name}" in lines
    twice = set(_pins(DEV_LOCK)) & set(_pins(RUNTIME_LOCK))
    assert not twice, f"pinned in both locks: {sorted(twice)}"


def test_the_installed_versions_are_the_pinned_ones() -> None:
    for lock in (RUNTIME_LOCK, DEV_LOCK):
        for name, version in _pins(lock).items():
            assert metadata.version(name) == version, f"{lock.name}: {name}"
