"""The start page in a real browser: Debian's headless Chromium renders it and its links.

Chromium's own command line (``--dump-dom``, ``--screenshot``) is enough for a page with no
script; the screenshot is kept in ``build/screenshots/landing.png`` for a person to look at.
Chromium is installed by ``make system-packages`` (part of ``make test``); when it is missing
the test fails with that instruction rather than being skipped.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.document import ROOT

pytestmark = pytest.mark.socket

SCREENSHOT = ROOT / "build" / "screenshots" / "landing.png"


def chromium(tmp_path: Path, *args: str) -> str:
    binary = shutil.which("chromium")
    if binary is None:
        pytest.fail("chromium is not installed: run `make system-packages`", pytrace=False)
    done = subprocess.run(
        [
            binary,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1000,800",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_chromium_renders_the_start_page_with_its_links(mock_url: str, tmp_path: Path) -> None:
    dom = chromium(tmp_path, "--dump-dom", f"{mock_url}/")
    assert "<h1>m7 mock server</h1>" in dom
    for href in ("/ui/", "/__mock/ui/", "/__mock/health", "/__mock/console/", "/openapi.yaml"):
        assert f'<a href="{href}">' in dom, href
    assert '<a href="/docs/mock-server.md">mock-server.md</a>' in dom

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    chromium(tmp_path, f"--screenshot={SCREENSHOT}", f"{mock_url}/")
    assert SCREENSHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert SCREENSHOT.stat().st_size > 10_000  # a rendered page, not an empty canvas
