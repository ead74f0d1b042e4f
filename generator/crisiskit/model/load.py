"""Stage 1, load: read kit files as YAML 1.2 and keep where every value stood.

ruamel.yaml (never PyYAML: it turns ``NO`` into false and ``12:30`` into
750) parses each file; the result is converted to plain Python values with
a map from key path to line and column, so later stages can report
``file:line:column`` for any value. Timestamps stay the strings the author
wrote: the schema parses them and insists on a timezone. Keys are always
text (``1:`` is the key "1"). A file that cannot be read becomes a Problem,
and the other files are still loaded.

Reading is bounded (``bounds``: which files, how many bytes; ``yamlparse``:
how deep, how many values), so no kit, however hostile, costs more than
seconds and a few hundred megabytes, and every bound reached is a Problem
at the line and column where it was reached.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from ruamel.yaml.composer import MaxDepthExceededError
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from crisiskit.errors import KitError, Problem
from crisiskit.model.bounds import DEFAULT_LIMITS, Limits, read_bounded
from crisiskit.model.origin import format_path
from crisiskit.model.profile import NO_PROFILE, Profile
from crisiskit.model.schema.types import MAX_ID_LENGTH, describe, file_name_problem, quote
from crisiskit.model.yamlfast import fast_parse
from crisiskit.model.yamlparse import Converter, KeyPath, LimitReached, Positions, Refused, yaml_parser

log = logging.getLogger(__name__)
__all__ = ["FileKind", "KeyPath", "Positions", "SourceFile", "SourceKit", "discover", "load_file", "load_kits"]
FileKind = Literal["incident", "scenario"]
SCENARIO_DIR = "scenarios"
_YAML_1_1 = re.compile(r"^%YAML[ \t]+(?!1\.2\b)\S*.*$", re.MULTILINE)


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
    profile: Profile = NO_PROFILE
    """What the project's crisiskit.yml gives every incident (organization, contacts, ...)."""


def display_path(path: Path) -> str:
    """The path as the user should see it: relative to the working directory when inside it."""
    if not path.is_absolute():
        return path.as_posix()
    try:
        relative = Path(os.path.relpath(path))
    except ValueError:
        return path.as_posix()
    return path.as_posix() if relative.parts[:1] == ("..",) else relative.as_posix()


def discover(paths: list[Path]) -> list[tuple[Path, FileKind, Path]]:
    """The kit files named by ``paths`` (incidents, and the scenarios beside them), each with its kits folder."""
    found: dict[Path, tuple[FileKind, Path]] = {}
    for path in paths:
        if path.is_dir():
            kind: FileKind = "scenario" if path.name == SCENARIO_DIR else "incident"
            root = path.parent if kind == "scenario" else path
            for file in sorted([*path.glob("*.yml"), *path.glob("*.yaml")]):
                found[file] = (kind, root)
            scenario_dirs = [path / SCENARIO_DIR] if kind == "incident" else []
        else:
            in_scenarios = path.parent.name == SCENARIO_DIR
            root = path.parent.parent if in_scenarios else path.parent
            found[path] = ("scenario" if in_scenarios else "incident", root)
            scenario_dirs = [path.parent / SCENARIO_DIR] if not in_scenarios else []
        for folder in scenario_dirs:
            for file in sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")]):
                found[file] = ("scenario", folder.parent)
    return sorted((file, kind, root) for file, (kind, root) in found.items())


def project_settings(paths: list[Path]) -> tuple[Limits, Profile, list[Problem]]:
    """The limits and profile set in the crisiskit.yml of the site repository ``paths`` are in, else the defaults.

    The repository is the nearest folder above the first path that holds kits/: a project nested in
    another (a test fixture in a checkout) never inherits the outer one's crisiskit.yml.
    """
    from crisiskit.model.config import CONFIG_FILE, load_config  # config reads its own file with this module

    for path in paths[:1]:
        start = path.resolve()
        for folder in [start, *start.parents]:
            if not (folder / "kits").is_dir():
                continue
            if not (folder / CONFIG_FILE).is_file():
                break
            try:
                config = load_config(folder)
            except KitError as error:
                return Limits(), Profile(broken=True), list(error.problems)
            return Limits(kit_bytes=config.kit_bytes), config.profile, []
    return Limits(), NO_PROFILE, []


