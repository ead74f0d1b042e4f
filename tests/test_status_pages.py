"""The public status pages, rendered and parsed: the home's status block, the statement page's order, the
incidents index, the calendar of next updates and the root language chooser (render/status.py, render/pages.py,
render/calendar.py). Kit text here is hostile (tests/testdata/test_status_pages/hostile): it must stay text.

Pages are turned into HTML with Python-Markdown and the site's own extensions (no MkDocs build: the one real
build is tests/test_status_browser.py) and read with html.parser, never searched as strings.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
import yaml
from ruamel.yaml import YAML

from conftest import TESTDATA
from crisiskit.compose.composed import ComposedIncident
from crisiskit.compose.labels import labels
from crisiskit.pipeline import compose, read_incidents, read_site_options
from crisiskit.publish.leaks import normalise, scannable_text
from crisiskit.render.calendar import calendar_text, calendars, escape_text, fold, unfold
from crisiskit.render.pages import index_page, index_rows, render_pages
from crisiskit.render.status import (
    STATUS_MARKER,
    language_chooser,
    mailto_href,
    status_block,
    tel_href,
    with_status,
)

CASE = TESTDATA / "test_status_pages"
AFTER_BOTH = datetime.fromisoformat("2026-11-20T15:00:00+08:00")  # revisions 1 and 2 are out
APPROVER = "May Lin"
EXTENSIONS = ["attr_list", "md_in_html", "tables", "toc"]


# --- a small DOM from html.parser --------------------------------------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node] = field(default_factory=list)
    text: str = ""

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def all_text(self) -> str:
        return self.text + "".join(child.all_text() for child in self.children)

    def walk(self) -> list[Node]:
        return [self] + [node for child in self.children for node in child.walk()]

    def find(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        return [n for n in self.walk() if (tag is None or n.tag == tag) and (cls is None or cls in n.classes)]


class _Builder(HTMLParser):
    VOID = {"br", "img", "meta", "link", "input", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(Node("#text", {}, text=data))


def dom(html_text: str) -> Node:
    builder = _Builder()
    builder.feed(html_text)
    return builder.root


def page_html(text: str) -> tuple[dict, Node]:
    """A generated page's front matter and its body as the site's Markdown extensions turn it into HTML."""
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), dom(markdown.markdown(body, extensions=EXTENSIONS))


# --- fixtures ------------------------------------------------------------------------------------------------------


def _approve(kits: Path, revisions: set[int]) -> None:
    """Record approvals of ``revisions``' composed text, as `crisiskit approve` would (the kit has CK701 errors)."""
    (item,) = compose(read_incidents([kits]), read_site_options(CASE / "site"))
    yaml_rt = YAML()
    yaml_rt.width = 4096
    for path in kits.glob("*.yml"):
        data = yaml_rt.load(path.read_text(encoding="utf-8"))
        for update in data["updates"]:
            if update["revision"] in revisions:
                update["approvals"] = [
                    {"role": "communications", "name": APPROVER, "at": "2026-11-20T00:00:00Z", "text_hash": h}
                    for h in [item.hashes[update["revision"]]]
                ]
        with path.open("w", encoding="utf-8") as out:
            yaml_rt.dump(data, out)


def _hostile(tmp: Path, revisions: set[int]) -> ComposedIncident:
    kits = tmp / "kits"
    shutil.copytree(CASE / "hostile" / "kits", kits)
    _approve(kits, revisions)
    (item,) = compose(read_incidents([kits]), read_site_options(CASE / "site"))
    return item


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> ComposedIncident:
    """The hostile incident with both revisions approved."""
    return _hostile(tmp_path_factory.mktemp("both"), {1, 2})


@pytest.fixture(scope="module")
def public(both: ComposedIncident) -> dict[str, str]:
    return {p.path.as_posix(): p.text for p in render_pages([both], "public", AFTER_BOTH)}


# --- the statement page ----------------------------------------------------------------------------------------------


def _order(body: Node, lang: str) -> list[str]:
    """The statement page's landmarks in document order."""
    t, s = labels(lang), labels(lang)["status_site"]
    names = {
        t["sections"]["what_happened"]: "what happened",
        s["what_to_do"]: "what to do",
        t["sections"]["apology"]: "apology",
        s["updates"]: "updates",
        s["details"]: "details",
    }
    out = []
    for node in body.walk():
        if "ck-status-banner" in node.classes:
            out.append("status")
        elif node.tag == "h2" and node.all_text() in names:
            out.append(names[node.all_text()])
    return out


