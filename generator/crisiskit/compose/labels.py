"""The words generated pages put around the kit's text, per language (data/labels.yml).

A channel's name in each language lives here under channel_names, keyed by
the channel registry (data/channels.yml); a channel added to the registry
without a name in every language fails on first use, naming what is missing.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from crisiskit.datafiles import load_data
from crisiskit.model.channels import labelled_channels


@lru_cache(maxsize=1)
def _all_labels() -> dict[str, dict[str, Any]]:
    """labels.yml, read once; its channel names must name exactly the registry's channels in every language."""
    table = load_data("labels.yml")
    wanted = set(labelled_channels())
    for language, words in table.items():
        named = set(words.get("channel_names", {}))
        if named != wanted:
            raise ValueError(
                f"data/labels.yml {language}.channel_names: expected the channels of data/channels.yml "
                f"({', '.join(sorted(wanted))}); got {', '.join(sorted(named)) or 'none'}"
            )
    return table


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
