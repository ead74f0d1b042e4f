"""How long a post is on its channel, counted the way the channel counts it.

Limits and counting units live in the channel registry (data/channels.yml,
read by model/channels.py) with their source and the date checked; this
module only counts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache

import regex

from crisiskit.counting.sms import sms_length
from crisiskit.counting.xcount import find_urls, weighted_length
from crisiskit.model.channels import Channel, registry

_GRAPHEME = regex.compile(r"\X")


@dataclass(frozen=True)
class Measurement:
    """A text's length on one channel; for SMS also its encoding and parts."""

    channel: str
    count: int
    limit: int
    unit: str
    fits: bool
    encoding: str | None = None
    parts: int | None = None
    max_parts: int | None = None

    def as_dict(self) -> dict[str, object]:
        """For `crisiskit measure`: every field that applies to this channel."""
        return {k: v for k, v in asdict(self).items() if v is not None}


def load_channels() -> dict[str, Channel]:
    """The measured channels of the registry (data/channels.yml): those with a limit, in registry order."""
    return {name: spec for name, spec in registry().items() if spec.measured}


def _with_url_cost(text: str, cost: int) -> int:
    linked, links = 0, 0
    for line in _lines(text):
        line_linked, line_links = _line_urls(line)
        linked, links = linked + line_linked, links + line_links
    return len(text) - linked + cost * links


def _lines(text: str) -> list[str]:
    """``text`` in lines, each measured on its own and remembered: composing a short post measures many
    candidates made of the same few parts (headline, opening, link), so most lines were measured before.

    A URL, a grapheme cluster and a normalisation never span a line break, so a text's count is its
    lines' counts plus its line breaks (tests/test_measure.py compares both ways); a carriage return
    (read together with the line feed after it) keeps the text whole.
    """
    return [text] if "\r" in text else text.split("\n")


@lru_cache(maxsize=4096)
def _line_urls(line: str) -> tuple[int, int]:
    """The code points of the URLs in ``line``, and how many there are."""
    spans = find_urls(line)
    return sum(end - start for start, end in spans), len(spans)


def _weighted_length(text: str) -> int:
    """X's weighted length, line by line: each line feed weighs 1 (twitter-text's light range)."""
    lines = _lines(text)
    return sum(map(_line_weight, lines)) + len(lines) - 1


# a line's weight, remembered like its URLs: the candidates of a short post share most of their lines
_line_weight = lru_cache(maxsize=8192)(weighted_length)


@lru_cache(maxsize=8192)
def _line_graphemes(line: str) -> int:
    return len(_GRAPHEME.findall(line))


@lru_cache(maxsize=1)
def _measured() -> dict[str, Channel]:
    """``load_channels`` once per process (the registry is fixed for it); never mutated."""
    return load_channels()


def measure(channel: str, text: str, max_parts: int | None = None) -> Measurement:
    """Count ``text`` as ``channel`` counts it and compare with the channel's limit.

    ``max_parts`` replaces an SMS channel's registry maximum (a project's crisiskit.yml may set its own).
    """
    return _measure(channel, text, max_parts)


@lru_cache(maxsize=4096)
def _measure(channel: str, text: str, max_parts: int | None) -> Measurement:
    """``measure``, remembered: a post is measured when it is composed and again by the rules that judge it,
    and the registry it reads is fixed for the process (model/channels.py reads it once)."""
    channels = _measured()
    if channel not in channels:
        raise ValueError(f"expected one of the channels {', '.join(channels)}; got {channel!r}")
    spec = channels[channel]
    assert spec.limit is not None and spec.unit is not None  # measured: both set (model/channels.py checks)
    if spec.unit == "sms":
        sms = sms_length(text)
        most = max_parts or spec.max_parts or 1
        limit = 160 if sms.encoding == "gsm7" else 70
        return Measurement(
            channel, sms.units, limit, sms.encoding + "_units", sms.parts <= most, sms.encoding, sms.parts, most
        )
    if spec.unit == "weighted":
        count = _weighted_length(text)
    elif spec.unit == "graphemes":
        lines = _lines(text)  # a line feed is a grapheme cluster of its own (UAX #29: GB4, GB5)
        count = sum(_line_graphemes(line) for line in lines) + len(lines) - 1
    elif spec.url_cost:
        count = _with_url_cost(text, spec.url_cost)
    else:
        count = len(text)
    return _counted(channel, count, spec.limit, spec.unit)


@lru_cache(maxsize=4096)
def _counted(channel: str, count: int, limit: int, unit: str) -> Measurement:
    """The measurement of a count, one object for all texts of that count on a channel (it is immutable):
    composing a short post measures many candidates, most of a few lengths."""
    return Measurement(channel, count, limit, unit, count <= limit)
