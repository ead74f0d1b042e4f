"""Facts and consistency: literal values instead of facts (CK201), avoided phrases in public
text (CK203), and language versions that refer to different facts (CK204).

CK201 exists so that a value that can change is edited once and every
channel says the same. Two texts quote values on purpose: a correction note
must quote the old value it corrects (so it is not held against the fact it
contradicts, nor for dates and times), and a headline or title names its
event by its calendar date ("Statement on the recall of 20 November"): that
date is history and does not change, while a rendered datetime fact would put
a full timestamp into a title and an e-mail subject. A time of day in a
headline is still reported (it is a promise or a status that moves), and so
is a number equal to a fact.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from crisiskit.checks.findings import Finding, finding
from crisiskit.checks.sources import kit_texts
from crisiskit.model.incident import Incident
from crisiskit.model.references import find_references, strip_references
from crisiskit.model.schema.facts import Fact

_URL = re.compile(r"https?://[^\s)>\]\"'，。]+")
_PHONE = re.compile(r"\+\d[\d ()\-.]{6,}\d")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_WHEN = re.compile(
    rf"\b\d{{4}}-\d{{2}}-\d{{2}}\b|(?<![\d:])\d{{1,2}}:\d{{2}}(?![\d:])|\d{{1,2}}\s*(?:am|pm|a\.m\.|p\.m\.)(?!\w)"
    rf"|\b\d{{1,2}} (?:{_MONTHS})\b|\b(?:{_MONTHS}) \d{{1,2}}\b|\d{{1,2}}月\d{{1,2}}日|\d{{4}}年",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
_TIME = re.compile(r":|am|pm|a\.m\.|p\.m\.", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?![\d])|(?<![\w.,])\d{3,}(?![\d,.]\d)")


def _names_event(what: str) -> bool:
    """Headlines and titles: a calendar date there names the event."""
    return what in ("title", "statement headline")


def _number_facts(facts: dict[str, Fact]) -> dict[str, float]:
    return {
        name: float(f.value)
        for name, f in facts.items()
        if f.kind == "number" and f.value is not None and abs(float(f.value)) >= 100
    }


@lru_cache(maxsize=16384)
def _literals(source: str) -> tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """``source`` without its references, and the addresses and phone numbers, the dates and times, and the
    other numbers written in it: remembered, since a text repeats across revisions and incidents."""
    plain = strip_references(source)
    written = tuple(literal.rstrip(".,;:") for literal in _URL.findall(plain) + _PHONE.findall(plain))
    if not _DIGIT.search(plain):
        return plain, written, (), ()
    return plain, written, tuple(_WHEN.findall(plain)), tuple(_NUMBER.findall(_WHEN.sub(" ", plain)))


def literal_findings(incident: Incident, settings: dict[str, str]) -> Iterator[Finding | None]:
    """A number, address or phone written into a text where a fact says (or contradicts) it."""
    contacts = {c for c in (incident.contacts.hotline, incident.contacts.press and incident.contacts.press.phone) if c}
    by_revision: dict[int, tuple[dict[str, float], dict[str, str]]] = {}  # each revision's facts, read once
    for item in kit_texts(incident):
        facts = (item.revision or incident.current).facts
        read = by_revision.get(id(facts))
        if read is None:
            read = by_revision[id(facts)] = (
                _number_facts(facts),
                {str(f.value): n for n, f in facts.items() if f.kind in ("url", "phone") and f.value},
            )
        numbers, addresses = read
        for language in incident.languages:
            plain, written, dated, numbered = _literals(item.text.get(language))
            for literal in written:
                if literal in addresses:
                    yield finding(
                        "CK201",
                        item.text.origin,
                        f'expected {{{{ facts.{addresses[literal]} }}}}; got "{literal}" written out',
                        language=language,
                        token=literal,
                        settings=settings,
                    )
                elif literal not in contacts and not incident.organization.website.startswith(literal.rstrip("/")):
                    yield finding(
                        "CK201",
                        item.text.origin,
                        f'expected a fact for "{literal}"; got an address or number that no fact declares',
                        language=language,
                        token=literal,
                        settings=settings,
                    )
            if not _DIGIT.search(plain):
                continue  # every date, time and number the patterns below find has a digit
            for literal in dated:
                if item.what == "correction" or (_names_event(item.what) and not _TIME.search(literal)):
                    continue
                yield finding(
                    "CK201",
                    item.text.origin,
                    f'expected a datetime fact for "{literal}"; got a date or time written out',
                    language=language,
                    token=literal,
                    settings=settings,
                )
            for literal in numbered:
                value = float(literal.replace(",", ""))
                for name, fact_value in numbers.items():
                    if value == fact_value:
                        yield finding(
                            "CK201",
                            item.text.origin,
                            f'expected {{{{ facts.{name} }}}}; got "{literal}" written out',
                            language=language,
                            token=literal,
                            settings=settings,
                        )
                    elif 0.75 <= value / fact_value <= 1.25 and item.public and item.what != "correction":
                        yield finding(
                            "CK201",
                            item.text.origin,
                            f'expected the fact {name} ({fact_value:g}); got "{literal}", which contradicts it',
                            language=language,
                            token=literal,
                            settings=settings,
                        )


def avoid_findings(incident: Incident, settings: dict[str, str]) -> Iterator[Finding | None]:
    """Any phrase the internal Q&A lists under avoid, found in a public text."""
    for language in incident.languages:
        phrases = {a.get(language).strip().lower() for qa in incident.internal_qa for a in qa.avoid}
        phrases.discard("")
        if not phrases:
            continue  # nothing to avoid in this language: no text can hold it
        for item in kit_texts(incident):
            if not item.public:
                continue
            source = _lowered(item.text.get(language))
            for phrase in sorted(p for p in phrases if p in source):
                yield finding(
                    "CK203",
                    item.text.origin,
                    f'expected public text without "{phrase}"; got it in the {item.what}',
                    language=language,
                    token=phrase,
                    settings=settings,
                )


_lowered = lru_cache(maxsize=16384)(str.lower)
"""A text in lower case, remembered: a text repeats across revisions and incidents."""


@lru_cache(maxsize=16384)
def _facts_used(source: str) -> frozenset[str]:
    """The facts ``source`` refers to, remembered: a text repeats across revisions and incidents."""
    return frozenset(r.attribute for r in find_references(source) if r.name == "facts" and r.attribute)


def language_findings(incident: Incident, settings: dict[str, str]) -> Iterator[Finding | None]:
    """Each language version of a text must refer to the same facts."""
    for item in kit_texts(incident):
        given = item.text.languages()
        if not given or len(given) < 2:
            continue
        used = {lang: _facts_used(item.text.get(lang)) for lang in sorted(given)}
        first_lang, first = next(iter(used.items()))
        for lang, facts in used.items():
            if facts != first:
                missing = ", ".join(sorted(first - facts)) or "-"
                extra = ", ".join(sorted(facts - first)) or "-"
                yield finding(
                    "CK204",
                    item.text.origin,
                    f"expected the same facts as {first_lang}; got {lang} without {missing} and with {extra}",
                    language=lang,
                    settings=settings,
                )
