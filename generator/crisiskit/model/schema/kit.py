"""The kit models: what an author may write in ``kits/*.yml``.

Two kinds of file share one vocabulary: an incident (``kits/<id>.yml``) and
a scenario (``kits/scenarios/<name>.yml``) that incidents extend. Fields a
scenario may supply are optional on the incident; the resolve stage says
when neither gave them. Every model forbids unknown keys so a typo is an
error, never silently ignored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from crisiskit.model.channels import jurisdictions, post_channels
from crisiskit.model.schema.facts import Fact
from crisiskit.model.schema.types import (
    Email,
    FactName,
    Identifier,
    LanguageTag,
    Name,
    Phone,
    Slug,
    Text,
    Timestamp,
    Url,
)

Severity = Literal["minor", "moderate", "severe"]
CrisisType = Literal["victim", "accidental", "preventable"]
Strategy = Literal["inform", "inform_and_rebuild", "rebuild", "deny"]
STRATEGIES_FITTING: dict[str, tuple[str, ...]] = {
    "victim": ("inform", "deny"),
    "accidental": ("inform_and_rebuild", "rebuild"),
    "preventable": ("rebuild",),
}
"""SCCT (shared/domain.md 5): the response strategies that fit each crisis type, the usual one first. Denial
fits only a rumour with no basis (a victim crisis); a preventable crisis owes the full rebuild; an accidental
one may go further than it must."""
Status = Literal["investigating", "identified", "monitoring", "resolved"]
Audience = Literal[
    "affected_customers", "customers", "public", "partners", "employees", "media", "regulators", "investors"
]
RemedyKind = Literal[
    "refund",
    "voucher",
    "discount",
    "upgrade",
    "gift",
    "repair",
    "replacement",
    "cash",
    "credit_monitoring",
    "hotline",
    "public_apology",
]
if TYPE_CHECKING:
    ChannelName = str
else:  # a channel a kit may list: every post channel of the registry (data/channels.yml), read on import
    ChannelName = Literal[post_channels()]
if TYPE_CHECKING:
    Jurisdiction = str
else:  # a jurisdiction a kit may name: every one a notice of the registry is written for (data/channels.yml)
    Jurisdiction = Literal[jurisdictions()]
ReviewType = Literal[
    "product_quality",
    "service_attitude",
    "policy_misunderstanding",
    "price_dispute",
    "logistics",
    "malicious_attack",
    "security_privacy",
    "support_speed",
]


MAX_REVISIONS = 100


class Model(BaseModel):
    """Base of every kit model: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


def _locales(value: dict[str, str]) -> dict[str, str]:
    """Each locale is its language with a region (en -> en-US), and one the formatter knows."""
    from babel import Locale, UnknownLocaleError

    for language, locale in value.items():
        try:
            known = Locale.parse(locale.replace("-", "_")) is not None
        except (UnknownLocaleError, ValueError):
            known = False
        if not locale.startswith(f"{language}-") or not known:
            raise PydanticCustomError(
                "crisiskit",
                "expected for {language} a known locale of that language, such as {language}-GB; got {got}",
                {"language": language, "got": locale},
            )
    return value


class Organization(Model):
    name: Name
    """The organisation's name as the public knows it."""
    website: Url
    """The organisation's main web address."""
    boilerplate: Text
    """The 'About' paragraph closing every press release."""
    city: Text | None = None
    """Where statements are issued from, for press-release datelines ('TAIPEI')."""
    locale: Annotated[dict[LanguageTag, LanguageTag], AfterValidator(_locales)] = {}
    """Per language, the locale its dates, times and numbers follow ({en: en-US, zh-Hant: zh-Hant-TW}); a
    language without one reads '14 April 2026, 14:00' (en) or '2026年4月14日 14:00' (zh)."""


class Person(Model):
    name: Name
    """Full name."""
    title: Text
    """Job title as it should appear under a signature."""


class PressContact(Model):
    name: Name
    """Who reporters should call."""
    email: Email
    """Press e-mail address."""
    phone: Phone | None = None
    """Press phone number."""


class Contacts(Model):
    hotline: Phone | None = None
    """The dedicated phone line for affected people."""
    email: Email | None = None
    """The support address for affected people."""
    press: PressContact | None = None
    """The media contact named in press releases."""
    privacy: Email | None = None
    """The data protection officer's address (required in GDPR notices)."""


