"""The packaged policy tables (data/severity.yml, approvals.yml, rules.yml) as typed models, each read once.

A stage asks for a table by function and gets a validated, frozen model
from a cache, so a typo in a packaged table fails on first use with the
key that is wrong, and one ``crisiskit check`` parses each file once
however many incidents and rules read it. The channel registry
(data/channels.yml) has its own module, model/channels.py.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from crisiskit.datafiles import load_data
from crisiskit.model.channels import post_channels

SEVERITIES = ("minor", "moderate", "severe")
Level = Literal["error", "warning"]


class Table(BaseModel):
    """Base of the packaged tables: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class SeverityPolicy(Table):
    """What one severity asks for: how fast, how often, who signs and on which channels."""

    first_statement_within_hours: float = Field(gt=0)
    update_every_hours: float | None = Field(default=None, gt=0)
    """None: update on change only."""
    signed_by: str
    signer_titles: tuple[str, ...] = ()
    """Words one of the signatory's titles must contain (any language); empty: any signer will do."""
    channels: tuple[str, ...]
    """The channels an incident of this severity uses unless its kit switches one off, in post order."""

    @model_validator(mode="after")
    def _known_channels(self) -> SeverityPolicy:
        unknown = [c for c in self.channels if c not in post_channels()]
        if unknown:
            raise ValueError(f"expected channels from data/channels.yml; got {', '.join(unknown)}")
        return self


class Rule(Table):
    """One message rule of data/rules.yml."""

    severity: Level
    title: str
    hint: str
    example: str
    reason: str = ""
    """Why the rule exists, in crisis-communication terms (shown in RULES.md)."""
    passes: dict[str, str] = {}
    """Per language, a text the rule passes."""
    fails: dict[str, str] = {}
    """Per language, a text the rule reports."""
    sources: tuple[str, ...] = ()
    """The statutes and articles a rule enforces (the notice rules), cited in RULES.md."""


class ApprovalTables(Table):
    """Who must approve: roles per severity, plus roles per channel an incident uses."""

    by_severity: dict[Literal["minor", "moderate", "severe"], tuple[str, ...]] = {}
    by_channel: dict[str, tuple[str, ...]] = {}

    @model_validator(mode="after")
    def _known_channels(self) -> ApprovalTables:
        unknown = [c for c in self.by_channel if c not in post_channels()]
        if unknown:
            raise ValueError(f"expected channels from data/channels.yml; got {', '.join(unknown)}")
        return self


@lru_cache(maxsize=1)
def severity_table() -> dict[str, SeverityPolicy]:
    """data/severity.yml: the default policy per severity."""
    data = load_data("severity.yml")
    if sorted(data) != sorted(SEVERITIES):
        raise ValueError(f"data/severity.yml: expected the severities {', '.join(SEVERITIES)}; got {', '.join(data)}")
    return {name: SeverityPolicy.model_validate(data[name]) for name in SEVERITIES}


@lru_cache(maxsize=1)
def approval_table() -> ApprovalTables:
    """data/approvals.yml: the default approvals."""
    return ApprovalTables.model_validate(load_data("approvals.yml"))


@lru_cache(maxsize=1)
def rule_table() -> dict[str, Rule]:
    """data/rules.yml: every rule id with its default severity, title, hint and example, in catalogue order."""
    return {rule: Rule.model_validate(spec) for rule, spec in load_data("rules.yml").items()}
