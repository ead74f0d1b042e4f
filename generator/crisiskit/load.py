"""Stage 1, load: read kit files as YAML 1.2 and keep where every value stood.

ruamel.yaml (never PyYAML: it turns ``NO`` into false and ``12:30`` into
750) parses each file; the result is converted to plain Python values with
a map from key path to line and column, so later stages can report
``file:line:column`` for any value. Timestamps stay the strings the author
wrote: the schema parses them and insists on a timezone. Keys are always
text (``1:`` is the key "1"). A file that cannot be read becomes a Problem,
and the other files are still loaded.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ruamel.yaml import YAML
from ruamel.yaml.constructor import DuplicateKeyError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from crisiskit.errors import Problem
from crisiskit.texts import format_path

KeyPath = tuple[str | int, ...]
FileKind = Literal["incident", "scenario"]
SCENARIO_DIR = "scenarios"


class _Constructor(RoundTripConstructor):
    """Round-trip constructor that leaves timestamps as the text written."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", RoundTripConstructor.construct_yaml_str)


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


@dataclass(frozen=True)
class SourceFile:
    """One kit file as loaded: plain data plus positions."""

    path: Path
    display: str
    kind: FileKind
    data: dict[str, Any]
    positions: Positions
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceKit:
    """Everything the load stage read, and what it could not read."""

    files: list[SourceFile]
    problems: list[Problem]


def display_path(path: Path) -> str:
    """The path as the user should see it: relative to the working directory when inside it."""
    if not path.is_absolute():
        return path.as_posix()
    try:
        relative = Path(os.path.relpath(path))
    except ValueError:
        return path.as_posix()
    return path.as_posix() if relative.parts[:1] == ("..",) else relative.as_posix()


def discover(paths: list[Path]) -> list[tuple[Path, FileKind]]:
    """The kit files named by ``paths``: incidents, and the scenarios beside them."""
    found: dict[Path, FileKind] = {}
    for path in paths:
        if path.is_dir():
            kind: FileKind = "scenario" if path.name == SCENARIO_DIR else "incident"
            for file in sorted([*path.glob("*.yml"), *path.glob("*.yaml")]):
                found[file] = kind
            scenario_dirs = [path / SCENARIO_DIR] if kind == "incident" else []
        else:
            found[path] = "scenario" if path.parent.name == SCENARIO_DIR else "incident"
            scenario_dirs = [path.parent / SCENARIO_DIR] if path.parent.name != SCENARIO_DIR else []
        for folder in scenario_dirs:
            for file in sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")]):
                found[file] = "scenario"
    return sorted(found.items())


def load_kits(paths: list[Path]) -> SourceKit:
    """Read every kit file under ``paths``; never stops at the first bad file."""
    files: list[SourceFile] = []
    problems: list[Problem] = []
    for path, kind in discover(paths):
        loaded = load_file(path, kind)
        if isinstance(loaded, SourceFile):
            files.append(loaded)
        else:
            problems.append(loaded)
    return SourceKit(files, problems)