class Scheduled(Model):
    """A kit-level item that may start and end with a revision or a time (model/schedule.py decides).

    Without a start an item is offered from the incident's first revision; without an end, from then on.
    """

    from_revision: int | None = Field(default=None, ge=1)
    """The first revision that offers it; earlier revisions, their posts and pages leave it out."""
    from_: Timestamp | None = Field(default=None, alias="from")
    """Instead of from_revision: offered in the revisions published at or after this time (with timezone)."""
    until_revision: int | None = Field(default=None, ge=1)
    """The last revision that offers it."""
    until: Timestamp | None = None
    """Instead of until_revision: offered only in the revisions published before this time (with timezone)."""


class Remedy(Scheduled):
    id: Slug | None = None
    """Names the item, so an incident can replace (same id) or remove (remove.remedies) a scenario's remedy."""
    kind: RemedyKind
    """What is offered, by kind."""
    description: Text
    """The offer in plain words, referring to facts for amounts and dates."""
    eligible: Text
    """Who qualifies."""
    how_to_claim: Text
    """What an eligible person does to receive it."""


class Statement(Model):
    """The sections of a statement, in the order a reader meets them."""

    headline: Text | None = None
    """States the purpose plainly: 'Statement on ...'."""
    acknowledgement: Text | None = None
    """First paragraph: admits what happened, with no run-up, and acknowledges those affected."""
    what_happened: Text | None = None
    """The confirmed facts: who, what, where, when."""
    cause: Text | None = None
    """Why it happened, as far as known."""
    not_yet_known: Text | None = None
    """What is not known yet and how it is being found out."""
    actions: Text | None = None
    """What is being done now."""
    apology: Text | None = None
    """The apology, specific about who was affected and how."""
    remedy: Text | None = None
    """The concrete compensation or corrective action."""
    commitment: Text | None = None
    """What changes so it does not happen again."""
    next_update: Text | None = None
    """When and where the next update comes."""
    help: Text | None = None
    """Where to get help: page, hotline, e-mail."""


class ChannelText(Model):
    enabled: bool = True
    """Set false to leave this channel out."""
    text: Text | None = None
    """The post or body, replacing the text derived from the statement."""
    subject: Text | None = None
    """E-mail subject or press-release headline."""
    preheader: Text | None = None
    """E-mail preheader: the line shown after the subject in inboxes."""


class Approval(Model):
    role: Slug
    """The approving role, such as legal or communications."""
    name: str = Field(min_length=1)
    """Who approved."""
    at: Timestamp
    """When, with timezone."""
    text_hash: str = Field(pattern=r"^sha256:[0-9a-f]{64}$")
    """sha256 of the exact text approved; any later change makes the approval stale."""


class Update(Model):
    """One entry of ``updates:`` as written (the resolved form is ``model.incident.Revision``)."""

    revision: int = Field(ge=1)
    """The revision number: 1, 2, 3 ... in order."""
    status: Status
    """Where the incident stands."""
    issued_at: Timestamp
    """When this revision was written, with timezone."""
    publish_at: Timestamp | None = None
    """Embargo: not public before this time."""
    next_update_at: Timestamp | None = None
    """When the next update is promised."""
    corrects: int | None = Field(default=None, ge=1)
    """The revision this one corrects, if it is a correction."""
    correction: Text | None = None
    """What the correction changes, shown on the statement page."""
    facts: dict[FactName, Fact] = {}
    """Facts that changed with this revision; they apply from here on."""
    statement: Statement = Statement()
    """What the statement says now: a section left out stays as the revision before said it if that one had the
    same status, else comes from the scenario's text for this status; null leaves a section out."""
    channels: dict[ChannelName, ChannelText] = {}
    """Per-channel overrides from this revision on, while the status stays the same."""
    approvals: list[Approval] = []
    """Approvals of this revision's text."""


class FaqEntry(Scheduled):
    id: Slug | None = None
    """Names the item, so an incident can replace (same id) or remove (remove.faq) a scenario's entry."""
    question: Text
    """The question as people ask it."""
    answer: Text
    """The approved answer."""
    audience: Literal["public", "internal"] = "public"
    """public appears on the FAQ page; internal only on the internal site."""


