"""Severity and cadence (CK501-CK505) from data/severity.yml, and approvals (CK601-CK603)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from crisiskit.checks.findings import Finding, finding
from crisiskit.compose.approval_state import approval_warnings, drift_notes, publication_problems
from crisiskit.compose.composed import ComposedIncident
from crisiskit.model.incident import Incident, Revision
from crisiskit.model.origin import Origin


def cadence_findings(
    item: ComposedIncident, at: datetime, settings: dict[str, str], approvals: bool = True
) -> Iterator[Finding | None]:
    """Who signs, which channels exist, how fast the first statement came, and whether an update is overdue.

    Without approvals (kits checked outside their project) a revision counts
    as published from its time alone.
    """
    incident = item.incident
    policy = item.config.severity[incident.severity]  # data/severity.yml under crisiskit.yml's severity:
    titles = [incident.signatory.title.get(lang).lower() for lang in incident.languages]
    if policy.signer_titles and not any(w.lower() in t for w in policy.signer_titles for t in titles):
        yield finding(
            "CK501",
            incident.signatory.title.origin,
            f"expected a {incident.severity} incident signed by "
            f"the {policy.signed_by}; got {incident.signatory.title.get(incident.languages[0])}",
            settings=settings,
        )
    yield from _missing_channel_findings(incident, policy.channels, settings)
    start = incident.aware_at or incident.began_at
    first = incident.revisions[0]
    allowed = timedelta(hours=policy.first_statement_within_hours)
    if first.issued_at - start > allowed:
        hours = (first.issued_at - start).total_seconds() / 3600
        yield finding(
            "CK503",
            first.origin,
            f"expected the first statement within {allowed.total_seconds() / 3600:g} "
            f"h of {start.isoformat()}; got {hours:.1f} h",
            settings=settings,
        )
    every = policy.update_every_hours
    for revision in incident.revisions:
        if (
            every
            and revision.status in ("investigating", "identified")
            and revision.next_update_at
            and revision.next_update_at - revision.issued_at > timedelta(hours=every)
        ):
            hours = (revision.next_update_at - revision.issued_at).total_seconds() / 3600
            yield finding(
                "CK505",
                _promise(incident.revisions, revision),
                f"expected the next update within "
                f"{every:g} h of revision {revision.number} for a {incident.severity} incident; got "
                f"{hours:.1f} h",
                settings=settings,
            )
    visible = item.visible(at) if approvals else [r for r in incident.revisions if r.visible_from <= at]
    promised = visible[-1].next_update_at if visible and visible[-1].status != "resolved" else None
    if promised is not None and promised < at:
        latest = visible[-1]
        yield finding(
            "CK504",
            _promise(incident.revisions, latest),
            f"expected an update by {promised.isoformat()} "
            f"(promised in revision {latest.number}); got none by {at.isoformat()}",
            settings=settings,
        )


def _promise(revisions: list[Revision], revision: Revision) -> Origin:
    """Where ``revision``'s ``next_update_at`` value is written: the promise a cadence finding is about.

    Searched between this revision's first line and the next revision's, so a
    later revision's promise is never taken for this one's; falls back to the
    revision when the key is not in the file.
    """
    origin = revision.origin
    later = [r.origin.line for r in revisions if r.origin.file == origin.file and r.origin.line > origin.line]
    end = min(later, default=len(origin.lines) + 1)
    for number in range(origin.line, min(end, len(origin.lines) + 1)):
        text = origin.lines[number - 1]
        column = text.find("next_update_at:")
        if column >= 0 and "#" not in text[:column]:  # not in a comment
            value = column + len("next_update_at:")
            value += len(text[value:]) - len(text[value:].lstrip())
            return Origin(origin.file, number, value + 1, f"{origin.path}.next_update_at")
    return origin


# CK502: a channel switched off in the kit is a decision, not an omission; what must not happen is that an
# audience the kit declares loses every channel that reaches it. Regional platforms are in scope only for
# the languages read there.
_AUDIENCE_CHANNELS = {
    "affected_customers": ("email", "sms"),
    "media": ("press_release", "media_statement"),
    "partners": ("partner_letter",),
    "employees": ("employee_memo",),
}
_REGIONAL = {"weibo": ("zh-Hans", "zh-CN", "zh-SG", "zh"), "line": ("ja", "th", "zh-Hant", "zh-TW")}


def _in_scope(channel: str, languages: list[str]) -> bool:
    regions = _REGIONAL.get(channel)
    return regions is None or any(lang == r or lang.startswith(r + "-") for lang in languages for r in regions)


def _missing_channel_findings(
    incident: Incident, required: tuple[str, ...], settings: dict[str, str]
) -> Iterator[Finding | None]:
    """A declared audience left with no channel, where the severity requires one for it."""
    for audience in incident.audiences:
        wanted = [c for c in _AUDIENCE_CHANNELS.get(audience, ()) if c in required and _in_scope(c, incident.languages)]
        if wanted and not any(c in incident.channels for c in wanted):
            yield finding(
                "CK502",
                incident.revisions[0].origin,
                f"expected a channel that reaches {audience} "
                f"({' or '.join(wanted)}) for a {incident.severity} incident; got every one switched off",
                channel=wanted[0],
                settings=settings,
            )


def approval_findings(item: ComposedIncident, at: datetime, settings: dict[str, str]) -> Iterator[Finding | None]:
    """Due revisions not approved (CK601), published revisions whose text changed (CK602), and shared data
    changed since the latest revision was recorded, which applies from the next revision (CK603)."""
    checked = (
        ("CK602", publication_problems(item, at)),
        ("CK601", approval_warnings(item, at)),
        ("CK603", drift_notes(item)),
    )
    for rule, problems in checked:
        for problem in problems:
            yield finding(
                rule,
                Origin(problem.file, problem.line, problem.column, problem.path),
                problem.message,
                settings=settings,
            )
