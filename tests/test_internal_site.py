"""The internal site is a workplace for spokespeople (issue 14, item 6): one real internal build of a small fixture
(tests/testdata/test_internal_site/site), made once for the module, read as a spokesperson reads it.

The fixture at AT: "outage" is open, revisions 1 and 2 public, revision 3 ("resolved") approved but embargoed
until 2026-11-23 09:00 +08:00; "spill" is open, revision 1 public, revision 2 waiting for communications;
"closed" is resolved and public. Each finding of the issue is a test here: the home is the public home's text,
no page links to the Q&A or channel posts, the navigation lists no incidents, an embargoed revision shows as
current with no banner, internal feed items link to ``revisions/N/`` where the page is ``revisions/N.html``, and
the language switch goes to ``/zh-Hant/`` (``file:///zh-Hant`` from disk).
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import xml.etree.ElementTree as ET
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import TESTDATA
from crisiskit.compose.labels import labels
from crisiskit.publish.site import _nav
from crisiskit.render.internal import NAV_OPEN_INCIDENTS, embargo_meta, internal_home, nav_incidents
from crisiskit.render.pages import render_pages
from sites import REPO, build, composed_samples, invoke

SITE = TESTDATA / "test_internal_site" / "site"
AT = "2026-11-21T12:00:00+08:00"
INTERNAL_URL = "https://status.northwind.example/internal/"
LANGUAGES = ("en", "zh-Hant")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("internal") / "project"
    shutil.copytree(SITE, project)
    shutil.copytree(REPO / "overrides", project / "overrides")
    for args in (
        ("kits/outage.yml", "kits/closed.yml", "--pending"),
        ("kits/spill.yml", "--revision", "1"),
    ):
        approved = invoke(project, "approve", *args, "--role", "communications", "--by", "Ann Wu")
        assert approved.returncode == 0, approved.stdout + approved.stderr
    build(project, AT, "internal", process=False)
    return project


@pytest.fixture(scope="module")
def internal(project: Path) -> Path:
    return project / "site" / "internal"


class Page(HTMLParser):
    """A built page's links (every href and src, with the tag), text, and the text of elements by class."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.links: list[tuple[str, str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._skip = 0
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for key in ("href", "src"):
            if a.get(key):
                self.links.append((tag, a[key] or "", a))
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)

    def hrefs(self, selector: str = "a") -> list[str]:
        return [href for tag, href, _ in self.links if tag == selector]

    def plain(self) -> str:
        return " ".join(" ".join(self.text).split())


def _main(path: Path) -> str:
    """The page's own content (the <article>), without navigation and header."""
    html = path.read_text(encoding="utf-8")
    return html[html.index("<article") : html.index("</article>")]


def _section(path: Path, heading: str) -> str:
    """The part of the page's content under the <h2> ``heading``, up to the next <h2> or the link to the index."""
    article = _main(path)
    start = article.index(f">{heading}</h2>")
    rest = article[start + len(heading) :]
    return rest[: min(i for i in (rest.find("<h2"), rest.find('href="incidents/index.html"'), len(rest)) if i >= 0)]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_internal_home_lists_open_incidents_with_statement_qa_and_posts(internal: Path, lang: str) -> None:
    home = internal / lang / "index.html"
    article = _main(home)
    hand_written = "Written by hand" if lang == "en" else "手寫的說明文字"  # the public home's own text
    assert hand_written in (SITE / "content" / lang / "index.md").read_text(encoding="utf-8")
    assert hand_written not in home.read_text(encoding="utf-8")
    for incident in ("outage", "spill"):
        for page in ("index.html", "qa.html", "posts.html"):
            assert f'href="incidents/{incident}/{page}"' in article, (incident, page)
    assert "incidents/closed/" not in article  # resolved and public: on the index, not the home
    assert 'href="incidents/index.html"' in article


