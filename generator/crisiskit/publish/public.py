"""What the public site shows of each incident at a moment, computed once per incident and kept while it holds.

The public site is rendered again from only the revisions visible at the build time (approved,
due, not held back by an error). Everything the publish stage needs of one incident is in an
``IncidentPublic``: its pages and feeds, its line in the incidents index, its feed entries, its
status API record (render/status_api.py), the newest time it changed, and what the leak scan
needs of it (its secret fields normalised, its public texts normalised, its canaries).
``public_input`` joins them into the site's input; a build from composed incidents and a build
from remembered ones go through the same join, so they give the same site.

``PublicCache`` remembers an ``IncidentPublic`` per kit file, under the same key as `check`'s
entries (the kit's bytes and path, every scenario, crisiskit.yml, the site's address, the
approved texts in kit.json, crisiskit's own code) and for the moments on the same side of
every instant it was compared with (cache.Probe). So `build` composes and judges only the kits
whose inputs changed: at 1,000 incidents, one new revision composes one kit, not a thousand.
Page texts and feed entries live in a second file per kit, read only when a part of the site
that holds the incident is built again, or when its entries are among the site feed's newest.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from crisiskit.cache import Probe, TimedKitCache, _finding, _row
from crisiskit.checks.gate import HeldBack
from crisiskit.compose.composed import ComposedIncident, SiteOptions
from crisiskit.compose.labels import labels, supported_languages
from crisiskit.compose.visibility import canaries, public_fragments, secret_fragments
from crisiskit.errors import BuildError
from crisiskit.publish.archive import Source
from crisiskit.publish.leaks import Needles, SecretForm, _strings, needles_from, public_forms, secret_forms
from crisiskit.render.calendar import calendars
from crisiskit.render.feeds import FeedEntry, feed_entries, site_feeds
from crisiskit.render.pages import IndexRow, index_page, index_rows, render_pages
from crisiskit.render.status import status_block
from crisiskit.render.status_api import api_files, incident_record

log = logging.getLogger(__name__)


@dataclass
class IncidentPublic:
    """One incident as the public site shows it at one moment (its held-back revisions already left out)."""

    incident_id: str
    languages: list[str]
    pages: dict[str, dict[str, Source]]
    """language -> path under the language's docs root -> the page or feed file."""
    rows: dict[str, list[IndexRow]]
    entries: dict[str, list[tuple[datetime, int]]]
    """language -> (date, revision) of each feed entry, newest first: enough to choose the site feed's."""
    newest: dict[str, int]
    """language -> when the incident last changed on the public site (its newest visible revision), epoch seconds."""
    secret: list[SecretForm]
    public: list[str]
    canaries: dict[str, str]
    held: list[HeldBack] = field(default_factory=list)
    load_entries: Callable[[str], list[FeedEntry]] = lambda language: []
    api: dict[str, dict[str, Any]] = field(default_factory=dict)
    """language -> the incident as the status API's incidents.json shows it (render/status_api.py)."""


def incident_public(item: ComposedIncident, site: SiteOptions, at: datetime, held: list[HeldBack]) -> IncidentPublic:
    """``item`` (its held-back revisions already unapproved: gate.without) as the public site shows it at ``at``."""
    from crisiskit.render.feeds import incident_feeds as feeds_of

    public_site = site.for_audience("public")
    incident = item.incident
    visible = item.visible(at)
    pages: dict[str, dict[str, Source]] = {lang: {} for lang in incident.languages}
    for page in render_pages([item], "public", at, index=False):
        lang, *rest = page.path.parts
        pages[lang]["/".join(rest)] = Source.of(page.text.encode("utf-8"))
    entries: dict[str, list[FeedEntry]] = {}
    for lang in incident.languages:
        entries[lang] = feed_entries([item], public_site, lang, at)
        for page in feeds_of(entries[lang], incident.id, incident.source, public_site, lang):
            pages[lang][page.path.as_posix()] = Source.of(page.text.encode("utf-8"))
    memo: dict[str, tuple[str, list[str]]] = {}
    newest = int(max(r.visible_from for r in visible).timestamp()) if visible else 0
    return IncidentPublic(
        incident.id,
        list(incident.languages),
        {lang: found for lang, found in pages.items() if found},
        {lang: index_rows(item, visible, lang) for lang in incident.languages} if visible else {},
        {lang: [(e.date, e.number) for e in found] for lang, found in entries.items()},
        dict.fromkeys(incident.languages, newest) if visible else {},
        secret_forms(secret_fragments([item], at), memo),
        public_forms([f.text for f in public_fragments([item], at)], memo),
        canaries([item]),
        held,
        _entries_of(entries),
        {lang: incident_record(item, visible, lang, public_site) for lang in incident.languages} if visible else {},
    )


