"""YAML 1.2 read with positions, within bounds: the parser the load stage uses.

ruamel.yaml's round-trip parser keeps the line and column of every key and
value; this module adds the bounds of ``bounds.Limits`` where the parser
would otherwise run away (nesting depth, endless numbers, aliases that
expand a few hundred bytes into billions of values) and turns a reused
anchor name into an error at its place instead of a warning printed raw.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedSet, TaggedScalar
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.scanner import RoundTripScanner

from crisiskit.model.bounds import Limits
from crisiskit.model.schema.types import printable, quote

KeyPath = tuple[str | int, ...]


class LimitReached(MarkedYAMLError):
    """A bound of bounds.Limits reached while parsing, with the place it was reached."""

    def __init__(self, message: str, mark: Any):
        super().__init__(problem=message, problem_mark=mark)


class _Constructor(RoundTripConstructor):
    """Round-trip constructor that leaves timestamps as the text written and refuses endless numbers.

    Python refuses to read an integer of more than 4,300 digits, and Babel
    cannot format one of more than about 28: a number is a fact people
    read, so more than ``Limits.digits`` digits is an error at its place.
    """

    digits = Limits.digits

    def construct_yaml_int(self, node: Any) -> Any:
        written = str(node.value).replace("_", "").lstrip("+-")
        if len(written) > self.digits:
            raise LimitReached(
                f"expected a whole number of at most {self.digits} digits; got one of "
                f"{len(written):,} digits (put it in quotes if it is a text, such as an account "
                "number)",
                node.start_mark,
            )
        return super().construct_yaml_int(node)


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)
_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_yaml_int)


class _Composer(Composer):
    """Counts values as they are parsed, and refuses a second anchor of the same name where it stands.

    With two ``&name``, every later ``*name`` silently means the second one
    (ruamel.yaml only prints a warning).
    """

    values = Limits.values

    def compose_node(self, parent: Any, index: Any) -> Any:
        self.composed = getattr(self, "composed", 0) + 1
        if self.composed > self.values:  # counted while parsing: parsing itself costs about 0.1 ms a value
            raise LimitReached(
                f"expected at most {self.values:,} values in a kit; got more by here "
                "(split the kit, or move text to a scenario)",
                self.parser.peek_event().start_mark,
            )
        if not self.parser.check_event(AliasEvent):
            event = self.parser.peek_event()
            if event.anchor is not None and event.anchor in self.anchors:
                first = self.anchors[event.anchor].start_mark
                raise LimitReached(
                    f"expected each anchor name once; got {quote('&' + event.anchor, 40)} again "
                    f"(first at line {first.line + 1}); give the second another name",
                    event.start_mark,
                )
        return super().compose_node(parent, index)


_LINE_ENDS = "\n\0\r\x85\u2028\u2029"  # ruamel's: the line breaks, and "\0" for the end of the text
_COMMENT_REST = re.compile(f"[^{_LINE_ENDS}]*")


class _Scanner(RoundTripScanner):
    """Round-trip scanner that reads a comment line in one search instead of one character at a time.

    ruamel.yaml 0.19 builds each comment with ``comment += ch``; the string
    is copied as it grows often enough that the time grows with the square of
    the line's length (a kit starting with a 900 KB comment line took about
    15 seconds). This is its ``scan_to_next_token`` with that loop replaced:
    the same tokens, marks and comment text, in time linear in the file.
    """

    def scan_to_next_token(self) -> Any:
        reader = self.reader
        if reader.index == 0 and reader.peek() == "\ufeff":
            reader.forward()
        white_space = " \t" if self.flow_level > 0 else " "
        while True:
            while reader.peek() in white_space:
                reader.forward()
            if reader.peek() == "#":
                start_mark = reader.get_mark()
                comment = ""
                while True:  # one search per buffer the reader holds (a text is one buffer)
                    found = _COMMENT_REST.match(reader.buffer, reader.pointer)
                    rest = found.group() if found else ""
                    comment += rest
                    reader.forward(len(rest))
                    ending = reader.peek()
                    if ending in _LINE_ENDS:
                        break
                if ending == "\0":  # YAML processors should end the stream with a line break: add one
                    comment += "\n"
                else:  # ruamel keeps the line break in the comment
                    comment += ending
                    reader.forward()
                ch = self.scan_line_break()  # and the blank lines after it
                while ch:
                    comment += ch
                    ch = self.scan_line_break()
                if not self.flow_level:
                    self.allow_simple_key = True
                return comment, start_mark, reader.get_mark()
            if self.scan_line_break() == "":
                return None
            start_mark = reader.get_mark()
            if not self.flow_level:
                self.allow_simple_key = True
            if reader.peek() == "\n":  # empty top-level lines
                start_mark = reader.get_mark()
                comment = ""
                ch = "\n"
                while ch:
                    ch = self.scan_line_break(empty_line=True)
                    comment += ch
                if reader.peek() == "#":  # an empty line followed by an indented comment
                    comment = comment.rsplit("\n", 1)[0] + "\n"
                return comment, start_mark, reader.get_mark()


def yaml_parser(limits: Limits, *, duplicate_keys: bool = False) -> YAML:
    """A fresh round-trip parser (a parser that failed keeps state) with the bounds applied."""
    yaml = YAML(typ="rt")
    yaml.Scanner = _Scanner
    yaml.Constructor = _Constructor
    yaml.Composer = _Composer
    yaml.max_depth = limits.depth
    yaml.allow_duplicate_keys = duplicate_keys
    return yaml


@dataclass
class Positions:
    """Line and column (1-based) of every key and value of one file."""

    values: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    keys: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: KeyPath, *, key: bool = False) -> tuple[int, int]:
        """Where ``path`` stands, or the nearest enclosing value that exists."""
        if key and path in self.keys:
            return self.keys[path]
        while path not in self.values and path:
            path = path[:-1]
        return self.values.get(path, (1, 1))


def _key_text(key: Any) -> str:
    """A mapping key as the author wrote it: every key is text to the schema (``1:`` is the key "1").

    Keys appear in every message's key path, so an invisible or control
    character is spelled out and a very long key shortened; no valid key
    has either, so this never changes a key the schema accepts.
    """
    if isinstance(key, str):
        return printable(str(key), 100)
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, (tuple, list)):
        return "[" + ", ".join(_key_text(k) for k in key) + "]"
    return str(key)


class Refused(Exception):
    """The document expands past a bound, or holds a value no kit field can take; ``path`` is where."""

    def __init__(self, path: KeyPath, message: str):
        super().__init__(message)
        self.path, self.message = path, message


class Converter:
    """Converts ruamel's round-trip objects to plain values, recording positions, within the bounds.

    An alias (``*name``) is the same object as its anchor, and copying it
    copies its whole contents: nine aliases of nine aliases of ... make a
    300-byte file expand to a billion values. Every value converted counts,
    at every use, so such a file stops at ``limits.values``.
    """

    def __init__(self, positions: Positions, limits: Limits):
        self.positions, self.limits, self.count = positions, limits, 0

    def _counted(self, path: KeyPath) -> None:
        self.count += 1
        if self.count > self.limits.values:
            raise Refused(
                path,
                f"expected at most {self.limits.values:,} values in a kit, counting what every "
                "alias (*name) repeats; got more by here (write the values out, or split the kit)",
            )
        if len(path) > self.limits.depth:
            raise Refused(path, f"expected at most {self.limits.depth} levels of nesting; got deeper here")

    def plain(self, node: Any, path: KeyPath) -> Any:
        self._counted(path)
        positions = self.positions
        if isinstance(node, dict):
            mapping: Any = node  # ruamel's CommentedMap: a dict that also knows where each key stood (.lc)
            out: dict[Any, Any] = {}
            for key in node:
                name = _key_text(key)
                here = path + (name,)
                try:
                    line, column = mapping.lc.key(key)
                    positions.keys[here] = (line + 1, column + 1)
                    line, column = mapping.lc.value(key)
                    positions.values[here] = (line + 1, column + 1)
                except (AttributeError, KeyError, TypeError):
                    pass
                out[name] = self.plain(node[key], here)
            return out
        if isinstance(node, list):
            sequence: Any = node  # ruamel's CommentedSeq (.lc)
            items = []
            for index, item in enumerate(node):
                here = path + (index,)
                try:
                    line, column = sequence.lc.item(index)
                    positions.values[here] = (line + 1, column + 1)
                except (AttributeError, KeyError, TypeError):
                    pass
                items.append(self.plain(item, here))
            return items
        if isinstance(node, bool) or node is None:
            return node
        if isinstance(node, int):
            return int(node)
        if isinstance(node, float):
            return float(node)
        if isinstance(node, str):
            return str(node)
        if isinstance(node, TaggedScalar):  # !!str 1, !custom text: the text as written
            return str(node.value)
        kinds: dict[type, str] = {bytes: "binary data (!!binary)", CommentedSet: "a set (!!set)"}
        kind = kinds.get(type(node), type(node).__name__)
        raise Refused(
            path, f"expected text, a number, true or false, a list or a mapping; got {kind} (remove the YAML tag)"
        )
