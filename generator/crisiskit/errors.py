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
import os
from dataclasses import dataclass
from pathlib import Path

# The exit statuses, documented in the README ("Exit status").
EXIT_OK = 0
EXIT_PROBLEM = 1  # a problem in the input or the environment, printed without a traceback
EXIT_USAGE = 2  # wrong usage (click's own convention)
EXIT_BUG = 70  # a bug in crisiskit: traceback and a request to report it (sysexits.h EX_SOFTWARE)
EXIT_INTERRUPTED = 130  # Ctrl+C (128 + SIGINT, as shells report it)


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
