"""Benchmark: what one update costs as the archive grows (issue 12), and the first-statement drill.

For each size N, a realistic corpus (scripts/corpus.py: the sample kits with their scenarios copied
round-robin under new ids and re-approved, three or four revisions each, FAQ, Q&A, every channel, en
and zh-Hant) is built in a scratch folder and measured with the real command line:

- check: `crisiskit check kits` (every rule over every incident), then again with nothing changed
  (build/cache/ remembers each kit's findings);
- generate: `crisiskit generate` into an empty content/, then again with nothing changed;
- full build: `crisiskit build --audience public` from nothing (no site/, no build/);
- engine: MkDocs itself (`mkdocs build`) over the very trees and configs that build left in build/,
  one after the other: what the engine alone costs for the same pages;
- publish one revision: one approved revision added to one incident, then `crisiskit build
  --audience public` until it is live (its page is checked to be there);
- peak memory: the largest total resident memory of the command and all its processes (sampled);
- HTML per page and one statement page's size, on the English public site.

Timings belong here and in the README, never in a unit test.

    python scripts/benchmark.py 100 250 1000 [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from corpus import AT, add_revision, make_corpus  # noqa: E402

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def _tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and every process descended from it."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * PAGE_SIZE
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def run(project: Path, *args: str) -> tuple[float, int, subprocess.CompletedProcess[str]]:
    """Run crisiskit in ``project``: (seconds, peak bytes of its process tree, result)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "crisiskit", *args],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = [0]

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], _tree_rss(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - start
    sampler.join()
    return seconds, peak[0], subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def engine_seconds(project: Path) -> float:
    """MkDocs alone over every public tree build/ holds, one after the other, into scratch folders."""
    total = 0.0
    for config in sorted((project / "build" / "public").rglob("mkdocs.yml")):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", out],
                cwd=project,
                check=True,
                capture_output=True,
            )
            total += time.perf_counter() - start
    return total


def measure(count: int, scratch: Path) -> dict[str, float | int]:
    project = scratch / f"site-{count}"
    start = time.perf_counter()
    ids = make_corpus(ROOT, project, count, ROOT / "overrides")
    made = time.perf_counter() - start
    print(f"  {count} incidents made and approved in {made:.0f} s", file=sys.stderr, flush=True)
    check_s, _, checked = run(project, "check", "kits", "--at", AT)
    again_s, _, _ = run(project, "check", "kits", "--at", AT)
    generate_s, _, generated = run(project, "generate")
    assert generated.returncode == 0, generated.stderr[-2000:]
    unchanged_s, _, _ = run(project, "generate")
    build_s, build_peak, result = run(project, "build", "--at", AT, "--audience", "public")
    assert result.returncode == 0, result.stderr[-3000:]
    engine_s = engine_seconds(project)
    html = list((project / "site" / "public" / "en").rglob("*.html"))
    statement = project / "site" / "public" / "en" / "incidents" / ids[0] / "index.html"
    target = next(i for i in ids if i.startswith("payment-outage"))
    number = add_revision(project, target)
    publish_s, publish_peak, published = run(project, "build", "--at", AT, "--audience", "public")
    assert published.returncode == 0, published.stderr[-3000:]
    live = project / "site" / "public" / "en" / "incidents" / target / "revisions" / str(number) / "index.html"
    assert live.is_file(), f"revision {number} of {target} is not live after the build"
    return {
        "incidents": count,
        "check_s": round(check_s, 2),
        "check_exit": checked.returncode,
        "check_unchanged_s": round(again_s, 2),
        "generate_s": round(generate_s, 2),
        "generate_unchanged_s": round(unchanged_s, 2),
        "build_s": round(build_s, 2),
        "engine_s": round(engine_s, 2),
        "build_per_engine": round(build_s / engine_s, 2),
        "publish_one_revision_s": round(publish_s, 2),
        "peak_mb": round(max(build_peak, publish_peak) / 2**20),
        "html_pages_en": len(html),
        "html_kb_per_page": round(sum(p.stat().st_size for p in html) / len(html) / 1024, 1),
        "statement_page_kb": round(statement.stat().st_size / 1024, 1),
    }


COLUMNS = [
    ("incidents", "incidents"),
    ("check_s", "check (s)"),
    ("check_unchanged_s", "check, nothing changed (s)"),
    ("generate_s", "generate (s)"),
    ("generate_unchanged_s", "generate, nothing changed (s)"),
    ("build_s", "full build, public (s)"),
    ("engine_s", "MkDocs alone (s)"),
    ("build_per_engine", "build / engine"),
    ("publish_one_revision_s", "publish one revision (s)"),
    ("peak_mb", "peak memory (MB)"),
    ("html_kb_per_page", "HTML per page (KB)"),
    ("statement_page_kb", "statement page (KB)"),
]


def table(rows: list[dict[str, float | int]]) -> str:
    lines = ["| " + " | ".join(title for _, title in COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(f"{row[key]:,}" for key, _ in COLUMNS) + " |" for row in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 250, 1000])
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="crisiskit-bench-") as scratch:
        for count in args.sizes:
            rows.append(measure(count, Path(scratch)))
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
            shutil.rmtree(Path(scratch) / f"site-{count}")
    print(f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores, Python {sys.version.split()[0]}\n")
    print(table(rows))
    print()
    print(json.dumps(rows, indent=2))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
