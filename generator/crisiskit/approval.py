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
from crisiskit.config import Config


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


def required_roles(incident: Incident, config: Config) -> tuple[str, ...]:
    """Roles that must approve a revision of ``incident``: by its severity, and by the channels it uses."""
    roles = list(config.approvals_by_severity.get(incident.severity, []))
    for channel in incident.channels:
        roles += [r for r in config.approvals_by_channel.get(channel, []) if r not in roles]
    return tuple(roles)


def approval_state(incident: Incident, revision: Revision, text_hash: str, config: Config) -> ApprovalState:
    """Compare the revision's approvals with the hash of its current text."""
    required = required_roles(incident, config)
    valid = {a.role for a in revision.approvals if a.text_hash == text_hash}
    recorded = {a.role for a in revision.approvals}
    stale = tuple(r for r in required if r in recorded and r not in valid)
    missing = tuple(r for r in required if r not in recorded)
    return ApprovalState(required, tuple(r for r in required if r in valid), stale, missing)


def publication_problems(incident: Incident, hashes: dict[int, str], at: datetime, config: Config) -> list[Problem]:
    """Published revisions whose text has changed since it was approved.

    A revision is published once every required role approved it and its time has come; the public
    relies on its permalink never changing, so a change is an error, and the fix is a correction
    revision. A stale approval of a revision not yet due is only a draft again (see approval_state).
    """
    problems = []
    required = set(required_roles(incident, config))
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


def approval_warnings(incident: Incident, hashes: dict[int, str], at: datetime, config: Config) -> list[Problem]:
    """Revisions that are due but not (or no longer) approved, so the public does not see them.

    A revision whose published text changed is reported by publication_problems as an error instead.
    """
    problems = []
    for revision in incident.revisions:
        state = approval_state(incident, revision, hashes[revision.number], config)
        if state.approved or revision.visible_from > at:
            continue
        if set(state.required) <= {a.role for a in revision.approvals}:
            continue  # all approved once and due: published, then changed (an error elsewhere)
        for role in state.stale:
            problems.append(revision.origin.problem(
                f"expected the {role} approval of revision {revision.number} to match its text; got a stale "
                f"approval (the text changed): run crisiskit approve {incident.source} --revision {revision.number} "
                f"--role {role} --by NAME"))
        for role in state.missing:
            problems.append(revision.origin.problem(
                f"expected a {role} approval of revision {revision.number}, which is due; got none, so it is "
                f"not public: run crisiskit approve {incident.source} --revision {revision.number} --role {role} "
                f"--by NAME"))
    return problems
