"""X (Twitter) weighted length, following the twitter-text v3 configuration.

After NFC normalisation, each code point weighs 100 when it falls in the
light ranges (most Latin, punctuation, general symbols) and 200 otherwise
(CJK among them); an emoji sequence of any length weighs 200; every URL,
whatever its length, weighs 23 x 100. The limit is 280 x 100.
"""

from __future__ import annotations

import unicodedata

import regex

LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
URL_WEIGHT = 23
_TLDS = ("com|net|org|edu|gov|mil|int|info|biz|io|co|app|dev|ai|me|tv|ly|xyz|online|site|shop|store|news|"
         "blog|cloud|tech|page|link|live|media|global|asia|club|example")
_URL = regex.compile(
    r"(?:https?://[^\s<>\"]+)"
    r"|(?<![\p{L}\p{N}@._/-])(?:[\p{L}\p{N}][\p{L}\p{N}-]*\.)+(?:(?:" + _TLDS + r")(?![\p{L}\p{N}-])(?:/[^\s<>\"]*)?"
    r"|[a-z]{2}(?![\p{L}\p{N}-])/[^\s<>\"]*)",
    regex.IGNORECASE | regex.V1,
)
_TRAILING = ".,;:!?)]}'\"»」』。，！？"
_EMOJI = regex.compile(r"\p{Extended_Pictographic}|\u20E3|\p{Regional_Indicator}", regex.V1)
_LABEL_TOO_LONG = regex.compile(r"[^./:@\s]{64,}\.")


def find_urls(text: str) -> list[tuple[int, int]]:
    """Spans of the URLs X counts as links: with a scheme, or a bare domain with a known TLD."""
    spans = []
    for match in _URL.finditer(text):
        start, end = match.span()
        if _LABEL_TOO_LONG.search(match.group(0).split("/", 3)[2] if "://" in match.group(0) else
                                  match.group(0).split("/")[0] + "/"):
            continue  # a domain label over 63 characters is not a valid host: plain text
        while end > start and text[end - 1] in _TRAILING:
            end -= 1
        spans.append((start, end))
    return spans


def _weight(ch: str) -> int:
    code = ord(ch)
    return 100 if any(low <= code <= high for low, high in LIGHT_RANGES) else 200


def weighted_length(text: str) -> int:
    """The length X shows against its 280 limit (already divided by the scale of 100)."""
    text = unicodedata.normalize("NFC", text)
    total = 0
    position = 0
    for start, end in [*find_urls(text), (len(text), len(text))]:
        for cluster in regex.findall(r"\X", text[position:start]):
            total += 200 if _EMOJI.search(cluster) else sum(_weight(ch) for ch in cluster)
        if end > start:
            total += URL_WEIGHT * 100
        position = end
    return (total + 99) // 100
