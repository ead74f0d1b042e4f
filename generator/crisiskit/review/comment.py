"""The review digest as pull-request comments: whole Markdown blocks, and a bound on their length.

GitHub refuses a comment over 65,536 characters, and a digest of a busy
pull request is longer. ``Digest.parts`` splits it into parts of under
60,000 characters, each a complete Markdown document with its own heading
("part i of n") and a hidden marker the example workflow finds its comment
by; the summary comes first. ``Digest.bounded`` keeps the summary (and
`check`'s findings) and as much detail as fits one comment, with a pointer
to the rest. Both cut only between whole blocks (a heading, a paragraph, a
quoted text, a list item), so no line, quote or list is broken and no
heading is left without what it heads; a part that starts inside an
incident's detail repeats its headings, marked "continued". Only a block
longer than a whole part is cut, between lines, and a code fence cut there
is closed and opened again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

COMMENT_LIMIT = 60_000
"""What ``bounded`` keeps a digest under, in UTF-16 code units: GitHub's comment limit is 65,536, with room."""


@dataclass(frozen=True)
class Block:
    """A complete Markdown construct: a heading, a paragraph, a quoted text, or one list item (``tight``)."""

    text: str
    tight: bool = False


@dataclass(frozen=True)
class Digest:
    """The digest in its parts: the summary first, then `check`'s findings, then the detail."""

    title: str
    summary: list[Block]
    findings: list[Block]
    detail: list[Block]

    def full(self) -> str:
        """Everything, as one Markdown document."""
        return _join([Block(self.title), *self.summary, *self.findings, *self.detail])

    def bounded(self, pointer: str, limit: int = COMMENT_LIMIT) -> str:
        """The full digest if it fits in ``limit``; else the summary and the detail that fits, and ``pointer``.

        Cut only between blocks, so no line, quote or list is broken; ``pointer`` (one Markdown paragraph)
        opens the digest and closes where the detail stops.
        """
        full = self.full()
        if _size(full) <= limit:
            return full
        opening = Block(f"**This digest is too long for one comment.** {pointer}")
        cut = Block(f"*The detail stops here. {pointer}*")
        kept = [Block(self.title), opening]
        budget = limit - _size(_join([*kept, cut]))
        for block in [*self.summary, *self.findings, *self.detail]:
            cost = _size(block.text) + (1 if block.tight else 2)
            if cost > budget:
                break
            kept.append(block)
            budget -= cost
        while len(kept) > 2 and kept[-1].text.startswith("#"):  # a heading without what it heads
            kept.pop()
        return _join([*kept, cut])

    def parts(self, limit: int = COMMENT_LIMIT) -> list[str]:
        """The full digest as documents of under ``limit`` characters each, the summary first."""
        blocks = [*self.summary, *self.findings, *self.detail]
        for count in range(1, len(blocks) + 2):  # the heading's "part i of n" grows with n: settle n first
            parts = self._pack(blocks, count, limit)
            if len(parts) <= count:
                break
        total = len(parts)
        return [_join([*self._opening(i + 1, total), *part]) for i, part in enumerate(parts)]

    def _opening(self, number: int, total: int) -> list[Block]:
        title = self.title if total == 1 else f"{self.title}: part {number} of {total}"
        return [Block(f"{part_marker(number)}\n{title}")]

    def _pack(self, blocks: list[Block], total: int, limit: int) -> list[list[Block]]:
        """Blocks in order into parts of under ``limit`` with an opening for ``total`` parts."""
        room = limit - 1 - _size(_join(self._opening(total, max(total, 2))))  # the longest opening there can be
        parts: list[list[Block]] = [[]]
        budget = room
        headings: dict[int, Block] = {}  # the headings in force, by level, repeated where a part begins
        for block in _fitting(blocks, room // 2):
            cost = _size(block.text) + (1 if block.tight else 2)
            if cost > budget and parts[-1]:
                carried: list[Block] = []
                while parts[-1] and parts[-1][-1].text.startswith("#"):  # a heading goes with what it heads
                    carried.insert(0, parts[-1].pop())
                repeated = [
                    Block(f"{h.text} (continued)")
                    for level, h in sorted(headings.items())
                    if not any(c.text.startswith("#" * level + " ") for c in carried) and level > 1
                ]
                parts.append([*repeated, *carried])
                budget = room - sum(_size(b.text) + 2 for b in parts[-1])
            level = _level(block.text)
            if level:
                headings = {k: v for k, v in headings.items() if k < level}
                headings[level] = block
            parts[-1].append(block)
            budget -= cost
        return parts


def part_marker(number: int) -> str:
    """The hidden line that opens part ``number``: the example workflow finds its comment by it."""
    return f"<!-- crisiskit-digest part {number} -->"


def _level(text: str) -> int:
    match = re.match(r"(#{1,6}) ", text)
    return len(match.group(1)) if match else 0


_FENCE = re.compile(r"^((?:> ?)*)\s{0,3}(`{3,}|~{3,})")


def _fitting(blocks: list[Block], most: int) -> list[Block]:
    """``blocks``, each one longer than ``most`` cut between lines (a code fence cut there closed and reopened)."""
    out: list[Block] = []
    for block in blocks:
        if _size(block.text) <= most:
            out.append(block)
            continue
        piece: list[str] = []
        fence: tuple[str, str] | None = None  # (quote prefix, fence) of the code block open at this line
        for line in block.text.split("\n"):
            if piece and _size("\n".join([*piece, line])) + 8 > most:
                out.append(Block("\n".join([*piece, *([fence[0] + fence[1]] if fence else [])]), block.tight))
                piece = [fence[0] + fence[1]] if fence else []
            piece.append(line)
            match = _FENCE.match(line)
            if match and fence is None:
                fence = (match.group(1), match.group(2))
            elif match and fence is not None and match.group(2).startswith(fence[1]):
                fence = None
        out.append(Block("\n".join(piece), block.tight))
    return out


def _size(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _join(blocks: list[Block]) -> str:
    out = ""
    for index, block in enumerate(blocks):
        out += ("" if index == 0 else "\n" if block.tight else "\n\n") + block.text
    return out + "\n"
