"""Locale formatting of facts and times, done in Python so templates hold no logic.

Babel formats dates, numbers and lists per locale. A kit's organisation may
give each language a locale with a region (``organization.locale: {en:
en-US}``): its dates, times and numbers then follow CLDR's conventions for
that region everywhere, body and press-release dateline alike ("April 14,
2026, 2:05 PM" in en-US, "14 April 2026, 14:05" in en-GB, "2026年4月14日
下午2:05" in zh-Hant-TW). A language without a region keeps crisiskit's
house style, international and 24-hour ("14 April 2026, 14:05",
"2026年4月14日 14:05"; its datelines keep the form they always had, "April 14,
2026", so no approved text changes). Times are shown in the timezone the kit wrote them
in (the organisation's local time, which readers of the statement share),
with the UTC offset so nobody has to guess.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.dates import format_date as babel_date
from babel.dates import format_datetime
from babel.dates import format_time as babel_time
from babel.lists import format_list
from babel.numbers import format_decimal

from crisiskit.model.incident import Incident
from crisiskit.model.schema.facts import Fact
from crisiskit.model.schema.types import Text

# a language without a region: (date, time) patterns of the house style
_HOUSE = {"en": ("d MMMM y", "HH:mm"), "zh": ("y年M月d日", "HH:mm")}
# ... and of its press-release datelines, as crisiskit has always written them: the dateline is part of the
# approved text of every published revision, so changing it would turn each one's approval stale (CK602)
_HOUSE_DATELINE = {"en": "MMMM d, y", "zh": "y年M月d日"}


@lru_cache(maxsize=256)
def babel_locale(locale: str) -> Locale:
    """BCP 47 tag (``zh-Hant-TW``) to a Babel locale (``zh_Hant_TW``)."""
    return Locale.parse(locale.replace("-", "_"))


def locale_of(incident: Incident, language: str) -> str:
    """The locale ``language``'s dates and numbers follow in ``incident``: the organisation's, else the language."""
    return incident.organization.locale.get(language, language)


def _house(locale: Locale) -> tuple[str, str] | None:
    return _HOUSE.get(locale.language) if locale.territory is None else None


def format_time(value: datetime, locale: str) -> str:
    """A date and time for readers, with its UTC offset: '20 November 2026, 09:14 (UTC+08:00)'."""
    return _format_time(value, value.tzinfo, value.fold, locale)


# Memoised per moment as written: two aware datetimes with the same tzinfo are equal only with the same
# wall time (fold aside, hence in the key), while equal instants in other zones differ by tzinfo.
@lru_cache(maxsize=4096)
def _format_time(value: datetime, zone: tzinfo | None, fold: int, locale: str) -> str:
    parsed = babel_locale(locale)
    house = _house(parsed)
    if house:
        shown = format_datetime(
            value,
            f"{house[0]} {house[1]}" if parsed.language == "zh" else ", ".join(house),
            tzinfo=value.tzinfo,
            locale=parsed,
        )
    else:
        shown = parsed.datetime_formats["medium"].format(
            babel_time(value, "short", tzinfo=value.tzinfo, locale=parsed), format_date(value, locale)
        )
    offset = value.strftime("%z")
    return f"{_plain(shown)} (UTC{offset[:3]}:{offset[3:]})"


def _plain(text: str) -> str:
    """CLDR's no-break spaces ("2:05\u202fPM", "12\u202f500" in fr) as plain spaces: one such character turns
    an SMS from GSM-7 into UCS-2, at less than half the characters a part."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def format_date(value: datetime, locale: str) -> str:
    """A date alone, long form, for datelines: with a region, the same form as the date in ``format_time``."""
    return _format_date(value, value.tzinfo, value.fold, locale)


@lru_cache(maxsize=4096)
def _format_date(value: datetime, zone: tzinfo | None, fold: int, locale: str) -> str:
    parsed = babel_locale(locale)
    if _house(parsed):
        return format_datetime(value, _HOUSE_DATELINE[parsed.language], tzinfo=value.tzinfo, locale=parsed)
    return _plain(babel_date(value, "long", locale=parsed))


def format_fact(fact: Fact, language: str, locale: str | None = None) -> str:
    """A fact's value as a text in ``language`` reads it, dates and numbers in ``locale`` (else the language's)."""
    return _format_value(fact.value, fact.kind, language, locale or language)


def _format_value(value: Any, kind: str, language: str, locale: str) -> str:
    if isinstance(value, Text):
        return value.get(language)
    if kind == "datetime":
        return format_time(value, locale)
    if kind == "list":
        return format_list([_format_value(v, "text", language, locale) for v in value], locale=babel_locale(locale))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number(value, type(value).__name__, locale)
    return str(value)


@lru_cache(maxsize=4096)
def _number(value: float, kind: str, locale: str) -> str:
    """A number in ``locale``, remembered; its type is in the key, since 2 and 2.0 are one key otherwise."""
    return _plain(format_decimal(value, locale=babel_locale(locale)))
