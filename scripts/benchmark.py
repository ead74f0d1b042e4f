"""Benchmark: what one update costs as the archive grows (issue 12), and the first-statement drill.

For each size N, a realistic corpus (scripts/corpus.py: the sample kits with their scenarios copied
round-robin under new ids and re-approved, three or four revisions each, FAQ, Q&A, every channel, en
and zh-Hant) is built in a scratch folder and measured with the real command line:

- check: `crisiskit check kits` (every rule over every incident), then again with nothing changed
  (build/cache/ remembers each kit's findings);
- generate: `crisiskit generate` into an empty content/, then again with nothing changed;
- full build: `crisiskit build --audience public` from nothing (no site/, no build/);
- engine: MkDocs itself (its build function, as `mkdocs build` calls it) over the very parts and configs that
  build left in build/, one after the other in one process: what the engine alone costs for the same pages;
- publish one revision: one approved revision added to one incident, then `crisiskit build
  --audience public` until it is live (its page is checked to be there); then the next update, as a
  crisis goes on (another revision of another incident): the first update follows the site's very first
  build, so only the next one finds the release that build replaced to assemble in (publish/switch.py);
- peak memory: the largest total proportional set size (PSS: a page shared by forked processes counted once)
  of the command and all its processes, sampled every 0.1 s; the plain sum of their resident sizes, which
  counts shared pages once per process, is in the JSON as peak_rss_sum_mb;
- HTML per page and one statement page's size, on the English public site;
- the drill (issue 17): `crisiskit new` with a complete answers file, `check`, `approve --pending` for each
  role, `build --audience public`, until the holding statement is live in both languages: each step's time.

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


def _tree_memory(root: int) -> tuple[int, int]:
    """(proportional, resident) bytes of ``root`` and every process descended from it.

    Proportional (PSS, from /proc/PID/smaps_rollup) counts a page shared by several processes once in
    all, split between them: the memory the command really occupies. The engine's workers are forked
    from one server, so the pages they share (MkDocs, Material, jieba's dictionary) would be counted
    once per worker by a plain sum of resident sizes, which is kept as the second number.
    """
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
    pss_total, rss_total, todo = 0, 0, [root]
    while todo:
        pid = todo.pop()
        rss_total += rss.get(pid, 0)
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
                pss_total += next(int(line.split()[1]) * 1024 for line in handle if line.startswith("Pss:"))
        except (OSError, StopIteration, ValueError):
            pss_total += rss.get(pid, 0)  # gone meanwhile, or no smaps: count it whole
        todo += children.get(pid, [])
    return pss_total, rss_total


def run(project: Path, *args: str) -> tuple[float, tuple[int, int], subprocess.CompletedProcess[str]]:
    """Run crisiskit in ``project``: (seconds, peak (PSS, RSS) bytes of its process tree, result)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "crisiskit", *args],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = [0, 0]

    def sample() -> None:
        while process.poll() is None:
            pss, rss = _tree_memory(process.pid)
            peak[0], peak[1] = max(peak[0], pss), max(peak[1], rss)
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - start
    sampler.join()
    return seconds, (peak[0], peak[1]), subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


# MkDocs' own build, as `mkdocs build` runs it, for each config in turn, in one process (so the interpreter's
# start and MkDocs' imports are paid once, as crisiskit's engine pays them once in its fork server).
ENGINE = """
import sys, tempfile, time
from mkdocs.commands.build import build
from mkdocs.config import load_config
total = 0.0
for config in sys.argv[1:]:
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        loaded = load_config(config, config_file_path="mkdocs.yml", site_dir=out)  # its folders are the project's
        loaded.plugins.on_startup(command="build", dirty=False)
        build(loaded)
        loaded.plugins.on_shutdown()
        total += time.perf_counter() - start
print(total)
"""


