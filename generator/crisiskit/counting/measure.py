"""How long a post is on its channel, counted the way the channel counts it.

Limits and counting units live in data/channels.yml with their source and
the date checked; this module only counts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache

import regex

from crisiskit.datafiles import load_data
from crisiskit.counting.sms import sms_length
from crisiskit.counting.xcount import find_urls, weighted_length


@dataclass(frozen=True)
class ChannelSpec:
    """One channel's limit and how it counts."""

    name: str
    label: str
    limit: int
    unit: str
    source: str
    checked: str
    url_cost: int | None = None
    max_parts: int | None = None


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


@lru_cache(maxsize=1)
def load_channels() -> dict[str, ChannelSpec]:
    """The channel table from data/channels.yml."""
    data = load_data("channels.yml")
    return {name: ChannelSpec(name=name, **{k: (str(v) if k == "checked" else v) for k, v in spec.items()})
            for name, spec in data.items()}


def _with_url_cost(text: str, cost: int) -> int:
    spans = find_urls(text)
    plain = len(text) - sum(end - start for start, end in spans)
    return plain + cost * len(spans)


def measure(channel: str, text: str) -> Measurement:
    """Count ``text`` as ``channel`` counts it and compare with the channel's limit."""
    channels = load_channels()
    if channel not in channels:
        raise ValueError(f"expected one of the channels {', '.join(channels)}; got {channel!r}")
    spec = channels[channel]
    if spec.unit == "sms":
        sms = sms_length(text)
        fits = sms.parts <= (spec.max_parts or 1)
        limit = 160 if sms.encoding == "gsm7" else 70
        return Measurement(channel, sms.units, limit, sms.encoding + "_units", fits, sms.encoding, sms.parts,
                           spec.max_parts)
    if spec.unit == "weighted":
        count = weighted_length(text)
    elif spec.unit == "graphemes":
        count = len(regex.findall(r"\X", text))
    elif spec.url_cost:
        count = _with_url_cost(text, spec.url_cost)
    else:
        count = len(text)
    return Measurement(channel, count, spec.limit, spec.unit, count <= spec.limit)
