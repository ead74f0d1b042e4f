"""The composed incident: every revision in every language, its approval state, and where the site lives.

What render, check, review and publish all read: composed once per command,
so a kit's texts are filled in, hashed and judged approved in one place. A
revision every required role approved keeps the text it was approved with,
read from the record in kit.json (compose/record.py), whatever shared data
changed since: pages, feeds, posts and the review tree all show that text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from crisiskit.compose.approval_state import approval_state, required_roles
from crisiskit.compose.formatting import format_fact, locale_of
from crisiskit.compose.record import (
    Record,
    RecordEntries,
    Snapshot,
    own_changes,
    posted_changes,
    recorded_texts,
    text_changes,
)
from crisiskit.compose.revision import RevisionText, as_dict, compose_revision, plain_hash, revision_plain
from crisiskit.compose.visibility import is_public
from crisiskit.errors import Problem
from crisiskit.model.config import Config
from crisiskit.model.incident import Incident, Revision


@dataclass(frozen=True)
class SiteOptions:
    """Where the published site lives, for canonical links in posts."""

    url: str

    def for_audience(self, audience: str) -> SiteOptions:
        """Where ``audience``'s site lives: the public one at the address, the internal one under internal/."""
        return self if audience == "public" else SiteOptions(f"{self.url.rstrip('/')}/internal/")

    def statement_url(self, language: str, incident_id: str) -> str:
        """The canonical statement page every post links to."""
        return f"{self.url.rstrip('/')}/{language}/incidents/{incident_id}/"


@dataclass(frozen=True)
class ComposedIncident:
    """An incident with every revision composed in every language, and its approval state."""

    incident: Incident
    texts: dict[int, dict[str, RevisionText]]
    hashes: dict[int, str]
    approved: dict[int, bool]
    config: Config
    record: dict[str, dict[str, dict]] = field(default_factory=dict)
    """Approved texts by hash ({"languages": language -> RevisionText as a dict, "facts": language -> name ->
    value}), kept in kit.json across edits, so an approval that went stale can say which field changed."""
    frozen: dict[int, Snapshot] = field(default_factory=dict)
    """Revisions composed from the record (compose/record.py), not from today's kit: what they published."""
    drift: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    """For each frozen revision, the shared fields today's kit would change (field -> languages): they apply
    from the next revision on."""
    record_problems: tuple[Problem, ...] = ()
    """Entries of the record whose text does not hash to their hash (hand edits), at their place in kit.json."""
    _snapshots: dict[int, tuple[Revision, dict[str, RevisionText], Snapshot]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """``snapshot``'s results, by revision number, with the revision and texts each was made of (kit.json and
    the approval checks ask for each revision's several times). A copy (dataclasses.replace) starts empty."""

    def snapshot(self, revision: Revision) -> dict[str, dict]:
        """What the revision says now, in the record's shape (a frozen revision: what it published).

        Shared between callers (as a frozen revision's is): read it, never change it.
        """
        if revision.number in self.frozen:
            return self.frozen[revision.number]
        texts = self.texts[revision.number]
        known = self._snapshots.get(revision.number)
        if known is not None and known[0] is revision and known[1] is texts:
            return known[2]
        made = _snapshot(self.incident, revision, texts)
        self._snapshots[revision.number] = (revision, texts, made)
        return made

    def approved_texts(self, revision: Revision) -> dict[str, dict[str, dict]]:
        """The text each recorded approval of ``revision`` covered, where it is known (hash -> snapshot)."""
        known = {**self.record, self.hashes[revision.number]: self.snapshot(revision)}
        return {a.text_hash: known[a.text_hash] for a in revision.approvals if a.text_hash in known}

    def visible(self, at: datetime) -> list[Revision]:
        """Revisions the public may see at ``at`` (visibility.is_public: approved, and past any embargo)."""
        return [r for r in self.incident.revisions if is_public(self.approved[r.number], r.visible_from, at)]


def _snapshot(incident: Incident, revision: Revision, texts: dict[str, RevisionText]) -> Snapshot:
    return {
        "languages": {lang: as_dict(text) for lang, text in texts.items()},
        "facts": {
            lang: {
                name: format_fact(fact, lang, locale_of(incident, lang))
                for name, fact in sorted(revision.facts.items())
                if fact.value is not None
            }
            for lang in incident.languages
        },
    }


def compose_incident(
    incident: Incident,
    site: SiteOptions,
    config: Config | None = None,
    record: Record | RecordEntries | dict[str, dict[str, dict]] | None = None,
) -> ComposedIncident:
    """Compose every revision in every language once; render and check read from this.

    ``record`` is what the review tree's kit.json kept of approved texts (compose/record.py). A revision
    every required role approved, whose approved text the record holds, keeps that text (it is frozen):
    today's shared data applies only to revisions without one. A change to the revision's own text
    (its statement, headline, status, times, channel overrides) unfreezes it: its approvals are stale
    and check says so (CK601, or CK602 once it was published).
    """
    config = config or Config()
    texts: dict[int, dict[str, RevisionText]] = {}
    hashes: dict[int, str] = {}
    approved: dict[int, bool] = {}
    frozen: dict[int, Snapshot] = {}
    drift: dict[int, dict[str, list[str]]] = {}
    required = required_roles(incident, config)
    known: dict[str, list] = {}  # each revision's texts as hashed, by hash: the record's entries equal to them
    for revision in incident.revisions:
        number = revision.number
        texts[number] = {
            lang: compose_revision(incident, revision, lang, site.statement_url(lang, incident.id))
            for lang in incident.languages
        }
        plain = revision_plain(list(texts[number].values()))
        hashes[number] = plain_hash(plain)
        known[hashes[number]] = plain
    if isinstance(record, RecordEntries):  # verified here, where today's texts spare hashing the entries equal to them
        book = record.verified(known)
    else:
        book = record if isinstance(record, Record) else Record(dict(record or {}))
    for revision in incident.revisions:
        number = revision.number
        digest = _approved_hash(revision, required)
        if digest is not None and digest != hashes[number] and digest in book.texts:
            recorded = book.texts[digest]
            published = recorded_texts(recorded)
            now = _snapshot(incident, revision, texts[number])
            changes = text_changes(recorded, now)
            if published is not None and not own_changes(incident, revision, changes):
                texts[number], hashes[number], frozen[number] = published, digest, recorded
                drift[number] = {**changes, **posted_changes(incident, recorded, now)}
        approved[number] = approval_state(incident, revision, hashes[number], config).approved
    return ComposedIncident(incident, texts, hashes, approved, config, book.texts, frozen, drift, book.problems)


def _approved_hash(revision: Revision, required: tuple[str, ...]) -> str | None:
    """The one text hash every required role approved, if there is one."""
    if not required:
        return None
    hashes = {a.text_hash for a in revision.approvals if a.role in required}
    roles = {a.role for a in revision.approvals if a.role in required}
    return next(iter(hashes)) if len(hashes) == 1 and roles == set(required) else None
