"""Stage 4, render: the internal site's own pages, a workplace for spokespeople.

The internal site replaces the public home with a home of its own (``<lang>/index.md``): every
open incident with its statement, Q&A and channel posts; every revision waiting for approval,
with the roles it waits for and the ``crisiskit approve ... --pending`` command that records them
(compose/approval_state.py decides); and every embargoed revision with the moment it goes public.
The incidents index lists every incident with its Q&A and channel posts. An incident is open
until its latest revision says resolved *and* the public may see it: an approved "resolved" under
embargo leaves the incident open, because the public still reads the revision before it.

Times are rendered here in the zone of the revision that set them, with their UTC offset, inside
``<time datetime>`` (the time script shows them in the reader's zone); ``at`` (the build's time)
decides what is embargoed, so these pages are made by a build only, never for the review tree.
Nothing here reaches the public site: render_pages adds these pages for the internal tree only.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from jinja2 import PackageLoader

from crisiskit.compose.approval_state import approval_state
from crisiskit.compose.composed import ComposedIncident
from crisiskit.compose.formatting import format_time, locale_of
from crisiskit.model.incident import Revision
from crisiskit.render.escaping import html_text, labels, page_environment
from crisiskit.render.markup import Trusted
from crisiskit.render.rendered import RenderedPage
from crisiskit.render.status import time_html

NAV_OPEN_INCIDENTS = 20
"""At most this many open incidents in the internal navigation (newest first); the index lists them all."""
_ENV = page_environment(PackageLoader("crisiskit", "templates/pages"))


def is_open(item: ComposedIncident, at: datetime) -> bool:
    """Open until its latest revision says resolved and the public may see that revision."""
    current = item.incident.current
    visible = item.visible(at)
    return current.status != "resolved" or not visible or visible[-1].number != current.number


def embargoed(revision: Revision, at: datetime) -> bool:
    """The revision has a ``publish_at`` still to come at ``at``."""
    return revision.publish_at is not None and revision.publish_at > at


def waiting_roles(item: ComposedIncident, revision: Revision) -> tuple[str, ...]:
    """The roles whose approval of the revision's current text is missing or stale."""
    state = approval_state(item.incident, revision, item.hashes[revision.number], item.config)
    return state.stale + state.missing


def _newest_first(composed: list[ComposedIncident], language: str) -> list[ComposedIncident]:
    mine = [c for c in composed if language in c.incident.languages]
    return sorted(mine, key=lambda c: (-c.incident.current.issued_at.timestamp(), c.incident.id))


def nav_incidents(composed: list[ComposedIncident], language: str, at: datetime) -> list[tuple[str, str]]:
    """(title as the theme prints it, escaped; incident id) of the newest NAV_OPEN_INCIDENTS open incidents."""
    chosen = [c for c in _newest_first(composed, language) if is_open(c, at)][:NAV_OPEN_INCIDENTS]
    return [(html_text(c.incident.title.get(language)), c.incident.id) for c in chosen]


def goes_public(item: ComposedIncident, revision: Revision, language: str) -> Trusted:
    """When ``revision`` goes public, in its own zone with the offset, as ``<time datetime>``."""
    shown = format_time(revision.visible_from, locale_of(item.incident, language))
    return time_html(revision.visible_from.isoformat(), shown)


def embargo_meta(
    item: ComposedIncident, revisions: list[Revision], revision: Revision, language: str, at: datetime | None
) -> dict[str, str]:
    """Front matter for the embargo banner main.html puts above an embargoed revision (empty when it is not one).

    Plain text (main.html escapes it): our labels and times, never kit text.
    """
    if at is None or not embargoed(revision, at):
        return {}
    w = labels(language)["internal_site"]
    public = [r for r in item.visible(at) if r.number < revision.number]
    roles = waiting_roles(item, revision)
    meta = {
        "ck_embargo": str(w["embargo_banner"].format(n=revision.number)),
        "ck_embargo_at": revision.visible_from.isoformat(),
        "ck_embargo_shown": format_time(revision.visible_from, locale_of(item.incident, language)),
        "ck_embargo_then": str(
            w["embargo_public"].format(current=public[-1].number) if public else w["embargo_nothing_public"]
        ),
    }
    if roles:
        meta["ck_embargo_waits"] = str(w["embargo_waits"].format(roles=", ".join(roles)))
    return meta


