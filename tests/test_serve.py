"""`crisiskit serve`: the internal preview on localhost, rebuilt when a kit changes."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from sites import copy_project


def _wait_for(process: subprocess.Popen, pattern: str, timeout: float) -> re.Match[str]:
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            if process.poll() is not None:
                break
            continue
        seen.append(line)
        match = re.search(pattern, line)
        if match:
            return match
    raise AssertionError(f"serve never said {pattern!r}; it said:\n{''.join(seen)}")


def test_serve_rebuilds_the_internal_preview_when_a_kit_changes(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    process = subprocess.Popen([sys.executable, "-m", "crisiskit", "serve", "--port", "0"], cwd=project,
                               stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, bufsize=1)
    try:
        url = _wait_for(process, r"internal preview: (http://127\.0\.0\.1:\d+/)", 600).group(1)
        with urllib.request.urlopen(f"{url}en/incidents/store-incident/", timeout=10) as response:
            assert response.status == 200
        home = project / "content/en/index.md"
        home.write_text(home.read_text(encoding="utf-8") + "\nPREVIEW-MARKER\n", encoding="utf-8")
        _wait_for(process, r"rebuilt at", 600)
        with urllib.request.urlopen(f"{url}en/", timeout=10) as response:
            assert "PREVIEW-MARKER" in response.read().decode("utf-8")
        kit = project / "kits/store-incident.yml"
        kit.write_text(kit.read_text(encoding="utf-8") + "# reviewed\n", encoding="utf-8")
        _wait_for(process, r"rebuilt at", 600)
    finally:
        process.terminate()
        process.wait(timeout=30)
