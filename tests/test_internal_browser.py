"""The internal site as a spokesperson carries it: opened from disk (file:, the offline bundle) in Debian's chromium,
as tests/test_browser.py launches it, and printed. One real internal build of tests/testdata/test_internal_site/site
for the module (tests/test_internal_site.py reads the same fixture's HTML).

From disk the language switch must land on the same page in the other language (it went to file:///zh-Hant), search
must answer (it disappeared: Chromium refuses workers on file:, and the offline plugin's shim from unpkg.com is
blocked by the page's policy and needs the network), and printing a Q&A page must give the brief alone.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Request, expect

from browser_pages import listening
from conftest import TESTDATA
from sites import REPO, build, invoke

SITE = TESTDATA / "test_internal_site" / "site"
AT = "2026-11-21T12:00:00+08:00"


@pytest.fixture(scope="module")
def internal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("internal-browser") / "project"
    shutil.copytree(SITE, project)
    shutil.copytree(REPO / "overrides", project / "overrides")
    for args in (("kits/outage.yml", "kits/closed.yml", "--pending"), ("kits/spill.yml", "--revision", "1")):
        approved = invoke(project, "approve", *args, "--role", "communications", "--by", "Ann Wu")
        assert approved.returncode == 0, approved.stdout + approved.stderr
    build(project, AT, "internal", process=False)
    return (project / "site" / "internal").resolve()


@pytest.fixture
def outside(page: Page) -> Iterator[list[str]]:
    """Every request the page makes that is not a file of the bundle (there must be none)."""
    found: list[str] = []

    def request(request: Request) -> None:
        if not request.url.startswith(("file:", "data:", "about:")):
            found.append(request.url)

    with listening(page, request=request):
        yield found


@pytest.mark.parametrize(("start", "other"), [("en", "zh-Hant"), ("zh-Hant", "en")])
def test_the_language_switch_opened_from_disk_lands_on_the_same_page(
    page: Page, outside: list[str], internal: Path, start: str, other: str
) -> None:
    here = internal / start / "incidents" / "outage" / "qa.html"
    page.goto(here.as_uri())
    link = page.locator(f'a.md-select__link[hreflang="{other}"]')
    expect(link).to_have_count(1)
    link.evaluate("a => a.click()")  # the selector opens on hover; the link itself is what matters
    page.wait_for_url((internal / other / "incidents" / "outage" / "qa.html").as_uri())
    expect(page.locator("article h1")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == other
    assert outside == []


@pytest.mark.parametrize(
    ("lang", "query", "found"), [("en", "relabelled", "resolved"), ("zh-Hant", "貼錯標籤", "批號")]
)
def test_search_works_opened_from_disk(
    page: Page, outside: list[str], internal: Path, lang: str, query: str, found: str
) -> None:
    errors: list[str] = []
    with listening(page, pageerror=lambda error: errors.append(str(error))):
        page.goto((internal / lang / "index.html").as_uri())
        search = page.locator("input.md-search__input")
        search.click()  # hidden by the theme when its search cannot start
        search.press_sequentially(query, delay=50)
        search.press("End")  # Material searches on keyup, which a person's IME commit produces too
        results = page.locator(".md-search-result__item")
        expect(results.first).to_be_visible(timeout=15000)
        assert found.lower() in page.locator(".md-search-result").inner_text().lower()
    assert errors == [] and outside == []


def test_a_printed_qa_page_is_the_brief_alone(page: Page, internal: Path) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto((internal / "en" / "incidents" / "outage" / "qa.html").as_uri())
    expect(page.locator(".md-sidebar--primary")).to_be_visible()  # on screen, the navigation is there
    page.emulate_media(media="print")
    for chrome in (".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer", ".md-search"):
        expect(page.locator(chrome).first).to_be_hidden()
    entries = page.locator(".ck-qa-entry")
    expect(entries).to_have_count(2)
    for part in (".ck-qa-answer", ".ck-qa-bridge", ".ck-qa-avoid li"):
        expect(entries.first.locator(part).first).to_be_visible()
    expect(page.locator("article h1")).to_be_visible()
    assert entries.first.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
    # the content takes the page's width once the sidebars are gone
    width = page.locator("article").evaluate("e => e.getBoundingClientRect().width")
    assert width > 0.8 * page.evaluate("document.documentElement.clientWidth")
