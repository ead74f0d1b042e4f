"""Facts: the single source of truth every text refers to.

A fact is written either as a bare value, whose kind is inferred (number,
date-time, web address, phone number, list, text), or as a mapping with an
explicit ``type``. A scenario may declare a fact with no ``value``: the
incident that extends it must supply one.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler, TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError, core_schema

from crisiskit.model.schema.types import Email, Phone, Text, Timestamp, Url, fail

FactKind = Literal["text", "number", "datetime", "url", "phone", "email", "list"]
KINDS: tuple[str, ...] = FactKind.__args__  # type: ignore[attr-defined]
_LOOKS_LIKE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}.*)?$")
_LOOKS_LIKE_PHONE = re.compile(r"^\+[0-9][0-9 ()\-.]{5,}[0-9]$")
_CHECKERS: dict[str, TypeAdapter[Any]] = {
    "datetime": TypeAdapter(Timestamp),
    "url": TypeAdapter(Url),
    "phone": TypeAdapter(Phone),
    "email": TypeAdapter(Email),
}


@dataclass(frozen=True)
class Fact:
    """One named, typed value; ``value`` is None only for a scenario's declaration."""

    kind: str
    value: Any
    description: Text | None = None
    origin: Any = field(default=None, compare=False, repr=False)
    """Where the fact was written (a crisiskit.model.origin.Origin), stamped by the validate stage."""

    @classmethod
    def _validate(cls, raw: Any) -> Fact:
        if isinstance(raw, Fact):
            return raw
        if isinstance(raw, dict) and "type" in raw:
            return cls._explicit(raw)
        return cls(_infer_kind(raw), _checked(_infer_kind(raw), raw))

    @classmethod
    def _explicit(cls, raw: dict[str, Any]) -> Fact:
        unknown = sorted(set(raw) - {"type", "value", "describe"})
        if unknown:
            raise fail("only the keys type, value and describe in a fact", unknown[0], "unknown key")
        kind = raw["type"]
        if kind not in KINDS:
            raise fail("a fact type, one of " + ", ".join(KINDS), kind)
        description = Text._validate(raw["describe"]) if "describe" in raw else None
        if raw.get("value") is None:
            return cls(kind, None, description)
        return cls(kind, _checked(kind, raw["value"]), description)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls._validate, serialization=core_schema.plain_serializer_function_ser_schema(_serialize)
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: GetJsonSchemaHandler) -> dict[str, Any]:
        text = Text.__get_pydantic_json_schema__(None, handler)
        scalar = {"anyOf": [{"type": "number"}, *text["anyOf"]]}
        return {
            "anyOf": [
                *scalar["anyOf"],
                {"type": "array", "items": scalar},
                {
                    "type": "object",
                    "required": ["type"],
                    "additionalProperties": False,
                    "properties": {
                        "type": {"enum": list(KINDS)},
                        "value": {"anyOf": [*scalar["anyOf"], {"type": "array", "items": scalar}]},
                        "describe": text,
                    },
                },
            ]
        }


MAX_NUMBER = 999_999_999_999_999
MAX_DECIMALS = 3
_RANGE = f"a number from -{MAX_NUMBER:,} to {MAX_NUMBER:,} with at most {MAX_DECIMALS} decimal places"


def _readable_number(value: int | float) -> int | float:
    """``value`` if a reader will see it exactly as written, else an error saying the accepted range.

    Babel formats a number with at most three decimals (0.0425 would read
    "0.042") and cannot format one past about 28 digits; beyond 15 digits a
    float no longer holds the digits written. NaN and infinity are not
    amounts anyone can state ("About NaN payments").
    """
    if isinstance(value, float) and not math.isfinite(value):
        raise fail(_RANGE, value, "not a finite number")
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if abs(exact) > MAX_NUMBER:
        raise fail(_RANGE, value, "too large to show exactly")
    digits = exact.as_tuple()
    if isinstance(digits.exponent, int) and digits.exponent < -MAX_DECIMALS and exact != exact.to_integral_value():
        raise fail(
            _RANGE,
            value,
            f"it would read {exact.quantize(Decimal(1).scaleb(-MAX_DECIMALS)).normalize():f}; "
            "write it as a text if every digit matters",
        )
    if len(digits.digits) > 15 and exact != exact.to_integral_value():
        raise fail(_RANGE, value, "more digits than a number holds exactly")
    return value


def _serialize(fact: Fact) -> Any:
    def plain(value: Any) -> Any:
        if isinstance(value, Text):
            return value.raw
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    out: dict[str, Any] = {"type": fact.kind, "value": plain(fact.value)}
    if fact.description is not None:
        out["describe"] = fact.description.raw
    return out


def _infer_kind(raw: Any) -> str:
    if isinstance(raw, bool):
        raise fail("a fact value (text, number, date-time, address, phone or list)", raw)
    if isinstance(raw, (int, float)):
        return "number"
    if isinstance(raw, list):
        return "list"
    if isinstance(raw, str):
        if _LOOKS_LIKE_DATE.match(raw):
            return "datetime"
        if raw.startswith(("http://", "https://")):
            return "url"
        if _LOOKS_LIKE_PHONE.match(raw):
            return "phone"
    return "text"


def _checked(kind: str, raw: Any) -> Any:
    """Validate ``raw`` as a fact of ``kind`` and return the value to keep."""
    if kind == "number":
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            raise fail("a number", raw)
        return _readable_number(raw)
    if kind == "text":
        return Text._validate(raw)
    if kind == "list":
        if not isinstance(raw, list) or not raw:
            raise fail("a non-empty list", raw)
        return [
            _readable_number(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else Text._validate(v)
            for v in raw
        ]
    try:
        return _CHECKERS[kind].validate_python(raw)
    except ValidationError as error:
        first = error.errors()[0]
        raise PydanticCustomError("crisiskit", first["msg"]) from None
