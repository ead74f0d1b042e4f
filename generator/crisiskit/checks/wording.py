"""Wording (CK401-CK408, CK304): phrases the crisis-communication literature warns against,
per language, from data/wording/<language>.yml."""

from __future__ import annotations

from functools import lru_cache
from typing import Iterator

import regex

from crisiskit.checks.findings import Finding, finding
from crisiskit.checks.sources import kit_texts
from crisiskit.datafiles import has_data, load_data
from crisiskit.model.incident import Incident

_REVIEW_ONLY = {"CK408"}


@lru_cache(maxsize=None)
def wording_rules(language: str) -> dict[str, list[regex.Pattern]]:
    """Compiled patterns for ``language`` (a Chinese variant without its own file uses zh-Hant; others en)."""
    name = language if has_data(f"wording/{language}.yml") else ("zh-Hant" if language.startswith("zh") else "en")
    data = load_data(f"wording/{name}.yml")
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
                if rule == "CK304" and (incident.crisis_type == "victim" or not item.public):
                    continue  # denial fits a rumour (victim cluster), and internal text is not a public denial
                for pattern in patterns:
                    match = pattern.search(source)
                    if match:
                        yield finding(rule, item.text.origin, f'expected wording without "{match.group(0)}"; got it '
                                      f"in the {item.what}", language=language, token=match.group(0),
                                      settings=settings)
