"""Locale formatting of facts and times, done in Python so templates hold no logic.

Babel formats dates, numbers and lists per language. Times are shown in the
timezone the kit wrote them in (the organisation's local time, which readers
of the statement share), with the UTC offset so nobody has to guess.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from babel import Locale
from babel.dates import format_datetime
from babel.lists import format_list
from babel.numbers import format_decimal

from crisiskit.model.schema.facts import Fact
from crisiskit.model.schema.types import Text

_DATETIME_PATTERNS = {"en": "d MMMM y, HH:mm", "zh": "y年M月d日 HH:mm"}


def babel_locale(language: str) -> Locale:
    """BCP 47 tag (``zh-Hant``) to a Babel locale (``zh_Hant``)."""
    return Locale.parse(language.replace("-", "_"))


def format_time(value: datetime, language: str) -> str:
    """A date and time for readers, with its UTC offset: '20 November 2026, 09:14 (UTC+08:00)'."""
    locale = babel_locale(language)
    pattern = _DATETIME_PATTERNS.get(locale.language, "medium")
    shown = format_datetime(value, pattern, tzinfo=value.tzinfo, locale=locale)
    offset = value.strftime("%z")
    return f"{shown} (UTC{offset[:3]}:{offset[3:]})"


def format_date(value: datetime, language: str) -> str:
    """A date alone, long form, for datelines."""
    locale = babel_locale(language)
    pattern = "y年M月d日" if locale.language == "zh" else "MMMM d, y"
    return format_datetime(value, pattern, tzinfo=value.tzinfo, locale=locale)


def format_fact(fact: Fact, language: str) -> str:
    """A fact's value as a text reads it in ``language``."""
    return _format_value(fact.value, fact.kind, language)


def _format_value(value: Any, kind: str, language: str) -> str:
    if isinstance(value, Text):
        return value.get(language)
    if kind == "datetime":
        return format_time(value, language)
    if kind == "list":
        return format_list([_format_value(v, "text", language) for v in value], locale=babel_locale(language))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_decimal(value, locale=babel_locale(language))
    return str(value)
