"""Operating-system failures and interruptions are messages with an exit status, and nothing is half written.

Every case is real where the machine allows it: a read-only tmpfs mounted
over content/, a tmpfs filled to the last page, a real EACCES (root with its
permission-override capabilities dropped), a socket really bound, a real
SIGINT. Only the moment of an interrupt is injected, to land it between two
writes deterministically.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redteam as security
from click.testing import CliRunner

from crisiskit.cli.main import BUG_REPORT, main
from crisiskit.errors import EXIT_BUG, EXIT_INTERRUPTED, SystemProblem
from crisiskit.write import read_marker
from sites import Ran

crisiskit = security.crisiskit  # the real command, in a process of its own
run = security.run  # the same entry point in this process: a failing file system is as real to it
KIT = "kits/acme-outage.yml"
SCENARIO = """scenario: outage
describe: {en: A service is down.}
severity: minor
crisis_type: accidental
strategy: inform_and_rebuild
languages: [en]
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return security.make_project(tmp_path / "project", approve=False)


@pytest.fixture
def mount() -> Iterator[Callable[..., None]]:
    """Mount a tmpfs over a folder, keeping its files; every mount is undone after the test."""
    mounted: list[Path] = []

    def mount_over(folder: Path, size: str = "1m", read_only: bool = False) -> None:
        with tempfile.TemporaryDirectory() as scratch:
            saved = Path(scratch) / "saved"
            shutil.copytree(folder, saved, symlinks=True)
            subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], check=True)
            mounted.append(folder)
            shutil.copytree(saved, folder, symlinks=True, dirs_exist_ok=True)
        if read_only:
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)

    yield mount_over
    for folder in reversed(mounted):
        subprocess.run(["umount", str(folder)], check=True)


def _fill(folder: Path) -> None:
    """Write a filler file until the file system under ``folder`` has not one page left."""
    fd = os.open(folder / ".filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as error:
        assert error.errno == errno.ENOSPC
    finally:
        os.close(fd)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".filler"
    }


def _temps(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if ".crisiskit-tmp" in p.name]


def _one_line(result: subprocess.CompletedProcess[str] | Ran) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def _retitle(project: Path) -> None:
    """Change the incident title, so every generated page has a new text to write."""
    kit = project / KIT
    kit.write_text(
        kit.read_text(encoding="utf-8").replace("Acme website outage,", "Acme site outage,"), encoding="utf-8"
    )


def test_read_only_content_is_one_line_naming_the_folder(project: Path, mount) -> None:
    mount(project / "content", read_only=True)
    before = _snapshot(project / "content")
    result = run(project, "generate")
    assert result.returncode == 1
    line = _one_line(result)
    assert line.startswith("content/") and "the file system is read-only" in line, line
    assert _snapshot(project / "content") == before


def test_full_disk_during_generate_leaves_content_as_it_was_then_recovers(project: Path, mount) -> None:
    mount(project / "content")
    assert run(project, "generate").returncode == 0
    _retitle(project)
    before = _snapshot(project / "content")
    _fill(project / "content")
    result = run(project, "generate")
    assert result.returncode == 1
    line = _one_line(result)
    assert line.startswith("content/") and "no space left on device" in line, line
    assert line.endswith("(content/ was left as it was)")
    assert _snapshot(project / "content") == before, "a full disk half-wrote content/"
    assert _temps(project / "content") == []
    (project / "content/.filler").unlink()
    assert run(project, "generate").returncode == 0
    assert any(b"Acme site outage" in text for text in _snapshot(project / "content").values())


def test_new_on_a_full_disk_creates_no_kit(project: Path, mount) -> None:
    (project / "kits/scenarios").mkdir()
    (project / "kits/scenarios/outage.yml").write_text(SCENARIO, encoding="utf-8")
    mount(project / "kits")
    _fill(project / "kits")
    result = run(project, "new", "water-leak", "--scenario", "outage", "--placeholders")
    assert result.returncode == 1
    assert _one_line(result) == (
        "kits/water-leak.yml: no space left on device: free some space, then run again (no kit was created)"
    )
    assert not (project / "kits/water-leak.yml").exists(), "a half-written kit would block the id and fail check"


