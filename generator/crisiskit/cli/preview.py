"""The preview's HTTP side: MkDocs' live-reload server, taught three things crisiskit needs.

MkDocs' ``LiveReloadServer`` brings the threaded server, the rebuild loop that waits for changes
to settle, and the long-poll endpoint (``/livereload/<epoch>/<id>``) that tells a page a newer
build exists. What it does not do, this subclass adds:

- **The live release, resolved per request.** ``site/internal`` is a link that the publish step
  swaps in one rename when a build is complete and verified. Each request resolves the link, so
  a request during a rebuild gets the previous complete build (MkDocs would hold it until the
  build ends, and forever if the build fails), and a finished rebuild is served whole.
- **The reload script from a file, not inline.** The site's Content-Security-Policy allows
  scripts only from the site's own origin (``script-src 'self'``), so MkDocs' inline script would
  be blocked. The same script is served from :data:`SCRIPT_PATH` and referenced by a
  ``<script src>`` added to each HTML response. Nothing is written into the built files: the
  leak-scanned, CSP-protected tree stays exactly what ``build`` publishes.
- **A failed rebuild in the page.** While the last rebuild failed, every HTML response carries
  a banner listing each problem (``file:line:column ...``, escaped as text) above the previous
  build. A failed rebuild counts as a new epoch too, so open pages reload to show the banner,
  and reload again when a fix builds.

Only files under the watched folders that :func:`accept` lets through start a rebuild, so the
pages the build itself writes into content/ do not start another.

The subclass leans on the server's internals (its conditions, epochs and watch table, the
script template), which MkDocs does not promise to keep: pyproject pins MkDocs below 2, and
tests/test_serve.py (a page that reloads by itself in chromium) fails if an upgrade moves them.
"""

from __future__ import annotations

import html
import logging
import os
import posixpath
import re
import threading
import urllib.parse
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import watchdog.events
from mkdocs.livereload import _SCRIPT_TEMPLATE, LiveReloadServer

log = logging.getLogger(__name__)

SCRIPT_PATH = "/.crisiskit-preview/livereload/"  # + "<epoch>/<request id>.js"
BANNER_ID = "crisiskit-preview-problems"
_CHANGES = ("created", "deleted", "modified", "moved")
_POLL = re.compile(r"/livereload/[0-9]+/[0-9]+")
_SCRIPT = re.compile(re.escape(SCRIPT_PATH) + r"([0-9]+)/([0-9]+)\.js")
_BANNER_STYLE = (
    "position:fixed;top:0;left:0;right:0;z-index:100000;max-height:60vh;overflow:auto;margin:0;"
    "padding:1em;background:#8b0000;color:#fff;font:14px/1.5 monospace"
)


