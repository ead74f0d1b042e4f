"""Data-breach notices: each law's notice of one revision, built from the kit's facts (data/notices.yml).

A notice is a channel of kind ``notice`` (data/channels.yml). Its elements
(the business, the dates of the breach, the types of data, the measures, the
contact point ...) are read from the revision's facts, statement sections,
remedies and the kit's contacts, each turned into a sentence of the language
here; the template (templates/channels/notices/<channel>.txt.j2) only lays the
sections out under the headings the law prescribes. A required element the kit
does not give is stated as missing in its place, so a heading is never empty,
and ``checks/notices.py`` reports it (CK802) from the same ``notice_elements``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from crisiskit.compose.fill import TextContext
from crisiskit.compose.formatting import format_date, format_time
from crisiskit.compose.revision import Post, RevisionText
from crisiskit.datafiles import load_data
from crisiskit.model.channels import registry
from crisiskit.model.incident import Incident, Revision
from crisiskit.model.memo import ByIdentity

GDPR_WINDOW = timedelta(hours=72)
"""GDPR Article 33(1): the supervisory authority is notified within 72 hours of becoming aware."""
_ENV = Environment(
    loader=PackageLoader("crisiskit", "templates/channels/notices"),
    auto_reload=False,  # the package's templates do not change while crisiskit runs: no stat of the file per notice
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Element:
    """One element of a notice as it stands in a revision: its sentences, or missing."""

    name: str
    lines: tuple[str, ...] = ()
    missing: bool = False


@dataclass(frozen=True)
class Section:
    """A heading of a notice with its text, for the template."""

    heading: str
    text: str


@dataclass(frozen=True)
class NoticeSpec:
    """One notice of data/notices.yml: its law, title, sections and required elements."""

    channel: str
    law: str
    title: dict[str, str]
    sections: dict[str, dict[str, Any]]
    required: dict[str, str]

    def headings(self, language: str) -> list[str]:
        """The section headings in ``language`` (zh-Hant for every Chinese variant, else English), in order."""
        return [_in(s["heading"], language) for s in self.sections.values()]


@lru_cache(maxsize=1)
def notice_table() -> dict[str, Any]:
    """data/notices.yml, read once; every notice channel of the registry must have its entry, and no other."""
    table = load_data("notices.yml")
    wanted = {name for name, spec in registry().items() if spec.kind == "notice"}
    if set(table["notices"]) != wanted:
        raise ValueError(
            f"data/notices.yml notices: expected {', '.join(sorted(wanted))}; got {', '.join(table['notices'])}"
        )
    for name, spec in table["notices"].items():
        listed = {e for s in spec["sections"].values() for e in s["elements"]} | set(spec["required"])
        unknown = sorted(listed - set(table["elements"]))
        if unknown:
            raise ValueError(f"data/notices.yml notices.{name}: expected elements of elements:; got {unknown[0]}")
    return table


@lru_cache(maxsize=64)
def notice_spec(channel: str) -> NoticeSpec:
    """The notice ``channel`` as data/notices.yml describes it (read once per channel: the table is read once)."""
    spec = notice_table()["notices"][channel]
    return NoticeSpec(channel, spec["law"], spec["title"], spec["sections"], spec["required"])


def element_source(name: str) -> str:
    """Where the kit gives element ``name`` ('fact affected_records', 'statement actions', 'contacts' ...)."""
    return str(notice_table()["elements"][name]["from"])


def element_what(name: str, language: str) -> str:
    """What element ``name`` is, in words of ``language``."""
    return _in(notice_table()["elements"][name]["what"], language)


def gdpr_deadline(incident: Incident) -> datetime | None:
    """When the GDPR notification to the supervisory authority is due: 72 hours after becoming aware."""
    return incident.aware_at + GDPR_WINDOW if incident.aware_at else None


def compose_notice(channel: str, incident: Incident, revision: Revision, r: RevisionText, context: TextContext) -> Post:
    """The notice ``channel`` of ``revision`` in ``r.language``: title as subject, sections under their headings."""
    language = r.language
    spec = notice_spec(channel)
    elements = notice_elements(channel, incident, revision, r, context)
    words = _sentences(language)
    sections = {}
    for key, section in spec.sections.items():
        lines = [
            line
            for name in section["elements"]
            for line in (
                [words["missing"].format(what=element_what(name, language), source=element_source(name))]
                if elements[name].missing
                else elements[name].lines
            )
        ]
        sections[key] = Section(_in(section["heading"], language), "\n\n".join(lines))
    body = (
        _ENV.get_template(f"{channel}.txt.j2")
        .render(
            title=_in(spec.title, language),
            date=words["notice_date"].format(value=format_date(revision.issued_at, context.locale)),
            business=_business(incident, language),
            sections=sections,
            signature=words["signature"].format(signature=r.signature, org=r.organization),
        )
        .strip()
    )
    return Post(channel, body, _in(spec.title, language))


def notice_elements(
    channel: str, incident: Incident, revision: Revision, r: RevisionText, context: TextContext
) -> dict[str, Element]:
    """Every element ``channel``'s sections list or its law requires, as it stands in ``revision``.

    An element is missing when the notice requires it (and its condition holds) and the kit does not give it.

    Remembered: composing the notice reads its elements, and CK801 and CK802 read them again for the same
    revision and context. An entry holds the incident, revision and context it was made for (frozen; held, so
    no other object takes their identity) and ``r``'s fields but its posts, which elements never read: a text
    equal in all of them (today's text, composed without its posts and then with them) has the same elements,
    and a frozen text that differs in any is read afresh (tests/test_check_shortcuts.py compares both ways).
    """
    read = _read_of(r)
    held = _ELEMENTS.find((incident, revision, context), channel)
    if held is not None and held[0] == read:
        return dict(held[1])
    elements = _notice_elements(channel, incident, revision, r, context)
    _ELEMENTS.keep((incident, revision, context), (read, elements), channel)
    return dict(elements)


_ELEMENTS: ByIdentity[tuple[tuple, dict[str, Element]]] = ByIdentity(512)
"""The notices' elements remembered (an incident has one per notice, revision and language), each with the
fields of the text it was read from."""


def _read_of(r: RevisionText) -> tuple:
    """Every field of ``r`` but its posts (which are made from the elements, never read by them)."""
    return tuple(getattr(r, name) for name in _TEXT_FIELDS)


_TEXT_FIELDS = tuple(name for name in RevisionText.__dataclass_fields__ if name != "posts")


def _notice_elements(
    channel: str, incident: Incident, revision: Revision, r: RevisionText, context: TextContext
) -> dict[str, Element]:
    """``notice_elements``, read afresh."""
    spec = notice_spec(channel)
    words = _sentences(r.language)
    names = [e for s in spec.sections.values() for e in s["elements"]] + list(spec.required)
    found = {name: _element(name, incident, revision, r, context, words) for name in dict.fromkeys(names)}
    identity = _number(revision, "identity_numbers_exposed")
    late = _late(incident, revision)
    out: dict[str, Element] = {}
    for name, lines in found.items():
        required = name in spec.required
        if name in ("bureaus", "id_theft_offer") and not identity:
            required, lines = False, []  # (d)(2)(F)-(G) apply only when identity numbers were exposed
        if name == "delay_reason" and not late:
            required = False
        given = lines is not None and (lines != [] or name in ("identity_numbers", "id_theft_offer"))
        out[name] = Element(name, tuple(lines or ()), missing=required and not given)
    return out


def missing_elements(
    channel: str, incident: Incident, revision: Revision, r: RevisionText, context: TextContext
) -> list[str]:
    """The required elements of ``channel`` the kit does not give in ``revision``, in data/notices.yml order."""
    return [name for name, e in notice_elements(channel, incident, revision, r, context).items() if e.missing]


def split_by_headings(text: str, headings: list[str]) -> dict[str, str]:
    """A notice's text as heading -> the text under it, for the headings that stand on a line of their own."""
    out: dict[str, str] = {}
    current: str | None = None
    for line in text.splitlines():
        if line.strip() in headings and line.strip() not in out:
            current = line.strip()
            out[current] = ""
        elif current is not None:
            out[current] = (out[current] + "\n" + line).strip()
    return out


def _element(
    name: str, incident: Incident, revision: Revision, r: RevisionText, context: TextContext, words: dict[str, str]
) -> list[str] | None:
    """The sentences of element ``name``; None (or nothing to say) when the kit does not give it; [] for a
    condition that is given but printed elsewhere."""
    facts = context.facts

    def fact(key: str, fact_name: str) -> list[str]:
        return [words[key].format(value=facts[fact_name])] if fact_name in facts else []

    contacts = incident.contacts
    if name == "business":
        return [_business(incident, r.language)]
    if name == "notice_date":
        return [words["notice_date"].format(value=format_date(revision.issued_at, context.locale))]
    if name == "acknowledgement":
        return [r.acknowledgement] if r.acknowledgement else []
    section = {"description": "what_happened", "cause": "cause", "not_yet_known": "not_yet_known", "advice": "help"}
    if name in section:
        return [r.sections[section[name]]] if r.sections.get(section[name]) else []
    if name == "measures":
        return [r.sections[k] for k in ("actions", "commitment") if r.sections.get(k)]
    if name == "breach_dates":
        if "breach_window_start" not in facts:
            return []
        if "breach_window_end" in facts:
            return [words["breach_range"].format(start=facts["breach_window_start"], end=facts["breach_window_end"])]
        return [words["breach_start"].format(start=facts["breach_window_start"])]
    simple = {
        "discovered": "detected_at",
        "law_enforcement": "law_enforcement_delay",
        "data_types": "data_types",
        "data_not_involved": "data_not_involved",
        "people": "affected_customers",
        "subjects": "data_subjects",
        "records": "affected_records",
        "consequences": "likely_consequences",
        "regulator": "regulator",
        "delay_reason": "notification_delay_reason",
    }
    if name in simple:
        return fact(name, simple[name])
    if name == "identity_numbers":  # a condition, never printed: the data types say what was exposed
        return [] if "identity_numbers_exposed" in facts else None
    if name == "aware":
        return (
            [words["aware"].format(value=format_time(incident.aware_at, context.locale))] if incident.aware_at else []
        )
    if name == "notified":
        notified = revision.facts.get("regulator_notified_at")
        if notified is None or notified.value is None or notified.value > revision.issued_at:
            return []  # not notified yet as this revision speaks: CK803/CK804 say when it is due
        return fact("notified", "regulator_notified_at")
    if name == "remedies":
        return [
            words["remedy"].format(description=m.description, eligible=m.eligible, how_to_claim=m.how_to_claim)
            for m in r.remedies
        ]
    if name == "id_theft_offer":  # printed with the remedies
        return [] if any(m.kind == "credit_monitoring" for m in r.remedies) else None
    if name == "bureaus":
        return [words["bureaus"], *(f"- {b}" for b in notice_table()["credit_bureaus"])]
    if name == "contact":
        found = [words["hotline"].format(value=contacts.hotline)] if contacts.hotline else []
        return found + ([words["email"].format(value=contacts.email)] if contacts.email else [])
    if name == "contact_point":
        if contacts.privacy:
            return [words["privacy"].format(value=contacts.privacy)]
        return [words["email"].format(value=contacts.email)] if contacts.email else []
    if name == "more_info":
        return [words["more_info"].format(value=r.statement_url)]
    raise ValueError(f"data/notices.yml: no way to read the element {name}")


def _business(incident: Incident, language: str) -> str:
    words = _sentences(language)
    return words["business"].format(org=incident.organization.name.get(language), website=incident.organization.website)


def _number(revision: Revision, name: str) -> Decimal | int | float:
    fact = revision.facts.get(name)
    return fact.value if fact is not None and fact.kind == "number" and fact.value else 0


def _late(incident: Incident, revision: Revision) -> bool:
    """Whether the authority was notified (as this revision says) more than 72 hours after becoming aware."""
    notified = revision.facts.get("regulator_notified_at")
    deadline = gdpr_deadline(incident)
    return bool(deadline and notified is not None and notified.value is not None and notified.value > deadline)


def _sentences(language: str) -> dict[str, str]:
    table = notice_table()["sentences"]
    return table.get(language) or table["zh-Hant" if language.startswith("zh") else "en"]


def _in(text: dict[str, str], language: str) -> str:
    """A data-file text in ``language``: zh-Hant for every Chinese variant, else English."""
    return text.get(language) or text["zh-Hant" if language.startswith("zh") else "en"]
