"""Atom 1.0 and JSON Feed 1.1, written by the generator: one entry per revision.

Per language, a feed for the whole site (``feed.xml``, ``feed.json``) and one
per incident (``incidents/<id>/feed.xml``, ``incidents/<id>/feed.json``),
paths relative to that language's docs root. Entries are the revisions the
audience may see: for the public (``at`` given) exactly the revisions the
public site shows, approved and past any embargo; for the internal site
(``at=None``) every revision, drafts titled as drafts.

Invariants:

- Only the statement reaches a feed (correction note, acknowledgement, body
  sections); channel posts, Q&A and internal FAQ never do. A correcting
  revision's title and summary open with "Correction: " (localised), the
  summary with its note, so a reader who sees only those still learns it.
- Kit text is text: ``content_html`` is the statement through the Markdown
  subset of ``markup.block`` (everything else escaped), then sanitised with
  an allow-list (``escaping.sanitize_html``). Titles, summaries and author
  names are plain-text fields (Atom text constructs, JSON Feed strings), one
  line each: XML and JSON escaping is all they need, and they keep the text
  exactly as written.
- Every date comes from the kit, never from the clock: an entry is published
  and updated at its revision's ``visible_from`` (``publish_at``, else
  ``issued_at``); a revision never changes once published, so both are the
  same. A feed is updated at its newest entry. A feed with no entries (only the
  site feed can be empty; an incident with nothing visible gets no feed) is
  updated at the Unix epoch: any kit date would either change without a
  visible change or reveal when an embargoed or unapproved revision is due.
- The entry id is the revision's permalink URL, which never changes and is
  unique per incident, revision and language.
- Newest entry first; ties broken by incident id, then revision number, so
  the same kits give the same bytes in any order. The site feed carries the
  SITE_FEED_ENTRIES newest entries; an incident's feed carries all of its own.
"""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import PurePosixPath

import markdown

from crisiskit.compose.composed import ComposedIncident, SiteOptions
from crisiskit.compose.labels import labels
from crisiskit.render.escaping import sanitize_html
from crisiskit.render.jsontext import indented_json
from crisiskit.render.markup import block
from crisiskit.render.rendered import RenderedPage

ATOM = "http://www.w3.org/2005/Atom"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
EMPTY_FEED_UPDATED = datetime(1970, 1, 1, tzinfo=UTC)
SITE_FEED_ENTRIES = 50
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ET.register_namespace("", ATOM)


@dataclass(frozen=True)
class FeedEntry:
    """One revision of one incident in one language, as every feed format shows it."""

    incident_id: str
    number: int
    url: str
    title: str
    date: datetime
    author: str
    incident_title: str
    summary: str
    html: str


def render_feeds(
    composed: list[ComposedIncident], site: SiteOptions, language: str, at: datetime | None
) -> list[RenderedPage]:
    """Site and per-incident Atom and JSON feeds for ``language``; ``at=None`` means every revision (internal)."""
    entries = feed_entries(composed, site, language, at)
    pages = site_feeds(entries, site, language)
    for item in sorted(composed, key=lambda c: c.incident.id):
        mine = [e for e in entries if e.incident_id == item.incident.id]
        pages += incident_feeds(mine, item.incident.id, item.incident.source, site, language)
    return pages


def site_feeds(entries: list[FeedEntry], site: SiteOptions, language: str) -> list[RenderedPage]:
    """The site's feeds: the SITE_FEED_ENTRIES newest entries of ``entries`` (newest first, as feed_entries sorts).

    A reader polls the site feed for what is new; every revision of an incident stays in the incident's own
    feed. Bounded, the site feed stays small however long the archive grows, and it is the same whether
    or not the rest of the archive was rendered again (archive.py).
    """
    t = labels(language)
    home = f"{site.url.rstrip('/')}/{language}/"
    chosen = entries[:SITE_FEED_ENTRIES]
    return _feed_pages(PurePosixPath(), t["incidents"], home, chosen, language, "kits/")


def incident_feeds(
    entries: list[FeedEntry], incident_id: str, source: str, site: SiteOptions, language: str
) -> list[RenderedPage]:
    """One incident's feeds (every entry of it); none when nothing of it is visible."""
    if not entries:
        return []
    url = site.statement_url(language, incident_id)
    return _feed_pages(
        PurePosixPath("incidents", incident_id), entries[0].incident_title, url, entries, language, source
    )


def _feed_pages(
    folder: PurePosixPath, title: str, page_url: str, chosen: list[FeedEntry], language: str, source: str
) -> list[RenderedPage]:
    return [
        RenderedPage(folder / "feed.xml", atom_feed(chosen, title, f"{page_url}feed.xml", page_url, language), source),
        RenderedPage(
            folder / "feed.json", json_feed(chosen, title, f"{page_url}feed.json", page_url, language), source
        ),
    ]


