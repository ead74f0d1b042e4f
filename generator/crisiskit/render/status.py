"""Status at a glance: the home page's status block, the root language chooser, and the links a reader acts on.

The home page stays hand-written (``content/<lang>/index.md``). The public build puts the status
block into it with ``with_status``: where the page has the marker line ``<!-- crisiskit:status -->``
the block replaces it, so the hand-written text can sit above and below; without the marker the
block goes right after the page's first ``# `` heading (or at the top when it has none). The block
lists every open incident (status, severity, last and next update), or says plainly that none is
open, then the recently resolved ones, from the same rows as the incidents index (``pages.index_rows``:
only the revisions the public may see, so the home never shows more than the incident pages).

Every time is rendered here, server-side, in the time zone of the revision that announced it with
its UTC offset, inside ``<time datetime=...>``; ``overrides/assets/javascripts/crisiskit-time.js`` shows it in
the reader's own time zone and as relative time where JavaScript runs, and without it the page is
complete. Contact links are built from the contact's value: a ``tel:`` address holds only digits and
a leading ``+``, a ``mailto:`` address is percent-encoded, and anything else stays plain text.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any
from urllib.parse import quote

from crisiskit.render.escaping import labels
from crisiskit.render.markup import Trusted, text

STATUS_MARKER = "<!-- crisiskit:status -->"
RECENT_RESOLVED = 5
LANGUAGE_NAMES = {"en": "English", "zh-Hant": "繁體中文", "zh-Hans": "简体中文"}
_H1 = re.compile(r"^# .*$", re.MULTILINE)
_FRONT = re.compile(r"\A---\n.*?\n---[ \t]*\n", re.DOTALL)


def tel_href(value: str) -> str | None:
    """``tel:`` and the number's digits (any script's decimal digits as ASCII) after its leading ``+``; else None."""
    digits = "".join(str(unicodedata.decimal(ch)) for ch in value if unicodedata.decimal(ch, None) is not None)
    if len(digits) < 3:
        return None
    return "tel:" + ("+" if value.strip().startswith(("+", "\uff0b")) else "") + digits


def mailto_href(value: str) -> str | None:
    """``mailto:`` and the e-mail address in ``value`` (its last word with one ``@``: a press contact is
    "name, address"), percent-encoded, so no quote, header (``?bcc=``) or second address gets into the link."""
    words = [w for w in re.split(r"[\s,]+", value) if w.count("@") == 1 and "." in w.split("@")[1] and w[0] != "@"]
    return "mailto:" + quote(words[-1], safe="@.-_+") if words else None


def contact_link(kind: str, value: str) -> str | None:
    """The href a contact of ``kind`` (hotline, email, press) links to, or None to show it as text."""
    return tel_href(value) if kind == "hotline" else mailto_href(value)


def nobreak_words(value: str) -> Trusted:
    """``value`` escaped, each word holding a hyphen (a batch code: NW-2026-11) kept on one line (``.ck-nobreak``)."""
    words = re.split(r"(\s+)", value)
    return Trusted(
        "".join(
            " " if not w.strip() else f'<span class="ck-nobreak">{text(w)}</span>' if "-" in w.strip("-") else text(w)
            for w in words
        )
    )


def time_html(iso: str, shown: str, relative: bool = True) -> Trusted:
    """``<time>`` with the machine-readable instant and the text rendered here (escaped); the script localises it."""
    mark = " data-ck-time" if relative else " data-ck-time-absolute"
    return Trusted(f'<time datetime="{html.escape(iso)}"{mark}>{text(shown)}</time>')


def status_block(rows: list[tuple[bool, float, dict[str, str]]], language: str) -> str:
    """The home page's status block (Markdown with HTML): open incidents, or none, then the recently resolved."""
    t = labels(language)
    s = t["status_site"]
    ordered = sorted(rows, key=lambda row: (row[0], row[1], row[2]["title"]))
    open_rows = [shown for resolved, _, shown in ordered if not resolved]
    closed = [shown for resolved, _, shown in ordered if resolved][:RECENT_RESOLVED]
    out = ['<section class="ck-home-status" markdown>', "", f"## {s['home_heading']}", ""]
    if not open_rows:
        out += [f'<p class="ck-none-open" role="status">{text(s["none_open"])}</p>', ""]
    for row in open_rows:
        out += [_card(row, t), ""]
    if closed:
        out += [f"### {s['recent_resolved']}", "", '<ul class="ck-resolved">']
        for row in closed:
            out.append(
                f'<li><a href="incidents/{_path(row["link"])}">{text(row["title"])}</a> '
                f'<span class="ck-status-chip ck-status-resolved">{text(row["status"])}</span> '
                f"{time_html(row['updated_iso'], row['updated'])}</li>"
            )
        out += ["</ul>", ""]
    out += [f"[{s['all_incidents']}](incidents/index.md)", "", "</section>", ""]
    return "\n".join(out)


