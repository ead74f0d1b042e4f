"""The resolved incident: what every stage after resolve works from.

A kit and the scenarios it extends merged into one complete, typed object,
with each revision's statement filled in and its facts as they stood at
that revision (so re-rendering an old revision gives its old text).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from crisiskit.model.origin import Origin
from crisiskit.model.schema.facts import Fact
from crisiskit.model.schema.kit import (
    Approval,
    ChannelText,
    Contacts,
    FaqEntry,
    Organization,
    Person,
    QaEntry,
    Remedy,
    ReviewReply,
    Statement,
)
from crisiskit.model.schema.types import Text


@dataclass(frozen=True)
class Revision:
    """One revision of the statement, complete."""

    number: int
    status: str
    issued_at: datetime
    publish_at: datetime | None
    next_update_at: datetime | None
    corrects: int | None
    correction: Text | None
    facts: dict[str, Fact]
    statement: Statement
    channels: dict[str, ChannelText]
    approvals: list[Approval]
    origin: Origin

    @property
    def visible_from(self) -> datetime:
        """When the revision may be public: its embargo, or when it was issued."""
        return self.publish_at or self.issued_at


@dataclass(frozen=True)
class ScenarioItemChange:
    """A scenario's remedy, FAQ or Q&A entry that the incident replaced (same id) or removed (``remove:``)."""

    key: str
    """The kit key of the list: remedies, faq or internal_qa."""
    id: str
    scenario: str
    """The scenario whose item it was."""
    action: str
    """replaced or removed."""


@dataclass(frozen=True)
class Incident:
    """One incident, merged with its scenarios and checked for completeness."""

    id: str
    source: str
    scenario: str | None
    title: Text
    organization: Organization
    spokesperson: Person
    signatory: Person
    contacts: Contacts
    severity: str
    crisis_type: str
    languages: list[str]
    began_at: datetime
    aware_at: datetime | None
    key_messages: list[Text]
    audiences: list[str]
    remedies: list[Remedy]
    faq: list[FaqEntry]
    internal_qa: list[QaEntry]
    review_replies: list[ReviewReply]
    channels: list[str]
    revisions: list[Revision]
    strategy: str | None = None
    """The response strategy its scenario's text takes (the nearest scenario's ``strategy``), if it extends one."""
    strategy_origin: Origin | None = None
    """Where that scenario states its strategy."""
    jurisdictions: tuple[str, ...] = ()
    """Whose data-breach law applies (the kit's ``jurisdictions:``): their notices are among ``channels``."""
    scenario_items: tuple[ScenarioItemChange, ...] = ()
    """The scenario's list items this incident replaced or removed by id (model/resolve.py), for the review."""

    @property
    def current(self) -> Revision:
        """The latest revision."""
        return self.revisions[-1]

    @property
    def is_open(self) -> bool:
        """Open until the latest revision says resolved."""
        return self.current.status != "resolved"
