"""SMS length: GSM-7 septets or UCS-2 units, and how many parts a message takes.

One message carries 160 GSM-7 septets or 70 UCS-2 units; a longer one is
split into parts of 153 or 67 (the rest holds the concatenation header).
Characters from the GSM-7 extension table cost two septets (escape plus
character) and an astral character costs two UCS-2 units (a surrogate
pair); neither may be split across two parts, so parts are packed greedily.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

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


_NOT_GSM7 = re.compile("[^" + "".join(re.escape(ch) for ch in sorted(GSM7_BASIC | GSM7_EXTENSION)) + "]")
"""A character in neither GSM-7 table."""


def encoding_of(text: str) -> str:
    """gsm7 when every character is in the GSM-7 tables, else ucs2 for the whole message."""
    return "ucs2" if _NOT_GSM7.search(text) else "gsm7"


def _cost(ch: str, encoding: str) -> int:
    if encoding == "gsm7":
        return 2 if ch in GSM7_EXTENSION else 1
    return 2 if ord(ch) > 0xFFFF else 1


def sms_length(text: str) -> SmsLength:
    """Measure ``text`` as an SMS: encoding, units and parts (0 parts for an empty text)."""
    encoding = encoding_of(text)
    double = GSM7_EXTENSION.intersection(text) if encoding == "gsm7" else {ch for ch in text if ord(ch) > 0xFFFF}
    if not double:  # every character costs one unit: whole parts of PART units, then the rest
        units = len(text)
        if units == 0:
            return SmsLength(encoding, 0, 0)
        return SmsLength(encoding, units, 1 if units <= SINGLE[encoding] else -(-units // PART[encoding]))
    costs = [_cost(ch, encoding) for ch in text]
    units = sum(costs)
    if units <= SINGLE[encoding]:
        return SmsLength(encoding, units, 1)
    parts, used = 1, 0
    for cost in costs:
        if used + cost > PART[encoding]:
            parts, used = parts + 1, 0
        used += cost
    return SmsLength(encoding, units, parts)


_REPLACEMENTS = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u2035\u02bc\u00b4\u0060", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    **dict.fromkeys("\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\t", " "),
    **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad", ""),
    "\u2026": "...",
    "\u2022": "-",
    "\u00b7": ".",
    "\u2039": "<",
    "\u203a": ">",
    "\u00d7": "x",
    "\u00f7": "/",
    "\u2122": "TM",
    "\u00a9": "(c)",
    "\u00ae": "(R)",
    "\u00e7": "c",
    "\u2192": "->",
    "\u2190": "<-",
}


def is_gsm7(ch: str) -> bool:
    """Whether ``ch`` is in the GSM-7 default alphabet or its extension table."""
    return ch in GSM7_BASIC or ch in GSM7_EXTENSION


@lru_cache(maxsize=4096)
def gsm7_replacement(ch: str) -> str | None:
    """What to write instead of ``ch`` so a text stays GSM-7, or None where there is none (CJK, emoji, Cyrillic).

    Typography first (curly quotes, dashes, ellipsis, special spaces; "" for an invisible character, to
    delete), then the compatibility form (full-width Latin, ligatures), then the letter without its accent
    (á -> a), each only when the result is GSM-7. A character with no replacement makes a text UCS-2 by
    design, which is a choice of script, not a typo.
    """
    if ch in _REPLACEMENTS:
        return _REPLACEMENTS[ch]
    for form in (
        unicodedata.normalize("NFKC", ch),
        "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c)),
    ):
        if form and form != ch and all(is_gsm7(c) for c in form):
            return form
    return None
