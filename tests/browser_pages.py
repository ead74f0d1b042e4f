"""One browser page reused by many tests, each test given it as a new page would be (issue 15, item 5).

Every new Chromium page (tab) starts a renderer process, about a CPU-second each; a navigation in a page that is
already open costs a fraction of that. A browser test module therefore opens one page per set of context settings
(``opened``) and hands it to each test through ``fresh``, and each test navigates it to its own page and waits for
what it checks. ``fresh`` leaves the page, when the test ends, as the next test needs it: on about:blank (so the
next test's ``goto`` is a full load, never a same-document jump to a fragment), at the context's viewport and
media, the mouse at the corner, and, as in a new context, nothing kept by any origin the test opened (local and
session storage, IndexedDB, cookies; the HTTP cache too with ``clear_cache``). What a test adds itself (listeners,
routes, init scripts, a CDP session) it removes itself, with ``listening`` or in a ``finally``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Frame, Page


@contextlib.contextmanager
def opened(browser: Browser, **settings: Any) -> Iterator[Page]:
    """One page in a context of its own with ``settings`` (``browser.new_context``'s arguments), closed at the end."""
    context = browser.new_context(**settings)
    try:
        yield context.new_page()
    finally:
        context.close()


@contextlib.contextmanager
def listening(page: Page, **handlers: Callable[..., Any]) -> Iterator[Page]:
    """``page`` with ``handlers`` (event name -> handler) listening for as long as the block runs."""
    for event, handler in handlers.items():
        page.on(event, handler)  # type: ignore[call-overload]
    try:
        yield page
    finally:
        for event, handler in handlers.items():
            page.remove_listener(event, handler)


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme in ("http", "https"):
        return f"{parts.scheme}://{parts.netloc}"
    return "file://" if parts.scheme == "file" else None


@contextlib.contextmanager
def fresh(page: Page, *, clear_cache: bool = False) -> Iterator[Page]:
    """``page`` (blank, as ``opened`` or the last ``fresh`` left it) for one test; afterwards blank again, with the
    context's viewport and no media emulation, and nothing stored by any origin the test's frames opened.

    ``clear_cache`` empties the context's HTTP cache too, for pages served without routing (a route turns the cache
    off) whose tests must each start without one, as in a new context.
    """
    assert page.url == "about:blank", f"a reused page must start blank; it is at {page.url}"
    viewport = page.viewport_size
    origins: set[str] = set()

    def navigated(frame: Frame) -> None:
        origin = _origin(frame.url)
        if origin:
            origins.add(origin)

    try:
        with listening(page, framenavigated=navigated):
            yield page
    finally:
        page.goto("about:blank")
        page.emulate_media(media="null")
        if page.viewport_size != viewport and viewport is not None:
            page.set_viewport_size(viewport)
        page.mouse.move(0, 0)
        if origins or clear_cache:
            session = page.context.new_cdp_session(page)
            try:
                for origin in sorted(origins):  # "all" takes sessionStorage too (the banner's dismissal is kept there)
                    session.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
                if clear_cache:
                    session.send("Network.clearBrowserCache")
            finally:
                session.detach()
        page.context.clear_cookies()