def _card(row: dict[str, str], t: dict[str, Any]) -> str:
    s, colon = t["status_site"], t["colon"]
    facts = [
        f'<span class="ck-status-chip ck-status-{_key(row["status_key"])}">{text(row["status"])}</span>',
        f"<span>{t['severity_label']}{colon}{text(row['severity'])}</span>",
        f"<span>{s['last_updated']}{colon}{time_html(row['updated_iso'], row['updated'])}</span>",
    ]
    if row.get("next_update_iso"):
        when = time_html(row["next_update_iso"], row["next_update"])
        facts.append(f'<span class="ck-next">{s["next_update"]}{colon}{when}</span>')
    return (
        f'<div class="ck-incident-card ck-status-{_key(row["status_key"])}">'
        f'<p class="ck-card-title"><a href="incidents/{_path(row["link"])}">{nobreak_words(row["title"])}</a></p>'
        f'<p class="ck-card-facts">{" ".join(facts)}</p></div>'
    )


def _key(value: str) -> str:
    return re.sub(r"[^a-z-]", "", value)


def _path(link: str) -> str:
    """An index row's link (``<id>/index.md``) as the built page's folder, for a raw HTML link from the home page."""
    return html.escape(quote(link.removesuffix("index.md"), safe="/-_."))


def with_status(page: str, block: str) -> str:
    """The hand-written home ``page`` with ``block`` at its marker, else after its first ``# `` heading, else on top."""
    if STATUS_MARKER in page:
        return page.replace(STATUS_MARKER, block, 1)
    front = _FRONT.match(page)
    start = front.end() if front else 0
    heading = _H1.search(page, start)
    at = heading.end() + 1 if heading else start
    return page[:at] + "\n" + block + "\n" + page[at:]


ROOT_SCRIPT = "javascripts/crisiskit-language.js"
ROOT_STYLE = "crisiskit-root.css"


def language_chooser(languages: list[str], assets: str | None, noindex: bool = False, offline: bool = False) -> str:
    """The root page (``/``): a styled list of the site's languages, each its site's home.

    ``assets`` is the folder (``en/assets/``) holding ROOT_STYLE and ROOT_SCRIPT (overrides/assets/), which
    opens the language the browser prefers; without JavaScript the links are all there is. The page carries
    the sites' Content-Security-Policy and runs and styles nothing inline. ``noindex``: kept out of search
    engines like the pages below it (the internal site, and a dark site on standby). ``offline``: the links
    name each home's index.html, as the internal site's own links do, so the bundle works opened from disk.
    """
    home = "index.html" if offline else ""
    links = "".join(
        f'<li><a href="{html.escape(lang)}/{home}" hreflang="{html.escape(lang)}" lang="{html.escape(lang)}">'
        f"{html.escape(LANGUAGE_NAMES.get(lang, lang))}</a></li>"
        for lang in languages
    )
    heading = " / ".join(html.escape(str(labels(lang)["status_site"]["choose_language"])) for lang in languages)
    head = ""
    if assets:
        folder = html.escape(assets)
        head = f'<link rel="stylesheet" href="{folder}{ROOT_STYLE}"><script src="{folder}{ROOT_SCRIPT}" defer></script>'
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'self'; "
        "style-src 'self'; base-uri 'none'; form-action 'none'\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        + ('<meta name="robots" content="noindex">' if noindex else "")
        + f"<title>{heading}</title>{head}</head>"
        f'<body><main><h1>{heading}</h1><ul class="ck-languages">{links}</ul></main></body></html>\n'
    )
