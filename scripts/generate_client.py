"""Generate the typed client from the OpenAPI document, or check the committed one is current.

    python scripts/generate_client.py            # rewrite generated_client/m7_openapi
    python scripts/generate_client.py --check    # exit 1 with a diff when it is stale

Both modes run the same generator with the same config into a temporary folder, so the
check can never disagree with what `make generate` writes.
"""

from __future__ import annotations

import argparse
import difflib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = ROOT / "openapi" / "call-monitor.yaml"
CONFIG = ROOT / "openapi" / "generator.yaml"
PACKAGE = ROOT / "generated_client" / "m7_openapi"


def generate_into(target: Path, document: Path) -> None:
    """Run openapi-python-client on ``document``, writing the package to ``target``."""
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = [
        str(bin_dir / "openapi-python-client"),
        "generate",
        "--path",
        str(document),
        "--config",
        str(CONFIG),
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


def _files(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): path.read_text(encoding="utf-8")
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def diff(committed: Path, fresh: Path) -> list[str]:
    """Unified diff lines between two generated packages (empty when identical)."""
    old, new = _files(committed) if committed.exists() else {}, _files(fresh)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when the package is stale")
    parser.add_argument("--document", type=Path, default=DOCUMENT, help="the OpenAPI document")
    parser.add_argument("--package", type=Path, default=PACKAGE, help="the generated package")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "m7_openapi"
        generate_into(fresh, args.document)
        changes = diff(args.package, fresh)
        if args.check:
            if changes:
                sys.stdout.writelines(changes)
                print(
                    f"\n{args.package.relative_to(ROOT) if args.package.is_relative_to(ROOT) else args.package}"
                    " is stale: it is not what the OpenAPI document generates.\n"
                    "Run `make generate` and commit the result with the document change."
                )
                return 1
            print("generated client is up to date")
            return 0
        if changes:
            shutil.rmtree(args.package, ignore_errors=True)
            shutil.copytree(fresh, args.package)
            print(f"regenerated {args.package}")
        else:
            print("generated client already up to date")
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
