"""Regenerate the README's two screenshots (docs/screenshots/*.png) from the fixture organisation.

    python scripts/screenshots.py [--output docs/screenshots]

Builds tests/testdata/test_screens (Northwind: an open incident and a resolved one, en and zh-Hant) in a
temporary folder exactly as tests/test_screens.py does (`crisiskit approve --pending` for both roles, then
`crisiskit build` as of the same moment), serves site/public on a free local port, and photographs with
Debian's chromium (never a downloaded browser; $CRISISKIT_CHROMIUM names another), its clock frozen at the
build time and its zone Taipei's:

- statement-phone-zh-Hant.png: the open incident's statement, first screen of a 390x844 phone, in Chinese;
- home-desktop-en.png: the home page (status at a glance), first screen of a 1280x800 desktop, in English.

Each is the first screen only (not the full page), so each stays well under 150 KB.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from datetime import datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "testdata" / "test_screens"
AT = "2026-11-21T16:00:00+08:00"  # as tests/test_screens.py: the outage open, the recall resolved
SHOTS = {
    "statement-phone-zh-Hant.png": ("zh-Hant/incidents/outage/", {"width": 390, "height": 844}, "zh-TW"),
    "home-desktop-en.png": ("en/", {"width": 1280, "height": 800}, "en-GB"),
}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
        pass


def _crisiskit(project: Path, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "crisiskit", "-q", *args], cwd=project, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(f"crisiskit {' '.join(args)} failed:\n{result.stdout}{result.stderr}")


def build_fixture(project: Path) -> Path:
    """The fixture organisation approved and built into ``project``; its public site folder."""
    shutil.copytree(FIXTURE, project)
    shutil.copytree(REPO / "overrides", project / "overrides")
    for role in ("communications", "legal"):
        _crisiskit(project, "approve", "--pending", "--role", role, "--by", "Ann Wu")
    _crisiskit(project, "build", "--at", AT, "--audience", "public")
    return project / "site" / "public"


def take(public: Path, output: Path, chromium: str) -> list[Path]:
    """Serve ``public`` on a free port and save each screenshot of SHOTS into ``output``."""
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(public)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    output.mkdir(parents=True, exist_ok=True)
    written = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            for name, (path, viewport, locale) in SHOTS.items():
                context = browser.new_context(viewport=viewport, locale=locale, timezone_id="Asia/Taipei")
                context.clock.set_fixed_time(datetime.fromisoformat(AT))
                page = context.new_page()
                page.goto(f"{base}/{path}", wait_until="networkidle")
                page.evaluate("document.fonts.ready.then(() => true)")
                page.screenshot(path=str(output / name), type="png", animations="disabled", caret="hide")
                written.append(output / name)
                context.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=REPO / "docs" / "screenshots", help="folder for the PNGs")
    options = parser.parse_args()
    chromium = os.environ.get("CRISISKIT_CHROMIUM") or shutil.which("chromium")
    if not chromium:
        sys.exit("Debian's chromium is not installed: apt-get install chromium (or set CRISISKIT_CHROMIUM)")
    with tempfile.TemporaryDirectory(prefix="crisiskit-screens-") as folder:
        public = build_fixture(Path(folder) / "project")
        for path in take(public, options.output, chromium):
            print(f"{path}: {path.stat().st_size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
