"""How long a post is on its channel, counted the way the channel counts it.

Limits and counting units live in the channel registry (data/channels.yml,
read by model/channels.py) with their source and the date checked; this
module only counts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import regex

from crisiskit.counting.sms import sms_length
from crisiskit.counting.xcount import find_urls, weighted_length
from crisiskit.model.channels import Channel, registry


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
    spans = find_urls(text)
    plain = len(text) - sum(end - start for start, end in spans)
    return plain + cost * len(spans)


def measure(channel: str, text: str, max_parts: int | None = None) -> Measurement:
    """Count ``text`` as ``channel`` counts it and compare with the channel's limit.

    ``max_parts`` replaces an SMS channel's registry maximum (a project's crisiskit.yml may set its own).
    """
    channels = load_channels()
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
        count = weighted_length(text)
    elif spec.unit == "graphemes":
        count = len(regex.findall(r"\X", text))
    elif spec.url_cost:
        count = _with_url_cost(text, spec.url_cost)
    else:
        count = len(text)
    return Measurement(channel, count, spec.limit, spec.unit, count <= spec.limit)
