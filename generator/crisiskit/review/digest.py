"""``crisiskit review``: a Markdown digest of what a pull request changes, for legal.

The kits at the base commit and in the working tree are both rendered and
compared (review/changes.py). The digest opens with a summary a reviewer
reads at a glance: per incident, the revisions added (a correction with its
note), each fact or contact changed with its old and new value and the
texts that change only because of it, the texts changed beyond that, and
the one approve command each role still needs; then what `check` finds;
then the detail: one word diff per language for each such value, every
other changed text with its difference marked. A reviewer reads what will
be said where without opening any YAML.

The summary also lists the scenario's remedies, FAQ and Q&A entries the
incident replaces or removes by id (model/lists.py), when the pull request
changes that. A pull-request comment holds at most 65,536 characters:
review/comment.py splits the digest into parts under 60,000 characters.
"""

from __future__ import annotations

import re
import subprocess
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

from crisiskit.compose.approval_state import approval_state, required_roles
from crisiskit.compose.composed import ComposedIncident
from crisiskit.errors import UserError
from crisiskit.render.diff import diff_markdown
from crisiskit.review.changes import (
    PieceChange,
    RevisionChanges,
    piece_name,
    revision_changes,
    scenario_item_lines,
)
from crisiskit.review.comment import Block, Digest
from crisiskit.review.pending import pending_revisions

# What a new revision's summary lists even when no text quotes it (its times and status are new anyway).
_ALWAYS_LISTED = ("fact ", "hotline", "e-mail", "press contact", "organisation name", "signatory")


def tree_at(project: Path, ref: str, target: Path) -> Path:
    """The kits, mkdocs.yml and crisiskit.yml (the profile kits inherit) as they were at ``ref``, in ``target``."""
    profile = subprocess.run(["git", "cat-file", "-e", f"{ref}:crisiskit.yml"], cwd=project, capture_output=True)
    paths = ["kits", "mkdocs.yml", *(["crisiskit.yml"] if profile.returncode == 0 else [])]
    result = subprocess.run(["git", "archive", "--format=tar", ref, *paths], cwd=project, capture_output=True)
    if result.returncode != 0:
        raise UserError(f"git could not read kits/ at {ref!r}: {result.stderr.decode(errors='replace').strip()}")
    with tarfile.open(fileobj=BytesIO(result.stdout)) as archive:
        archive.extractall(target, filter="data")
    return target


def review_digest(
    project: Path, old: list[ComposedIncident], new: list[ComposedIncident], base: str, findings: list[str]
) -> Digest:
    """The digest of what ``new`` changes since ``old`` (the kits at ``base``), with `check`'s findings."""
    before = {c.incident.id: c for c in old}
    summary: list[Block] = [Block("## Summary")]
    detail: list[Block] = []
    for item in new:
        previous = before.get(item.incident.id)
        changed = revision_changes(previous, item)
        numbers = {r.number for r in item.incident.revisions}
        removed = [r.number for r in previous.incident.revisions if r.number not in numbers] if previous else []
        items = scenario_item_lines(previous, item)
        if not changed and not removed and not items:
            continue
        heading = _heading(item)
        summary += [Block(f"### {heading}"), *_summary(item, changed, removed, items)]
        detail += [Block(f"### {heading}"), *_detail(item, changed)] if changed else []
    ids = {c.incident.id for c in new}
    for item in (c for c in old if c.incident.id not in ids):
        summary += [Block(f"### {_heading(item)}"), Block("- incident removed from the kits")]
    if len(summary) == 1:
        summary.append(Block("No statement, post or letter text changes in this pull request."))
    listed = [Block(f"- {f}", tight=index > 0) for index, f in enumerate(findings)] or [Block("None.")]
    return Digest(
        f"# crisiskit review (against `{base}`)",
        summary,
        [Block("## Findings from `crisiskit check`"), *listed],
        [Block("## Detail"), *detail] if detail else [],
    )


def _heading(item: ComposedIncident) -> str:
    return f"{item.incident.title.get(item.incident.languages[0])} (`{item.incident.source}`)"


