"""What a revision published: the record of approved texts, verified against the approvals in the kit.

The review tree's ``content/incidents/<id>/kit.json`` (generated and committed) keeps every revision's
composed text in every language and channel under the hash an approval covers (``revision_hash``),
and the texts older approvals covered (``approved_texts``). For a revision every required role
approved, that entry is the record of what it published: ``compose_incident`` reads the revision's
texts from it instead of composing them again from today's kit, so a later change to shared data
(a hotline, the boilerplate, the signatory, a scenario, crisiskit.yml, crisiskit's own wording) applies
from the next revision on and never rewrites a published permalink, feed entry or post.

The record cannot approve itself: an entry is used only when its text hashes to the hash it is
filed under, and only for a hash the kit's approvals name. An entry edited by hand is reported with
its position in kit.json and never used.

What changed since a revision was recorded is told apart here too: its own text (what its entry in
``updates:`` says: headline, statement, status, times, channel texts, and the facts they quote) is a
correction's business and makes the approvals stale; everything else is shared data and waits for
the next revision.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, fields
from typing import Any

from crisiskit.compose.revision import Contact, FaqText, Post, RemedyText, RevisionText
from crisiskit.errors import Problem
from crisiskit.model.incident import Incident, Revision

Snapshot = dict[str, dict]
"""What a revision says, as kit.json keeps it: {"languages": language -> RevisionText as a dict, "facts": ...}."""

_NESTED: dict[str, type] = {"remedies": RemedyText, "contacts": Contact, "faq": FaqText, "posts": Post}


@dataclass(frozen=True)
class Record:
    """The approved texts kit.json keeps for one incident, by hash, and the entries that failed verification."""

    texts: dict[str, Snapshot]
    problems: tuple[Problem, ...] = ()


def snapshot_hash(languages: Any) -> str | None:
    """The hash ``revision_hash`` gives the texts ``languages`` holds (None when they cannot be texts).

    The same canonical form as ``compose.revision.revision_hash`` (tests/test_frozen.py proves they agree),
    computed on the recorded data itself: the proof covers exactly what is stored, with nothing dropped
    or defaulted on the way.
    """
    if not isinstance(languages, dict) or not languages or not all(isinstance(v, dict) for v in languages.values()):
        return None
    try:
        ordered = sorted(languages.values(), key=lambda text: str(text.get("language", "")))
        canonical = json.dumps(ordered, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError):
        return None
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def read_record(raw: bytes | None, shown: str) -> Record:
    """The record in kit.json's bytes ``raw`` (shown as ``shown`` in problems); empty when there is none.

    A kit.json that does not parse is not a record (``generate`` says what is wrong with the file); an
    entry whose text does not hash to its hash is a hand edit: a problem at its line, never used.
    """
    return read_entries(raw, shown).verified()


@dataclass(frozen=True)
class RecordEntries:
    """kit.json's entries as read, before each is verified against its hash (``verified``)."""

    raw: bytes | None
    shown: str
    entries: tuple[tuple[Any, Any, str], ...]
    """(hash, entry, key path in kit.json) of every entry, in the file's order."""

    def verified(self, known: Mapping[str, list[Any]] | None = None) -> Record:
        """The record: every entry whose text hashes to its hash, and a problem for each other one.

        ``known``: texts composed this run, as ``revision_plain`` gives them, by their hash. An entry
        whose text is exactly one of them (same structure, same type at every node, same values: the
        same canonical JSON, so the same hash) needs no hashing; any other entry is hashed.
        """
        texts: dict[str, Snapshot] = {}
        problems: list[Problem] = []
        for digest, entry, path in self.entries:
            if not isinstance(digest, str) or not isinstance(entry, dict) or "languages" not in entry:
                continue
            facts: dict = entry["facts"] if isinstance(entry.get("facts"), dict) else {}
            found = digest if _is_known(entry["languages"], (known or {}).get(digest)) else None
            if found is None:
                found = snapshot_hash(entry["languages"])
            if found == digest:
                texts[digest] = {"languages": entry["languages"], "facts": facts}
                continue
            line, column = _position((self.raw or b"").decode("utf-8", "replace").splitlines(), digest)
            problems.append(
                Problem(
                    self.shown,
                    line,
                    column,
                    path,
                    f"expected the text approved as {digest}; got a text that hashes to "
                    f"{found or 'nothing (not a text)'}: the record of what this revision published was edited by "
                    f"hand, so it is not used; restore it from git (git log -p -- {self.shown}) and publish any "
                    "change as a new revision",
                )
            )
        return Record(texts, tuple(problems))


