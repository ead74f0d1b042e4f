"""The leak scan: proof, before a public site goes live, that nothing internal got out.

What is secret is decided by ``visibility``, the one predicate the renderer
and the approval hash use too. The needles are the canary markers and every
secret field as a whole and each of its sentences, minus anything public
text contains (such a needle would fail every build while proving nothing).

Spelling cannot dodge the scan: needles and files go through one
``normalise`` (JSON/JavaScript escapes, HTML entities and percent-encoding
decoded; default-ignorable code points removed; NFKC; case folded;
whitespace, dashes and Markdown punctuation removed). Every file is read
(gzip opened, markup both as is and with tags stripped); a file of a type
that cannot be read as text is refused, never skipped.

The work is linear: the needles form one Aho-Corasick automaton
(pyahocorasick, C); each file's normalised text is walked through it once,
so a scan costs O(total text + matches), never needles x files. Public text
is subtracted the same way: one walk through an automaton of the candidates.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import html
import io
import os
import re
import unicodedata
import warnings
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import ahocorasick
import regex

from crisiskit.render.calendar import unfold

if TYPE_CHECKING:
    from crisiskit.compose.composed import ComposedIncident
    from crisiskit.compose.visibility import Fragment

# A whole field matches by accident when it is shorter than 4 normalised characters ("no.") or is one Latin word
# ("Acme" is in the site's own address); a sentence needs more to stand on its own: 24 Latin characters, 10 Chinese.
MIN_FIELD, MIN_LATIN_SENTENCE, MIN_CJK_SENTENCE = 4, 24, 10
MAX_FILE_BYTES = 256 * 1024 * 1024  # bounded work: a file (or a gzip's content) larger than this is refused
MAX_CACHED_LINE, MAX_CACHED_LINES = 500, 100_000  # bounded memory (at most ~100 MB) for repeated theme lines
TEXT_TYPES = frozenset(
    {
        ".html",
        ".htm",
        ".xhtml",
        ".xml",
        ".atom",
        ".rss",
        ".json",
        ".webmanifest",
        ".js",
        ".mjs",
        ".map",
        ".css",
        ".txt",
        ".md",
        ".svg",
        ".csv",
        ".ics",
    }
)
# Images and fonts cannot be read as text, but their metadata (PNG tEXt, JPEG comments, font names) is stored
# as plain bytes: those are scanned as text too. Every other binary is refused.
BINARY_TYPES = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico", ".woff", ".woff2", ".ttf", ".otf", ".eot"}
)

_JS_BRACE = re.compile(r"\\u\{([0-9a-fA-F]{1,6})\}")
_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}(?:%[0-9A-Fa-f]{2})*")
# Default-ignorable code points (soft hyphen, zero-width characters, bidi controls, variation selectors...),
# controls, surrogates, Unicode spaces and dashes: dropped wherever they are.
_UNICODE_DROP = regex.compile(r"[\p{Default_Ignorable_Code_Point}\p{Cc}\p{Cs}\s\u2010-\u2015\u2212]+")
_QUOTES = re.compile("[\u2018\u2019\u201a\u201b\u2032\u201c\u201d\u201e\u201f\u2033]")
_QUOTE_OF = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"'),
}
# ASCII whitespace, controls, dashes, "+" (a space in a query string) and Markdown punctuation; deleted from UTF-8
# bytes, which is safe (no ASCII byte occurs inside a multi-byte sequence) and far faster than a regex.
_ASCII_DROP = bytes(range(0x21)) + b"\x7f*_`#>[]~|\\+-"
_LINK_TARGET = re.compile(r"\]\([^()\s]*\)")  # Markdown [text](target): the page shows only the text
_TAG = re.compile(r"<[^<>]*>")
_CJK = re.compile("[\u2e80-\U0010ffff]")  # CJK and the scripts after it: a character carries a word's weight
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"(?<=[.!?;\u2026])\s+|(?<=[\u3002\uff01\uff1f\uff1b])|\n+")


@dataclass(frozen=True)
class Leak:
    """An internal fragment found in a public file (or a file that could not be scanned, and so is refused)."""

    file: str
    fragment: str


@dataclass(frozen=True)
class Needles:
    """The compiled needle set: what a scan looks for, and what was left out and why."""

    automaton: Any
    """pyahocorasick automaton: normalised needle -> label of the field it came from."""
    count: int
    dropped: tuple[tuple[str, str], ...]
    """(label, reason) for each secret field that is not a needle of its own."""
    digest: str = ""
    """A hash of every needle and its label: a part of the site scanned with the same digest need not be again."""
    longest: int = 0
    """The length of the longest needle."""
    words: dict[str, str] = field(default_factory=dict)
    """Every needle (normalised) and the label of the field it came from."""


def _unescape_js(text: str) -> str:
    """JSON and JavaScript string escapes decoded (Python's unicode_escape codec, in C, plus ES6 ``\\u{...}``).

    An unknown escape keeps its backslash, which normalising then drops, as JavaScript does (``\\/`` is ``/``).
    """
    if "\\u{" in text:
        text = _JS_BRACE.sub(lambda m: chr(int(m[1], 16)) if int(m[1], 16) <= 0x10FFFF else "", text)
    with warnings.catch_warnings():  # "invalid escape sequence" for the unknown ones
        warnings.simplefilter("ignore", DeprecationWarning)
        text = text.encode("latin-1", "backslashreplace").decode("unicode_escape", "replace")
    return _SURROGATE_PAIR.sub(lambda m: m.group().encode("utf-16", "surrogatepass").decode("utf-16"), text)


def _decode(text: str) -> str:
    """Undo the encodings a browser or a script undoes (JS/JSON escapes, entities, %XX), nested up to 3 deep."""
    for _ in range(3):
        before = text
        if "\\" in text:
            text = _unescape_js(text)
        if "&" in text:
            text = html.unescape(text)
        if "%" in text:
            text = _PERCENT.sub(lambda m: bytes.fromhex(m.group().replace("%", "")).decode("utf-8", "replace"), text)
        if text == before:
            break
    return text


def _canonical(text: str, cache: dict[str, str] | None = None) -> str:
    """Decoded text to the compared form, line by line (each cached in ``cache`` when given)."""
    if cache is None:
        return "".join(map(_canonical_line, text.split("\n")))
    out = []
    for line in text.split("\n"):
        if (done := cache.get(line)) is None:
            done = _canonical_line(line)
            if len(line) <= MAX_CACHED_LINE and len(cache) < MAX_CACHED_LINES:
                cache[line] = done
        out.append(done)
    return "".join(out)


def _canonical_line(text: str) -> str:
    """One line to the compared form: NFKC, dropped characters, case folded, quotes folded.

    ASCII text skips the Unicode steps, which cannot change it. An ignorable between a letter and its
    combining accent blocks composition, so NFKC runs again after anything was dropped.
    """
    ascii_only = text.isascii()
    if not ascii_only:
        text = unicodedata.normalize("NFKC", text)
    if "](" in text:
        text = _LINK_TARGET.sub("", text)
    text = text.encode("utf-8", "surrogatepass").translate(None, _ASCII_DROP).decode("utf-8", "surrogatepass")
    if not ascii_only:
        dropped = _UNICODE_DROP.sub("", text)
        text = unicodedata.normalize("NFKC", dropped) if len(dropped) != len(text) else text
        text = _QUOTES.sub(lambda m: _QUOTE_OF[m.group()], text)
    return text.casefold()


def normalise(text: str) -> str:
    """The one form both needles and files are compared in; see the module docstring for each step."""
    return _canonical(_decode(text))


def _mostly_cjk(normalised: str) -> bool:
    return not normalised.isascii() and len(_CJK.findall(normalised)) > len(normalised) / 2


def _field(text: str, memo: dict[str, tuple[str, list[str]]]) -> tuple[str, list[str]]:
    """A field normalised whole, and its normalised sentences long enough to be distinctive on their own.

    Sentences split only at whitespace (which normalising removes) or after CJK punctuation, so the whole
    is their concatenation. ``memo`` holds fields already seen: revisions repeat their title, contacts...
    """
    if text not in memo:
        parts = [normalise(sentence) for sentence in _SENTENCE_END.split(text)]
        memo[text] = (
            "".join(parts),
            [part for part in parts if len(part) >= (MIN_CJK_SENTENCE if _mostly_cjk(part) else MIN_LATIN_SENTENCE)],
        )
    return memo[text]


def _too_short(text: str, normalised: str) -> str | None:
    """Why a whole field is not distinctive enough to be a needle, or None if it is."""
    if len(normalised) < MIN_FIELD:
        return f"too short to be distinctive ({len(normalised)} normalised characters)"
    if not _mostly_cjk(normalised) and len(_WORD.findall(text)) < 2:
        return "a single word is not distinctive"
    return None


def _automaton(words: dict[str, str]) -> Any:
    automaton = ahocorasick.Automaton()
    for word, label in words.items():
        automaton.add_word(word, label)
    automaton.make_automaton()
    return automaton


def _values_in(automaton: Any, text: str) -> set[str]:
    """The values of every needle in ``text``: one pass through the automaton, O(len(text) + matches)."""
    if automaton.kind == ahocorasick.EMPTY:
        return set()
    return {value for _, value in automaton.iter(text)}


SecretForm = tuple[str, str, list[str], str | None]
"""A secret field as the needles need it: (label, normalised whole, normalised sentences, why the whole is short)."""


def secret_forms(secret: Iterable[Fragment], memo: dict[str, tuple[str, list[str]]] | None = None) -> list[SecretForm]:
    """Each secret field normalised once (a kept per-incident result can hold these instead of the texts)."""
    memo = {} if memo is None else memo
    out = []
    for fragment in secret:
        whole, parts = _field(fragment.text, memo)
        out.append((fragment.label, whole, parts, _too_short(fragment.text, whole)))
    return out


def public_forms(public: Iterable[str], memo: dict[str, tuple[str, list[str]]] | None = None) -> list[str]:
    """Each public text normalised whole."""
    memo = {} if memo is None else memo
    return [_field(text, memo)[0] for text in public]


def make_needles(secret: Iterable[Fragment], public: Iterable[str], canaries: dict[str, str]) -> Needles:
    """Needles from the secret fields, minus public text; every field left out is listed with its reason."""
    memo: dict[str, tuple[str, list[str]]] = {}
    return needles_from(secret_forms(secret, memo), public_forms(public, memo), canaries)


def needles_from(fields: list[SecretForm], public: Iterable[str], canaries: dict[str, str]) -> Needles:
    """make_needles from normalised forms: the same needles whether the texts were normalised now or kept."""
    public_text = "\n".join(dict.fromkeys(public))  # no needle has a "\n" to span two
    candidates = {text for _, whole, parts, _ in fields for text in (whole, *parts) if text}
    in_public = _values_in(_automaton({text: text for text in candidates}), public_text)
    words: dict[str, str] = {normalise(marker): label for marker, label in canaries.items()}
    dropped: list[tuple[str, str]] = []
    for label, whole, parts, too_short in fields:
        kept = [part for part in parts if part not in in_public]
        for part in kept:
            words.setdefault(part, label)
        if too_short:
            dropped.append((label, too_short))
        elif whole in in_public:
            dropped.append((label, "public text contains all of it"))
        elif kept:
            continue  # any copy of the whole field contains its sentence needles, which already match
        else:
            words.setdefault(whole, label)
    digest = needles_digest(words)
    longest = max(map(len, words), default=0)
    return Needles(_automaton(words), len(words), tuple(dropped), digest, longest, words)


def needles_digest(words: dict[str, str]) -> str:
    """A hash of every needle and its label."""
    return hashlib.sha256("\0".join(f"{word}\1{label}" for word, label in sorted(words.items())).encode()).hexdigest()


def internal_fragments(composed: list[ComposedIncident], at: datetime) -> Needles:
    """The needles for a public build at ``at``: every text ``visibility`` says is not public then.

    The pages' own words (data/labels.yml, every language) count as public too: they are on every page.
    """
    from crisiskit.compose.labels import labels, supported_languages
    from crisiskit.compose.visibility import canaries, public_fragments, secret_fragments

    public = [fragment.text for fragment in public_fragments(composed, at)]
    public += [word for language in supported_languages() for word in _strings(labels(language))]
    return make_needles(secret_fragments(composed, at), public, canaries(composed))


def _strings(value: object) -> list[str]:
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    return [value] if isinstance(value, str) else []


class Refused(Exception):
    """A file the scan cannot read as text, so it may not be published."""


def _bounded_gunzip(raw: bytes) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except (OSError, EOFError, zlib.error) as error:
        raise Refused(f"a damaged gzip file ({error})") from None
    if len(data) > MAX_FILE_BYTES:
        raise Refused(f"gzip content larger than {MAX_FILE_BYTES} bytes")
    return data


def _as_texts(raw: bytes) -> list[str]:
    """The file's text as a browser may decode it: by its byte order mark, else UTF-8 (and UTF-16 if it has NULs)."""
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if raw.startswith(bom):
            return [raw.decode(codec, errors="replace")]
    texts = [raw.decode("utf-8", errors="replace")]
    if b"\x00" in raw[:4096]:  # perhaps UTF-16 without a byte order mark: read it that way too
        texts += [raw.decode("utf-16-le", errors="replace"), raw.decode("utf-16-be", errors="replace")]
    return texts


def read_file(path: Path) -> bytes:
    """A regular file's bytes; Refused for a link or special file (never followed) or one too large to scan."""
    if path.is_symlink() or not path.is_file():
        raise Refused("not a regular file (a symbolic link or a special file)")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise Refused(f"larger than {MAX_FILE_BYTES} bytes")
    return path.read_bytes()


def scannable_text(raw: bytes, name: str, lines: dict[str, str] | None = None) -> str:
    """The normalised text of one built file named ``name``, or Refused if it cannot be read as text.

    ``lines`` caches normalised lines across files: the theme's markup repeats on every page, so each
    distinct line is normalised once (normalisation never spans a line; a needle still may).
    """
    name = name.lower()
    for _ in range(3):  # a file gzipped (by name or by its magic bytes) is scanned inside, nested at most 3 deep
        if not (raw.startswith(b"\x1f\x8b") or name.endswith(".gz")):
            break
        raw, name = _bounded_gunzip(raw), name.removesuffix(".gz")
    suffix = PurePosixPath(name).suffix
    if suffix in BINARY_TYPES:  # metadata is UTF-8 (XMP, iTXt) or Latin-1 (PNG tEXt): read the bytes as both
        return normalise(raw.decode("utf-8", errors="ignore")) + "\n" + normalise(raw.decode("latin-1"))
    if suffix not in TEXT_TYPES:
        raise Refused(f"a file type the scan cannot read ({suffix or 'no extension'})")
    views = []
    for text in map(_decode, _as_texts(raw)):
        if suffix == ".ics":  # a calendar folds long lines and escapes its text (render/calendar.py): read it unfolded
            text = unfold(text)
        # As is (attribute values, scripts, comments) and, for markup, with tags stripped (text split by inline tags).
        views.append(_canonical(text, lines))
        if "<" in text:
            views.append(_canonical(_TAG.sub("", text), lines))
    return "\n".join(views)


def content_key(name: str, raw: bytes) -> str:
    """A file's identity for the scan: its name, lower-cased (the scan reads its type from it), and its bytes."""
    return hashlib.sha256(name.lower().encode() + b"\0" + raw).hexdigest()


KNOWN_TEXTS: dict[str, str] = {}
"""Scannable text of files known before any site is built, by ``content_key``: the theme's static files (scripts,
style sheets, search languages), which MkDocs copies into every site byte for byte. Filled by ``know_files`` in
the engine's fork server (engine_preload.py), so every worker inherits them instead of reading the same 2.5 MB
again for each site. A built file whose bytes differ has another key and is read as any other file."""


def know_files(folders: Iterable[Path]) -> None:
    """Add every scannable file under ``folders`` (outside dot-folders, and not a template) to KNOWN_TEXTS."""
    lines: dict[str, str] = {}
    for folder in folders:
        for top, dirs, names in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))  # the theme's icon sets are not copied
            for name in sorted(names):
                path = Path(top, name)
                suffix = path.suffix.lower()
                if name.startswith(".") or suffix in {".html", ".py", ".pyc"}:  # templates are rendered, not copied
                    continue
                if suffix not in TEXT_TYPES and suffix not in BINARY_TYPES:
                    continue
                with contextlib.suppress(Refused, OSError):
                    raw = read_file(path)
                    KNOWN_TEXTS[content_key(name, raw)] = scannable_text(raw, name, lines)


