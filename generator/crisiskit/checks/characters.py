"""Characters a reader cannot see (CK208, CK209) and web addresses that imitate others (CK210).

Text is pasted into kits from e-mail, chat and word processors, and a
contributor may be hostile. A right-to-left override (U+202E) makes a
statement read differently from what reviewers approved; a zero-width
space splits a word so a wording rule or a leak scan misses it; a host
name with one Cyrillic letter (``pаypal.com``) sends readers elsewhere.
Every text of an incident is read, in every language, internal texts
too (a spokesperson reads them aloud), and so is every address a fact,
the organisation or a text gives. Joiners and variation selectors inside
an emoji, and joiners in scripts that need them (Arabic, the Indic
scripts), are what they are meant to be and are not reported.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from urllib.parse import urlsplit

import idna
import regex

from crisiskit.checks.findings import Finding, finding
from crisiskit.model.incident import Incident
from crisiskit.model.origin import Origin, walked_texts

BIDI = "CK208"
INVISIBLE = "CK209"
LOOKALIKE = "CK210"

_BIDI = regex.compile(r"[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]")
_HIDDEN = regex.compile(r"[\p{Default_Ignorable_Code_Point}\p{Cf}\p{Zl}\p{Zp}\p{Cc}]")
_VISIBLE_CONTROLS = {"\n", "\t", "\r"}
_EMOJI = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3")
_EMOJI_PARTS = regex.compile(r"[\u200D\uFE0E\uFE0F\U000E0020-\U000E007F]")
_JOINING_SCRIPTS = regex.compile(
    r"[\p{Arabic}\p{Syriac}\p{Nko}\p{Mongolian}\p{Devanagari}\p{Bengali}\p{Gurmukhi}\p{Gujarati}\p{Oriya}"
    r"\p{Tamil}\p{Telugu}\p{Kannada}\p{Malayalam}\p{Sinhala}\p{Khmer}\p{Myanmar}\p{Tibetan}][\p{M}]*\Z"
)
_IDEOGRAPH_VARIANT = regex.compile(r"\p{Han}\Z")
_URL = regex.compile(r"https?://[^\s<>()\"'\[\]{}|\\^`，。、]+", regex.IGNORECASE)
_EMAIL = regex.compile(r"[^\s@<>()\"',;:]+@[^\s@<>()\"',;:/]+\.[^\s@<>()\"',;:/。，]+")
_SCRIPTS = (
    "Latin",
    "Cyrillic",
    "Greek",
    "Armenian",
    "Hebrew",
    "Arabic",
    "Han",
    "Hiragana",
    "Katakana",
    "Hangul",
    "Bopomofo",
    "Thai",
    "Devanagari",
    "Georgian",
    "Cherokee",
)
_SCRIPT = regex.compile("|".join(rf"(?P<{name}>\p{{Script={name}}})" for name in _SCRIPTS))
_NEUTRAL = regex.compile(r"[\p{Script=Common}\p{Script=Inherited}]")  # the long vowel mark ー, digits, marks
# UTS #39 "highly restrictive": one script, or Latin with the scripts East Asian names mix with it.
_MIXES = ({"Latin", "Han", "Hiragana", "Katakana"}, {"Latin", "Han", "Bopomofo"}, {"Latin", "Han", "Hangul"})
# Cyrillic and Greek letters that look like Latin ones: a label made only of them reads as a Latin name.
_LATIN_LOOKALIKES = set("аеорсухѕіјԁԛԝһӏүвкмнтοαινκρχυϲϳτ")


def character_findings(incident: Incident, settings: dict[str, str]) -> Iterator[Finding | None]:
    """CK208 and CK209 in every text and address; CK210 for every web address."""
    for origin, language, value in _strings(incident):
        hidden: dict[str, list[tuple[int, str]]] = {}
        for index, char in _hidden(value):
            hidden.setdefault(BIDI if _BIDI.match(char) else INVISIBLE, []).append((index, char))
        for rule, found_chars in hidden.items():  # the first of each kind in a text, and how many more
            index, char = found_chars[0]
            name = unicodedata.name(char, "a control character").lower()
            what = "a bidirectional control" if rule == BIDI else "an invisible character"
            more = f" (and {len(found_chars) - 1} more in this text)" if len(found_chars) > 1 else ""
            token = _token(value, index)
            found = finding(
                rule,
                origin,
                f"expected text without invisible or direction-changing characters; got "
                f"{what}, U+{ord(char):04X} ({name}), after {_before(value, index)}{more}",
                language=language,
                token=token,
                settings=settings,
            )
            if found and (found.line, found.column) != origin.locate(None, language)[:2]:
                found = dataclasses.replace(found, column=found.column + len(token) - 1)  # on the character itself
            yield found
        for written, url in _addresses(value):
            problem = host_problem(url)
            if problem:
                yield finding(
                    LOOKALIKE,
                    origin,
                    f"expected an address whose host name is in one script; got {written[:80]!r}, {problem}",
                    language=language,
                    token=written,
                    settings=settings,
                )


def _strings(incident: Incident) -> Iterator[tuple[Origin, str | None, str]]:
    """Every text in every language, and every address and plain value a fact or the organisation holds."""
    seen: set[int] = set()
    for _path, text in walked_texts(incident):
        if id(text) in seen or text.origin is None:
            continue
        seen.add(id(text))
        for language in text.languages() or [None]:
            yield text.origin, language, text.get(language) if language else str(text.raw)
    for revision in incident.revisions:
        for fact in revision.facts.values():
            if id(fact) in seen or fact.origin is None:
                continue
            seen.add(id(fact))
            for value in fact.value if isinstance(fact.value, list) else [fact.value]:
                if isinstance(value, str):
                    yield fact.origin, None, value
    anchor = incident.organization.name.origin
    if anchor is not None:
        for path, value in (
            ("organization.website", incident.organization.website),
            ("contacts.email", incident.contacts.email),
            ("contacts.privacy", incident.contacts.privacy),
            ("contacts.press.email", incident.contacts.press and incident.contacts.press.email),
        ):
            if value:  # found by its text in the file it came from, like any token
                yield dataclasses.replace(anchor, line=1, column=1, path=path, starts={}), None, value


@lru_cache(maxsize=16384)
def _hidden(value: str) -> tuple[tuple[int, str], ...]:
    """``_each_hidden``, remembered: a text repeats across revisions and incidents."""
    return tuple(_each_hidden(value))


@lru_cache(maxsize=16384)
def _addresses(value: str) -> tuple[tuple[str, str], ...]:
    """Each web and e-mail address in ``value`` as written, with the URL whose host is judged."""
    addresses = [(url, url) for url in _URL.findall(value)]
    addresses += [(email, "mailto://" + email.rsplit("@", 1)[1]) for email in _EMAIL.findall(value)]
    return tuple(addresses)


def _each_hidden(value: str) -> Iterator[tuple[int, str]]:
    """Index and character of everything invisible that is not part of an emoji or a joining script."""
    for match in _HIDDEN.finditer(value):
        char, index = match.group(0), match.start()
        if char in _VISIBLE_CONTROLS:
            continue
        if _EMOJI_PARTS.match(char) and _in_emoji(value, index):
            continue
        if char in "\u200c\u200d" and _JOINING_SCRIPTS.search(value, 0, index):
            continue
        if "\U000e0100" <= char <= "\U000e01ef" and _IDEOGRAPH_VARIANT.search(value, 0, index):
            continue  # an ideographic variation selector after a Han character (a name's exact form)
        yield index, char


def _in_emoji(value: str, index: int) -> bool:
    for cluster in regex.finditer(r"\X", value[max(0, index - 32) : index + 32]):
        start = max(0, index - 32) + cluster.start()
        if start <= index < start + len(cluster.group(0)):
            return bool(_EMOJI.search(cluster.group(0)))
    return False


def _before(value: str, index: int) -> str:
    shown = value[max(0, index - 20) : index]
    return repr(_HIDDEN.sub("", shown)) if shown else "the start of the text"


def _token(value: str, index: int) -> str:
    """The character with the visible text before it on its line, so the finding lands on this occurrence."""
    line_start = value.rfind("\n", 0, index) + 1
    return value[max(line_start, index - 12) : index + 1]


@lru_cache(maxsize=4096)
def host_problem(url: str) -> str | None:
    """Why the host of ``url`` may imitate another name, or None (remembered: an organisation's few addresses
    recur in every text and revision of its incidents)."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return "which cannot be read as an address"
    for label in host.split("."):
        shown = label
        if label.startswith("xn--"):
            try:
                label = idna.decode(label)
            except (idna.IDNAError, UnicodeError):
                return f"whose label {shown!r} is not a valid international domain name"
            shown = f"{shown} ({label})"
        scripts = {match.lastgroup or "another" for match in _SCRIPT.finditer(label)}
        scripts |= (
            {"another"}
            if any(ch.isalpha() and not _SCRIPT.match(ch) and not _NEUTRAL.match(ch) for ch in label)
            else set()
        )
        if len(scripts) > 1 and not any(scripts <= allowed for allowed in _MIXES):
            return f"whose label {shown!r} mixes {' and '.join(sorted(scripts))} letters"
        letters = [ch for ch in label if ch.isalpha()]
        if letters and scripts & {"Cyrillic", "Greek"} and all(ch in _LATIN_LOOKALIKES for ch in letters):
            return f"whose label {shown!r} is {'/'.join(sorted(scripts))} letters that look like Latin ones"
    return None