def _entries_of(entries: dict[str, list[FeedEntry]]) -> Callable[[str], list[FeedEntry]]:
    return lambda language: entries.get(language, [])


@dataclass
class PublicInput:
    """The public site's generated input: per language its docs files and when each incident last changed; needles."""

    files: dict[str, dict[str, Source]]
    dates: dict[str, dict[str, int]]
    needles: Needles
    homes: dict[str, str] = field(default_factory=dict)
    """language -> the status block of its home page (render/status.py; site.prepare_public puts it in)."""
    standby: bool = False
    """No incident has a public revision yet: the dark site, built in advance and kept out of search engines."""


def public_input(incidents: list[IncidentPublic], site: SiteOptions, languages: list[str]) -> PublicInput:
    """Every language's generated files (incident pages and feeds, the incidents index, site feeds) and the needles."""
    public_site = site.for_audience("public")
    files: dict[str, dict[str, Source]] = {}
    dates: dict[str, dict[str, int]] = {}
    homes: dict[str, str] = {}
    for lang in languages:
        mine = [one for one in incidents if lang in one.pages]
        found: dict[str, Source] = {}
        for one in sorted(mine, key=lambda o: o.incident_id):
            found.update(one.pages[lang])
        rows = [row for one in incidents for row in one.rows.get(lang, [])]
        if rows or any(lang in one.languages for one in incidents):
            page = index_page(rows, lang)
            found[page.path.relative_to(lang).as_posix()] = Source.of(page.text.encode("utf-8"))
        homes[lang] = status_block(rows, lang)
        for page in calendars(rows, lang):  # the site's and each incident's next updates (render/calendar.py)
            found[page.path.as_posix()] = Source.of(page.text.encode("utf-8"))
        for page in api_files([one.api[lang] for one in incidents if lang in one.api], lang, public_site):
            found[page.path.as_posix()] = Source.of(page.text.encode("utf-8"))  # the status API (render/status_api.py)
        newest = sorted(
            ((date, one.incident_id, number) for one in incidents for date, number in one.entries.get(lang, [])),
            key=lambda e: (-e[0].timestamp(), e[1], -e[2]),
        )
        from crisiskit.render.feeds import SITE_FEED_ENTRIES

        chosen = {(incident_id, number) for _, incident_id, number in newest[:SITE_FEED_ENTRIES]}
        entries = [
            entry
            for one in incidents
            if any(incident_id == one.incident_id for incident_id, _ in chosen)
            for entry in one.load_entries(lang)
            if (entry.incident_id, entry.number) in chosen
        ]
        entries.sort(key=lambda e: (-e.date.timestamp(), e.incident_id, -e.number))
        for page in site_feeds(entries, public_site, lang):
            found[page.path.as_posix()] = Source.of(page.text.encode("utf-8"))
        files[lang] = found
        dates[lang] = {one.incident_id: one.newest[lang] for one in mine if lang in one.newest}
    words = [word for language in supported_languages() for word in _strings(labels(language))]
    public = [text for one in incidents for text in one.public] + public_forms(words)
    secret = [form for one in incidents for form in one.secret]
    marks = {marker: label for one in incidents for marker, label in one.canaries.items()}
    standby = not any(one.rows for one in incidents)
    return PublicInput(files, dates, needles_from(secret, public, marks), homes, standby)