def _groups(changed: list[RevisionChanges]) -> dict[str, list[PieceChange]]:
    """Changed texts under each substitution that explains them (a text may stand under two); "" holds the rest."""
    groups: dict[str, list[PieceChange]] = {}
    for revision in changed:
        for change in revision.changes:
            for label in change.explained_by or ("",):
                groups.setdefault(label, []).append(change)
    return groups


def _names(changes: list[PieceChange]) -> str:
    """ "Opening (en, zh-Hant), X (en)": each text once, with the languages it changed in."""
    languages: dict[str, list[str]] = {}
    for change in changes:
        languages.setdefault(change.key, [])
        if change.language not in languages[change.key]:
            languages[change.key].append(change.language)
    return ", ".join(f"{piece_name(key)} ({', '.join(langs)})" for key, langs in languages.items())


def _where(changes: list[PieceChange]) -> str:
    """The texts and the revisions they changed in: once when every revision changed the same texts."""
    numbers = sorted({c.revision for c in changes})
    each = {n: _names([c for c in changes if c.revision == n]) for n in numbers}
    if len(set(each.values())) == 1:
        return f"{each[numbers[0]]} ({'revision' if len(numbers) == 1 else 'revisions'} {', '.join(map(str, numbers))})"
    return "; ".join(f"revision {n}: {names}" for n, names in each.items())


def _summary(
    item: ComposedIncident, changed: list[RevisionChanges], removed: list[int], items: list[str]
) -> list[Block]:
    lines = []
    for revision in (r for r in changed if r.added):
        r = revision.revision
        line = f"- revision {r.number} added (status {r.status})"
        if r.corrects is not None:
            note = item.texts[r.number][item.incident.languages[0]].correction
            line += f", corrects revision {r.corrects}" + (f': "{_one_line(note)}"' if note else "")
        lines.append(line)
    groups = _groups(changed)
    for label, changes in groups.items():
        if label:
            lines.append(f"- {label} changes: {_where(changes)}")
    for revision in changed:  # a new revision's times and status differ from the last one's: said above
        quiet = [s.label for s in revision.substitutions if s.label not in groups]
        for label in (q for q in quiet if not revision.added or q.startswith(_ALWAYS_LISTED)):
            lines.append(f"- {label} (revision {revision.revision.number}; no text quotes it)")
    other = [c for c in groups.get("", []) if c.old is not None]
    if other:
        lines.append(f"- other text changes: {_where(other)}")
    fresh = [c for c in groups.get("", []) if c.old is None and _base(changed, c.revision) is not None]
    if fresh:
        lines.append(f"- new texts: {_where(fresh)}")
    lines += [f"- revision {n} removed" for n in removed]
    lines += items
    lines += _commands(item)
    return [Block(line, tight=index > 0) for index, line in enumerate(lines)]


def _base(changed: list[RevisionChanges], number: int) -> int | None:
    return next(r.base for r in changed if r.revision.number == number)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _commands(item: ComposedIncident) -> list[str]:
    """The one approve command per role that still has revisions of this kit to approve."""
    out = []
    for role in required_roles(item.incident, item.config):
        pending = [r.number for r in pending_revisions(item, role)]
        if pending:
            which = ("revision " if len(pending) == 1 else "revisions ") + ", ".join(map(str, pending))
            out.append(
                f"- {role} approval still needed for {which}: "
                f'`crisiskit approve {item.incident.source} --pending --role {role} --by "NAME"`'
            )
    return out


def _detail(item: ComposedIncident, changed: list[RevisionChanges]) -> list[Block]:
    blocks: list[Block] = []
    for label, changes in _groups(changed).items():
        if not label:
            continue
        blocks += [
            Block(f"#### {label}"),
            Block(f"Changes these texts, and nothing else in them but the values listed here: {_where(changes)}."),
        ]
        for language in item.incident.languages:
            here = [c for c in changes if c.language == language and c.old is not None]
            shown = next((c for c in here if c.explained_by == (label,)), here[0] if here else None)
            if shown is not None and shown.old is not None:
                blocks += [
                    Block(f"##### {shown.name} ({language}, revision {shown.revision})"),
                    _quote(diff_markdown(shown.old, shown.new)),
                ]
    for revision in changed:
        blocks += _revision_detail(revision)
    return blocks + _approvals(item, [r.revision.number for r in changed])


