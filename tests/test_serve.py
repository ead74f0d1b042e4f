"""`crisiskit serve`: the internal preview on localhost, rebuilt when a kit changes."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
import redteam as security
from playwright.sync_api import Page, expect

from crisiskit.cli.preview import BANNER_ID
from crisiskit.cli.serve import serve
from crisiskit.pipeline import build
from sites import copy_project


def _wait_for(process: subprocess.Popen, pattern: str, timeout: float) -> re.Match[str]:
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            if process.poll() is not None:
                break
            continue
        seen.append(line)
        match = re.search(pattern, line)
        if match:
            return match
    raise AssertionError(f"serve never said {pattern!r}; it said:\n{''.join(seen)}")


def test_serve_rebuilds_the_internal_preview_when_a_kit_changes(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    process = subprocess.Popen(
        [sys.executable, "-m", "crisiskit", "serve", "--port", "0"],
        cwd=project,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        bufsize=1,
    )
    try:
        url = _wait_for(process, r"internal preview: (http://127\.0\.0\.1:\d+/)", 600).group(1)
        with urllib.request.urlopen(f"{url}en/incidents/store-incident/", timeout=10) as response:
            assert response.status == 200
        # a hand-written page (the internal home is generated: render/internal.py)
        page = project / "content/en/notes.md"
        page.write_text("---\naudience: internal\n---\n# Notes\n\nPREVIEW-MARKER\n", encoding="utf-8")
        _wait_for(process, r"rebuilt at", 600)
        with urllib.request.urlopen(f"{url}en/notes.html", timeout=10) as response:
            assert "PREVIEW-MARKER" in response.read().decode("utf-8")
        kit = project / "kits/store-incident.yml"
        kit.write_text(kit.read_text(encoding="utf-8") + "# reviewed\n", encoding="utf-8")
        _wait_for(process, r"rebuilt at", 600)
    finally:
        process.terminate()
        process.wait(timeout=30)


# In-process preview of the red-team fixture project: the live-reload server, its rebuilds and its banner.

LIVE = "/en/incidents/acme-outage/"
HEADLINE = "SECRET draft headline the website is back"
WAIT = 180.0  # every wait below ends by then, passing or failing with what it saw


class _Page(HTMLParser):
    """The parts of a preview page the tests read: its h1, the problem banner's items, the scripts it loads."""

    def __init__(self, text: str):
        super().__init__()
        self.h1, self.problems, self.scripts, self.closed = "", [], [], False
        self._in: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id") == BANNER_ID:
            self._in.append("banner")
        if tag == "li" and "banner" in self._in:
            self.problems.append("")
            self._in.append("li")
        if tag == "h1" and not self.h1:
            self._in.append("h1")
        if tag == "script":
            self.scripts.append(attributes.get("src") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "html":
            self.closed = True
        if self._in and tag in ("h1", "li"):
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if self._in and self._in[-1] == "h1":
            self.h1 += data
        elif self._in and self._in[-1] == "li":
            self.problems[-1] += data


class Preview:
    """``serve`` running in a thread on a free loopback port, with hooks around each rebuild."""

    def __init__(self, project: Path):
        self.project = project
        self.stop = threading.Event()
        self.ready = threading.Event()
        self.said: list[str] = []
        self.before_build: Callable[[], None] = lambda: None
        self.url = ""
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.failure: BaseException | None = None

    def _run(self) -> None:
        try:
            serve(self.project, "127.0.0.1", 0, self._rebuild, self._report, stop=self.stop)
        except BaseException as error:  # noqa: BLE001 - handed to the test thread, which fails with it
            self.failure = error
            self.ready.set()

    def _rebuild(self) -> None:
        self.before_build()
        build(self.project, at=datetime.fromisoformat(security.BEFORE_EMBARGO), audiences=("internal",))

    def _report(self, message: str) -> None:
        self.said.append(message)
        match = re.match(r"internal preview: (http://127\.0\.0\.1:\d+)/", message)
        if match:
            self.url = match.group(1)
            self.ready.set()

    def get(self, path: str = LIVE) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def until(self, accept: Callable[[_Page], bool], what: str) -> _Page:
        """The live page once ``accept`` holds; fails with what was last served if it never does within WAIT."""
        deadline = time.monotonic() + WAIT
        last = ""
        while time.monotonic() < deadline:
            status, text = self.get()
            page = _Page(text)
            if status == 200 and accept(page):
                return page
            last = f"{status}: h1 {page.h1!r}, problems {page.problems}"
            time.sleep(0.2)
        raise AssertionError(f"the preview never showed {what}; last served {last}; serve said {self.said}")


@pytest.fixture
def preview(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Preview]:
    project = security.make_project(tmp_path / "project", approve=False)
    monkeypatch.chdir(project)  # kit paths in problems as the CLI shows them: relative to the project
    running = Preview(project)
    running.thread.start()
    try:
        assert running.ready.wait(WAIT), f"serve never became ready; it said {running.said}"
        assert running.failure is None, running.failure
        yield running
    finally:
        running.stop.set()
        running.thread.join(WAIT)
        assert not running.thread.is_alive(), "serve did not stop"


def _edit(project: Path, old: str, new: str) -> None:
    kit = project / "kits/acme-outage.yml"
    text = kit.read_text(encoding="utf-8")
    assert old in text
    kit.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_broken_kit_shows_its_problems_in_the_page_until_a_fix_builds(preview: Preview) -> None:
    first = preview.until(lambda page: page.h1 == HEADLINE, "the first build")
    assert first.problems == [] and first.closed
    assert any(src.startswith("/.crisiskit-preview/livereload/") for src in first.scripts)  # a file: CSP allows it
    _edit(preview.project, "severity: minor", "severity: <b>huge</b>")
    broken = preview.until(lambda page: bool(page.problems), "the problem banner")
    assert broken.problems == [
        'kits/acme-outage.yml:18:11 severity: expected one of minor, moderate, severe; got "<b>huge</b>"'
    ]  # the kit's text as text: escaped, not markup
    assert broken.h1 == HEADLINE  # over the previous complete build
    _edit(preview.project, "severity: <b>huge</b>", "severity: minor")
    _edit(preview.project, HEADLINE, "Fixed headline")
    # The new release goes live inside the build, the banner goes when the build returns: both, shortly.
    fixed = preview.until(lambda page: page.h1 == "Fixed headline" and not page.problems, "the fix, without a banner")
    assert fixed.closed
    site = preview.project / "site/internal/en/incidents/acme-outage/index.html"
    assert "livereload" not in site.read_text(encoding="utf-8")  # injected in the response, never in the files


def test_requests_during_a_rebuild_get_the_previous_complete_build(preview: Preview) -> None:
    preview.until(lambda page: page.h1 == HEADLINE, "the first build")
    rebuilding, answered, done = threading.Event(), threading.Event(), threading.Event()
    served: list[tuple[int, str, bool]] = []

    def hold() -> None:  # the rebuild starts only once a request has been answered while it is under way
        rebuilding.set()
        assert answered.wait(WAIT)

    def ask() -> None:
        assert rebuilding.wait(WAIT)
        deadline = time.monotonic() + WAIT
        while not done.is_set() and time.monotonic() < deadline:
            status, text = preview.get()
            page = _Page(text)
            served.append((status, page.h1, page.closed))
            answered.set()

    preview.before_build = hold
    asking = threading.Thread(target=ask, daemon=True)
    asking.start()
    _edit(preview.project, HEADLINE, "Rebuilt headline")
    preview.until(lambda page: page.h1 == "Rebuilt headline", "the rebuilt headline")
    done.set()
    asking.join(WAIT)
    assert served, "no request was answered during the rebuild"
    assert {status for status, _, _ in served} == {200}
    assert all(closed for _, _, closed in served)  # whole pages, never a partial file
    assert {h1 for _, h1, _ in served} <= {HEADLINE, "Rebuilt headline"} and served[0][1] == HEADLINE


def test_an_open_page_reloads_by_itself_after_a_change(preview: Preview, page: Page) -> None:
    blocked: list[str] = []
    page.on(
        "console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.goto(preview.url + LIVE)
    expect(page.locator("h1")).to_have_text(HEADLINE, timeout=WAIT * 1000)
    _edit(preview.project, "severity: minor", "severity: huge")
    expect(page.locator(f"#{BANNER_ID} li")).to_contain_text("severity: expected one of", timeout=WAIT * 1000)
    _edit(preview.project, "severity: huge", "severity: minor")
    _edit(preview.project, HEADLINE, "Reloaded headline")
    expect(page.locator("h1")).to_have_text("Reloaded headline", timeout=WAIT * 1000)  # no page.reload()
    expect(page.locator(f"#{BANNER_ID}")).to_have_count(0)
    ours = [m for m in blocked if "inline script" in m or "crisiskit-preview" in m or "livereload" in m]
    assert ours == [], blocked  # (the theme's own search shim from unpkg.com is blocked, as on the built site)
