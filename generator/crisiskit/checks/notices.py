"""Data-breach notices (CK801-CK804): the same facts as the customer e-mail, every element the law asks for,
and the GDPR 72-hour window.

They run for a kit that names its ``jurisdictions:``; the notices themselves
are composed by ``compose/notices.py`` from data/notices.yml, which these
rules read too, so a notice and its check cannot disagree about what the
law requires.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from functools import lru_cache

import regex

from crisiskit.checks.findings import Finding, finding
from crisiskit.checks.sources import post_origin
from crisiskit.compose.composed import ComposedIncident
from crisiskit.compose.fill import text_context
from crisiskit.compose.notices import (
    element_source,
    element_what,
    gdpr_deadline,
    missing_elements,
    notice_elements,
    notice_spec,
    notice_table,
    split_by_headings,
)
from crisiskit.compose.revision import Post, RevisionText
from crisiskit.model.channels import registry
from crisiskit.model.incident import Incident, Revision
from crisiskit.model.origin import Origin


def notice_findings(item: ComposedIncident, at: datetime, settings: dict[str, str]) -> Iterator[Finding | None]:
    """Every notice finding of one incident as of ``at``; none for a kit that names no jurisdiction."""
    incident = item.incident
    if not incident.jurisdictions:
        return
    notices = [c for c in incident.channels if registry()[c].kind == "notice"]
    yield from _agreement(item, notices, settings)
    yield from _required(item, notices, settings)
    if "gdpr" in incident.jurisdictions:
        yield from _gdpr_window(incident, at, settings)


def _agreement(item: ComposedIncident, notices: list[str], settings: dict[str, str]) -> Iterator[Finding | None]:
    """CK801: a fact, contact or cause one of a notice and the customer e-mail states and the other leaves out."""
    incident = item.incident
    if "email" not in incident.channels:
        return
    legal_only = set(notice_table()["legal_only_facts"])
    for revision in incident.revisions:
        for language, composed in item.texts[revision.number].items():
            posts = {p.channel: p for p in composed.posts}
            email = posts.get("email")
            if email is None:
                continue
            stated = _statable(incident, revision, composed, legal_only)
            values = [value for _, value in stated]
            by_email = _stated(email.text, values)  # once, for every notice
            for channel in notices:
                notice = posts.get(channel)
                if notice is None:
                    continue
                by_notice = _stated(_comparable(item, revision, composed, notice), values)
                for what, value in stated:
                    in_notice, in_email = by_notice[value], by_email[value]
                    if in_notice == in_email:
                        continue
                    said, silent = (channel, "email") if in_notice else ("email", channel)
                    yield finding(
                        "CK801",
                        post_origin(revision, silent),
                        f'expected the {silent} post of revision {revision.number} to state {what} ("{_short(value)}")'
                        f" as the {said} post does; got no such words",
                        channel=silent,
                        language=language,
                        settings=settings,
                    )


def _statable(
    incident: Incident, revision: Revision, composed: RevisionText, legal_only: set[str]
) -> list[tuple[str, str]]:
    """What a notice and the e-mail must agree on: each fact's value, the hotline and e-mail, the cause."""
    context = text_context(incident, revision, composed.language, composed.statement_url)
    stated = [(f"the fact {name}", value) for name, value in sorted(context.facts.items()) if name not in legal_only]
    contacts = incident.contacts
    stated += [("the hotline (contacts.hotline)", contacts.hotline)] if contacts.hotline else []
    stated += [("the support e-mail (contacts.email)", contacts.email)] if contacts.email else []
    cause = composed.sections.get("cause")
    stated += [("the cause (statement.cause)", cause)] if cause else []
    return [(what, value) for what, value in stated if value.strip()]


def _comparable(item: ComposedIncident, revision: Revision, composed: RevisionText, notice: Post) -> str:
    """What a notice says that the e-mail must say too: a written notice whole; a generated one without what
    only its law asks of it (its date, the business, when the organisation became aware, legal-only facts)."""
    override = revision.channels.get(notice.channel)
    if override is not None and override.text is not None:
        return notice.text
    legal_only = set(notice_table()["legal_only_elements"])
    context = text_context(item.incident, revision, composed.language, composed.statement_url)
    elements = notice_elements(notice.channel, item.incident, revision, composed, context)
    return "\n".join(line for name, e in elements.items() if name not in legal_only for line in e.lines)


def _states(said: str, value: str) -> bool:
    """Whether ``said`` says ``value``: as written, a number not as part of a longer one, spacing aside.

    Both are read with single spaces, so the words can only be found where ``value``'s words, joined by one
    space, are a part of ``said``'s: where they are not (most pairs), no pattern is needed at all.
    """
    text = _spaced(said)
    if _spaced(value) not in text:
        return False
    return _value_pattern(value).search(text) is not None


def _stated(said: str, values: list[str]) -> dict[str, bool]:
    """``_states(said, value)`` for each of ``values``, ``said`` spaced once: most values' words are not in it
    (tests/test_check_shortcuts.py compares both)."""
    text = _spaced(said)
    return {
        value: spaced in text and _value_pattern(value).search(text) is not None
        for value, spaced in zip(values, map(_spaced, values), strict=True)
    }


