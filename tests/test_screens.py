"""Every page type in a real browser, at desktop and phone widths, in both languages (issue 14, item 10).

One fixture organisation (tests/testdata/test_screens: Northwind, an open incident with a superseded first
revision, FAQ and Q&A, and a resolved one with a correction, en and zh-Hant) is approved and built for real
(`crisiskit build --audience all`) once for the module; site/public and site/internal are served by
http.server on free local ports (a missing page answered with the language's 404.html, as a static host
does), and Debian's chromium (tests/conftest.py) opens every page type at 1280x800 and 390x844 in both
languages, its clock frozen at the build time and its zone Taipei's, so the pages read the same every run.

Each page must load every style sheet, script, image and font it asks for. It is saved as a full-page PNG
under $CRISISKIT_SCREENSHOTS (CI keeps that folder as an artefact; without it, a pytest temporary folder:
nothing is written into the repository), then measured in the browser, not grepped:

- nothing cut off sideways: the document does not scroll horizontally, and no element of crisiskit's own
  markup (a ``ck-*`` class, a table in the content) ends right of the viewport unless a scrolling container
  holds it;
- no empty table header: every ``th`` has text or an aria-label;
- no text drawn over other text in the status box, home status, action box, banners, timeline, Q&A entries
  and tables;
- what a reader needs first is in the first screen: the status block on the home page; on the statement
  page the status box, and on a desktop also the next update and the action box; the superseded note and
  the correction on an old permalink; the "internal" banner on every internal page, and the open
  incident's Q&A link on the internal home;
- axe-core finds no violation of any impact. It runs on the whole page except Material's own chrome, each
  exclusion with its reason:

  - ``.md-search``: Material's search overlay (partials/search.html) is ``role="dialog"`` without an
    accessible name (aria-dialog-name); theme markup crisiskit does not override (tests/test_browser.py
    keeps the same entry in its AXE_BASELINE).
  - ``.md-code__nav``: the copy-button bar Material's ``content.code.copy`` feature adds by script to every
    code block (the channel posts page has one per post), a ``nav`` without a unique label
    (landmark-unique); Material's script, not crisiskit's markup.
  - ``.md-nav--primary .md-nav[aria-labelledby]``: a navigation section's nested list, which Material's
    partials/nav-item.html labels by the section's toggle ``label``; with ``navigation.indexes`` (a section
    with its own page, as every internal incident is) that label holds only the expand icon, or is not
    rendered at all when the page is the section's only child, so two such sections are two ``nav``
    landmarks with the same empty name (landmark-unique). Material's template, which ``overrides/`` does not
    copy; it shows at phone width, where the drawer is in the page.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Response, expect

from browser_pages import fresh, listening, opened
from conftest import TESTDATA
from sites import REPO, build, invoke

FIXTURE = TESTDATA / "test_screens"
AT = "2026-11-21T16:00:00+08:00"  # every revision out: the outage open (next update 22 Nov 09:00), the recall resolved
WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
LANGUAGES = ("en", "zh-Hant")
# Material's chrome, left out of axe's run: each with its reason in the module docstring.
AXE_EXCLUDE = [[".md-search"], [".md-code__nav"], [".md-nav--primary .md-nav[aria-labelledby]"]]


class PageType(NamedTuple):
    site: str  # "public" or "internal"
    path: str  # under the language folder ("" for the root, which has none)
    first_screen: tuple[str, ...] = ()  # selectors whose top must be in the first screen at every width
    desktop_first_screen: tuple[str, ...] = ()  # ... and at desktop width only


PAGES = {
    "home": PageType("public", "", (".ck-home-status", ".ck-incident-card")),
    "root": PageType("public", ""),
    "incidents": PageType("public", "incidents/"),
    "statement": PageType(
        "public", "incidents/outage/", (".ck-status-banner",), (".ck-status-banner .ck-next", ".ck-action")
    ),
    "superseded": PageType("public", "incidents/water-recall/revisions/2/", (".ck-superseded", ".ck-banner-corrected")),
    "faq": PageType("public", "incidents/outage/faq/"),
    "404": PageType("public", "no-such-page/"),
    "internal-home": PageType(
        "internal", "index.html", (".ck-banner-internal", '.md-content a[href="incidents/outage/qa.html"]')
    ),
    "internal-qa": PageType("internal", "incidents/outage/qa.html", (".ck-banner-internal",)),
    "internal-posts": PageType("internal", "incidents/outage/posts.html", (".ck-banner-internal",)),
}
CASES = [
    pytest.param(name, lang, width, id=f"{name}-{lang}-{width}")
    for name in PAGES
    for lang in (("any",) if name == "root" else LANGUAGES)
    for width in WIDTHS
]

# Measured in the page: what is cut off sideways and which table headers are empty. Own markup is every
# element with a ck-* class and every table in the content; an element a scrolling container holds (Material
# wraps tables in one) may extend beyond the viewport, since the reader scrolls it.
MEASURE = """() => {
  const width = document.documentElement.clientWidth;
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].map((c) => '.' + c).join('');
  const scrolled = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowX;
      if ((overflow === 'auto' || overflow === 'scroll') && up.getBoundingClientRect().right <= width + 1) return true;
    }
    return false;
  };
  const own = [...document.querySelectorAll('[class*="ck-"], .md-content table')].filter(
    (el) => el.tagName === 'TABLE' || [...el.classList].some((c) => c.startsWith('ck-')));
  const cut = own.filter((el) => el.checkVisibility() && el.getBoundingClientRect().right > width + 1 && !scrolled(el))
    .map((el) => describe(el) + ' ends at ' + Math.round(el.getBoundingClientRect().right) + 'px');
  const emptyHeaders = [...document.querySelectorAll('th')]
    .filter((th) => !th.textContent.trim() && !(th.getAttribute('aria-label') || '').trim()).map(describe);
  return {width, scrollWidth: document.documentElement.scrollWidth, cut, emptyHeaders};
}"""


# Measured in the page: text laid over other text in the blocks a reader scans (each pair of text runs whose
# line boxes intersect by more than 2px both ways); text clipped to nothing for screen readers only is skipped.
OVERLAPS = """() => {
  const roots = document.querySelectorAll(
    '.ck-status-banner, .ck-home-status, .ck-action, .ck-subscribe, .ck-banner, .ck-permalink-note, .ck-timeline, '
    + '.ck-qa-entry, .md-content table');
  const overlaps = [];
  const clipped = (el, root) => {  // visually hidden for screen readers only: clipped to nothing
    for (let up = el; up && up !== root.parentElement; up = up.parentElement) {
      const style = getComputedStyle(up), box = up.getBoundingClientRect();
      const tiny = style.overflow !== 'visible' && (box.width <= 1 || box.height <= 1);
      if (style.clip !== 'auto' || style.clipPath !== 'none' || tiny) return true;
    }
    return false;
  };
  for (const root of roots) {
    const boxes = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!node.textContent.trim() || !parent.checkVisibility() || clipped(parent, root)) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) if (r.width > 0 && r.height > 0) boxes.push([node, r]);
    }
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const [m, a] = boxes[i], [n, b] = boxes[j];
      if (m === n) continue;
      const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      const quote = (text) => JSON.stringify(text.textContent.trim().slice(0, 30));
      if (x > 2 && y > 2) overlaps.push(quote(m) + ' over ' + quote(n));
    }
  }
  return overlaps;
}"""


class _Handler(SimpleHTTPRequestHandler):
    """A static host: files as they are, a missing page answered with its language's 404.html."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        language = self.path.lstrip("/").split("/")[0]
        page = Path(self.directory) / language / "404.html"
        if code != 404 or language not in LANGUAGES or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The fixture organisation approved and built for real, each audience's site served on a free port."""
    project = tmp_path_factory.mktemp("screens") / "project"
    shutil.copytree(FIXTURE, project)
    shutil.copytree(REPO / "overrides", project / "overrides")
    for role in ("communications", "legal"):
        approved = invoke(project, "approve", "--pending", "--role", role, "--by", "Ann Wu")
        assert approved.returncode == 0, approved.stdout + approved.stderr
    build(project, AT, "all", process=False)
    servers = {}
    for audience in ("public", "internal"):
        handler = functools.partial(_Handler, directory=str(project / "site" / audience))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers[audience] = server
    yield {audience: f"http://127.0.0.1:{server.server_address[1]}" for audience, server in servers.items()}
    for server in servers.values():
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshots go: $CRISISKIT_SCREENSHOTS (kept by CI), else a pytest temporary folder."""
    configured = os.environ.get("CRISISKIT_SCREENSHOTS")
    folder = Path(configured) if configured else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def tabs(browser: Browser) -> Iterator[Callable[[str, str], Page]]:
    """One page per width and reader language (in a context of its own, its clock frozen at the build time and its
    zone Taipei's), opened when first asked for and reused by the module's tests: browser_pages.py says why."""
    made: dict[tuple[str, str], Page] = {}
    with contextlib.ExitStack() as stack:

        def tab(width: str, locale: str) -> Page:
            if (width, locale) not in made:
                page = stack.enter_context(
                    opened(browser, viewport=WIDTHS[width], locale=locale, timezone_id="Asia/Taipei")
                )
                page.context.clock.set_fixed_time(datetime.fromisoformat(AT))  # "in 17 hours" reads the same
                made[width, locale] = page
            return made[width, locale]

        yield tab


def _open(page: Page, url: str) -> None:
    """``page`` loaded at ``url`` with its fonts; every style sheet, script, image and font it asked for was there."""
    missing: list[str] = []

    def response(response: Response) -> None:
        if response.status >= 400 and response.request.resource_type in ("stylesheet", "script", "image", "font"):
            missing.append(f"{response.status} {response.url}")

    with listening(page, response=response):
        page.goto(url, wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
    assert missing == [], f"{url} asked for files that are not there: {missing}"


@pytest.mark.parametrize(("name", "lang", "width"), CASES)
def test_every_page_type_fits_the_screen_and_passes_axe(
    tabs: Callable[[str, str], Page], sites: dict[str, str], shots: Path, name: str, lang: str, width: str
) -> None:
    kind = PAGES[name]
    size = WIDTHS[width]
    # The root page sends a reader whose browser asks for English or Chinese on to that language: a French
    # reader sees the chooser itself.
    tab = tabs(width, "fr-FR" if name == "root" else {"en": "en-GB", "zh-Hant": "zh-TW"}[lang])
    url = f"{sites[kind.site]}/" + ("" if name == "root" else f"{lang}/{kind.path}")
    with fresh(tab) as page:
        _open(page, url)
        assert page.url == url, f"{url} went on to {page.url}"
        if name == "root":
            expect(page.locator("a[hreflang]")).to_have_count(2)
        elif name == "404":
            expect(page.locator("html")).to_have_attribute("lang", lang)
        page.screenshot(path=str(shots / f"{name}-{lang}-{width}.png"), full_page=True, type="png")

        measured = page.evaluate(MEASURE)
        assert measured["scrollWidth"] <= measured["width"] + 1, (
            f"the page scrolls sideways: {measured['scrollWidth']}px wide in a {measured['width']}px viewport"
        )
        assert measured["cut"] == [], "cut off on the right: " + "; ".join(measured["cut"])
        assert measured["emptyHeaders"] == [], f"table headers without text or aria-label: {measured['emptyHeaders']}"
        assert page.evaluate(OVERLAPS) == [], "text drawn over other text"

        first_screen = kind.first_screen + (kind.desktop_first_screen if width == "desktop" else ())
        for selector in first_screen:
            element = page.locator(selector).first
            expect(element).to_be_visible()
            box = element.bounding_box()
            assert box is not None and box["y"] < size["height"], f"{selector} starts below the first screen"

        violations = Axe().run(page, context={"exclude": AXE_EXCLUDE}).response["violations"]
        found = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
        assert found == [], f"axe: {found}"
