"""Logging for the command line: configured once per command, from ``-v`` / ``-q``.

Every module that does real work logs through ``logging.getLogger(__name__)``, so its lines are
named ``crisiskit.<stage>.<module>`` and one level setting on the ``crisiskit`` logger governs
them all: INFO by default (what happened, after it happened: a site switched live, a preview
rebuilt), WARNING with ``-q``, DEBUG with ``-v`` (what each stage read, rendered and wrote).
Other libraries (MkDocs, the live-reload server) pass through at WARNING and above only, so
``-v`` shows crisiskit's own story, not every library's.

Results are not log lines: ``check``'s findings and summary, ``build``'s list of sites and the
like are printed by the commands whatever the level, so ``-q`` hides progress, never an answer.
Messages are written as plain text (kit text may hold ``[brackets]`` or ``:emoji:`` that a
markup-aware printer would change) to the current ``sys.stderr``, looked up per line, so a test
runner that swaps the stream sees them.
"""

from __future__ import annotations

import logging
import sys

QUIET, DEFAULT, VERBOSE = logging.WARNING, logging.INFO, logging.DEBUG


class _Stderr(logging.Handler):
    """Each record as one plain line on whatever ``sys.stderr`` is at the time."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
            sys.stderr.flush()
        except Exception:  # a closed stream must not end the command; logging reports it its own way
            self.handleError(record)


class _Plain(logging.Formatter):
    """INFO as the message alone; debug lines name their module; warnings and errors say which they are."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + self.formatException(record.exc_info)
        if record.levelno >= logging.WARNING:
            return f"{record.levelname.lower()}: {message}"
        if record.levelno < logging.INFO:
            return f"debug {record.name}: {message}"
        return message


def configure(level: int) -> None:
    """Send log lines to stderr: crisiskit's own at ``level``, other libraries' at WARNING and above.

    Called once per command; calling it again (several commands in one process, as tests do)
    replaces the handler instead of adding a second one.
    """
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _Stderr)]:
        root.removeHandler(handler)
    handler = _Stderr()
    handler.setFormatter(_Plain())
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger("crisiskit").setLevel(level)
