"""Channel posts derived from a composed revision, unless the kit overrides them.

Each channel's kind comes from the registry (data/channels.yml). Short
channels (X, Threads, SMS ...) get the headline and the link, then as much
of the acknowledgement and the next-update time as fits the channel's limit;
long social posts add the statement's main sections as they fit; templated
ones (e-mail, press release, letters, memo, script, regulator notice) are
rendered from templates/channels/<name>.txt.j2. Every post links to the
canonical statement page.
"""

from __future__ import annotations

import re

from jinja2 import Environment, PackageLoader, StrictUndefined

from crisiskit.compose.fill import TextContext
from crisiskit.compose.formatting import format_date, format_time
from crisiskit.compose.labels import labels
from crisiskit.compose.revision import BODY_SECTIONS, Post, RevisionText, status_label
from crisiskit.counting.measure import measure
from crisiskit.model.channels import channel as registered
from crisiskit.model.incident import Incident, Revision

_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")
_ENV = Environment(
    loader=PackageLoader("crisiskit", "templates/channels"),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


def first_sentence(text: str | None) -> str:
    """The first sentence of ``text`` (Latin or CJK punctuation)."""
    if not text:
        return ""
    return _SENTENCE_END.split(text.strip(), maxsplit=1)[0].strip()


def compose_posts(incident: Incident, revision: Revision, r: RevisionText, context: TextContext) -> list[Post]:
    """Every channel's post for this revision and language, in the incident's channel order."""
    language = r.language
    t = labels(language)
    org = incident.organization.name.get(language)
    posts: list[Post] = []
    for channel in incident.channels:
        override = revision.channels.get(channel)
        text = context.render(override.text, language) if override and override.text else None
        kind = registered(channel).kind  # data/channels.yml says how each channel's post is made
        if kind == "short":
            posts.append(Post(channel, text or _short(channel, r, t, org)))
        elif kind == "long_social":
            posts.append(Post(channel, text or _long_social(channel, r, t)))
        else:
            subject = context.render(override.subject, language) if override and override.subject else None
            preheader = context.render(override.preheader, language) if override and override.preheader else None
            body = text or _templated(channel, incident, revision, r, t, context.locale)
            if channel == "email":
                subject = subject or r.headline
                preheader = preheader or first_sentence(r.acknowledgement)
            elif channel == "partner_letter":
                subject = subject or t["partner_subject"].format(headline=r.headline)
            elif channel == "employee_memo":
                subject = subject or t["memo_subject"].format(headline=r.headline)
            posts.append(Post(channel, body, subject, preheader))
    return posts


def _fit(channel: str, required: list[str], optional: list[list[str]], tail: list[str]) -> str:
    """Join parts, adding from each optional group the first (fullest) alternative that still fits the limit."""
    chosen = list(required)
    for alternatives in optional:
        for part in alternatives:
            if part and measure(channel, "\n\n".join([*chosen, part, *tail])).fits:
                chosen.append(part)
                break
    return "\n\n".join([*chosen, *tail])


def _short(channel: str, r: RevisionText, t: dict, org: str) -> str:
    update = f"{t['next_update']}{t['colon']}{r.next_update_at}" if r.next_update_at else ""
    link = f"{t['read_more']}{r.statement_url}"
    opening = [r.acknowledgement or "", first_sentence(r.acknowledgement)]
    if channel == "sms":
        head = f"{t['sms_prefix'].format(org=org)}{r.headline}"
        return _fit(channel, [head], [[first_sentence(r.acknowledgement)]], [link])
    head = f"{r.headline} ({status_label(r)})"
    return _fit(channel, [head], [opening, [update]], [link])


def _long_social(channel: str, r: RevisionText, t: dict) -> str:
    update = f"{t['next_update']}{t['colon']}{r.next_update_at}" if r.next_update_at else ""
    body = [
        [r.acknowledgement or ""],
        *([r.sections.get(k, "")] for k in ("what_happened", "actions", "remedy")),
        [update],
    ]
    return _fit(channel, [r.headline], body, [f"{t['read_more']}{r.statement_url}"])


def _templated(channel: str, incident: Incident, revision: Revision, r: RevisionText, t: dict, locale: str) -> str:
    """A templated channel's post; its dateline and times in ``locale``, as in the statement body."""
    language = r.language
    press = incident.contacts.press
    avoid = sorted({a.get(language) for qa in incident.internal_qa for a in qa.avoid})
    return (
        _ENV.get_template(f"{channel}.txt.j2")
        .render(
            r=r,
            t=t,
            s={key: r.sections.get(key) for key in BODY_SECTIONS},
            org=incident.organization.name.get(language),
            boilerplate=incident.organization.boilerplate.get(language),
            website=incident.organization.website,
            signatory=incident.signatory.name.get(language),
            signatory_title=incident.signatory.title.get(language),
            spokesperson=incident.spokesperson.name.get(language),
            spokesperson_title=incident.spokesperson.title.get(language),
            hotline=incident.contacts.hotline,
            support_email=incident.contacts.email,
            privacy=incident.contacts.privacy,
            press_name=press.name.get(language) if press else None,
            press_email=press.email if press else None,
            press_phone=press.phone if press else None,
            dateline=format_date(revision.issued_at, locale),
            city=incident.organization.city.get(language) if incident.organization.city else None,
            aware_at=format_time(incident.aware_at, locale) if incident.aware_at else None,
            avoid=avoid,
        )
        .strip()
    )