def test_permission_denied_is_one_line_naming_the_folder(project: Path) -> None:
    """Root ignores permissions; without CAP_DAC_OVERRIDE it meets them like anyone else."""
    (project / "content/en").chmod(0o555)
    try:
        result = subprocess.run(
            ["setpriv", "--bounding-set=-dac_override,-dac_read_search", sys.executable, "-m", "crisiskit", "generate"],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        (project / "content/en").chmod(0o755)
    assert result.returncode == 1
    line = _one_line(result)
    assert line.startswith("content/en/") and "permission denied: give your user write access" in line, line
    assert not (project / "content/incidents").exists(), "nothing is written when one folder refuses"


def test_a_name_too_long_is_named_shortened_with_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(OSError) as caught:
        os.open(tmp_path / ("a" * 300 + ".yml"), os.O_WRONLY | os.O_CREAT)
    assert caught.value.errno == errno.ENAMETOOLONG
    (line,) = SystemProblem(caught.value).lines()
    assert "...(304 characters): the name is too long for the file system: use a shorter incident id" in line
    assert len(line) < 200


def test_new_refuses_an_id_too_long_for_a_file_name(project: Path) -> None:
    (project / "kits/scenarios").mkdir()
    (project / "kits/scenarios/outage.yml").write_text(SCENARIO, encoding="utf-8")
    result = run(project, "new", "a" * 252, "--scenario", "outage")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "expected an id of at most 64 characters" in result.stderr and "252 characters long" in result.stderr
    assert sorted(p.name for p in (project / "kits").iterdir()) == ["acme-outage.yml", "scenarios"]


def test_approve_on_a_240_character_id_is_an_error_at_its_line(project: Path) -> None:
    long_id = "a" * 240
    kit = project / f"kits/{long_id}.yml"
    kit.write_text(
        (project / KIT).read_text(encoding="utf-8").replace("id: acme-outage", f"id: {long_id}"), encoding="utf-8"
    )
    before = kit.read_bytes()
    result = run(
        project, "approve", f"kits/{long_id}.yml", "--revision", "1", "--role", "communications", "--by", "Lee Chen"
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"kits/{long_id}.yml:" in result.stderr and "at most 64 characters" in result.stderr
    assert kit.read_bytes() == before and _temps(project / "kits") == []


def test_a_busy_port_is_reported_before_any_build(project: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = crisiskit(project, "serve", "--port", str(port), timeout=120)
    assert result.returncode == 1
    assert _one_line(result) == (
        f"port {port} on 127.0.0.1 is already in use: stop the program using it, or choose "
        "another port with --port (--port 0 picks a free one)"
    )
    assert not (project / "site").exists() and not (project / "content/incidents").exists(), "it built first"


def test_ctrl_c_during_build_exits_130_and_leaves_nothing_half_written(project: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "crisiskit", "build", "--at", security.BEFORE_EMBARGO],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # as in a terminal: a suite started in the background (`cmd &` in a script) inherits SIGINT ignored,
        # and Python then keeps ignoring it, so Ctrl+C would never reach the build
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    generated = project / "content/incidents/acme-outage/kit.json"
    deadline = time.monotonic() + 120
    while not generated.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == EXIT_INTERRUPTED, stderr
    assert stderr.strip().splitlines()[-1] == "interrupted (Ctrl+C)" and "Traceback" not in stderr
    assert _temps(project) == []
    markers = [read_marker(p) for p in (project / "content").rglob("*") if p.suffix in (".md", ".json")]
    # the signal may land between two renames: every file is wholly old or wholly new (here: absent or intact)
    assert all(m is None or m.intact for m in markers) and sum(m is not None for m in markers) >= 1
    assert run(project, "generate").returncode == 0, "an interrupted run leaves nothing in the next one's way"


# Ctrl+C landing while the garbage collector runs a finaliser (as it once did in filelock's ``__del__``): Python
# prints the KeyboardInterrupt as "ignored" and carries on. The moment is injected: a finaliser that is
# interrupted runs as the first release is staged, after the kits were generated and before anything goes live.
SWALLOWED_CTRL_C = """
import os, signal, sys, time
import crisiskit.publish.switch as switch
from crisiskit.cli.main import main

signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal, even if the suite runs in the background
stage = switch.Transaction.stage

class Finaliser:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1)  # Python runs the handler here, inside __del__, so its KeyboardInterrupt is swallowed

def staged_after_a_lost_interrupt(self, *args, **kwargs):
    Finaliser()  # dropped at once: its __del__ runs now
    sys.stderr.write("the finaliser returned\\n")
    return stage(self, *args, **kwargs)

switch.Transaction.stage = staged_after_a_lost_interrupt
main(sys.argv[1:])
"""


def test_ctrl_c_swallowed_in_a_finaliser_still_stops_the_build_before_anything_goes_live(project: Path) -> None:
    assert run(project, "build", "--at", security.BEFORE_EMBARGO).returncode == 0
    live = {audience: os.readlink(project / "site" / audience) for audience in ("public", "internal")}
    _retitle(project)
    process = subprocess.run(
        [sys.executable, "-c", SWALLOWED_CTRL_C, "build", "--at", security.BEFORE_EMBARGO],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = process.stderr.strip().splitlines()
    assert "the finaliser returned" in lines, "the interrupt must be swallowed, as in the finding"
    assert process.returncode == EXIT_INTERRUPTED, process.stderr
    assert lines[-1] == "interrupted (Ctrl+C)" and "Traceback" not in process.stderr, process.stderr
    assert {audience: os.readlink(project / "site" / audience) for audience in live} == live, "it went live"
    assert not any("built, verified and live" in line for line in lines)


def _interrupt_on(monkeypatch: pytest.MonkeyPatch, module: object, name: str, call: int) -> None:
    """Make the ``call``-th call of ``module.name`` raise KeyboardInterrupt, as Ctrl+C at that instant would."""
    real = getattr(module, name)
    calls = []

    def interrupted(*args, **kwargs):
        calls.append(args)
        if len(calls) == call:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, interrupted)


@pytest.mark.parametrize(("stage", "name"), [("while writing temp files", "fsync"), ("between renames", "replace")])
def test_ctrl_c_inside_generate_leaves_every_file_wholly_old_or_new(project: Path, monkeypatch, stage, name) -> None:
    monkeypatch.chdir(project)
    runner = CliRunner()
    assert runner.invoke(main, ["generate"]).exit_code == 0
    _retitle(project)
    before = _snapshot(project / "content")
    _interrupt_on(monkeypatch, os, name, 4)
    result = runner.invoke(main, ["generate"])
    monkeypatch.undo()
    assert result.exit_code == EXIT_INTERRUPTED and "interrupted (Ctrl+C)" in result.stderr
    after = _snapshot(project / "content")
    assert after.keys() == before.keys() and _temps(project) == []
    changed = [path for path in after if after[path] != before[path]]
    assert all(read_marker(project / "content" / path).intact for path in changed)
    if name == "fsync":
        assert changed == [], "an interrupt before the renames changes nothing"
    else:
        assert len(changed) == 3, "the three renames before the interrupt took effect, the rest did not"


def test_a_bug_prints_its_traceback_and_asks_for_a_report(project: Path, monkeypatch) -> None:
    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug in a pipeline stage")

    monkeypatch.setattr("crisiskit.pipeline.generate", broken)
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["generate"])
    assert result.exit_code == EXIT_BUG and EXIT_BUG not in (0, 1, 2, EXIT_INTERRUPTED)
    assert "Traceback (most recent call last)" in result.stderr
    assert "RuntimeError: a bug in a pipeline stage" in result.stderr
    assert result.stderr.strip().splitlines()[-1] == BUG_REPORT and "issue tracker" in BUG_REPORT


def test_usage_errors_keep_exit_2_through_the_wrapper(project: Path, monkeypatch) -> None:
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["build", "--at", "2026-11-20T14:00:00"])
    assert result.exit_code == 2 and "expected a timezone" in result.stderr


def test_generate_force_keeps_a_copied_page_with_notes_that_no_kit_generates(project: Path) -> None:
    assert run(project, "generate").returncode == 0
    notes = project / "content/en/my-notes.md"
    text = (project / "content/en/incidents/acme-outage/index.md").read_text(encoding="utf-8") + "\nMy notes.\n"
    notes.write_text(text, encoding="utf-8")
    edited = project / "content/en/incidents/acme-outage/faq.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA hand edit.\n", encoding="utf-8")
    refused = run(project, "generate")
    assert refused.returncode == 1 and "content/en/my-notes.md was edited by hand" in refused.stderr
    assert "no kit generates it any more" in refused.stderr
    forced = run(project, "generate", "--force")
    assert forced.returncode == 0, forced.stderr
    assert notes.read_text(encoding="utf-8") == text, "--force deleted a person's file no kit generates"
    assert "content/en/my-notes.md was kept" in forced.stderr
    assert "A hand edit." not in edited.read_text(encoding="utf-8"), "--force still discards edits of generated pages"
