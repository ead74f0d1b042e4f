"""model/memo.py: a result is found again only for the very objects it was made from, and with equal keys."""

from __future__ import annotations

import gc
import weakref

from crisiskit.model.memo import ByIdentity


class _Thing:
    """An object equal to every other _Thing: only identity tells two apart."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Thing)

    __hash__ = object.__hash__


def test_a_result_is_found_for_the_same_objects_and_keys_only() -> None:
    memo: ByIdentity[str] = ByIdentity(8)
    first, second = _Thing(), _Thing()
    assert memo.keep((first, second), "made", "en") == "made"
    assert memo.find((first, second), "en") == "made"
    assert memo.find((first, second), "zh-Hant") is None  # another key
    assert memo.find((second, first), "en") is None  # the same objects in another order
    assert memo.find((_Thing(), second), "en") is None  # an equal object is not the same object


def test_an_entry_holds_its_objects_so_their_identity_is_never_another_objects() -> None:
    memo: ByIdentity[int] = ByIdentity(8)
    thing = _Thing()
    watched = weakref.ref(thing)
    memo.keep((thing,), 1)
    del thing
    gc.collect()
    assert watched() is not None  # held by the entry: no new object can take its id while it is kept


def test_only_the_newest_entries_are_kept_and_the_oldest_objects_are_let_go() -> None:
    memo: ByIdentity[int] = ByIdentity(2)
    things = [_Thing() for _ in range(3)]
    watched = weakref.ref(things[0])
    for number, thing in enumerate(things):
        memo.keep((thing,), number)
    assert memo.find((things[0],)) is None
    assert [memo.find((thing,)) for thing in things[1:]] == [1, 2]
    del things[0]
    gc.collect()
    assert watched() is None  # the oldest entry went, and with it the hold on its object