class QaEntry(Scheduled):
    id: Slug | None = None
    """Names the item, so an incident can replace (same id; the scenario's avoid phrases stay) or remove
    (remove.internal_qa) a scenario's entry."""
    question: Text
    """The hard question a journalist or customer may ask."""
    answer: Text
    """The approved answer."""
    bridge: Text
    """The line that leads back to the key messages."""
    avoid: list[Text] = []
    """Phrases the spokesperson must not say; a public text using one is an error."""
    facts: list[FactName] = []
    """The facts this answer rests on."""
    answered_by: Slug | None = None
    """The role allowed to answer, if not every spokesperson."""


class ReviewReply(Scheduled):
    type: ReviewType
    """The kind of negative review this reply is for."""
    review: Text
    """A typical review of this kind, for recognition."""
    public_reply: Text
    """The short reply posted in public."""
    private_followup: Text
    """The message sent privately to resolve the case."""


class Removals(Model):
    """The items of the scenario's lists a kit drops, by id."""

    remedies: list[Slug] = []
    """Ids of the scenario's remedies this kit does not offer."""
    faq: list[Slug] = []
    """Ids of the scenario's FAQ entries this kit leaves out."""
    internal_qa: list[Slug] = []
    """Ids of the scenario's Q&A entries this kit leaves out (their avoid phrases go with them)."""


class KitFields(Model):
    """Fields an incident and a scenario share; a scenario's fill an incident's gaps."""

    title: Text | None = None
    """What the incident is called on the site."""
    extends: Identifier | None = None
    """The scenario in kits/scenarios/ whose text and defaults this kit takes."""
    organization: Organization | None = None
    """Who speaks."""
    spokesperson: Person | None = None
    """The one voice for the media."""
    signatory: Person | None = None
    """Who signs the statement."""
    contacts: Contacts | None = None
    """Where affected people and the press get help."""
    severity: Severity | None = None
    """minor, moderate or severe: drives deadlines, cadence, channels and signatures."""
    crisis_type: CrisisType | None = None
    """SCCT cluster: victim, accidental or preventable."""
    languages: list[LanguageTag] | None = Field(default=None, min_length=1)
    """Languages of every text; the first is the source language."""
    facts: dict[FactName, Fact] = {}
    """Named values texts refer to as {{ facts.name }}."""
    key_messages: list[Text] | None = None
    """The three or so points every text comes back to."""
    audiences: list[Audience] | None = None
    """Who must hear from us."""
    jurisdictions: list[Jurisdiction] | None = None
    """Whose data-breach law applies (california, gdpr, taiwan): each adds its notices (to the authority, to the
    people affected) to every revision, stating the facts data/notices.yml says that law requires."""
    remedies: list[Remedy] | None = None
    """What affected people get; added to the scenario's, replacing the one with the same id."""
    faq: list[FaqEntry] | None = None
    """Questions and answers for the FAQ page; added to the scenario's, replacing the one with the same id."""
    channels: dict[ChannelName, ChannelText] = {}
    """Per-channel overrides for every revision."""
    internal_qa: list[QaEntry] | None = None
    """Hard questions for spokespeople, never public; added to the scenario's, replacing the one with the same id."""
    remove: Removals | None = None
    """The scenario's remedies, FAQ and Q&A entries this kit drops, by id."""
    review_replies: list[ReviewReply] | None = None
    """Replies to negative reviews, public and private."""


class IncidentKit(KitFields):
    """One incident: kits/<id>.yml."""

    id: Identifier
    """The incident's id, used in every path and URL."""
    began_at: Timestamp
    """When the incident began (or was first noticed by those affected)."""
    aware_at: Timestamp | None = None
    """When the organisation became aware; regulator deadlines run from here."""
    updates: list[Update] = Field(min_length=1, max_length=MAX_REVISIONS)
    """The versioned statement: revisions in order, oldest first (at most 100; every page shows the timeline)."""


class ScenarioKit(KitFields):
    """A pre-approved scenario: kits/scenarios/<name>.yml."""

    scenario: Identifier
    """The scenario's name, as incidents write it in extends."""
    describe: Text
    """When to use this scenario."""
    strategy: Strategy
    """The SCCT response strategy its text takes: inform (victim: instructions, facts, care), inform_and_rebuild
    (accidental: explanation plus corrective action), rebuild (preventable: full apology plus compensation) or
    deny (only a rumour with no basis)."""
    statements: dict[Status, Statement] = {}
    """Pre-approved statement sections per status, filling an incident revision's gaps."""
