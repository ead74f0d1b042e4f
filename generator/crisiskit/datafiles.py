"""The package's own data files (data/*.yml): channel limits, severity and approval defaults, labels,
rules and wording. One reader, so every table is parsed the same way (plain YAML, no tags)."""

from __future__ import annotations

from importlib import resources
from typing import Any

from ruamel.yaml import YAML


def has_data(name: str) -> bool:
    """Whether data/``name`` ships with the package."""
    return resources.files("crisiskit").joinpath("data", name).is_file()


def load_data(name: str) -> Any:
    """data/``name`` parsed; callers that read it often cache the result themselves."""
    text = resources.files("crisiskit").joinpath("data", name).read_text(encoding="utf-8")
    return YAML(typ="safe").load(text)
