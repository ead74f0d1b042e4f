"""Value types of the kit schema, each with one clear error message.

Every validator raises ``expected ...; got ...`` so the validate stage can
print it next to the YAML position unchanged. Custom types (rather than
``str | dict`` unions) keep pydantic from reporting one error per union arm.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

LANGUAGE_TAG = r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$"
SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_LANGUAGE_RE = re.compile(LANGUAGE_TAG)
PLACEHOLDER = "[[fill in"


def is_placeholder(value: Any) -> bool:
    """True for the explicit placeholder `crisiskit new` leaves where a person must write a value."""
    return isinstance(value, str) and value.strip().startswith(PLACEHOLDER)


def describe(value: Any) -> str:
    """Say what a user wrote, briefly, for the 'got ...' half of a message."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return '"' + shown.replace("\n", "\\n") + '"'
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def fail(expected: str, value: Any, note: str = "") -> PydanticCustomError:
    """An error whose message reads ``expected X; got Y``."""
    if is_placeholder(value):
        note = "a placeholder left by crisiskit new: replace it with the real value"
    got = describe(value) + (f" ({note})" if note else "")
    return PydanticCustomError("crisiskit", "expected {expected}; got {got}", {"expected": expected, "got": got})


class Text:
    """A human-readable text: one string, or a mapping of language tag to string.

    Whether every kit language is present is checked by the validate stage,
    which knows the kit's ``languages``; a single string in a multilingual kit
    is reported there.
    """

    single_means_all = False
    __slots__ = ("raw", "origin")

    def __init__(self, raw: str | dict[str, str]):
        self.raw = raw
        self.origin: Any = None  # an crisiskit.texts.Origin, stamped by the validate stage

    def get(self, language: str) -> str:
        """The text in ``language``; a single string serves every language."""
        if isinstance(self.raw, str):
            return self.raw
        return self.raw[language]

    def languages(self) -> set[str] | None:
        """The languages given, or None for a single string."""
        return None if isinstance(self.raw, str) else set(self.raw)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.raw == self.raw  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(str(self.raw))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.raw!r})"

    @classmethod
    def _validate(cls, value: Any) -> "Text":
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            if not value.strip() or is_placeholder(value):
                raise fail("a non-empty text", value)
            return cls(value)
        if isinstance(value, dict) and value:
            issues = []
            for key, text in value.items():
                if not isinstance(key, str) or not _LANGUAGE_RE.match(key):
                    issues.append((key, fail("a language tag such as en or zh-Hant as key", key)))
                elif not isinstance(text, str) or not text.strip() or is_placeholder(text):
                    issues.append((key, fail(f"a non-empty text for language {key}", text)))
            if issues:
                # One error carrying every language's problem; the validate stage reports each at its own line.
                first = issues[0][1]
                raise PydanticCustomError("crisiskit", first.message(), {
                    "per_key": [(str(key), error.message()) for key, error in issues]})
            return cls(dict(value))
        raise fail("a text, or a mapping of language tag to text", value)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls._validate, serialization=core_schema.plain_serializer_function_ser_schema(lambda t: t.raw)
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: GetJsonSchemaHandler) -> dict[str, Any]:
        return {
            "anyOf": [
                {"type": "string", "minLength": 1},
                {
                    "type": "object",
                    "minProperties": 1,
                    "propertyNames": {"pattern": LANGUAGE_TAG},
                    "additionalProperties": {"type": "string", "minLength": 1},
                },
            ]
        }


class Name(Text):
    """A proper name: one string is the same in every language; a mapping gives local forms."""

    single_means_all = True
    __slots__ = ()


def _timestamp(value: Any) -> datetime:
    expected = "a date and time with a timezone, like 2026-11-20T09:14:00+08:00"
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise fail(expected, value) from None
    else:
        raise fail(expected, value)
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise fail(expected, value, "no timezone")
    return parsed


def _matching(pattern: str, expected: str):
    compiled = re.compile(pattern)

    def check(value: Any) -> str:
        if not isinstance(value, str) or not compiled.match(value):
            raise fail(expected, value)
        return value

    return check


Timestamp = Annotated[
    datetime,
    BeforeValidator(_timestamp),
    Field(json_schema_extra={"type": "string", "format": "date-time"}),
]
Slug = Annotated[str, BeforeValidator(_matching(SLUG, "a lower-case slug of letters, digits and dashes, like data-leak")),
                 Field(pattern=SLUG)]
FactName = Annotated[str, BeforeValidator(_matching(r"^[a-z][a-z0-9_]*$", "a fact name of lower-case letters, digits and _")),
                     Field(pattern=r"^[a-z][a-z0-9_]*$")]
Url = Annotated[str, BeforeValidator(_matching(r"^https?://[^\s/$.?#][^\s]*$", "a web address starting with https://")),
                Field(pattern=r"^https?://")]
Phone = Annotated[str, BeforeValidator(_matching(r"^\+?[0-9][0-9 ()\-.]{5,}[0-9]$", "a phone number such as +886 2 2700 1234")),
                  Field(pattern=r"^\+?[0-9][0-9 ()\-.]{5,}[0-9]$")]
Email = Annotated[str, BeforeValidator(_matching(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", "an e-mail address")),
                  Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
LanguageTag = Annotated[str, BeforeValidator(_matching(LANGUAGE_TAG, "a BCP 47 language tag such as en, zh-Hant or zh-Hans")),
                        Field(pattern=LANGUAGE_TAG)]
Positive = Annotated[int, AfterValidator(lambda v: v), Field(ge=1)]
