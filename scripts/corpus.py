"""A realistic archive for the benchmark and for the tests that compare builds: N approved incidents.

The source project's kits (for the benchmark the samples, for tests their own fixture site) are copied
round-robin under new ids, with their scenarios, FAQ, Q&A, every channel, en and zh-Hant. Every approval
in a copy covers the copy's own text: an approval hashes the composed text, which names the incident's
address, so each copy's hashes are computed by composing it and replace exactly the hashes its source
had for the same revision (an unapproved or differently approved revision stays as it was).
"""

from __future__ import annotations

import re
import shutil
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

# Every revision of the samples is due by then (the latest embargo is 2026-12-01T09:00+08:00).
AT = "2026-12-02T12:00:00+08:00"
TOP_ID = re.compile(r"^id: (\S+)$", re.MULTILINE)
REVISION = re.compile(r"^  - revision: (\d+)$", re.MULTILINE)


def _hashes(kit: Path, project: Path) -> dict[int, str]:
    from crisiskit.pipeline import compose, read_incidents, read_site_options

    return dict(compose(read_incidents([kit]), read_site_options(project))[0].hashes)


def _rehash(source: str, old: dict[int, str], new: dict[int, str]) -> str:
    """``source`` with each revision's approval hashes replaced by the copy's: only where they matched."""
    parts = REVISION.split(source)
    out = [parts[0]]
    for number, block in zip(parts[1::2], parts[2::2], strict=True):
        n = int(number)
        if n in old and n in new:
            block = block.replace(old[n], new[n])
        out += [f"  - revision: {number}", block]
    return "".join(out)


def _copy_one(job: tuple[Path, Path, str, str, dict[int, str]]) -> None:
    project, kit_source, new_id, text, old = job
    target = project / "kits" / f"{new_id}.yml"
    target.write_text(text, encoding="utf-8")
    target.write_text(_rehash(text, old, _hashes(target, project)), encoding="utf-8")


def make_corpus(source: Path, target: Path, count: int, overrides: Path, workers: int = 2) -> list[str]:
    """A project at ``target`` with ``count`` approved incidents copied from ``source``'s kits; their ids."""
    target.mkdir(parents=True)
    shutil.copy(source / "mkdocs.yml", target / "mkdocs.yml")
    if (source / "crisiskit.yml").exists():
        shutil.copy(source / "crisiskit.yml", target / "crisiskit.yml")
    shutil.copytree(overrides, target / "overrides")
    shutil.copytree(source / "content", target / "content", ignore=shutil.ignore_patterns("incidents"))
    (target / "kits").mkdir()
    shutil.copytree(source / "kits" / "scenarios", target / "kits" / "scenarios")
    samples = sorted(p for p in (source / "kits").glob("*.yml"))
    originals = {kit: _hashes(kit, source) for kit in samples}
    jobs, ids = [], []
    for index in range(count):
        kit = samples[index % len(samples)]
        text = kit.read_text(encoding="utf-8")
        match = TOP_ID.search(text)
        assert match, f"{kit}: no top-level id"
        new_id = f"{match.group(1)}-{index:04d}"
        jobs.append((target, kit, new_id, TOP_ID.sub(f"id: {new_id}", text, count=1), originals[kit]))
        ids.append(new_id)
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_copy_one, jobs, chunksize=16))
    return ids


def add_revision(project: Path, incident_id: str, at: str = AT, by: str = "Bench Approver") -> int:
    """Append one revision to ``incident_id``'s kit (its last revision's text, issued an hour before ``at``),
    approved by every role its severity requires, as `crisiskit approve` records it; the new number."""
    from crisiskit.compose.approval_state import required_roles
    from crisiskit.pipeline import compose, read_incidents, read_site_options
    from crisiskit.review.approve import approve

    kit = project / "kits" / f"{incident_id}.yml"
    text = kit.read_text(encoding="utf-8")
    starts = list(REVISION.finditer(text))
    last = starts[-1]
    number = int(last.group(1)) + 1
    block = text[last.start() :]
    block = block.split("    approvals:\n")[0]
    block = REVISION.sub(f"  - revision: {number}", block, count=1)
    issued = (datetime.fromisoformat(at) - timedelta(hours=1)).isoformat()
    block = re.sub(r"^    issued_at: .*$", f"    issued_at: {issued}", block, count=1, flags=re.MULTILINE)
    block = re.sub(r"^    (publish_at|corrects|correction|next_update_at): .*\n", "", block, flags=re.MULTILINE)
    kit.write_text(text.rstrip("\n") + "\n" + block.rstrip("\n") + "\n", encoding="utf-8")
    site = read_site_options(project)

    def compose_kit():  # noqa: ANN202 - the approve API's callback
        return compose(read_incidents([kit]), site, project)[0]

    composed = compose_kit()
    for role in required_roles(composed.incident, composed.config):
        approve(project, kit, number, role, by, compose_kit=compose_kit)
    return number
