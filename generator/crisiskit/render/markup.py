"""Kit text is text: the one place that decides which of it may be markup.

Kit text is untrusted (see the threat model). It reaches Markdown pages the
site engine renders, and HTML fragments we build ourselves (feeds, diffs).
Everything in it is escaped except this small Markdown subset, which is all
a statement needs:

- paragraphs (a blank line between them);
- bulleted lists (``-``, ``*`` or ``+`` and a space) and numbered lists
  (``1.`` and a space), one level;
- emphasis: ``*words*``, ``_words_``, ``**words**``;
- links ``[words](address)`` and ``<address>`` whose address starts with
  ``https://``, ``mailto:`` or ``tel:``.

``block`` keeps the subset (statement sections, acknowledgement, correction,
FAQ answers); ``inline`` keeps emphasis and links on one line (remedies,
Q&A answers); ``text`` keeps nothing (titles, headlines, names, fact values,
contacts, and any value a template forgets to mark). Everything else, raw
HTML and entities, attribute lists ``{ ... }``, images, other link schemes,
headings, rules, front matter, block quotes, tables, code, footnotes,
abbreviations, is escaped so readers see the characters the author typed,
and ``problems`` reports it for ``crisiskit check`` (rule CK701). One scanner
does both, so what the check reports is exactly what the renderer defuses.

Escapes are HTML character references (``&lt;``, ``&#42;``). They mean the
same in Markdown, in raw HTML blocks and (with ``text``, which also escapes
``"``) in double-quoted attributes, so a value is safe wherever a template
puts it. ``escaping`` applies all this where kit text lands (templates,
values the theme prints, HTML we build, which nh3 sanitises again).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

SAFE_SCHEMES = ("https://", "mailto:", "tel:")
_SAFE_URL = re.compile(
    r"https://[A-Za-z0-9][A-Za-z0-9\-._~:/?#@!$&*+,;=%]*|mailto:[A-Za-z0-9.!#$%&*+/=?^_{|}~-]+@"
    r"[A-Za-z0-9.-]+(\?[A-Za-z0-9\-._~%&=+]*)?|tel:\+?[0-9][0-9.\-]*"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ALWAYS = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "\\": "&#92;",
    "`": "&#96;",
    "[": "&#91;",
    "]": "&#93;",
    "{": "&#123;",
    "}": "&#125;",
    "|": "&#124;",
    "#": "&#35;",
}
_LITERAL = {**_ALWAYS, '"': "&quot;", "*": "&#42;", "_": "&#95;", "!": "&#33;"}
_PLAIN = re.compile("[^" + re.escape("".join(sorted(_LITERAL))) + "]+")  # a run `_Scanner.line` copies as it is
# What opens a block at a line start: a list marker, a rule or underline, a fence, an admonition, a definition.
_OPENER = re.compile(r"[-+*_](?=\s|$)|[-=]+\s*$|([-=~!?/$:^%])\1|:(?=\s)")
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_LIST = re.compile(r"([-*+]|\d{1,9}\.)[ \t]+(?=\S)")
_NUMBER_DOT = re.compile(r"\d+([.)])(?=[ \t]|$)")
_HR = re.compile(r"([-*_])([ \t]*\1){2,}[ \t]*$")
_SETEXT = re.compile(r"(=+|-+)[ \t]*$")
_TABLE_RULE = re.compile(r"\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_DEFINITION = re.compile(r"\[([^\]\n]+)\]:")
_LINK = re.compile(r"\[([^\[\]\n]*)\]\(((?:[^()\n]|\([^()\n]*\))*)\)")
_REFERENCE = re.compile(r"\[[^\[\]\n]+\]\[[^\[\]\n]*\]")
_IMAGE = re.compile(r"!\[[^\]\n]*\](\([^)\n]*\)|\[[^\]\n]*\])?")
_ANGLE = re.compile(r"<([A-Za-z][A-Za-z0-9+.\-]*:[^<>\s]*)>")
_TAG = re.compile(r"</?[A-Za-z][^<>\n]*>?|<![^<>\n]*>?|<\?[^<>\n]*>?")
_ENTITY = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_BRACES = re.compile(r"\{[^{}\n]*\}")
_CODE = re.compile(r"(`+)[^`\n]+?\1(?!`)")
_SCHEME = re.compile(r"\s*([A-Za-z][A-Za-z0-9+.\-]*):")


class Trusted(str):
    """Text crisiskit wrote itself (labels, links it builds, canaries, escaped or sanitised output): shown as is.

    Any operation on it (``+``, ``format``) gives a plain ``str`` again, which templates escape: trust is
    never inherited by text that kit values could have been mixed into.
    """

    __slots__ = ()


@dataclass(frozen=True)
class Problem:
    """Markup outside the subset at ``offset`` of the scanned text: what it is, and what the author wrote."""

    offset: int
    snippet: str
    what: str


def one_line(value: Any) -> str:
    """``value`` as one line: whitespace runs (line breaks too) become one space, control characters visible."""
    return " ".join(visible(str(value)).split())


def visible(value: str) -> str:
    """Control characters (other than tab and line breaks) shown as U+FFFD, every offset unchanged."""
    return _CONTROL.sub("\ufffd", value)


def text(value: Any) -> Trusted:
    """A single-line value escaped whole: no markup at all, newlines become spaces, safe in any context."""
    if isinstance(value, Trusted):
        return value
    return _text(str(value))


def inline(value: Any) -> Trusted:
    """A single-line value keeping emphasis and safe links (remedies, Q&A answers)."""
    return _inline(str(value))


def block(value: Any) -> Trusted:
    """A paragraph-level value keeping the whole subset; place it on lines of its own in a template."""
    return _block(str(value))


# Remembered per text (each function keyed by the plain text alone, the cache's quickest key): a statement's
# texts show on its page, its permalink and the next revisions' pages, in the review tree and on the public
# site, and every label a template prints goes through ``text``.
@lru_cache(maxsize=4096)
def _text(value: str) -> Trusted:
    return Trusted(_Scanner(one_line(value), "text").line(0, True))


@lru_cache(maxsize=1024)
def _inline(value: str) -> Trusted:
    return Trusted(_Scanner(one_line(value), "inline").line(0, True))


@lru_cache(maxsize=4096)
def _block(value: str) -> Trusted:
    return Trusted(_Scanner(_clean_lines(value), "block").block())


def problems(source: str, link_ok: Callable[[str], bool] = lambda reference: False) -> list[Problem]:
    """Every construct outside the subset in a kit text as written (its ``{{ references }}`` are not markup).

    A link whose whole address is a reference (``[page]({{ statement_url }})``) is judged by
    ``link_ok(reference)``: the caller knows what the reference will hold.
    """
    accepted = frozenset(start for start, reference in _linked_references(source) if link_ok(reference))
    return list(_problems(source, accepted))


# Both remembered per text: a text repeats across revisions and incidents, and what it holds decides
# everything but which reference links the caller accepts (the key of ``_problems``).
@lru_cache(maxsize=16384)
def _linked_references(source: str) -> tuple[tuple[int, str], ...]:
    """Each ``{{ reference }}`` that is a link's whole address, with where it starts."""
    return tuple(
        (reference.start(), reference.group())
        for reference in _JINJA.finditer(source)
        if source[: reference.start()].endswith("](") and source.startswith(")", reference.end())
    )