class PreviewServer(LiveReloadServer):
    """MkDocs' live-reload server serving the release ``live`` links to, with the last rebuild's problems."""

    def __init__(
        self, builder: Callable[[], None], host: str, port: int, live: Path, accept: Callable[[str], bool]
    ) -> None:
        super().__init__(builder, host, port, str(live), polling_interval=0.5)
        self.live = live
        self.accept = accept
        self.problems: list[str] = []  # the last rebuild's problems; empty once a rebuild succeeds
        self._counter = 0
        self._counter_lock = threading.Lock()

    def watch(self, path: str, func: None = None, *, recursive: bool = True) -> None:
        """Rebuild on a change under ``path`` that ``accept`` lets through (MkDocs' own watch takes every file)."""
        path = os.path.abspath(path)
        if path in self._watched_paths:
            return

        def changed(event: watchdog.events.FileSystemEvent) -> None:
            if event.is_directory or event.event_type not in _CHANGES:
                return
            paths = [os.fsdecode(p) for p in (event.src_path, getattr(event, "dest_path", "")) if p]
            try:
                wanted = any(self.accept(p) for p in paths)
            except OSError as error:  # a file vanishing while it is looked at: rebuild, to be sure
                log.debug("cannot inspect %s (%s): rebuilding", paths, error)
                wanted = True
            if not wanted:
                return
            log.debug("changed: %s", " -> ".join(paths))
            with self._rebuild_cond:
                self._want_rebuild = True
                self._rebuild_cond.notify_all()

        handler = watchdog.events.FileSystemEventHandler()
        handler.on_any_event = changed  # type: ignore[method-assign]
        self._watched_paths[path] = 1
        self._watch_refs[path] = self.observer.schedule(handler, path, recursive=recursive)

    def request_stop(self) -> None:
        """Make the rebuild loop return (callable from any thread); ``shutdown`` then closes everything."""
        with self._rebuild_cond:
            self._shutdown = True
            self._rebuild_cond.notify_all()

    def _serve_request(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes] | None:
        path = environ["PATH_INFO"].encode("latin-1").decode("utf-8", "ignore")
        if _POLL.fullmatch(path):  # MkDocs' long poll: answered when a newer build (or failure) exists
            return super()._serve_request(environ, start_response)
        script = _SCRIPT.fullmatch(path)
        if script:
            body = _SCRIPT_TEMPLATE.substitute(epoch=int(script[1]), request_id=int(script[2])).encode()
            return self._respond(start_response, "200 OK", "application/javascript", body)
        with self._epoch_cond:  # the epoch before the file: a build finishing after this read still reloads the page
            epoch = self._visible_epoch
        problems = list(self.problems)
        relative = posixpath.normpath("/" + path + ("index.html" if path.endswith("/") else "")).lstrip("/")
        found = self._read(relative)
        if found is None:
            if not path.endswith("/") and self._read(posixpath.join(relative, "index.html")) is not None:
                start_response("302 Found", [("Location", urllib.parse.quote(path) + "/")])
                return []
            page = (
                f"<!doctype html><html><head><title>not in the preview</title></head><body><p>"
                f"{html.escape(path)} is not in the internal preview (yet).</p></body></html>"
            ).encode()
            return self._respond(
                start_response, "404 Not Found", "text/html; charset=utf-8", self._inject(page, epoch, problems)
            )
        file_path, content = found
        content_type = self._guess_type(file_path)
        if file_path.endswith(".html"):
            content = self._inject(content, epoch, problems)
        return self._respond(start_response, "200 OK", content_type, content)

    def _read(self, relative: str) -> tuple[str, bytes] | None:
        """The file at ``relative`` in the live release; re-resolved once if a switch removed the release meanwhile."""
        for _attempt in range(2):
            root = os.path.realpath(self.live)
            file_path = os.path.join(root, relative)
            try:
                with open(file_path, "rb") as file:
                    return file_path, file.read()
            except OSError:
                if os.path.realpath(self.live) == root:
                    return None
        return None

    def _inject(self, content: bytes, epoch: int, problems: list[str]) -> bytes:
        with self._counter_lock:
            self._counter += 1
            request_id = self._counter
        added = _banner(problems) + f'<script src="{SCRIPT_PATH}{epoch}/{request_id}.js"></script>'
        end = content.rfind(b"</body>")
        end = len(content) if end < 0 else end
        return content[:end] + added.encode("utf-8") + content[end:]

    @staticmethod
    def _respond(start_response: Callable[..., Any], status: str, content_type: str, body: bytes) -> list[bytes]:
        start_response(
            status, [("Content-Type", content_type), ("Content-Length", str(len(body))), ("Cache-Control", "no-store")]
        )
        return [body]


def _banner(problems: list[str]) -> str:
    """The failed rebuild's problems as an HTML banner; every problem is text (escaped), never markup."""
    if not problems:
        return ""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in problems)
    return (
        f'<div id="{BANNER_ID}" role="alert" style="{_BANNER_STYLE}"><p><strong>The last rebuild failed'
        f"</strong>: the preview still serves the last complete build. Fix these problems and save; the "
        f'page reloads.</p><ul style="margin:0;padding-left:1.5em">{items}</ul></div>'
    )
