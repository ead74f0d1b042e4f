"""Value types of the kit schema, each with one clear error message.

Every validator raises ``expected ...; got ...`` so the validate stage can
print it next to the YAML position unchanged. Custom types (rather than
``str | dict`` unions) keep pydantic from reporting one error per union arm.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

import regex
from pydantic import AfterValidator, BeforeValidator, Field, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

LANGUAGE_TAG = r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$"
SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_LANGUAGE_RE = re.compile(LANGUAGE_TAG)
PLACEHOLDER = "[[fill in"


def is_placeholder(value: Any) -> bool:
    """True for the explicit placeholder `crisiskit new` leaves where a person must write a value."""
    return isinstance(value, str) and value.strip().startswith(PLACEHOLDER)


# Characters a message must never print as they are: controls (a terminal obeys them), and format and
# default-ignorable characters (invisible, or able to reorder what a reader sees). Shown as \uXXXX.
_UNPRINTABLE = regex.compile(r"[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{Zl}\p{Zp}\p{Cs}]")


def printable(text: str, limit: int = 60) -> str:
    """``text`` as one short line: at most ``limit`` characters, every invisible one spelled out (\\u202E)."""
    shown = text if len(text) <= limit else text[: limit - 3] + "..."
    return _UNPRINTABLE.sub(_spelled, shown)


def quote(text: str, limit: int = 60) -> str:
    """``text`` in quotes as one short line (see ``printable``): how a message shows what a kit says."""
    return '"' + printable(text, limit) + '"'


def _spelled(match: regex.Match) -> str:
    char = match.group(0)
    return {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(char, f"\\u{ord(char):04X}")


def describe(value: Any) -> str:
    """Say what a user wrote, briefly, for the 'got ...' half of a message: never more than one short line."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        shown = repr(value) if isinstance(value, float) else str(value)
        return shown if len(shown) <= 60 else f"a number of {len(shown):,} digits"
    if isinstance(value, str):
        return quote(value)
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


MAX_TEXT_CHARS = 10_000
"""The longest single text (one language of one field). A long statement section is about 2,000
characters; the word diff between revisions costs the square of a text's length."""


def _too_long(text: str) -> PydanticCustomError:
    # every later stage (channel counts, wording rules, the word diff between revisions) reads each text whole
    return PydanticCustomError(
        "crisiskit",
        "expected {expected}; got {got}",
        {
            "expected": f"a text of at most {MAX_TEXT_CHARS:,} characters",
            "got": f"one of {len(text):,} characters (split it, or put the detail on a page the statement links to)",
        },
    )


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
        self.origin: Any = None  # an crisiskit.model.origin.Origin, stamped by the validate stage

    def get(self, language: str) -> str:
        """The text in ``language``; a single string serves every language."""
        if isinstance(self.raw, str):
            return self.raw
        return self.raw[language]

    def languages(self) -> set[str] | None:
        """The languages given, or None for a single string."""
        return None if isinstance(self.raw, str) else set(self.raw)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Text) and type(other) is type(self) and other.raw == self.raw

    def __hash__(self) -> int:
        return hash(str(self.raw))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.raw!r})"

    @classmethod
    def _validate(cls, value: Any) -> Text:
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            if not value.strip() or is_placeholder(value):
                raise fail("a non-empty text", value)
            if len(value) > MAX_TEXT_CHARS:
                raise _too_long(value)
            return cls(value)
        if isinstance(value, dict) and value:
            issues = []
            for key, text in value.items():
                if not isinstance(key, str) or not _LANGUAGE_RE.match(key):
                    issues.append((key, fail("a language tag such as en or zh-Hant as key", key)))
                elif not isinstance(text, str) or not text.strip() or is_placeholder(text):
                    issues.append((key, fail(f"a non-empty text for language {key}", text)))
                elif len(text) > MAX_TEXT_CHARS:
                    issues.append((key, _too_long(text)))
            if issues:
                # One error carrying every language's problem; the validate stage reports each at its own line.
                first = issues[0][1]
                raise PydanticCustomError(
                    "crisiskit", first.message(), {"per_key": [(str(key), error.message()) for key, error in issues]}
                )
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
Slug = Annotated[
    str,
    BeforeValidator(_matching(SLUG, "a lower-case slug of letters, digits and dashes, like data-leak")),
    Field(pattern=SLUG),
]

