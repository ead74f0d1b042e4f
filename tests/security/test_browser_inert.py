"""A hostile site in a real browser (Debian's chromium): no kit text runs, no request leaves the server.

Kit fields carry payloads that would announce themselves if they ever ran (a dialog, a title change, a
console message, a request to evil.example) or load something from elsewhere (a tracking image, a
frame). The approved site is built for real, served on 127.0.0.1, and every page a reader reaches is
opened with every request routed: anything not for the local server is aborted and recorded. The
theme's own search must still work under the Content-Security-Policy, with no violation reported.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Response, Route, expect
from redteam import BEFORE_EMBARGO, approve_all, built, make_project, rules_off, run
from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString

from browser_pages import listening, opened

KIT = "kits/acme-outage.yml"
PAGES = [
    "en/",
    "en/incidents/",
    "en/incidents/acme-outage/",
    "en/incidents/acme-outage/revisions/1/",
    "en/incidents/acme-outage/faq/",
    "zh-Hant/incidents/acme-outage/",
]
# Each payload, if it ever ran or loaded, would leave a trace the test looks for.
PAYLOADS = {
    ("title", "en"): "Acme <script>alert('pwned')</script> outage",
    ("headline", "en"): "Down <img src=x onerror=\"document.title='pwned'\">",
    ("acknowledgement", "en"): "We are sorry.\n\n<svg onload=\"console.log('pwned')\"></svg>\n"
    "<script>fetch('https://evil.example/pwned')</script>",
    ("not_yet_known", "en"): "We do not know yet. ![t](https://evil.example/t.png)\n\n"
    '<iframe src="https://evil.example/frame"></iframe>',
    ("faq_answer", "en"): "Yes.\n\n<details open ontoggle=\"alert('pwned')\">x</details>\n"
    '<img src="https://evil.example/track.png">',
    ("organization", "en"): 'Acme <object data="https://evil.example/o"></object>',
}
_NOT_FOUND = "error: Failed to load resource: the server responded with a status of 404"
APPROVER = "<img src=https://evil.example/approver.png onerror=alert(1)>"


def _hostile(project: Path) -> None:
    yaml = YAML()
    yaml.width = 4096
    data = yaml.load((project / KIT).read_text(encoding="utf-8"))
    statement = data["updates"][0]["statement"]
    for (field, language), payload in PAYLOADS.items():
        value = LiteralScalarString(payload) if "\n" in payload else payload
        if field == "title":
            data["title"][language] = value
        elif field == "organization":
            data["organization"]["name"][language] = value
        elif field == "faq_answer":
            data["faq"][0]["answer"][language] = value
        else:
            statement[field][language] = value
    with (project / KIT).open("w", encoding="utf-8") as out:
        yaml.dump(data, out)
    approve_all(project)
    result = run(project, "approve", KIT, "--revision", "1", "--role", "legal", "--by", APPROVER)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def local_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The hostile public site, built and served over HTTP on 127.0.0.1 (an ephemeral port)."""
    project = make_project(tmp_path_factory.mktemp("inert") / "project", approve=False)
    _hostile(project)
    rules_off(project)  # the renderer's own defence, with nothing held back by the rules
    public = built(project, BEFORE_EMBARGO, process=False) / "public"
    handler = partial(_QuietHandler, directory=str(public))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


