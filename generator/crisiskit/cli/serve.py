"""``crisiskit serve``: the internal preview, rebuilt on every change.

Watches kits/, content/ (hand-written pages) and overrides/, regenerates
and rebuilds the internal site of each language, and serves site/internal/.
Generated files are ignored by the watcher so a rebuild does not trigger
itself.

The internal site holds the Q&A, drafts and embargoed text, so it is served
on loopback only; any other address takes ``expose=True`` (the CLI's
``--expose-internal``) and a warning. The port is bound before the first
build, so a busy port is reported at once, not after a full build.
"""

from __future__ import annotations

import errno
import functools
import http.server
import ipaddress
import socket
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from watchfiles import watch

from crisiskit.errors import SystemProblem, UserError
from crisiskit.write import read_marker

EXPOSED_WARNING = ("warning: serving the INTERNAL site (Q&A, do-not-say lists, drafts, embargoed and unapproved "
                   "text) to the network at {url}: anyone who can reach this machine can read it; stop with Ctrl+C")


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only: ``localhost`` or a loopback address (127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything, so it counts as the network


def _relevant(project: Path) -> Callable[[object, str], bool]:
    build_dirs = (project / "build", project / "site")

    def accept(_change: object, path: str) -> bool:
        p = Path(path)
        if any(d in p.parents for d in build_dirs) or ".crisiskit-tmp-" in p.name or p.name.endswith(".lock"):
            return False
        return not (p.suffix in (".md", ".json") and p.exists() and read_marker(p) is not None)

    return accept


class _PreviewServer6(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6


def bind(host: str, port: int, root: Path) -> http.server.ThreadingHTTPServer:
    """A server bound to host:port serving ``root`` (not yet answering); a busy port is a UserError naming it."""
    server_class = _PreviewServer6 if ":" in host else http.server.ThreadingHTTPServer
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    try:
        return server_class((host.strip("[]"), port), handler)
    except socket.gaierror:
        raise UserError(f"--host {host}: expected an address of this machine, like 127.0.0.1; got a name that "
                        "does not resolve") from None
    except OSError as error:
        raise UserError(_bind_problem(host, port, error)) from None


def _bind_problem(host: str, port: int, error: OSError) -> str:
    if error.errno == errno.EADDRINUSE:
        return (f"port {port} on {host} is already in use: stop the program using it, or choose another port "
                f"with --port (--port 0 picks a free one)")
    if error.errno in (errno.EACCES, errno.EPERM):
        return f"port {port} on {host} needs administrator rights: choose a port above 1023 with --port"
    if error.errno == errno.EADDRNOTAVAIL:
        return f"--host {host}: expected an address of this machine, like 127.0.0.1; got one it does not have"
    return f"cannot serve on {host} port {port}: {error.strerror or error}"


def serve(project: Path, host: str, port: int, rebuild: Callable[[], None], report: Callable[[str], None], *,
          expose: bool = False, stop: threading.Event | None = None) -> None:
    """Bind host:port, build once, serve site/internal/, and rebuild on every relevant change until ``stop``.

    Refuses (ValueError) a host that is not loopback unless ``expose`` is set; then it says, before
    anything is served, that the internal site is open to the network.
    """
    if not is_loopback(host) and not expose:
        raise ValueError(f"{host} is not a loopback address")
    server = bind(host, port, project / "site" / "internal")
    answering: threading.Thread | None = None
    try:
        shown_host = f"[{host.strip('[]')}]" if ":" in host else host
        url = f"http://{shown_host}:{server.server_address[1]}/"
        if not is_loopback(host):
            report(EXPOSED_WARNING.format(url=url))

        def attempt() -> None:
            try:
                rebuild()
                report(f"rebuilt at {datetime.now(timezone.utc).isoformat(timespec='seconds')}")
            except (UserError, OSError) as error:  # reported; the preview goes on and retries on the next change
                report("\n".join((error if isinstance(error, UserError) else SystemProblem(error)).lines()))

        attempt()
        answering = threading.Thread(target=server.serve_forever, daemon=True)
        answering.start()
        report(f"internal preview: {url} (Ctrl+C stops)")
        watched = [str(project / name) for name in ("kits", "content", "overrides") if (project / name).exists()]
        for _changes in watch(*watched, watch_filter=_relevant(project), stop_event=stop):
            attempt()
    finally:
        if answering is not None:
            server.shutdown()  # waits for serve_forever to return, so only once it was started
        server.server_close()
