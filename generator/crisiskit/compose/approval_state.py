"""Whether a revision is approved: every required role approved this exact text.

An approval records the hash of the revision's rendered text in every
language and channel (``compose.revision_hash``). If the text changes, the
hash no longer matches and the approval is stale: the revision is a draft
again until someone approves the new text. Once approved and recorded, only
the revision's own text can make it so: shared data changed later (contacts,
the organisation, the signatory, FAQ, a scenario) applies from the next
revision on (compose/record.py, ``drift_notes``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from crisiskit.compose.record import POSTED_VALUES, differing_fields, is_own
from crisiskit.errors import Problem
from crisiskit.model.config import Config
from crisiskit.model.incident import Incident, Revision
from crisiskit.model.origin import Origin
from crisiskit.model.schedule import offered

if TYPE_CHECKING:  # the composed incident is built above this module, from approval_state
    from crisiskit.compose.composed import ComposedIncident


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


def publication_problems(item: ComposedIncident, at: datetime) -> list[Problem]:
    """Published revisions whose text has changed since it was approved, each at the line of the change.

    A revision is published once every required role approved it and its time has come; the public
    relies on its permalink never changing, so a change is an error, and the fix is a correction
    revision. A stale approval of a revision not yet due is only a draft again (see approval_warnings).
    """
    incident = item.incident
    problems = list(item.record_problems)  # the record of what was published, edited by hand
    required = set(required_roles(incident, item.config))
    for revision in incident.revisions:
        approved_roles = {a.role for a in revision.approvals}
        if not required <= approved_roles or revision.visible_from > at:
            continue
        stale = sorted({a.role for a in revision.approvals if a.text_hash != item.hashes[revision.number]})
        if stale:
            for origin, field, languages in _own_first(item, revision):
                problems.append(
                    origin.problem(
                        f"expected published revision {revision.number} to keep the text {', '.join(stale)} approved; "
                        f"got {_changed(field, languages)}: published revisions are immutable, so undo the change and "
                        f"add a correction revision (corrects: {revision.number}) instead"
                    )
                )
    return problems


def approval_warnings(item: ComposedIncident, at: datetime) -> list[Problem]:
    """Approvals that no longer cover their revision's text, and due revisions nobody approved.

    A stale approval is reported whether or not the revision is due: an embargoed revision whose text
    changed after approval would otherwise silently stay off the site at its embargo time. A revision
    whose published text changed is reported by publication_problems as an error instead.
    """
    incident = item.incident
    problems = []
    for revision in incident.revisions:
        state = approval_state(incident, revision, item.hashes[revision.number], item.config)
        due = revision.visible_from <= at
        if state.approved or (due and set(state.required) <= {a.role for a in revision.approvals}):
            continue  # approved; or approved once, due, and changed since (an error in publication_problems)
        if state.stale:
            roles = ", ".join(state.stale)
            for origin, field, languages in _own_first(item, revision):
                problems.append(
                    origin.problem(
                        f"expected the {roles} approval of revision {revision.number} to match its text; got "
                        f"{_changed(field, languages)} since it was approved, so it is not public: "
                        "approve the new text "
                        f"({_command(incident.source, revision.number, state.stale)})"
                    )
                )
        if state.missing and due:
            problems.append(
                revision.origin.problem(
                    f"expected a {', '.join(state.missing)} approval of revision {revision.number}, which is due; got "
                    f"none, so it is not public: {_command(incident.source, revision.number, state.missing)}"
                )
            )
    return problems


def drift_notes(item: ComposedIncident) -> list[Problem]:
    """Shared data changed since approved revisions were recorded: it applies from the next revision on.

    Said while the latest approved revision is one of them (no approved revision carries the new value
    yet), once per field, at the field's line. Changes in crisiskit's own wording of derived posts are
    not the author's doing and are not reported.
    """
    incident = item.incident
    approved = [r for r in incident.revisions if item.approved[r.number]]
    if not approved or approved[-1].number not in item.frozen:
        return []
    latest, last = approved[-1], incident.revisions[-1]
    fields: dict[str, tuple[list[int], list[str]]] = {}
    for revision in approved:
        changes = item.drift.get(revision.number, {})
        facts = [n for n in changes if n.startswith("facts.")]
        texts = [n for n in changes if not n.startswith(("facts.", "posts."))]
        for name in facts if facts and texts else texts:
            numbers, languages = fields.setdefault(name, ([], []))
            numbers.append(revision.number)
            languages += [lang for lang in changes[name] if lang not in languages]
    following = (
        f"revision {latest.number + 1}, once approved"
        if last.number > latest.number
        else f"add revision {last.number + 1} to publish it"
    )
    problems = []
    for name, (numbers, languages) in fields.items():
        which = _numbers(numbers)
        problems.append(
            _origin_of(item, latest, name, languages[0]).problem(
                f"expected shared data to change only for revisions still to come; got {_changed(name, languages)} "
                f"since {which} {'was' if len(numbers) == 1 else 'were'} approved: {which} keep"
                f"{'s' if len(numbers) == 1 else ''} the approved text (recorded in content/incidents/{incident.id}/"
                f"kit.json), and the new value applies from the next revision ({following})"
            )
        )
    return problems


def _numbers(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"revision {numbers[0]}"
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"revisions {numbers[0]}-{numbers[-1]}"
    return "revisions " + ", ".join(map(str, numbers))


def _own_first(item: ComposedIncident, revision: Revision) -> list[tuple[Origin, str, list[str]]]:
    """changed_fields, but only the revision's own text when that changed too: shared data that changed
    with it would have applied from the next revision on its own (drift_notes)."""
    found = changed_fields(item, revision)
    own = [f for f in found if f[1].startswith("facts.") or is_own(item.incident, revision, f[1])]
    return own or found


def _command(source: str, number: int, roles: tuple[str, ...] | list[str]) -> str:
    return "; ".join(f"run crisiskit approve {source} --revision {number} --role {role} --by NAME" for role in roles)


def _changed(field: str, languages: list[str]) -> str:
    where = f" ({', '.join(languages)})" if languages else ""
    return f"a changed {field}{where}" if field else "a changed text"


def changed_fields(item: ComposedIncident, revision: Revision) -> list[tuple[Origin, str, list[str]]]:
    """Where the revision's text differs from what its stale approvals covered: (origin, field, languages).

    The approved text comes from the review tree's record (kit.json keeps approved texts by hash). When
    it is not known, the revision itself is named, which is all that can be said honestly.
    """
    current = item.snapshot(revision)
    stale = [old for digest, old in item.approved_texts(revision).items() if digest != item.hashes[revision.number]]
    if not stale:
        return [(revision.origin, "", [])]
    fields: dict[str, list[str]] = {}
    for old in stale:
        for language, now in current["languages"].items():
            names = differing_fields(old.get("languages", {}).get(language, {}), now)
            before, after = old.get("facts", {}).get(language, {}), current["facts"].get(language, {})
            facts = [f"facts.{n}" for n in dict.fromkeys([*before, *after]) if before.get(n) != after.get(n)]
            # a changed fact changes every text that refers to it: name the fact, the one thing edited
            for name in facts if names and facts else names:
                fields.setdefault(name, [])
                if language not in fields[name]:
                    fields[name].append(language)
    if len(fields) > 1:
        for name in [n for n in fields if n.startswith("posts.")]:
            fields.pop(name)  # posts are derived from the other fields: name the field that was edited
    found = [(_origin_of(item, revision, name, languages[0]), name, languages) for name, languages in fields.items()]
    return found or [(revision.origin, "", [])]


def _origin_of(item: ComposedIncident, revision: Revision, name: str, language: str) -> Origin:
    """Where field ``name`` of ``revision`` is written in the kit (or the scenario it came from)."""
    incident = item.incident
    kind, _, part = name.partition(".")
    if name in POSTED_VALUES:
        posted = POSTED_VALUES[name](incident)
        if getattr(posted, "origin", None) is not None:
            line, column, path = posted.origin.locate(None, language)
            return Origin(posted.origin.file, line, column, path)
    if kind == "facts":
        return _written(revision.origin, ["facts", part], name)
    if kind == "contacts":
        return _written(revision.origin, ["contacts", part], name)
    text: Any = {
        "title": incident.title,
        "organization": incident.organization.name,
        "signature": incident.signatory.name,
        "headline": revision.statement.headline,
        "acknowledgement": revision.statement.acknowledgement,
        "correction": revision.correction,
    }.get(name)
    if kind == "statement":
        text = getattr(revision.statement, part, None)
    elif kind == "posts":
        override = revision.channels.get(part)
        parts = (override.text, override.subject, override.preheader) if override else ()
        text = next((t for t in parts if t is not None), None)
    elif name.startswith(("faq[", "remedies[")):
        entries_kind, rest = name.split("[", 1)
        index, field = int(rest.split("]")[0]), rest.split(".", 1)[1]
        listed = offered(incident.faq, revision) if entries_kind == "faq" else offered(incident.remedies, revision)
        entries = [e for e in listed if getattr(e, "audience", "public") == "public"]  # as the revision lists them
        text = getattr(entries[index], field, None) if index < len(entries) else None
    if text is not None and getattr(text, "origin", None) is not None:
        origin = text.origin
        line, column, path = origin.locate(None, language)
        return Origin(origin.file, line, column, path, origin.starts, origin.lines)
    if kind == "posts":
        return revision.origin  # a derived post changed with crisiskit's own wording
    key = {"published_at": "publish_at"}.get(name, name)
    origin = revision.origin
    if not origin.lines:
        return origin
    in_revision = key in ("status", "issued_at", "publish_at", "next_update_at")
    start = origin.line if in_revision else 1
    line, column = Origin(origin.file, start, 1, key, origin.starts, origin.lines).find(f"{key}:", None)
    if (line, column) == (start, 1) and not origin.lines[start - 1].lstrip().startswith(f"{key}:"):
        return origin  # the key is not written in the kit (it came from a scenario or a default)
    return Origin(origin.file, line, column, _key_path(origin.path, key) if in_revision else key)


def _key_path(revision_path: str, key: str) -> str:
    return f"{revision_path}.{key}"


def _written(origin: Origin, keys: list[str], path: str) -> Origin:
    """Where nested ``keys`` (``contacts`` then ``hotline``) are written in the kit file, else ``origin``."""
    line = 1
    for key in keys:
        line, column = Origin(origin.file, line, 1, path, {}, origin.lines).find(f"{key}:", None)
        if not origin.lines or not origin.lines[line - 1][column - 1 :].startswith(f"{key}:"):
            return origin
    return Origin(origin.file, line, column, path)
