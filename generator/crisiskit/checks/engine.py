"""Runs every rule family over every composed incident and returns the findings, sorted and unique."""

from __future__ import annotations

from datetime import datetime

from crisiskit.checks.agreement import agreement_findings
from crisiskit.checks.cadence import approval_findings, cadence_findings
from crisiskit.checks.characters import character_findings
from crisiskit.checks.consistency import avoid_findings, language_findings, literal_findings
from crisiskit.checks.encoding import encoding_findings
from crisiskit.checks.findings import Finding
from crisiskit.checks.limits import limit_findings
from crisiskit.checks.markup import markup_findings
from crisiskit.checks.notices import notice_findings
from crisiskit.checks.structure import structure_findings
from crisiskit.checks.translations import stale_findings, untranslated_findings
from crisiskit.checks.wording import wording_findings
from crisiskit.compose.composed import ComposedIncident
from crisiskit.model.incident import Incident


def run_checks(
    composed: list[ComposedIncident],
    at: datetime,
    *,
    approvals: bool = True,
    before: dict[str, Incident] | None = None,
    base: str = "",
) -> list[Finding]:
    """Every finding for every incident as of ``at``.

    Approvals are checked only when the kits' project is known (their hashes
    include its address); stale translations only against ``before``, the
    incidents at the git revision ``base``.
    """
    found: set[Finding] = set()
    for item in composed:
        settings = item.config.rules
        incident = item.incident
        for results in (
            limit_findings(item, settings),
            encoding_findings(item, settings),
            agreement_findings(item, settings),
            literal_findings(incident, settings),
            avoid_findings(incident, settings),
            language_findings(incident, settings),
            untranslated_findings(incident, settings),
            stale_findings(incident, (before or {}).get(incident.id), base, settings),
            structure_findings(incident, settings),
            wording_findings(incident, settings),
            character_findings(incident, settings),
            markup_findings(incident, settings),
            cadence_findings(item, at, settings, approvals),
            notice_findings(item, at, settings),
            approval_findings(item, at, settings) if approvals else iter(()),
        ):
            found.update(f for f in results if f is not None)
    return sorted(found, key=Finding.sort_key)
