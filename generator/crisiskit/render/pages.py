"""Stage 4, render: incidents to pages, for the review tree or a published site.

The same templates serve every audience. The review tree (``content/``)
gets every revision, drafts marked, and the internal pages; a public site
is rendered again with only the revisions that are approved and due, so a
draft can never sit inside a public page. Templates hold no logic beyond
loops: everything they show is formatted here first.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from json.encoder import encode_basestring
from pathlib import PurePosixPath
from typing import Literal

from jinja2 import PackageLoader, Template

from crisiskit.compose.composed import ComposedIncident
from crisiskit.compose.revision import RevisionText, as_dict
from crisiskit.compose.visibility import canary
from crisiskit.counting.measure import measure
from crisiskit.model.channels import channel as registered
from crisiskit.model.incident import Incident, Revision
from crisiskit.model.schedule import offered
from crisiskit.render.banners import correction_banners
from crisiskit.render.diff import diff_html
from crisiskit.render.escaping import html_text, labels, page_environment  # labels: marked Trusted
from crisiskit.render.internal import embargo_meta, internal_home, internal_index
from crisiskit.render.jsontext import indented_json
from crisiskit.render.rendered import RenderedPage
from crisiskit.render.status import contact_link, nobreak_words, time_html

Tree = Literal["review", "public", "internal"]
"""Which tree pages are rendered for (a kit's ``audiences`` are the people it addresses: another thing)."""
_ENV = page_environment(PackageLoader("crisiskit", "templates/pages"))  # every value escaped unless Trusted


@lru_cache(maxsize=16)
def _template(name: str) -> Template:
    """A page template, loaded once (the package's templates do not change while crisiskit runs, so Jinja need
    not look at the file's time on every page), its globals in one dict (compose/posts.py says why)."""
    template = _ENV.get_template(name)
    template.globals = dict(template.globals)
    return template


def render_pages(
    composed: list[ComposedIncident], audience: Tree, at: datetime | None = None, *, index: bool = True
) -> list[RenderedPage]:
    """Every page for ``audience``; ``at`` (required for public) decides which revisions are visible.

    Without ``index``, the incidents' own pages only (the index lists every incident: see index_rows).
    """
    pages: list[RenderedPage] = []
    languages = sorted({lang for c in composed for lang in c.incident.languages})
    shown: list[tuple[ComposedIncident, list[Revision]]] = []
    for item in composed:
        revisions = item.visible(at) if audience == "public" else list(item.incident.revisions)  # type: ignore[arg-type]
        if revisions:
            shown.append((item, revisions))
    for item, revisions in shown:
        for lang in item.incident.languages:
            pages.extend(_incident_pages(item, revisions, lang, audience, at))
        if audience != "public":
            pages.append(_kit_json(item))
    for lang in languages if index else []:
        if audience == "internal" and at is not None:  # the internal site's own home and index (render/internal.py)
            pages += [internal_home([c for c, _ in shown], lang, at), internal_index([c for c, _ in shown], lang, at)]
            continue
        pages.append(index_page([row for item, revisions in shown for row in index_rows(item, revisions, lang)], lang))
    return pages


IndexRow = tuple[bool, float, dict[str, str]]
"""One incident's line in the incidents index: (resolved, -time of its latest revision, what the line shows)."""


def _front_matter(values: dict[str, object]) -> str:
    # The theme prints title and description unescaped (<title>, nav, header, <meta content>): write them escaped.
    lines = [
        f"{key}: {_json_value(html_text(value) if key in ('title', 'description') else value)}"
        for key, value in values.items()
        if value is not None
    ]
    return "---\n" + "\n".join(lines) + "\n---\n\n"


def _json_value(value: object) -> str:
    """``json.dumps(value, ensure_ascii=False)``; a text straight through the encoder's own string function."""
    return encode_basestring(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _incident_pages(
    item: ComposedIncident, revisions: list[Revision], lang: str, audience: Tree, at: datetime | None = None
) -> list[RenderedPage]:
    incident, t = item.incident, labels(lang)
    base = PurePosixPath(lang, "incidents", incident.id)
    current = revisions[-1]
    embargo = at if audience == "internal" else None  # the internal site banners what is still embargoed at ``at``
    pages = [_statement_page(item, revisions, current, lang, base / "index.md", False, audience, embargo)]
    pages += [
        _statement_page(item, revisions, rev, lang, base / "revisions" / f"{rev.number}.md", True, audience, embargo)
        for rev in revisions
    ]
    r = item.texts[current.number][lang]
    title = r.title
    entries = [{"question": e.question, "answer": e.answer} for e in r.faq]
    if audience != "public":  # internal entries are never in a revision's public text
        from crisiskit.compose.fill import text_context

        context = text_context(incident, current, lang, r.statement_url)
        entries += [
            {"question": context.render(e.question, lang) or "", "answer": context.render(e.answer, lang) or ""}
            for e in offered(incident.faq, current)  # what the current revision offers (model/schedule.py)
            if e.audience != "public"
        ]
    if entries:
        body = _template("faq.md.j2").render(t=t, title=title, entries=entries)
        faq_title = t["faq"] + t["colon"] + title
        pages.append(
            _page(base / "faq.md", incident, lang, "public", None, faq_title, body, extra={"ck_feed": "../feed"})
        )
    if audience != "public":
        pages.append(_posts_page(item, lang, base / "posts.md"))
        pages.append(_qa_page(item, lang, base / "qa.md"))
    if audience != "review":  # a built site's language switch goes to this page in these languages (overrides/)
        pages = [_with_languages(page, incident.languages) for page in pages]
    return pages


def _with_languages(page: RenderedPage, languages: list[str]) -> RenderedPage:
    """``page`` with ``ck_languages`` (every language its incident, so this page, is in) last in its front matter."""
    head, body = page.text.split("\n---\n\n", 1)  # _front_matter's closing fence: values are one-line JSON
    return RenderedPage(page.path, f"{head}\nck_languages: {json.dumps(list(languages))}\n---\n\n{body}", page.source)


def _page(
    path: PurePosixPath,
    incident: Incident,
    lang: str,
    audience: str,
    revision: Revision | None,
    title: str,
    body: str,
    status: str | None = None,
    extra: dict | None = None,
) -> RenderedPage:
    meta = {
        "title": title,
        "incident": incident.id,
        "language": lang,
        "audience": audience,
        "revision": revision.number if revision else None,
        "ck_approval": status,  # not "status": Material would show its page-status icon in the navigation
        "publish_at": revision.visible_from.isoformat() if revision else None,
        "source": incident.source,
        **(extra or {}),
    }
    if audience == "internal":
        meta["search"] = {"exclude": True}
    return RenderedPage(path, _front_matter(meta) + body, incident.source)


def _statement_page(
    item: ComposedIncident,
    revisions: list[Revision],
    revision: Revision,
    lang: str,
    path: PurePosixPath,
    permalink: bool,
    audience: Tree,
    embargo_at: datetime | None = None,
) -> RenderedPage:
    """The statement in the order a reader asks: status and next update, what happened, what to do, the apology,
    the updates, then the detail. A permalink says which revision it is and whether a later one superseded it."""
    incident, t = item.incident, labels(lang)
    s = t["status_site"]
    r = item.texts[revision.number][lang]
    latest = revisions[-1]
    superseded = revision.number != latest.number
    prefix = "" if permalink else "revisions/"
    timeline = [
        {
            "time": time_html(rev.visible_from.isoformat(), item.texts[rev.number][lang].published_at),
            "status": rev.status,
            "status_label": t["status"][rev.status],
            "headline": item.texts[rev.number][lang].headline,
            "link": f"{prefix}{rev.number}.md",
            "current": rev.number == revision.number,
            "draft": not item.approved[rev.number],
            "approved_by": _approved_by(item, rev, t, audience),
        }
        for rev in reversed(revisions)
    ]
    contacts = [{"label": t[c.kind], "value": c.value, "href": contact_link(c.kind, c.value) or ""} for c in r.contacts]
    draft = not item.approved[revision.number]
    earlier = [rev for rev in revisions if rev.number < revision.number]
    changes = _changes(item.texts[earlier[-1].number][lang], r, t) if earlier else []
    note = None
    if permalink:
        note = s["superseded" if superseded else "current_revision"].format(n=revision.number, current=latest.number)
    next_update = None
    if r.next_update_at and revision.next_update_at and not superseded:
        next_update = time_html(revision.next_update_at.isoformat(), r.next_update_at)
    body = _template("statement.md.j2").render(
        changes=changes,
        compared_with=t["compared_with"].format(n=earlier[-1].number) if earlier else "",
        r=r,
        t=t,
        s=s,
        status={
            "key": revision.status,
            "label": t["status"][revision.status],
            "severity": t["severity"][r.severity],
            "time_label": s["issued"] if permalink else s["last_updated"],
            "time": time_html(revision.visible_from.isoformat(), r.published_at),
            "next_update": next_update,
        },
        timeline=timeline,
        contacts=contacts,
        top={k: r.sections.get(k) for k in ("what_happened", "help", "remedy", "apology")},
        details=[
            {"heading": s["next_update_then"] if k == "next_update" and superseded else t["sections"][k], "text": v}
            for k, v in r.sections.items()
            if k not in ("what_happened", "help", "remedy", "apology")
        ],
        signature=r.signature,
        org=r.organization,
        permalink=note,
        superseded=superseded,
        faq_link=("../faq.md" if permalink else "faq.md") if r.faq else None,
        canary=canary(incident.id, "draft", revision.number) if draft else None,
        banners=correction_banners(item, revisions, revision, lang, permalink),  # chrome: not approved text
    )
    extra = {
        "ck_status": t["status"][revision.status],
        "ck_status_key": revision.status,
        "ck_severity": t["severity"][r.severity],
        "ck_updated": r.published_at,
        "ck_next_update": r.next_update_at if not superseded else None,
        "ck_feed": "../../feed" if permalink else "feed",
        "description": r.acknowledgement.split("\n")[0] if r.acknowledgement else None,
        **embargo_meta(item, revisions, revision, lang, embargo_at),  # main.html's embargo banner (internal only)
    }
    return _page(
        path, incident, lang, "public", revision, r.headline, body, status="draft" if draft else "approved", extra=extra
    )


def _approved_by(item: ComposedIncident, rev: Revision, t: dict, audience: Tree) -> str:
    """Who approved ``rev``'s text: on the public site only the roles, localised (names are internal)."""
    approvals = [a for a in rev.approvals if a.text_hash == item.hashes[rev.number]]
    if not approvals:
        return ""
    roles = t["status_site"]["roles"]
    if audience != "public":  # the review tree names a role as `crisiskit approve --role` does, a site in its language
        said = {} if audience == "review" else roles
        return t["approved_by"] + t["colon"] + ", ".join(f"{a.name} ({said.get(a.role, a.role)})" for a in approvals)
    named = list(dict.fromkeys(str(roles[a.role]) for a in approvals if a.role in roles))
    return t["status_site"]["approved"] + (t["colon"] + t["sep"].join(named) if named else "")


def _changes(old: RevisionText, new: RevisionText, t: dict) -> list[dict[str, str]]:
    """Each part of the statement that differs from the previous revision, as an inline diff."""
    fields = [
        ("headline", t["changed_fields"]["headline"], old.headline, new.headline),
        (
            "acknowledgement",
            t["changed_fields"]["acknowledgement"],
            old.acknowledgement or "",
            new.acknowledgement or "",
        ),
    ]
    fields += [
        (key, t["sections"][key], old.sections.get(key, ""), new.sections.get(key, ""))
        for key in t["sections"]
        if key in old.sections or key in new.sections
    ]
    return [
        {"heading": heading, "html": diff_html(before, after, t["diff_said"])}
        for _key, heading, before, after in fields
        if before != after
    ]


def _posts_page(item: ComposedIncident, lang: str, path: PurePosixPath) -> RenderedPage:
    incident, t = item.incident, labels(lang)
    revisions = []
    for rev in reversed(incident.revisions):
        r = item.texts[rev.number][lang]
        posts = []
        for post in r.posts:
            length, fits = "", True
            if registered(post.channel).measured:
                m = measure(post.channel, post.text)
                fits = m.fits
                length = f"{t['length']}{t['colon']}{m.count} / {m.limit} ({t['fits'] if fits else t['over_limit']})"
                if post.channel == "sms":
                    length = t["sms_length"].format(
                        units=m.count, encoding=m.encoding, parts=m.parts, max_parts=m.max_parts
                    )
            elif post.channel == "email" and post.subject:
                m = measure("email_subject", post.subject)
                fits = m.fits
                verdict = t["fits"] if fits else t["over_limit"]
                length = f"{t['subject']} {t['length']}{t['colon']}{m.count} / {m.limit} ({verdict})"
            posts.append({**as_dict(post), "label": t["channel_names"][post.channel], "length": length, "fits": fits})
        revisions.append(
            {
                "number": rev.number,
                "headline": r.headline,
                "posts": posts,
                "canary": canary(incident.id, "posts", rev.number),
            }
        )
    body = _template("posts.md.j2").render(t=t, title=incident.title.get(lang), revisions=revisions)
    return _page(path, incident, lang, "internal", None, t["posts_title"] + t["colon"] + incident.title.get(lang), body)


def _qa_page(item: ComposedIncident, lang: str, path: PurePosixPath) -> RenderedPage:
    from crisiskit.compose.fill import text_context

    incident, t = item.incident, labels(lang)
    current = incident.current
    context = text_context(incident, current, lang, item.texts[current.number][lang].statement_url)
    entries = [
        {
            "question": context.render(e.question, lang),
            "answer": context.render(e.answer, lang),
            "bridge": context.render(e.bridge, lang),
            "avoid": [context.render(a, lang) for a in e.avoid],
            "facts": t["sep"].join(f"{name} = {context.facts[name]}" for name in e.facts if name in context.facts),
            "answered_by": e.answered_by or t["anyone"],
        }
        for e in offered(incident.internal_qa, current)
    ]
    replies = [
        {
            "type": t["review_type"][r.type],
            "review": context.render(r.review, lang),
            "public_reply": context.render(r.public_reply, lang),
            "private_followup": context.render(r.private_followup, lang),
        }
        for r in offered(incident.review_replies, current)
    ]
    body = _template("qa.md.j2").render(
        t=t,
        title=incident.title.get(lang),
        entries=entries,
        replies=replies,
        key_messages=item.texts[current.number][lang].key_messages,
        canary=canary(incident.id, "qa"),
    )
    return _page(path, incident, lang, "internal", None, t["qa_title"] + t["colon"] + incident.title.get(lang), body)


def _kit_json(item: ComposedIncident) -> RenderedPage:
    incident = item.incident
    data = {
        "incident": incident.id,
        "severity": incident.severity,
        "crisis_type": incident.crisis_type,
        "languages": incident.languages,
        "canary": canary(incident.id, "kit-json"),
        "revisions": [
            {
                "revision": rev.number,
                "status": rev.status,
                "issued_at": rev.issued_at.isoformat(),
                "publish_at": rev.visible_from.isoformat(),
                "approved": item.approved[rev.number],
                "text_hash": item.hashes[rev.number],
                **item.snapshot(rev),
                "approved_texts": {
                    digest: text
                    for digest, text in item.approved_texts(rev).items()
                    if digest != item.hashes[rev.number]
                },
            }
            for rev in incident.revisions
        ],
    }
    return RenderedPage(
        PurePosixPath("incidents", incident.id, "kit.json"),
        indented_json(data) + "\n",
        incident.source,
    )


def index_rows(item: ComposedIncident, revisions: list[Revision], lang: str) -> list[IndexRow]:
    """The incident's line in ``lang``'s incidents index (none if it is not published in that language).

    Plain data, so a run that did not compose the incident again (its inputs unchanged) can keep it.
    """
    if lang not in item.incident.languages:
        return []
    t = labels(lang)
    latest = revisions[-1]
    text = item.texts[latest.number][lang]
    return [
        (
            latest.status == "resolved",
            -latest.visible_from.timestamp(),
            {
                "title": text.title,
                "link": f"{item.incident.id}/index.md",
                "status": t["status"][latest.status],
                "severity": t["severity"][text.severity],
                "updated": text.published_at,
                "id": item.incident.id,
                "revision": str(latest.number),
                "status_key": latest.status,
                "updated_iso": latest.visible_from.isoformat(),
                "next_update": text.next_update_at or "",
                "next_update_iso": latest.next_update_at.isoformat() if latest.next_update_at else "",
                "url": text.statement_url,
                "organization": text.organization,
            },
        )
    ]


def index_page(rows: list[IndexRow], lang: str) -> RenderedPage:
    """``lang``'s incidents index: open incidents first, newest first."""
    t = labels(lang)
    rows = sorted(rows, key=lambda row: (row[0], row[1], row[2]["title"]))
    shown = [
        (
            done,
            {
                **row,
                "title_html": nobreak_words(row["title"]),
                "updated_html": time_html(row["updated_iso"], row["updated"]),
            },
        )
        for done, _, row in rows
    ]
    groups = [
        {"heading": heading, "rows": [row for done, row in shown if done == resolved]}
        for heading, resolved in ((t["open_incidents"], False), (t["closed_incidents"], True))
    ]
    body = _template("incidents.md.j2").render(t=t, s=t["status_site"], groups=[g for g in groups if g["rows"]])
    front = _front_matter({"title": t["incidents"], "language": lang, "audience": "public"})
    return RenderedPage(PurePosixPath(lang, "incidents", "index.md"), front + body, "kits/")
