"""`-v` and `-q`: how much of the pipeline's story a command tells, never what it answers or how it exits.

In-process through click's CliRunner, on a copy of the red-team fixture project.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import redteam as security
from click.testing import CliRunner, Result

from crisiskit.cli.main import BUG_REPORT, main
from crisiskit.errors import EXIT_BUG, EXIT_OK, EXIT_PROBLEM, EXIT_USAGE

AT = ["--at", security.BEFORE_EMBARGO]
BROKEN = 'kits/acme-outage.yml:18:11 severity: expected one of minor, moderate, severe; got "huge"'


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The fixture project as the working folder; the logging set up by each command is undone afterwards."""
    root, package = logging.getLogger(), logging.getLogger("crisiskit")
    handlers, levels = list(root.handlers), (root.level, package.level)
    monkeypatch.chdir(security.make_project(tmp_path / "project", approve=False))
    yield Path.cwd()
    root.handlers[:] = handlers
    root.setLevel(levels[0])
    package.setLevel(levels[1])


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _lines(text: str, prefix: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(prefix)]


def _break(project: Path) -> None:
    kit = project / "kits/acme-outage.yml"
    kit.write_text(kit.read_text(encoding="utf-8").replace("severity: minor", "severity: huge"), encoding="utf-8")


def test_verbose_shows_each_stage_at_work(project: Path) -> None:
    result = run("-v", "generate")
    assert result.exit_code == EXIT_OK, result.output
    debug = _lines(result.stderr, "debug ")
    assert "debug crisiskit.model.load: 1 kit file(s) read, 0 unreadable" in debug
    # the one kit is new to the cache (build/cache/), so it is read and rendered: the file is named
    kit = project / "kits" / "acme-outage.yml"
    assert f"debug crisiskit.pipeline: 1 incident(s) loaded, validated and resolved from {kit}" in debug
    remembered = "generate: 1 of 1 kit(s) new or changed, the rest remembered (build/cache/)"
    assert f"debug crisiskit.pipeline: {remembered}" in debug
    assert "debug crisiskit.write: created content/en/incidents/acme-outage/index.md" in debug
    rendered = [line for line in debug if line.startswith("debug crisiskit.pipeline: ") and "rendered" in line]
    created = [line for line in debug if line.startswith("debug crisiskit.write: created ")]
    assert rendered == [f"debug crisiskit.pipeline: {len(created)} page(s) rendered for content/"]
    assert result.stdout == f"content/: {len(created)} created, 0 updated, 0 deleted, 0 unchanged\n"


def test_the_default_tells_what_happened_and_quiet_only_the_results(project: Path) -> None:
    told = run("build", "--audience", "internal", *AT)
    quiet = run("-q", "build", "--audience", "internal", *AT)
    assert (told.exit_code, quiet.exit_code) == (EXIT_OK, EXIT_OK), told.output + quiet.output
    live = ["site/internal/en/: built, verified and live", "site/internal/zh-Hant/: built, verified and live"]
    assert [line for line in told.stderr.splitlines() if line in live] == live
    assert _lines(told.stderr, "debug ") == []
    assert not any(line in live for line in quiet.stderr.splitlines()), quiet.stderr
    assert quiet.stdout == told.stdout and "internal en" in quiet.stdout  # the answer is the same


@pytest.mark.parametrize("flag", ["-v", "-q"])
def test_check_answers_the_same_whatever_the_level(project: Path, flag: str) -> None:
    _break(project)
    plain, flagged = run("check", *AT), run(flag, "check", *AT)
    assert plain.exit_code == flagged.exit_code == EXIT_PROBLEM
    assert plain.stderr.splitlines() == [BROKEN] and BROKEN in flagged.stderr.splitlines()
    assert flagged.stdout == plain.stdout
    if flag == "-q":
        assert flagged.stderr == plain.stderr


@pytest.mark.parametrize("flags", [[], ["-v"], ["-q"]])
def test_exit_statuses_stay_as_documented(project: Path, monkeypatch: pytest.MonkeyPatch, flags: list[str]) -> None:
    usage = run(*flags, "build", "--at", "yesterday")
    assert usage.exit_code == EXIT_USAGE and "expected an ISO 8601 date" in usage.stderr
    _break(project)
    problem = run(*flags, "generate")
    assert problem.exit_code == EXIT_PROBLEM and BROKEN in problem.stderr.splitlines()
    assert "Traceback" not in problem.stderr

    def bug(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("crisiskit.pipeline.generate", bug)
    crashed = run(*flags, "generate")
    assert crashed.exit_code == EXIT_BUG and "Traceback" in crashed.stderr
    assert crashed.stderr.rstrip().endswith(" ".join(BUG_REPORT.split()))  # -q never hides a bug report


def test_verbose_and_quiet_together_are_wrong_usage(project: Path) -> None:
    result = run("-v", "-q", "check")
    assert result.exit_code == EXIT_USAGE
    assert "-v (more output) and -q (less output) contradict each other: choose one" in result.stderr
