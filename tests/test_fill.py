"""compose/fill.py: a kit text filled in for one revision and language; its parts are read once per text."""

from __future__ import annotations

import pytest

from crisiskit.compose.fill import TextContext, UncheckedText
from crisiskit.model.schema.types import Text


def _context(share: str, day: str = "monday") -> TextContext:
    return TextContext({"share": share, "day": day}, "14:00", "https://status.example/en/", "en", frozenset({"day"}))


def test_one_text_is_filled_with_each_contexts_values() -> None:
    text = Text({"en": "About {{ facts.share }}% of visitors.\r\n{{ facts.day }}: next update at {{ next_update }}."})
    first = _context("40").render(text, "en")
    assert first == "About 40% of visitors.\nMonday: next update at 14:00."
    assert _context("55", "tuesday").render(text, "en") == "About 55% of visitors.\nTuesday: next update at 14:00."
    assert _context("40").render(text, "en") == first


def test_a_text_without_references_is_its_words() -> None:
    assert _context("1").render(Text({"en": "  Line one\r\nline two\rthree  "}), "en") == "Line one\nline two\nthree"
    assert _context("1").render(None, "en") is None


def test_an_unreadable_text_fails_every_time() -> None:
    text = Text({"en": "About {{ facts.share %"})
    for _ in range(2):
        with pytest.raises(UncheckedText):
            _context("1").render(text, "en")
