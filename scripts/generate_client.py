"""Generate the typed clients from the OpenAPI document, or check the committed ones are current.

    python scripts/generate_client.py            # rewrite what the document generates
    python scripts/generate_client.py --check    # exit 1 with a diff when anything is stale

What the document generates: first its own "Call-state rules" paragraphs, one per operation,
from its ``x-call-state-rules`` table (``scripts/rules_prose.py``; generated first, since the
descriptions flow into the clients), then, all under generated_client/:

* ``m7_openapi/``: the Python package (openapi-python-client, openapi/generator.yaml);
* ``m7_call_monitor/_fields.py``: the types of the friendly methods' extra keyword fields,
  read from that package's request models (``scripts/friendly_fields.py``);
* ``typescript/src/schema.ts``: the TypeScript types (openapi-typescript);
* the version of both distributions (``pyproject.toml``, ``typescript/package.json``),
  which is the document's ``info.version``;
* the mock server's distribution (``../pyproject.toml``, at the repository's root): the same
  version, and its dependency on the client pinned to it (``m7-call-monitor==X.Y.Z``), so
  that the two Python distributions only ever install together at one version, and no
  ``m7-call-monitor`` of another origin (a public index) can stand in for this one.

And from the admin API's document (``openapi/mock-admin.yaml``), whose clients test code
drives the mock with:

* ``../generated_admin_client/m7_mock_admin/``: the Python package (openapi-python-client,
  generated_admin_client/generator.yaml), shipped in the mock's wheel, which its pytest
  plugin uses; no version of its own (it is the mock's);
* ``typescript/src/mock-admin.ts``: the TypeScript types, in the Node package as its
  ``m7-call-monitor/mock-admin`` entry (types for openapi-fetch, no code).

Both modes generate into a temporary folder with the same tools and config, so the check can
never disagree with what `make generate` writes. The check generates the clients from the
document as `make generate` would leave it (its paragraphs regenerated).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

# This file runs as a script, so its own folder is on the path, not the repository root; the
# module is imported as `scripts.rules_prose`, the name mypy checks it under. The editable
# install already puts the root on the path; this keeps the script working without it.
sys.path.append(str(Path(__file__).resolve().parent.parent))

from mock_server.model.rules import RulesError
from scripts.friendly_fields import FIELDS_MODULE, fields_module
from scripts.rules_prose import HEAD, ProseError, rewrite

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = ROOT / "openapi" / "call-monitor.yaml"
CONFIG = ROOT / "openapi" / "generator.yaml"
OUTPUT = ROOT / "generated_client"
PYTHON_PACKAGE = "m7_openapi"
TYPESCRIPT_SCHEMA = "typescript/src/schema.ts"
ADMIN_DOCUMENT = ROOT / "openapi" / "mock-admin.yaml"
ADMIN_CONFIG = ROOT / "generated_admin_client" / "generator.yaml"
#: The admin client's package, in a folder of its own beside ``generated_client/`` (relative
#: to it): it ships in the mock's distribution, not in the client's.
ADMIN_PYTHON_PACKAGE = "../generated_admin_client/m7_mock_admin"
ADMIN_TYPESCRIPT_SCHEMA = "typescript/src/mock-admin.ts"
#: The generated Python packages (relative to the output), each rewritten whole.
PYTHON_PACKAGES = (PYTHON_PACKAGE, ADMIN_PYTHON_PACKAGE)
PYPROJECT = "pyproject.toml"
PACKAGE_JSON = "typescript/package.json"
#: The mock server's ``pyproject.toml``, beside ``generated_client/`` (relative to it).
MOCK_PYPROJECT = "../pyproject.toml"
#: The files whose version (and, in the mock's, whose pin of the client) the document sets.
DISTRIBUTIONS = (PYPROJECT, PACKAGE_JSON, MOCK_PYPROJECT)
OPENAPI_TYPESCRIPT = ROOT / "node_modules" / ".bin" / "openapi-typescript"
_PYPROJECT_VERSION = re.compile(r'^version = "[^"]*"$', re.MULTILINE)
_CLIENT_REQUIREMENT = re.compile(r'^    "m7-call-monitor[^"]*",$', re.MULTILINE)


def generate_into(target: Path, document: Path, config: Path = CONFIG) -> None:
    """Run openapi-python-client on ``document`` with ``config``, writing the package to
    ``target``."""
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = [
        str(bin_dir / "openapi-python-client"),
        "generate",
        "--path",
        str(document),
        "--config",
        str(config),
        "--meta",
        "none",
        "--output-path",
        str(target),
        "--overwrite",
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0 or "Warning" in result.stdout or "Error" in result.stdout:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"openapi-python-client failed on {document}")


def typescript_types(document: Path, scratch: Path, name: str = "schema.ts") -> str:
    """What openapi-typescript makes of ``document`` (written as ``scratch / name``)."""
    if not OPENAPI_TYPESCRIPT.exists():
        raise SystemExit(f"{OPENAPI_TYPESCRIPT} is missing: run `make setup` (npm ci)")
    target = scratch / name
    command = [str(OPENAPI_TYPESCRIPT), str(document), "--output", str(target)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"openapi-typescript failed on {document}")
    return target.read_text(encoding="utf-8")


def document_version(document: Path) -> str:
    """The document's ``info.version``: the version of both client distributions."""
    with document.open(encoding="utf-8") as handle:
        return str(yaml.safe_load(handle)["info"]["version"])


