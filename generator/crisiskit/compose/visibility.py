"""What the public may see: the one predicate, and the kit texts on each side of it.

``is_public`` is the only definition of "public" in crisiskit: a revision is
public at a moment when every required role approved its exact text and
its embargo (``publish_at``, else ``issued_at``) has passed. The renderer
shows exactly those revisions (``ComposedIncident.visible``), the approval
hash covers every string they put on a public page or feed (``RevisionText``
holds all of them), and the leak scan takes its needles from
``secret_fragments``, which is everything the same predicate keeps out.

A fragment is kit-authored text as rendered (facts filled in), never
template wording: labels such as "Next update:" appear on public pages
legitimately and would make a scan cry wolf.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from crisiskit.compose.fill import text_context
from crisiskit.compose.revision import RevisionText

if TYPE_CHECKING:  # render sits above this module; only its type is needed here
    from crisiskit.compose.composed import ComposedIncident


def is_public(approved: bool, visible_from: datetime, at: datetime) -> bool:
    """The predicate: approved by every required role, and due (``visible_from`` at or before ``at``)."""
    return approved and visible_from <= at


def canary(incident_id: str, kind: str, key: str | int = "") -> str:
    """A marker unique to one internal fragment; the public build fails if it ever finds one."""
    digest = hashlib.sha256(f"{incident_id}:{kind}:{key}".encode()).hexdigest()[:16]
    return f"crisiskit-internal-{digest}"


@dataclass(frozen=True)
class Fragment:
    """One piece of kit text, and where it came from (for a leak report a person can act on)."""

    label: str
    text: str


def canaries(composed: list[ComposedIncident]) -> dict[str, str]:
    """Every canary the review tree can carry -> what it marks."""
    found: dict[str, str] = {}
    for item in composed:
        incident_id = item.incident.id
        found[canary(incident_id, "qa")] = f"{incident_id}: internal Q&A page"
        found[canary(incident_id, "kit-json")] = f"{incident_id}: kit.json"
        for revision in item.incident.revisions:
            found[canary(incident_id, "posts", revision.number)] = f"{incident_id}: channel posts of r{revision.number}"
            found[canary(incident_id, "draft", revision.number)] = f"{incident_id}: draft r{revision.number}"
    return found


# Who the organisation is and how to reach it are not secrets of any revision: a hand-written home page
# or a dark site names them before any statement is out.
_ORGANISATION_FIELDS = ("organization", "signature")


def public_fragments(composed: list[ComposedIncident], at: datetime) -> list[Fragment]:
    """Every kit text the public site may show at ``at``: the page texts of every public revision."""
    found = []
    for item in composed:
        for revision in item.visible(at):
            for language, text in item.texts[revision.number].items():
                label = f"{item.incident.id} r{revision.number} ({language})"
                found += [Fragment(f"{label} {field}", value) for field, value in page_strings(text)]
    return found


def secret_fragments(composed: list[ComposedIncident], at: datetime) -> list[Fragment]:
    """Every kit text that is not public at ``at``, in every language of each kit (built or not)."""
    found: list[Fragment] = []
    for item in composed:
        incident = item.incident
        visible = {r.number for r in item.visible(at)}
        for revision in incident.revisions:
            for language, text in item.texts[revision.number].items():
                label = f"{incident.id} r{revision.number} ({language})"
                if revision.number not in visible:
                    why = (
                        "not approved" if not item.approved[revision.number] else f"embargoed until {text.published_at}"
                    )
                    found += [
                        Fragment(f"{label} {field}, {why}", value)
                        for field, value in page_strings(text)
                        if field not in _ORGANISATION_FIELDS and not field.startswith("contacts.")
                    ]
                    found += [
                        Fragment(f"{label} channels.{channel}", value)
                        for channel, value in _channel_overrides(item, revision, language)
                    ]
        for language in incident.languages:
            found += _internal_texts(item, language)
    return [f for f in found if f.text.strip()]


def page_strings(text: RevisionText) -> Iterator[tuple[str, str]]:
    """(field, value) for every kit-derived string a public page or feed shows for this revision."""
    yield "title", text.title
    yield "organization", text.organization
    yield "signature", text.signature
    yield "headline", text.headline
    if text.acknowledgement:
        yield "acknowledgement", text.acknowledgement
    if text.correction:
        yield "correction", text.correction
    for key, value in text.sections.items():
        yield f"statement.{key}", value
    for index, remedy in enumerate(text.remedies):
        yield f"remedies[{index}].description", remedy.description
        yield f"remedies[{index}].eligible", remedy.eligible
        yield f"remedies[{index}].how_to_claim", remedy.how_to_claim
    for index, entry in enumerate(text.faq):
        yield f"faq[{index}].question", entry.question
        yield f"faq[{index}].answer", entry.answer
    for contact in text.contacts:
        yield f"contacts.{contact.kind}", contact.value


def _channel_overrides(item: ComposedIncident, revision, language: str) -> Iterator[tuple[str, str]]:
    """Post texts an author wrote for a channel (kit text; posts derived from the statement are not new text)."""
    context = text_context(item.incident, revision, language, item.texts[revision.number][language].statement_url)
    for channel, override in revision.channels.items():
        for part in (override.text, override.subject, override.preheader):
            rendered = context.render(part, language)
            if rendered:
                yield channel, rendered


def _internal_texts(item: ComposedIncident, language: str) -> list[Fragment]:
    """Q&A, internal FAQ entries, review replies and key messages: never on the public site."""
    incident = item.incident
    current = incident.current
    context = text_context(incident, current, language, item.texts[current.number][language].statement_url)
    found = []

    def add(label: str, text) -> None:
        rendered = context.render(text, language)
        if rendered:
            found.append(Fragment(f"{incident.id} {label} ({language})", rendered))

    for index, qa in enumerate(incident.internal_qa):
        add(f"internal_qa[{index}].question", qa.question)
        add(f"internal_qa[{index}].answer", qa.answer)
        add(f"internal_qa[{index}].bridge", qa.bridge)
        for number, phrase in enumerate(qa.avoid):
            add(f"internal_qa[{index}].avoid[{number}]", phrase)
    for index, entry in enumerate(incident.faq):
        if entry.audience != "public":
            add(f"faq[{index}].question (internal)", entry.question)
            add(f"faq[{index}].answer (internal)", entry.answer)
    for index, reply in enumerate(incident.review_replies):
        add(f"review_replies[{index}].review", reply.review)
        add(f"review_replies[{index}].public_reply", reply.public_reply)
        add(f"review_replies[{index}].private_followup", reply.private_followup)
    for index, message in enumerate(incident.key_messages):
        add(f"key_messages[{index}]", message)
    return found
