"""The feeds: Atom and JSON Feed, one entry per visible revision, parsed back as a reader would."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from conftest import TESTDATA
from crisiskit.compose.composed import ComposedIncident, SiteOptions, compose_incident
from crisiskit.pipeline import read_incidents
from crisiskit.render.feeds import render_feeds

CASE = TESTDATA / "test_feeds"
SITE = SiteOptions("https://status.acme.example/")
A = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EARLY = datetime.fromisoformat("2026-11-20T09:30:00+08:00")  # before anything was issued
BEFORE = datetime.fromisoformat("2026-11-20T14:00:00+08:00")  # revision 2 is approved but embargoed
AFTER = datetime.fromisoformat("2026-11-20T17:00:00+08:00")  # revision 2 is out; revision 3 is never approved
APPROVE = {"website-outage": (1, 2), "price-error": (1,)}
OUTAGE = "https://status.acme.example/{lang}/incidents/website-outage/"


@pytest.fixture(scope="module")
def composed(tmp_path_factory: pytest.TempPathFactory) -> list[ComposedIncident]:
    """The test kits with approvals of the composed text added, as `crisiskit approve` would record them."""
    kits = tmp_path_factory.mktemp("feeds") / "kits"
    shutil.copytree(CASE / "kits", kits)
    hashes = {c.incident.id: c.hashes for c in _compose(kits)}
    yaml = YAML()
    for path in kits.glob("*.yml"):
        data = yaml.load(path.read_text(encoding="utf-8"))
        for update in data["updates"]:
            if update["revision"] in APPROVE[data["id"]]:
                update["approvals"] = [
                    {
                        "role": "communications",
                        "name": "Lee Chen",
                        "at": "2026-11-20T12:00:00Z",
                        "text_hash": hashes[data["id"]][update["revision"]],
                    }
                ]
        with path.open("w", encoding="utf-8") as out:
            yaml.dump(data, out)
    return _compose(kits)


def _compose(kits: Path) -> list[ComposedIncident]:
    return [compose_incident(incident, SITE) for incident in read_incidents([kits])]


def _feeds(composed: list[ComposedIncident], language: str, at: datetime | None) -> dict[str, str]:
    pages = render_feeds(composed, SITE, language, at)
    assert len({p.path for p in pages}) == len(pages), "a feed path was rendered twice"
    return {page.path.as_posix(): page.text for page in pages}


def _atom(text: str) -> ET.Element:
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>\n')
    return ET.fromstring(text.encode("utf-8"))


def _links(entry: ET.Element) -> list[str]:
    return [link.get("href", "") for link in entry.findall(f"{A}link") if link.get("rel") == "alternate"]


def test_feed_paths_per_language(composed: list[ComposedIncident]) -> None:
    assert set(_feeds(composed, "en", AFTER)) == {
        "feed.xml",
        "feed.json",
        "incidents/website-outage/feed.xml",
        "incidents/website-outage/feed.json",
        "incidents/price-error/feed.xml",
        "incidents/price-error/feed.json",
    }
    # price-error is in English only: no zh-Hant feed of its own, and not in the zh-Hant site feed
    assert set(_feeds(composed, "zh-Hant", AFTER)) == {
        "feed.xml",
        "feed.json",
        "incidents/website-outage/feed.xml",
        "incidents/website-outage/feed.json",
    }
    site = _atom(_feeds(composed, "zh-Hant", AFTER)["feed.xml"])
    assert not [e for e in site.iter(f"{A}entry") if "price-error" in e.findtext(f"{A}id", "")]


@pytest.mark.parametrize("at, numbers", [(BEFORE, [1]), (AFTER, [2, 1]), (None, [3, 2, 1])])
@pytest.mark.parametrize("language", ["en", "zh-Hant"])
def test_one_entry_per_visible_revision_newest_first(
    composed: list[ComposedIncident], language: str, at: datetime | None, numbers: list[int]
) -> None:
    feeds = _feeds(composed, language, at)
    base = OUTAGE.format(lang=language)
    page = "/" if at is not None else ".html"  # the internal site (at=None) has no directory URLs: N.html
    permalinks = [f"{base}revisions/{n}{page}" for n in numbers]
    entries = _atom(feeds["incidents/website-outage/feed.xml"]).findall(f"{A}entry")
    assert [e.findtext(f"{A}id") for e in entries] == permalinks
    assert [_links(e) for e in entries] == [[url] for url in permalinks]
    items = json.loads(feeds["incidents/website-outage/feed.json"])["items"]
    assert [(i["id"], i["url"]) for i in items] == [(url, url) for url in permalinks]


def test_embargoed_revision_appears_only_after_its_publish_at(composed: list[ComposedIncident]) -> None:
    embargoed = OUTAGE.format(lang="en") + "revisions/2/"
    at_publish_at = datetime.fromisoformat("2026-11-20T07:00:00Z")  # the same instant as 15:00+08:00
    for at, expected in ((BEFORE, False), (at_publish_at, True), (AFTER, True)):
        feeds = _feeds(composed, "en", at)
        for path in ("feed.xml", "feed.json", *(f"incidents/website-outage/feed.{s}" for s in ("xml", "json"))):
            assert (embargoed in feeds[path]) is expected, (at, path)


def test_unapproved_revision_is_only_in_the_internal_feed_marked_draft(composed: list[ComposedIncident]) -> None:
    draft = OUTAGE.format(lang="en") + "revisions/3/"
    for text in _feeds(composed, "en", AFTER).values():
        assert draft not in text and "The website is back" not in text
    entries = _atom(_feeds(composed, "en", None)["incidents/website-outage/feed.xml"]).findall(f"{A}entry")
    assert entries[0].findtext(f"{A}title") == "[DRAFT - not approved] Resolved: The website is back"
    assert entries[1].findtext(f"{A}title") == "Identified: We found the cause of the outage"


def test_site_feed_merges_incidents_and_is_empty_but_valid_before_anything_is_public(
    composed: list[ComposedIncident],
) -> None:
    site = _atom(_feeds(composed, "en", BEFORE)["feed.xml"])
    assert [e.findtext(f"{A}id") for e in site.findall(f"{A}entry")] == [
        "https://status.acme.example/en/incidents/price-error/revisions/1/",  # 11:00
        OUTAGE.format(lang="en") + "revisions/1/",
    ]  # 10:00
    early = _feeds(composed, "en", EARLY)
    assert set(early) == {"feed.xml", "feed.json"}
    empty = _atom(early["feed.xml"])
    assert empty.findall(f"{A}entry") == []
    assert empty.findtext(f"{A}updated") == "1970-01-01T00:00:00+00:00"
    assert empty.findtext(f"{A}id") == "https://status.acme.example/en/feed.xml"
    assert json.loads(early["feed.json"])["items"] == []


def test_dates_come_from_the_kit(composed: list[ComposedIncident]) -> None:
    feeds = _feeds(composed, "en", AFTER)
    feed = _atom(feeds["incidents/website-outage/feed.xml"])
    dates = [(e.findtext(f"{A}published"), e.findtext(f"{A}updated")) for e in feed.findall(f"{A}entry")]
    # revision 2 dates from its publish_at (15:00), not from when it was issued (13:00)
    assert dates == [("2026-11-20T15:00:00+08:00",) * 2, ("2026-11-20T10:00:00+08:00",) * 2]
    assert feed.findtext(f"{A}updated") == "2026-11-20T15:00:00+08:00"
    items = json.loads(feeds["incidents/website-outage/feed.json"])["items"]
    assert [(i["date_published"], i["date_modified"]) for i in items] == dates
    assert _atom(feeds["feed.xml"]).findtext(f"{A}updated") == "2026-11-20T15:00:00+08:00"


def test_atom_feed_header_language_and_author(composed: list[ComposedIncident]) -> None:
    for language, author, title in (
        ("en", "Acme", "Website & app unavailable"),
        ("zh-Hant", "艾克米", "網站與應用程式無法使用"),
    ):
        feed = _atom(_feeds(composed, language, AFTER)["incidents/website-outage/feed.xml"])
        assert feed.tag == f"{A}feed"
        assert feed.get(XML_LANG) == language
        assert feed.findtext(f"{A}title") == title
        base = OUTAGE.format(lang=language)
        assert feed.findtext(f"{A}id") == f"{base}feed.xml"
        assert {(link.get("rel"), link.get("href")) for link in feed.findall(f"{A}link")} == {
            ("self", f"{base}feed.xml"),
            ("alternate", base),
        }
        for entry in feed.findall(f"{A}entry"):
            assert entry.findtext(f"{A}author/{A}name") == author


def test_content_is_html_of_the_statement(composed: list[ComposedIncident]) -> None:
    feeds = _feeds(composed, "en", AFTER)
    entry = _atom(feeds["incidents/website-outage/feed.xml"]).find(f"{A}entry")
    assert entry is not None
    content = entry.find(f"{A}content")
    assert content is not None and content.get("type") == "html"
    html = content.text or ""
    assert html.startswith("<p>We know why our website has been down since")
    assert "<h2>Why it happened</h2>\n<p>A configuration change to our servers failed." in html
    assert html.index("<h2>Why it happened</h2>") < html.index("<h2>Next update</h2>")
    item = json.loads(feeds["incidents/website-outage/feed.json"])["items"][0]
    assert item["content_html"] == html
    assert item["title"] == "Identified: We found the cause of the outage"


def test_zh_hant_feeds_are_in_chinese(composed: list[ComposedIncident]) -> None:
    feeds = _feeds(composed, "zh-Hant", AFTER)
    entry = _atom(feeds["incidents/website-outage/feed.xml"]).find(f"{A}entry")
    assert entry is not None
    assert entry.findtext(f"{A}title") == "已查明原因：我們已查明服務中斷的原因"
    assert "<h2>發生原因</h2>\n<p>一項伺服器設定變更出錯" in (entry.findtext(f"{A}content") or "")
    data = json.loads(feeds["incidents/website-outage/feed.json"])
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["language"] == "zh-Hant"
    assert data["title"] == "網站與應用程式無法使用"
    assert "一項伺服器設定變更出錯" in data["items"][0]["content_html"]
    assert "\\u" not in feeds["incidents/website-outage/feed.json"]  # UTF-8, not escapes


def test_feeds_never_carry_internal_text(composed: list[ComposedIncident]) -> None:
    for language in ("en", "zh-Hant"):
        for at in (AFTER, None):
            for path, text in _feeds(composed, language, at).items():
                assert "INTERNAL-MARKER" not in text, (language, at, path)


def test_feeds_are_deterministic_and_independent_of_incident_order(composed: list[ComposedIncident]) -> None:
    first = render_feeds(composed, SITE, "en", AFTER)
    again = render_feeds(list(reversed(composed)), SITE, "en", AFTER)
    assert [(p.path, p.text) for p in first] == [(p.path, p.text) for p in again]


def test_escaping_survives_a_round_trip(composed: list[ComposedIncident]) -> None:
    feeds = _feeds(composed, "en", AFTER)
    assert "Website &amp; app unavailable" in feeds["incidents/website-outage/feed.xml"]
    assert _atom(feeds["incidents/website-outage/feed.xml"]).findtext(f"{A}title") == "Website & app unavailable"


def test_feeds_match_golden(composed: list[ComposedIncident], golden) -> None:
    golden.check(
        CASE / "expected/en/incidents/website-outage/feed.xml",
        _feeds(composed, "en", AFTER)["incidents/website-outage/feed.xml"],
    )
    golden.check(
        CASE / "expected/zh-Hant/incidents/website-outage/feed.json",
        _feeds(composed, "zh-Hant", AFTER)["incidents/website-outage/feed.json"],
    )


def test_each_entry_is_converted_as_if_alone() -> None:
    """One Markdown converter serves every entry (reset before each): nothing of one text reaches the next."""
    import markdown

    from crisiskit.render.feeds import _markdown

    texts = ["[a]: https://example.com/a\n\nfirst", "see [a][] and [a]", "<div>raw</div>\n\ntext", "1. one\n2. two", ""]
    for source in texts + texts[::-1]:
        assert _markdown(source) == markdown.markdown(source, output_format="html")