@lru_cache(maxsize=16384)
def _problems(source: str, accepted: frozenset[int]) -> tuple[Problem, ...]:
    masked = _JINJA.sub(lambda m: _mask(m.group()), source)
    scanner = _Scanner(_clean_lines(masked), "block", set(accepted))
    scanner.block()  # offsets are kept through masking and cleaning: show what the author wrote there
    return tuple(Problem(p.offset, source[p.offset : p.offset + len(p.snippet)], p.what) for p in scanner.found)


def _literal(chunk: str) -> str:
    """``chunk`` with every character that could be markup escaped."""
    return "".join(_LITERAL.get(ch, ch) for ch in chunk)


def _mask(reference: str) -> str:
    """A ``{{ reference }}`` as letters of the same length (newlines kept), so offsets still match the source."""
    return re.sub(r"[^\n]", "x", reference)


def _clean_lines(value: str) -> str:
    """Newlines as ``\\n`` and control characters made visible, every offset unchanged."""
    return visible(value.replace("\r\n", " \n").replace("\r", "\n"))


def safe_url(url: str) -> bool:
    """Whether the subset links to ``url``: a plain https:, mailto: or tel: address."""
    return _SAFE_URL.fullmatch(url) is not None


def _url_problem(url: str) -> str | None:
    """None for an address the subset links to; else what it is, for the report."""
    if safe_url(url):
        return None
    scheme = _SCHEME.match(url)
    if scheme and not url.lstrip().lower().startswith(SAFE_SCHEMES):
        return f"a link to {scheme.group(1).lower()}:"
    return "a link that is not a plain https:, mailto: or tel: address"