def test_the_home_says_what_is_public_and_what_is_newer(internal: Path) -> None:
    text = " ".join(re.sub(r"<[^>]+>", " ", _main(internal / "en" / "index.html")).split())
    assert "Public now: revision 2, Identified · Latest revision: 3, Resolved" in text
    assert "Public now: revision 1, Investigating · Latest revision: 2, Identified" in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_home_names_each_pending_revision_its_roles_and_the_approve_command(internal: Path, lang: str) -> None:
    pending = _section(internal / lang / "index.html", labels(lang)["internal_site"]["pending_heading"])
    assert 'href="incidents/spill/revisions/2.html"' in pending
    assert "communications" in pending
    assert "crisiskit approve kits/spill.yml --pending --role communications --by NAME" in pending
    assert "outage" not in pending and "closed" not in pending  # every one of their revisions is approved


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_home_lists_each_embargo_with_when_it_goes_public(internal: Path, lang: str) -> None:
    embargoes = _section(internal / lang / "index.html", labels(lang)["internal_site"]["embargo_heading"])
    assert 'href="incidents/outage/revisions/3.html"' in embargoes
    shown = "23 November 2026, 09:00 (UTC+08:00)" if lang == "en" else "2026年11月23日 09:00 (UTC+08:00)"
    assert f'<time datetime="2026-11-23T09:00:00+08:00" data-ck-time>{shown}</time>' in embargoes
    assert "spill" not in embargoes  # no publish_at


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_embargoed_revision_is_bannered_wherever_it_shows(internal: Path, lang: str) -> None:
    outage = internal / lang / "incidents" / "outage"
    for page in (outage / "index.html", outage / "revisions" / "3.html"):
        article = _main(page)
        banner = re.search(r'<p class="ck-banner ck-banner-embargo" role="note">(.*?)</p>', article)
        assert banner, page
        assert '<time datetime="2026-11-23T09:00:00+08:00" data-ck-time>' in banner.group(1)
        assert ("revision 2" if lang == "en" else "第 2 版") in banner.group(1)  # what the public reads until then
        assert article.index("ck-banner-embargo") < article.index("ck-status-banner")  # above "Resolved"
    for page in (outage / "revisions" / "2.html", internal / lang / "incidents" / "spill" / "index.html"):
        assert "ck-banner-embargo" not in page.read_text(encoding="utf-8"), page


def test_an_embargo_whose_time_has_passed_is_not_bannered(tmp_path: Path, project: Path) -> None:
    item = next(c for c in composed_samples(project) if c.incident.id == "outage")
    revision = item.incident.revisions[2]
    before = embargo_meta(item, item.incident.revisions, revision, "en", datetime.fromisoformat(AT))
    after = embargo_meta(
        item, item.incident.revisions, revision, "en", datetime.fromisoformat("2026-11-23T09:00+08:00")
    )
    assert before["ck_embargo_at"] == "2026-11-23T09:00:00+08:00" and after == {}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_navigation_leads_to_each_open_incidents_qa_and_posts(internal: Path, lang: str) -> None:
    for page in (internal / lang / "index.html", internal / lang / "incidents" / "closed" / "index.html"):
        nav = Page(page).hrefs()
        here = page.parent
        targets = {(here / href).resolve() for href in nav if not href.startswith(("#", "http"))}
        for incident in ("outage", "spill"):
            for name in ("index.html", "qa.html", "posts.html"):
                assert (internal / lang / "incidents" / incident / name).resolve() in targets, (page, incident, name)
        assert (internal / lang / "incidents" / "index.html").resolve() in targets
        assert (internal / lang / "incidents" / "closed" / "qa.html").resolve() not in targets  # on the index


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_internal_index_lists_every_incident_with_its_qa_and_posts(internal: Path, lang: str) -> None:
    article = _main(internal / lang / "incidents" / "index.html")
    for incident in ("outage", "spill", "closed"):
        for name in ("index.html", "qa.html", "posts.html"):
            assert f'href="{incident}/{name}"' in article, (incident, name)
    assert article.index("closed/") > article.index("outage/")  # open first


def test_the_navigation_stays_bounded_however_many_incidents_are_open(project: Path) -> None:
    outage = next(c for c in composed_samples(project) if c.incident.id == "outage")
    many = [
        dataclasses.replace(outage, incident=dataclasses.replace(outage.incident, id=f"outage-{n}"))
        for n in range(NAV_OPEN_INCIDENTS + 15)
    ]
    chosen = nav_incidents(many, "en", datetime.fromisoformat(AT))
    assert len(chosen) == NAV_OPEN_INCIDENTS
    nav = _nav("en", True, chosen)
    assert len(nav) == NAV_OPEN_INCIDENTS + 2  # home, the open incidents, the incidents index
    assert nav[-1] == {"Incidents": ["incidents/index.md"]}
    assert _nav("en", True) == [{"English": "index.md"}, {"Incidents": ["incidents/index.md"]}]  # public: unchanged


def test_nav_titles_are_escaped(project: Path) -> None:
    outage = next(c for c in composed_samples(project) if c.incident.id == "outage")
    title = dict.fromkeys(LANGUAGES, "<b>Oat & milk</b>")
    hostile = dataclasses.replace(outage, incident=dataclasses.replace(outage.incident, title=title))
    assert nav_incidents([hostile], "en", datetime.fromisoformat(AT)) == [
        ("&lt;b&gt;Oat &amp; milk&lt;/b&gt;", "outage")
    ]


def _target(page: Path, href: str, root: Path) -> Path | None:
    """The file an address in ``page`` leads to, or None when it leaves the site (another scheme or host)."""
    parts = urlsplit(href)
    if parts.scheme in ("mailto", "tel", "data") or (not parts.scheme and not parts.path):
        return None
    if parts.scheme and not href.startswith(INTERNAL_URL):
        return None
    if parts.scheme or parts.path.startswith("/"):  # the site's address, or a path from the server's root
        prefix = urlsplit(INTERNAL_URL).path
        assert parts.path.startswith(prefix), href
        return (root / unquote(parts.path[len(prefix) :])).resolve()
    return (page.parent / unquote(parts.path)).resolve()


