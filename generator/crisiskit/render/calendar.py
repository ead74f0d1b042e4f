"""iCalendar (RFC 5545) files of the next updates an organisation has announced, for readers to subscribe to.

Per language, one calendar for the whole site (``calendar.ics``: the announced next update of every
open incident) and one per incident (``incidents/<id>/calendar.ics``: its own, or no event), paths
relative to the language's docs root. They are made from the incidents index rows
(``pages.index_rows``), which hold only what the public may see: the newest visible revision's
``next_update_at``; an embargoed or unapproved revision's promise never reaches a calendar. A
resolved incident, or one whose newest visible revision announces no time, has no event.

Kit text is text here too: every TEXT value is escaped as RFC 5545 section 3.3.11 says (backslash,
semicolon, comma, newline), other control characters are dropped, a URL is written only when it is
a plain ``https:`` address, and every line is folded at 75 octets without splitting a character.
Nothing comes from the clock: DTSTAMP is the announcing revision's publication time, so the same
kits give the same bytes, and an event's UID (incident, revision, host) changes only with a new
announcement.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from crisiskit.compose.labels import labels
from crisiskit.render.rendered import RenderedPage

Row = tuple[bool, float, dict[str, str]]
EVENT_MINUTES = 15
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_URL = re.compile(r"https://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")


def calendars(rows: list[Row], language: str) -> list[RenderedPage]:
    """The site's calendar and one per incident of ``rows`` (one language's index rows)."""
    s = labels(language)["status_site"]
    events = {row["id"]: _event(row, language) for _, _, row in sorted(rows, key=lambda r: r[2]["id"])}
    site = calendar_text([e for e in events.values() if e], s["subscribe_site"], language)
    pages = [RenderedPage(PurePosixPath("calendar.ics"), site, "kits/")]
    for _resolved, _, row in sorted(rows, key=lambda r: r[2]["id"]):
        event = events[row["id"]]
        text = calendar_text([event] if event else [], row["title"], language)
        pages.append(RenderedPage(PurePosixPath("incidents", row["id"], "calendar.ics"), text, "kits/"))
    return pages


def _event(row: dict[str, str], language: str) -> list[str] | None:
    if row.get("status_key") == "resolved" or not row.get("next_update_iso"):
        return None
    s = labels(language)["status_site"]
    start = datetime.fromisoformat(row["next_update_iso"])
    host = urlsplit(row["url"]).hostname or "crisiskit.invalid"
    lines = [
        "BEGIN:VEVENT",
        f"UID:{_uid(row['id'])}-r{int(row['revision'])}-next-update-{_uid(language)}@{_uid(host)}",
        f"DTSTAMP:{_utc(datetime.fromisoformat(row['updated_iso']))}",
        f"DTSTART:{_utc(start)}",
        f"DURATION:PT{EVENT_MINUTES}M",
        f"SUMMARY:{escape_text(s['calendar_summary'].format(title=row['title']))}",
        f"DESCRIPTION:{escape_text(s['calendar_description'].format(org=row['organization']))}",
    ]
    if _URL.fullmatch(row["url"]):
        lines.append(f"URL:{row['url']}")
    lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    return lines


def calendar_text(events: list[list[str]], name: str, language: str) -> str:
    """A VCALENDAR of ``events`` (each its VEVENT lines), CRLF line ends, folded."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//crisiskit//next updates//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        *(line for event in events for line in event),
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, any line break as ``\\n``."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value)
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """``line`` folded (RFC 5545 3.1): at most 75 octets a line, continuation lines start with a space."""
    out: list[str] = []
    current, size, limit = "", 0, 75
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = "", 0, 74  # the leading space counts
        current += ch
        size += width
    out.append(current)
    return "\r\n ".join(out)


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _uid(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9.\-]", "-", value)


def unfold(value: str) -> str:
    """A calendar's text as a reader's calendar shows it: lines unfolded and TEXT escapes undone (for the leak scan)."""
    value = re.sub(r"\r?\n[ \t]", "", value)
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)
