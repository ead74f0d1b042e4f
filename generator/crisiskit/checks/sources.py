"""Which kit texts a check reads, and whether the public sees them.

Checks read the kit's own words (before rendering) so a finding points at
the line an author wrote; posts derived from a statement are checked
through the statement sections they come from.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from crisiskit.model.channels import channel as registered
from crisiskit.model.incident import Incident, Revision
from crisiskit.model.memo import ByIdentity
from crisiskit.model.origin import Origin
from crisiskit.model.schema.types import Text


@dataclass(frozen=True)
class KitText:
    """One text of an incident, with what it is and who reads it."""

    text: Text
    what: str
    public: bool
    revision: Revision | None = None
    channel: str | None = None


_listed: ByIdentity[tuple[KitText, ...]] = ByIdentity(4)
"""Incidents whose texts are remembered: the rules judge one incident at a time (checks/engine.py)."""


def kit_texts(incident: Incident) -> tuple[KitText, ...]:
    """Every text an incident says to anyone, public or internal, with its audience: listed once per incident
    and remembered for the incidents listed last (by identity, each held while remembered, so its id is not
    reused), since several rules read them all (a resolved incident does not change)."""
    found = _listed.find((incident,))
    return found if found is not None else _listed.keep((incident,), tuple(_kit_texts(incident)))


def _kit_texts(incident: Incident) -> Iterator[KitText]:
    yield KitText(incident.title, "title", True)
    yield KitText(incident.organization.boilerplate, "boilerplate", True)
    for message in incident.key_messages:
        yield KitText(message, "key message", True)
    for remedy in incident.remedies:
        for text in (remedy.description, remedy.eligible, remedy.how_to_claim):
            yield KitText(text, "remedy", True)
    for entry in incident.faq:
        for text in (entry.question, entry.answer):
            yield KitText(text, "FAQ", entry.audience == "public")
    for qa in incident.internal_qa:
        for text in (qa.question, qa.answer, qa.bridge):
            yield KitText(text, "Q&A", False)
    for reply in incident.review_replies:
        yield KitText(reply.public_reply, "review reply", True, channel="review_replies")
        yield KitText(reply.private_followup, "review follow-up", True, channel="review_replies")
    for revision in incident.revisions:
        for name in type(revision.statement).model_fields:
            text = getattr(revision.statement, name)
            if text is not None:
                yield KitText(text, f"statement {name}", True, revision)
        if revision.correction is not None:
            yield KitText(revision.correction, "correction", True, revision)
        for name, override in revision.channels.items():
            for part in (override.text, override.subject, override.preheader):
                if part is not None:  # who reads a post is its channel's audience in data/channels.yml
                    yield KitText(part, f"{name} post", registered(name).audience == "public", revision, name)


def post_origin(revision: Revision, channel: str) -> Origin:
    """Where a post's words were written: its channel override, or else the revision it is derived from."""
    override = revision.channels.get(channel)
    return override.text.origin if override and override.text else revision.origin
