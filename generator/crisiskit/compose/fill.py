"""Kit texts filled in: each reference replaced by its value, and nothing else happens.

No template engine runs kit text. ``references.scan`` splits a text into
words and references; this module puts the words back and a value in place
of each reference, so a kit can read facts and two incident values and can
never compute, loop or reach anything else, whatever it contains.

Facts are formatted for the language first (Babel), so a kit writes
``{{ facts.affected_customers }}`` and gets ``12,480`` in English and
``12,480`` in Chinese. The resolve stage has already refused every text
with an unreadable part or an unknown name, so a failure here is a bug.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crisiskit.compose.formatting import format_fact, format_time
from crisiskit.model.incident import Incident, Revision
from crisiskit.model.references import Reference, scan
from crisiskit.model.schema.types import Text

_LINE_BREAK = re.compile(r"\r\n?")


class UncheckedText(Exception):
    """A text reached rendering with a part the resolve stage should have refused (a bug, not a user error)."""


@dataclass(frozen=True)
class TextContext:
    """What kit texts of one revision in one language may read."""

    facts: dict[str, str]
    next_update: str
    statement_url: str

    def render(self, text: Text | None, language: str) -> str | None:
        """The text in ``language`` with its references filled in, stripped."""
        if text is None:
            return None
        source = text.get(language)
        scanned = scan(source)
        if scanned.problems:
            raise UncheckedText(f"{scanned.problems[0].message} reached rendering unchecked")
        return "".join(self._value(part) if isinstance(part, Reference) else _LINE_BREAK.sub("\n", part)
                       for part in scanned.parts).strip()

    def _value(self, reference: Reference) -> str:
        if reference.name == "facts" and reference.attribute is not None and reference.attribute in self.facts:
            return self.facts[reference.attribute]
        if reference.name == "next_update":
            return self.next_update
        if reference.name == "statement_url":
            return self.statement_url
        raise UncheckedText(f"the reference {reference.name}.{reference.attribute} reached rendering unchecked")


def text_context(incident: Incident, revision: Revision, language: str, statement_url: str) -> TextContext:
    """The context for ``revision``'s texts: facts as they stood at that revision."""
    # a fact is a value inside a sentence: one line, so a line break in it cannot start a heading or a list
    facts = {name: " ".join(format_fact(fact, language).split()) for name, fact in revision.facts.items()
             if fact.value is not None}
    next_update = format_time(revision.next_update_at, language) if revision.next_update_at else ""
    return TextContext(facts, next_update, statement_url)