def load_file(path: Path, kind: FileKind) -> SourceFile | Problem:
    """Load one file, or say why it cannot be loaded."""
    shown = display_path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:  # the default kits/ when run outside the site repository
        return Problem(shown, 1, 1, "", "expected a kit file or a folder of kits; got no such file or folder "
                       "(run crisiskit in the site repository's root, or name the kits)")
    except OSError as error:
        return Problem(shown, 1, 1, "", f"expected a readable kit file; got {error.strerror or error}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        # Columns count characters, as editors do, not bytes: decode the line up to the bad byte.
        before = raw[raw.rfind(b"\n", 0, error.start) + 1: error.start]
        column = len(before.decode("utf-8", errors="replace")) + 1
        return Problem(shown, line, column, "", f"expected UTF-8 text; got the byte 0x{raw[error.start]:02x}, "
                       "which is not UTF-8 (save the file as UTF-8)")
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    try:
        document = yaml.load(text)
    except DuplicateKeyError as error:
        return _duplicate_key(shown, error, text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        what = " ".join(part for part in (error.context, error.problem) if part)
        opened = error.context_mark
        if opened and mark and opened.line != mark.line and str(error.context).startswith("while"):
            what += f" (what was left open started at line {opened.line + 1}, column {opened.column + 1})"
        if "'\\t'" in str(error.problem):
            what += " (indent with spaces, never tabs)"
        elif mark and "{{" in "".join(text.splitlines()[max(mark.line - 1, 0): mark.line + 1]):
            what += " (put a text that contains {{ ... }} in quotes)"
        return Problem(shown, mark.line + 1 if mark else 1, mark.column + 1 if mark else 1, "",
                       f"expected valid YAML; got a syntax error: {what}")
    except YAMLError as error:
        return Problem(shown, 1, 1, "", f"expected valid YAML; got {error}")
    if document is None:
        return Problem(shown, 1, 1, "", "expected a mapping of kit fields; got an empty file")
    if not isinstance(document, dict):
        return Problem(shown, 1, 1, "", f"expected a mapping of kit fields; got {_kind_of(document)}")
    positions = Positions()
    positions.values[()] = (1, 1)
    data = _plain(document, (), positions)
    return SourceFile(path, shown, kind, data, positions, tuple(text.splitlines()))


def _duplicate_key(shown: str, error: DuplicateKeyError, text: str) -> Problem:
    mark, opened = error.problem_mark, error.context_mark
    key = str(error.problem).split('"')[1] if '"' in str(error.problem) else "a key"
    first = _first_occurrence(text, key, opened, mark)
    first_at = f" (first at line {first})" if first else ""
    mapping = _mapping_path(text, opened)
    path = format_path(mapping + (key,)) if mapping is not None else ""
    return Problem(shown, mark.line + 1, mark.column + 1, path,
                   f'expected each key once in a mapping; got "{key}" again{first_at}')


def _first_occurrence(text: str, key: str, opened: Any, mark: Any) -> int | None:
    """The line of ``key``'s first occurrence in the mapping that starts at ``opened``, not anywhere above it."""
    region = text[opened.index: mark.index]
    flow = text[opened.index: opened.index + 1] == "{"
    pattern = re.compile(r"""(?:^|(?<=[\s{,?-]))(["']?)""" + re.escape(key) + r"\1[ \t]*:(?=\s)", re.MULTILINE)
    for match in pattern.finditer(region):
        offset = opened.index + match.start()
        line_start = text.rfind("\n", 0, offset) + 1
        if flow:
            before = region[: match.start()]
            if sum(before.count(c) for c in "{[") - sum(before.count(c) for c in "}]") != 1:
                continue
        elif offset - line_start != mark.column:
            continue
        return text.count("\n", 0, offset) + 1
    return None


def _mapping_path(text: str, opened: Any) -> KeyPath | None:
    """The key path of the mapping that starts at ``opened``, read again with duplicate keys allowed."""
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.allow_duplicate_keys = True
    try:
        document = yaml.load(text)
    except YAMLError:
        return None
    if not isinstance(document, dict):
        return None
    at = (opened.line + 1, opened.column + 1)
    if (document.lc.line + 1, document.lc.col + 1) == at:
        return ()
    positions = Positions()
    _plain(document, (), positions)
    found = [path for path, where in positions.values.items() if where == at]
    return max(found, key=len) if found else None


def _key_text(key: Any) -> str:
    """A mapping key as the author wrote it: every key is text to the schema (``1:`` is the key "1")."""
    if isinstance(key, str):
        return str(key)
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, (tuple, list)):
        return "[" + ", ".join(_key_text(k) for k in key) + "]"
    return str(key)


def _kind_of(value: Any) -> str:
    return "a list" if isinstance(value, list) else f"a single value ({value!r})"


def _plain(node: Any, path: KeyPath, positions: Positions) -> Any:
    """Convert ruamel's round-trip objects to plain values, recording positions."""
    if isinstance(node, dict):
        out: dict[Any, Any] = {}
        for key in node:
            name = _key_text(key)
            here = path + (name,)
            try:
                line, column = node.lc.key(key)
                positions.keys[here] = (line + 1, column + 1)
                line, column = node.lc.value(key)
                positions.values[here] = (line + 1, column + 1)
            except (AttributeError, KeyError, TypeError):
                pass
            out[name] = _plain(node[key], here, positions)
        return out
    if isinstance(node, list):
        items = []
        for index, item in enumerate(node):
            here = path + (index,)
            try:
                line, column = node.lc.item(index)
                positions.values[here] = (line + 1, column + 1)
            except (AttributeError, KeyError, TypeError):
                pass
            items.append(_plain(item, here, positions))
        return items
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node
