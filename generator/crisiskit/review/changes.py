"""What a pull request changes in the texts, in the terms a reviewer thinks in.

Each revision is compared with what it is measured against: the same
revision at the base commit, or, for a revision the pull request adds, the
revision it corrects, else the one before it. A changed fact, hotline,
signatory, status or time is a ``Substitution``: one value replaced by
another wherever the text quotes it. A text whose whole change is such
substitutions is *explained* by them and is listed under them, once; only
the rest is shown word by word. So changing one fact reads as one line, not
as every post that quotes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crisiskit.compose.composed import ComposedIncident
from crisiskit.compose.formatting import format_fact, locale_of
from crisiskit.compose.labels import labels
from crisiskit.compose.revision import RevisionText, status_label
from crisiskit.model.incident import Revision

_WORD = "0-9A-Za-z"  # a substituted value must not be part of a longer number or word (12 in 2026-11-12)


@dataclass(frozen=True)
class Substitution:
    """One value the text quotes, replaced by another: a fact, a contact, the signatory, the status or a time."""

    label: str
    old: dict[str, str]
    new: dict[str, str]


@dataclass(frozen=True)
class Piece:
    """One text of a revision in one language: a statement section, the headline, a channel's post."""

    key: str
    name: str
    body: str


@dataclass(frozen=True)
class PieceChange:
    """A text that is new or different, and the substitutions that explain the whole change, if they do."""

    revision: int
    language: str
    key: str
    name: str
    old: str | None
    new: str
    explained_by: tuple[str, ...] = ()
    residual: str | None = None
    """``old`` with the substitutions applied: what is left to explain is the difference from ``new``."""


@dataclass
class RevisionChanges:
    """How one revision differs from what it is measured against (``base`` None: nothing, all of it is new)."""

    revision: Revision
    added: bool
    base: int | None
    substitutions: list[Substitution] = field(default_factory=list)
    changes: list[PieceChange] = field(default_factory=list)
    unchanged: int = 0


def pieces(text: RevisionText) -> list[Piece]:
    """Every text of a revision in one language, named as its reader knows it."""
    t = labels(text.language)
    found = [Piece("headline", t["changed_fields"]["headline"], text.headline)]
    if text.correction:
        found.append(Piece("correction", t["correction"], text.correction))
    if text.acknowledgement:
        found.append(Piece("acknowledgement", t["changed_fields"]["acknowledgement"], text.acknowledgement))
    found += [Piece(k, t["sections"][k], v) for k, v in text.sections.items()]
    colon = t["colon"]
    found += [
        Piece(key, name, body)
        for key, name, body in (
            (
                "remedies",
                t["remedies"],
                "\n\n".join(
                    f"{r.description}\n{t['eligible']}{colon}{r.eligible}\n{t['how_to_claim']}{colon}{r.how_to_claim}"
                    for r in text.remedies
                ),
            ),
            ("contacts", t["get_help"], "\n".join(f"{t[c.kind]}{colon}{c.value}" for c in text.contacts)),
            ("faq", t["faq"], "\n\n".join(f"{e.question}\n{e.answer}" for e in text.faq)),
            ("key_messages", t["key_messages"], "\n".join(f"- {m}" for m in text.key_messages)),
            ("signature", "Signature", text.signature),
            ("title", "Title", text.title),
        )
        if body
    ]
    for post in text.posts:
        body = post.text if not post.subject else f"{t['subject']}{colon}{post.subject}\n\n{post.text}"
        found.append(Piece(post.channel, t["channel_names"][post.channel], body))
    return found


def piece_name(key: str) -> str:
    """A text's name in English, for the summary that lists it across languages."""
    t = labels("en")
    named = {
        **t["changed_fields"],
        **t["sections"],
        **t["channel_names"],
        "correction": t["correction"],
        "remedies": t["remedies"],
        "contacts": t["get_help"],
        "faq": t["faq"],
        "key_messages": t["key_messages"],
        "signature": "Signature",
        "title": "Title",
    }
    return named.get(key, key)


def revision_changes(old: ComposedIncident | None, new: ComposedIncident) -> list[RevisionChanges]:
    """Every revision of ``new`` that is added, or whose text differs from ``old``'s same revision."""
    result = []
    numbers = {r.number for r in new.incident.revisions}
    for revision in new.incident.revisions:
        base_revision: Revision | None
        before = old.incident.revisions if old else []
        was = next((r for r in before if r.number == revision.number), None)
        if was is not None and old is not None:
            if old.texts[was.number] == new.texts[revision.number]:
                continue
            base_item, base_revision, added = old, was, False
        else:
            earlier = [n for n in numbers if n < revision.number]
            wanted = revision.corrects if revision.corrects in numbers else max(earlier, default=None)
            base_item, added = new, True
            base_revision = next((r for r in new.incident.revisions if r.number == wanted), None)
        result.append(_compare(base_item, base_revision, new, revision, added))
    return result


