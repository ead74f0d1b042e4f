"""The red-team suite's fixture project and commands.

A small site repository of its own, approved as `crisiskit approve` would.

Every test gets a fresh copy (``project``), so an attack never touches another
test's tree or the user's sample kits. ``approve_all`` records approvals of the
current composed text, so a test that changes what an approval covers changes
the kit first and approves after (or not at all, to prove the change is held back).

``crisiskit`` runs the real command in a process of its own; ``run`` runs the same
entry point in this process (no second of Python start-up), for every test that
needs no real process (signals, rlimits, processes racing each other). ``build`` and
``built`` take ``process=False`` for the same.
"""

from __future__ import annotations

import atexit
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from sites import Ran

HERE = Path(__file__).parent
REPO = HERE.parent.parent
FIXTURE = HERE / "project"
APPROVED = {"acme-outage": (1, 2)}
# Build times: revision 1 live and revision 2 embargoed; then both live (revision 3 is never approved).
BEFORE_EMBARGO = "2026-11-20T14:00:00+08:00"
AFTER_EMBARGO = "2026-11-20T17:00:00+08:00"


_approved: list[Path] = []


def make_project(target: Path, approve: bool = True) -> Path:
    """A copy of the fixture site repository (with the product's theme overrides) at ``target``.

    Approved (``approve_all``) once per test process into a private template, then copied: the
    approvals a copy holds are the ones `crisiskit approve` recorded for exactly this text.
    """
    if not approve:
        shutil.copytree(FIXTURE, target)
        shutil.copytree(REPO / "overrides", target / "overrides")
        return target
    if not _approved:
        template = Path(tempfile.mkdtemp(prefix="crisiskit-redteam-")) / "project"
        atexit.register(shutil.rmtree, template.parent, True)
        approve_all(make_project(template, approve=False))
        _approved.append(template)
    shutil.copytree(_approved[0], target, ignore=shutil.ignore_patterns(".crisiskit.lock"))
    return target


def approve_all(project: Path, approved: dict[str, tuple[int, ...]] | None = None) -> None:
    """Approve the listed revisions' current text, as communications, through the command's entry point."""
    for incident, numbers in (approved or APPROVED).items():
        for number in numbers:
            result = run(
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


def run(project: Path, *args: str) -> Ran:
    """The command line's own entry point run in this process, in ``project``: exit status, stdout and stderr."""
    from sites import invoke

    return invoke(project, *args)


def build(
    project: Path, at: str = BEFORE_EMBARGO, audience: str = "public", *, process: bool = True
) -> subprocess.CompletedProcess[str] | Ran:
    """`crisiskit build`, in a process of its own or (``process=False``) in this one."""
    args = ("build", "--at", at, "--audience", audience)
    return crisiskit(project, *args) if process else run(project, *args)


def built(project: Path, at: str = BEFORE_EMBARGO, audience: str = "public", *, process: bool = True) -> Path:
    """Build and insist it succeeded; the project's site/ folder."""
    result = build(project, at, audience, process=process)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh approved copy of the fixture site repository (import this fixture into a test module to use it)."""
    return make_project(tmp_path / "project")
