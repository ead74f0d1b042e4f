"""JSON written with two-space indents, as ``json.dumps(value, ensure_ascii=False, indent=2)`` writes it, faster.

Python's encoder writes indented JSON in pure Python, through one generator per list and dict; kit.json
(every revision's texts, twice) and the feeds are written once per kit and language, and that was most of
their cost. Texts go through the encoder's own (C) string function, so every escape is the encoder's; a value
of any type but text, whole number, boolean, None, list, tuple or dict with text keys is left to json.dumps.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Any


class _Unusual(Exception):
    """A value this module leaves to json.dumps (a float, a key that is not a text, an object)."""


def indented_json(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)``, character for character."""
    out: list[str] = []
    try:
        _indented(value, "\n", out)
    except (_Unusual, RecursionError):  # RecursionError: a value that holds itself, which json.dumps reports
        return json.dumps(value, ensure_ascii=False, indent=2)
    return "".join(out)


def _indented(value: Any, newline: str, out: list[str]) -> None:
    # the encoder's order of tests (json/encoder.py, _iterencode): text, None, booleans, int, list, dict
    if isinstance(value, str):
        out.append(encode_basestring(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for item in value:
            out.append(separator)
            _indented(item, inner, out)
            separator = "," + inner
        out.append(newline + "]")
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        separator = "{" + inner
        for key, item in value.items():
            if not isinstance(key, str):
                raise _Unusual
            out.append(separator + encode_basestring(key) + ": ")
            _indented(item, inner, out)
            separator = "," + inner
        out.append(newline + "}")
    else:
        raise _Unusual