def with_version(name: str, text: str, version: str) -> str:
    """``text`` of the distribution file ``name`` with its version set to ``version``."""
    if name in (PYPROJECT, MOCK_PYPROJECT):
        text = _PYPROJECT_VERSION.sub(f'version = "{version}"', text, count=1)
    if name == MOCK_PYPROJECT:
        text, pins = _CLIENT_REQUIREMENT.subn(f'    "m7-call-monitor=={version}",', text)
        if pins != 1:
            raise SystemExit(
                f'{name}: expected one line `    "m7-call-monitor...",` in its dependencies'
            )
    if name in (PYPROJECT, MOCK_PYPROJECT):
        return text
    manifest = json.loads(text)
    manifest["version"] = version
    return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"


def _files(folder: Path, prefix: str) -> dict[str, str]:
    return {
        f"{prefix}/{path.relative_to(folder)}": path.read_text(encoding="utf-8")
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def expected(
    document: Path, output: Path, scratch: Path, admin_document: Path = ADMIN_DOCUMENT
) -> dict[str, str]:
    """Every generated file (path relative to ``output``) and the text the documents give it."""
    package = scratch / PYTHON_PACKAGE
    generate_into(package, document)
    files = _files(package, PYTHON_PACKAGE)
    files[FIELDS_MODULE] = fields_module(package, document)
    files[TYPESCRIPT_SCHEMA] = typescript_types(document, scratch)
    admin_package = scratch / "m7_mock_admin"
    generate_into(admin_package, admin_document, ADMIN_CONFIG)
    files.update(_files(admin_package, ADMIN_PYTHON_PACKAGE))
    files[ADMIN_TYPESCRIPT_SCHEMA] = typescript_types(admin_document, scratch, "mock-admin.ts")
    version = document_version(document)
    for name in DISTRIBUTIONS:
        files[name] = with_version(name, (output / name).read_text(encoding="utf-8"), version)
    return files


def committed(output: Path) -> dict[str, str]:
    """The committed counterparts of what :func:`expected` lists."""
    files: dict[str, str] = {}
    for name in PYTHON_PACKAGES:
        if (output / name).exists():
            files.update(_files(output / name, name))
    for name in (FIELDS_MODULE, TYPESCRIPT_SCHEMA, ADMIN_TYPESCRIPT_SCHEMA, *DISTRIBUTIONS):
        if (output / name).exists():
            files[name] = (output / name).read_text(encoding="utf-8")
    return files


def diff(old: dict[str, str], new: dict[str, str]) -> list[str]:
    """Unified diff lines between two sets of files (empty when identical)."""
    lines: list[str] = []
    for name in sorted(old.keys() | new.keys()):
        a, b = old.get(name), new.get(name)
        if a != b:  # None (absent) differs from "" (an empty file such as py.typed)
            lines += difflib.unified_diff(
                (a or "").splitlines(keepends=True),
                (b or "").splitlines(keepends=True),
                f"committed/{name}" if a is not None else "/dev/null",
                f"generated/{name}" if b is not None else "/dev/null",
            )
            if not (a or b):
                lines.append(f"{'only generated' if a is None else 'only committed'}: {name}\n")
    return lines


def write(output: Path, old: dict[str, str], new: dict[str, str]) -> None:
    for name in PYTHON_PACKAGES:  # whole, so that a module the document dropped goes too
        shutil.rmtree(output / name, ignore_errors=True)
    for name, text in new.items():
        path = output / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _shown(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def document_with_prose(document: Path) -> tuple[str, str]:
    """(the document's text, the text with its paragraphs generated from its table)."""
    text = document.read_bytes().decode("utf-8")
    try:
        return text, rewrite(text)
    except (ProseError, RulesError) as error:
        raise SystemExit(
            f"{_shown(document)}: cannot generate its {HEAD} paragraphs: {error}"
        ) from error


def prose_diff(document: Path, text: str, generated: str) -> list[str]:
    """Unified diff lines between the document's paragraphs and the generated ones."""
    name = _shown(document).as_posix()
    return list(
        difflib.unified_diff(
            text.splitlines(keepends=True),
            generated.splitlines(keepends=True),
            f"committed/{name}",
            f"generated/{name}",
        )
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when anything is stale")
    parser.add_argument("--document", type=Path, default=DOCUMENT, help="the OpenAPI document")
    parser.add_argument(
        "--admin-document", type=Path, default=ADMIN_DOCUMENT, help="the admin API's document"
    )
    parser.add_argument(
        "--output", type=Path, default=OUTPUT, help="the folder of the generated clients"
    )
    args = parser.parse_args(argv)

    text, generated = document_with_prose(args.document)
    stale_prose = prose_diff(args.document, text, generated)
    with tempfile.TemporaryDirectory() as tmp:
        document = args.document
        if stale_prose and args.check:
            document = Path(tmp) / "document" / args.document.name
            document.parent.mkdir()
            document.write_bytes(generated.encode("utf-8"))
        elif stale_prose:
            args.document.write_bytes(generated.encode("utf-8"))
            print(f"rewrote the {HEAD} paragraphs of {_shown(args.document)} from its table")
        old = committed(args.output)
        new = expected(document, args.output, Path(tmp), args.admin_document)
    changes = diff(old, new)
    if args.check:
        if stale_prose:
            sys.stdout.writelines(stale_prose)
            print(
                f"\n{_shown(args.document)}: its {HEAD} paragraphs are not what its "
                "x-call-state-rules table generates (a paragraph edited by hand, or the table "
                "changed without regenerating).\n"
                "Run `make generate` and commit the result with the document change.\n"
            )
        if changes:
            sys.stdout.writelines(changes)
            print(
                f"\n{_shown(args.output)} is stale: it is not what the OpenAPI document "
                "generates.\nRun `make generate` and commit the result with the document change."
            )
        if stale_prose or changes:
            return 1
        print("generated paragraphs and clients are up to date")
        return 0
    if changes:
        write(args.output, old, new)
        print(f"regenerated {args.output}")
    else:
        print("generated clients already up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
