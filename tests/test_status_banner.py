"""The embeddable status banner (overrides/assets/javascripts/crisiskit-banner.js) on another website, in a real
browser (Debian's chromium, as tests/test_status_browser.py drives it).

One real build of the status API fixture (tests/testdata/test_status_api/site: an open incident whose title holds
``<script>``, a resolved one), made once for the module, is served by a local HTTP server together with a host page
that includes the banner with one ``<script ... async>`` tag, as the organisation's main website would: on the same
origin, and from another origin with and without ``Access-Control-Allow-Origin`` on the JSON.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import ConsoleMessage, Dialog, Page, expect

from browser_pages import fresh, listening
from crisiskit.compose.composed import SiteOptions
from crisiskit.compose.labels import labels
from crisiskit.render.status_api import api_files
from sites import build
from test_status_api import APPROVALS, AT, BASE, project_copy

SCRIPT = "/en/assets/javascripts/crisiskit-banner.js"
TITLE = {
    "en": 'Batch NW-2026-11 <script>alert("banner")</script> & "recall"',
    "zh-Hant": "批號 NW-2026-11 <script>alert(1)</script> 回收",
}


def host_page(status: str, lang: str = "en") -> bytes:
    """The organisation's own page, with the one tag the README gives."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">'
        "<title>Northwind Foods</title><style>div, a, li { color: rgb(1, 2, 3) !important; }</style></head>"
        '<body><header><h1 id="brand">Northwind Foods</h1></header><main><p>Fresh food.</p></main>'
        f'<script src="{status}{SCRIPT}" data-lang="{lang}" async></script></body></html>'
    ).encode()


class _Server(ThreadingHTTPServer):
    cors = False
    pages: dict[str, bytes] = {}


