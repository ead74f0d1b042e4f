"""The common kit read in C: libyaml's events, with ruamel.yaml's YAML 1.2 reading of every value.

ruamel.yaml's round-trip parser is pure Python and was a third of `check`
on a large archive. Most kits use a small part of YAML: block and flow
mappings and lists of text, numbers, booleans and dates, without anchors,
tags or directives. For those, libyaml (the C parser PyYAML ships) gives
the same structure and the same line and column for every key and value,
and this module resolves each plain value with ruamel.yaml's own YAML 1.2
table, so ``NO`` stays text and ``12:30`` a string.

Anything outside that subset (an anchor or alias, a tag, a directive, a
second document, an empty value, a duplicate or non-text key, a number
with underscores, leading zeros or an exponent, a tab, a carriage return,
a line break YAML 1.1 and 1.2 read differently, a character YAML forbids,
a bound of bounds.Limits nearly reached, and every syntax error) makes
``fast_parse`` return None, and the caller reads the text with ruamel.yaml,
which says what it says today. tests/test_yamlfast.py reads every kit the
project ships and its fixtures both ways and finds the same values and
positions.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from crisiskit.model.bounds import Limits
from crisiskit.model.yamlparse import KeyPath, Positions, _key_text

try:  # PyYAML built with libyaml (MkDocs depends on PyYAML); without it every kit takes ruamel.yaml's path
    from yaml import _yaml as _libyaml
except ImportError:  # pragma: no cover - a PyYAML without its C extension
    _libyaml = None

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
# Characters either parser reads differently or refuses: tabs and carriage returns (whitespace rules), the
# line breaks of YAML 1.1 only, a directive at a line's start, and what ruamel's reader calls non-printable.
_UNUSUAL = re.compile(
    "[\t\r\x85\u2028\u2029\ufeff]|^%|[^\x0a\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]", re.MULTILINE
)
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT_TEXT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\.[0-9]+")


class _Decline(Exception):
    """The text is outside the subset read here: ruamel.yaml reads it."""


@lru_cache(maxsize=1)
def _resolver_table() -> dict[str, list[tuple[str, Any]]]:
    """ruamel.yaml's implicit resolvers for YAML 1.2 plain scalars: first character -> (tag, pattern)."""
    from ruamel.yaml.resolver import VersionedResolver

    return dict(VersionedResolver(version=(1, 2)).versioned_resolver)


def _plain(value: str, digits: int) -> Any:
    """A plain scalar as ruamel.yaml's round-trip reading (crisiskit's constructor) gives it to Converter."""
    tag = _STR
    for candidate, pattern in _resolver_table().get(value[:1], ()):
        if pattern.match(value):
            tag = candidate
            break
    if tag in (_STR, _TIMESTAMP):  # a timestamp stays the text written (yamlparse._Constructor)
        return value
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return value[0] in "tT"
    if tag == _INT and _DECIMAL.fullmatch(value) and len(value.lstrip("+-")) <= digits:
        return int(value)
    if tag == _FLOAT and _FLOAT_TEXT.fullmatch(value):
        return float(value)
    raise _Decline


def fast_parse(text: str, limits: Limits) -> tuple[dict[str, Any], Positions] | None:
    """The document's plain data and positions, as load._parse gets them from ruamel.yaml; None outside the subset."""
    if _libyaml is None or _UNUSUAL.search(text):
        return None
    try:
        return _read(_libyaml.CParser(text), limits)
    except _Decline:
        return None
    except Exception:  # libyaml refused the text: ruamel.yaml reads it again and says where and why
        return None


def _read(parser: Any, limits: Limits) -> tuple[dict[str, Any], Positions]:
    positions = Positions()
    positions.values[()] = (1, 1)
    # a frame: [container, its key path, the pending key's text (mappings), the next index (lists), raw keys seen]
    stack: list[list[Any]] = []
    root: Any = None
    documents = 0
    nodes = 0
    most_nodes = limits.values - 2
    deepest = limits.depth - 2
    digits = limits.digits
    while True:
        event = parser.get_event()
        kind = type(event).__name__
        if kind == "StreamEndEvent":
            break
        if kind in ("StreamStartEvent", "DocumentEndEvent"):
            continue
        if kind == "DocumentStartEvent":
            documents += 1
            if documents > 1:
                raise _Decline
            continue
        if kind in ("MappingEndEvent", "SequenceEndEvent"):
            done = stack.pop()[0]
            if not stack:
                root = done
            continue
        if kind not in ("ScalarEvent", "MappingStartEvent", "SequenceStartEvent"):
            raise _Decline  # an alias
        if event.anchor is not None or event.tag is not None:
            raise _Decline
        nodes += 1
        if nodes > most_nodes:
            raise _Decline
        mark = event.start_mark
        where = (mark.line + 1, mark.column + 1)
        frame = stack[-1] if stack else None
        if frame is not None and isinstance(frame[0], dict) and frame[2] is None:  # a mapping's key
            if kind != "ScalarEvent":
                raise _Decline
            raw = event.value if event.style else _plain(event.value, digits) if event.value else None
            if not isinstance(raw, str) or raw in frame[4]:
                raise _Decline  # a key that is not text (1:, null:, <<:), or the same key twice
            frame[4].add(raw)
            name = _key_text(raw)
            frame[2] = name
            positions.keys[frame[1] + (name,)] = where
            continue
        if frame is None:
            path: KeyPath = ()
        elif isinstance(frame[0], dict):
            path = frame[1] + (frame[2],)
        else:
            path = frame[1] + (frame[3],)
        if frame is not None:
            positions.values[path] = where
        if len(path) > deepest:
            raise _Decline
        value: Any
        if kind == "ScalarEvent":
            if event.style:  # quoted, literal or folded: text
                value = event.value
            elif event.value:
                value = _plain(event.value, digits)
            else:
                raise _Decline  # an empty value: ruamel.yaml places it differently
        else:
            value = {} if kind == "MappingStartEvent" else []
        if frame is None:
            root = value
        elif isinstance(frame[0], dict):
            frame[0][frame[2]] = value
            frame[2] = None
        else:
            frame[0].append(value)
            frame[3] += 1
        if kind != "ScalarEvent":
            stack.append([value, path, None, 0, set()])
    if not isinstance(root, dict):
        raise _Decline  # empty, or not a mapping: ruamel.yaml's reading says what it is
    return root, positions
