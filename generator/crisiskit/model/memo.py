"""Results remembered for the objects they were made from, by identity.

Several stages read the same frozen objects many times in one run: the rules read every text of the
incident being judged, resolve reads a scenario's texts for every incident extending it, and the notice
rules ask again for the context and elements composing already made. Such objects are not hashable (or
hashing them would cost what the result costs), but they do not change once made, so a result can be
kept under their identities.

An identity is only unique while its object lives: an entry therefore holds the objects it was made from,
so none of them can be freed and its ``id`` reused by another object while the entry is kept. Only the
newest entries are kept (the oldest goes first), so what a batch of kits made is freed with the batch.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, Generic, TypeVar

V = TypeVar("V")


class ByIdentity(Generic[V]):
    """At most ``size`` results, each under the identities of the objects it was made from (and plain keys)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: dict[tuple[Hashable, ...], tuple[tuple[Any, ...], V]] = {}

    def find(self, objects: tuple[Any, ...], *keys: Hashable) -> V | None:
        """The result kept for these very ``objects`` (and equal ``keys``), or None."""
        kept = self._kept.get((*map(id, objects), *keys))
        if kept is None or any(held is not given for held, given in zip(kept[0], objects, strict=True)):
            return None
        return kept[1]

    def keep(self, objects: tuple[Any, ...], result: V, *keys: Hashable) -> V:
        """Remember ``result`` for ``objects`` and ``keys``, holding the objects; return it."""
        if len(self._kept) >= self.size:
            del self._kept[next(iter(self._kept))]  # the oldest
        self._kept[(*map(id, objects), *keys)] = (objects, result)
        return result