class _Handler(SimpleHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def end_headers(self) -> None:
        if self.server.cors and urlsplit(self.path).path.endswith(".json"):
            self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path in self.server.pages:
            body = self.server.pages[path]
            self.send_response(200)
            self.send_header("Content-Type", "application/json" if path.endswith(".json") else "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()


@contextlib.contextmanager
def serve(root: Path, pages: dict[str, bytes] | None = None, cors: bool = False) -> Iterator[str]:
    """``root`` (and ``pages``: path -> bytes, served first, read at each request) on http://127.0.0.1:<port>."""
    server = _Server(("127.0.0.1", 0), partial(_Handler, directory=str(root)))
    server.cors, server.pages = cors, pages if pages is not None else {}  # the caller may change it
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def status_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = project_copy(tmp_path_factory.mktemp("banner") / "project", APPROVALS)
    build(project, AT.isoformat(), "public", process=False)
    return (project / "site" / "public").resolve()


@pytest.fixture
def page(tab: Page) -> Iterator[Page]:
    """The module's page, blank, for one test (pytest-playwright's own is a new context and renderer per test), its
    HTTP cache emptied after it as well as the storage where the banner keeps a dismissal."""
    with fresh(tab, clear_cache=True) as page:
        yield page


@pytest.fixture
def watched(page: Page) -> Iterator[tuple[Page, list[str]]]:
    """The page, and every console error, uncaught exception and dialog the host page gets."""
    problems: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console: {message.text}")

    def dialog(dialog: Dialog) -> None:
        problems.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    with listening(
        page, console=console, pageerror=lambda error: problems.append(f"pageerror: {error}"), dialog=dialog
    ):
        yield page, problems


def _note(found: list[str], event: Any) -> None:
    """An uncaught exception or a dialog (dismissed) on the host page, noted."""
    found.append(str(getattr(event, "message", event)))
    if hasattr(event, "dismiss"):
        event.dismiss()


def _banner(page: Page):  # noqa: ANN202 (a Locator)
    return page.locator("[data-crisiskit-banner] [role=status]")  # Playwright's CSS pierces the open shadow root


def test_the_banner_shows_the_open_incident_title_as_text(watched: tuple[Page, list[str]], status_root: Path) -> None:
    page, problems = watched
    with serve(status_root, {"/host.html": host_page("")}) as origin:
        page.goto(f"{origin}/host.html")
        banner = _banner(page)
        expect(banner).to_be_visible()
        link = banner.get_by_role("link")
        expect(link).to_have_count(1)  # the resolved incident is not in the banner
        expect(link).to_have_text(TITLE["en"])  # the <script> in the title is text
        expect(link).to_have_attribute("href", f"{BASE}/en/incidents/outage/")
        expect(banner).to_contain_text(labels("en")["status"]["identified"])
        expect(banner).to_have_attribute("lang", "en")
        expect(banner.get_by_role("button", name="Dismiss")).to_be_visible()
        found = page.evaluate(
            """() => {
                const host = document.querySelector('[data-crisiskit-banner]');
                return {
                    first: document.body.firstElementChild === host,
                    shadow: host.shadowRoot !== null,
                    scripts: host.shadowRoot.querySelectorAll('script').length + document.scripts.length,
                    linkColour: getComputedStyle(host.shadowRoot.querySelector('a')).color,
                };
            }"""
        )
        # at the top of the page, in a shadow root: no script from the title, the host's CSS does not reach in
        assert found == {"first": True, "shadow": True, "scripts": 1, "linkColour": "rgb(90, 46, 0)"}
        expect(page.locator("#brand")).to_have_text("Northwind Foods")
        page.wait_for_load_state("networkidle")
    assert problems == []


def test_the_banner_speaks_the_language_data_lang_names(watched: tuple[Page, list[str]], status_root: Path) -> None:
    page, problems = watched
    with serve(status_root, {"/host.html": host_page("", "zh-Hant")}) as origin:
        page.goto(f"{origin}/host.html")
        banner = _banner(page)
        expect(banner.get_by_role("link")).to_have_text(TITLE["zh-Hant"])
        expect(banner.get_by_role("link")).to_have_attribute("href", f"{BASE}/zh-Hant/incidents/outage/")
        expect(banner).to_have_attribute("lang", "zh-Hant")
        expect(banner.get_by_role("button", name="關閉")).to_be_visible()
        page.wait_for_load_state("networkidle")
    assert problems == []


def test_a_dismissed_banner_stays_dismissed_until_an_update(watched: tuple[Page, list[str]], status_root: Path) -> None:
    page, problems = watched
    pages = {"/host.html": host_page("")}
    with serve(status_root, pages) as origin:
        page.goto(f"{origin}/host.html")
        _banner(page).get_by_role("button", name="Dismiss").click()
        expect(page.locator("[data-crisiskit-banner]")).to_have_count(0)
        page.reload(wait_until="networkidle")
        expect(page.locator("[data-crisiskit-banner]")).to_have_count(0)
        summary = json.loads((status_root / "en" / "api" / "v1" / "summary.json").read_text(encoding="utf-8"))
        summary["open_incidents"][0]["updated_at"] = "2026-11-20T16:00:00+08:00"  # the incident is updated
        pages["/en/api/v1/summary.json"] = json.dumps(summary).encode()
        page.reload()
        expect(_banner(page).get_by_role("link")).to_have_text(TITLE["en"])
    assert problems == []


def test_no_banner_while_no_incident_is_open(watched: tuple[Page, list[str]], status_root: Path) -> None:
    page, problems = watched
    (summary,) = [p for p in api_files([], "en", SiteOptions(f"{BASE}/")) if p.path.name == "summary.json"]
    pages = {"/host.html": host_page(""), "/en/api/v1/summary.json": summary.text.encode()}
    with serve(status_root, pages) as origin:
        with page.expect_response(f"{origin}/en/api/v1/summary.json"):
            page.goto(f"{origin}/host.html")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(200)
        expect(page.locator("[data-crisiskit-banner]")).to_have_count(0)
    assert problems == []


def test_from_another_origin_the_banner_needs_cors_and_never_breaks_the_host(
    tab: Page, status_root: Path, tmp_path: Path
) -> None:
    with serve(status_root, cors=True) as allowed, serve(status_root) as refused:
        for status, shown in ((allowed, 1), (refused, 0)):
            with serve(tmp_path, {"/host.html": host_page(status)}) as host, fresh(tab, clear_cache=True) as page:
                errors: list[str] = []
                with listening(page, pageerror=partial(_note, errors), dialog=partial(_note, errors)):
                    with page.expect_request(f"{status}/en/api/v1/summary.json"):  # refused: no response event
                        page.goto(f"{host}/host.html")
                    page.wait_for_load_state("networkidle")
                    if shown:
                        expect(_banner(page).get_by_role("link")).to_have_text(TITLE["en"])
                    else:
                        page.wait_for_timeout(200)
                    expect(page.locator("[data-crisiskit-banner]")).to_have_count(shown)
                    expect(page.locator("#brand")).to_have_text("Northwind Foods")
                assert errors == []  # a refused fetch is the browser's console note, never an error on the page
