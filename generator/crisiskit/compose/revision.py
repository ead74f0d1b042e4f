"""One revision in one language, its texts filled in: the unit of rendering and of approval.

Everything a page, a feed or a post says about a revision is composed here,
once, so the statement page, the permalink, the FAQ, the feeds, every
channel post and the approval hash all read the same words. A public page
reads kit text only from a ``RevisionText``: nothing the public sees can
escape the approval (``revision_hash`` covers every field).
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, fields, is_dataclass
from functools import cache
from typing import Any

from crisiskit.compose.fill import TextContext, text_context
from crisiskit.compose.formatting import format_time
from crisiskit.compose.labels import labels
from crisiskit.model.incident import Incident, Revision
from crisiskit.model.schedule import offered
from crisiskit.model.schema.kit import Statement

BODY_SECTIONS = (
    "what_happened",
    "cause",
    "not_yet_known",
    "actions",
    "apology",
    "remedy",
    "commitment",
    "next_update",
    "help",
)


@dataclass(frozen=True)
class RemedyText:
    """A remedy as readers see it."""

    kind: str
    description: str
    eligible: str
    how_to_claim: str


@dataclass(frozen=True)
class Contact:
    """One way to get help, as the statement page lists it: kind (hotline, email, press) and value."""

    kind: str
    value: str


@dataclass(frozen=True)
class FaqText:
    """A public FAQ entry as it stands with this revision."""

    question: str
    answer: str


@dataclass(frozen=True)
class Post:
    """One channel's text for one revision and language."""

    channel: str
    text: str
    subject: str | None = None
    preheader: str | None = None


@dataclass(frozen=True)
class RevisionText:
    """A revision in one language, fully rendered."""

    language: str
    number: int
    status: str
    issued_at: str
    published_at: str
    next_update_at: str | None
    title: str
    severity: str
    organization: str
    signature: str
    headline: str
    acknowledgement: str | None
    sections: dict[str, str]
    correction: str | None
    remedies: list[RemedyText]
    contacts: list[Contact]
    faq: list[FaqText]
    key_messages: list[str]
    statement_url: str
    posts: list[Post]


def compose_revision(incident: Incident, revision: Revision, language: str, statement_url: str) -> RevisionText:
    """Render every text of ``revision`` in ``language``, channel posts included."""
    from crisiskit.compose.posts import compose_posts  # posts read a composed revision

    context = text_context(incident, revision, language, statement_url)
    statement: Statement = revision.statement
    sections = {name: context.render(getattr(statement, name), language) for name in BODY_SECTIONS}
    signatory = incident.signatory
    composed = RevisionText(
        language=language,
        number=revision.number,
        status=revision.status,
        issued_at=format_time(revision.issued_at, context.locale),
        published_at=format_time(revision.visible_from, context.locale),
        next_update_at=format_time(revision.next_update_at, context.locale) if revision.next_update_at else None,
        title=incident.title.get(language),
        severity=incident.severity,
        organization=incident.organization.name.get(language),
        signature=labels(language)["signed"].format(
            name=signatory.name.get(language), title=signatory.title.get(language)
        ),
        headline=context.render(statement.headline, language) or "",
        acknowledgement=context.render(statement.acknowledgement, language),
        sections={k: v for k, v in sections.items() if v},
        correction=context.render(revision.correction, language),
        remedies=[_remedy(r, context, language) for r in offered(incident.remedies, revision)],
        contacts=_contacts(incident, language),
        faq=[
            FaqText(context.render(e.question, language) or "", context.render(e.answer, language) or "")
            for e in offered(incident.faq, revision)
            if e.audience == "public"
        ],
        key_messages=[context.render(m, language) or "" for m in incident.key_messages],
        statement_url=statement_url,
        posts=[],
    )
    return RevisionText(**{**composed.__dict__, "posts": compose_posts(incident, revision, composed, context)})


def _remedy(remedy, context: TextContext, language: str) -> RemedyText:
    return RemedyText(
        remedy.kind,
        context.render(remedy.description, language) or "",
        context.render(remedy.eligible, language) or "",
        context.render(remedy.how_to_claim, language) or "",
    )


def _contacts(incident: Incident, language: str) -> list[Contact]:
    contacts = incident.contacts
    found = [Contact("hotline", contacts.hotline)] if contacts.hotline else []
    if contacts.email:
        found.append(Contact("email", contacts.email))
    if contacts.press:
        found.append(Contact("press", f"{contacts.press.name.get(language)}, {contacts.press.email}"))
    return found


def revision_hash(texts: list[RevisionText]) -> str:
    """sha256 of everything a revision says, in every language and channel: what an approval covers."""
    return plain_hash(revision_plain(texts))


def revision_plain(texts: list[RevisionText]) -> list[Any]:
    """The texts as ``revision_hash`` hashes them: as JSON data, sorted by language."""
    return [_plain(t) for t in sorted(texts, key=lambda t: t.language)]


def plain_hash(plain: list[Any]) -> str:
    """``revision_hash`` of the texts ``revision_plain`` gave as ``plain``."""
    canonical = json.dumps(plain, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _plain(value: Any) -> Any:
    """``dataclasses.asdict`` as JSON sees it, without its deep copy of every text (a third of composing)."""
    kind: type = type(value)
    if kind is str or value is None:  # most values: a text, or none
        return value
    names = _field_names(kind)
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


_ATOMIC = frozenset({str, int, float, bool, type(None)})


def as_dict(value: Any) -> Any:
    """``dataclasses.asdict(value)``: an equal result of the same types, built without deep-copying every text
    (an exact str, int, float, bool or None is its own deep copy, and most values are texts)."""
    kind: type = type(value)
    if kind in _ATOMIC:
        return value
    names = _field_names(kind)
    if names is not None:
        return {name: as_dict(getattr(value, name)) for name in names}
    if kind is list:
        return [as_dict(item) for item in value]
    if kind is dict:
        return {as_dict(key): as_dict(item) for key, item in value.items()}
    # the rest as dataclasses.asdict treats it: a named tuple, a list, tuple or dict of another type, an object
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return kind(*[as_dict(item) for item in value])
    if isinstance(value, (list, tuple)):
        return kind(as_dict(item) for item in value)
    if isinstance(value, dict):
        return kind((as_dict(key), as_dict(item)) for key, item in value.items())
    return copy.deepcopy(value)


@cache
def _field_names(kind: type) -> tuple[str, ...] | None:
    """The fields of a dataclass type, in order; None for any other type."""
    return tuple(f.name for f in fields(kind)) if is_dataclass(kind) else None


def status_label(revision_text: RevisionText) -> str:
    """The status in words, for banners and posts."""
    return labels(revision_text.language)["status"][revision_text.status]
