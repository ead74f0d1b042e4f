"""Errors a user can act on, kept apart from bugs.

A ``UserError`` is something wrong with the input or the working tree: the
CLI prints it without a traceback and exits 1. Anything else is a bug and
keeps its traceback. Exceptions carry data; the CLI decides how to print.
"""

from __future__ import annotations

from dataclasses import dataclass


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
