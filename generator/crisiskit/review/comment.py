"""The review digest as a pull-request comment: whole Markdown blocks, and a bound on their length.

GitHub refuses a comment over 65,536 characters, and a digest of a busy
pull request is longer. ``Digest.bounded`` keeps the summary (and `check`'s
findings) and as much detail as fits, and cuts only between whole blocks
(a heading, a paragraph, a quoted text, a list item), so no line, quote or
list is broken and no heading is left without what it heads; a line at the
top and at the cut says where the full digest is.
"""

from __future__ import annotations

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


def _size(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _join(blocks: list[Block]) -> str:
    out = ""
    for index, block in enumerate(blocks):
        out += ("" if index == 0 else "\n" if block.tight else "\n\n") + block.text
    return out + "\n"
