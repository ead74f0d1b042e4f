"""Scenario lists merged by id: an incident's remedies, FAQ and Q&A extend its scenario's.

A scenario's items come first, in its order; a kit nearer the incident adds
its own after them. An item with the ``id`` of an inherited item replaces
it in place (a Q&A entry keeps the inherited entry's ``avoid`` phrases and
adds its own: what legal banned for a question stays banned when its answer
is rewritten); ``remove: {faq: [id, ...]}`` drops inherited items. Both are
explicit, and the resolved incident lists them (``ScenarioItemChange``) for
the review digest. An item without an id is always added. A removal that
names no inherited item, an id written twice in one list, or an item both
listed and removed is a problem at its line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crisiskit.errors import Problem
from crisiskit.model.incident import ScenarioItemChange
from crisiskit.model.schema.kit import KitFields, QaEntry
from crisiskit.model.yamlparse import Positions

MERGED = ("remedies", "faq", "internal_qa")
"""The lists merged by id; the other lists (key messages, audiences, review replies) are taken whole."""

_NAMES = {
    "remedies": ("remedy", "remedies"),
    "faq": ("FAQ entry", "FAQ entries"),
    "internal_qa": ("Q&A entry", "Q&A entries"),
}


@dataclass(frozen=True)
class ListSource:
    """One kit of the chain, furthest scenario first and the incident last: its model and where it was read."""

    model: KitFields
    display: str
    positions: Positions
    scenario: str | None
    """The scenario's name; None for the incident."""


@dataclass(frozen=True)
class MergedLists:
    """The merged lists, what replaced or removed a scenario's item, and the problems found."""

    lists: dict[str, list[Any]]
    changes: tuple[ScenarioItemChange, ...]
    problems: list[Problem]


def merge_lists(chain: list[ListSource]) -> MergedLists:
    """Merge remedies, faq and internal_qa along ``chain`` (furthest scenario first, the incident last)."""
    lists: dict[str, list[Any]] = {}
    changes: list[ScenarioItemChange] = []
    problems: list[Problem] = []
    for key in MERGED:
        items: list[tuple[Any, str | None]] = []  # each item with the scenario it came from
        for source in chain:
            own = getattr(source.model, key) or []
            problems += _duplicates(source, key, own)
            removals = getattr(source.model.remove, key) if source.model.remove else []
            written = {item.id for item in own if item.id}
            for index, name in enumerate(removals):
                at = next((i for i, (item, _) in enumerate(items) if item.id == name), None)
                if at is None or name in written:
                    problems.append(_bad_removal(source, key, index, name, items, name in written))
                    continue
                if source.scenario is None:
                    changes.append(ScenarioItemChange(key, name, items[at][1] or "", "removed"))
                del items[at]
            for item in own:
                at = next((i for i, (old, _) in enumerate(items) if item.id and old.id == item.id), None)
                if at is None:
                    items.append((item, source.scenario))
                    continue
                inherited, scenario = items[at]
                if source.scenario is None:
                    changes.append(ScenarioItemChange(key, item.id, scenario or "", "replaced"))
                items[at] = (_replacement(inherited, item), source.scenario)
        lists[key] = [item for item, _ in items]
    return MergedLists(lists, tuple(changes), problems)


def _replacement(inherited: Any, item: Any) -> Any:
    """``item`` in place of ``inherited``; a Q&A entry keeps the inherited do-not-say phrases first."""
    if isinstance(item, QaEntry) and isinstance(inherited, QaEntry) and inherited.avoid:
        kept = [*inherited.avoid, *(a for a in item.avoid if a not in inherited.avoid)]
        return item.model_copy(update={"avoid": kept})
    return item


def _duplicates(source: ListSource, key: str, own: list[Any]) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(own):
        if not item.id:
            continue
        if item.id in seen:
            line, column = source.positions.locate((key, index, "id"))
            problems.append(
                Problem(
                    source.display,
                    line,
                    column,
                    f"{key}[{index}].id",
                    f'expected each id once in {key}; got "{item.id}" again (first at {key}[{seen[item.id]}])',
                )
            )
        seen.setdefault(item.id, index)
    return problems


def _bad_removal(
    source: ListSource, key: str, index: int, name: str, items: list[tuple[Any, str | None]], listed: bool
) -> Problem:
    line, column = source.positions.locate(("remove", key, index))
    path = f"remove.{key}[{index}]"
    if listed:
        message = f'expected an id either removed or written in {key}; got "{name}" both removed and written'
        return Problem(source.display, line, column, path, message)
    ids = [item.id for item, scenario in items if item.id and scenario is not None]
    one, many = _NAMES[key]
    if not ids:
        whose = "the scenario's" if source.model.extends else "a scenario's (this kit extends none)"
        message = f'expected the id of {whose} {one} to remove; got "{name}", and there is none with an id'
    else:
        message = f'expected the id of one of the scenario\'s {many} ({", ".join(ids)}); got "{name}"'
    return Problem(source.display, line, column, path, message)
