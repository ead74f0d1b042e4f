"""A text is measured line by line (counting/measure.py remembers each line): the count is the whole text's.

Composing a short post measures many candidates built from the same parts, so ``measure`` counts each
line once and adds the line breaks. Here every way of joining texts from the X cases of test_measure.py
and some hard ones (URLs at a line's start and end, emoji sequences, combining marks, a carriage return)
is counted both ways, for X (weighted, URLs 23) and Mastodon (code points, URLs 23).
"""

from __future__ import annotations

import itertools

from crisiskit.counting import measure as measuring
from crisiskit.counting.xcount import find_urls, weighted_length
from test_measure import X_CASES

HARD = [
    "https://status.example.invalid/en/incidents/x/",
    "read more: lumenmarket.example/help",
    "a.b.c.d",
    "\u0301e\u0301",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",
    "\U0001f1f9\U0001f1fc",
    "http://t.co/abc",
    "-",
    "/path",
    "",
    "x\r",
]
SEPARATORS = ["\n", "\n\n", " "]


def whole_url_cost(text: str, cost: int = 23) -> int:
    spans = find_urls(text)
    return len(text) - sum(end - start for start, end in spans) + cost * len(spans)


def test_counting_line_by_line_equals_counting_the_whole_text() -> None:
    texts = [text for _, text, _ in X_CASES if len(text) < 100] + HARD
    tried = 0
    for first, second in itertools.product(texts, HARD):
        for separator in SEPARATORS:
            for text in (first + separator + second, second + separator + first):
                assert measuring._weighted_length(text) == weighted_length(text), repr(text)
                assert measuring._with_url_cost(text, 23) == whole_url_cost(text), repr(text)
                tried += 1
    assert tried > 500


def test_a_remembered_measurement_is_the_measurement() -> None:
    text = "Statement (Investigating)\n\nRead more: https://status.example.invalid/en/incidents/x/"
    for channel in measuring.load_channels():
        first = measuring.measure(channel, text)
        assert measuring.measure(channel, text) == first
        assert measuring.measure(channel, text, None) == first
