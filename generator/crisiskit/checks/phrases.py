"""What every match of a wording phrase must contain, so a text without it is passed without a search.

Searching each phrase pattern in each text is most of the wording check, and most texts use none of
them. A pattern's required texts are read from its own source: a run of plain characters outside any
group, or a group (not optional) whose alternatives are all plain; a match of the pattern contains one
of them. The test is made on ``str.casefold`` of the text, which keeps every match of the
case-insensitive pattern (checked over all of Unicode for the characters allowed in a required text);
a text with U+0130 (whose fold is two characters) is always searched.
"""

from __future__ import annotations

import unicodedata

_META = frozenset("\\[](){}?*+|.^$")
_QUANTIFIERS = frozenset("?*{")


def folding(source: str) -> str:
    """``source`` as required texts are compared with it; empty when it must be searched whatever it holds."""
    return "" if "\u0130" in source else source.casefold()


def _plain(text: str) -> bool:
    """Whether ``text`` is a literal whose case-insensitive matches all fold to its own fold."""
    return bool(text) and all(
        (" " <= ch <= "~" and ch not in _META)
        or (ord(ch) > 127 and unicodedata.category(ch) in {"Lo", "Po", "Ps", "Pe", "Pd", "Zs"})
        for ch in text
    )


def _group_end(pattern: str, start: int) -> int | None:
    """Index of the ``)`` closing the group opened at ``start``."""
    depth = 0
    i = start
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            end = _class_end(pattern, i)
            if end is None:
                return None
            i = end + 1
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def _class_end(pattern: str, start: int) -> int | None:
    """Index of the ``]`` closing the character class opened at ``start``."""
    i = start + 1
    if i < len(pattern) and pattern[i] == "^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        i += 1
    while i < len(pattern):
        if pattern[i] == "\\":
            i += 2
            continue
        if pattern[i] == "]":
            return i
        i += 1
    return None


def required_texts(pattern: str) -> tuple[str, ...] | None:
    """Folded texts one of which every match of ``pattern`` contains (the longest such choice), or None."""
    best: tuple[str, ...] | None = None

    def consider(options: tuple[str, ...]) -> None:
        nonlocal best
        if all(_plain(option) for option in options) and (best is None or min(map(len, options)) > min(map(len, best))):
            best = tuple(option.casefold() for option in options)

    run = ""
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "|":
            return None  # an alternative at the top: nothing every match shares
        if ch == "(":
            consider((run,))
            run = ""
            end = _group_end(pattern, i)
            if end is None:
                return None
            body = pattern[i + 1 : end]
            optional = end + 1 < len(pattern) and pattern[end + 1] in _QUANTIFIERS
            if body.startswith("?:"):
                body = body[2:]
            elif body.startswith("?"):
                body = ""  # a look-around or flags: matches no text of its own
            if body and not optional:
                consider(tuple(body.split("|")))
            i = end + 1
            continue
        if ch == "[":
            consider((run,))
            run = ""
            end = _class_end(pattern, i)
            if end is None:
                return None
            i = end + 1
            continue
        if ch == "\\":
            consider((run,))
            run = ""
            i += 2
            continue
        if ch in _QUANTIFIERS or ch == "+":
            if ch != "+":
                run = run[:-1]  # the character before may be absent
            consider((run,))
            run = ""
            if ch == "{":
                close = pattern.find("}", i)
                if close < 0:
                    return None
                i = close
            i += 1
            while i < len(pattern) and pattern[i] in "?+":
                i += 1  # a lazy or possessive quantifier
            continue
        if ch in _META:
            consider((run,))
            run = ""
        else:
            run += ch
        i += 1
    consider((run,))
    return best
