"""What a build holds back: revisions with an error-level finding never go public.

`crisiskit build` runs every rule before it publishes. A revision with an
error is treated like an unapproved one (``ComposedIncident.approved`` is
false for it), so the previous revision stays live and nothing else is held
up: the other incidents, and this incident's earlier revisions, publish as
usual. The build then fails, naming what it held back and why, so CI shows it.

Where a finding belongs: one written under ``updates[i]`` of the incident's
kit holds revision i; one in text every revision shares (the title, the FAQ,
a scenario the incident extends) holds the newest revision that would be
public, since that is the one this build would put in front of readers.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime

from crisiskit.checks.findings import Finding
from crisiskit.compose.composed import ComposedIncident

_REVISION_PATH = re.compile(r"^updates\[(\d+)\]")


@dataclasses.dataclass(frozen=True)
class HeldBack:
    """One revision kept off the public site, and the error findings that kept it."""

    incident: str
    revision: int
    findings: tuple[Finding, ...]

    def lines(self) -> list[str]:
        return [f"{self.incident} revision {self.revision} held back:"] + [f"  {f.text()}" for f in self.findings]


def held_back(composed: list[ComposedIncident], findings: list[Finding], at: datetime) -> list[HeldBack]:
    """Every revision an error finding keeps off the public site at ``at``."""
    held: dict[tuple[str, int], list[Finding]] = {}
    for item in composed:
        incident = item.incident
        visible = item.visible(at)
        for finding in findings:
            if finding.severity != "error":
                continue
            number = _revision_of(item, finding)
            if number is None and _shared_by(item, finding) and visible:
                number = visible[-1].number
            if number is not None:
                held.setdefault((incident.id, number), []).append(finding)
    return [
        HeldBack(incident, number, tuple(sorted(found, key=Finding.sort_key)))
        for (incident, number), found in sorted(held.items())
    ]


def without(composed: list[ComposedIncident], held: list[HeldBack]) -> list[ComposedIncident]:
    """The composed incidents with every held-back revision treated as unapproved."""
    numbers: dict[str, set[int]] = {}
    for one in held:
        numbers.setdefault(one.incident, set()).add(one.revision)
    return [
        dataclasses.replace(
            item, approved={n: ok and n not in numbers.get(item.incident.id, set()) for n, ok in item.approved.items()}
        )
        for item in composed
    ]


def _revision_of(item: ComposedIncident, finding: Finding) -> int | None:
    """The revision a finding written in this incident's kit under ``updates[i]`` belongs to."""
    match = _REVISION_PATH.match(finding.path)
    if finding.file != item.incident.source or match is None:
        return None
    index = int(match.group(1))
    revisions = item.incident.revisions
    return revisions[index].number if index < len(revisions) else None


def _shared_by(item: ComposedIncident, finding: Finding) -> bool:
    """A finding in text all the incident's revisions share: its own kit outside updates, or its scenario."""
    if finding.file == item.incident.source:
        return _REVISION_PATH.match(finding.path) is None
    scenario = item.incident.scenario
    return scenario is not None and finding.file.endswith(f"scenarios/{scenario}.yml")
