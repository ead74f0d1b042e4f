"""Channel limits (CK101, CK103; SMS parts: encoding.py) and the statement link every post carries (CK202)."""

from __future__ import annotations

from collections.abc import Iterator

from crisiskit.checks.findings import Finding, finding
from crisiskit.checks.sources import post_origin
from crisiskit.compose.composed import ComposedIncident
from crisiskit.counting.measure import load_channels, measure


def limit_findings(item: ComposedIncident, settings: dict[str, str]) -> Iterator[Finding | None]:
    """Every post of every revision and language, measured against its channel."""
    measured = load_channels()
    for revision in item.incident.revisions:
        for language, composed in item.texts[revision.number].items():
            for post in composed.posts:
                where = post_origin(revision, post.channel)
                m = measure(post.channel, post.text) if post.channel in measured else None
                if m is not None and not m.fits and m.parts is None:  # SMS parts: checks/encoding.py (CK102)
                    yield finding(
                        "CK101",
                        where,
                        f"expected at most {m.limit} ({m.unit}) on {post.channel}; "
                        f"got {m.count} in revision {revision.number}",
                        channel=post.channel,
                        language=language,
                        settings=settings,
                    )
                if post.channel == "email" and post.subject:
                    m = measure("email_subject", post.subject)
                    override = revision.channels.get("email")
                    headline = revision.statement.headline  # always there after resolve; typed optional
                    subject_where = (
                        override.subject.origin
                        if override and override.subject
                        else headline.origin
                        if headline
                        else where
                    )
                    derived = not (override and override.subject)  # the subject is the headline, as written
                    if not m.fits:
                        yield finding(
                            "CK103",
                            subject_where,
                            f"expected a subject of at most {m.limit} characters; "
                            f"got {m.count}"
                            + (
                                " in the subject derived from this headline: shorten "
                                "the headline or write channels: {email: {subject: ...}}"
                                if derived
                                else ""
                            ),
                            channel="email",
                            language=language,
                            settings=settings,
                        )
                if composed.statement_url not in post.text:
                    yield finding(
                        "CK202",
                        where,
                        f"expected a link to {composed.statement_url} in the "
                        f"{post.channel} post of revision {revision.number}; got none",
                        channel=post.channel,
                        language=language,
                        settings=settings,
                    )
