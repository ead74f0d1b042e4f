"""Kit texts filled in: each reference replaced by its value, and nothing else happens.

No template engine runs kit text. ``references.scan`` splits a text into
words and references; this module puts the words back and a value in place
of each reference, so a kit can read facts and two incident values and can
never compute, loop or reach anything else, whatever it contains.

Facts are formatted for the language first (Babel, in the organisation's
locale for it), so a kit writes ``{{ facts.affected_customers }}`` and gets
``12,480`` in English and ``12,480`` in Chinese. A value that opens a
sentence in a Latin script is capitalised ("{{ facts.day }}: stores
close" reads "Monday: stores close"), as a writer would have typed it.
The resolve stage has already refused every text with an unreadable part
or an unknown name, so a failure here is a bug.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from crisiskit.compose.formatting import format_fact, format_time, locale_of
from crisiskit.model.incident import Incident, Revision
from crisiskit.model.memo import ByIdentity
from crisiskit.model.references import Reference, remembered_scan
from crisiskit.model.schema.types import Text

_LINE_BREAK = re.compile(r"\r\n?")
# written text after which the next word starts a sentence: nothing, an end mark, a blank line, or a list item's
# or heading's marker at a line's start (a single line break in a block scalar may fall mid-sentence)
_SENTENCE_START = re.compile(
    r"(?:\A\s*|[.!?]['\"’”)]?\s+|\n[ \t]*\n\s*"
    r"|(?:\A|\n)[ \t]*(?:[-*+]|\d+[.)]|#+)[ \t]+)\Z"
)


class UncheckedText(Exception):
    """A text reached rendering with a part the resolve stage should have refused (a bug, not a user error)."""


@dataclass(frozen=True)
class TextContext:
    """What kit texts of one revision in one language may read."""

    facts: dict[str, str]
    next_update: str
    statement_url: str
    locale: str
    """The locale dates and numbers follow (en-US, or the language itself): datelines read it too."""
    words: frozenset[str] = frozenset()
    """Facts whose value is words (text, lists), capitalised at a sentence's start; never an address."""

    def render(self, text: Text | None, language: str) -> str | None:
        """The text in ``language`` with its references filled in, stripped."""
        if text is None:
            return None
        parts = _parts(text.get(language))
        if isinstance(parts, str):  # no reference: the same text in every revision and language context
            return parts
        out: list[str] = []
        for part in parts:
            if isinstance(part, Reference):
                value = self._value(part)
                opens = part.name == "facts" and part.attribute in self.words and _SENTENCE_START.search("".join(out))
                out.append(_capitalised(value) if opens else value)
            else:
                out.append(part)
        return "".join(out).strip()

    def _value(self, reference: Reference) -> str:
        if reference.name == "facts" and reference.attribute is not None and reference.attribute in self.facts:
            return self.facts[reference.attribute]
        if reference.name == "next_update":
            return self.next_update
        if reference.name == "statement_url":
            return self.statement_url
        raise UncheckedText(f"the reference {reference.name}.{reference.attribute} reached rendering unchecked")


@lru_cache(maxsize=8192)
def _parts(source: str) -> tuple[str | Reference, ...] | str:
    """``source``'s words (line breaks as ``\\n``) and references, in order; a text without references as the
    text it renders to. Remembered per text: the same kit text is filled in for every revision and language."""
    scanned = remembered_scan(source)
    if scanned.problems:
        raise UncheckedText(f"{scanned.problems[0].message} reached rendering unchecked")
    parts = tuple(part if isinstance(part, Reference) else _LINE_BREAK.sub("\n", part) for part in scanned.parts)
    words = [part for part in parts if isinstance(part, str)]
    return "".join(words).strip() if len(words) == len(parts) else parts


def text_context(incident: Incident, revision: Revision, language: str, statement_url: str) -> TextContext:
    """The context for ``revision``'s texts: facts as they stood at that revision.

    Remembered per incident, revision, language and address: composing a revision makes its context, and the
    notice rules (CK801, CK802) ask for the same one again for every notice, five times as often in all. The
    incident and revision are frozen, so their context cannot change; an entry holds both objects, so no other
    object can take their identity while it is remembered (tests/test_check_shortcuts.py compares both ways).
    """
    held = _CONTEXTS.find((incident, revision), language, statement_url)
    if held is not None:
        return held
    return _CONTEXTS.keep(
        (incident, revision), _text_context(incident, revision, language, statement_url), language, statement_url
    )


_CONTEXTS: ByIdentity[TextContext] = ByIdentity(512)
"""The contexts remembered (an incident has one per revision and language; a few dozen incidents' worth)."""


def _text_context(incident: Incident, revision: Revision, language: str, statement_url: str) -> TextContext:
    """``text_context``, made afresh."""
    # a fact is a value inside a sentence: one line, so a line break in it cannot start a heading or a list
    locale = locale_of(incident, language)
    facts = {
        name: " ".join(format_fact(fact, language, locale).split())
        for name, fact in revision.facts.items()
        if fact.value is not None
    }
    next_update = format_time(revision.next_update_at, locale) if revision.next_update_at else ""
    words = frozenset(name for name, fact in revision.facts.items() if fact.kind in ("text", "list"))
    return TextContext(facts, next_update, statement_url, locale, words)


def _capitalised(value: str) -> str:
    """``value`` with its first letter upper-case if it is a lower-case Latin letter; other scripts as they are."""
    first = value[:1]
    if first.islower() and unicodedata.name(first, "").startswith("LATIN "):
        return first.upper() + value[1:]
    return value
