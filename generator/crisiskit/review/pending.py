"""``crisiskit approve --pending``: one role approves every revision still waiting for it, in one run.

A revision is pending for a role when the role is required for its incident
and has no approval of the revision's current text (none at all, or one of
text that has changed since). Each is recorded exactly as ``approve
--revision`` records it (review/approve.py: same edit, same checks, comments
and layout kept), all under one hold of the project's lock.

A lawyer approving "everything pending" has read the texts, not the
findings, so two kinds of revision are left alone and reported with the
reason: one whose text `check` finds an error in (a post the platform would
cut, a word the Q&A forbids: approving it would sign off a known fault; to
approve it anyway, approve that revision by itself with ``--revision``), and
a published one whose earlier approval by the role would be replaced (that
takes ``--replace-published``, as it does for one revision).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from crisiskit.checks.findings import Finding
from crisiskit.compose.approval_state import required_roles
from crisiskit.compose.composed import ComposedIncident
from crisiskit.errors import UserError
from crisiskit.model.incident import Revision
from crisiskit.review.approve import checked_name, published_refusal, record_locked, role_problem
from crisiskit.write import project_lock, remove_leftover_temps

# Rule families about the words themselves (limits, agreement, structure, wording, markup). Timing (CK5xx)
# and approval (CK6xx) findings say nothing against the text: an overdue update is exactly what is approved next.
TEXT_RULE_FAMILIES = ("CK1", "CK2", "CK3", "CK4", "CK7")


@dataclass(frozen=True)
class PendingKit:
    """A kit to approve in: its file, how to compose it as it is on disk, and `check`'s findings on it now."""

    path: Path
    compose: Callable[[], ComposedIncident]
    findings: Callable[[], list[Finding]]


@dataclass(frozen=True)
class Outcome:
    """What happened to one pending revision: approved (``skipped`` is None) or left alone, and why."""

    kit: Path
    revision: int
    headline: str
    text_hash: str
    skipped: str | None = None
    unchanged: bool = False


def pending_revisions(composed: ComposedIncident, role: str) -> list[Revision]:
    """Revisions whose current text lacks ``role``'s approval, where the incident needs that role at all."""
    if role not in required_roles(composed.incident, composed.config):
        return []
    return [
        r
        for r in composed.incident.revisions
        if not any(a.role == role and a.text_hash == composed.hashes[r.number] for a in r.approvals)
    ]


def text_errors(findings: list[Finding], revision: Revision) -> list[Finding]:
    """Error findings on the text ``revision`` says: in its own entry, or in kit-level text every revision uses."""
    entry = revision.origin.path
    own = revision.origin.file
    return [
        f
        for f in findings
        if f.severity == "error"
        and f.rule.startswith(TEXT_RULE_FAMILIES)
        and f.file == own
        and (not f.path.startswith("updates[") or f.path == entry or f.path.startswith((f"{entry}.", f"{entry}[")))
    ]


def approve_pending(
    project: Path,
    kits: list[PendingKit],
    role: str,
    name: str,
    *,
    report: Callable[[Outcome], None] = lambda _outcome: None,
    replace_published: bool = False,
    at: datetime | None = None,
    lock_timeout: float = 120,
) -> list[Outcome]:
    """Record ``role``'s approval (by ``name``) of every revision pending for it in ``kits``, in one lock hold.

    ``report`` hears of each revision as it is approved or left alone.
    """
    name = checked_name(name)
    moment = (at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    for kit in kits:
        if kit.path.is_symlink():
            raise UserError(
                f"{kit.path}: expected the kit itself; got a symbolic link (approve edits the file in place)"
            )
        kit.compose()  # a kit that does not load is refused before waiting for the lock (see approve.approve)
    outcomes: list[Outcome] = []
    with project_lock(project, lock_timeout):
        for kit in kits:
            remove_leftover_temps(kit.path.parent)
            outcomes += _approve_kit(kit, role, name, moment, replace_published, report)
    return outcomes


def _approve_kit(
    kit: PendingKit,
    role: str,
    name: str,
    moment: datetime,
    replace_published: bool,
    report: Callable[[Outcome], None],
) -> list[Outcome]:
    composed = kit.compose()
    problem = role_problem(role, composed.config)
    if problem:
        raise UserError(f"--role: {problem}")
    pending = pending_revisions(composed, role)
    findings = kit.findings() if pending else []
    outcomes = []
    for revision in pending:
        number = revision.number
        headline = composed.texts[number][composed.incident.languages[0]].headline
        why = _skip_reason(composed, revision, role, moment, findings, replace_published)
        if why:
            outcome = Outcome(kit.path, number, headline, composed.hashes[number], skipped=why)
        else:
            recorded = record_locked(kit.path, number, role, name, moment, kit.compose, replace_published)
            outcome = Outcome(kit.path, number, headline, recorded.text_hash, unchanged=recorded.unchanged)
        report(outcome)
        outcomes.append(outcome)
    return outcomes


def _skip_reason(
    composed: ComposedIncident,
    revision: Revision,
    role: str,
    moment: datetime,
    findings: list[Finding],
    replace_published: bool,
) -> str | None:
    errors = text_errors(findings, revision)
    if errors:
        first = errors[0]
        more = f" and {len(errors) - 1} more" if len(errors) > 1 else ""
        return (
            f"check finds an error in its text ({first.file}:{first.line}:{first.column} {first.rule}: "
            f"{first.message}{more}); fix it, or approve this revision by itself with --revision {revision.number}"
        )
    return None if replace_published else published_refusal(composed, revision, role, moment)
