"""Benchmark: how the public site grows with the number of incidents.

Makes N copies of a small approved incident (half of them resolved), builds
the public English site with `crisiskit build`, and reports build time, the
total size of the HTML, and the size of one statement page. With a bounded
navigation (open incidents only, at most 20), a page's size stays flat as
incidents accumulate; a full navigation would grow every page with N.

    python scripts/benchmark.py 10 250
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KIT = ROOT / "tests/testdata/test_render/minimal/kits/minimal.yml"
AT = "2026-11-21T00:00:00+08:00"


def make_project(target: Path, count: int) -> None:
    (target / "kits").mkdir(parents=True)
    shutil.copytree(ROOT / "overrides", target / "overrides")
    shutil.copytree(ROOT / "content", target / "content", ignore=shutil.ignore_patterns("incidents"))
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    source = KIT.read_text(encoding="utf-8")
    for index in range(count):
        text = source.replace("id: minimal", f"id: incident-{index:04d}")
        if index % 2:
            text = text.replace("status: investigating", "status: resolved")
        (target / "kits" / f"incident-{index:04d}.yml").write_text(text, encoding="utf-8")
    from crisiskit.pipeline import compose, read_incidents, read_site_options
    from crisiskit.review.approve import approve

    site = read_site_options(target)
    for kit in sorted((target / "kits").glob("*.yml")):
        approve(
            target,
            kit,
            1,
            "communications",
            "Bench",
            compose_kit=lambda kit=kit: compose(read_incidents([kit]), site)[0],
        )


def measure(count: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch) / "site"
        make_project(project, count)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "crisiskit", "build", "--at", AT, "--audience", "public"],
            cwd=project,
            check=True,
            capture_output=True,
        )
        seconds = time.perf_counter() - start
        html = list((project / "site/public/en").rglob("*.html"))
        page = project / "site/public/en/incidents/incident-0000/index.html"
        return {
            "incidents": count,
            "build_s": round(seconds, 1),
            "html_pages": len(html),
            "html_total_kb": round(sum(p.stat().st_size for p in html) / 1024),
            "statement_page_kb": round(page.stat().st_size / 1024, 1),
        }


if __name__ == "__main__":
    counts = [int(n) for n in sys.argv[1:]] or [10, 100]
    for n in counts:
        print(measure(n), flush=True)