def _revision_detail(changes: RevisionChanges) -> list[Block]:
    r = changes.revision
    if not changes.added:
        against = "changed in this pull request"
    elif changes.base is None:
        against = "new"
    elif r.corrects == changes.base:
        against = f"new; corrects revision {changes.base}, so compared with what revision {changes.base} said"
    else:
        against = f"new; compared with revision {changes.base}"
    blocks = [Block(f"#### Revision {r.number}: {r.status}, visible from {r.visible_from.isoformat()} ({against})")]
    shown: list[PieceChange] = []
    quoting: dict[int, list[str]] = {}  # a post that quotes edited sections, changed only by them, is named once
    for change in (c for c in changes.changes if not c.explained_by):
        quoted = _quotes(change, [s for s in shown if s.language == change.language])
        if quoted:
            for section in quoted:
                quoting.setdefault(id(section), []).append(change.name)
            continue
        shown.append(change)
    for change in shown:
        status = "new" if change.old is None else "changed"
        blocks += [
            Block(f"##### {change.name} ({change.language}, {status})"),
            _quote(change.new if change.old is None else diff_markdown(change.old, change.new)),
        ]
        if id(change) in quoting:
            blocks.append(Block(f"Changed only by quoting this: {', '.join(quoting[id(change)])}."))
    explained = [c for c in changes.changes if c.explained_by]
    if explained:
        why = " and ".join(dict.fromkeys(label for c in explained for label in c.explained_by))
        blocks.append(Block(f"{len(explained)} more text(s) changed only by {why} (shown once above)."))
    if changes.unchanged and changes.added and changes.base is not None:
        blocks.append(Block(f"{changes.unchanged} text(s) the same as in revision {changes.base}."))
    elif changes.unchanged:
        blocks.append(Block(f"{changes.unchanged} text(s) unchanged."))
    return blocks


def _quotes(change: PieceChange, shown: list[PieceChange]) -> list[PieceChange]:
    """The changed texts ``change`` quotes, when quoting their new words is its whole change (beyond values)."""
    if change.old is None or change.residual is None:
        return []
    text, used = change.residual, []
    for section in shown:
        if section.old is not None and section.old in text and section.new in change.new:
            text = text.replace(section.old, section.new)
            used.append(section)
    return used if text == change.new else []


def _quote(text: str) -> Block:
    """``text`` as a block quote; a line of kit text that would open a code fence is escaped (shown as typed)."""
    lines = [_FENCE_OPENER.sub(r"\\\1", line) for line in text.splitlines()]
    return Block("\n".join("> " + line if line else ">" for line in lines) or ">")


_FENCE_OPENER = re.compile(r"^(\s{0,3}[`~])(?=[`~]{2})")


def _approvals(item: ComposedIncident, numbers: list[int]) -> list[Block]:
    out = [Block("#### Approvals")]
    lines = []
    for number in numbers:
        revision = next(r for r in item.incident.revisions if r.number == number)
        state = approval_state(item.incident, revision, item.hashes[number], item.config)
        if state.approved:
            lines.append(f"- Revision {number}: approved by {', '.join(state.valid)} for exactly this text.")
            continue
        for role in (*state.missing, *state.stale):
            why = "missing" if role in state.missing else "stale (the text changed after approval)"
            lines.append(
                f"- Revision {number}: {role} approval {why}. Run: "
                f'`crisiskit approve {item.incident.source} --revision {number} --role {role} --by "NAME"`'
            )
    return out + [Block(line, tight=index > 0) for index, line in enumerate(lines)]


def review(project: Path, base: str, compose_tree, findings: list[str]) -> Digest:
    """Render the kits at ``base`` and now, and describe the difference."""
    with tempfile.TemporaryDirectory() as scratch:
        old_tree = tree_at(project, base, Path(scratch))
        try:
            old = compose_tree(old_tree)
        except UserError:
            old = []  # the base did not load (or had no kits): everything counts as new
    return review_digest(project, old, compose_tree(project), base, findings)
