"""render/jsontext.py writes indented JSON exactly as json.dumps does (kit.json, the feeds), only faster."""

from __future__ import annotations

import json
import random
from collections import namedtuple
from enum import IntEnum

import pytest

from crisiskit.render.jsontext import indented_json
from crisiskit.render.markup import Trusted
from crisiskit.render.pages import _json_value


class Level(IntEnum):
    LOW = 1


Pair = namedtuple("Pair", "a b")

VALUES = [
    {},
    [],
    (),
    "",
    "plain",
    None,
    True,
    False,
    0,
    -12,
    10**30,
    Level.LOW,
    'quotes " and \\ backslash, tab\t, newline\n, nul\x00, \x1f, \u2028, 中文, emoji 🙂',
    Trusted("<b>trusted</b>"),
    {"a": [], "b": {}, "c": [[]], "d": [{}], "e": ({"x": (1, 2)},)},
    {"nested": {"deeper": {"list": [1, "two", None, True, [False, {"k": "v"}]]}}},
    {Trusted("key"): "a text key of another str type"},
    Pair(1, "two"),
    # left to json.dumps: a float, keys that are not texts, an object json cannot write
    1.5,
    [float("nan"), float("inf")],
    {1: "one", None: "none", False: "no", 2.5: "float"},
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_each_kind_of_value_is_written_as_json_writes_it(value: object) -> None:
    assert indented_json(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_random_documents_are_written_as_json_writes_them() -> None:
    rng = random.Random(12)
    alphabet = ["a", "Z", " ", '"', "\\", "\n", "\t", "\x01", "é", "中", "🙂", "/", "<", "&"]

    def make(depth: int) -> object:
        kind = rng.randrange(8 if depth < 5 else 5)
        if kind == 0:
            return "".join(rng.choice(alphabet) for _ in range(rng.randrange(6)))
        if kind == 1:
            return rng.choice([None, True, False])
        if kind == 2:
            return rng.randrange(-(10**6), 10**6)
        if kind in (3, 4):
            return "text"
        if kind == 5:
            return [make(depth + 1) for _ in range(rng.randrange(4))]
        if kind == 6:
            return tuple(make(depth + 1) for _ in range(rng.randrange(3)))
        return {f"k{i}{rng.choice(alphabet)}": make(depth + 1) for i in range(rng.randrange(4))}

    for _ in range(300):
        value = make(0)
        assert indented_json(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_a_value_json_cannot_write_fails_as_json_dumps_fails() -> None:
    with pytest.raises(TypeError):
        indented_json({"when": object()})
    looped: list = []
    looped.append(looped)
    with pytest.raises(ValueError, match="Circular reference"):
        indented_json(looped)


@pytest.mark.parametrize("value", ["text", Trusted("a &amp; b"), 'say "hi"\n', 3, True, {"exclude": True}, ["x"]])
def test_front_matter_values_are_written_as_json_writes_them(value: object) -> None:
    assert _json_value(value) == json.dumps(value, ensure_ascii=False)