def read_entries(raw: bytes | None, shown: str) -> RecordEntries:
    """kit.json's bytes ``raw`` parsed into its entries, not yet verified (none when it does not parse)."""
    try:
        data = json.loads(raw or b"")
    except (ValueError, RecursionError):  # not JSON, or nested past the parser's depth: not a record
        return RecordEntries(raw, shown, ())
    entries: list[tuple[Any, Any, str]] = []
    revisions = data.get("revisions") if isinstance(data, dict) else None
    for index, revision in enumerate(revisions if isinstance(revisions, list) else []):
        if not isinstance(revision, dict):
            continue
        entries.append((revision.get("text_hash"), revision, f"revisions[{index}].languages"))
        older = revision.get("approved_texts")
        for digest, entry in older.items() if isinstance(older, dict) else []:
            entries.append((digest, entry, f"revisions[{index}].approved_texts"))
    return RecordEntries(raw, shown, tuple(entries))


def _is_known(languages: Any, plain: list[Any] | None) -> bool:
    """True when ``languages`` (a recorded entry's texts) is exactly ``plain`` (composed texts, sorted by language,
    as ``revision_plain`` gives them): then both have one canonical JSON, and one hash."""
    if plain is None or not isinstance(languages, dict) or len(languages) != len(plain):
        return False
    if not all(isinstance(text, dict) for text in languages.values()):
        return False
    ordered = sorted(languages.values(), key=lambda text: str(text.get("language", "")))
    return _identical(ordered, plain)


def _identical(a: Any, b: Any) -> bool:
    """``a == b`` with the same type at every node (1, 1.0 and True differ in JSON), floats never: what makes
    two values' JSON the same text."""
    kind = type(a)
    if kind is not type(b):
        return False
    if kind is str or a is None:
        return bool(a == b)
    if kind is dict:
        return a.keys() == b.keys() and all(_identical(value, b[key]) for key, value in a.items())
    if kind is list:
        return len(a) == len(b) and all(_identical(x, y) for x, y in zip(a, b, strict=True))
    if kind is int or kind is bool:
        return bool(a == b)
    return False  # a float (0.0 and -0.0 are equal, their JSON is not) or anything else: hashed instead


def _position(lines: list[str], digest: str) -> tuple[int, int]:
    """Line and column where kit.json names ``digest`` (its first mention), else the file's start."""
    pattern = re.compile(re.escape(json.dumps(digest)))
    for number, text in enumerate(lines, 1):
        match = pattern.search(text)
        if match:
            return number, match.start() + 1
    return 1, 1


def recorded_texts(snapshot: Snapshot) -> dict[str, RevisionText] | None:
    """The recorded texts as composed texts, by language; None when a text lacks a field crisiskit needs.

    A field crisiskit added since the record was written takes its default; one it removed is ignored.
    The hash was verified on the stored data (``read_record``), so nothing here can add approved words.
    """
    found = {}
    for language, data in snapshot.get("languages", {}).items():
        text = _dataclass(RevisionText, data)
        if not isinstance(text, RevisionText) or text.language != language:
            return None
        found[language] = text
    return found or None


def _dataclass(kind: type, data: Any) -> Any:
    if not isinstance(data, dict):
        return None
    values: dict[str, Any] = {}
    for spec in fields(kind):
        if spec.name not in data:
            if spec.default is MISSING and spec.default_factory is MISSING:
                return None
            continue
        value = data[spec.name]
        if spec.name in _NESTED and kind is RevisionText:
            if not isinstance(value, list):
                return None
            value = [_dataclass(_NESTED[spec.name], v) for v in value]
            if any(v is None for v in value):
                return None
        values[spec.name] = value
    return kind(**values)


# A revision's own text: what its entry in ``updates:`` says. Anything else on its pages (title, organisation,
# signatory, contacts, FAQ, remedies, key messages, crisiskit's own wording of derived posts) is shared data.
_OWN_FIELDS = ("headline", "acknowledgement", "correction", "status", "issued_at", "published_at", "next_update_at")


