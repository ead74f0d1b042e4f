"""A fork server for hostile commands: `python -m crisiskit` without paying Python's start and imports per case.

hostile_support starts this script once per test process, with the environment
the commands get (PYTHONUTF8=1, COLUMNS=400) and with standard output and error
that are not terminals, as the real command's pipes are. It imports the modules
`crisiskit check` imports and fills the caches no input changes (``_warm``);
no command runs, no thread starts. Then for each request (one JSON line on
standard input) it forks a child that is what a fresh `python -m crisiskit
ARGS` would be by then, and the child:

- caps its address space at the request's limit (RLIMIT_AS, as preexec_fn did),
- moves into the project, takes the request's environment, and puts the
  project first on sys.path (`python -m` puts the working folder there),
- points standard input at /dev/null and standard output and error at the
  request's files,
- runs crisiskit's ``__main__`` the way `python -m` does (runpy), ending as the
  interpreter ends: SystemExit's code (None 0, text printed and 1), an uncaught
  exception printed by sys.excepthook and 1, atexit handlers, flushed streams
  (120 when that fails), then ``os._exit``.

The server answers ``{"pid": ...}`` as soon as the child runs (so the test can
kill it on its timeout) and ``{"status": ...}`` when it ends: its exit code, or
minus the signal that killed it, as subprocess reports it.

Started with ``--together`` it runs one set of commands at the same time instead
(``run_together`` in hostile_support, for commands racing each other): it reads
one JSON line, a list of requests, forks a child for each, and lets them all go
at once (each child waits until the server closes a pipe after the last fork), so
they race harder than processes started one after another would; it answers one
line, the list of their statuses, and ends.
"""

from __future__ import annotations

import atexit
import importlib
import json
import os
import resource
import runpy
import sys
import threading
from typing import Any

# Everything `crisiskit check kits` imports (python -X importtime), so a check imports nothing new.
PRELOAD = [
    "crisiskit.cli.main",
    "crisiskit.cli.logs",
    "crisiskit.checks.findings",
    "crisiskit.checks.engine",
    "crisiskit.pipeline",
]


def _warm() -> None:
    """Fill the product's caches that no input changes (data files, X's URL patterns), as any check fills them.

    They are half of what a check of a valid kit costs once imports are done (0.5 s); the values are the
    ones every command computes, and they hold under 8 MB of the child's 1 GB.
    """
    from crisiskit.checks import findings, wording
    from crisiskit.compose import labels
    from crisiskit.counting import xcount
    from crisiskit.model import channels, tables

    for table in (tables.severity_table, tables.approval_table, tables.rule_table, channels.registry):
        table()
    findings.rule_catalogue()
    for language in ("en", "zh-Hant"):
        wording.wording_rules(language)
        labels.labels(language)
    xcount.find_urls("https://status.example.com/")


# Frames `python -m` has below the module's code: runpy._run_module_as_main and _run_code.
REAL_FRAMES_BELOW_MAIN = 2


def _depth() -> int:
    frame, depth = sys._getframe(1), 0
    while frame is not None:
        depth, frame = depth + 1, frame.f_back  # type: ignore[assignment]
    return depth


def _exit_code(code: Any) -> int:
    """The status the interpreter exits with for ``SystemExit(code)``."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _run(module: str) -> int:
    """Run ``module`` as `python -m` does, and end as the interpreter ends; the exit status."""
    # Below the module's code `python -m` has two frames; here there are this server's, run_module's and
    # _run_module_code's and _run_code's: raise the limit by the difference, so a RecursionError happens
    # at the depth it would in the real command.
    sys.setrecursionlimit(sys.getrecursionlimit() + _depth() + 3 - REAL_FRAMES_BELOW_MAIN)
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as exit:
        code = _exit_code(exit.code)
    except BaseException:
        sys.excepthook(*sys.exc_info())
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            code = 120
    return code


def _child(request: dict[str, Any], control: tuple[int, int]) -> None:
    """In the forked child: become the command's process, run it, and exit with its status."""
    code = 71
    try:
        for fd in control:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_AS, (request["memory"], request["memory"]))
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.path[0] = request["cwd"]
        sys.argv = ["-m", *request["args"]]
        for fd, path, flags in (
            (0, os.devnull, os.O_RDONLY),
            (1, request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
            (2, request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
        ):
            opened = os.open(path, flags, 0o600)
            os.dup2(opened, fd)
            os.close(opened)
        code = _run(request.get("module", "crisiskit"))
    finally:
        os._exit(code)


def serve() -> None:
    requests = os.fdopen(os.dup(0), "r", encoding="utf-8")
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.close(null)
    _ready()
    replies.write(json.dumps({"ready": os.getpid()}) + "\n")
    replies.flush()
    for line in requests:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(request, (requests.fileno(), replies.fileno()))
        replies.write(json.dumps({"pid": pid}) + "\n")
        replies.flush()
        _, status = os.waitpid(pid, 0)
        replies.write(json.dumps({"status": os.waitstatus_to_exitcode(status)}) + "\n")
        replies.flush()


def _ready() -> None:
    """Import and warm what the commands need, then refuse to go on if that started a thread (forking it is unsafe)."""
    for name in PRELOAD:
        importlib.import_module(name)
    _warm()
    assert threading.active_count() == 1, "a preloaded module started a thread: forking it would be unsafe"
    sys.stdout.flush()
    sys.stderr.flush()


def serve_together() -> None:
    """Run one list of requests (standard input, one JSON line) at the same time; print their statuses."""
    requests = json.loads(sys.stdin.readline())
    _ready()
    gate, opened = os.pipe()
    children = []
    for request in requests:
        pid = os.fork()
        if pid == 0:
            os.close(opened)
            os.read(gate, 1)  # nothing comes: it returns when the server closes the pipe, for every child at once
            os.close(gate)
            _child(request, ())
        children.append(pid)
    os.close(gate)
    os.close(opened)
    statuses = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children]
    print(json.dumps(statuses), flush=True)


if __name__ == "__main__":
    serve_together() if sys.argv[1:] == ["--together"] else serve()
