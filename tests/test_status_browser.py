"""The status pages in a real browser (Debian's chromium, as tests/test_browser.py launches it), at phone and
desktop widths: one real build of a small fixture site (tests/testdata/test_status_pages/site: one open incident
with two revisions, en and zh-Hant, a sign-up link in mkdocs.yml), made once for the module.

What a reader in a crisis needs is checked where they see it: the next update and the action box in the first
screen, nothing cut off sideways, tapping a number or an address works (tel:, mailto:), times shown in the
reader's own zone with relative time when JavaScript runs, and the root page opening the reader's language.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from browser_pages import opened
from conftest import TESTDATA
from crisiskit.compose.labels import labels
from sites import approved_site, serve_from_disk
from test_status_pages import dom

SITE = TESTDATA / "test_status_pages" / "site"
AT = "2026-11-20T15:00:00+08:00"  # both revisions out; the next update announced for 2026-11-21 09:00
BASE = "https://status.northwind.example"
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture(scope="module")
def public_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return approved_site(SITE, tmp_path_factory.mktemp("status") / "project", AT) / "public"


@pytest.fixture(scope="module")
def tab(browser: Browser, browser_context_args: dict, public_root: Path) -> Iterator[Page]:
    """One page for the module (pytest-playwright's context settings), the site's real address answered from disk."""
    with opened(browser, **browser_context_args) as page:
        serve_from_disk(page.context, f"{BASE}/", public_root)
        yield page


@pytest.fixture
def site(page: Page) -> str:
    return BASE


def _overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def _top(page: Page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box["y"]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["en", "zh-Hant"])
def test_the_statement_puts_the_next_update_and_what_to_do_in_the_first_screen(
    page: Page, site: str, width: str, lang: str
) -> None:
    size = WIDTHS[width]
    page.set_viewport_size(size)
    page.goto(f"{site}/{lang}/incidents/outage/", wait_until="networkidle")
    expect(page.locator(".ck-status-banner .ck-next")).to_be_visible()
    assert _top(page, ".ck-status-banner .ck-next") < size["height"]
    assert _top(page, ".ck-action") < size["height"], "the action box starts below the first screen"
    assert _overflow(page) <= 0, f"the page scrolls sideways by {_overflow(page)}px"
    expect(page.locator('.ck-action a[href="tel:+886227001234"]')).to_be_visible()
    expect(page.locator('.ck-action a[href="mailto:help@northwind.example"]')).to_be_visible()
    expect(page.locator(".ck-action h2")).to_have_text(labels(lang)["status_site"]["what_to_do"])


def test_times_show_in_the_readers_zone_with_relative_time(page: Page, site: str) -> None:
    page.goto(f"{site}/en/incidents/outage/", wait_until="networkidle")
    when = page.locator(".ck-status-banner .ck-next time")
    expect(when).to_have_class("ck-localised")
    relative = when.locator(".ck-relative")
    expect(relative).to_have_text(re.compile(r"^ \(.*\d.*\)$"))  # "(in 3 days)", "(10 days ago)": filled in
    assert when.get_attribute("title") == "21 November 2026, 09:00 (UTC+08:00)"  # the server's text stays


def test_times_are_right_without_javascript(browser: Browser, public_root: Path) -> None:
    context = browser.new_context(java_script_enabled=False)
    serve_from_disk(context, f"{BASE}/", public_root)
    page = context.new_page()
    page.goto(f"{BASE}/en/incidents/outage/")
    expect(page.locator(".ck-status-banner .ck-next time")).to_have_text("21 November 2026, 09:00 (UTC+08:00)")
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_home_shows_the_open_incident_and_ways_to_subscribe(
    page: Page, site: str, width: str, public_root: Path
) -> None:
    page.set_viewport_size(WIDTHS[width])
    page.goto(f"{site}/en/", wait_until="networkidle")
    card = page.locator(".ck-incident-card")
    expect(card).to_have_count(1)
    expect(card.locator(".ck-next time")).to_have_attribute("datetime", "2026-11-21T09:00:00+08:00")
    assert _top(page, ".ck-incident-card") < WIDTHS[width]["height"]
    assert _overflow(page) <= 0
    body = dom(page.content())
    (aside,) = body.find("aside", "ck-subscribe")
    hrefs = [a.attrs["href"] for a in aside.find("a")]
    assert hrefs == [
        "./feed.xml",
        "./feed.json",
        "./calendar.ics",
        "https://northwind.example/alerts?lang=en&kind=email",
        "https://northwind.example/alerts/sms",
    ]
    for href in hrefs[:3]:  # the files are there
        assert (public_root / "en" / href[2:]).is_file()
    assert (public_root / "en" / "calendar.ics").read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")


def test_every_incident_page_has_the_subscribe_block(page: Page, site: str) -> None:
    for path in ("incidents/outage/", "incidents/outage/revisions/1/", "incidents/outage/faq/"):
        page.goto(f"{site}/zh-Hant/{path}")
        links = page.locator("aside.ck-subscribe a")
        expect(links).to_have_count(4)  # Atom, JSON Feed, calendar, and the zh-Hant e-mail sign-up (the sms
        hrefs = [links.nth(i).get_attribute("href") or "" for i in range(4)]  # sign-up is English only)
        assert hrefs[2].endswith("incidents/outage/calendar.ics")
        assert not any(h.startswith("javascript") for h in hrefs)


def test_the_incidents_index_is_not_cut_off_on_a_phone(page: Page, site: str) -> None:
    page.set_viewport_size(WIDTHS["phone"])
    page.goto(f"{site}/en/incidents/", wait_until="networkidle")
    assert _overflow(page) <= 0
    code = page.locator(".ck-table-scroll .ck-nobreak").first
    box = code.bounding_box()
    assert box is not None and box["height"] < 40, "the batch code broke across lines"


@pytest.mark.parametrize(("locale", "lands"), [("zh-TW", "/zh-Hant/"), ("en-GB", "/en/"), ("fr-FR", None)])
def test_the_root_page_opens_the_readers_language(browser: Browser, public_root: Path, locale: str, lands) -> None:
    context = browser.new_context(locale=locale)
    serve_from_disk(context, f"{BASE}/", public_root)
    page = context.new_page()
    page.goto(f"{BASE}/", wait_until="networkidle")
    if lands:
        expect(page).to_have_url(f"{BASE}{lands}")
    else:
        expect(page.locator("a[hreflang]")).to_have_count(2)
    context.close()


def test_the_root_page_is_plain_links_without_javascript(browser: Browser, public_root: Path) -> None:
    context = browser.new_context(java_script_enabled=False, locale="zh-TW")
    serve_from_disk(context, f"{BASE}/", public_root)
    page = context.new_page()
    page.goto(f"{BASE}/")
    expect(page.locator("a[hreflang]")).to_have_count(2)
    expect(page).to_have_url(f"{BASE}/")
    context.close()


@pytest.mark.parametrize("path", ["en/", "en/incidents/outage/", "en/incidents/outage/revisions/1/", "en/incidents/"])
def test_no_serious_accessibility_violations(page: Page, site: str, path: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    from test_browser import AXE_BASELINE

    page.goto(f"{site}/{path}", wait_until="networkidle")
    results = Axe().run(page)
    serious = [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical") and v["id"] not in AXE_BASELINE
    ]
    assert serious == []
