"""The wording check's screen (checks/phrases.py): a text passed without a search because it lacks what
every match of a phrase contains must be a text in which the phrase finds nothing.

Compared with the same rules searched without the screen, over every text of the message corpus
(tests/messages) as written, upper-cased and with a dotted capital I (whose case fold is two characters).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from crisiskit.checks.phrases import folding, required_texts
from crisiskit.checks.wording import wording_rules

MESSAGES = Path(__file__).parent / "messages"


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _texts() -> list[str]:
    texts = [
        s
        for name in ("clean.yml", "planted.yml")
        for s in _strings(yaml.safe_load((MESSAGES / name).read_text("utf-8")))
    ]
    return [variant for text in texts for variant in (text, text.upper(), text.replace("i", "\u0130"))]


@pytest.mark.parametrize("language", ["en", "zh-Hant"])
def test_the_screen_never_hides_a_match(language: str) -> None:
    texts = _texts()
    found = 0
    for rule, spec in wording_rules(language).items():
        unscreened = dataclasses.replace(spec, required=())
        for text in texts:
            screened = [m.group(0) for m in spec.matches(text)]
            assert screened == [m.group(0) for m in unscreened.matches(text)], (rule, text)
            found += len(screened)
    assert found > 20  # the corpus plants phrases of every rule: the comparison saw matches, not only misses


def test_required_texts_are_what_every_match_contains() -> None:
    assert required_texts("any inconvenience") == ("any inconvenience",)
    assert required_texts("no (?:ill )?intent(?:ion)? to") == ("intent",)  # optional groups are not required
    assert required_texts("(?:due to|caused by) (?:a )?user") == ("due to", "caused by")
    assert required_texts("造成(?:的)?(?:任何)?不便") == ("造成",)
    assert required_texts("Errors? made") == ("error",)  # folded, without the "s" a quantifier makes optional
    assert required_texts("a|b") is None  # an alternative at the top: nothing shared
    assert required_texts("[a-z]+\\.corp") == ("corp",)
    assert folding("SORRY") == "sorry" and folding("\u0130f") == ""  # searched whatever it holds