def load_kits(paths: list[Path], limits: Limits | None = None) -> SourceKit:
    """Read every kit file under ``paths``, with the project's profile; never stops at the first bad file."""
    files: list[SourceFile] = []
    found, profile, problems = project_settings(paths)
    limits = found if limits is None else limits
    for path, kind, root in discover(paths):
        loaded = load_file(path, kind, limits, root=root)
        if isinstance(loaded, SourceFile):
            files.append(loaded)
        else:
            problems.append(loaded)
    log.debug("%d kit file(s) read, %d unreadable", len(files), len(problems))
    return SourceKit(files, problems, profile)


def load_file(
    path: Path,
    kind: FileKind,
    limits: Limits = DEFAULT_LIMITS,
    *,
    root: Path | None = None,
) -> SourceFile | Problem:
    """Load one file within ``limits``, or say why it cannot be loaded.

    ``root`` is the kits folder the file was found in (default: its own
    folder); a symbolic link may point only inside it.
    """
    shown = display_path(path)
    if root is not None:  # a file found in kits/ (not crisiskit.yml): its name becomes a path on every system
        bad_name = file_name_problem(path.name[: -len(path.suffix)] if path.suffix else path.name)
        if bad_name:
            return Problem(
                shown,
                1,
                1,
                "",
                f"expected a kit file name of at most {MAX_ID_LENGTH} characters that "
                f"works on every system; got {bad_name} (rename the file, and its id)",
            )
    raw = read_bounded(path, shown, root if root is not None else path.parent, limits)
    if isinstance(raw, Problem):
        return raw
    parsed = _parse(path, shown, kind, limits, raw)
    # each caller gets its own data to do with as it likes; the remembered parse stays as it was read
    return replace(parsed, data=_copied(parsed.data)) if isinstance(parsed, SourceFile) else parsed


def _copied(value: Any) -> Any:
    """A copy of plain loaded data (mappings, lists, scalars): much faster than copy.deepcopy."""
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copied(item) for item in value]
    return value