MAX_ID_LENGTH = 64
_RESERVED = (
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{n}" for n in "123456789\u00b9\u00b2\u00b3"),
    *(f"lpt{n}" for n in "123456789\u00b9\u00b2\u00b3"),
)
RESERVED_NAMES = frozenset(_RESERVED)
"""Names Windows reserves for devices, with or without an extension (con.yml is the device con)."""
_NOT_IN_FILE_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def file_name_problem(name: str) -> str | None:
    """Why ``name`` (a file name, or an id that becomes folder and file names) breaks a checkout somewhere.

    A repository with ``con.yml`` or ``content/en/incidents/aux/`` cannot be
    checked out on Windows, where legal may review; a very long id makes
    paths that exceed Windows' and some file systems' limits.
    """
    stem = name.split(".")[0].rstrip(" ").lower()
    if stem in RESERVED_NAMES:
        return f"{quote(name)}, a device name Windows reserves (con, prn, aux, nul, com1-9, lpt1-9)"
    if len(name) > MAX_ID_LENGTH:
        return f"{quote(name)}, which is {len(name):,} characters long"
    if _NOT_IN_FILE_NAMES.search(name) or name.endswith((".", " ")):
        return f'{quote(name)}, which Windows cannot store (no <>:"/\\|?* or control characters, no final dot)'
    return None


def _identifier(value: Any) -> str:
    expected = f"a lower-case slug of letters, digits and dashes of at most {MAX_ID_LENGTH} characters, like data-leak"
    if not isinstance(value, str) or not _SLUG_RE.match(value):
        raise fail(expected, value)
    problem = file_name_problem(value)
    if problem:
        raise PydanticCustomError(
            "crisiskit",
            "expected {expected}; got {got}",
            {"expected": expected + " (it names folders and files)", "got": problem},
        )
    return value


_SLUG_RE = re.compile(SLUG)
Identifier = Annotated[
    str,
    BeforeValidator(_identifier),
    Field(
        pattern=SLUG,
        max_length=MAX_ID_LENGTH,
        json_schema_extra={"not": {"enum": sorted(n for n in _RESERVED if n.isascii())}},
    ),
]
"""An incident id or scenario name: a slug that is also a safe file and folder name on every system."""
FactName = Annotated[
    str,
    BeforeValidator(_matching(r"^[a-z][a-z0-9_]*$", "a fact name of lower-case letters, digits and _")),
    Field(pattern=r"^[a-z][a-z0-9_]*$"),
]
Url = Annotated[
    str,
    BeforeValidator(_matching(r"^https?://[^\s/$.?#][^\s]*$", "a web address starting with https://")),
    Field(pattern=r"^https?://"),
]
Phone = Annotated[
    str,
    BeforeValidator(_matching(r"^\+?[0-9][0-9 ()\-.]{5,}[0-9]$", "a phone number such as +886 2 2700 1234")),
    Field(pattern=r"^\+?[0-9][0-9 ()\-.]{5,}[0-9]$"),
]
Email = Annotated[
    str,
    BeforeValidator(_matching(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", "an e-mail address")),
    Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
]
LanguageTag = Annotated[
    str,
    BeforeValidator(_matching(LANGUAGE_TAG, "a BCP 47 language tag such as en, zh-Hant or zh-Hans")),
    Field(pattern=LANGUAGE_TAG),
]
Positive = Annotated[int, AfterValidator(lambda v: v), Field(ge=1)]
