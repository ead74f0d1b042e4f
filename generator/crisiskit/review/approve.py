"""``crisiskit approve``: record an approval of a revision's exact text in the kit.

The kit is edited in place with ruamel.yaml's round-trip mode, so comments,
key order and layout stay as the author left them. The approval stores the
hash of the revision's rendered text in every language and channel; any
later change to that text makes it stale.

The approval record is what legal relies on, so an approval is never lost
and never corrupts a kit: the whole read-compose-edit-write runs under the
project's lock (the one ``generate`` takes), so a second approval started at
the same moment reads the kit with the first one in it; the file keeps its
mode and is replaced atomically; the kit is loaded again afterwards and put
back byte for byte if it no longer loads. A published revision's approvals
are part of what the public was told, so replacing one takes a flag that
says so.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from crisiskit.compose.approval_state import required_roles
from crisiskit.compose.composed import ComposedIncident
from crisiskit.errors import SystemProblem, UserError
from crisiskit.model.config import Config
from crisiskit.model.incident import Revision
from crisiskit.write import atomic_write, project_lock, remove_leftover_temps

NAME_LIMIT = 100
# Bidi controls rewrite how a name reads on the statement page; they are never part of a person's name.
_BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass(frozen=True)
class Recorded:
    """What ``approve`` did: the hash approved, and whether the kit already said exactly this."""

    text_hash: str
    unchanged: bool


def configured_roles(config: Config) -> list[str]:
    """Every role the project's approval settings name (crisiskit.yml over the packaged defaults)."""
    tables = (config.approvals_by_severity, config.approvals_by_channel)
    return sorted({role for table in tables for roles in table.values() for role in roles})


def role_problem(role: str, config: Config) -> str | None:
    """Why ``role`` cannot approve in this project, or None when it can."""
    known = configured_roles(config)
    if role in known:
        return None
    hint = " (roles are lower-case)" if role.lower() in known else ""
    return f"expected one of the roles {', '.join(known)}{hint}; got {role!r}"


def approver_name(text: str) -> str:
    """The approver's name as it will be recorded and shown; ValueError when it cannot be one."""
    name = text.strip()
    if not name:
        raise ValueError("expected the approver's name; got an empty one")
    if len(name) > NAME_LIMIT:
        raise ValueError(f"expected a name of at most {NAME_LIMIT} characters; got {len(name)}")
    odd = next((c for c in name if unicodedata.category(c) in ("Cc", "Zl", "Zp") or c in _BIDI_CONTROLS), None)
    if odd is not None:
        raise ValueError(f"expected a name on one line without control characters; got U+{ord(odd):04X} in {name!r}")
    return name


