"""``crisiskit review``: a Markdown digest of what a pull request changes, for legal.

The kits at the base commit and in the working tree are both rendered; for
every incident, revision, language and channel whose text differs, the
digest shows the new text with the difference marked, then what still
needs approval with the exact command to run. A reviewer can read what will
be said where without opening any YAML.
"""

from __future__ import annotations

import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from crisiskit.compose.approval_state import approval_state
from crisiskit.compose.composed import ComposedIncident
from crisiskit.compose.labels import labels
from crisiskit.compose.revision import RevisionText
from crisiskit.errors import UserError
from crisiskit.render.diff import diff_markdown


@dataclass(frozen=True)
class TextChange:
    """One piece of text that a pull request adds or changes."""

    incident: str
    revision: int
    language: str
    where: str
    old: str | None
    new: str


def tree_at(project: Path, ref: str, target: Path) -> Path:
    """The kits and mkdocs.yml as they were at ``ref``, extracted into ``target``."""
    result = subprocess.run(
        ["git", "archive", "--format=tar", ref, "kits", "mkdocs.yml"], cwd=project, capture_output=True
    )
    if result.returncode != 0:
        raise UserError(f"git could not read kits/ at {ref!r}: {result.stderr.decode(errors='replace').strip()}")
    with tarfile.open(fileobj=BytesIO(result.stdout)) as archive:
        archive.extractall(target, filter="data")
    return target


def _pieces(text: RevisionText) -> dict[str, str]:
    t = labels(text.language)
    pieces = {t["changed_fields"]["headline"]: text.headline}
    if text.acknowledgement:
        pieces[t["changed_fields"]["acknowledgement"]] = text.acknowledgement
    pieces.update({t["sections"][k]: v for k, v in text.sections.items()})
    for post in text.posts:
        name = t["channel_names"][post.channel]
        body = post.text if not post.subject else f"{t['subject']}{t['colon']}{post.subject}\n\n{post.text}"
        pieces[name] = body
    return pieces


def text_changes(old: list[ComposedIncident], new: list[ComposedIncident]) -> list[TextChange]:
    """Every statement section and channel text that is new or different in ``new``."""
    before = {c.incident.id: c for c in old}
    changes: list[TextChange] = []
    for item in new:
        previous = before.get(item.incident.id)
        for number, by_language in item.texts.items():
            for language, text in by_language.items():
                earlier = previous.texts.get(number, {}).get(language) if previous else None
                old_pieces = _pieces(earlier) if earlier else {}
                for where, body in _pieces(text).items():
                    if old_pieces.get(where) != body:
                        changes.append(
                            TextChange(item.incident.id, number, language, where, old_pieces.get(where), body)
                        )
    return changes


def review_digest(
    project: Path, old: list[ComposedIncident], new: list[ComposedIncident], base: str, findings: list[str]
) -> str:
    """The digest as Markdown, ready to post as a pull-request comment."""
    changes = text_changes(old, new)
    lines = [f"# crisiskit review (against `{base}`)", ""]
    if not changes:
        lines += ["No statement, post or letter text changes in this pull request.", ""]
    by_incident: dict[str, list[TextChange]] = {}
    for change in changes:
        by_incident.setdefault(change.incident, []).append(change)
    composed = {c.incident.id: c for c in new}
    for incident_id, items in by_incident.items():
        item = composed[incident_id]
        lines += [f"## {item.incident.title.get(item.incident.languages[0])} (`{item.incident.source}`)", ""]
        for number in sorted({c.revision for c in items}):
            revision = next(r for r in item.incident.revisions if r.number == number)
            lines += [f"### Revision {number}: {revision.status}, visible from {revision.visible_from.isoformat()}", ""]
            for change in (c for c in items if c.revision == number):
                status = "new" if change.old is None else "changed"
                lines += [f"#### {change.where} ({change.language}, {status})", ""]
                shown = change.new if change.old is None else diff_markdown(change.old, change.new)
                lines += ["> " + line if line else ">" for line in shown.splitlines()] + [""]
        lines += _approvals(item, sorted({c.revision for c in items}))
    lines += ["## Findings from `crisiskit check`", ""]
    lines += [f"- {f}" for f in findings] if findings else ["None."]
    lines.append("")
    return "\n".join(lines)


def _approvals(item: ComposedIncident, numbers: list[int]) -> list[str]:
    out = ["#### Approvals", ""]
    for number in numbers:
        revision = next(r for r in item.incident.revisions if r.number == number)
        state = approval_state(item.incident, revision, item.hashes[number], item.config)
        if state.approved:
            out.append(f"- Revision {number}: approved by {', '.join(state.valid)} for exactly this text.")
            continue
        for role in (*state.missing, *state.stale):
            why = "missing" if role in state.missing else "stale (the text changed after approval)"
            out.append(
                f"- Revision {number}: {role} approval {why}. Run: "
                f'`crisiskit approve {item.incident.source} --revision {number} --role {role} --by "NAME"`'
            )
    return out + [""]


def review(project: Path, base: str, compose_tree, findings: list[str]) -> str:
    """Render the kits at ``base`` and now, and describe the difference."""
    with tempfile.TemporaryDirectory() as scratch:
        old_tree = tree_at(project, base, Path(scratch))
        try:
            old = compose_tree(old_tree)
        except UserError:
            old = []  # the base did not load (or had no kits): everything counts as new
    return review_digest(project, old, compose_tree(project), base, findings)