@pytest.mark.parametrize("lang", ["en", "zh-Hant"])
def test_the_statement_answers_the_readers_questions_in_order(public: dict[str, str], lang: str) -> None:
    _, body = page_html(public[f"{lang}/incidents/outage/index.md"])
    assert _order(body, lang) == ["status", "what happened", "what to do", "apology", "updates", "details"]
    headings = [n.all_text() for n in body.walk() if n.tag in ("h2", "h3")]
    assert len(headings) == len(set(headings)), headings
    t = labels(lang)
    for repeated in (t["get_help"], t["remedies"], t["sections"]["help"]):  # merged into the action box
        assert repeated not in headings
    (action,) = body.find(cls="ck-action")
    claims = [li.all_text() for li in action.find("li") if t["how_to_claim"] in li.all_text()]
    assert len(claims) == 1 and t["how_to_claim"] + t["colon"] in claims[0]


def test_contacts_are_links_built_safely_from_hostile_values(public: dict[str, str]) -> None:
    _, body = page_html(public["en/incidents/outage/index.md"])
    (box,) = body.find(cls="ck-contacts")
    links = {a.all_text(): a.attrs["href"] for a in box.find("a")}
    assert links["+886 2 2700 1234"] == "tel:+886227001234"
    hostile = 'a"b<i>x</i>@northwind.example?bcc=all'
    assert links[hostile] == "mailto:" + "a%22b%3Ci%3Ex%3C%2Fi%3E@northwind.example%3Fbcc%3Dall"
    assert links["Press <Office>, press@northwind.example"] == "mailto:press@northwind.example"
    assert not box.find("i")  # the e-mail's <i> is text, not markup


def test_hostile_kit_text_stays_text_everywhere(public: dict[str, str]) -> None:
    for path, text in public.items():
        _, body = page_html(text)
        assert not body.find("script"), path
        assert all(not a.attrs.get("href", "").lower().startswith("javascript") for a in body.find("a")), path
    _, body = page_html(public["en/incidents/outage/index.md"])
    assert '<script>alert(1)</script> "recall"' in body.find("p", "ck-incident-title")[0].all_text()


def test_status_and_next_update_come_first_with_times_in_time_elements(public: dict[str, str]) -> None:
    s = labels("en")["status_site"]
    _, body = page_html(public["en/incidents/outage/index.md"])
    (banner,) = body.find(cls="ck-status-banner")
    assert banner.attrs["role"] == "status"
    assert s["last_updated"] in banner.all_text() and s["issued"] not in banner.all_text()
    (next_update,) = banner.find(cls="ck-next")
    (when,) = next_update.find("time")
    assert when.attrs["datetime"] == "2026-11-21T09:00:00+08:00"
    assert when.all_text() == "21 November 2026, 09:00 (UTC+08:00)"  # right without JavaScript: zone and offset


def test_a_superseded_permalink_says_so_links_the_current_one_and_promises_nothing(public: dict[str, str]) -> None:
    s = labels("en")["status_site"]
    _, old = page_html(public["en/incidents/outage/revisions/1.md"])
    (banner,) = old.find(cls="ck-status-banner")
    assert s["issued"] in banner.all_text() and s["last_updated"] not in banner.all_text()
    assert not banner.find(cls="ck-next")
    (note,) = old.find(cls="ck-superseded")
    assert "superseded by revision 2" in note.all_text()
    assert [a.attrs["href"] for a in note.find("a")] == ["../index.md"]
    headings = [n.all_text() for n in old.walk() if n.tag == "h3"]
    assert s["next_update_then"] in headings and labels("en")["sections"]["next_update"] not in headings
    _, current = page_html(public["en/incidents/outage/revisions/2.md"])
    assert not current.find(cls="ck-superseded")
    assert current.find(cls="ck-permalink-note") and current.find(cls="ck-next")


@pytest.mark.parametrize(("lang", "role"), [("en", "Communications"), ("zh-Hant", "公關部門")])
def test_the_public_timeline_names_roles_never_people(public: dict[str, str], lang: str, role: str) -> None:
    for path, text in public.items():
        assert APPROVER not in text, path
    _, body = page_html(public[f"{lang}/incidents/outage/index.md"])
    approved = [n.all_text() for n in body.find(cls="ck-approved")]
    assert approved and all(role in a for a in approved)


def test_the_review_tree_still_names_who_approved(both: ComposedIncident) -> None:
    page = next(p for p in render_pages([both], "review") if p.path.as_posix() == "en/incidents/outage/index.md")
    _, body = page_html(page.text)
    assert any(APPROVER in n.all_text() for n in body.find(cls="ck-approved"))


def test_no_page_carries_the_status_key_material_shows_as_an_icon(public: dict[str, str]) -> None:
    for path, text in public.items():
        meta, _ = page_html(text)
        assert "status" not in meta, path
    meta, _ = page_html(public["en/incidents/outage/index.md"])
    assert meta["ck_approval"] == "approved"


# --- the incidents index and the home page's status block --------------------------------------------------------


