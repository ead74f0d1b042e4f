"""What changed between two texts, marked up for readers and screen readers.

Latin-script text is compared word by word; CJK text character by
character, since it has no spaces between words. Insertions and deletions
are wrapped in <ins>/<del> with visually hidden start and end words, because
most screen readers do not announce <ins> and <del> by themselves. The texts
are kit text: every run is escaped, and the fragment is sanitised (only the
tags and classes built here survive) before a page shows it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

import regex

from crisiskit.render.escaping import sanitize_html
from crisiskit.render.markup import Trusted

_TOKEN = regex.compile(
    r"\p{N}+(?:[.,:]\p{N}+)*|[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]|[\p{L}\p{N}\p{M}'’]+|\s+|.", regex.V1
)


@dataclass(frozen=True)
class Change:
    """One run of a diff: kept, inserted or deleted text."""

    kind: str  # "equal" | "insert" | "delete"
    text: str


# Token pairs a word diff may compare: two texts of 2,000 words each (a long statement section) still get a
# word-by-word diff; anything larger is shown as replaced whole rather than hold up generate.
MAX_COMPARED = 4_000_000


def tokens(text: str) -> list[str]:
    """Words for Latin scripts, single characters for CJK, whitespace and punctuation on their own."""
    return _TOKEN.findall(text)


def diff_texts(old: str, new: str) -> list[Change]:
    """The changes that turn ``old`` into ``new``: equal runs, each followed by its deletion and insertion.

    A lone space kept between two changes is folded into them, so "are investigating" -> "have fixed"
    reads as one replacement rather than two. Each pair is compared once per run (the review, public
    and internal trees all show the same changes).
    """
    return list(_diff_texts(old, new))


@lru_cache(maxsize=4096)
def _diff_texts(old: str, new: str) -> tuple[Change, ...]:
    a, b = tokens(old), tokens(new)
    if len(a) * len(b) > MAX_COMPARED:
        # SequenceMatcher is quadratic: past this a text shows as replaced whole, in bounded time
        return tuple(c for c in (Change("delete", old), Change("insert", new)) if c.text)
    opcodes = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    changes: list[Change] = []
    deleted, inserted = "", ""
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        kept = "".join(a[i1:i2])
        between = 0 < index < len(opcodes) - 1 and (deleted or inserted)
        if op == "equal" and not (between and kept.isspace()):
            if deleted:
                changes.append(Change("delete", deleted))
            if inserted:
                changes.append(Change("insert", inserted))
            deleted, inserted = "", ""
            changes.append(Change("equal", kept))
            continue
        deleted += kept if op != "insert" else ""
        inserted += "".join(b[j1:j2]) if op != "delete" else ""
    if deleted:
        changes.append(Change("delete", deleted))
    if inserted:
        changes.append(Change("insert", inserted))
    return tuple(changes)


def diff_html(old: str, new: str, said: dict[str, str]) -> Trusted:
    """Inline HTML of the changes; ``said`` holds the hidden words (deleted/inserted/end) in the reader's language.

    Remembered per texts and words: a revision's changes show on its page and on the incident's current page,
    in the review tree and on the public site, and sanitising them is most of their cost.
    """
    return _diff_html(str(old), str(new), str(said["inserted"]), str(said["deleted"]), str(said["end"]))


@lru_cache(maxsize=4096)
def _diff_html(old: str, new: str, inserted: str, deleted: str, end: str) -> Trusted:
    out = []
    for change in diff_texts(old, new):
        text = html.escape(change.text, quote=True)
        if change.kind == "equal":
            out.append(text)
        elif change.kind == "insert":
            out.append(
                f'<ins class="ck-ins"><span class="ck-sr">[{inserted}: </span>{text}'
                f'<span class="ck-sr"> {end}]</span></ins>'
            )
        else:
            out.append(
                f'<del class="ck-del"><span class="ck-sr">[{deleted}: </span>{text}'
                f'<span class="ck-sr"> {end}]</span></del>'
            )
    return sanitize_html("".join(out))


def diff_markdown(old: str, new: str) -> str:
    """The same changes for a pull-request comment: ~~deleted~~ and **inserted**."""
    out = []
    previous = "equal"
    for change in diff_texts(old, new):
        if change.kind == "equal":
            out.append(change.text)
        elif change.text.strip():
            mark = "**" if change.kind == "insert" else "~~"
            lead = change.text[: len(change.text) - len(change.text.lstrip())]
            trail = change.text[len(change.text.rstrip()) :]
            latin = not regex.match(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]", change.text)
            gap = " " if previous == "delete" and change.kind == "insert" and not lead and latin else ""
            out.append(f"{gap}{lead}{mark}{change.text.strip()}{mark}{trail}")
        else:
            out.append(change.text if change.kind == "insert" else "")
        previous = change.kind
    return "".join(out)
