"""The hostile-input corpus: every file under corpus/ (and the cases only a running test can make:
links, pipes, 50 MB) through `crisiskit check`, and a representative subset through `generate`
and `build`, each in a child process capped at 1 GB of address space and a timeout.

For every case: no traceback, the documented exit code (1 for a problem in the input, 0 for the
near misses that must keep working), the error names the kit file with a line and a column inside
it, nothing outside the scratch project changes, and the secret a link points at is never printed.
The exact output of `check` is the case's golden file (expected/<case>.txt, first line the exit
code), refreshed with `pytest --update-golden` and read by a person before it is committed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hostile_support import (
    AT,
    EXPECTED,
    RUNTIME,
    SECRET,
    corpus_cases,
    crisiskit,
    make_project,
    make_sentinel,
    place,
    snapshot,
)

CORPUS = corpus_cases()
# The near misses: odd but legitimate input that must keep working.
ACCEPTED = {
    "alias-harmless-signatory",
    "carriage-returns-only",
    "dates-at-the-ends-of-time",
    "emoji-with-joiners",
    "ideographic-variation-selector",
    "joiners-in-persian",
    "international-host-one-script",
    "template-allowed-forms",
    "utf8-bom-and-crlf",
}
CASES = sorted([*CORPUS, *RUNTIME])
GENERATE = [
    "alias-bomb-nine-levels",
    "alias-bomb-merge-keys",
    "nesting-flow-sequences-10000",
    "nesting-block-sequences-3000",
    "template-for-loops",
    "template-string-multiplication",
    "template-mro",
    "template-include",
    "number-1e308",
    "number-nan",
    "integer-of-5000-digits",
    "con",
    "symlink-to-etc-passwd",
    "symlink-to-dev-zero",
    "size-50-mb",
    "bidi-override-in-headline",
    "utf8-bom-and-crlf",
]
BUILD = [
    "alias-bomb-nine-levels",
    "template-mro",
    "number-1e308",
    "symlink-to-dev-zero",
    "size-50-mb",
    "utf8-bom-and-crlf",
]
POSITION = re.compile(r"^(kits/[^:]+\.yml):(\d+):(\d+) ")


def expected_exit(case: str) -> int:
    if case in RUNTIME:
        return RUNTIME[case][1]
    return 0 if case in ACCEPTED else 1


def test_the_corpus_is_large_and_every_file_has_its_golden() -> None:
    assert len(CORPUS) >= 60
    assert len(CASES) >= 75
    goldens = {p.relative_to(EXPECTED).with_suffix("").as_posix() for p in EXPECTED.rglob("*.txt")}
    assert goldens == set(CASES), "run pytest tests/hostile --update-golden and read the new files"


def _assert_names_the_file(result, kit: str, project: Path) -> None:
    """Every message line names a kit file with a line and a column inside that file; one names this case's kit."""
    named = []
    for line in result.stderr.splitlines():
        match = POSITION.match(line)
        assert match, f"a message without file:line:column: {line!r}"
        file, row, column = match.group(1), int(match.group(2)), int(match.group(3))
        path = project / file
        if path.is_file() and path.stat().st_size <= 2_000_000:  # not a device, a pipe, a link outside, 50 MB
            lines = path.read_bytes().decode("utf-8", errors="replace").splitlines() or [""]
            assert 1 <= row <= len(lines) + 1 and 1 <= column <= len(lines[min(row, len(lines)) - 1]) + 1, line
        named.append(file)
    assert kit in named, f"no message names {kit}: {result.stderr[:500]}"


@pytest.mark.parametrize("case", CASES)
def test_check(case: str, tmp_path: Path, golden) -> None:
    project, sentinel = tmp_path / "project", make_sentinel(tmp_path / "sentinel")
    kit = place(case, project / "kits", sentinel)
    before, kits_before = snapshot(sentinel), snapshot(project / "kits")
    result = crisiskit(project, "check", "kits", "--at", AT)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.returncode == expected_exit(case), result.stderr[:3000]
    if result.returncode == 1:
        _assert_names_the_file(result, kit, project)
    assert SECRET not in result.stdout + result.stderr
    written = project / kit
    own_text = written.read_bytes() if written.is_file() and not written.is_symlink() else b""
    if b"root:x:0:0" not in own_text:  # a kit may quote its own first line; never a file it links to
        assert "root:x:0:0" not in result.stdout + result.stderr
    assert snapshot(sentinel) == before and snapshot(project / "kits") == kits_before
    golden.check(EXPECTED / f"{case}.txt", f"exit {result.returncode}\n{result.stderr}")


@pytest.mark.parametrize("case", GENERATE)
def test_generate(case: str, tmp_path: Path) -> None:
    project, sentinel = make_project(tmp_path / "project"), make_sentinel(tmp_path / "sentinel")
    kit = place(case, project / "kits", sentinel)
    before, kits_before, content_before = snapshot(sentinel), snapshot(project / "kits"), snapshot(project / "content")
    result = crisiskit(project, "generate")
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    accepted = case in ACCEPTED or case == "bidi-override-in-headline"  # CK208 is a check rule, not a load error
    assert result.returncode == (0 if accepted else 1), result.stdout + result.stderr[:3000]
    if result.returncode == 1:
        _assert_names_the_file(result, kit, project)
        assert snapshot(project / "content") == content_before, "a refused kit must leave content/ as it was"
    else:
        assert (project / "content" / "en" / "incidents" / case).is_dir()
    assert SECRET not in result.stdout + result.stderr
    assert snapshot(sentinel) == before and snapshot(project / "kits") == kits_before


@pytest.mark.parametrize("case", BUILD)
def test_build(case: str, tmp_path: Path) -> None:
    project, sentinel = make_project(tmp_path / "project"), make_sentinel(tmp_path / "sentinel")
    kit = place(case, project / "kits", sentinel)
    before, kits_before = snapshot(sentinel), snapshot(project / "kits")
    result = crisiskit(project, "build", "--at", AT, "--audience", "public")
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.returncode == expected_exit(case), result.stdout + result.stderr[:3000]
    if result.returncode == 1:
        _assert_names_the_file(result, kit, project)
        assert not (project / "site").exists(), "a refused kit must publish nothing"
    else:
        assert (project / "site" / "public" / "en" / "index.html").is_file()
    assert SECRET not in result.stdout + result.stderr
    assert snapshot(sentinel) == before and snapshot(project / "kits") == kits_before
