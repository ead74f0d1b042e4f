"""The command line's contract: exit 0 success, 1 problems in the input, 2 wrong usage.

Run in process (click's CliRunner) through the same entry point and exit-status
mapping as the installed command; test_version runs the real process, so the
console entry point itself is covered too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crisiskit import __version__
from sites import AFTER_EMBARGO, BEFORE_EMBARGO, copy_project, invoke, run_crisiskit


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("cli") / "project")


def test_version(project: Path) -> None:
    result = run_crisiskit(project, "--version")
    assert result.returncode == 0 and __version__ in result.stdout


def test_samples_check_clean(project: Path) -> None:
    """The fixture site (a copy of the sample kits) is clean at both times: no finding, text or JSON."""
    for at in (BEFORE_EMBARGO, AFTER_EMBARGO):
        result = invoke(project, "check", "--strict", "--at", at, "kits")
        assert (result.returncode, result.stderr) == (0, ""), result.stderr
        assert result.stdout.strip() == "4 incident(s) checked: no findings"
        annotations = invoke(project, "check", "--strict", "--format", "json", "--at", at)
        assert (annotations.returncode, json.loads(annotations.stdout)) == (0, [])


def test_unknown_option_is_usage_error(project: Path) -> None:
    result = invoke(project, "check", "--bogus")
    assert result.returncode == 2 and "No such option" in result.stderr


def test_missing_path_is_usage_error(project: Path) -> None:
    result = invoke(project, "check", "kits/nope.yml")
    assert result.returncode == 2 and "does not exist" in result.stderr


def test_build_rejects_a_time_without_timezone(project: Path) -> None:
    result = invoke(project, "build", "--at", "2026-11-20 09:00")
    assert result.returncode == 2 and "timezone" in result.stderr


def test_measure_prints_json(project: Path) -> None:
    result = invoke(project, "measure", "--channel", "sms", "你好")
    assert result.returncode == 0
    assert json.loads(result.stdout) == {
        "channel": "sms",
        "count": 2,
        "limit": 70,
        "unit": "ucs2_units",
        "fits": True,
        "encoding": "ucs2",
        "parts": 1,
        "max_parts": 3,
    }


def test_measure_reads_standard_input(project: Path) -> None:
    result = invoke(project, "measure", "--channel", "sms", "-", input="你好\n")
    assert result.returncode == 0 and json.loads(result.stdout)["count"] == 2


def test_measure_prints_json_from_the_real_command(project: Path) -> None:
    result = run_crisiskit(project, "measure", "--channel", "sms", "hi")
    assert result.returncode == 0 and json.loads(result.stdout)["count"] == 2


def test_measure_unknown_channel_is_usage_error(project: Path) -> None:
    result = invoke(project, "measure", "--channel", "fax", "hi")
    assert result.returncode == 2 and "x, threads" in result.stderr
