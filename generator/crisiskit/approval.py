"""Whether a revision is approved: every required role approved this exact text.

An approval records the hash of the revision's rendered text in every
language and channel (``compose.revision_hash``). If the text changes, the
hash no longer matches and the approval is stale: the revision is a draft
again until someone approves the new text.
"""

from __future__ import annotations

from dataclasses import dataclass

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
