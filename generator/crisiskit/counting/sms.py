"""SMS length: GSM-7 septets or UCS-2 units, and how many parts a message takes.

One message carries 160 GSM-7 septets or 70 UCS-2 units; a longer one is
split into parts of 153 or 67 (the rest holds the concatenation header).
Characters from the GSM-7 extension table cost two septets (escape plus
character) and an astral character costs two UCS-2 units (a surrogate
pair); neither may be split across two parts, so parts are packed greedily.
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = set("^{}\\[~]|€\f")
SINGLE = {"gsm7": 160, "ucs2": 70}
PART = {"gsm7": 153, "ucs2": 67}


@dataclass(frozen=True)
class SmsLength:
    """Encoding, units used, and parts needed for one SMS text."""

    encoding: str
    units: int
    parts: int


def encoding_of(text: str) -> str:
    """gsm7 when every character is in the GSM-7 tables, else ucs2 for the whole message."""
    return "gsm7" if all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text) else "ucs2"


def _cost(ch: str, encoding: str) -> int:
    if encoding == "gsm7":
        return 2 if ch in GSM7_EXTENSION else 1
    return 2 if ord(ch) > 0xFFFF else 1


def sms_length(text: str) -> SmsLength:
    """Measure ``text`` as an SMS: encoding, units and parts (0 parts for an empty text)."""
    encoding = encoding_of(text)
    costs = [_cost(ch, encoding) for ch in text]
    units = sum(costs)
    if units == 0:
        return SmsLength(encoding, 0, 0)
    if units <= SINGLE[encoding]:
        return SmsLength(encoding, units, 1)
    parts, used = 1, 0
    for cost in costs:
        if used + cost > PART[encoding]:
            parts, used = parts + 1, 0
        used += cost
    return SmsLength(encoding, units, parts)
