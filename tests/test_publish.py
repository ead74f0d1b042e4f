"""The published sites, built for real: what the public can see, and proof that nothing internal leaks.

Every test here reads one of two builds of the fixture site, made once for the module
(before and after the embargo); tests that change the site first are in test_publish_changes.py,
so pytest-xdist (--dist loadfile) runs the two modules' builds on both cores.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest

from sites import (
    AFTER_EMBARGO,
    BEFORE_EMBARGO,
    PROJECT,
    build,
    composed_samples,
    copy_project,
    html_text,
    secrets,
    squash,
)

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def before(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(copy_project(tmp_path_factory.mktemp("before") / "project"), BEFORE_EMBARGO, process=False)


@pytest.fixture(scope="module")
def after(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(copy_project(tmp_path_factory.mktemp("after") / "project"), AFTER_EMBARGO, "public", process=False)


def _embargoed() -> list[tuple[str, int]]:
    at, later = datetime.fromisoformat(BEFORE_EMBARGO), datetime.fromisoformat(AFTER_EMBARGO)
    return [
        (c.incident.id, r.number)
        for c in composed_samples()
        for r in c.incident.revisions
        if c.approved[r.number] and at < r.visible_from <= later
    ]


def test_samples_have_an_approved_embargoed_revision() -> None:
    assert _embargoed(), "the sample kits must include an approved revision embargoed past BEFORE_EMBARGO"


def test_both_audiences_and_languages_are_built(before: Path) -> None:
    for audience in ("public", "internal"):
        for lang in ("en", "zh-Hant"):
            assert (before / "site" / audience / lang / "index.html").is_file()
            assert (before / "site" / audience / lang / "incidents" / "data-leak" / "index.html").is_file()


def test_public_site_has_no_internal_pages_or_files(before: Path) -> None:
    public = before / "site" / "public"
    names = {p.relative_to(public).as_posix() for p in public.rglob("*") if p.is_file()}
    assert not [n for n in names if "/posts/" in n or "/qa/" in n or n.endswith("kit.json")]
    for incident, number in _embargoed():
        assert not (public / "en" / "incidents" / incident / "revisions" / str(number)).exists()


def test_search_index_has_no_internal_or_embargoed_text(before: Path) -> None:
    needles = secrets(BEFORE_EMBARGO)
    for lang in ("en", "zh-Hant"):
        index = json.loads((before / "site/public" / lang / "search/search_index.json").read_text(encoding="utf-8"))
        assert index["docs"], "the search index is empty"
        text = squash(" ".join(doc["title"] + " " + doc["text"] + " " + doc["location"] for doc in index["docs"]))
        assert [label for needle, label in needles.items() if needle in text] == []


def test_sitemap_lists_only_public_pages(before: Path) -> None:
    for lang in ("en", "zh-Hant"):
        tree = ET.parse(before / "site/public" / lang / "sitemap.xml")
        urls = [loc.text or "" for loc in tree.iter(f"{SITEMAP}loc")]
        assert any(u.endswith(f"/{lang}/incidents/data-leak/") for u in urls)
        assert not [u for u in urls if u.endswith(("/posts/", "/qa/"))]
        for incident, number in _embargoed():
            assert not [u for u in urls if u.endswith(f"/{incident}/revisions/{number}/")]


def test_no_public_file_contains_internal_text(before: Path) -> None:
    needles = secrets(BEFORE_EMBARGO)
    hits = []
    for path in (before / "site" / "public").rglob("*"):
        if not path.is_file():
            continue
        if path.suffix == ".html":
            text = squash(html_text(path))
        else:
            text = squash(path.read_bytes().decode("utf-8", errors="ignore"))
        hits += [(path.name, label) for needle, label in needles.items() if needle in text]
    assert hits == []


def test_feeds_have_one_entry_per_visible_revision(before: Path, after: Path) -> None:
    at, later = datetime.fromisoformat(BEFORE_EMBARGO), datetime.fromisoformat(AFTER_EMBARGO)
    for item in composed_samples():
        for site, moment in ((before, at), (after, later)):
            feed = (
                ET.parse(site / "site/public/en/incidents" / item.incident.id / "feed.xml")
                if item.visible(moment)
                else None
            )
            if feed is None:
                continue
            entries = feed.getroot().findall(f"{ATOM}entry")
            assert len(entries) == len(item.visible(moment))
            data = json.loads((site / "site/public/en/incidents" / item.incident.id / "feed.json").read_text("utf-8"))
            assert len(data["items"]) == len(item.visible(moment))


def test_embargoed_revision_is_published_after_its_time(after: Path) -> None:
    for incident, number in _embargoed():
        for lang in ("en", "zh-Hant"):
            page = after / "site/public" / lang / "incidents" / incident / "revisions" / str(number) / "index.html"
            assert page.is_file()
            feed = ET.parse(after / "site/public" / lang / "incidents" / incident / "feed.xml")
            links = [link.get("href", "") for link in feed.getroot().iter(f"{ATOM}link")]
            assert any(href.endswith(f"/{incident}/revisions/{number}/") for href in links)


def test_internal_site_has_qa_and_posts_bannered_and_noindex(before: Path) -> None:
    for lang in ("en", "zh-Hant"):
        qa = before / "site/internal" / lang / "incidents/data-leak/qa.html"  # offline bundle: no directory URLs
        assert qa.is_file()
        text = qa.read_text(encoding="utf-8")
        assert 'name="robots" content="noindex, nofollow"' in text
        assert "ck-banner-internal" in text
        assert (before / "site/internal" / lang / "incidents/data-leak/posts.html").is_file()


def test_internal_feeds_link_to_the_internal_site_only(before: Path) -> None:
    from crisiskit.pipeline import read_site_options

    site_url = read_site_options(PROJECT).url.rstrip("/")
    for lang in ("en", "zh-Hant"):
        for feed_path in (before / "site/internal" / lang).rglob("feed.xml"):
            hrefs = [link.get("href", "") for link in ET.parse(feed_path).getroot().iter(f"{ATOM}link")]
            assert hrefs, feed_path
            assert [h for h in hrefs if not h.startswith(f"{site_url}/internal/{lang}/")] == [], feed_path
            data = json.loads(feed_path.with_name("feed.json").read_text(encoding="utf-8"))
            urls = [data["home_page_url"], data["feed_url"]] + [item["url"] for item in data["items"]]
            assert [u for u in urls if not u.startswith(f"{site_url}/internal/{lang}/")] == [], feed_path


def test_pages_advertise_feeds_that_exist(before: Path) -> None:
    from html.parser import HTMLParser

    class Alternates(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.found: list[tuple[str, str]] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = dict(attrs)
            kind = (a.get("type") or "") + (a.get("href") or "")
            if tag == "link" and a.get("rel") == "alternate" and "feed" in kind:
                self.found.append((a.get("type") or "", a.get("href") or ""))

    for lang in ("en", "zh-Hant"):
        root = before / "site/public" / lang
        statement = root / "incidents/data-leak/index.html"
        permalink = root / "incidents/data-leak/revisions/1/index.html"
        for page, own in ((root / "index.html", 0), (statement, 2), (permalink, 2)):
            parser = Alternates()
            parser.feed(page.read_text(encoding="utf-8"))
            assert {t for t, _ in parser.found} == {"application/atom+xml", "application/feed+json"}
            assert len(parser.found) == 2 + own, page
            for _, href in parser.found:
                target = (page.parent / href).resolve()
                assert target.is_file(), f"{page} advertises {href}, which does not exist"
        incident_feeds = {
            (page.parent / h).resolve()
            for page in (statement, permalink)
            for _, h in _alternates_found(page, Alternates)
        }
        assert root.joinpath("incidents/data-leak/feed.xml").resolve() in incident_feeds


def _alternates_found(page: Path, parser_class: type) -> list[tuple[str, str]]:
    parser = parser_class()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.found
