"""Statement structure: the apology's parts (CK301), the holding statement's CERC elements
(CK302), and the response fitting the crisis type (CK303; denial, CK304, is a wording rule) - shared/domain.md 4, 5."""

from __future__ import annotations

from typing import Iterator

from crisiskit.checks.findings import Finding, finding
from crisiskit.model.incident import Incident, Revision


def _holding(incident: Incident, revision: Revision) -> bool:
    return revision is incident.revisions[0] and revision.status == "investigating"


def structure_findings(incident: Incident, settings: dict[str, str]) -> Iterator[Finding | None]:
    """Holding statements need CERC's elements; apologies need all seven parts in order."""
    for index, revision in enumerate(incident.revisions):
        s = revision.statement
        if _holding(incident, revision):
            missing = [label for label, present in (
                ("empathy (acknowledgement)", s.acknowledgement),
                ("confirmed facts (what_happened)", s.what_happened),
                ("what is not known yet (not_yet_known)", s.not_yet_known),
                ("what is being done (actions)", s.actions),
                ("when the next update comes (next_update_at)", revision.next_update_at),
                ("commitment", s.commitment),
                ("where to get help (help or contacts)", s.help or incident.contacts.hotline or incident.contacts.email),
            ) if not present]
            if missing:
                yield finding("CK302", revision.origin, f"expected every CERC element in holding revision "
                              f"{revision.number}; got none for {', '.join(missing)}", settings=settings)
            continue
        if incident.crisis_type == "preventable" or index > 0:
            missing = [label for label, present in (
                ("acknowledgement", s.acknowledgement), ("what_happened or cause", s.what_happened or s.cause),
                ("apology", s.apology), ("remedy", s.remedy or incident.remedies), ("commitment", s.commitment),
            ) if not present]
            if missing:
                yield finding("CK301", revision.origin, f"expected all seven parts of an apology in revision "
                              f"{revision.number}; got none for {', '.join(missing)}", settings=settings)
    current = incident.current.statement
    if incident.crisis_type == "preventable" and not (current.apology and (current.remedy or incident.remedies)):
        yield finding("CK303", incident.current.origin, "expected an apology and a remedy for a preventable crisis; "
                      f"got revision {incident.current.number} without both", settings=settings)
