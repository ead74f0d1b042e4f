"""The scenarios ``crisiskit new`` can start from: the project's own, then the packaged library's.

A project owns and pre-approves its scenario text in ``kits/scenarios/``; the
library (``data/scenarios/`` in the package) is where that text starts. A
project scenario wins over a library one of the same name. A library
scenario an incident is opened from is first copied into the project (with
any scenario it extends), so the team reviews and approves its text in the
same pull request as the incident.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from crisiskit.errors import Problem
from crisiskit.model.load import SCENARIO_DIR, SourceFile, SourceKit, load_file, load_kits
from crisiskit.model.schema.kit import ScenarioKit
from crisiskit.model.schema.types import printable
from crisiskit.model.validate import validate_kits

Where = Literal["project", "library"]


@dataclass(frozen=True)
class Scenario:
    """One scenario ``new`` can open an incident from, and where it comes from."""

    model: ScenarioKit
    where: Where
    path: Path
    shadows_library: bool = False
    """A project scenario with the name of a library one: the project's is used."""

    @property
    def name(self) -> str:
        return self.model.scenario


@dataclass(frozen=True)
class Catalogue:
    """Every scenario available to a project, by name, and the problems of files that did not validate."""

    scenarios: dict[str, Scenario]
    problems: list[Problem]

    def chain(self, name: str) -> list[Scenario]:
        """``name`` and the scenarios it extends, nearest first (a cycle stops where it repeats)."""
        chain: list[Scenario] = []
        while name in self.scenarios and all(s.name != name for s in chain):
            chain.append(self.scenarios[name])
            name = chain[-1].model.extends or ""
        return chain


def library_folder() -> Path:
    """The packaged scenario library: data/scenarios/ inside the installed package."""
    return Path(str(resources.files("crisiskit").joinpath("data", SCENARIO_DIR)))


def _library_kits() -> SourceKit:
    """The library's files, read on their own: no project's crisiskit.yml applies to them."""
    folder = library_folder()
    files: list[SourceFile] = []
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.yml")):
        loaded = load_file(path, "scenario", root=folder)
        (files if isinstance(loaded, SourceFile) else problems).append(loaded)  # type: ignore[arg-type]
    return SourceKit(files, problems)


def catalogue(project: Path | None) -> Catalogue:
    """The project's scenarios (``project``/kits/scenarios/, if any) over the library's."""
    library = validate_kits(_library_kits())
    found: dict[str, Scenario] = {}
    for kit in library.kits:
        if isinstance(kit.model, ScenarioKit):
            found[kit.model.scenario] = Scenario(kit.model, "library", kit.source.path)
    problems = list(library.problems)
    folder = project / "kits" / SCENARIO_DIR if project is not None else None
    if folder is not None and folder.is_dir():
        own = validate_kits(load_kits([folder]))
        problems += own.problems
        for kit in own.kits:
            if isinstance(kit.model, ScenarioKit):
                name = kit.model.scenario
                found[name] = Scenario(kit.model, "project", kit.source.path, shadows_library=name in found)
    return Catalogue(dict(sorted(found.items())), problems)


def listing(scenarios: dict[str, Scenario], width: int = 72) -> list[str]:
    """One line per scenario: name, crisis type, strategy, where it comes from, and when to use it (in English)."""
    rows = [("scenario", "crisis type", "strategy", "from", "use when")]
    for scenario in scenarios.values():
        model = scenario.model
        where = "project*" if scenario.shadows_library else scenario.where
        rows.append((scenario.name, model.crisis_type or "-", model.strategy, where, _english(model, width)))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row[:4], widths, strict=True)) + "  " + row[4] for row in rows]
    if any(s.shadows_library for s in scenarios.values()):
        lines.append("* the project's own scenario, used instead of the library's of the same name")
    return lines


def _english(model: ScenarioKit, width: int) -> str:
    languages = model.describe.languages()
    language = "en" if languages is None or "en" in languages else sorted(languages)[0]
    return printable(" ".join(model.describe.get(language).split()), width)


def copy_into_project(scenario: Scenario, project: Path) -> Path:
    """Copy a library scenario to kits/scenarios/<name>.yml as it is; never over an existing file."""
    target = project / "kits" / SCENARIO_DIR / f"{scenario.name}.yml"
    target.parent.mkdir(parents=True, exist_ok=True)
    data = scenario.path.read_bytes()
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target