def engine_seconds(project: Path) -> float:
    """MkDocs alone over every public part build/ holds (publish/archive.py), one after the other."""
    configs = [str(c) for c in sorted((project / "build" / "public").glob("*/parts/*/mkdocs.yml"))]
    done = subprocess.run(
        [sys.executable, "-c", ENGINE, *configs], cwd=project, check=True, capture_output=True, text=True
    )
    return float(done.stdout.strip().splitlines()[-1])


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
    other = next(i for i in ids if i.startswith("payment-outage") and i != target)
    number = add_revision(project, other)
    next_s, next_peak, published = run(project, "build", "--at", AT, "--audience", "public")
    assert published.returncode == 0, published.stderr[-3000:]
    live = project / "site" / "public" / "en" / "incidents" / other / "revisions" / str(number) / "index.html"
    assert live.is_file(), f"revision {number} of {other} is not live after the build"
    steps = drill(project)
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
        "publish_next_revision_s": round(next_s, 2),
        "peak_mb": round(max(build_peak[0], publish_peak[0], next_peak[0]) / 2**20),
        "peak_rss_sum_mb": round(max(build_peak[1], publish_peak[1], next_peak[1]) / 2**20),
        "html_pages_en": len(html),
        "html_kb_per_page": round(sum(p.stat().st_size for p in html) / len(html) / 1024, 1),
        "statement_page_kb": round(statement.stat().st_size / 1024, 1),
        **{f"drill_{name}_s": round(seconds, 2) for name, seconds in steps.items()},
        "drill_s": round(sum(steps.values()), 2),
    }


# Issue 17's drill: a data breach declared at 11:00, the holding statement out at 11:30 (the answers a PR lead
# gives `crisiskit new`, in the file a script would pass with --from). Who the organisation is, its
# spokesperson, signatory and contacts come from the project's crisiskit.yml, as in a real site repository.
DRILL_ANSWERS = """\
title: {en: Unauthorised access to customer data, zh-Hant: 顧客資料遭未經授權存取}
began_at: 2026-12-02T11:00:00+08:00
issued_at: 2026-12-02T11:30:00+08:00
next_update_at: 2026-12-02T15:00:00+08:00
facts:
  affected_customers: 4180
  data_types: [{en: names, zh-Hant: 姓名}, {en: e-mail addresses, zh-Hant: 電子郵件地址}]
  data_not_involved: [{en: passwords, zh-Hant: 密碼}, {en: payment card numbers, zh-Hant: 信用卡號}]
  detected_at: 2026-12-02T11:00:00+08:00
  breach_window_start: 2026-12-01T23:10:00+08:00
  breach_window_end: 2026-12-02T11:05:00+08:00
  credit_monitoring_months: 12
  voucher_value: {en: NT$300, zh-Hant: 新臺幣 300 元}
  claim_deadline: 2027-03-31T23:59:00+08:00
  hotline_hours: {en: 09:00 to 21:00 every day, zh-Hant: 每日 09:00 至 21:00}
  regulator: {en: the Personal Data Protection Commission, zh-Hant: 個人資料保護委員會}
  regulator_notified_at: 2026-12-02T11:20:00+08:00
"""


def drill(project: Path) -> dict[str, float]:
    """From `crisiskit new` with a complete answers file to the holding statement live in both languages.

    The tool's time for each step a PR lead takes: open the incident, check it, record each required
    approval, publish. (The person's time, reading and approving, is not the tool's to measure.)
    """
    answers = project / "drill-answers.yml"
    answers.write_text(DRILL_ANSWERS, encoding="utf-8")
    steps: dict[str, float] = {}
    kit = "kits/drill-breach.yml"
    steps["new"], _, made = run(project, "new", "drill-breach", "--scenario", "data-breach", "--from", str(answers))
    assert made.returncode == 0, made.stdout + made.stderr
    steps["check"], _, checked = run(project, "check", kit, "--at", AT)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    steps["approve"] = 0.0
    for role in ("communications", "legal"):
        seconds, _, approved = run(project, "approve", kit, "--pending", "--role", role, "--by", "Drill Lead")
        assert approved.returncode == 0, approved.stdout + approved.stderr
        steps["approve"] += seconds
    steps["publish"], _, built = run(project, "build", "--at", AT, "--audience", "public")
    assert built.returncode == 0, built.stderr[-3000:]
    for language in ("en", "zh-Hant"):
        page = project / "site" / "public" / language / "incidents" / "drill-breach" / "index.html"
        assert page.is_file(), f"the drill's holding statement is not live in {language}"
    return steps


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
    ("publish_next_revision_s", "publish the next revision (s)"),
    ("peak_mb", "peak memory, PSS (MB)"),
    ("html_kb_per_page", "HTML per page (KB)"),
    ("statement_page_kb", "statement page (KB)"),
    ("drill_s", "drill: new to live (s)"),
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
