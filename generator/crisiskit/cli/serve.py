"""``crisiskit serve``: the internal preview, rebuilt on every change, reloading the browser.

Watches kits/, content/ (hand-written pages) and overrides/, regenerates
and rebuilds the internal site of each language, and serves site/internal/
through MkDocs' live-reload server (``cli/preview.py``): open pages reload
when a rebuild ends, requests during a rebuild get the previous complete
build, and a failed rebuild's problems appear in the page as well as in the
terminal. Generated files are ignored by the watcher so a rebuild does not
trigger itself.

The internal site holds the Q&A, drafts and embargoed text, so it is served
on loopback only; any other address takes ``expose=True`` (the CLI's
``--expose-internal``) and a warning. The port is bound before the first
build, so a busy port is reported at once, not after a full build.
"""

from __future__ import annotations

import errno
import ipaddress
import logging
import socket
import threading
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from crisiskit.cli.preview import PreviewServer
from crisiskit.errors import SystemProblem, UserError
from crisiskit.write import read_marker

log = logging.getLogger(__name__)

EXPOSED_WARNING = (
    "warning: serving the INTERNAL site (Q&A, do-not-say lists, drafts, embargoed and unapproved "
    "text) to the network at {url}: anyone who can reach this machine can read it; stop with Ctrl+C"
)


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only: ``localhost`` or a loopback address (127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything, so it counts as the network


def _relevant(project: Path) -> Callable[[str], bool]:
    build_dirs = (project / "build", project / "site")

    def accept(path: str) -> bool:
        p = Path(path)
        if any(d in p.parents for d in build_dirs) or ".crisiskit-tmp-" in p.name or p.name.endswith(".lock"):
            return False
        return not (p.suffix in (".md", ".json") and p.exists() and read_marker(p) is not None)

    return accept


def bind(host: str, port: int, project: Path, rebuild: Callable[[], None]) -> PreviewServer:
    """A live-reload server bound to host:port for ``project`` (not yet answering); a busy port is a UserError."""
    try:
        server = PreviewServer(rebuild, host.strip("[]"), port, project / "site" / "internal", _relevant(project))
    except OSError as error:  # creating the socket: no IPv6 on this machine, say
        raise UserError(_bind_problem(host, port, error)) from None
    try:
        server.server_bind()
        server.server_activate()
    except socket.gaierror:
        server.server_close()
        raise UserError(
            f"--host {host}: expected an address of this machine, like 127.0.0.1; got a name that does not resolve"
        ) from None
    except OSError as error:
        server.server_close()
        raise UserError(_bind_problem(host, port, error)) from None
    return server


def _bind_problem(host: str, port: int, error: OSError) -> str:
    if error.errno == errno.EADDRINUSE:
        return (
            f"port {port} on {host} is already in use: stop the program using it, or choose another port "
            f"with --port (--port 0 picks a free one)"
        )
    if error.errno in (errno.EACCES, errno.EPERM):
        return f"port {port} on {host} needs administrator rights: choose a port above 1023 with --port"
    if error.errno == errno.EADDRNOTAVAIL:
        return f"--host {host}: expected an address of this machine, like 127.0.0.1; got one it does not have"
    return f"cannot serve on {host} port {port}: {error.strerror or error}"


def serve(
    project: Path,
    host: str,
    port: int,
    rebuild: Callable[[], object],
    report: Callable[[str], None],
    *,
    expose: bool = False,
    stop: threading.Event | None = None,
) -> None:
    """Bind host:port, build once, serve site/internal/, and rebuild on every relevant change until ``stop``.

    Refuses (ValueError) a host that is not loopback unless ``expose`` is set; then it says, before
    anything is served, that the internal site is open to the network. A failed rebuild is reported
    and shown in the page; a bug in the first build ends the command (it cannot serve anything), a
    bug in a later one is logged with its traceback and shown in the page, and the preview goes on.
    """
    if not is_loopback(host) and not expose:
        raise ValueError(f"{host} is not a loopback address")
    first = True

    def attempt() -> None:
        try:
            rebuild()
        except (UserError, OSError) as error:  # reported; the preview goes on and retries on the next change
            server.problems = (error if isinstance(error, UserError) else SystemProblem(error)).lines()
            report("\n".join(server.problems))
            return
        except Exception:
            if first:
                raise
            log.error("the rebuild failed with a bug in crisiskit:\n%s", traceback.format_exc().rstrip())
            server.problems = [
                "crisiskit hit a bug while rebuilding (not a problem in your kits): the traceback is in the terminal"
            ]
            return
        server.problems = []
        log.info("rebuilt at %s", datetime.now(UTC).isoformat(timespec="seconds"))

    server = bind(host, port, project, attempt)
    try:
        shown_host = f"[{host.strip('[]')}]" if ":" in host else host
        url = f"http://{shown_host}:{server.server_address[1]}/"
        if not is_loopback(host):
            report(EXPOSED_WARNING.format(url=url))
        for name in ("kits", "content", "overrides"):
            if (project / name).is_dir():
                server.watch(str(project / name))
        server.observer.start()  # before the first build: a change saved while it runs starts another
        attempt()
        first = False
        server.serve_thread.start()
        report(f"internal preview: {url} (Ctrl+C stops)")
        if stop is not None:
            threading.Thread(target=_stop_on, args=(stop, server), daemon=True).start()
        server._build_loop()  # MkDocs' loop: waits for changes to settle, rebuilds, tells open pages to reload
    finally:
        server.shutdown()
        if server.observer.is_alive():
            server.observer.join(timeout=10)


def _stop_on(stop: threading.Event, server: PreviewServer) -> None:
    """Once ``stop`` is set, end the rebuild loop (the caller's ``finally`` then shuts the server down)."""
    stop.wait()
    server.request_stop()
