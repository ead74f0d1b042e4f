"""Statement structure as the seeds and SCCT ask for it, by crisis type and status (shared/domain.md 4, 5).

- A holding statement (the first revision, still investigating) carries
  CERC's first-message elements (CK302), whatever the crisis type.
- A preventable crisis owes the apology anatomy once its cause is known
  (status identified or later); an accidental one owes explanation and
  corrective action while open and the full anatomy when resolved (SCCT:
  "inform plus some rebuilding"). CK301 names the missing parts, except a
  preventable crisis's apology and remedy, which CK303 reports (one gap,
  one finding).
- The response fits the crisis type (CK303): a preventable crisis, once
  its cause is known, needs an apology and a remedy; a victim crisis
  (tampering, phishing, rumour) needs instructing information, what readers
  should do and where to get help, and no apology or compensation is asked
  of it, since SCCT advises against accepting blame that is not yours.
  The scenario an incident extends states the strategy its pre-approved
  text takes (``strategy``); one that does not fit the incident's crisis
  type is a CK303 finding at the scenario's ``strategy`` line, before any
  text is written from it (denial fits only a victim crisis, a rumour).
Remedies declared at kit level (``remedies:``) count as the remedy part of the revisions that offer them
(model/schedule.py).
Denial (CK304) is a wording rule.
"""

from __future__ import annotations

from collections.abc import Iterator

from crisiskit.checks.findings import Finding, finding
from crisiskit.model.incident import Incident, Revision
from crisiskit.model.schedule import offered
from crisiskit.model.schema.kit import STRATEGIES_FITTING


def _holding(incident: Incident, revision: Revision) -> bool:
    return revision is incident.revisions[0] and revision.status == "investigating"


def _cause_known(revision: Revision) -> bool:
    return revision.status != "investigating"


def _apology_gaps(incident: Incident, revision: Revision) -> Iterator[list[str]]:
    """The missing parts, if any: the full anatomy for a preventable crisis once its cause is known and for an
    accidental one once resolved; explanation and corrective action for an accidental one still open."""
    s = revision.statement
    if incident.crisis_type == "victim" or not _cause_known(revision):
        return
    parts = [
        ("acknowledgement", s.acknowledgement),
        ("what_happened or cause", s.what_happened or s.cause),
        ("apology", s.apology),
        ("remedy", s.remedy or offered(incident.remedies, revision)),
        ("commitment", s.commitment),
    ]
    if incident.crisis_type == "preventable":  # its apology and remedy are CK303's: one finding per gap
        parts = [part for part in parts if part[0] not in ("apology", "remedy")]
    elif revision.status != "resolved":
        parts = [
            ("what_happened or cause", s.what_happened or s.cause),
            ("corrective action (actions, remedy or commitment)", s.actions or s.remedy or s.commitment),
        ]
    missing = [label for label, present in parts if not present]
    if missing:
        yield missing


def structure_findings(incident: Incident, settings: dict[str, str]) -> Iterator[Finding | None]:
    """Holding statements need CERC's elements; once the cause is known, the parts the crisis type calls for."""
    fitting = STRATEGIES_FITTING[incident.crisis_type]
    if incident.strategy_origin is not None and incident.strategy not in fitting:
        yield finding(
            "CK303",
            incident.strategy_origin,
            f"expected a scenario whose text fits a {incident.crisis_type} crisis (strategy {' or '.join(fitting)}); "
            f'got scenario "{incident.scenario}", whose text takes {incident.strategy}',
            settings=settings,
        )
    for revision in incident.revisions:
        s = revision.statement
        if _holding(incident, revision):
            missing = [
                label
                for label, present in (
                    ("empathy (acknowledgement)", s.acknowledgement),
                    ("confirmed facts (what_happened)", s.what_happened),
                    ("what is not known yet (not_yet_known)", s.not_yet_known),
                    ("what is being done (actions)", s.actions),
                    ("when the next update comes (next_update_at)", revision.next_update_at),
                    ("commitment", s.commitment),
                    (
                        "where to get help (help or contacts)",
                        s.help or incident.contacts.hotline or incident.contacts.email,
                    ),
                )
                if not present
            ]
            if missing:
                yield finding(
                    "CK302",
                    revision.origin,
                    f"expected every CERC element in holding revision "
                    f"{revision.number}; got none for {', '.join(missing)}",
                    settings=settings,
                )
            continue
        for missing in _apology_gaps(incident, revision):
            yield finding(
                "CK301",
                revision.origin,
                f"expected the parts a {incident.crisis_type} crisis owes in "
                f"revision {revision.number} ({revision.status}); got none for {', '.join(missing)}",
                settings=settings,
            )
    current = incident.current
    s = current.statement
    if _holding(incident, current) or not _cause_known(current):
        return
    if incident.crisis_type == "preventable" and not (s.apology and (s.remedy or offered(incident.remedies, current))):
        yield finding(
            "CK303",
            current.origin,
            "expected an apology and a remedy for a preventable crisis whose cause "
            f"is known; got revision {current.number} ({current.status}) without both",
            settings=settings,
        )
    elif incident.crisis_type == "victim" and not (s.actions or s.help):
        yield finding(
            "CK303",
            current.origin,
            "expected instructing information (actions or help: what readers "
            f"should do) for a victim crisis; got revision {current.number} without either",
            settings=settings,
        )
