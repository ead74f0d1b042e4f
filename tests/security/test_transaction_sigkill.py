"""A SIGKILL at any point of a build leaves site/public the previous verified site or the new one, whole.

In a file of its own (the rest of the transaction suite is test_transaction.py) because it is the
longest test, a dozen real builds, so the test runner can run it beside the others.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from redteam import AFTER_EMBARGO, BEFORE_EMBARGO, built, make_project
from test_transaction import scan_clean, snapshot


def test_sigkill_at_any_point_leaves_the_previous_or_the_new_site_whole(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    public = project / "site" / "public"
    first = killed_build(project, BEFORE_EMBARGO, 1.5)  # no site yet: afterwards none, or the finished one
    started = time.monotonic()
    built(project, AFTER_EMBARGO)
    duration = time.monotonic() - started
    scan_clean(project, AFTER_EMBARGO)
    after = snapshot(public)
    built(project, BEFORE_EMBARGO, process=False)
    scan_clean(project, BEFORE_EMBARGO)
    before = snapshot(public)
    assert before != after and first in (None, before)
    interrupted_staging = 0
    for index, fraction in enumerate((0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 0.95, 1.1)):
        live = killed_build(project, (AFTER_EMBARGO, BEFORE_EMBARGO)[index % 2], duration * fraction)
        assert live in (before, after), f"killed after {duration * fraction:.2f}s: site/public is neither site"
        interrupted_staging += any(p.name.startswith(".staging-") for p in (project / "site").iterdir())
    assert interrupted_staging, "no kill landed while a tree was being staged"
    built(project, AFTER_EMBARGO, process=False)
    assert snapshot(public) == after
    hidden = sorted(p.name for p in (project / "site").iterdir() if p.name.startswith("."))
    # the release the last run replaced may be kept as the next run's spare (switch.py): one at most
    spares = [name for name in hidden if name.startswith(".spare-")]
    assert len(spares) <= 1 and all(re.fullmatch(r"\.spare-public-\d{8}T\d{6}-\d+-[0-9a-f]{8}", n) for n in spares)
    hidden = [name for name in hidden if name not in spares]
    assert hidden in ([".publish.lock", ".releases"], [".publish.lock", ".releases", ".trash"])
    assert len(list((project / "site" / ".releases").iterdir())) == 1
    # what a successful run retired waits in .trash/ for the next run to remove: former releases only
    retired = [p.name for p in (project / "site" / ".trash").iterdir()] if "trash" in str(hidden) else []
    assert all(re.fullmatch(r"public-[0-9T]+-\d+-[0-9a-f]{8}-[0-9a-f]{8}", name) for name in retired), retired


def killed_build(project: Path, at: str, delay: float) -> dict[str, str] | None:
    """Start `crisiskit build`, SIGKILL its whole process group (engine included) after ``delay`` s; the live site."""
    process = subprocess.Popen(
        [sys.executable, "-m", "crisiskit", "build", "--at", at, "--audience", "public"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    public = project / "site" / "public"
    return snapshot(public) if public.exists() else None
