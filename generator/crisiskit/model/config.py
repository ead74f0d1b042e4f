"""The project's own settings (crisiskit.yml at the repository root), over the packaged defaults.

Only what an organisation legitimately decides lives here: who must approve
which text, rule severities, and the largest kit file it accepts. A
malformed file is a user error with file, line and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crisiskit.model.bounds import DEFAULT_KIT_BYTES
from crisiskit.datafiles import load_data
from crisiskit.errors import KitError, Problem
from crisiskit.model.load import load_file
from crisiskit.model.schema.types import describe

CONFIG_FILE = "crisiskit.yml"


def _defaults() -> dict[str, Any]:
    return load_data("approvals.yml")


@dataclass(frozen=True)
class Config:
    """Settings every stage after resolve may read."""

    approvals_by_severity: dict[str, list[str]] = field(default_factory=lambda: _defaults()["by_severity"])
    approvals_by_channel: dict[str, list[str]] = field(default_factory=lambda: _defaults()["by_channel"])
    rules: dict[str, str] = field(default_factory=dict)
    """Rule id -> error | warning | off, over data/rules.yml."""
    kit_bytes: int = DEFAULT_KIT_BYTES
    """The largest kit file read, in bytes (limits: {kit_bytes: N}); bounds.Limits holds the other bounds."""


def load_config(project: Path) -> Config:
    """crisiskit.yml if present, checked strictly; otherwise the defaults."""
    path = project / CONFIG_FILE
    if not path.exists():
        return Config()
    loaded = load_file(path, "incident")
    if isinstance(loaded, Problem):
        raise KitError([loaded])
    problems: list[Problem] = []
    defaults = _defaults()
    settings = {"by_severity": dict(defaults["by_severity"]), "by_channel": dict(defaults["by_channel"])}
    rules: dict[str, str] = {}
    limits = {"kit_bytes": DEFAULT_KIT_BYTES}
    for key, value in loaded.data.items():
        where = loaded.positions.locate((key,), key=True)
        if key == "rules":
            problems.extend(_rule_problems(loaded, value, rules))
            continue
        if key == "limits":
            problems.extend(_limit_problems(loaded, value, limits))
            continue
        if key != "approvals":
            problems.append(Problem(loaded.display, *where, key,
                                    f"expected one of the keys approvals, limits, rules; got {describe(key)}"))
            continue
        if not isinstance(value, dict):
            problems.append(Problem(loaded.display, *where, key, "expected a mapping with by_severity and by_channel"))
            continue
        for part, table in value.items():
            at = loaded.positions.locate((key, part))
            if part not in settings or not isinstance(table, dict) or not all(
                    isinstance(roles, list) and all(isinstance(r, str) for r in roles) for roles in table.values()):
                problems.append(Problem(loaded.display, *at, f"approvals.{part}",
                                        "expected by_severity or by_channel, each a mapping of name to a list of roles"))
                continue
            settings[part].update(table)
    if problems:
        raise KitError(problems)
    return Config(settings["by_severity"], settings["by_channel"], rules, limits["kit_bytes"])


_KIT_BYTES_RANGE = (10_000, 10_000_000)


def _limit_problems(loaded: Any, value: Any, limits: dict[str, int]) -> list[Problem]:
    """limits: {kit_bytes: N}, a whole number of bytes within a range that still bounds the work."""
    if not isinstance(value, dict):
        return [Problem(loaded.display, *loaded.positions.locate(("limits",)), "limits",
                        f"expected a mapping such as {{kit_bytes: {DEFAULT_KIT_BYTES}}}; got {describe(value)}")]
    problems = []
    low, high = _KIT_BYTES_RANGE
    for name, number in value.items():
        if name != "kit_bytes":
            problems.append(Problem(loaded.display, *loaded.positions.locate(("limits", name), key=True),
                                    f"limits.{name}", f"expected the key kit_bytes; got {describe(name)}"))
        elif isinstance(number, bool) or not isinstance(number, int) or not low <= number <= high:
            problems.append(Problem(loaded.display, *loaded.positions.locate(("limits", name)), f"limits.{name}",
                                    f"expected a whole number of bytes from {low:,} to {high:,}; got {describe(number)}"))
        else:
            limits[name] = number
    return problems


def _rule_problems(loaded: Any, value: Any, rules: dict[str, str]) -> list[Problem]:
    if not isinstance(value, dict):
        return [Problem(loaded.display, *loaded.positions.locate(("rules",)), "rules",
                        "expected a mapping of rule id to error, warning or off")]
    problems = []
    known = load_data("rules.yml")  # the rule catalogue the check stage reads too (data/rules.yml)
    for rule, level in value.items():
        at = loaded.positions.locate(("rules", rule), key=True)
        if rule not in known:
            problems.append(Problem(loaded.display, *at, f"rules.{rule}",
                                    f'expected a rule id from data/rules.yml such as CK201; got "{rule}"'))
        elif level not in ("error", "warning", "off"):
            problems.append(Problem(loaded.display, *loaded.positions.locate(("rules", rule)), f"rules.{rule}",
                                    f"expected error, warning or off; got {level!r}"))
        else:
            rules[rule] = level
    return problems