def test_the_incidents_index_has_a_title_header_a_scrolling_table_and_unbroken_codes(both: ComposedIncident) -> None:
    rows = index_rows(both, both.visible(AFTER_BOTH), "en")
    _, body = page_html(index_page(rows, "en").text)
    (wrapper,) = body.find(cls="ck-table-scroll")
    (table,) = wrapper.find("table")
    assert [th.all_text() for th in table.find("th")] == ["Incident", "Status", "Severity", "Last updated"]
    (code,) = table.find("span", "ck-nobreak")
    assert code.all_text() == "NW-2026-11"
    assert table.find("time")[0].attrs["datetime"] == "2026-11-20T14:00:00+08:00"


def _rows(item: ComposedIncident, at: datetime, lang: str = "en"):
    return index_rows(item, item.visible(at), lang)


def test_the_home_shows_every_open_incident_with_its_next_update(both: ComposedIncident) -> None:
    block = dom(markdown.markdown(status_block(_rows(both, AFTER_BOTH), "en"), extensions=EXTENSIONS))
    (card,) = block.find(cls="ck-incident-card")
    assert "ck-status-identified" in card.classes
    (link,) = card.find("a")
    assert link.attrs["href"] == "incidents/outage/"
    assert link.all_text() == 'Batch NW-2026-11 <script>alert(1)</script> "recall"'
    assert not block.find("script")
    times = {t.attrs["datetime"] for t in card.find("time")}
    assert times == {"2026-11-20T14:00:00+08:00", "2026-11-21T09:00:00+08:00"}
    assert not block.find(cls="ck-none-open")


@pytest.mark.parametrize(("lang", "words"), [("en", "No open incidents"), ("zh-Hant", "目前沒有處理中的事件")])
def test_the_home_says_plainly_when_nothing_is_open(lang: str, words: str) -> None:
    block = dom(markdown.markdown(status_block([], lang), extensions=EXTENSIONS))
    (none,) = block.find(cls="ck-none-open")
    assert words in none.all_text() and none.attrs["role"] == "status"
    assert not block.find(cls="ck-incident-card")


def test_resolved_incidents_are_listed_below_the_open_ones(both: ComposedIncident) -> None:
    rows = _rows(both, AFTER_BOTH)
    resolved = [(True, rows[0][1] - 1, {**rows[0][2], "id": "old", "link": "old/index.md", "title": "Old one"})]
    block = dom(markdown.markdown(status_block(rows + resolved, "en"), extensions=EXTENSIONS))
    order = [n for n in block.walk() if "ck-incident-card" in n.classes or "ck-resolved" in n.classes]
    assert ["ck-incident-card" in n.classes for n in order] == [True, False]
    assert [a.attrs["href"] for a in order[1].find("a")] == ["incidents/old/"]


def test_hand_written_text_stays_around_the_marker_or_after_the_heading() -> None:
    page = "---\ntitle: Home\n---\n\n# Home\n\nAbove.\n\n" + STATUS_MARKER + "\n\nBelow.\n"
    assert with_status(page, "BLOCK") == "---\ntitle: Home\n---\n\n# Home\n\nAbove.\n\nBLOCK\n\nBelow.\n"
    plain = "---\ntitle: Home\n---\n\n# Home\n\nText.\n"
    assert with_status(plain, "BLOCK").index("BLOCK") > plain.index("# Home")
    assert with_status(plain, "BLOCK").index("BLOCK") < with_status(plain, "BLOCK").index("Text.")
    assert with_status("Text only.\n", "BLOCK").startswith("\nBLOCK")


# --- the calendar ------------------------------------------------------------------------------------------------


def _events(text: str) -> list[dict[str, str]]:
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    events, current = [], None
    for line in unfold(text.replace("\r\n ", "\r\n\t").replace("\r\n\t", "")).split("\r\n"):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None and ":" in line:
            key, value = line.split(":", 1)
            current[key] = value
    return events


def test_the_calendar_holds_the_announced_next_update_of_each_open_incident(both: ComposedIncident) -> None:
    pages = {p.path.as_posix(): p.text for p in calendars(_rows(both, AFTER_BOTH), "en")}
    assert set(pages) == {"calendar.ics", "incidents/outage/calendar.ics"}
    for text in pages.values():
        (event,) = _events(text)
        assert event["DTSTART"] == "20261121T010000Z"  # 09:00 at UTC+08:00
        assert event["UID"] == "outage-r2-next-update-en@status.northwind.example"
        assert event["URL"] == "https://status.northwind.example/en/incidents/outage/"
        assert event["DESCRIPTION"].startswith('Northwind "Foods"; Ltd, Taipei said')  # unescaped by _events


