"""Running crisiskit on hostile kits the way CI does: a real process, capped in memory and time.

Every command runs in a child process with a 1 GB address-space limit
(``resource.RLIMIT_AS``: a runaway allocation becomes a MemoryError, which
the test sees as a traceback) and a timeout. The child is forked from
fork_server.py, started once per test process with the modules `crisiskit
check` imports already imported (Python's start and those imports were most
of each case's time), and is from there on what `python -m crisiskit` is: the
same exit code, stdout and stderr (fork_server.py says how). A sentinel folder
beside the scratch project holds a secret that a symbolic link points at: it
must never change and its contents must never be printed.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

HERE = Path(__file__).parent
CORPUS = HERE / "corpus"
EXPECTED = HERE / "expected"
REPO = HERE.parent.parent
SECURITY_PROJECT = REPO / "tests" / "security" / "project"
AT = "2026-11-20T12:00:00+08:00"
MEMORY = 1 << 30
TIMEOUT = {"check": 60, "generate": 120, "build": 300}
SECRET = "HOSTILE-SENTINEL-SECRET-4f1c9"


def _environment() -> dict[str, str]:
    return {**os.environ, "PYTHONUTF8": "1", "COLUMNS": "400"}


class ForkServer:
    """fork_server.py, started on first use and stopped when the test process ends."""

    def __init__(self) -> None:
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (the server's stderr, for its lifetime; closed in stop)
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "fork_server.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            env=_environment(),
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.requests: IO[bytes] = self.process.stdin
        self.replies = self.process.stdout.fileno()  # read unbuffered: select() must see every answer not yet read
        self.pending = b""
        self._reply(None)  # ready
        atexit.register(self.stop)

    def _reply(self, timeout: float | None) -> dict[str, Any] | None:
        """The server's next answer, or None when ``timeout`` seconds pass first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while b"\n" not in self.pending:
            if (
                deadline is not None
                and not select.select([self.replies], [], [], max(0, deadline - time.monotonic()))[0]
            ):
                return None
            chunk = os.read(self.replies, 65536)
            if not chunk:
                self.log.seek(0)
                raise RuntimeError("the fork server ended: " + self.log.read().decode("utf-8", "replace")[-3000:])
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        answer: dict[str, Any] = json.loads(line)
        return answer

    def run(self, project: Path, args: list[str], timeout: float, scratch: Path) -> tuple[int, bytes, bytes]:
        """Exit status, stdout and stderr of `python -m crisiskit ARGS` in ``project``; killed after ``timeout``."""
        out, err = scratch / "stdout", scratch / "stderr"
        request = {"args": args, "cwd": str(project), "env": _environment(), "memory": MEMORY}
        self.requests.write(json.dumps({**request, "stdout": str(out), "stderr": str(err)}).encode() + b"\n")
        self.requests.flush()
        started = self._reply(None)
        assert started is not None
        ended = self._reply(timeout)
        if ended is None:  # what subprocess.run does on a timeout: kill the child, wait for it, raise
            os.kill(started["pid"], signal.SIGKILL)
            self._reply(None)
            raise subprocess.TimeoutExpired([sys.executable, "-m", "crisiskit", *args], timeout)
        return ended["status"], out.read_bytes(), err.read_bytes()

    def stop(self) -> None:
        self.requests.close()
        self.process.wait(30)
        self.log.close()


_server: ForkServer | None = None


def _text(data: bytes) -> str:
    """Output decoded as subprocess.run(text=True, encoding="utf-8", errors="replace") decodes it."""
    return data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")


