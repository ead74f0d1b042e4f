"""Channel posts derived from a composed revision, unless the kit overrides them.

Each channel's kind comes from the registry (data/channels.yml). Short
channels (X, Threads, SMS ...) get the headline and the link, then as much
of the acknowledgement and the next-update time as fits the channel's limit;
long social posts add the statement's main sections as they fit; templated
ones (e-mail, press release, letters, memo, script, regulator notice) are
rendered from templates/channels/<name>.txt.j2. Every post links to the
canonical statement page.

Every post of a correcting revision (``corrects: N``) opens with
"Correction: <note>" (localised), overrides and notices included, and a
subject with "Correction: ". In a short or long social post the notice is
one of the parts that must fit (the note's first sentence where the whole
does not), so what the limit rules measure is the post as sent.
"""

from __future__ import annotations

import re
from functools import lru_cache

from jinja2 import PackageLoader, StrictUndefined, Template

from crisiskit.compose.environment import LabelEnvironment
from crisiskit.compose.fill import TextContext
from crisiskit.compose.formatting import format_date, format_time
from crisiskit.compose.labels import labels
from crisiskit.compose.notices import compose_notice
from crisiskit.compose.revision import BODY_SECTIONS, Post, RevisionText, status_label
from crisiskit.counting.measure import measure
from crisiskit.model.channels import channel as registered
from crisiskit.model.incident import Incident, Revision
from crisiskit.model.schedule import offered

_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")
_ENV = LabelEnvironment(
    loader=PackageLoader("crisiskit", "templates/channels"),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


@lru_cache(maxsize=64)
def _template(channel: str) -> Template:
    """A channel's template, loaded once: the package's templates do not change while crisiskit runs, so
    Jinja need not look at the file's time on every post (its ``auto_reload``).

    Its globals are copied from Jinja's chain of mappings into one dict (the same names and values: nothing
    adds globals to this environment): every render copies them into the template's context, and a chain
    of mappings is slow to copy.
    """
    template = _ENV.get_template(f"{channel}.txt.j2")
    template.globals = dict(template.globals)
    return template


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
    correction = _correction(r, t)
    # what the spokespeople must not say (their Q&A's avoid lists), for the templated posts: once, not per channel
    avoid = sorted({a.get(language) for qa in offered(incident.internal_qa, revision) for a in qa.avoid})
    posts: list[Post] = []
    for channel in incident.channels:
        override = revision.channels.get(channel)
        text = context.render(override.text, language) if override and override.text else None
        kind = registered(channel).kind  # data/channels.yml says how each channel's post is made
        if kind == "short":
            posts.append(Post(channel, _corrected(text, correction) if text else _short(channel, r, t, org)))
        elif kind == "long_social":
            posts.append(Post(channel, _corrected(text, correction) if text else _long_social(channel, r, t)))
        elif kind == "notice" and not text:  # a legal notice, from the facts its law requires (data/notices.yml)
            posts.append(_corrected_post(compose_notice(channel, incident, revision, r, context), correction, t))
        else:
            subject = context.render(override.subject, language) if override and override.subject else None
            preheader = context.render(override.preheader, language) if override and override.preheader else None
            body = text or _templated(channel, incident, revision, r, t, context.locale, avoid)
            if channel == "email":
                subject = subject or r.headline
                preheader = preheader or first_sentence(r.acknowledgement)
            elif channel == "partner_letter":
                subject = subject or t["partner_subject"].format(headline=r.headline)
            elif channel == "employee_memo":
                subject = subject or t["memo_subject"].format(headline=r.headline)
            posts.append(_corrected_post(Post(channel, body, subject, preheader), correction, t))
    return posts


def _correction(r: RevisionText, t: dict) -> list[str]:
    """A correcting revision's notice, fullest first ("Correction: <note>", then its first sentence); else none.

    Every post of a correction opens with it, whatever its channel, and a derived short post counts it
    among what must fit (its first sentence if the whole note does not), so the limit rules measure it."""
    if not r.correction:
        return []
    label = f"{t['correction']}{t['colon']}"
    full = label + " ".join(r.correction.split())
    short = label + first_sentence(r.correction)
    return [full, short] if short != full else [full]


def _corrected(text: str, correction: list[str]) -> str:
    """A written post with the correction notice before it, unless the author wrote the note into it."""
    if not correction or any(c in text for c in correction):
        return text
    return f"{correction[0]}\n\n{text}"


def _corrected_post(post: Post, correction: list[str], t: dict) -> Post:
    """A letter, e-mail or notice: the notice opens the body and "Correction: " the subject."""
    if not correction:
        return post
    label = f"{t['correction']}{t['colon']}"
    subject = post.subject if post.subject is None or post.subject.startswith(label) else label + post.subject
    return Post(post.channel, _corrected(post.text, correction), subject, post.preheader)


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
    correction = _correction(r, t)
    if channel == "sms":
        prefix = t["sms_prefix"].format(org=org)
        if correction:  # the sender, then the correction, then the headline
            notice = _fitting(channel, [prefix + c for c in correction], [r.headline, link])
            return _fit(channel, [notice, r.headline], [[first_sentence(r.acknowledgement)]], [link])
        return _fit(channel, [f"{prefix}{r.headline}"], [[first_sentence(r.acknowledgement)]], [link])
    head = f"{r.headline} ({status_label(r)})"
    required = [_fitting(channel, correction, [head, link]), head] if correction else [head]
    return _fit(channel, required, [opening, [update]], [link])


def _long_social(channel: str, r: RevisionText, t: dict) -> str:
    update = f"{t['next_update']}{t['colon']}{r.next_update_at}" if r.next_update_at else ""
    body = [
        [r.acknowledgement or ""],
        *([r.sections.get(k, "")] for k in ("what_happened", "actions", "remedy")),
        [update],
    ]
    link = f"{t['read_more']}{r.statement_url}"
    correction = _correction(r, t)
    required = [_fitting(channel, correction, [r.headline, link]), r.headline] if correction else [r.headline]
    return _fit(channel, required, body, [link])


def _fitting(channel: str, alternatives: list[str], rest: list[str]) -> str:
    """The first (fullest) alternative that fits the limit with ``rest``; else the last, which must be said anyway
    (the post is then over its limit, and the limit rules say so)."""
    for part in alternatives:
        if measure(channel, "\n\n".join([part, *rest])).fits:
            return part
    return alternatives[-1]


def _templated(
    channel: str, incident: Incident, revision: Revision, r: RevisionText, t: dict, locale: str, avoid: list[str]
) -> str:
    """A templated channel's post; its dateline and times in ``locale``, as in the statement body."""
    language = r.language
    press = incident.contacts.press
    return (
        _template(channel)
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
