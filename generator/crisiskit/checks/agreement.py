"""Channels of one revision agree (CK205): every post states the revision's status and next-update time.

Derived posts take both from the revision, so they always agree; a
channel override written by hand can drift (an SMS still saying
"Investigating" after the statement moved to "Resolved", or promising an
update at another time). Those are the contradictions readers screenshot.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import regex

from crisiskit.checks.findings import Finding, finding
from crisiskit.checks.sources import post_origin
from crisiskit.compose.composed import ComposedIncident
from crisiskit.compose.labels import labels


@cache
def _promise(next_update: str) -> regex.Pattern[str]:
    """A next-update promise in a post ("Next update: ..."), compiled once per label."""
    return regex.compile(regex.escape(next_update) + r"\s*[:：]?\s*(?P<when>[^\n。.]*)")


@cache
def _named(label: str) -> regex.Pattern[str]:
    """A status label as a word of its own, compiled once per label."""
    return regex.compile(rf"(?<!\w){regex.escape(label)}(?!\w)")


def agreement_findings(item: ComposedIncident, settings: dict[str, str]) -> Iterator[Finding | None]:
    """A post that names another status, or a next update other than the revision's."""
    for revision in item.incident.revisions:
        for language, composed in item.texts[revision.number].items():
            t = labels(language)
            others = {key: label for key, label in t["status"].items() if key != revision.status}
            promise = _promise(t["next_update"])
            for post in composed.posts:
                where = post_origin(revision, post.channel)
                for _key, label in sorted(others.items()):
                    hit = label in post.text and _named(label).search(post.text)  # the label itself first: quick
                    if hit:
                        yield finding(
                            "CK205",
                            where,
                            f"expected the status of revision {revision.number} "
                            f'("{t["status"][revision.status]}"); got "{label}" in the {post.channel} post',
                            channel=post.channel,
                            language=language,
                            token=label,
                            settings=settings,
                        )
                for said in promise.finditer(post.text):
                    when = said.group("when").strip()
                    if not composed.next_update_at:
                        expected = f"no next-update promise (revision {revision.number} gives none)"
                    elif when and composed.next_update_at not in when:
                        expected = f'the next update of revision {revision.number} ("{composed.next_update_at}")'
                    else:
                        continue
                    yield finding(
                        "CK205",
                        where,
                        f'expected {expected}; got "{when}" in the {post.channel} post',
                        channel=post.channel,
                        language=language,
                        token=said.group(0).strip(),
                        settings=settings,
                    )
