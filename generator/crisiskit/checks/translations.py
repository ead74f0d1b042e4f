"""Translations that are missing in all but name (CK206) or stale (CK207).

Text made only of tokens that are the same in every language (batch
codes, product names, URLs, e-mail addresses) is not a missing translation:
a kit must give it per language only because it sits where sentences sit.

The schema already refuses a text without every language. What it cannot
see is a "translation" that is the source text pasted again, or a Chinese
version with no Chinese in it, or, compared with a git revision, a source
text that changed while its translation stayed as it was: the translated
channels would then say something legal never approved in that language.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import regex

from crisiskit.checks.findings import Finding, finding
from crisiskit.model.incident import Incident
from crisiskit.model.origin import walked_texts
from crisiskit.model.references import strip_references
from crisiskit.model.schema.types import Text

_LETTERS = regex.compile(r"\p{L}")
_HAN = regex.compile(r"\p{Han}")
_SPACES = regex.compile(r"\s+")
# words that are the same in every language: addresses, codes with a digit, all-capital codes, and names
# (capitalised words); a text made only of these (and punctuation) needs no translation
_SAME_EVERYWHERE = regex.compile(r"(?:https?://\S+|\S+@\S+|\S*\d\S*|\p{Lu}[\p{L}\p{M}'.&-]*|[^\p{L}\p{N}\s]+)")


def _wording(source: str) -> str:
    """The words of a text without its fact references and spaces."""
    return _SPACES.sub("", strip_references(source))


def _same_everywhere(source: str) -> bool:
    """A text made only of codes, names and addresses (a batch number, a product name, a URL), not a sentence."""
    words = strip_references(source).split()
    sentence = len(words) >= 4 and source.rstrip().endswith((".", "!", "?"))
    return not sentence and all(_SAME_EVERYWHERE.fullmatch(w) for w in words)


@lru_cache(maxsize=16384)
def _read(source: str) -> tuple[str, int, bool, bool]:
    """A text's words (``_wording``), how many letters they have, whether one is Han, and whether the text is
    the same in every language: remembered, since a text repeats across revisions and incidents."""
    words = _wording(source)
    return words, len(_LETTERS.findall(words)), _HAN.search(words) is not None, _same_everywhere(source)


def _texts(incident: Incident) -> dict[tuple, Text]:
    """Every text of an incident by key path; texts given once for all languages (names, addresses) left out."""
    return {path: text for path, text in walked_texts(incident) if len(text.languages() or ()) > 1}


def untranslated_findings(incident: Incident, settings: dict[str, str]) -> Iterator[Finding | None]:
    """A language version that is the source text again, or Chinese without Han characters."""
    source_language = incident.languages[0]
    for text in _texts(incident).values():
        source, source_letters, _, _ = _read(text.get(source_language))
        for language in incident.languages[1:]:
            version, letters, han, same_everywhere = _read(text.get(language))
            if same_everywhere:
                continue
            if source_letters >= 4 and version == source:
                yield finding(
                    "CK206",
                    text.origin,
                    f"expected a {language} translation; got the {source_language} text again",
                    language=language,
                    settings=settings,
                )
            elif language.startswith("zh") and letters >= 4 and not han:
                yield finding(
                    "CK206",
                    text.origin,
                    f"expected {language} text in Chinese; got no Chinese characters",
                    language=language,
                    settings=settings,
                )


def stale_findings(
    incident: Incident, before: Incident | None, base: str, settings: dict[str, str]
) -> Iterator[Finding | None]:
    """Texts whose source language changed since ``base`` while a translation did not."""
    if before is None:
        return
    source_language = incident.languages[0]
    old_texts = _texts(before)
    for path, text in _texts(incident).items():
        old = old_texts.get(path)
        if old is None or old.get(source_language) == text.get(source_language):
            continue
        for language in incident.languages[1:]:
            if language in (old.languages() or ()) and old.get(language) == text.get(language):
                yield finding(
                    "CK207",
                    text.origin,
                    f"expected the {language} text to change with the "
                    f"{source_language} text changed since {base}; got it unchanged",
                    language=language,
                    settings=settings,
                )
