"""Wording (CK401-CK409, CK304): phrases the crisis-communication literature warns against,
per language, from data/wording/<language>.yml.

A phrase alone does not make a mistake: "most likely" is speculation when
the organisation guesses at a cause, and guidance when it tells readers
what they have "most likely" received; "is false" is a denial of a real
incident, and the honest correction of a rumour. So each language file can
give, per rule, ``context`` patterns: ``before`` is searched in the clause
before the phrase (from the last sentence or clause mark), ``after`` is
matched right after it. A match there means the phrase is not the mistake
(the subject is the reader, or a rumour; the phrase asks a question).
Excuses and minimising (CK409) are errors in a preventable crisis, where
SCCT calls them the worst response, and warnings otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

import regex

from crisiskit.checks.findings import Finding, finding, rule_catalogue
from crisiskit.checks.phrases import folding, required_texts
from crisiskit.checks.sources import kit_texts
from crisiskit.datafiles import has_data, load_data
from crisiskit.model.incident import Incident

_REVIEW_ONLY = {"CK408"}
_CLAUSE = regex.compile(r"[.!?;:。！？；：\n]")


@dataclass(frozen=True)
class WordingRule:
    """One rule's phrases in one language, and the contexts in which a phrase is not the mistake."""

    patterns: tuple[regex.Pattern, ...]
    before: tuple[regex.Pattern, ...] = ()
    after: tuple[regex.Pattern, ...] = ()
    required: tuple[tuple[str, ...] | None, ...] = ()  # per pattern: texts one of which each match contains

    def matches(self, source: str, folded: str | None = None) -> Iterator[regex.Match]:
        """Per phrase pattern, its first use in ``source`` that the context does not excuse; of overlapping
        uses ("sorry if anyone was") only the first, so one mistake is one finding.

        ``folded`` is ``folding(source)``, given by a caller that asks every rule about one text."""
        found = []
        if folded is None:
            folded = folding(source)
        for pattern, required in zip(self.patterns, self.required or (None,) * len(self.patterns), strict=True):
            if folded and required and not any(text in folded for text in required):
                continue  # a text every match contains is missing: the pattern cannot match
            for match in pattern.finditer(source):
                clause = _CLAUSE.split(source[: match.start()])[-1]
                rest = source[match.end() :]
                if not (any(p.search(clause) for p in self.before) or any(p.match(rest) for p in self.after)):
                    found.append(match)
                    break
        end = -1
        for match in sorted(found, key=lambda m: (m.start(), -m.end())):
            if match.start() >= end:
                yield match
            end = max(end, match.end())


@cache
def wording_rules(language: str) -> dict[str, WordingRule]:
    """Compiled rules for ``language`` (a Chinese variant without its own file uses zh-Hant; others en)."""
    name = language if has_data(f"wording/{language}.yml") else ("zh-Hant" if language.startswith("zh") else "en")
    data = dict(load_data(f"wording/{name}.yml"))
    context = data.pop("context", {}) or {}
    boundary = not name.startswith("zh")

    def compiled(patterns: list[str], bounded: bool) -> tuple[regex.Pattern, ...]:
        return tuple(regex.compile(rf"(?<!\w){p}(?!\w)" if bounded else p, regex.IGNORECASE) for p in patterns)

    return {
        rule: WordingRule(
            compiled(patterns, boundary),
            compiled(context.get(rule, {}).get("before", []), False),
            compiled(context.get(rule, {}).get("after", []), False),
            tuple(required_texts(p) for p in patterns),
        )
        for rule, patterns in data.items()
    }


def _settings(incident: Incident, settings: dict[str, str]) -> dict[str, str]:
    """CK409 is an error in a preventable crisis unless the project set its severity."""
    if incident.crisis_type == "preventable" and "CK409" not in settings:
        return {**settings, "CK409": "error"}
    return settings


def wording_findings(incident: Incident, settings: dict[str, str]) -> Iterator[Finding | None]:
    """Every wording rule over every text an incident says, in every language."""
    settings = _settings(incident, settings)
    for item in kit_texts(incident):
        for language in incident.languages:
            used = _phrases_used(language, item.text.get(language))
            for rule in wording_rules(language):
                if rule in _REVIEW_ONLY and item.channel != "review_replies":
                    continue
                if rule == "CK304" and (incident.crisis_type == "victim" or not item.public):
                    continue  # denial fits a rumour (victim cluster), and internal text is not a public denial
                if rule == "CK409" and not item.public:
                    continue  # the internal Q&A may quote an excuse in order to tell spokespeople to avoid it
                for token in used[rule]:
                    yield finding(
                        rule,
                        item.text.origin,
                        f'expected wording without "{token}"; got it in the {item.what}' + _why(rule),
                        language=language,
                        token=token,
                        settings=settings,
                    )


@lru_cache(maxsize=16384)
def _phrases_used(language: str, source: str) -> dict[str, tuple[str, ...]]:
    """Per rule, the phrases ``source`` uses: a text repeats across revisions, channels and incidents
    (inherited sections, scenario FAQ), and its matches depend on nothing else. Never mutated."""
    folded = folding(source)
    return {
        rule: tuple(m.group(0) for m in spec.matches(source, folded)) for rule, spec in wording_rules(language).items()
    }


def _why(rule: str) -> str:
    return f" ({rule_catalogue()[rule]['title'].lower()})" if rule == "CK409" else ""