def text_changes(old: dict[str, dict], new: dict[str, dict]) -> dict[str, list[str]]:
    """Field -> languages where snapshot ``new`` differs from ``old`` (texts by field, facts as ``facts.NAME``)."""
    found: dict[str, list[str]] = {}
    for language, now in new.get("languages", {}).items():
        before = old.get("languages", {}).get(language, {})
        names = differing_fields(before if isinstance(before, dict) else {}, now)
        was, fact_now = old.get("facts", {}).get(language, {}), new.get("facts", {}).get(language, {})
        if isinstance(was, dict):
            names += [f"facts.{n}" for n in dict.fromkeys([*was, *fact_now]) if was.get(n) != fact_now.get(n)]
        for name in names:
            found.setdefault(name, [])
            if language not in found[name]:
                found[name].append(language)
    return found


# Shared values only channel posts quote (the press release's boilerplate and quote): a change to one shows
# as changed posts, which are otherwise crisiskit's own wording; name the value instead.
POSTED_VALUES: dict[str, Callable[[Incident], Any]] = {
    "organization.boilerplate": lambda incident: incident.organization.boilerplate,
    "spokesperson.name": lambda incident: incident.spokesperson.name,
    "spokesperson.title": lambda incident: incident.spokesperson.title,
}


def posted_changes(incident: Incident, old: dict[str, dict], new: dict[str, dict]) -> dict[str, list[str]]:
    """Shared values the posts of snapshot ``new`` quote and those of ``old`` (recorded) do not: field -> languages."""
    found: dict[str, list[str]] = {}
    for language, text in new.get("languages", {}).items():
        before = old.get("languages", {}).get(language)
        was = json.dumps(before.get("posts") if isinstance(before, dict) else None, ensure_ascii=False)
        now = json.dumps(text.get("posts"), ensure_ascii=False)
        for name, value_of in POSTED_VALUES.items():
            value = value_of(incident)
            quoted = json.dumps(value.get(language), ensure_ascii=False)[1:-1] if value is not None else ""
            if quoted and quoted in now and quoted not in was:
                found.setdefault(name, []).append(language)
    return found


def own_changes(incident: Incident, revision: Revision, changes: dict[str, list[str]] | list[str]) -> list[str]:
    """The changed fields that are the revision's own text (a correction's business), not shared data."""
    return [name for name in changes if is_own(incident, revision, name)]


def is_own(incident: Incident, revision: Revision, name: str) -> bool:
    kind, _, part = name.partition(".")
    if kind == "posts":
        override = revision.channels.get(part)  # text the revision wrote for the channel; else crisiskit's wording
        return override is not None and any(
            t is not None for t in (override.text, override.subject, override.preheader)
        )
    if name not in _OWN_FIELDS and kind != "statement":
        return False
    text: Any = getattr(revision.statement, part if kind == "statement" else name, None)
    if kind == "correction":
        text = revision.correction
    origin = getattr(text, "origin", None)
    # text a scenario wrote (its file, not the kit's) is shared like the rest of the scenario
    return origin is None or origin.file == incident.source


def differing_fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Public field names (``statement.cause``, ``faq[1].answer``) whose values differ."""
    names = []
    for key in new:
        before, after = old.get(key), new[key]
        if before == after or key in ("language", "number", "statement_url"):
            continue
        if key == "sections":
            names += [
                f"statement.{k}"
                for k in dict.fromkeys([*(before or {}), *after])
                if (before or {}).get(k) != after.get(k)
            ]
        elif key == "posts" and isinstance(before, list):
            old_posts = {post.get("channel"): post for post in before if isinstance(post, dict)}
            new_posts = {post["channel"]: post for post in after}
            names += [
                f"posts.{c}" for c in dict.fromkeys([*old_posts, *new_posts]) if old_posts.get(c) != new_posts.get(c)
            ]
        elif key == "contacts" and isinstance(before, list):
            old_values = {c.get("kind"): c.get("value") for c in before if isinstance(c, dict)}
            new_values = {c["kind"]: c["value"] for c in after}
            names += [
                f"contacts.{k}"
                for k in dict.fromkeys([*old_values, *new_values])
                if old_values.get(k) != new_values.get(k)
            ]
        elif key in ("faq", "remedies") and isinstance(before, list) and len(before) == len(after):
            names += [
                f"{key}[{i}].{k}"
                for i, (b, a) in enumerate(zip(before, after, strict=True))
                for k in a
                if b.get(k) != a.get(k)
            ]
        else:
            names.append(key)
    return names
