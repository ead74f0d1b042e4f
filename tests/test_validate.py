"""Bad kits and the exact messages a user sees: file:line:column, key path, expected and got.

Each case under testdata/test_validate/<case>/ is a kits folder made from base.yml with one kind of
mistake (or several); expected.txt is the exact standard error of `crisiskit check`, refreshed with
`pytest --update-golden` and read by a person before it is committed. The command runs in this
process (the same entry point and exit codes as the installed command); tests/test_cli.py runs the
installed command itself.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import TESTDATA
from sites import invoke

CASES = TESTDATA / "test_validate"
NAMES = sorted(p.name for p in CASES.iterdir() if (p / "kits").is_dir())


def test_there_are_at_least_twenty_cases() -> None:
    assert len(NAMES) >= 20


@pytest.mark.parametrize("name", NAMES)
def test_bad_kit_gets_its_exact_message(name: str, tmp_path: Path, golden) -> None:
    case = CASES / name
    shutil.copytree(case / "kits", tmp_path / "kits")
    args = (case / "args.txt").read_text().split() if (case / "args.txt").exists() else ["kits"]
    result = invoke(tmp_path, "check", *args)  # the command's entry point, in this process
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    golden.check(case / "expected.txt", result.stderr)


def test_base_kit_is_valid(tmp_path: Path) -> None:
    (tmp_path / "kits").mkdir()
    shutil.copy(CASES / "base.yml", tmp_path / "kits" / "outage.yml")
    result = invoke(tmp_path, "check", "kits")
    assert result.returncode == 0, result.stderr


def test_every_line_names_file_line_column_and_says_expected_and_got() -> None:
    line_shape = re.compile(r"^kits/[\w/.-]+\.yml:\d+:\d+ (\S+: )?expected .+; got .+$")
    for name in NAMES:
        for line in (CASES / name / "expected.txt").read_text(encoding="utf-8").splitlines():
            assert line_shape.match(line), f"{name}: {line}"


def test_every_position_is_inside_its_file_and_problems_come_sorted() -> None:
    """A line or column past the end of the file or line is an off-by-one in the validator."""
    position = re.compile(r"^(kits/[\w/.-]+\.yml):(\d+):(\d+) ")
    for name in NAMES:
        located = []
        for line in (CASES / name / "expected.txt").read_text(encoding="utf-8").splitlines():
            file, row, column = position.match(line).groups()
            lines = (CASES / name / file).read_bytes().decode("utf-8", errors="replace").splitlines() or [""]
            row, column = int(row), int(column)
            assert 1 <= row <= len(lines) and 1 <= column <= len(lines[row - 1]) + 1, f"{name}: {line}"
            located.append((file, row, column))
        assert located == sorted(located), name
