"""Markup in kit text (CK701): what the renderer would escape, reported where the author wrote it.

The scanner is ``crisiskit.render.markup.problems``, the same one the renderer
escapes with, so the check reports exactly what pages would show as typed.
Every kit text a page can show is read: titles, names, statement sections,
FAQ, remedies, Q&A, text facts and approvers' names. Channel posts and
review replies are plain text on their channels (and shown in a code block
on the internal posts page), so Markdown means nothing there: they are left
to the channel rules.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from functools import lru_cache

from crisiskit.checks.findings import Finding, finding
from crisiskit.model.incident import Incident
from crisiskit.model.origin import Origin, walked_texts
from crisiskit.model.schema.types import Text, describe
from crisiskit.render.markup import Problem, problems, safe_url

_PLAIN_TEXT_KEYS = {"channels", "public_reply", "private_followup"}
_FACT_REFERENCE = re.compile(r"\{\{\s*facts\.(\w+)\s*\}\}")
_EXPECTED = "expected plain text or the Markdown subset (emphasis, lists, links to https:, mailto:, tel:); got"


def markup_findings(incident: Incident, settings: dict[str, str]) -> Iterator[Finding | None]:
    """CK701 for every construct outside the subset in every text a page shows, at its line and column."""
    link_ok = _link_judge(incident)
    for path, text in walked_texts(incident):
        if text.origin is None or _plain_text(path):
            continue
        for language in sorted(text.languages() or [""]):  # "": one string for every language
            source = text.raw if isinstance(text.raw, str) else text.raw[language]
            for problem in problems(source, link_ok):
                yield _finding(text.origin, language or None, source, problem, settings)
    for revision in incident.revisions:
        for index, approval in enumerate(revision.approvals):
            where = dataclasses.replace(revision.origin, path=f"{revision.origin.path}.approvals[{index}].name")
            for problem in problems(approval.name):
                yield _finding(where, None, approval.name, problem, settings)


@lru_cache(maxsize=4096)
def _plain_text(path: tuple) -> bool:
    """Whether a text at key path ``path`` is plain text (a post, a review reply), never Markdown: remembered, since
    every incident has texts at the same few hundred paths."""
    return bool(_PLAIN_TEXT_KEYS.intersection(str(part) for part in path))


def _finding(
    origin: Origin, language: str | None, source: str, problem: Problem, settings: dict[str, str]
) -> Finding | None:
    found = finding(
        "CK701", origin, f"{_EXPECTED} {problem.what} {describe(problem.snippet)}", language=language, settings=settings
    )
    position = _position(origin, language, source, problem)
    return dataclasses.replace(found, line=position[0], column=position[1]) if found and position else found


def _position(origin: Origin, language: str | None, source: str, problem: Problem) -> tuple[int, int] | None:
    """The file line and column of ``problem``: the n-th occurrence of its first line after where the text starts.

    Counting occurrences (not taking the first) keeps two identical snippets in one text apart; a text
    written with YAML escapes may not contain the snippet literally, and then the text's own start is used.
    """
    token = problem.snippet.split("\n")[0]
    if not token or not origin.lines:
        return None
    wanted = source.count(token, 0, problem.offset)
    line = origin.starts.get(language or "", origin.line)
    column = origin.column - 1 if not origin.starts else 0
    key = f"{language}:" if language else ""
    if key and key in origin.lines[line - 1]:
        column = origin.lines[line - 1].index(key) + len(key)
    while line <= len(origin.lines):
        at = origin.lines[line - 1].find(token, column)
        if at < 0:
            line, column = line + 1, 0
            continue
        if wanted == 0:
            return line, at + 1
        wanted, column = wanted - 1, at + len(token)
    return None


def _link_judge(incident: Incident):
    """Whether a link whose address is a reference will link to a safe address once filled in."""

    def link_ok(reference: str) -> bool:
        if reference.replace(" ", "") == "{{statement_url}}":
            return True
        name = _FACT_REFERENCE.fullmatch(reference)
        values = [r.facts[name.group(1)].value for r in incident.revisions if name and name.group(1) in r.facts]
        texts = [v.get(lang) for v in values if isinstance(v, Text) for lang in incident.languages]
        plain = [v for v in values if not isinstance(v, Text)] + texts
        return bool(plain) and all(isinstance(v, str) and safe_url(v) for v in plain)

    return link_ok
