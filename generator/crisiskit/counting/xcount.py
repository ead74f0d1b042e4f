"""X (Twitter) weighted length and validity, following twitter-text v3.

X shows a post's length against 280 the way its open-source twitter-text
library counts it, so a draft that fits here fits there: after NFC
normalisation (and CRLF folded to LF) every URL weighs 23, an emoji sequence
of any length weighs 2, and any other code point 1 in the light ranges (most
Latin, general punctuation) or 2 otherwise (CJK among them). A post holding
U+FFFE, U+FEFF or U+FFFF is invalid whatever its length.

Which text is a URL follows twitter-text's grammar (its extractor regular
expressions, re-expressed here): an optional http(s) scheme, a host whose
last label is a top-level domain from the list twitter-text ships
(data/tlds.yml: every generic and country TLD, internationalised ones in
Unicode and punycode form; plus the reserved example, invalid, test and
localhost, so a placeholder site address counts as the real one will) and
an optional port, path and query. A host that
cannot be converted to punycode (a label over 63 characters, also after
encoding) is not a URL and counts as the text it is. Without a scheme only
the ASCII part of a host links. tests/test_xcount.py runs every weighted case
of twitter-text's conformance suite (tests/testdata/twitter_conformance/).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import regex

from crisiskit.datafiles import load_data
from crisiskit.model.bounds import Limits
from crisiskit.model.yamlfast import fast_parse

MAX_WEIGHTED_LENGTH = 280
SCALE = 100
DEFAULT_WEIGHT = 200
URL_WEIGHT = 23
LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
"""twitter-text v3 configuration: code points in these ranges weigh 100, every other one DEFAULT_WEIGHT."""
MAX_URL_LENGTH = 4096

_INVALID = "\ufffe\ufeff\uffff"
_DIRECTIONAL = "\u202a-\u202e\u061c\u200e\u200f\u2066\u2067\u2068\u2069"
_SPACES = "\x09-\x0d\x20\x85\xa0\u1680\u180e\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_PUNCT = r"\!'#%&'\(\)*\+,\\\-\.\/:;<=>\?@\[\]\^_{|}~\$"
_LATIN_ACCENTS = (
    r"\xC0-\xD6\xD8-\xF6\xF8-\xFF\u0100-\u024F\u0253\u0254\u0256\u0257\u0259\u025B\u0263\u0268"
    r"\u026F\u0272\u0289\u028B\u02BB\u0300-\u036F\u1E00-\u1EFF"
)
_CYRILLIC = r"\u0400-\u04FF"
_DOMAIN_CHAR = f"[^{_PUNCT}{_SPACES}{_INVALID}{_DIRECTIONAL}]"
_PATH_CHAR = rf"[a-z{_CYRILLIC}0-9!\*';:=\+,\.\$\/%#\[\]\-\u2013_~@\|&{_LATIN_ACCENTS}]"
_PARENS = rf"\((?:{_PATH_CHAR}+|(?:{_PATH_CHAR}*\({_PATH_CHAR}+\){_PATH_CHAR}*))\)"
_PATH_END = rf"[\+\-a-z{_CYRILLIC}0-9=_#\/{_LATIN_ACCENTS}]|(?:{_PARENS})"
_PATH = rf"(?:(?:{_PATH_CHAR}*(?:{_PARENS}{_PATH_CHAR}*)*{_PATH_END})|(?:@{_PATH_CHAR}+/))"
_QUERY_CHAR = r"[a-z0-9!?*'@();:&=+$/%#\[\]\-_.,~|]"
_QUERY_END = r"[a-z0-9\-_&=#/]"
_TLD_END = r"(?=[^0-9a-z@+-]|$)"
_PUNYCODE = r"(?:xn--[\-0-9a-z]+)"


@lru_cache(maxsize=1)
def top_level_domains() -> tuple[str, ...]:
    """Every TLD twitter-text recognises (data/tlds.yml), Unicode and punycode forms, longest first."""
    data = _tld_table()
    names = {*data["generic"], *data["country"], *data["idn"].values(), *data["reserved"]}
    return tuple(sorted(names, key=lambda name: (-len(name), name)))


def _tld_table() -> dict[str, Any]:
    """data/tlds.yml, read in C where it can be (model/yamlfast.py: ruamel.yaml's values, faster), else as ever."""
    text = resources.files("crisiskit").joinpath("data", "tlds.yml").read_text(encoding="utf-8")
    fast = fast_parse(text, Limits())
    return fast[0] if fast is not None else load_data("tlds.yml")


def _trie(names: list[str]) -> str:
    """An alternation of ``names`` as a prefix tree, so a position that starts no TLD fails on one character.

    A flat alternation of some 1,600 names is tried name by name at every position the host pattern backs
    off to, which made a text like "a.a.a.a..." take seconds; the tree tries one branch per character.
    """
    if names == [""]:
        return ""
    branches: dict[str, list[str]] = {}
    for name in names:
        branches.setdefault(name[:1], []).append(name[1:])
    parts = [
        regex.escape(head) + _trie(sorted(rests, key=lambda r: (-len(r), r))) if head else ""
        for head, rests in sorted(branches.items(), key=lambda item: item[0] == "")
    ]
    return "(?:" + "|".join(parts) + ")" if len(parts) > 1 else parts[0]


@lru_cache(maxsize=1)
def _tld() -> str:
    """The pattern of a host's last label: a TLD twitter-text knows, or punycode."""
    return f"(?:{_trie(sorted(top_level_domains(), key=lambda name: (-len(name), name)))}{_TLD_END}|{_PUNYCODE})"


@lru_cache(maxsize=1)
def _patterns() -> tuple[regex.Pattern[str], regex.Pattern[str]]:
    """The URL pattern, and a quick test for any TLD at all."""
    tld = _tld()
    subdomain = f"(?:(?:{_DOMAIN_CHAR}(?:[_-]|{_DOMAIN_CHAR})*)?{_DOMAIN_CHAR}\\.)"
    name = f"(?:(?:{_DOMAIN_CHAR}(?:-|{_DOMAIN_CHAR})*)?{_DOMAIN_CHAR}\\.)"
    before = f"(?:[^A-Za-z0-9@＠$#＃{_INVALID}]|[{_DIRECTIONAL}]|^)"
    url = (
        f"({before})((https?://)?({subdomain}{{0,126}}{name}{tld})(?::[0-9]+)?(/{_PATH}*)?"
        f"(?:\\?{_QUERY_CHAR}*{_QUERY_END})?)"
    )
    return regex.compile(url, regex.IGNORECASE), regex.compile(f"\\.{tld}", regex.IGNORECASE)


@lru_cache(maxsize=1)
def _ascii_domain() -> regex.Pattern[str]:
    """The ASCII host pattern for URLs without a scheme: compiled when a text first has one (it takes a while)."""
    return regex.compile(f"(?:[\\-a-z0-9{_LATIN_ACCENTS}]+\\.)+{_tld()}", regex.IGNORECASE)


_TCO = regex.compile(rf"^https?://t\.co/([a-z0-9]+)(?:\?{_QUERY_CHAR}*{_QUERY_END})?", regex.IGNORECASE)


def _punycode(host: str) -> str | None:
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:  # an empty label, or one over 63 characters once encoded
        return None


def find_urls(text: str) -> list[tuple[int, int]]:
    """Spans (code point offsets) of the URLs X links in ``text``, as twitter-text extracts them."""
    return list(_url_spans(text))


@lru_cache(maxsize=4096)
def _url_spans(text: str) -> tuple[tuple[int, int], ...]:
    """``find_urls``, remembered per text: X's weight and the URL cost of Mastodon's count (counting/measure.py)
    look for the URLs of the same lines (a post's link line is new in every incident, and the search is slow)."""
    url_pattern, any_tld = _patterns()
    if not any_tld.search(text):  # no host can end here: skip the costly search (a long "a.b.c..." is slow)
        return ()
    spans = []
    for match in url_pattern.finditer(text):
        before, url, scheme, host, path = match.group(1, 2, 3, 4, 5)
        end = match.end()
        start = end - len(url)
        encoded = _punycode(host)
        if not encoded or len(scheme or "https://") + len(url) + len(encoded) - len(host) > MAX_URL_LENGTH:
            continue
        if scheme is None:
            if before and before in "-_./":
                continue
            last = None
            for part in _ascii_domain().finditer(host):
                last = [start + part.start(), start + part.end()]
                spans.append(last)
            if last is not None and path:
                last[1] = end
            continue
        tco = _TCO.search(url)
        if tco:
            if len(tco.group(1)) > 40:
                continue
            end = start + len(tco.group(0))
        spans.append([start, end])
    return tuple((start, end) for start, end in spans)


def _emoji_spans(text: str) -> dict[int, int]:
    """Start -> end of every emoji sequence: a grapheme cluster holding a pictograph, a keycap or a flag.

    © and ® count as emoji only with the emoji variation selector (U+FE0F), as in twitter-text; as plain
    text they are Latin-1 characters of weight 1.
    """
    if not _EMOJI.search(text):  # each pattern matches one code point: no cluster of the text can hold one
        return {}
    spans = {}
    for match in regex.finditer(r"\X", text):
        cluster = match.group(0)
        if _EMOJI.search(cluster) and not (cluster[0] in "©®" and "\ufe0f" not in cluster):
            spans[match.start()] = match.end()
    return spans


_EMOJI = regex.compile(r"\p{Extended_Pictographic}|\u20E3|\p{Regional_Indicator}")


def _weight(ch: str) -> int:
    code = ord(ch)
    return SCALE if any(low <= code <= high for low, high in LIGHT_RANGES) else DEFAULT_WEIGHT


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class XParse:
    """twitter-text's parse result: weighted length, validity and the ranges (UTF-16 offsets) X highlights."""

    weighted_length: int
    valid: bool
    permillage: int
    display_range: tuple[int, int]
    valid_range: tuple[int, int]


@lru_cache(maxsize=8192)
def parse_post(text: str) -> XParse:
    """Parse ``text`` as X does: its weighted length, whether X accepts it, and up to where it is valid.

    Remembered per text: composing fits each post by measuring its candidates, and the channel-limit
    rule measures the chosen ones again; the result is immutable.
    """
    normalized = regex.sub(r"\r\n|\r", "\n", unicodedata.normalize("NFC", text))
    urls = dict(find_urls(normalized))
    emoji = _emoji_spans(normalized)
    total = _quick_total(normalized, urls, emoji)
    if total is not None:  # valid, and within the limit at every point: valid up to its last code point
        valid, valid_end = True, max(len(normalized) - 1, 0)
    else:
        total, valid, valid_end = _walk(normalized, urls, emoji)
    weighted = total // SCALE
    offset = _utf16(text) - _utf16(normalized)
    return XParse(
        weighted,
        valid and 0 < weighted <= MAX_WEIGHTED_LENGTH,
        weighted * 1000 // MAX_WEIGHTED_LENGTH,
        (0, max(_utf16(text) - 1, 0)),
        (0, _utf16(normalized[: valid_end + 1]) - 1 + offset),
    )


_HEAVY = re.compile("[^" + "".join(f"{re.escape(chr(low))}-{re.escape(chr(high))}" for low, high in LIGHT_RANGES) + "]")
"""A code point outside the light ranges (weight DEFAULT_WEIGHT)."""


def _run_weight(run: str) -> int:
    """The weight of code points outside any URL or emoji: ``_weight`` of each, summed."""
    return SCALE * len(run) + (DEFAULT_WEIGHT - SCALE) * len(_HEAVY.findall(run))


def _quick_total(normalized: str, urls: dict[int, int], emoji: dict[int, int]) -> int | None:
    """``_walk``'s total counted run by run (between URLs and emoji) instead of code point by code point, when
    ``_walk`` would find the text valid to its end: no invalid code point anywhere and a total within the limit
    (totals only grow, so then every prefix is within it too); else None. tests/test_check_shortcuts.py
    compares both."""
    if any(ch in normalized for ch in _INVALID):
        return None
    total, index = 0, 0
    for start in sorted({*urls, *emoji}):
        if start < index:  # inside a URL or emoji sequence already counted: the walk skips it too
            continue
        total += _run_weight(normalized[index:start])
        if start in urls:
            total, index = total + URL_WEIGHT * SCALE, urls[start]
        else:
            total, index = total + DEFAULT_WEIGHT, emoji[start]
    total += _run_weight(normalized[index:])
    return total if total <= MAX_WEIGHTED_LENGTH * SCALE else None


def _walk(normalized: str, urls: dict[int, int], emoji: dict[int, int]) -> tuple[int, bool, int]:
    """twitter-text's walk over ``normalized``, code point by code point: the total weight, whether the text is
    valid, and the last index where it was still valid and within the limit."""
    total, valid, valid_end, index = 0, True, 0, 0
    while index < len(normalized):
        if index in urls:
            total += URL_WEIGHT * SCALE
            index = urls[index] - 1
        elif index in emoji:
            total += DEFAULT_WEIGHT
            index = emoji[index] - 1
        else:
            total += _weight(normalized[index])
        valid = valid and normalized[index] not in _INVALID
        if valid and total <= MAX_WEIGHTED_LENGTH * SCALE:
            valid_end = index
        index += 1
    return total, valid, valid_end


def weighted_length(text: str) -> int:
    """The length X shows against its 280 limit (already divided by the scale of 100)."""
    return parse_post(text).weighted_length