@lru_cache(maxsize=16384)
def _spaced(said: str) -> str:
    """``said`` with every run of white space one space, remembered: each post is compared with every value."""
    return " ".join(said.split())


@lru_cache(maxsize=4096)
def _value_pattern(value: str) -> regex.Pattern:
    """``value``'s words, apart from any longer number around them (compiled once per value)."""
    words = r"\s+".join(regex.escape(w) for w in value.split())
    return regex.compile(rf"(?<![\d.,])(?<!\d[.,]){words}(?![\d]|[.,]\d)")


def _short(value: str) -> str:
    return value if len(value) <= 60 else value[:57] + "..."


def _required(item: ComposedIncident, notices: list[str], settings: dict[str, str]) -> Iterator[Finding | None]:
    """CK802: a required element the kit does not give, or a written notice without its title or a heading."""
    incident = item.incident
    where = _key_origin(incident, "jurisdictions")
    for channel in notices:
        spec = notice_spec(channel)
        missing: dict[str, list[int]] = {}
        for revision in incident.revisions:
            override = revision.channels.get(channel)
            for language, composed in item.texts[revision.number].items():
                post = next((p for p in composed.posts if p.channel == channel), None)
                if post is None:  # a revision published (and frozen) before the kit had this notice
                    continue
                if override is not None and override.text is not None:
                    yield from _headings(revision, channel, post, language, settings)
                    continue
                context = text_context(incident, revision, language, composed.statement_url)
                for name in missing_elements(channel, incident, revision, composed, context):
                    missing.setdefault(name, [])
                    if revision.number not in missing[name]:
                        missing[name].append(revision.number)
        language = incident.languages[0]
        for name, numbers in missing.items():
            yield finding(
                "CK802",
                where,
                f"expected the {channel} notice to state {element_what(name, language)} ({spec.required[name]}): "
                f"add {element_source(name)}; got none in revision{'s' if len(numbers) > 1 else ''} "
                f"{', '.join(map(str, numbers))}",
                channel=channel,
                settings=settings,
            )


def _headings(
    revision: Revision, channel: str, post: Post, language: str, settings: dict[str, str]
) -> Iterator[Finding | None]:
    """A notice written by hand: its title and every heading its law prescribes, each on a line of its own."""
    spec = notice_spec(channel)
    title = spec.title.get(language) or spec.title["en"]
    headings = spec.headings(language)
    found = split_by_headings(post.text, [title, *headings])
    for heading in [title, *headings]:
        if heading not in found:
            yield finding(
                "CK802",
                post_origin(revision, channel),
                f'expected the {channel} notice of revision {revision.number} to have "{heading}" on a line of its '
                f"own ({spec.law}); got no such line",
                channel=channel,
                language=language,
                settings=settings,
            )


def _gdpr_window(incident: Incident, at: datetime, settings: dict[str, str]) -> Iterator[Finding | None]:
    """CK803 while the 72 hours run and the authority has not been notified; CK804 once they are over."""
    deadline = gdpr_deadline(incident)
    if deadline is None:
        return  # no aware_at: CK802 asks for it
    notified = incident.current.facts.get("regulator_notified_at")
    when = notified.value if notified is not None and isinstance(notified.value, datetime) else None
    where = notified.origin if when is not None and notified is not None and notified.origin else None
    where = where or _key_origin(incident, "aware_at")
    if when is not None and when <= at:
        late = when - deadline
        reason = incident.current.facts.get("notification_delay_reason")
        if late.total_seconds() > 0 and (reason is None or reason.value is None):
            yield finding(
                "CK804",
                where,
                f"expected the supervisory authority notified by {deadline.isoformat()} (72 h after becoming aware "
                f"at {incident.aware_at.isoformat() if incident.aware_at else ''}); got {when.isoformat()}, "
                f"{_hours(late)} late, with no reasons (fact notification_delay_reason)",
                channel="notice_gdpr_authority",
                settings=settings,
            )
        return
    left = deadline - at
    if left.total_seconds() > 0:
        yield finding(
            "CK803",
            where,
            f"expected the supervisory authority notified by {deadline.isoformat()}; got no notification yet "
            f"(fact regulator_notified_at), {_hours(left)} left at {at.isoformat()}",
            channel="notice_gdpr_authority",
            settings=settings,
        )
    else:
        yield finding(
            "CK804",
            where,
            f"expected the supervisory authority notified by {deadline.isoformat()}; got no notification "
            f"(fact regulator_notified_at) by {at.isoformat()}, {_hours(-left)} overdue",
            channel="notice_gdpr_authority",
            settings=settings,
        )


def _hours(span: timedelta) -> str:
    return f"{span.total_seconds() / 3600:.1f} h"


def _key_origin(incident: Incident, key: str) -> Origin:
    """Where the incident's kit writes the top-level ``key``; its first revision when the key is not there."""
    origin = incident.revisions[0].origin
    for number, line in enumerate(origin.lines, start=1):
        if line.startswith(f"{key}:"):
            return Origin(origin.file, number, len(key) + 3 if len(line) > len(key) + 1 else 1, key)
    return origin