class Watch:
    """Everything a page did that a test must see: dialogs, console messages, errors, outside requests."""

    def __init__(self, origin: str):
        self.dialogs: list[str] = []
        self.console: list[str] = []
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.failed: list[str] = []
        self.netloc = urlsplit(origin).netloc

    @contextlib.contextmanager
    def watching(self, page: Page) -> Iterator[Watch]:
        """Every request of ``page``'s context routed (outside ones aborted and noted), its events noted, while the
        block runs; then the page is left for about:blank and the route removed."""

        def route(route: Route) -> None:
            if urlsplit(route.request.url).netloc == self.netloc:
                route.continue_()
            else:
                self.outside.append(route.request.url)
                route.abort()

        def dialog(d: Dialog) -> None:
            self.dialogs.append(d.message)
            d.dismiss()

        def console(message: ConsoleMessage) -> None:
            self.console.append(f"{message.type}: {message.text}")

        def response(response: Response) -> None:
            if response.status >= 400:
                self.failed.append(response.url)

        page.context.route("**/*", route)  # the context's routes see the search worker's requests too
        try:
            with listening(
                page, dialog=dialog, console=console, pageerror=lambda e: self.errors.append(str(e)), response=response
            ):
                yield self
        finally:
            page.goto("about:blank")  # nothing of the test's page is left to request anything unrouted
            page.context.unroute("**/*", route)

    def quiet(self) -> dict[str, list[str]]:
        """What happened that must not have: empty lists everywhere when the page is inert.

        One known miss is the theme's, not a kit's: Material looks for a language sitemap next to every
        <link rel=alternate>, and the incident's own feed links have none beside them (a 404 logged as a
        console error). Only that is set aside, and only when a sitemap.xml is all that failed.
        """
        failed = [url for url in self.failed if not url.endswith("/sitemap.xml")]
        console = [m for m in self.console if failed or not m.startswith(_NOT_FOUND)]
        return {
            k: v
            for k, v in (
                ("dialogs", self.dialogs),
                ("console", console),
                ("errors", self.errors),
                ("outside requests", self.outside),
                ("failed requests", failed),
            )
            if v
        }


@pytest.fixture(scope="module")
def tab(browser: Browser, browser_context_args: dict) -> Iterator[Page]:
    """One page for the module (pytest-playwright's context settings), each document it loads reporting every
    Content-Security-Policy violation in ``window.__violations``."""
    with opened(browser, **browser_context_args) as page:
        page.add_init_script(
            "window.__violations = [];"
            "document.addEventListener('securitypolicyviolation', e => "
            "window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
        )
        yield page


@pytest.fixture
def watch(page: Page, local_site: str) -> Iterator[Watch]:
    with Watch(local_site).watching(page) as watch:
        yield watch


@pytest.mark.parametrize("path", PAGES)
def test_no_kit_text_runs_or_loads_anything(page: Page, watch: Watch, local_site: str, path: str) -> None:
    page.goto(local_site + path, wait_until="networkidle")
    page.locator("details").evaluate_all("nodes => nodes.forEach(n => n.open = !n.open)")  # none should exist
    page.wait_for_timeout(300)
    assert page.title() != "pwned"  # what the headline's onerror would set it to
    assert page.evaluate("window.__violations") == []
    assert watch.quiet() == {}
    assert page.locator("iframe, object, embed, details, img[src*='evil']").count() == 0


def test_the_payload_is_shown_as_text(page: Page, watch: Watch, local_site: str) -> None:
    page.goto(local_site + "en/incidents/acme-outage/", wait_until="networkidle")
    expect(page.locator("article h1")).to_have_text("Down <img src=x onerror=\"document.title='pwned'\">")
    expect(page.locator("article")).to_contain_text("<svg onload=\"console.log('pwned')\"></svg>")
    expect(page.locator("article")).not_to_contain_text("approver.png")  # who approved is named internally only
    assert watch.quiet() == {}


def test_theme_search_works_under_the_content_security_policy(page: Page, watch: Watch, local_site: str) -> None:
    page.goto(local_site + "en/", wait_until="networkidle")
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially("website", delay=30)
    results = page.locator(".md-search-result__item a")
    expect(results.first).to_be_visible(timeout=15000)
    hrefs = [results.nth(i).get_attribute("href") or "" for i in range(results.count())]
    assert any("incidents/acme-outage" in href for href in hrefs), hrefs
    expect(page.locator(".md-search-result")).to_contain_text("Down <img src=x onerror")  # the headline, as text
    search.fill("")
    search.press_sequentially("sorry", delay=30)  # the acknowledgement that quotes an <svg onload>
    expect(results.first).to_be_visible(timeout=15000)
    page.wait_for_timeout(300)
    assert page.evaluate("window.__violations") == []
    assert watch.quiet() == {}
    assert page.title() != "pwned"  # what the headline's onerror would set it to
