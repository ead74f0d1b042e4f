"""The composed incident: every revision in every language, its approval state, and where the site lives.

What render, check, review and publish all read: composed once per command,
so a kit's texts are filled in, hashed and judged approved in one place.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

from crisiskit.compose.approval_state import approval_state
from crisiskit.compose.formatting import format_fact, locale_of
from crisiskit.compose.revision import RevisionText, compose_revision, revision_hash
from crisiskit.compose.visibility import is_public
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

    def snapshot(self, revision: Revision) -> dict[str, dict]:
        """What the revision says now, in the record's shape."""
        return {
            "languages": {lang: asdict(text) for lang, text in self.texts[revision.number].items()},
            "facts": {
                lang: {
                    name: format_fact(fact, lang, locale_of(self.incident, lang))
                    for name, fact in sorted(revision.facts.items())
                    if fact.value is not None
                }
                for lang in self.incident.languages
            },
        }

    def approved_texts(self, revision: Revision) -> dict[str, dict[str, dict]]:
        """The text each recorded approval of ``revision`` covered, where it is known (hash -> snapshot)."""
        known = {**self.record, self.hashes[revision.number]: self.snapshot(revision)}
        return {a.text_hash: known[a.text_hash] for a in revision.approvals if a.text_hash in known}

    def visible(self, at: datetime) -> list[Revision]:
        """Revisions the public may see at ``at`` (visibility.is_public: approved, and past any embargo)."""
        return [r for r in self.incident.revisions if is_public(self.approved[r.number], r.visible_from, at)]


def compose_incident(
    incident: Incident,
    site: SiteOptions,
    config: Config | None = None,
    record: dict[str, dict[str, dict]] | None = None,
) -> ComposedIncident:
    """Compose every revision in every language once; render and check read from this.

    ``record`` is what the review tree's kit.json kept of approved texts (see ``ComposedIncident.record``).
    """
    config = config or Config()
    texts: dict[int, dict[str, RevisionText]] = {}
    hashes: dict[int, str] = {}
    approved: dict[int, bool] = {}
    for revision in incident.revisions:
        texts[revision.number] = {
            lang: compose_revision(incident, revision, lang, site.statement_url(lang, incident.id))
            for lang in incident.languages
        }
        hashes[revision.number] = revision_hash(list(texts[revision.number].values()))
        approved[revision.number] = approval_state(incident, revision, hashes[revision.number], config).approved
    return ComposedIncident(incident, texts, hashes, approved, config, record or {})
