"""`crisiskit check` as a user runs it: exit 0 clean, 1 problems in the kits, 2 wrong usage; never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import TESTDATA
from crisiskit import __version__
from sites import invoke, run_crisiskit

BASE = TESTDATA / "test_validate" / "base.yml"


def _kits(tmp_path: Path) -> Path:
    (tmp_path / "kits").mkdir()
    shutil.copy(BASE, tmp_path / "kits" / "outage.yml")
    return tmp_path


def test_version_prints_the_version(tmp_path: Path) -> None:
    result = run_crisiskit(tmp_path, "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"crisiskit, version {__version__}"


def test_a_valid_minimal_kit_exits_0(tmp_path: Path) -> None:
    result = run_crisiskit(_kits(tmp_path), "check", "kits")
    assert result.returncode == 0, result.stderr
    # the kit is valid; its holding statement lacks CERC elements, which is a warning, not a failure
    assert result.stdout.strip() == "1 incident(s) checked: 0 error(s), 1 warning(s)"
    assert result.stderr.startswith("kits/outage.yml:17:15 updates[0]: warning CK302: ")
    assert invoke(tmp_path, "check", "kits", "--strict").returncode == 1


def test_a_single_kit_file_can_be_named(tmp_path: Path) -> None:
    result = invoke(_kits(tmp_path), "check", "kits/outage.yml")
    assert result.returncode == 0
    assert result.stdout.strip() == "1 incident(s) checked: 0 error(s), 1 warning(s)"


def test_an_unknown_option_exits_2(tmp_path: Path) -> None:
    result = invoke(_kits(tmp_path), "check", "--bogus", "kits")
    assert result.returncode == 2
    assert "No such option" in result.stderr and "--bogus" in result.stderr and "Traceback" not in result.stderr


def test_a_nonexistent_path_exits_2(tmp_path: Path) -> None:
    result = invoke(_kits(tmp_path), "check", "kits/nope.yml")
    assert result.returncode == 2
    assert "kits/nope.yml" in result.stderr and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unknown_command_exits_2(tmp_path: Path) -> None:
    result = invoke(tmp_path, "chek")
    assert result.returncode == 2 and "No such command 'chek'" in result.stderr


def test_no_kits_folder_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    result = invoke(tmp_path, "check")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("kits:1:1 expected a kit file or a folder of kits; got no such file or folder")


def test_a_bad_kit_exits_1_with_its_problem_on_stderr_only(tmp_path: Path) -> None:
    kit = _kits(tmp_path) / "kits" / "outage.yml"
    kit.write_text(kit.read_text(encoding="utf-8").replace("severity: minor", "severity: huge"), encoding="utf-8")
    result = invoke(tmp_path, "check", "kits")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == 'kits/outage.yml:10:11 severity: expected one of minor, moderate, severe; got "huge"\n'


def _with_mistake(tmp_path: Path) -> Path:
    project = _kits(tmp_path)
    kit = project / "kits" / "outage.yml"
    kit.write_text(
        kit.read_text(encoding="utf-8").replace("We are sorry.", "Sorry for any inconvenience."), encoding="utf-8"
    )
    return project


def test_an_error_finding_exits_1_in_every_format(tmp_path: Path) -> None:
    import json

    project = _with_mistake(tmp_path)
    text = invoke(project, "check", "kits")
    assert text.returncode == 1 and "Traceback" not in text.stderr
    assert "kits/outage.yml:23:" in text.stderr and "error CK402 [en]" in text.stderr
    assert text.stdout.strip() == "1 incident(s) checked: 1 error(s), 1 warning(s)"
    as_json = invoke(project, "check", "--format", "json", "kits")
    assert as_json.returncode == 1
    assert sorted(f["rule"] for f in json.loads(as_json.stdout)) == ["CK302", "CK402"]
    github = invoke(project, "check", "--format", "github", "kits")
    assert github.returncode == 1
    annotations = [line for line in github.stdout.splitlines() if line.startswith("::")]
    assert [a.split(" ", 1)[0] for a in annotations] == ["::warning", "::error"]
    assert annotations[1].startswith("::error file=kits/outage.yml,line=23,col=")


def test_a_bad_at_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke(_kits(tmp_path), "check", "--at", "2026-11-20 09:00", "kits")
    assert result.returncode == 2 and "timezone" in result.stderr