def _links(item: ComposedIncident, language: str, prefix: str) -> dict[str, str]:
    base = f"{prefix}{item.incident.id}/"
    return {"statement": base + "index.md", "qa": base + "qa.md", "posts": base + "posts.md"}


def _state(item: ComposedIncident, language: str, at: datetime) -> dict[str, Any]:
    t = labels(language)
    w = t["internal_site"]
    current = item.incident.current
    visible = item.visible(at)
    public = w["public_none"]
    if visible:
        public = w["public_now"].format(n=visible[-1].number, status=t["status"][visible[-1].status])
    latest = w["latest"].format(n=current.number, status=t["status"][current.status])
    return {
        "title": item.incident.title.get(language),
        "id": item.incident.id,
        "severity": t["severity"][item.incident.severity],
        "public": public,
        "latest": latest if not visible or visible[-1].number != current.number else "",
    }


def internal_home(composed: list[ComposedIncident], language: str, at: datetime) -> RenderedPage:
    """``language``'s internal home: open incidents, revisions waiting for approval, embargoed revisions."""
    t = labels(language)
    w = t["internal_site"]
    ordered = _newest_first(composed, language)
    incidents = [{**_state(c, language, at), **_links(c, language, "incidents/")} for c in ordered if is_open(c, at)]
    pending = []
    embargoes = []
    for item in ordered:
        title = item.incident.title.get(language)
        for revision in item.incident.revisions:
            link = f"incidents/{item.incident.id}/revisions/{revision.number}.md"
            headline = item.texts[revision.number][language].headline
            roles = waiting_roles(item, revision)
            if roles:
                pending.append(
                    {
                        "title": title,
                        "link": link,
                        "headline": headline,
                        "text": w["pending_item"].format(n=revision.number, roles=", ".join(roles)),
                        "commands": [
                            f"crisiskit approve {item.incident.source} --pending --role {role} --by NAME"
                            for role in roles
                        ],
                    }
                )
            if embargoed(revision, at):
                embargoes.append(
                    {
                        "title": title,
                        "link": link,
                        "headline": headline,
                        "text": w["embargo_item"].format(n=revision.number),
                        "time": goes_public(item, revision, language),
                        "order": revision.visible_from.timestamp(),
                    }
                )
    embargoes.sort(key=lambda e: (e["order"], e["title"]))
    body = _ENV.get_template("internal_home.md.j2").render(
        t=t, w=w, incidents=incidents, pending=pending, embargoes=embargoes
    )
    front = _front({"title": w["home_title"], "language": language, "audience": "internal"})
    return RenderedPage(PurePosixPath(language, "index.md"), front + body, "kits/")


def internal_index(composed: list[ComposedIncident], language: str, at: datetime) -> RenderedPage:
    """``language``'s internal incidents index: every incident, open first, with its Q&A and channel posts."""
    t = labels(language)
    w = t["internal_site"]
    ordered = _newest_first(composed, language)
    groups = [
        {
            "heading": heading,
            "rows": [{**_state(c, language, at), **_links(c, language, "")} for c in ordered if is_open(c, at) == want],
        }
        for heading, want in ((t["open_incidents"], True), (t["closed_incidents"], False))
    ]
    body = _ENV.get_template("internal_incidents.md.j2").render(t=t, w=w, groups=[g for g in groups if g["rows"]])
    front = _front({"title": w["index_title"], "language": language, "audience": "internal"})
    return RenderedPage(PurePosixPath(language, "incidents", "index.md"), front + body, "kits/")


def _front(values: dict[str, str]) -> str:
    lines = [
        f"{key}: {json.dumps(html_text(value) if key == 'title' else value, ensure_ascii=False)}"
        for key, value in values.items()
    ]
    return "---\n" + "\n".join(lines) + "\n---\n\n"
