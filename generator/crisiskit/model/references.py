"""The reference language of kit text, and the check that a text uses nothing else.

Kit text is words plus references to values: ``{{ facts.name }}`` (or
``{{ facts['name'] }}``), ``{{ next_update }}`` and ``{{ statement_url }}``,
with spaces allowed inside the braces. Nothing else: no ``{% %}``
statements, loops, arithmetic, filters, calls, attribute access or
comments (``{# #}`` would hide text from the people who review the kit).
A kit arrives from many hands in a pull request, so its text is never a
program: this module reads it with one linear scan, no template engine, and
``textrender`` fills it in from the scan, so no kit can make the generator
compute, loop, allocate or read anything.

Problems are found without rendering, so an undefined fact is reported at
the line of the text that uses it, before any page is made.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from functools import lru_cache

from crisiskit.errors import Problem
from crisiskit.model.schema.types import Text, quote

TEXT_NAMES = {
    "facts": "the incident's facts, as facts.name",
    "next_update": "the time of the next update",
    "statement_url": "the canonical statement page",
}
ALLOWED = "{{ facts.name }}, {{ next_update }} or {{ statement_url }}"
_BLOCK = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|\{[{%#].*", re.DOTALL)
_OPENER = re.compile(r"\{[{%#]")
_REFERENCE = re.compile(
    r"""[ \t\n]*(?:
      facts[ \t\n]*\.[ \t\n]*(?P<attribute>[^\W\d]\w*)
    | facts[ \t\n]*\[[ \t\n]*(?P<quote>['"])(?P<item>[^'"\\\n]*)(?P=quote)[ \t\n]*\]
    | (?P<name>[^\W\d]\w*)
    )[ \t\n]*\Z""",
    re.VERBOSE,
)
_SHOWN = 40


def strip_references(source: str) -> str:
    """``source`` with every ``{{ ... }}`` (and anything braced like one) replaced by a space: the words written."""
    return _BLOCK.sub(" ", source)


@dataclass(frozen=True)
class Reference:
    """One ``{{ facts.name }}`` (or other name) in a text: its line within the text, and where its name stands."""

    name: str
    attribute: str | None
    line: int
    offset: int = field(default=0, compare=False)
    """Index in the text of the name (``facts``, ``next_update``, ...) inside the braces."""
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)
    """The whole ``{{ ... }}`` is text[start:end]."""


@dataclass(frozen=True)
class Unreadable:
    """A part of a text that is not words and not an allowed reference."""

    offset: int
    length: int
    message: str


@dataclass(frozen=True)
class ScannedText:
    """A text as words and references, in order, and what could not be read."""

    parts: tuple[str | Reference, ...]
    problems: tuple[Unreadable, ...]


def scan(source: str) -> ScannedText:
    """Split ``source`` into literal words and references; one pass, no recursion, no evaluation."""
    parts: list[str | Reference] = []
    problems: list[Unreadable] = []
    position = 0
    for opener in _OPENER.finditer(source):
        start = opener.start()
        if start < position:
            continue  # inside a block already read
        parts.append(source[position:start])
        kind = source[start + 1]
        closer = {"{": "}}", "%": "%}", "#": "#}"}[kind]
        end = source.find(closer, start + 2)
        if end < 0:
            problems.append(_unclosed(source, start, closer))
            return ScannedText(tuple(p for p in parts if p != ""), tuple(problems))
        end += 2
        position = end
        block = source[start:end]
        if kind == "%":
            problems.append(
                Unreadable(
                    start, 2, f"got {quote(block, _SHOWN)}, a statement ({{% ... %}}), which kit text may not contain"
                )
            )
            continue
        if kind == "#":
            problems.append(
                Unreadable(
                    start,
                    2,
                    f"got {quote(block, _SHOWN)}, a comment ({{# ... #}}), which would "
                    "hide text from the people who review the kit",
                )
            )
            continue
        match = _REFERENCE.match(source, start + 2, end - 2)
        if match is None:
            problems.append(
                Unreadable(
                    start,
                    2,
                    f"got {quote(block, _SHOWN)}, {_what(block[2:-2])}, which kit text "
                    "may not contain (it refers to values; it never computes)",
                )
            )
            continue
        line = source.count("\n", 0, start) + 1
        if match.group("name"):
            parts.append(Reference(match.group("name"), None, line, match.start("name"), start, end))
        else:
            attribute = match.group("attribute") or match.group("item")
            offset = source.index("facts", start)
            parts.append(Reference("facts", attribute, line, offset, start, end))
    parts.append(source[position:])
    return ScannedText(tuple(p for p in parts if p != ""), tuple(problems))


# a scan is pure and immutable, and the same text is read for every kit extending a scenario and filled in for
# every channel, language and revision (compose/fill.py): remembered per process
remembered_scan = lru_cache(maxsize=8192)(scan)


def _unclosed(source: str, start: int, closer: str) -> Unreadable:
    snippet = source[start:].split("\n")[0]
    return Unreadable(start, 2, f"got {quote(snippet)}, which cannot be read (no {closer} closes it)")


def _what(inner: str) -> str:
    """A plain name for what an author wrote inside {{ }} instead of a reference."""
    stripped = inner.strip()
    if not stripped:
        return "an empty reference"
    if "{{" in inner:
        return "a {{ that is not closed before the next one"
    if inner[:1] in "-+" or inner[-1:] in "-+":
        return "whitespace control ({{- or -}})"
    if "|" in inner:
        return "a filter (|)"
    if "(" in inner:
        return "a call"
    if (
        "__" in inner
        or re.search(r"[\w\]]\s*[.\[]\s*\w[^.\[]*[.\[]", inner)
        or (re.match(r"\s*[^\W\d]\w*\s*[.\[]", inner) and not re.match(r"\s*facts\b", inner))
    ):
        return "attribute access beyond facts.name"
    if re.search(r"[*/%+~-]", inner):
        return "arithmetic"
    if re.search(r"\b(if|else|and|or|not|in|is)\b", inner):
        return "an expression"
    if re.fullmatch(r"\s*(['\"]).*\1\s*|\s*[\d.]+\s*", inner, re.DOTALL):
        return "a literal value"
    if stripped == "facts":
        return "facts without a name (write facts.name)"
    return "an expression"


def find_references(source: str) -> list[Reference]:
    """Every reference ``source`` makes, in order (an unreadable part is skipped: reference_problems reports it)."""
    return [part for part in remembered_scan(source).parts if isinstance(part, Reference)]


def reference_problems(text: Text, fact_names: set[str]) -> list[Problem]:
    """Problems with what ``text`` refers to, in every language it is given in."""
    problems: list[Problem] = []
    variants = [(None, text.raw)] if isinstance(text.raw, str) else list(text.raw.items())
    known = ", ".join(sorted(TEXT_NAMES))
    for language, variant in variants:
        scanned = remembered_scan(variant)
        for unreadable in scanned.problems:
            expected = (
                "a text with valid {{ ... }} references"
                if "cannot be read" in unreadable.message
                else f"only words and the references {ALLOWED}"
            )
            problems.append(
                _at(
                    text,
                    language,
                    variant,
                    unreadable.offset,
                    unreadable.length,
                    variant[unreadable.offset : unreadable.offset + 2],
                    f"expected {expected}; {unreadable.message}",
                )
            )
        for ref in scanned.parts:
            if not isinstance(ref, Reference):
                continue
            if ref.name not in TEXT_NAMES or (ref.name == "facts" and ref.attribute is None):
                got = "facts without a name (write facts.name)" if ref.name == "facts" else quote(ref.name)
                problems.append(
                    _at(
                        text,
                        language,
                        variant,
                        ref.offset,
                        len(ref.name),
                        ref.name,
                        f"expected a reference to one of {known}; got {got}",
                    )
                )
            elif ref.name == "facts" and ref.attribute not in fact_names:
                problems.append(
                    _at(
                        text,
                        language,
                        variant,
                        ref.offset,
                        len("facts"),
                        f"facts.{ref.attribute}",
                        f"expected a defined fact; got {quote('facts.' + str(ref.attribute))}, which the "
                        f"kit does not define (add it under facts:)",
                    )
                )
    return problems


def _at(
    text: Text, language: str | None, source: str, offset: int | None, length: int, token: str, message: str
) -> Problem:
    """A Problem at ``source[offset:]`` in the kit file, found by the text before it on its line.

    Searching for the bare token would stop at the first word that happens to match (the "sorry"
    in "We are sorry. {{ sorry }}"); the surrounding text makes the search land on the reference.
    Falls back to the token, then to the start of the text, when the YAML quoting changed the text.
    """
    fallback = text.origin.problem(message, token, language)
    if offset is None:
        return fallback
    prefix = source[source.rfind("\n", 0, offset) + 1 : offset + length]
    lines = text.origin.lines
    for context in dict.fromkeys((prefix, prefix[-24:])):
        line, column = text.origin.find(context, language)
        if 0 < line <= len(lines) and lines[line - 1][column - 1 :].startswith(context):
            return dataclasses.replace(fallback, line=line, column=column + len(context) - length)
    return fallback
