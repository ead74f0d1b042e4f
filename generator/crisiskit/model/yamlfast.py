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
from yaml import events as _events

# libyaml's events, told apart by their class (the same classes PyYAML's pure-Python parser gives)
_SCALAR = _events.ScalarEvent
_MAPPING = _events.MappingStartEvent
_SEQUENCE = _events.SequenceStartEvent
_MAPPING_END = _events.MappingEndEvent
_SEQUENCE_END = _events.SequenceEndEvent
_STREAM_START = _events.StreamStartEvent
_STREAM_END = _events.StreamEndEvent
_DOCUMENT_START = _events.DocumentStartEvent
_DOCUMENT_END = _events.DocumentEndEvent

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


@lru_cache(maxsize=8192)
def _key_name(raw: str) -> str:
    """``_key_text`` of a key, remembered: a kit repeats a few dozen keys (en, zh-Hant, revision ...) many times."""
    return _key_text(raw)


@lru_cache(maxsize=8192)
def _plain(value: str, digits: int) -> Any:
    """A plain scalar as ruamel.yaml's round-trip reading (crisiskit's constructor) gives it to Converter;
    remembered (a value is text, a number, a boolean or null, none of them mutable): dates, times, statuses and
    numbers repeat across a kit's revisions and across kits."""
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
    values, keys = positions.values, positions.keys
    values[()] = (1, 1)
    # a frame: [container, its key path, the pending key's text (mappings), the next index (lists), raw keys seen,
    # whether the container is a mapping]
    stack: list[list[Any]] = []
    frame: list[Any] | None = None  # stack[-1], the innermost open container
    root: Any = None
    documents = 0
    nodes = 0
    most_nodes = limits.values - 2
    deepest = limits.depth - 2
    digits = limits.digits
    next_event = parser.get_event
    while True:
        event = next_event()
        kind = type(event)
        if kind is not _SCALAR and kind is not _MAPPING and kind is not _SEQUENCE:
            if kind is _MAPPING_END or kind is _SEQUENCE_END:
                done = stack.pop()[0]
                if stack:
                    frame = stack[-1]
                else:
                    frame, root = None, done
                continue
            if kind is _STREAM_END:
                break
            if kind is _DOCUMENT_START:
                documents += 1
                if documents > 1:
                    raise _Decline
                continue
            if kind is _STREAM_START or kind is _DOCUMENT_END:
                continue
            raise _Decline  # an alias
        if event.anchor is not None or event.tag is not None:
            raise _Decline
        nodes += 1
        if nodes > most_nodes:
            raise _Decline
        mark = event.start_mark
        where = (mark.line + 1, mark.column + 1)
        if frame is None:
            path: KeyPath = ()
        elif frame[5]:  # in a mapping
            if frame[2] is None:  # its key
                if kind is not _SCALAR:
                    raise _Decline
                raw = event.value if event.style else _plain(event.value, digits) if event.value else None
                if not isinstance(raw, str) or raw in frame[4]:
                    raise _Decline  # a key that is not text (1:, null:, <<:), or the same key twice
                frame[4].add(raw)
                name = _key_name(raw)
                frame[2] = name
                keys[frame[1] + (name,)] = where
                continue
            path = frame[1] + (frame[2],)
            values[path] = where
        else:
            path = frame[1] + (frame[3],)
            values[path] = where
        if len(path) > deepest:
            raise _Decline
        value: Any
        if kind is _SCALAR:
            if event.style:  # quoted, literal or folded: text
                value = event.value
            elif event.value:
                value = _plain(event.value, digits)
            else:
                raise _Decline  # an empty value: ruamel.yaml places it differently
        else:
            value = {} if kind is _MAPPING else []
        if frame is None:
            root = value
        elif frame[5]:
            frame[0][frame[2]] = value
            frame[2] = None
        else:
            frame[0].append(value)
            frame[3] += 1
        if kind is not _SCALAR:
            frame = [value, path, None, 0, set(), kind is _MAPPING]
            stack.append(frame)
    if not isinstance(root, dict):
        raise _Decline  # empty, or not a mapping: ruamel.yaml's reading says what it is
    return root, positions
