"""compose/composed.py and compose/revision.py: what a revision says in the record's shape, remembered per revision,
and ``as_dict``, which gives exactly what ``dataclasses.asdict`` gives."""

from __future__ import annotations

import dataclasses
from collections import namedtuple

from conftest import TESTDATA
from crisiskit.compose.composed import ComposedIncident, _snapshot
from crisiskit.compose.revision import as_dict
from sites import composed_samples

CASE = TESTDATA / "test_render" / "minimal"


def _composed() -> ComposedIncident:
    return composed_samples(CASE)[0]


def test_a_snapshot_is_what_the_revision_says_and_is_made_once() -> None:
    item = _composed()
    revision = item.incident.revisions[0]
    first = item.snapshot(revision)
    assert first == _snapshot(item.incident, revision, item.texts[revision.number])
    assert item.snapshot(revision) is first  # remembered: kit.json and the approval checks ask several times


def test_a_remembered_snapshot_is_never_one_of_other_texts_or_facts() -> None:
    item = _composed()
    revision = item.incident.revisions[0]
    before = item.snapshot(revision)
    language = item.incident.languages[0]

    # a copy with other texts (as gate.without copies): its own snapshot, of its own texts
    texts = dict(item.texts)
    texts[revision.number] = {
        **texts[revision.number],
        language: dataclasses.replace(texts[revision.number][language], headline="Another headline"),
    }
    other = dataclasses.replace(item, texts=texts)
    assert other.snapshot(revision)["languages"][language]["headline"] == "Another headline"
    assert item.snapshot(revision) == before

    # the same incident asked about another revision object of the same number (other facts)
    name, fact = "affected_share", revision.facts["affected_share"]
    changed = dataclasses.replace(revision, facts={**revision.facts, name: dataclasses.replace(fact, value=424242)})
    assert item.snapshot(changed)["facts"][language][name] != before["facts"][language][name]
    assert "424242" in item.snapshot(changed)["facts"][language][name].replace(",", "")

    # texts replaced in place under the same revision number
    item.texts[revision.number] = texts[revision.number]
    assert item.snapshot(revision)["languages"][language]["headline"] == "Another headline"


@dataclasses.dataclass(frozen=True)
class _Inner:
    words: str
    numbers: tuple[int, ...]


Point = namedtuple("Point", "x y")


class _Tagged(list):
    pass


class _Thing:
    def __init__(self, value: str) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Thing) and other.value == self.value


@dataclasses.dataclass
class _Outer:
    text: str
    count: int
    ratio: float
    flag: bool
    nothing: None
    inner: _Inner
    inners: list[_Inner]
    table: dict
    pair: tuple
    point: Point
    tagged: _Tagged
    things: set
    thing: _Thing


def _same(a: object, b: object) -> bool:
    """Equal, and of the same types all the way down (a tuple is not a list here)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)  # type: ignore[index]
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))  # type: ignore[arg-type]
    return a == b


def test_as_dict_gives_what_dataclasses_asdict_gives() -> None:
    value = _Outer(
        "text",
        3,
        0.5,
        True,
        None,
        _Inner("w", (1, 2)),
        [_Inner("x", ()), _Inner("y", (3,))],
        {"k": [_Inner("z", (4,))], 5: (6, [7]), None: {"n": None}},
        (_Inner("t", (8,)), "u"),
        Point(_Inner("p", ()), [9]),
        _Tagged([_Inner("q", ())]),
        {"s"},
        _Thing("v"),
    )
    made, expected = as_dict(value), dataclasses.asdict(value)
    assert _same(made, expected)
    assert made["thing"] is not value.thing  # copied, as asdict copies an object it does not know
    assert made["things"] is not value.things


def test_as_dict_of_composed_texts_is_asdict() -> None:
    item = _composed()
    for texts in item.texts.values():
        for text in texts.values():
            assert _same(as_dict(text), dataclasses.asdict(text))
