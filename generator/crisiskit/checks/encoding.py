"""SMS encoding and parts (CK104, CK102), on every channel the registry counts in SMS units.

One character outside the GSM-7 alphabet turns a whole SMS into UCS-2: a
curly apostrophe pasted from a word processor turns a one-part alert into
three parts, which cost more, may arrive out of order and hit the parts
limit sooner. The check names every such character at the place it was
written (the line and column in the kit: of the channel override, or of the
statement section, organisation name or fact a derived post took it from)
and the GSM-7 character to write instead. A text with characters that have
no GSM-7 form (Chinese, emoji) is UCS-2 by design and only its parts are
counted, against the channel's max_parts or the project's
``limits: {sms_parts: {channel: N}}``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from crisiskit.checks.findings import Finding, finding
from crisiskit.checks.sources import post_origin
from crisiskit.compose.composed import ComposedIncident
from crisiskit.counting.measure import measure
from crisiskit.counting.sms import gsm7_replacement, is_gsm7, sms_length
from crisiskit.model.channels import registry
from crisiskit.model.incident import Incident, Revision
from crisiskit.model.origin import Origin, walk_texts
from crisiskit.model.schema.types import Text

_CONTEXT = 12
"""Characters on each side of an offending character that must match the post, to tell which text it came from."""


def encoding_findings(item: ComposedIncident, settings: dict[str, str]) -> Iterator[Finding | None]:
    """CK102 for every SMS over its parts limit; CK104 for every character that alone makes an SMS UCS-2."""
    channels = [name for name, spec in registry().items() if spec.unit == "sms"]
    for revision in item.incident.revisions:
        for language, composed in item.texts[revision.number].items():
            for post in composed.posts:
                if post.channel not in channels:
                    continue
                where = post_origin(revision, post.channel)
                m = measure(post.channel, post.text, item.config.sms_parts.get(post.channel))
                if not m.fits:
                    yield finding(
                        "CK102",
                        where,
                        f"expected at most {m.max_parts} SMS part(s); got {m.parts} "
                        f"({m.count} {m.encoding} units) in revision {revision.number}",
                        channel=post.channel,
                        language=language,
                        settings=settings,
                    )
                offending = {ch: gsm7_replacement(ch) for ch in post.text if not is_gsm7(ch)}
                if not offending or None in offending.values():
                    continue  # GSM-7 already, or UCS-2 by design (a script GSM-7 does not have)
                fixed = sms_length("".join(offending.get(ch) or "" if ch in offending else ch for ch in post.text))
                cost = (
                    f"the whole SMS is UCS-2: {m.parts} part(s) of {m.count} UCS-2 units instead of "
                    f"{fixed.parts} GSM-7 part(s)"
                )
                for ch, place in _places(item.incident, revision, post.channel, post.text, language, set(offending)):
                    fix = f'write "{offending[ch]}" instead' if offending[ch] else "delete it"
                    yield finding(
                        "CK104",
                        place,
                        f"expected GSM-7 characters only in the {post.channel} post of "
                        f"revision {revision.number}; got {_name(ch)}: {fix}; with it {cost}",
                        channel=post.channel,
                        language=language,
                        settings=settings,
                    )


def _name(ch: str) -> str:
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'character')} ({ch!r})"


def _sources(incident: Incident, revision: Revision, channel: str) -> list[Text]:
    """The kit texts a post's words may come from: its override, or the sections a derived post is made of."""
    override = revision.channels.get(channel)
    own = (
        [override.text]
        if override and override.text
        else [revision.statement.headline, revision.statement.acknowledgement, incident.organization.name]
    )
    own = [*own, revision.correction]  # a correction's every post opens with its note (compose/posts.py)
    return [text for text in own if text is not None] + [text for _, text in walk_texts(revision.facts)]


def _places(
    incident: Incident, revision: Revision, channel: str, post: str, language: str, chars: set[str]
) -> Iterator[tuple[str, Origin]]:
    """Each offending character with where it was written; one not found in a kit text at the post's origin."""
    unplaced = set(chars)
    for text in _sources(incident, revision, channel):
        if text.origin is None:
            continue
        try:
            raw = text.get(language)
        except KeyError:
            continue
        for index, ch in enumerate(raw):
            if ch in chars and _context(raw, index) in post:
                unplaced.discard(ch)
                yield ch, _nth(text.origin, language, ch, raw[:index].count(ch))
    where = post_origin(revision, channel)
    for ch in sorted(unplaced):
        yield ch, where


def _context(raw: str, index: int) -> str:
    """The character at ``index`` with its neighbours, up to a {{ }} placeholder (rendered differently)."""
    left = raw[max(0, index - _CONTEXT) : index].rsplit("}}", 1)[-1]
    right = raw[index + 1 : index + 1 + _CONTEXT].split("{{", 1)[0]
    return left + raw[index] + right


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _nth(origin: Origin, language: str, ch: str, n: int) -> Origin:
    """Where the ``n``-th ``ch`` (from 0) of the text's ``language`` version is in the kit file.

    Searched in the file's lines from the text's first line, up to the first line indented no deeper than
    that one (where the YAML value ends); the text's own start when the character is not there as typed
    (written as an escape such as "\\u2019").
    """
    path = f"{origin.path}.{language}" if language in origin.starts else origin.path
    start = origin.starts.get(language, origin.line)
    if not origin.lines or start > len(origin.lines):
        return origin
    depth, seen = _indent(origin.lines[start - 1]), 0
    for number in range(start, len(origin.lines) + 1):
        line = origin.lines[number - 1]
        if number > start and line.strip() and _indent(line) <= depth:
            break
        column = line.find(ch, origin.column - 1 if number == origin.line and language not in origin.starts else 0)
        while column >= 0:
            if seen == n:
                return Origin(origin.file, number, column + 1, path)
            seen += 1
            column = line.find(ch, column + 1)
    return Origin(origin.file, *origin.locate(None, language))