@lru_cache(maxsize=256)
def _parse(path: Path, shown: str, kind: FileKind, limits: Limits, raw: bytes) -> SourceFile | Problem:
    """The file's bytes as a kit (or why not): a pure function of its inputs, so remembered per process.

    A long-running process (``serve``, which reloads on every change) and a command that reads the same
    scenario for many kits parse each unchanged file once. Every read still goes through read_bounded
    (links, devices, size); only the parse of the same bytes under the same name and limits is shared,
    and load_file hands each caller a copy of the data.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        # Columns count characters, as editors do, not bytes: decode the line up to the bad byte.
        before = raw[raw.rfind(b"\n", 0, error.start) + 1 : error.start]
        column = len(before.decode("utf-8", errors="replace")) + 1
        return Problem(
            shown,
            line,
            column,
            "",
            f"expected UTF-8 text; got the byte 0x{raw[error.start]:02x}, which is not UTF-8 (save the file as UTF-8)",
        )
    directive = _YAML_1_1.search(text)
    if directive:
        line = text.count("\n", 0, directive.start()) + 1
        return Problem(
            shown,
            line,
            1,
            "",
            f"expected YAML 1.2; got {quote(directive.group(0).strip())} (remove the "
            "line: YAML 1.1 reads NO as false and 12:30 as 750)",
        )
    fast = fast_parse(text, limits)  # the common subset of YAML, read in C with ruamel.yaml's meaning
    if fast is not None:
        return SourceFile(path, shown, kind, fast[0], fast[1], tuple(text.splitlines()))
    try:
        document = yaml_parser(limits).load(text)
    except (YAMLError, RecursionError) as error:
        return _parse_problem(shown, error, text, limits)
    if document is None:
        return Problem(shown, 1, 1, "", "expected a mapping of kit fields; got an empty file")
    if not isinstance(document, dict):
        return Problem(shown, 1, 1, "", f"expected a mapping of kit fields; got {_kind_of(document)}")
    positions = Positions()
    positions.values[()] = (1, 1)
    converter = Converter(positions, limits)
    try:
        data = converter.plain(document, ())
    except Refused as error:
        where = positions.locate(error.path)
        return Problem(shown, *where, format_path(error.path), error.message)
    return SourceFile(path, shown, kind, data, positions, tuple(text.splitlines()))


def _parse_problem(shown: str, error: Exception, text: str, limits: Limits) -> Problem:
    """What the parser refused, at the line and column where it stopped, as a message an author can act on."""
    if isinstance(error, DuplicateKeyError):
        return _duplicate_key(shown, error, text, limits)
    if isinstance(error, MaxDepthExceededError):
        mark = error.problem_mark
        return Problem(
            shown,
            mark.line + 1,
            mark.column + 1,
            "",
            f"expected at most {limits.depth} levels of nesting; got deeper from here",
        )
    if isinstance(error, LimitReached):
        mark = error.problem_mark
        return Problem(shown, mark.line + 1, mark.column + 1, "", str(error.problem))
    if isinstance(error, MarkedYAMLError):
        return _syntax_problem(shown, error, text)
    if isinstance(error, ReaderError):  # a character YAML forbids in a file (a NUL, a bell, ...)
        position = error.position if isinstance(error.position, int) else 0
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        code = error.character if isinstance(error.character, int) else 0
        return Problem(
            shown,
            line,
            column,
            "",
            f"expected printable text; got the control character U+{code:04X}, "
            "which YAML does not allow in a file (delete it)",
        )
    if isinstance(error, YAMLError):
        return Problem(shown, 1, 1, "", f"expected valid YAML; got {str(error).splitlines()[0][:200]}")
    # a RecursionError: a structure the depth bound did not foresee is still an error, never a traceback
    return Problem(shown, 1, 1, "", f"expected at most {limits.depth} levels of nesting; got deeper")


def _syntax_problem(shown: str, error: MarkedYAMLError, text: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    what = " ".join(part for part in (error.context, error.problem) if part)
    what = what if len(what) <= 200 else what[:197] + "..."
    opened = error.context_mark
    if opened and mark and opened.line != mark.line and str(error.context).startswith("while"):
        what += f" (what was left open started at line {opened.line + 1}, column {opened.column + 1})"
    if "'\\t'" in str(error.problem):
        what += " (indent with spaces, never tabs)"
    elif mark and "mapping values" in what and mark.column > 1024:
        what += " (a key is at most 1,024 characters long)"
    elif mark and "document" not in what and "{{" in "".join(text.splitlines()[max(mark.line - 1, 0) : mark.line + 1]):
        what += " (put a text that contains {{ ... }} in quotes)"
    return Problem(
        shown,
        mark.line + 1 if mark else 1,
        mark.column + 1 if mark else 1,
        "",
        f"expected valid YAML; got a syntax error: {what}",
    )


def _duplicate_key(shown: str, error: DuplicateKeyError, text: str, limits: Limits) -> Problem:
    mark, opened = error.problem_mark, error.context_mark
    key = str(error.problem).split('"')[1] if '"' in str(error.problem) else "a key"
    first = _first_occurrence(text, key, opened, mark)
    first_at = f" (first at line {first})" if first else ""
    mapping = _mapping_path(text, opened, limits)
    path = format_path(mapping + (key,)) if mapping is not None else ""
    return Problem(
        shown,
        mark.line + 1,
        mark.column + 1,
        path,
        f"expected each key once in a mapping; got {quote(key)} again{first_at}",
    )


def _first_occurrence(text: str, key: str, opened: Any, mark: Any) -> int | None:
    """The line of ``key``'s first occurrence in the mapping that starts at ``opened``, not anywhere above it."""
    region = text[opened.index : mark.index]
    flow = text[opened.index : opened.index + 1] == "{"
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


def _mapping_path(text: str, opened: Any, limits: Limits) -> KeyPath | None:
    """The key path of the mapping that starts at ``opened``, read again with duplicate keys allowed."""
    try:
        document = yaml_parser(limits, duplicate_keys=True).load(text)
    except (YAMLError, RecursionError):
        return None
    if not isinstance(document, dict):
        return None
    mapping: Any = document  # ruamel's CommentedMap (.lc)
    at = (opened.line + 1, opened.column + 1)
    if (mapping.lc.line + 1, mapping.lc.col + 1) == at:
        return ()
    positions = Positions()
    try:
        Converter(positions, limits).plain(document, ())
    except Refused:
        return None
    found = [path for path, where in positions.values.items() if where == at]
    return max(found, key=len) if found else None


def _kind_of(value: Any) -> str:
    return "a list" if isinstance(value, list) else f"a single value ({describe(value)})"
