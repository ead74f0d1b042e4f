"""Kit texts rendered in Jinja2's sandbox: a kit can read facts and nothing else.

Facts are formatted for the language first (Babel), so a kit writes
``{{ facts.affected_customers }}`` and gets ``12,480`` in English and
``12,480`` in Chinese. Undefined names fail loudly (StrictUndefined); the
resolve stage has already checked references, so a failure here is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from crisiskit.formatting import format_fact, format_time
from crisiskit.incident import Incident, Revision
from crisiskit.schema.types import Text

_ENV = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)


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
        rendered = _ENV.from_string(source).render(
            facts=self.facts, next_update=self.next_update, statement_url=self.statement_url
        )
        return rendered.strip()


def text_context(incident: Incident, revision: Revision, language: str, statement_url: str) -> TextContext:
    """The context for ``revision``'s texts: facts as they stood at that revision."""
    facts = {name: format_fact(fact, language) for name, fact in revision.facts.items() if fact.value is not None}
    next_update = format_time(revision.next_update_at, language) if revision.next_update_at else ""
    return TextContext(facts, next_update, statement_url)