class _Scanner:
    """One pass over a text: the escaped output, and the problems met on the way."""

    def __init__(self, source: str, mode: str, accepted: set[int] | None = None):
        self.source, self.mode, self.accepted = source, mode, accepted or set()
        self.found: list[Problem] = []

    def report(self, offset: int, snippet: str, what: str) -> None:
        if all(p.offset != offset for p in self.found):  # a line construct and its inline part: one report
            self.found.append(Problem(offset, snippet, what))

    def block(self) -> str:
        out: list[str] = []
        offset, previous, kind = 0, "", ""  # previous: "" blank, "p" paragraph line, "li" list item
        for number, raw in enumerate(self.source.split("\n")):
            start, body = offset + len(raw) - len(raw.lstrip(" \t")), raw.strip(" \t")
            offset += len(raw) + 1
            if not body:
                out.append("")
                previous = ""
                continue
            self._line_constructs(body, start, first=number == 0, after_text=previous == "p")
            marker = _LIST.match(body)
            if marker and not _HR.match(body):
                rest = body[marker.end() :]
                self._line_constructs(rest, start + marker.end(), first=False, after_text=False)
                bullet = marker.group(1)
                if previous == "p":
                    out.append("")  # Python-Markdown starts a list only after a blank line
                if kind and kind != ("ul" if bullet in "-*+" else "ol"):
                    out += ["", "<!-- -->", ""]  # else Python-Markdown merges a numbered list into a bulleted one
                kind = "ul" if bullet in "-*+" else "ol"
                out.append(("- " if bullet in "-*+" else bullet + " ") + self.line(start + marker.end(), True, rest))
                previous = "li"
            else:
                out.append(self.line(start, True, body))
                kind = "" if previous != "li" else kind
                previous = "p" if previous != "li" else "li"
        return "\n".join(out).strip("\n")

    def _line_constructs(self, body: str, start: int, first: bool, after_text: bool) -> None:
        """Report block syntax a line opens; ``line`` defuses it by escaping its first character."""
        what = None
        if first and body.rstrip() == "---":
            what = "front matter"
        elif _HR.match(body):
            what = "a horizontal rule"
        elif after_text and _SETEXT.match(body):
            what = "a heading (underlined)"
        elif body.startswith("#"):
            what = "a heading"
        elif body.startswith(("```", "~~~")):
            what = "a code fence"
        elif body.startswith(">"):
            what = "a block quote"
        elif "|" in body and "-" in body and _TABLE_RULE.match(body):
            what = "a table"
        elif body.startswith("*["):
            what = "an abbreviation"
        elif _DEFINITION.match(body):
            what = "a footnote" if body.startswith("[^") else "a link definition"
        if what:
            self.report(start, body, what)

    def line(self, start: int, at_line_start: bool, body: str | None = None, links: bool = True) -> str:
        """One line (or a link's words) escaped; ``start`` is its offset in the source, for reports."""
        s = self.source if body is None else body
        keep = self.mode != "text"
        out: list[str] = []
        i = 0
        if at_line_start and s:
            number = _NUMBER_DOT.match(s)
            if number:
                out.append(s[: number.start(1)] + f"&#{ord(number.group(1))};")
                i = number.end(1)
            elif _OPENER.match(s) or _HR.match(s):
                out.append(f"&#{ord(s[0])};")
                i = 1
        while i < len(s):
            plain = _PLAIN.match(s, i)  # no character of the run is markup: copied in one step
            if plain:
                out.append(plain.group())
                i = plain.end()
                continue
            c = s[i]
            if c == "<":
                angle = _ANGLE.match(s, i)
                if angle:
                    problem = _url_problem(angle.group(1))
                    if problem is None and keep and links:
                        words = self.line(start + i + 1, False, angle.group(1), links=False)
                        out.append(f"[{words}]({angle.group(1)})")
                        i = angle.end()
                        continue
                    if problem:
                        self.report(start + i, angle.group(), problem)
                else:
                    tag = _TAG.match(s, i)
                    if tag:
                        self.report(start + i, tag.group(), "raw HTML")
                out.append("&lt;")
            elif c == "&":
                entity = _ENTITY.match(s, i)
                if entity:
                    self.report(start + i, entity.group(), "an HTML entity")
                out.append("&amp;")
            elif c == "!" and s.startswith("![", i):
                image = _IMAGE.match(s, i)
                self.report(start + i, image.group() if image else "![", "an image")
                out.append(_literal(image.group() if image else "!["))
                i += len(image.group()) if image else 2
                continue
            elif c == "[":
                link = _LINK.match(s, i)
                if link:
                    problem = None if start + link.start(2) in self.accepted else _url_problem(link.group(2))
                    if problem is None and keep and links:
                        words = self.line(start + i + 1, False, link.group(1), links=False)
                        out.append(f"[{words}]({link.group(2)})")
                        i = link.end()
                        continue
                    if problem:
                        self.report(start + i, link.group(), problem)
                elif s.startswith("[^", i):
                    self.report(start + i, s[i : s.find("]", i) + 1 or len(s)], "a footnote")
                elif reference := _REFERENCE.match(s, i):
                    self.report(start + i, reference.group(), "a reference link")
                out.append(_ALWAYS[c])
            elif c == "{":
                braces = _BRACES.match(s, i)
                if braces:
                    self.report(start + i, braces.group(), "an attribute list")
                out.append(_ALWAYS[c])
            elif c == "`":
                code = _CODE.match(s, i)
                if code:
                    self.report(start + i, code.group(), "code")
                    out.append(_literal(code.group()))
                    i = code.end()
                    continue
                out.append(_ALWAYS[c])
            elif c in _ALWAYS:
                out.append(_ALWAYS[c])
            elif c == '"' and not keep:
                out.append("&quot;")
            elif (
                c in "*_"
                and not keep
                and not (c == "_" and 0 < i < len(s) - 1 and s[i - 1].isalnum() and s[i + 1].isalnum())
            ):  # snake_case is no emphasis
                out.append(f"&#{ord(c)};")
            else:
                out.append(c)
            i += 1
        return "".join(out).rstrip()