def crisiskit(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command line in ``project``, in a process of its own under the memory cap and the command's timeout."""
    global _server
    if _server is None:
        _server = ForkServer()
    with tempfile.TemporaryDirectory() as scratch:
        status, out, err = _server.run(project, list(args), TIMEOUT[args[0]], Path(scratch))
    return subprocess.CompletedProcess([sys.executable, "-m", "crisiskit", *args], status, _text(out), _text(err))


def run_together(
    project: Path, commands: list[list[str]], timeout: float = 600
) -> list[subprocess.CompletedProcess[str]]:
    """Each command (`python -m crisiskit ARGS` in ``project``) in a process of its own, all started at the same
    moment (fork_server.py --together), for commands that race each other; what each returned and printed."""
    with tempfile.TemporaryDirectory() as scratch:
        requests = [
            {
                "args": args,
                "cwd": str(project),
                "env": _environment(),
                "memory": MEMORY,
                "stdout": str(Path(scratch) / f"{index}.out"),
                "stderr": str(Path(scratch) / f"{index}.err"),
            }
            for index, args in enumerate(commands)
        ]
        ran = subprocess.run(
            [sys.executable, str(HERE / "fork_server.py"), "--together"],
            input=json.dumps(requests) + "\n",
            capture_output=True,
            text=True,
            env=_environment(),
            timeout=timeout,
        )
        assert ran.returncode == 0, ran.stderr
        statuses = json.loads(ran.stdout)
        return [
            subprocess.CompletedProcess(
                [sys.executable, "-m", "crisiskit", *args],
                status,
                _text(Path(request["stdout"]).read_bytes()),
                _text(Path(request["stderr"]).read_bytes()),
            )
            for args, status, request in zip(commands, statuses, requests, strict=True)
        ]


def make_sentinel(folder: Path) -> Path:
    """Files beside the scratch project that no command may touch: a secret, a note, a nested file."""
    (folder / "nested").mkdir(parents=True)
    (folder / "secret.yml").write_text(f"password: {SECRET}\n", encoding="utf-8")
    (folder / "notes.md").write_text("Not part of any project.\n", encoding="utf-8")
    (folder / "nested" / "kit.yml").write_text("id: nested\n", encoding="utf-8")
    return folder


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under ``folder`` (links not followed): its hash and mode."""
    found: dict[str, tuple[str, int]] = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        if path.is_symlink():
            found[path.relative_to(folder).as_posix()] = ("-> " + os.readlink(path), info.st_mode)
        elif path.is_file():
            found[path.relative_to(folder).as_posix()] = (hashlib.sha256(path.read_bytes()).hexdigest(), info.st_mode)
        else:
            found[path.relative_to(folder).as_posix()] = ("", info.st_mode)
    return found


def make_project(target: Path) -> Path:
    """A copy of the red-team fixture site (with the product's theme overrides), not approved."""
    shutil.copytree(SECURITY_PROJECT, target)
    shutil.copytree(REPO / "overrides", target / "overrides")
    return target


def base_kit(name: str) -> str:
    """A kit every rule passes, with the id ``name``: the corpus files are made from it."""
    return (HERE / "base.yml").read_text(encoding="utf-8").replace("id: CASE", f"id: {name}")


# Cases a file cannot hold: links, special files, and sizes too big to commit. Each writes kits/<name>.yml
# (and what it needs) into the kits folder; ``sentinel`` is the folder beside the project.
def _link(target: str | Callable[[Path, Path], Path]) -> Callable[[Path, Path, str], None]:
    def make(kits: Path, sentinel: Path, name: str) -> None:
        where = target(kits, sentinel) if callable(target) else Path(target)
        (kits / f"{name}.yml").symlink_to(where)

    return make


def _inside_link(kits: Path, sentinel: Path, name: str) -> None:
    (kits / f"{name}.txt").write_text(base_kit(name), encoding="utf-8")
    (kits / f"{name}.yml").symlink_to(f"{name}.txt")


def _linked_scenarios(kits: Path, sentinel: Path, name: str) -> None:
    (kits / "scenarios").rmdir()
    (kits / "scenarios").symlink_to(sentinel)
    (kits / f"{name}.yml").write_text(base_kit(name), encoding="utf-8")


def _fifo(kits: Path, sentinel: Path, name: str) -> None:
    os.mkfifo(kits / f"{name}.yml")


def _folder(kits: Path, sentinel: Path, name: str) -> None:
    (kits / f"{name}.yml").mkdir()
    (kits / f"{name}.yml" / "inner.yml").write_text("id: inner\n", encoding="utf-8")


def _padded(size: int) -> Callable[[Path, Path, str], None]:
    def make(kits: Path, sentinel: Path, name: str) -> None:
        text = base_kit(name).encode()
        line = b"# padding: a long comment line that a person could paste many times over\n"
        padding = line * ((size - len(text)) // len(line) + 1)
        (kits / f"{name}.yml").write_bytes((text + padding)[:size])

    return make


def _configured_limit(kits: Path, sentinel: Path, name: str) -> None:
    (kits.parent / "crisiskit.yml").write_text("limits: {kit_bytes: 10000}\n", encoding="utf-8")
    _padded(12_000)(kits, sentinel, name)


def _written(make_text: Callable[[str], str]) -> Callable[[Path, Path, str], None]:
    def make(kits: Path, sentinel: Path, name: str) -> None:
        (kits / f"{name}.yml").write_text(make_text(name), encoding="utf-8")

    return make


RUNTIME: dict[str, tuple[Callable[[Path, Path, str], None], int]] = {
    "symlink-to-etc-passwd": (_link("/etc/passwd"), 1),
    "symlink-to-dev-zero": (_link("/dev/zero"), 1),
    "symlink-to-a-secret-beside-the-project": (_link(lambda kits, sentinel: sentinel / "secret.yml"), 1),
    "symlink-to-nothing": (_link(lambda kits, sentinel: kits / "no-such-file.yml"), 1),
    "symlink-inside-kits": (_inside_link, 0),
    "scenarios-folder-linked-outside": (_linked_scenarios, 1),
    "named-pipe": (_fifo, 1),
    "folder-named-like-a-kit": (_folder, 1),
    "size-50-mb": (_padded(50_000_000), 1),
    "size-one-byte-over": (_padded(1_000_001), 1),
    "size-exactly-the-limit": (_padded(1_000_000), 0),
    "size-limit-set-in-crisiskit-yml": (_configured_limit, 1),
    "values-flat-list-60000": (
        _written(lambda name: base_kit(name) + "extra: [" + ",".join(["1"] * 60_000) + "]\n"),
        1,
    ),
    "values-many-keys-30000": (_written(lambda name: base_kit(name) + "".join(f"k{n}: 1\n" for n in range(30_000))), 1),
    "scalar-of-900-kb": (
        _written(
            lambda name: base_kit(name).replace(
                "headline: {en: Statement on the outage,", 'headline: {en: "' + "outage " * 128_000 + '",'
            )
        ),
        1,
    ),
    "comment-line-of-900-kb": (_written(lambda name: "# " + "x" * 900_000 + "\n" + base_kit(name)), 0),
}


# The file a message must name when it is not kits/<case>.yml: the sentinel's secret, reached through the link.
NAMED = {"scenarios-folder-linked-outside": "kits/scenarios/secret.yml"}


def corpus_cases() -> dict[str, Path]:
    """Every committed hostile file, by name (its path under corpus/ without .yml)."""
    return {path.relative_to(CORPUS).with_suffix("").as_posix(): path for path in sorted(CORPUS.rglob("*.yml"))}


def place(case: str, kits: Path, sentinel: Path) -> str:
    """Put ``case`` into ``kits``; the kit file's path relative to the project (as messages name it)."""
    (kits / "scenarios").mkdir(parents=True, exist_ok=True)
    if case in RUNTIME:
        RUNTIME[case][0](kits, sentinel, case)
        if case in NAMED:
            return NAMED[case]
    else:
        shutil.copy(CORPUS / f"{case}.yml", kits / f"{case}.yml")
    return f"kits/{case}.yml"
