"""Where texts came from, and how to find every text in a model.

A kit's texts are stamped with their origin (file, line, column, key path)
when validated; any later stage that finds a problem in a text reports it
there, even when the text came from a scenario file.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from crisiskit.errors import Problem
from crisiskit.model.memo import ByIdentity
from crisiskit.model.schema.facts import Fact
from crisiskit.model.schema.types import Text

_SEARCH_LINES = 400
_BLOCK = re.compile(r"[>|][-+0-9]*")  # a block scalar's indicator: >, >-, |+, |2, ...


@dataclass(frozen=True)
class Origin:
    """The place in a kit file a text was written, and the file's lines to find tokens in it."""

    file: str
    line: int
    column: int
    path: str
    starts: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    lines: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def problem(self, message: str, token: str | None = None, language: str | None = None) -> Problem:
        """A Problem at this text, or at ``token`` within it when the token can be found."""
        return Problem(self.file, *self.locate(token, language), message)

    def locate(self, token: str | None = None, language: str | None = None) -> tuple[int, int, str]:
        """Line, column and key path of ``token`` in this text, else of its ``language`` version, else of the text."""
        path = f"{self.path}.{language}" if language and language in self.starts else self.path
        if token:
            return (*self.find(token, language), path)
        if language in self.starts and 0 < self.starts[language] <= len(self.lines):
            return (*self._value_start(language), path)
        return self.line, self.column, path

    def _value_start(self, language: str) -> tuple[int, int]:
        """Where the ``language`` version's text begins: after ``en:`` (also in a flow mapping), or on the
        line after a block scalar's indicator (``en: >-``)."""
        line = self.starts[language]
        text = self.lines[line - 1]
        since = self.column - 1 if line == self.line else 0
        key = re.compile(
            rf"(?<![^\s{{,])({re.escape(language)}|\"{re.escape(language)}\"|'{re.escape(language)}')"
            r"\s*:(?:\s+|$)"
        ).search(text, since)
        if key is None:
            return line, len(text) - len(text.lstrip()) + 1
        rest = text[key.end() :].split(" #")[0].strip()
        if _BLOCK.fullmatch(rest) and line < len(self.lines):
            following = self.lines[line]  # a block scalar: its text starts on the next line
            return line + 1, len(following) - len(following.lstrip()) + 1
        return line, key.end() + 1

    def find(self, token: str, language: str | None) -> tuple[int, int]:
        """Line and column of the first ``token`` at or after where this text (in ``language``) starts.

        YAML folds a block scalar (``en: >-``) or a long quoted string into one
        line of text, so a phrase a rule found in the text may be broken over two
        lines of the file, with the next line's indentation in between: any run of
        whitespace in ``token`` matches any run of whitespace, line breaks included.
        Whitespace before and after the words is matched as written.
        """
        start = self.starts.get(language or "", self.line)
        words = token.split()
        if not words or start > len(self.lines):
            return self.line, self.column
        end = min(start + _SEARCH_LINES, len(self.lines) + 1)
        window = "\n".join(self.lines[start - 1 : end - 1])
        leading, trailing = token[: len(token) - len(token.lstrip())], token[len(token.rstrip()) :]
        pattern = re.escape(leading) + r"\s+".join(re.escape(word) for word in words) + re.escape(trailing)
        match = re.compile(pattern).search(window)
        if match is None:
            return self.line, self.column
        offset = match.start()
        before = window.rfind("\n", 0, offset)
        return start + window.count("\n", 0, offset), offset - before


def format_path(path: tuple[Any, ...]) -> str:
    """``('updates', 2, 'status')`` as ``updates[2].status``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_LEAVES = frozenset({str, int, float, bool, type(None), datetime, date})
"""Types that hold no Text (exactly these: a subclass is looked into as before)."""
_walked: ByIdentity[tuple[tuple[tuple[Any, ...], Text], ...]] = ByIdentity(64)
"""Walks remembered: more than a batch of kits (pipeline.COMPOSE_BATCH), so the walk resolve makes of each
incident (its languages) serves the rules that judge it after the whole batch is resolved."""


def walked_texts(value: Any) -> tuple[tuple[tuple[Any, ...], Text], ...]:
    """``walk_texts(value)`` as a tuple, remembered for the objects walked last (by identity, each held while it is
    remembered, so its id is not reused): resolve and several rules read every text of the same incident, and
    neither a resolved incident nor a validated kit changes its structure."""
    found = _walked.find((value,))
    return found if found is not None else _walked.keep((value,), tuple(walk_texts(value)))


def walk_texts(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Text]]:
    """Every Text inside ``value`` (models, lists, dicts, facts) with its key path."""
    found: list[tuple[tuple[Any, ...], Text]] = []
    _collect(value, path, found)
    return iter(found)


_LEAF, _TEXT, _FIELDS, _DICT, _LIST, _FACT = range(6)
_plans: dict[type, tuple[int, tuple[str, ...]]] = {}


def _plan(kind: type) -> tuple[int, tuple[str, ...]]:
    """How ``_collect`` looks into a value of type ``kind`` (what it is, and its fields' names): a type's fields do
    not change while crisiskit runs, so this is worked out once per type instead of once per value."""
    plan = _plans.get(kind)
    if plan is None:
        if kind in _LEAVES:
            plan = (_LEAF, ())
        elif issubclass(kind, Text):
            plan = (_TEXT, ())
        elif issubclass(kind, BaseModel):
            plan = (_FIELDS, tuple(kind.model_fields))
        elif dataclasses.is_dataclass(kind) and not issubclass(kind, type) and not issubclass(kind, Fact):
            plan = (_FIELDS, tuple(item.name for item in dataclasses.fields(kind)))
        elif issubclass(kind, dict):
            plan = (_DICT, ())
        elif issubclass(kind, list):
            plan = (_LIST, ())
        elif issubclass(kind, Fact):
            plan = (_FACT, ())
        else:
            plan = (_LEAF, ())
        _plans[kind] = plan
    return plan


def _collect(value: Any, path: tuple[Any, ...], found: list[tuple[tuple[Any, ...], Text]]) -> None:
    """``walk_texts`` into a list, depth first: one call per value, where generators nested as deep as the value
    passed every text up through each level."""
    what, names = _plans.get(type(value)) or _plan(type(value))
    if what == _LEAF:  # most values: nothing inside
        return
    if what == _TEXT:
        found.append((path, value))
    elif what == _FIELDS:
        for name in names:
            _collect(getattr(value, name), path + (name,), found)
    elif what == _DICT:
        for key, item in value.items():
            _collect(item, path + (key,), found)
    elif what == _LIST:
        for index, item in enumerate(value):
            _collect(item, path + (index,), found)
    else:  # a Fact
        if isinstance(value.value, (list, Text)):
            _collect(value.value, path, found)
        if value.description is not None:
            found.append((path + ("describe",), value.description))
