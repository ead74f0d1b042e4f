"""Severity and cadence (CK501-CK505) from data/severity.yml, and approvals (CK601, CK602)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterator

from crisiskit.compose.approval_state import approval_warnings, publication_problems
from crisiskit.checks.findings import Finding, finding
from crisiskit.compose.composed import ComposedIncident
from crisiskit.model.resolve import severity_policy
from crisiskit.model.origin import Origin


def cadence_findings(item: ComposedIncident, at: datetime, settings: dict[str, str],
                     approvals: bool = True) -> Iterator[Finding | None]:
    """Who signs, which channels exist, how fast the first statement came, and whether an update is overdue.

    Without approvals (kits checked outside their project) a revision counts
    as published from its time alone.
    """
    incident = item.incident
    policy = severity_policy()[incident.severity]
    titles = [incident.signatory.title.get(lang).lower() for lang in incident.languages]
    if policy["signer_titles"] and not any(w.lower() in t for w in policy["signer_titles"] for t in titles):
        yield finding("CK501", incident.signatory.title.origin, f"expected a {incident.severity} incident signed by "
                      f"the {policy['signed_by']}; got {incident.signatory.title.get(incident.languages[0])}",
                      settings=settings)
    for channel in policy["channels"]:
        if channel not in incident.channels:
            yield finding("CK502", incident.revisions[0].origin, f"expected the {channel} channel for a "
                          f"{incident.severity} incident; got it switched off", channel=channel, settings=settings)
    start = incident.aware_at or incident.began_at
    first = incident.revisions[0]
    allowed = timedelta(hours=policy["first_statement_within_hours"])
    if first.issued_at - start > allowed:
        hours = (first.issued_at - start).total_seconds() / 3600
        yield finding("CK503", first.origin, f"expected the first statement within {allowed.total_seconds() / 3600:g} "
                      f"h of {start.isoformat()}; got {hours:.1f} h", settings=settings)
    every = policy.get("update_every_hours")
    for revision in incident.revisions:
        if every and revision.status in ("investigating", "identified") and revision.next_update_at and \
                revision.next_update_at - revision.issued_at > timedelta(hours=every):
            hours = (revision.next_update_at - revision.issued_at).total_seconds() / 3600
            yield finding("CK505", revision.origin, f"expected the next update within {every} h of revision "
                          f"{revision.number} for a {incident.severity} incident; got {hours:.1f} h", settings=settings)
    visible = item.visible(at) if approvals else [r for r in incident.revisions if r.visible_from <= at]
    if visible and visible[-1].status != "resolved" and visible[-1].next_update_at and \
            visible[-1].next_update_at < at:
        latest = visible[-1]
        yield finding("CK504", latest.origin, f"expected an update by {latest.next_update_at.isoformat()} "
                      f"(promised in revision {latest.number}); got none by {at.isoformat()}", settings=settings)


def approval_findings(item: ComposedIncident, at: datetime, settings: dict[str, str]) -> Iterator[Finding | None]:
    """Due revisions not approved (CK601) and published revisions whose text changed (CK602)."""
    for rule, problems in (("CK602", publication_problems(item, at)), ("CK601", approval_warnings(item, at))):
        for problem in problems:
            yield finding(rule, Origin(problem.file, problem.line, problem.column, problem.path), problem.message,
                          settings=settings)