def scan_site(site_dir: Path, needles: Needles) -> list[Leak]:
    """Every (file, fragment) where a needle appears in the built tree, and every file refused as unscannable.

    Each file's path and content are walked once through the automaton; identical contents (the theme's
    assets in every language) are scanned once.
    """
    leaks: list[Leak] = []
    by_content: dict[str, set[str]] = {}
    lines: dict[str, str] = {}
    for folder, dirs, files in os.walk(site_dir):
        dirs.sort()
        for name in sorted(files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]):
            path = Path(folder, name)
            relative = path.relative_to(site_dir).as_posix()
            try:
                raw = read_file(path)
                digest = content_key(name, raw)
                if digest not in by_content:
                    text = KNOWN_TEXTS.get(digest)
                    if text is None:
                        text = scannable_text(raw, name, lines)
                    by_content[digest] = _values_in(needles.automaton, text)
                found = by_content[digest] | _values_in(needles.automaton, normalise(relative))
            except Refused as refusal:
                leaks.append(Leak(relative, f"cannot be scanned, so it is refused: {refusal}"))
                continue
            except OSError as error:
                reason = (error.strerror or str(error)).lower()
                leaks.append(Leak(relative, f"cannot be read, so it is refused: {reason}"))
                continue
            leaks += [Leak(relative, label) for label in sorted(found)]
    return leaks
