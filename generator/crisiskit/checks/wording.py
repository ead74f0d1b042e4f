"""Wording (CK401-CK408, CK304): phrases the crisis-communication literature warns against,
per language, from data/wording/<language>.yml."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Iterator

import regex
from ruamel.yaml import YAML

from crisiskit.checks.findings import Finding, finding
from crisiskit.checks.sources import kit_texts
from crisiskit.incident import Incident

_REVIEW_ONLY = {"CK408"}


@lru_cache(maxsize=None)
def wording_rules(language: str) -> dict[str, list[regex.Pattern]]:
    """Compiled patterns for ``language`` (a Chinese variant without its own file uses zh-Hant; others en)."""
    folder = resources.files("crisiskit").joinpath("data/wording")
    name = language if folder.joinpath(f"{language}.yml").is_file() else (
        "zh-Hant" if language.startswith("zh") else "en")
    data = YAML(typ="safe").load(folder.joinpath(f"{name}.yml").read_text(encoding="utf-8"))
    boundary = not name.startswith("zh")
    return {rule: [regex.compile(rf"(?<!\w){p}(?!\w)" if boundary else p, regex.IGNORECASE) for p in patterns]
            for rule, patterns in data.items()}


def wording_findings(incident: Incident, settings: dict[str, str]) -> Iterator[Finding | None]:
    """Every wording rule over every text an incident says, in every language."""
    for item in kit_texts(incident):
        for language in incident.languages:
            source = item.text.get(language)
            for rule, patterns in wording_rules(language).items():
                if rule in _REVIEW_ONLY and item.channel != "review_replies":
                    continue
                if rule == "DENIAL":
                    if incident.crisis_type == "victim" or not item.public:
                        continue
                    rule = "CK304"
                for pattern in patterns:
                    match = pattern.search(source)
                    if match:
                        yield finding(rule, item.text.origin, f'expected wording without "{match.group(0)}"; got it '
                                      f"in the {item.what}", language=language, token=match.group(0),
                                      settings=settings)