def approve(
    project: Path,
    kit_path: Path,
    revision: int,
    role: str,
    name: str,
    *,
    compose_kit: Callable[[], ComposedIncident],
    replace_published: bool = False,
    at: datetime | None = None,
    lock_timeout: float = 120,
) -> Recorded:
    """Record ``role``'s approval (by ``name``) of ``revision``'s current text in ``kit_path``.

    ``compose_kit`` reads and composes the kit as it is on disk; it is called under the lock, so the
    hash approved is the hash of the text in the file this run edits, and again after writing, to
    prove the kit still loads and the approval holds.
    """
    name = checked_name(name)
    moment = (at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    if kit_path.is_symlink():
        raise UserError(f"{kit_path}: expected the kit itself; got a symbolic link (approve edits the file in place)")
    # Composed once before the lock: a kit that does not load is refused without waiting for it, and the
    # tables, patterns and parsed scenarios composing needs are ready, so the lock is held only for
    # the work that must be exclusive (concurrent approvals of one incident queue on it). The hash
    # recorded is still the one composed under the lock, from the file as this run edits it.
    compose_kit()
    with project_lock(project, lock_timeout):
        remove_leftover_temps(kit_path.parent)
        return record_locked(kit_path, revision, role, name, moment, compose_kit, replace_published)


def record_locked(
    kit_path: Path,
    revision: int,
    role: str,
    name: str,
    moment: datetime,
    compose_kit: Callable[[], ComposedIncident],
    replace_published: bool,
) -> Recorded:
    """Record one approval; the caller holds the project's lock."""
    composed = compose_kit()
    problem = role_problem(role, composed.config)
    if problem:
        raise UserError(f"--role: {problem}")
    entry = _revision(composed, kit_path, revision)
    text_hash = composed.hashes[revision]
    existing = [a for a in entry.approvals if a.role == role]
    if any(a.name == name and a.text_hash == text_hash for a in existing):
        return Recorded(text_hash, unchanged=True)
    refusal = published_refusal(composed, entry, role, moment) if not replace_published else None
    if refusal:
        raise UserError(f"{kit_path}: {refusal}")
    original = kit_path.read_bytes()
    edited = _with_approval(original, kit_path, revision, role, name, moment, text_hash)
    _write_checked(kit_path, original, edited, revision, role, compose_kit)
    return Recorded(text_hash, unchanged=False)


def published_refusal(composed: ComposedIncident, entry: Revision, role: str, moment: datetime) -> str | None:
    """Why ``role``'s approval of a published revision may not be replaced without --replace-published."""
    existing = [a for a in entry.approvals if a.role == role]
    if not existing or not _published(composed, entry, moment):
        return None
    who = ", ".join(sorted({a.name for a in existing}))
    return (
        f"revision {entry.number} is published and its {role} approval by {who} is part of what the "
        f"public was told; add a correction revision (corrects: {entry.number}) instead, or run again with "
        f"--replace-published to replace {who}'s approval"
    )


def checked_name(name: str) -> str:
    """The approver's name as recorded (approver_name), or a UserError naming --by."""
    try:
        return approver_name(name)
    except ValueError as error:
        raise UserError(f"--by: {error}") from None


def _revision(composed: ComposedIncident, kit_path: Path, revision: int) -> Revision:
    numbers = [r.number for r in composed.incident.revisions]
    if revision not in numbers:
        raise UserError(f"{kit_path}: expected one of the revisions {', '.join(map(str, numbers))}; got {revision}")
    return next(r for r in composed.incident.revisions if r.number == revision)


def _published(composed: ComposedIncident, revision: Revision, at: datetime) -> bool:
    """Whether the public has seen this revision: every required role approved it once, and it is due.

    This is the immutability rule's notion (approval.publication_problems): a published revision whose
    text changed since is still published; re-approving the new text would quietly change it.
    """
    required = set(required_roles(composed.incident, composed.config))
    return revision.visible_from <= at and required <= {a.role for a in revision.approvals}


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _with_approval(
    original: bytes, kit_path: Path, revision: int, role: str, name: str, moment: datetime, text_hash: str
) -> str:
    """The kit's text with this role's approval of ``revision`` replaced by a new record."""
    yaml = _yaml()
    document = yaml.load(original.decode("utf-8"))
    entries = [
        u for u in document.get("updates") or [] if isinstance(u, dict) and str(u.get("revision")) == str(revision)
    ]
    if len(entries) != 1:
        raise UserError(
            f"{kit_path}: expected revision {revision} written in this kit (not only in its scenario) "
            "to record the approval in; got none"
        )
    entry = entries[0]
    trailing = _take_trailing_comment(entry)
    approvals = entry.get("approvals")
    if approvals is None:
        entry["approvals"] = approvals = []
    for index in reversed(range(len(approvals))):
        if approvals[index].get("role") == role:
            del approvals[index]
    record = CommentedMap()
    record["role"] = role
    record["name"] = name
    record["at"] = moment.isoformat().replace("+00:00", "Z")
    record["text_hash"] = text_hash
    approvals.append(record)
    if trailing is not None:  # the comment that ended the entry (often the next revision's) still ends it
        record.ca.items["text_hash"] = [None, None, trailing, None]
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    return buffer.getvalue()


def _take_trailing_comment(node: Any) -> Any:
    """Detach the comment written after ``node``'s last value (ruamel keeps it on the deepest last key).

    A comment between two revisions introduces the second; left where ruamel keeps it, the approvals
    appended to the first would be written below it, under the wrong revision.
    """
    while isinstance(node, CommentedMap | CommentedSeq) and len(node):
        key: Any = list(node.keys())[-1] if isinstance(node, CommentedMap) else len(node) - 1
        value = node[key]
        if isinstance(value, CommentedMap | CommentedSeq) and len(value):
            node = value
            continue
        slot = 2 if isinstance(node, CommentedMap) else 0
        items = node.ca.items.get(key)
        if not items or items[slot] is None:
            return None
        token = items[slot]
        items[slot] = None
        return token
    return None


def _write_checked(
    kit_path: Path, original: bytes, edited: str, revision: int, role: str, compose_kit: Callable[[], ComposedIncident]
) -> None:
    """Write the edited kit, load it again, and put the original back if it does not load or the approval fails."""
    try:
        atomic_write(kit_path, edited)
    except OSError as error:
        raise SystemProblem(error, kit_path, "the kit was left as it was") from error
    try:
        after = compose_kit()
        entry = next(r for r in after.incident.revisions if r.number == revision)
        if not any(a.role == role and a.text_hash == after.hashes[revision] for a in entry.approvals):
            raise UserError(f"the approval was written but does not cover revision {revision}'s text")
    except BaseException as error:
        atomic_write(kit_path, original)
        if isinstance(error, UserError):
            raise UserError(
                f"{kit_path}: the approved kit did not load again, so the original was put back: "
                + "; ".join(error.lines())
            ) from None
        raise
