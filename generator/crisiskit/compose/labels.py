"""The words generated pages put around the kit's text, per language (data/labels.yml)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from crisiskit.datafiles import load_data


@lru_cache(maxsize=1)
def _all_labels() -> dict[str, dict[str, Any]]:
    return load_data("labels.yml")


def labels(language: str) -> dict[str, Any]:
    """Labels for ``language``; a Chinese variant without its own block falls back to zh-Hant, others to en."""
    table = _all_labels()
    if language in table:
        return table[language]
    if language.startswith("zh"):
        return table["zh-Hant"]
    return table["en"]


def supported_languages() -> list[str]:
    """Languages with their own labels."""
    return list(_all_labels())
