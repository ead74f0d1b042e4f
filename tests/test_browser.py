"""The public statement page in a real browser (Debian's chromium through pytest-playwright)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from browser_pages import opened
from crisiskit.compose.labels import labels
from crisiskit.pipeline import read_site_options
from sites import BEFORE_EMBARGO, PROJECT, build, composed_samples, copy_project, serve_from_disk

# Known issues of the Material theme itself, not of our pages or overrides; each with its reason.
AXE_BASELINE = {
    "aria-dialog-name": "Material's search overlay (.md-search, partials/search.html) is role=dialog without a "
    "name; it is theme markup we do not override",
}


@pytest.fixture(scope="module")
def public_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = build(
        copy_project(tmp_path_factory.mktemp("browser") / "project"), BEFORE_EMBARGO, "public", process=False
    )
    return project / "site" / "public"


@pytest.fixture(scope="module")
def tab(browser: Browser, browser_context_args: dict, public_root: Path) -> Iterator[Page]:
    """One page for the module (pytest-playwright's context settings), the built public site served at its real
    address (site_url), answered from disk by request routing.

    Material's language selector keeps the reader on the same page by matching the other language's
    sitemap, whose addresses carry the real host; serving the site there tests exactly that, with no network.
    """
    prefix = read_site_options(PROJECT).url.rstrip("/") + "/"
    with opened(browser, **browser_context_args) as page:
        serve_from_disk(page.context, prefix, public_root)  # the context: the search worker's requests are answered too
        yield page


@pytest.fixture
def public_url() -> str:
    """The site's real address, which the module's page answers from the build."""
    return read_site_options(PROJECT).url.rstrip("/")


def _data_leak():
    from datetime import datetime

    item = next(c for c in composed_samples() if c.incident.id == "data-leak")
    visible = item.visible(datetime.fromisoformat(BEFORE_EMBARGO))
    return item, visible


def test_statement_page_shows_headline_status_banner_and_timeline(page: Page, public_url: str) -> None:
    item, visible = _data_leak()
    current = item.texts[visible[-1].number]["en"]
    page.goto(f"{public_url}/en/incidents/data-leak/")
    expect(page.locator("h1")).to_have_text(current.headline)
    banner = page.locator(".ck-status-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(labels("en")["status"][visible[-1].status])
    expect(page.locator(".ck-timeline li")).to_have_count(len(visible))
    expect(page.locator(".ck-timeline")).to_be_visible()


def test_statement_page_is_readable_on_a_phone(page: Page, public_url: str) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{public_url}/en/incidents/data-leak/")
    expect(page.locator("h1")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px on a phone"


def test_language_switch_lands_on_the_same_incident(page: Page, public_url: str) -> None:
    item, visible = _data_leak()
    page.goto(f"{public_url}/en/incidents/data-leak/")
    page.locator(".md-header__option .md-select").hover()
    page.locator('a.md-select__link[hreflang="zh-Hant"]').click()
    expect(page).to_have_url(re.compile(r"/zh-Hant/incidents/data-leak/$"))
    expect(page.locator("h1")).to_have_text(item.texts[visible[-1].number]["zh-Hant"].headline)


def _chinese_word(text: str) -> str:
    """A word of two or more Han characters from ``text``, as jieba segments it."""
    import jieba

    return next(w for w in jieba.cut(text) if len(w) >= 2 and all("\u4e00" <= ch <= "\u9fff" for ch in w))


def test_searching_a_chinese_word_finds_the_statement(page: Page, public_url: str) -> None:
    item, visible = _data_leak()
    word = _chinese_word(item.texts[visible[-1].number]["zh-Hant"].headline)
    page.goto(f"{public_url}/zh-Hant/")
    search = page.locator("input.md-search__input")
    search.click()
    # Playwright inserts Han characters without key events (as an IME would before it commits);
    # Material searches on keyup, which a person's IME commit produces: press End to do the same.
    search.press_sequentially(word, delay=50)
    search.press("End")
    results = page.locator(".md-search-result__item a")
    expect(results.first).to_be_visible(timeout=15000)
    hrefs = [results.nth(i).get_attribute("href") or "" for i in range(results.count())]
    assert any("incidents/data-leak" in href for href in hrefs), hrefs


def test_no_serious_accessibility_violations_on_the_statement_page(page: Page, public_url: str) -> None:
    page.goto(f"{public_url}/en/incidents/data-leak/")
    results = Axe().run(page)
    serious = [
        v
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical") and v["id"] not in AXE_BASELINE
    ]
    assert serious == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in serious]
