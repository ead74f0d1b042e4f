"""The channel registry: data/channels.yml, the one list of channels every stage derives from.

The kit schema's channel names, how compose builds each post (its kind),
which posts are measured and against what limit, who reads a post (its
audience) and the names the pages print all come from one entry per
channel here. Adding a channel is one entry in data/channels.yml, its
name in every language of data/labels.yml and, for a templated channel,
templates/channels/<name>.txt.j2 (a notice: templates/channels/notices/<name>.txt.j2 and its entry in
data/notices.yml); tests/test_registry.py and tests/test_notices.py prove that.

It lives in the model stage, the lowest one, because the kit schema
(model/schema/kit.py) needs the names; counting, compose, render and checks
read it from here.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from crisiskit.datafiles import load_data

Kind = Literal["short", "long_social", "templated", "notice", "replies", "part"]
"""How a channel's text is made: short and long_social posts are fitted from the statement, templated ones
rendered from templates/channels/<name>.txt.j2; a notice (a legal notice of a data breach) from the elements
data/notices.yml requires of it, laid out by templates/channels/notices/<name>.txt.j2; replies are the kit's
review replies; a part (the e-mail subject) is only measured, as part of another channel's post."""
POST_KINDS: tuple[Kind, ...] = ("short", "long_social", "templated", "notice")
"""Kinds a kit may list under ``channels:`` (each revision gets a post of them)."""
Unit = Literal["weighted", "graphemes", "code_points", "sms"]


class Channel(BaseModel):
    """One channel: what it is called, how its post is made, who reads it and the limit it is measured against."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    label: str
    """The channel's name in English, for the rules reference; pages use data/labels.yml per language."""
    kind: Kind
    audience: Literal["public", "internal"] = "public"
    """Internal posts (the employee memo) are read by staff only; checks for public text skip them."""
    limit: int | None = None
    """The longest post the channel takes, in ``unit``; a channel without a limit is not measured."""
    unit: Unit | None = None
    url_cost: int | None = None
    """Where the platform counts every link as this many characters."""
    max_parts: int | None = None
    """SMS only: the most parts a message may be split into."""
    jurisdiction: str | None = None
    """A notice only: the jurisdiction whose law prescribes it (a kit's ``jurisdictions:`` names these); a notice
    without one (regulator_notice) is the generic notice every kit that lists it gets."""
    recipient: Literal["authority", "people"] | None = None
    """A notice only: whom it is addressed to, the supervisory authority or the people affected."""
    source: str | None = None
    checked: str | None = None
    """The date the limit was last checked against its source, as YYYY-MM-DD."""

    @field_validator("checked", mode="before")
    @classmethod
    def _iso_date(cls, value: object) -> object:
        return str(value) if value is not None else None  # YAML reads 2026-11-22 as a date

    @model_validator(mode="after")
    def _limit_complete(self) -> Channel:
        given = [self.limit is not None, self.unit is not None, self.source is not None, self.checked is not None]
        if any(given) and not all(given):
            raise ValueError(f"channel {self.name}: a limit needs limit, unit, source and checked together")
        if (self.unit == "sms") != (self.max_parts is not None):
            raise ValueError(f"channel {self.name}: max_parts goes with unit sms, and only with it")
        if (self.kind == "notice") != (self.recipient is not None) or (self.jurisdiction and self.kind != "notice"):
            raise ValueError(f"channel {self.name}: a notice names its recipient (and jurisdiction), and only a notice")
        return self

    @property
    def measured(self) -> bool:
        """Whether posts on this channel are counted against a limit."""
        return self.limit is not None

    @property
    def is_post(self) -> bool:
        """Whether a kit may list this channel (it gets a post per revision)."""
        return self.kind in POST_KINDS


@lru_cache(maxsize=1)
def registry() -> dict[str, Channel]:
    """Every channel in data/channels.yml, in its order (the order posts are listed in), read once."""
    data = load_data("channels.yml")
    return {name: Channel(name=name, **spec) for name, spec in data.items()}


def channel(name: str) -> Channel:
    """The registry entry of ``name``; KeyError for a name not in data/channels.yml."""
    return registry()[name]


def post_channels() -> tuple[str, ...]:
    """The names a kit may use under ``channels:``, in registry order."""
    return tuple(name for name, spec in registry().items() if spec.is_post)


def labelled_channels() -> tuple[str, ...]:
    """The channels pages name (data/labels.yml channel_names): every one but the measured-only parts."""
    return tuple(name for name, spec in registry().items() if spec.kind != "part")


def channels_of_kind(kind: Kind) -> tuple[str, ...]:
    """The channels whose posts are made the ``kind`` way."""
    return tuple(name for name, spec in registry().items() if spec.kind == kind)


def jurisdictions() -> tuple[str, ...]:
    """The jurisdictions a kit may name under ``jurisdictions:``: those the registry's notices are written for."""
    return tuple(dict.fromkeys(spec.jurisdiction for spec in registry().values() if spec.jurisdiction))


def notice_channels(names: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The notice channels of the jurisdictions ``names``, in registry order."""
    return tuple(name for name, spec in registry().items() if spec.jurisdiction and spec.jurisdiction in names)
