"""``crisiskit serve``: the internal preview, rebuilt on every change.

Watches kits/, content/ (hand-written pages) and overrides/, regenerates
and rebuilds the internal site of each language, and serves site/internal/
on localhost. Generated files are ignored by the watcher so a rebuild does
not trigger itself.
"""

from __future__ import annotations

import functools
import http.server
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from watchfiles import watch

from crisiskit.errors import UserError
from crisiskit.write import read_marker


def _relevant(project: Path) -> Callable[[object, str], bool]:
    build_dirs = (project / "build", project / "site")

    def accept(_change: object, path: str) -> bool:
        p = Path(path)
        if any(d in p.parents for d in build_dirs) or ".crisiskit-tmp-" in p.name or p.name.endswith(".lock"):
            return False
        return not (p.suffix in (".md", ".json") and p.exists() and read_marker(p) is not None)

    return accept


def serve(project: Path, host: str, port: int, rebuild: Callable[[], None], report: Callable[[str], None]) -> None:
    """Build once, serve site/internal/ on host:port, and rebuild on every relevant change."""
    def attempt() -> None:
        try:
            rebuild()
            report(f"rebuilt at {datetime.now(timezone.utc).isoformat(timespec='seconds')}")
        except UserError as error:
            report("\n".join(error.lines()))

    attempt()
    root = project / "site" / "internal"
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer((host, port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    report(f"internal preview: http://{host}:{server.server_address[1]}/ (Ctrl+C stops)")
    watched = [str(project / name) for name in ("kits", "content", "overrides") if (project / name).exists()]
    try:
        for _changes in watch(*watched, watch_filter=_relevant(project)):
            attempt()
    finally:
        server.shutdown()