def _compare(
    base_item: ComposedIncident, base: Revision | None, new: ComposedIncident, revision: Revision, added: bool
) -> RevisionChanges:
    found = RevisionChanges(revision, added, base.number if base else None)
    if base is not None:
        found.substitutions = substitutions(base_item, base, new, revision)
    for language, text in new.texts[revision.number].items():
        earlier = base_item.texts[base.number].get(language) if base is not None else None
        old_pieces = {p.key: p.body for p in pieces(earlier)} if earlier else {}
        for piece in pieces(text):
            old_body = old_pieces.get(piece.key)
            if old_body == piece.body:
                found.unchanged += 1
                continue
            residual, why = substituted(old_body, language, found.substitutions) if old_body is not None else (None, ())
            if residual != piece.body:
                why = ()
            found.changes.append(
                PieceChange(revision.number, language, piece.key, piece.name, old_body, piece.body, why, residual)
            )
    return found


def substitutions(
    old_item: ComposedIncident, old: Revision, new_item: ComposedIncident, new: Revision
) -> list[Substitution]:
    """The quoted values that differ between two revisions: facts first, then contacts, people, status, times."""
    languages = new_item.incident.languages
    values: dict[str, tuple[dict[str, str], dict[str, str]]] = {}
    for name in sorted({*old.facts, *new.facts}):
        values[f"fact {name}"] = (
            _fact_values(old_item, old, name, languages),
            _fact_values(new_item, new, name, languages),
        )
    old_texts, new_texts = old_item.texts[old.number], new_item.texts[new.number]
    for what, read in _QUOTED.items():
        values[what] = (
            {lang: read(old_texts[lang]) for lang in languages if lang in old_texts},
            {lang: read(new_texts[lang]) for lang in languages},
        )
    found = []
    first = languages[0]
    for what, (before, after) in values.items():
        if before == after:
            continue
        was, now = _shown(before.get(first, "")), _shown(after.get(first, ""))
        if not was:
            label = f"{what} added ({now})"
        elif not now:
            label = f"{what} removed (was {was})"
        else:
            label = f"{what} {was} -> {now}"
        found.append(Substitution(label, before, after))
    return found


def _shown(value: str, limit: int = 80) -> str:
    """A value on one line, shortened: labels stand in headings and list items, which a line break would end."""
    flat = " ".join(value.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _fact_values(item: ComposedIncident, revision: Revision, name: str, languages: list[str]) -> dict[str, str]:
    fact = revision.facts.get(name)
    if fact is None or fact.value is None:
        return {}
    return {lang: format_fact(fact, lang, locale_of(item.incident, lang)) for lang in languages}


def _contact(kind: str):
    return lambda text: next((c.value for c in text.contacts if c.kind == kind), "")


_QUOTED = {
    "hotline": _contact("hotline"),
    "e-mail": _contact("email"),
    "press contact": _contact("press"),
    "organisation name": lambda text: text.organization,
    "signatory": lambda text: text.signature,
    "status": lambda text: status_label(text),
    "time issued": lambda text: text.issued_at,
    "time published": lambda text: text.published_at,
    "next update": lambda text: text.next_update_at or "",
}


def substituted(old: str, language: str, found: list[Substitution]) -> tuple[str, tuple[str, ...]]:
    """``old`` with every substitution applied where it quotes the old value, and the labels of those applied."""
    pairs = {s.old[language]: (s.new[language], s.label) for s in found if s.old.get(language) and s.new.get(language)}
    if not pairs:
        return old, ()
    quoted = sorted(pairs, key=len, reverse=True)  # the longer value first: "12 November" before "12"
    pattern = re.compile(f"(?<![{_WORD}])(?:{'|'.join(map(re.escape, quoted))})(?![{_WORD}])")
    used: list[str] = []

    def swap(match: re.Match[str]) -> str:
        value, label = pairs[match.group(0)]
        if label not in used:
            used.append(label)
        return value

    text = pattern.sub(swap, old)
    return text, tuple(sorted(used, key=[s.label for s in found].index))


_ITEM_NAMES = {"remedies": "remedy", "faq": "FAQ entry", "internal_qa": "Q&A entry"}


def scenario_item_lines(old: ComposedIncident | None, new: ComposedIncident) -> list[str]:
    """Summary lines for the scenario items (remedies, FAQ, Q&A) the incident now replaces or removes by id, and
    for those it no longer does (the scenario's item is back)."""
    before = set(old.incident.scenario_items) if old else set()
    after = set(new.incident.scenario_items)
    lines = []
    for change in (c for c in new.incident.scenario_items if c not in before):
        what = "replaced by this kit's entry with that id" if change.action == "replaced" else "removed (remove:)"
        lines.append(f"- {_ITEM_NAMES[change.key]} `{change.id}` of scenario {change.scenario} {what}")
    for change in (c for c in old.incident.scenario_items if c not in after) if old else ():
        lines.append(
            f"- {_ITEM_NAMES[change.key]} `{change.id}` of scenario {change.scenario} no longer {change.action}: "
            "the scenario's entry is back"
        )
    return lines
