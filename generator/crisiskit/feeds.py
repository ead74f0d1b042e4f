"""Atom and JSON Feed 1.1, written by the generator: one entry per revision.

Per language, a feed for the whole site and one per incident. Entries are
the revisions visible to the audience (for the public: approved and past
any embargo), newest first, dated from the kit, never from the clock, so
the same kits give the same bytes. Entry content is the revision's text as
HTML, rendered with Python-Markdown.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import PurePosixPath

import markdown

from crisiskit.labels import labels
from crisiskit.pages import RenderedPage
from crisiskit.render import ComposedIncident, SiteOptions

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ET.register_namespace("", ATOM)


def _entries(composed: list[ComposedIncident], site: SiteOptions, language: str, at: datetime | None):
    entries = []
    for item in composed:
        incident = item.incident
        if language not in incident.languages:
            continue
        revisions = item.visible(at) if at is not None else incident.revisions
        t = labels(language)
        for revision in revisions:
            text = item.texts[revision.number][language]
            url = f"{site.statement_url(language, incident.id)}revisions/{revision.number}/"
            body = "\n\n".join([text.acknowledgement or ""] + [f"## {t['sections'][k]}\n\n{v}"
                                                               for k, v in text.sections.items()])
            entries.append({
                "incident": incident.id, "id": url, "url": url,
                "title": f"{text.headline} ({t['status'][revision.status]})",
                "date": revision.visible_from, "author": incident.organization.name.get(language),
                "html": markdown.markdown(body, extensions=["tables"], output_format="html"),
                "summary": text.acknowledgement.split("\n")[0] if text.acknowledgement else text.headline,
            })
    entries.sort(key=lambda e: (e["date"], e["id"]), reverse=True)
    return entries


def _atom(entries: list[dict], title: str, feed_url: str, home_url: str, language: str) -> str:
    feed = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: language})
    ET.SubElement(feed, f"{{{ATOM}}}id").text = feed_url
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": feed_url, "type": "application/atom+xml"})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "href": home_url, "type": "text/html"})
    # An empty feed still needs <updated>: the epoch marks "nothing published yet" deterministically.
    newest = entries[0]["date"].isoformat() if entries else "1970-01-01T00:00:00+00:00"
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = newest
    for entry in entries:
        node = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(node, f"{{{ATOM}}}id").text = entry["id"]
        ET.SubElement(node, f"{{{ATOM}}}title").text = entry["title"]
        ET.SubElement(node, f"{{{ATOM}}}link", {"rel": "alternate", "href": entry["url"], "type": "text/html"})
        ET.SubElement(node, f"{{{ATOM}}}published").text = entry["date"].isoformat()
        ET.SubElement(node, f"{{{ATOM}}}updated").text = entry["date"].isoformat()
        author = ET.SubElement(node, f"{{{ATOM}}}author")
        ET.SubElement(author, f"{{{ATOM}}}name").text = entry["author"]
        ET.SubElement(node, f"{{{ATOM}}}summary").text = entry["summary"]
        ET.SubElement(node, f"{{{ATOM}}}content", {"type": "html"}).text = entry["html"]
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _json_feed(entries: list[dict], title: str, feed_url: str, home_url: str, language: str) -> str:
    data = {
        "version": "https://jsonfeed.org/version/1.1", "title": title, "home_page_url": home_url,
        "feed_url": feed_url, "language": language,
        "items": [{"id": e["id"], "url": e["url"], "title": e["title"], "content_html": e["html"],
                   "summary": e["summary"], "date_published": e["date"].isoformat(),
                   "date_modified": e["date"].isoformat(), "authors": [{"name": e["author"]}]} for e in entries],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render_feeds(composed: list[ComposedIncident], site: SiteOptions, language: str,
                 at: datetime | None) -> list[RenderedPage]:
    """Site and per-incident feeds for ``language``; ``at=None`` means every revision (internal site)."""
    entries = _entries(composed, site, language, at)
    base = f"{site.url.rstrip('/')}/{language}/"
    t = labels(language)
    pages = []
    for fmt, suffix, make in (("atom", "xml", _atom), ("json", "json", _json_feed)):
        pages.append(RenderedPage(PurePosixPath(f"feed.{suffix}"),
                                  make(entries, t["incidents"], f"{base}feed.{suffix}", base, language), "kits/"))
        for item in composed:
            mine = [e for e in entries if e["incident"] == item.incident.id]
            if not mine:
                continue
            home = site.statement_url(language, item.incident.id)
            pages.append(RenderedPage(PurePosixPath("incidents", item.incident.id, f"feed.{suffix}"),
                                      make(mine, item.incident.title.get(language), f"{home}feed.{suffix}", home,
                                           language), item.incident.source))
    return pages
