"""Whether a revision is approved: every required role approved this exact text.

An approval records the hash of the revision's rendered text in every
language and channel (``compose.revision_hash``). If the text changes, the
hash no longer matches and the approval is stale: the revision is a draft
again until someone approves the new text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from crisiskit.errors import Problem
from crisiskit.incident import Incident, Revision
from crisiskit.resolve import severity_policy


@dataclass(frozen=True)
class ApprovalState:
    """Which required roles approved this revision's current text, and which did not."""

    required: tuple[str, ...]
    valid: tuple[str, ...]
    stale: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def approved(self) -> bool:
        """True when every required role approved the current text."""
        return not self.missing and not self.stale


def required_roles(incident: Incident) -> tuple[str, ...]:
    """Roles that must approve a revision of ``incident``, from its severity."""
    return tuple(severity_policy()[incident.severity]["approvals"])


def approval_state(incident: Incident, revision: Revision, text_hash: str) -> ApprovalState:
    """Compare the revision's approvals with the hash of its current text."""
    required = required_roles(incident)
    valid = {a.role for a in revision.approvals if a.text_hash == text_hash}
    recorded = {a.role for a in revision.approvals}
    stale = tuple(r for r in required if r in recorded and r not in valid)
    missing = tuple(r for r in required if r not in recorded)
    return ApprovalState(required, tuple(r for r in required if r in valid), stale, missing)


def publication_problems(incident: Incident, hashes: dict[int, str], at: datetime) -> list[Problem]:
    """Published revisions whose text has changed since it was approved.

    A revision is published once every required role approved it and its time has come; the public
    relies on its permalink never changing, so a change is an error, and the fix is a correction
    revision. A stale approval of a revision not yet due is only a draft again (see approval_state).
    """
    problems = []
    required = set(required_roles(incident))
    for revision in incident.revisions:
        approved_roles = {a.role for a in revision.approvals}
        if not required <= approved_roles or revision.visible_from > at:
            continue
        stale = sorted({a.role for a in revision.approvals if a.text_hash != hashes[revision.number]})
        if stale:
            problems.append(revision.origin.problem(
                f"expected published revision {revision.number} to keep the text {', '.join(stale)} approved; "
                f"got changed text: published revisions are immutable, so undo the change and add a correction "
                f"revision (corrects: {revision.number}) instead"))
    return problems