class PublicCache(TimedKitCache):
    """The remembered ``IncidentPublic`` of each kit file, for the moments it holds (cache.py, Probe)."""

    kind = "public"

    def lookup(self, kit: bytes, shown: str, at: datetime) -> IncidentPublic | None:
        try:
            data = self._timed(kit, shown, at)
            return None if data is None else self._incident(shown, data)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _incident(self, shown: str, data: dict[str, Any]) -> IncidentPublic:
        side = self._file(shown).with_suffix(".pages.json")
        loaded: dict[str, Any] = {}

        def texts() -> dict[str, Any]:
            if not loaded:
                raw = side.read_bytes()
                if hashlib.sha256(raw).hexdigest() != data["side"]:
                    raise BuildError(f"{side}: expected the pages crisiskit kept; got other bytes: remove build/cache/")
                loaded.update(json.loads(raw))
            return loaded

        def reader(lang: str, path: str) -> Callable[[], bytes]:
            return lambda: str(texts()["pages"][lang][path]).encode("utf-8")

        pages = {
            lang: {path: Source(digest, reader(lang, path)) for path, digest in found.items()}
            for lang, found in data["pages"].items()
        }
        return IncidentPublic(
            data["id"],
            list(data["languages"]),
            pages,
            {lang: [_row(r) for r in rows] for lang, rows in data["rows"].items()},
            {lang: [(datetime.fromisoformat(d), int(n)) for d, n in e] for lang, e in data["entries"].items()},
            {lang: int(v) for lang, v in data["newest"].items()},
            [(str(a), str(b), [str(x) for x in c], d if isinstance(d, str) else None) for a, b, c, d in data["secret"]],
            [str(x) for x in data["public"]],
            {str(k): str(v) for k, v in data["canaries"].items()},
            [
                HeldBack(str(h["incident"]), int(h["revision"]), tuple(_finding(f) for f in h["findings"]))
                for h in data["held"]
            ],
            lambda lang: [_entry(e) for e in texts()["entries"].get(lang, [])],
            {str(lang): dict(record) for lang, record in data["api"].items()},
        )

    def store(self, kit: bytes, shown: str, record: str, probe: Probe, one: IncidentPublic) -> None:
        """Remember ``one`` for the kit file ``shown`` as it held ``kit`` (best effort: not written is a miss)."""
        side_data = {
            "pages": {
                lang: {p: s.read().decode("utf-8") for p, s in found.items()} for lang, found in one.pages.items()
            },
            "entries": {lang: [_entry_data(e) for e in one.load_entries(lang)] for lang in one.languages},
        }
        raw = json.dumps(side_data, ensure_ascii=False).encode("utf-8")
        side = self._file(shown).with_suffix(".pages.json")
        try:
            side.parent.mkdir(parents=True, exist_ok=True)
            temporary = side.with_name(f".{side.name}.tmp")
            temporary.write_bytes(raw)
            temporary.replace(side)
        except OSError as error:
            log.debug("build/cache/: not written (%s)", error)
            return
        self._write(
            shown,
            {
                "format": 1,
                "key": self._kit_key(shown, kit),
                "id": one.incident_id,
                "record": record,
                **self._moment(probe),
                "languages": one.languages,
                "pages": {lang: {p: s.digest for p, s in found.items()} for lang, found in one.pages.items()},
                "rows": one.rows,
                "entries": {lang: [[d.isoformat(), n] for d, n in e] for lang, e in one.entries.items()},
                "newest": one.newest,
                "secret": one.secret,
                "public": one.public,
                "canaries": one.canaries,
                "held": [
                    {"incident": h.incident, "revision": h.revision, "findings": [asdict(f) for f in h.findings]}
                    for h in one.held
                ],
                "api": one.api,
                "side": hashlib.sha256(raw).hexdigest(),
            },
        )


def _entry_data(entry: FeedEntry) -> dict[str, Any]:
    data = asdict(entry)
    data["date"] = entry.date.isoformat()
    return data


def _entry(data: dict[str, Any]) -> FeedEntry:
    values = dict(data)
    values["date"] = datetime.fromisoformat(values["date"])
    for name in ("incident_id", "url", "title", "author", "incident_title", "summary", "html"):
        if not isinstance(values.get(name), str):
            raise TypeError(name)
    values["number"] = int(values["number"])
    return FeedEntry(**values)
