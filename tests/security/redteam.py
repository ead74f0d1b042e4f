"""The red-team suite's fixture project and commands.

A small site repository of its own, approved as `crisiskit approve` would.

Every test gets a fresh copy (``project``), so an attack never touches another
test's tree or the user's sample kits. ``approve_all`` records approvals of the
current composed text, so a test that changes what an approval covers changes
the kit first and approves after (or not at all, to prove the change is held back).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
REPO = HERE.parent.parent
FIXTURE = HERE / "project"
APPROVED = {"acme-outage": (1, 2)}
# Build times: revision 1 live and revision 2 embargoed; then both live (revision 3 is never approved).
BEFORE_EMBARGO = "2026-11-20T14:00:00+08:00"
AFTER_EMBARGO = "2026-11-20T17:00:00+08:00"


def make_project(target: Path, approve: bool = True) -> Path:
    """A copy of the fixture site repository (with the product's theme overrides) at ``target``."""
    shutil.copytree(FIXTURE, target)
    shutil.copytree(REPO / "overrides", target / "overrides")
    if approve:
        approve_all(target)
    return target


def approve_all(project: Path, approved: dict[str, tuple[int, ...]] | None = None) -> None:
    """Approve the listed revisions' current text, as communications, through the real command."""
    for incident, numbers in (approved or APPROVED).items():
        for number in numbers:
            result = crisiskit(
                project,
                "approve",
                f"kits/{incident}.yml",
                "--revision",
                str(number),
                "--role",
                "communications",
                "--by",
                "Lee Chen",
            )
            assert result.returncode == 0, result.stdout + result.stderr


def rules_off(project: Path) -> None:
    """Switch every message rule off in the project's crisiskit.yml, as a careless team could.

    `build` holds back a revision with an error finding (markup in kit text is one), so a test of the
    renderer's own defence (escaping, sanitising, the CSP) builds with the rules off: what must hold
    then is that hostile text is still shown as text and runs nothing.
    """
    from crisiskit.checks.findings import rule_catalogue

    rules = ", ".join(f"{rule}: off" for rule in sorted(rule_catalogue()))
    (project / "crisiskit.yml").write_text(f"rules: {{{rules}}}\n", encoding="utf-8")


def crisiskit(project: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """The real command line, as a user runs it, in ``project``."""
    return subprocess.run(
        [sys.executable, "-m", "crisiskit", *args], cwd=project, capture_output=True, text=True, timeout=timeout
    )


def build(project: Path, at: str = BEFORE_EMBARGO, audience: str = "public") -> subprocess.CompletedProcess[str]:
    return crisiskit(project, "build", "--at", at, "--audience", audience)


def built(project: Path, at: str = BEFORE_EMBARGO, audience: str = "public") -> Path:
    """Build and insist it succeeded; the project's site/ folder."""
    result = build(project, at, audience)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh approved copy of the fixture site repository (import this fixture into a test module to use it)."""
    return make_project(tmp_path / "project")
