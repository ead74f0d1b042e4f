"""`crisiskit new`: an incident from a scenario, with placeholders `check` refuses until filled."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from conftest import TESTDATA
from sites import invoke, run_crisiskit


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "site"
    shutil.copytree(TESTDATA / "test_new", project)
    return project


def test_new_kit_lists_every_needed_fact_as_a_placeholder_check_refuses(tmp_path: Path) -> None:
    project = _project(tmp_path)
    result = run_crisiskit(project, "new", "web-down", "--scenario", "outage")
    assert result.returncode == 0, result.stderr
    kit = project / "kits/web-down.yml"
    text = kit.read_text(encoding="utf-8")
    assert "extends: outage" in text
    placeholders = [
        n for n, line in enumerate(text.splitlines(), 1) if "[[fill in" in line and not line.startswith("#")
    ]
    checked = invoke(project, "check", "kits")
    assert checked.returncode == 1
    assert "Traceback" not in checked.stderr
    reported = {int(m.group(1)) for m in re.finditer(r"kits/web-down\.yml:(\d+):\d+ ", checked.stderr)}
    assert set(placeholders) <= reported, (placeholders, checked.stderr)
    assert "placeholder left by crisiskit new" in checked.stderr


def test_filled_in_kit_passes_check(tmp_path: Path) -> None:
    project = _project(tmp_path)
    assert invoke(project, "new", "web-down", "--scenario", "outage").returncode == 0
    kit = project / "kits/web-down.yml"
    values = {"the incident title in en": "App unavailable", "the incident title in zh-Hant": "應用程式無法使用"}
    text = kit.read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f'"[[fill in: {key}]]"', value)
    text = re.sub(r'"\[\[fill in: a number[^"]*"', "30", text)
    text = re.sub(r'"\[\[fill in: date and time[^"]*"', "2026-11-20T09:00:00+08:00", text)
    kit.write_text(text, encoding="utf-8")
    result = invoke(project, "check", "kits")
    assert result.returncode == 0, result.stderr


def test_new_never_overwrites_an_existing_kit(tmp_path: Path) -> None:
    project = _project(tmp_path)
    kit = project / "kits/web-down.yml"
    kit.write_text("# someone's work\n", encoding="utf-8")
    result = invoke(project, "new", "web-down", "--scenario", "outage")
    assert result.returncode == 1
    assert kit.read_text(encoding="utf-8") == "# someone's work\n"


def test_unknown_scenario_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke(_project(tmp_path), "new", "web-down", "--scenario", "flood")
    assert result.returncode == 2
    assert "outage" in result.stderr