def test_every_internal_link_leads_to_a_file(internal: Path) -> None:
    """Every href and src of every page (links, scripts, styles, images, the language switch, feed links) and
    every link of every feed resolves to a file of the internal site: no folder, which opened from disk is a
    listing, and no ``revisions/N/`` where the page is ``revisions/N.html``; the root language chooser names each
    home's index.html too. One page is for a web server only, and may link a folder that holds an index.html:
    404.html (a server shows it at any address, so its links start at the server's root)."""
    dead = []
    checked = 0
    for path in sorted(internal.rglob("*.html")):
        served = path.name == "404.html"
        for tag, href, _ in Page(path).links:
            target = _target(path, href, internal)
            if target is None:
                continue
            checked += 1
            if not (target.is_file() or (served and (target / "index.html").is_file())):
                dead.append(f"{path.relative_to(internal)}: <{tag}> {href}")
    for path in sorted(internal.rglob("feed.xml")):
        for node in ET.parse(path).iter("{http://www.w3.org/2005/Atom}link"):
            href = node.get("href") or ""
            target = _target(path, href, internal)
            assert target is not None, href
            checked += 1
            if not (
                target.is_file()
                or (node.get("rel") != "alternate" or "/revisions/" not in href)
                and (target / "index.html").is_file()
            ):
                dead.append(f"{path.relative_to(internal)}: {href}")
    for path in sorted(internal.rglob("feed.json")):
        for item in json.loads(path.read_text(encoding="utf-8"))["items"]:
            target = _target(path, item["url"], internal)
            assert target is not None, item["url"]
            checked += 1
            if not target.is_file():
                dead.append(f"{path.relative_to(internal)}: {item['url']}")
    assert checked > 500
    assert dead == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_language_switch_leads_to_the_same_page_by_a_relative_link(internal: Path, lang: str) -> None:
    other = "zh-Hant" if lang == "en" else "en"
    for name in ("index.html", "incidents/outage/qa.html", "incidents/outage/revisions/3.html"):
        page = internal / lang / name
        switch = [href for tag, href, a in Page(page).links if tag == "a" and a.get("hreflang") == other]
        assert switch, page
        assert all(not href.startswith("/") and "://" not in href for href in switch), switch
        assert {(page.parent / href).resolve() for href in switch} == {(internal / other / name).resolve()}


def test_search_opened_from_disk_uses_the_sites_own_worker_and_nothing_from_elsewhere(internal: Path) -> None:
    html = (internal / "en" / "index.html").read_text(encoding="utf-8")
    assert "unpkg.com" not in html
    assert '<script src="assets/javascripts/crisiskit-iframe-worker.js"' in html
    assert (internal / "en" / "search" / "search_index.js").is_file()  # the offline plugin's inlined index


def test_the_qa_page_marks_each_entry_for_the_printed_brief(internal: Path) -> None:
    article = _main(internal / "en" / "incidents" / "outage" / "qa.html")
    assert article.count('<section class="ck-qa-entry">') == 2
    assert '<p class="ck-qa-answer"><strong>Approved answer</strong>' in article
    assert '<p class="ck-qa-bridge"><strong>Bridge</strong>' in article
    assert '<div class="ck-qa-avoid">' in article and "<li>the night shift</li>" in article


def test_with_nothing_open_pending_or_embargoed_the_home_says_so(project: Path) -> None:
    closed = [c for c in composed_samples(project) if c.incident.id == "closed"]
    w = labels("en")["internal_site"]
    home = internal_home(closed, "en", datetime.fromisoformat(AT)).text
    for said in (w["none_open"], w["pending_none"], w["embargo_none"]):
        assert said in home
    assert "incidents/closed/" not in home


def test_the_public_site_gets_none_of_it(project: Path) -> None:
    """The internal home, index and embargo banners are rendered for the internal tree only."""
    pages = render_pages(composed_samples(project), "public", datetime.fromisoformat(AT))
    text = "\n".join(page.text for page in pages)
    paths = {page.path.as_posix() for page in pages}
    assert "en/index.md" not in paths and "zh-Hant/index.md" not in paths  # the hand-written home stays
    for word in ("ck_embargo", labels("en")["internal_site"]["home_title"], "qa.md", "posts.md", "--pending"):
        assert word not in text
    review = render_pages(composed_samples(project), "review")
    assert "ck_embargo" not in "\n".join(page.text for page in review)  # no clock in the review tree
    assert "en/index.md" not in {page.path.as_posix() for page in review}
