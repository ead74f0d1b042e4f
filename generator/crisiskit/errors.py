"""Errors a user can act on, kept apart from bugs.

A ``UserError`` is something wrong with the input or the working tree: the
CLI prints it without a traceback and exits 1. A ``SystemProblem`` is the
operating system refusing (a full disk, a read-only folder, a name too long,
a busy port): one line naming the path and what to do, also exit 1. Anything
else is a bug and keeps its traceback, with an exit status of its own so a
script can tell "fix your input" from "report this". Exceptions carry data;
the CLI decides how to print.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The exit statuses, documented in the README ("Exit status").
EXIT_OK = 0
EXIT_PROBLEM = 1  # a problem in the input or the environment, printed without a traceback
EXIT_USAGE = 2  # wrong usage (click's own convention)
EXIT_BUG = 70  # a bug in crisiskit: traceback and a request to report it (sysexits.h EX_SOFTWARE)
EXIT_INTERRUPTED = 130  # Ctrl+C (128 + SIGINT, as shells report it)

_interrupted = False


def _on_interrupt(signum: int, frame: object) -> None:
    global _interrupted
    _interrupted = True
    raise KeyboardInterrupt


@contextlib.contextmanager
def catching_interrupts() -> Iterator[None]:
    """Remember every Ctrl+C while a command runs, so that none is lost.

    Python raises KeyboardInterrupt wherever the main thread happens to be. When that is a finaliser (a lock's
    ``__del__``, run by the garbage collector in the middle of a build), the exception is printed as "ignored"
    and the build carries on to publish, as if Ctrl+C had never been pressed. The flag set here survives that:
    ``raise_if_interrupted`` stops the run before anything goes live, and the command line reports the
    interruption even when the exception itself was swallowed; the traceback Python would print for it
    ("Exception ignored in ...") is left out, since the one line "interrupted (Ctrl+C)" says it all. Only the
    default handler is replaced, and only for the command: a process that ignores SIGINT (started in the
    background) keeps ignoring it.
    """
    global _interrupted
    _interrupted = False
    replace = (
        threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGINT) is signal.default_int_handler
    )
    hook = sys.unraisablehook
    if replace:
        signal.signal(signal.SIGINT, _on_interrupt)
        sys.unraisablehook = functools.partial(_unraisable, hook)
    try:
        yield
    finally:
        if replace:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            sys.unraisablehook = hook


def _unraisable(hook: Callable[[Any], object], unraisable: Any) -> None:
    """Ctrl+C swallowed in a finaliser is recorded (``_interrupted``), not printed; anything else as before."""
    if not (_interrupted and isinstance(unraisable.exc_value, KeyboardInterrupt)):
        hook(unraisable)


def interrupted() -> bool:
    """Whether Ctrl+C was pressed since ``catching_interrupts`` began (even if its KeyboardInterrupt was swallowed)."""
    return _interrupted


def raise_if_interrupted() -> None:
    """Stop here if Ctrl+C was pressed and its KeyboardInterrupt lost: called before anything goes live."""
    if _interrupted:
        raise KeyboardInterrupt


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a user's file, located as precisely as we can."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return f"{where} {self.path}: {self.message}" if self.path else f"{where} {self.message}"


class UserError(Exception):
    """Base class of every error caused by input, printed without a traceback."""

    def lines(self) -> list[str]:
        """The lines to show the user."""
        return [str(self)]


class KitError(UserError):
    """Every problem found in the kits of one run, reported at once."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the kits")
        self.problems = sorted(set(problems))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class WriteConflict(UserError):
    """The writer refused to touch files a person wrote or edited."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages

    def lines(self) -> list[str]:
        return list(self.messages)


class BuildError(UserError):
    """The site could not be built or failed a safety check (such as a leak)."""


_ADVICE = {
    errno.ENOSPC: "no space left on device: free some space, then run again",
    errno.EDQUOT: "disk quota exceeded: free some space, then run again",
    errno.EROFS: "the file system is read-only: run crisiskit in a writable checkout of the repository",
    errno.EACCES: "permission denied: give your user write access to it, or run crisiskit in a copy you own",
    errno.EPERM: "operation not permitted: give your user write access to it, or run crisiskit in a copy you own",
    errno.ENAMETOOLONG: "the name is too long for the file system: use a shorter incident id or file name",
    errno.ELOOP: "too many levels of symbolic links: replace the link with the file it points to",
    errno.EMFILE: "too many open files: close other programs or raise the limit (ulimit -n), then run again",
    errno.ENFILE: "too many open files on this system: close other programs, then run again",
    errno.EIO: "input/output error: the disk or network drive may be failing; check it, then run again",
    errno.ENOENT: "no such file or folder: check the path, then run again",
}
_LONGEST_SHOWN = 48


def shown_path(path: str | bytes | os.PathLike[str]) -> str:
    """A path as a person reads it: relative to the working folder when inside it, over-long names shortened."""
    if not isinstance(path, (str, bytes, os.PathLike)):
        return str(path)  # an OSError may carry a file descriptor instead of a name
    value = Path(os.fsdecode(path))
    with contextlib.suppress(ValueError, OSError):  # outside the working folder, or the working folder is gone
        value = value.relative_to(Path.cwd())
    parts = [p if len(p) <= _LONGEST_SHOWN else f"{p[:24]}...({len(p)} characters)" for p in value.parts]
    return str(Path(*parts)) if parts else str(value)


class SystemProblem(UserError):
    """The operating system refused an operation: one line naming the path and what to do.

    ``note`` says what crisiskit did about it (such as "content/ was left as it was"), so a
    person knows nothing is half written.
    """

    def __init__(self, error: OSError, path: str | bytes | os.PathLike[str] | None = None, note: str = ""):
        self.error = error
        self.path = path if path is not None else error.filename
        self.note = note
        super().__init__(self.lines()[0])

    def lines(self) -> list[str]:
        advice = _ADVICE.get(self.error.errno or 0)
        if advice is None:
            reason = self.error.strerror or str(self.error) or type(self.error).__name__
            advice = f"{reason[:1].lower()}{reason[1:]}: check it, then run again"
        where = f"{shown_path(self.path)}: " if self.path not in (None, "") else ""
        return [f"{where}{advice}" + (f" ({self.note})" if self.note else "")]