def test_an_unapproved_revisions_promise_never_reaches_the_calendar(tmp_path: Path) -> None:
    first_only = _hostile(tmp_path, {1})
    (event,) = _events(calendars(_rows(first_only, AFTER_BOTH), "en")[0].text)
    assert event["DTSTART"] == "20261120T060000Z"  # revision 1's 14:00, not revision 2's
    assert "r1-" in event["UID"]


def test_a_resolved_incident_has_no_event_but_keeps_its_calendar(both: ComposedIncident) -> None:
    (resolved, when, row) = _rows(both, AFTER_BOTH)[0]
    pages = calendars([(True, when, {**row, "status_key": "resolved"})], "en")
    assert [_events(p.text) for p in pages] == [[], []]


def test_calendar_text_is_escaped_and_folded() -> None:
    hostile = "line one\nline two; a, b \\ c\r\nEND:VCALENDAR\x07 中文" * 3
    assert escape_text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"
    text = calendar_text([], hostile, "en")
    assert text[-len("\r\nEND:VCALENDAR\r\n") :] == "\r\nEND:VCALENDAR\r\n"
    assert text.split("\r\n").count("END:VCALENDAR") == 1  # the kit's "END:VCALENDAR" never starts a line
    name = next(line for line in unfold(text).split("\r\n") if line.startswith("X-WR-CALNAME:"))
    assert name == "X-WR-CALNAME:" + hostile.replace("\r\n", "\n").replace("\x07", "")
    assert all(len(line.encode()) <= 75 for line in fold("中" * 100).split("\r\n"))
    assert fold("中" * 100).replace("\r\n ", "") == "中" * 100


def test_the_leak_scan_reads_a_calendar_unfolded() -> None:
    secret = "the first line of an embargoed recall notice\nand its second line, long enough to fold twice over"
    text = calendar_text([], secret, "en")
    assert secret not in text  # folded and escaped as written
    assert normalise(secret) in scannable_text(text.encode(), "calendar.ics")  # read as text, not refused


# --- the root page and the small helpers -------------------------------------------------------------------------


def test_the_root_page_offers_every_language_and_runs_only_files() -> None:
    page = dom(language_chooser(["en", "zh-Hant"], "en/assets/"))
    links = [(a.attrs["href"], a.attrs["hreflang"], a.all_text()) for a in page.find("a")]
    assert links == [("en/", "en", "English"), ("zh-Hant/", "zh-Hant", "繁體中文")]
    (script,) = page.find("script")
    assert script.attrs["src"] == "en/assets/javascripts/crisiskit-language.js" and not script.all_text().strip()
    (style,) = [n for n in page.find("link") if n.attrs.get("rel") == "stylesheet"]
    assert style.attrs["href"] == "en/assets/crisiskit-root.css"
    assert not page.find("style") and page.find("meta")[1].attrs["http-equiv"] == "Content-Security-Policy"
    for name in ("javascripts/crisiskit-language.js", "crisiskit-root.css"):  # what the page names is there
        assert (Path(__file__).parent.parent / "overrides" / "assets" / name).is_file()
    assert not dom(language_chooser(["en"], None)).find("script")


@pytest.mark.parametrize(
    ("value", "href"),
    [
        ("+886 2 2700 1234", "tel:+886227001234"),
        ("(02) 2700-1234", "tel:0227001234"),
        ("javascript:alert(1)", None),
        ("０２ ２７００ １２３４", "tel:0227001234"),
    ],
)
def test_a_tel_link_has_only_digits_and_plus(value: str, href: str | None) -> None:
    assert tel_href(value) == href


@pytest.mark.parametrize(
    ("value", "href"),
    [
        ("help@example.com", "mailto:help@example.com"),
        ("Grace Lin, press@example.com", "mailto:press@example.com"),
        ("x@example.com?cc=y%40evil.example", "mailto:x@example.com%3Fcc%3Dy%2540evil.example"),
        ("javascript:alert(1)", None),
        ("two@a.example@b.example", None),
    ],
)
def test_a_mailto_link_is_one_percent_encoded_address(value: str, href: str | None) -> None:
    assert mailto_href(value) == href


@pytest.mark.parametrize(
    "value", ["javascript:alert(1)", {"en": "https://ok.example/", "zh-Hant": "http://plain.example/"}, 42]
)
def test_a_sign_up_link_that_would_not_be_shown_stops_the_build(tmp_path: Path, value: object) -> None:
    from crisiskit.errors import BuildError
    from crisiskit.publish.site import site_config

    subscribe = {"email": "mailto:a@b.example", "sms": value}
    base = {"site_name": "Acme", "site_url": "https://acme.example/", "extra": {"crisiskit": {"subscribe": subscribe}}}
    with pytest.raises(BuildError, match=r"^mkdocs.yml extra.crisiskit.subscribe.sms: expected an https: or mailto:"):
        site_config(base, tmp_path, "public", "en", ["en"], tmp_path / "docs", tmp_path / "site", [], None)