def feed_entries(
    composed: list[ComposedIncident], site: SiteOptions, language: str, at: datetime | None
) -> list[FeedEntry]:
    """Every revision visible at ``at`` (all if None) of every incident in ``language``, newest first."""
    t = labels(language)
    entries = []
    for item in composed:
        incident = item.incident
        if language not in incident.languages:
            continue
        for revision in item.visible(at) if at is not None else incident.revisions:
            text = item.texts[revision.number][language]
            # the internal site is built without directory URLs (Material's offline plugin): revisions/N.html
            page = f"{revision.number}/" if at is not None else f"{revision.number}.html"
            url = f"{site.statement_url(language, incident.id)}revisions/{page}"
            title = _line(f"{t['status'][revision.status]}{t['colon']}{text.headline or text.title}")
            summary = _line((text.acknowledgement or title).split("\n")[0])
            if text.correction:  # a correction says so first, in the title and in the summary readers skim
                title = _line(f"{t['correction']}{t['colon']}{title}")
                summary = _line(f"{t['correction']}{t['colon']}{text.correction}{t['space']}{summary}")
            if not item.approved[revision.number]:  # only the internal feed can hold a draft
                title = f"[{t['draft']}]{t['space']}{title}"
            parts = [f"**{t['correction']}**{t['colon']}{block(text.correction)}"] if text.correction else []
            parts += [block(text.acknowledgement)] if text.acknowledgement else []
            parts += [f"## {t['sections'][key]}\n\n{block(body)}" for key, body in text.sections.items()]
            entries.append(
                FeedEntry(
                    incident_id=incident.id,
                    number=revision.number,
                    url=url,
                    title=title,
                    date=revision.visible_from,
                    author=_line(text.organization),
                    incident_title=_line(text.title),
                    summary=summary,
                    html=_entry_html("\n\n".join(parts)),
                )
            )
    entries.sort(key=lambda e: (-e.date.timestamp(), e.incident_id, -e.number))
    return entries


@lru_cache(maxsize=1024)
def _entry_html(source: str) -> str:
    """An entry's ``content_html``: its Markdown (escaped kit text, markup.block) as HTML, sanitised; remembered
    per text, for the incidents of a batch whose statements say the same (one scenario's wording, unchanged)."""
    return sanitize_html(_markdown(source))


_CONVERTER = threading.local()


def _markdown(source: str) -> str:
    """``source`` as HTML, as ``markdown.markdown(source, output_format="html")`` gives it: one converter per
    thread, reset before each text (building one reads every extension point of Python-Markdown, each time)."""
    converter = getattr(_CONVERTER, "markdown", None) or markdown.Markdown(output_format="html")
    _CONVERTER.markdown = None  # a conversion that raises leaves no half-used converter behind
    html = converter.reset().convert(source)
    _CONVERTER.markdown = converter
    return html


def atom_feed(entries: list[FeedEntry], title: str, feed_url: str, home_url: str, language: str) -> str:
    """An Atom 1.0 document (RFC 4287), UTF-8 with its XML declaration."""
    feed = ET.Element(f"{{{ATOM}}}feed", {_XML_LANG: language})
    _add(feed, "id", feed_url)
    _add(feed, "title", title)
    _add(feed, "link", rel="self", href=feed_url, type="application/atom+xml")
    _add(feed, "link", rel="alternate", href=home_url, type="text/html")
    _add(feed, "updated", _updated(entries).isoformat())
    for entry in entries:
        node = _add(feed, "entry")
        _add(node, "id", entry.url)
        _add(node, "title", entry.title)
        _add(node, "link", rel="alternate", href=entry.url, type="text/html")
        _add(node, "published", entry.date.isoformat())
        _add(node, "updated", entry.date.isoformat())
        _add(_add(node, "author"), "name", entry.author)
        _add(node, "summary", entry.summary)
        _add(node, "content", entry.html, type="html")
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def json_feed(entries: list[FeedEntry], title: str, feed_url: str, home_url: str, language: str) -> str:
    """A JSON Feed 1.1 document."""
    data = {
        "version": JSON_FEED_VERSION,
        "title": title,
        "home_page_url": home_url,
        "feed_url": feed_url,
        "language": language,
        "items": [
            {
                "id": e.url,
                "url": e.url,
                "title": e.title,
                "content_html": e.html,
                "summary": e.summary,
                "date_published": e.date.isoformat(),
                "date_modified": e.date.isoformat(),
                "authors": [{"name": e.author}],
                "language": language,
            }
            for e in entries
        ],
    }
    return indented_json(data) + "\n"


def _line(value: str) -> str:
    """A plain-text field on one line."""
    return " ".join(value.split())


def _updated(entries: list[FeedEntry]) -> datetime:
    return max((e.date for e in entries), key=lambda d: d.timestamp(), default=EMPTY_FEED_UPDATED)


def _add(parent: ET.Element, name: str, text: str | None = None, **attributes: str) -> ET.Element:
    node = ET.SubElement(parent, f"{{{ATOM}}}{name}", attributes)
    node.text = text
    return node
