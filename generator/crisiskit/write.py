"""Stage 6, write: the only code that writes into content/, and the one way crisiskit replaces a file.

Every generated file carries a marker naming its source kit and the sha256
of its text, so the writer can tell its own untouched files (safe to
update or remove) from files a person wrote (never touched) and generated
files a person edited (the run stops and says so; ``--force`` discards the
edit). ``--force`` replaces only files that carry a marker at a path a kit
generates; a marked file no kit generates whose text was edited (a person's
copy of a page, with notes) is kept and reported, never deleted.

Every new text is first written to a temp file beside its target and
fsynced; only when all of them are on disk are they renamed into place, so a
full disk, a read-only folder or Ctrl+C leaves content/ as it was, and a
kill between renames leaves each file wholly old or wholly new. The whole run
holds the project's lock (``project_lock``, shared with ``approve``), so
concurrent runs never interleave. Unchanged files are not rewritten, so
their mtime stays.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from filelock import FileLock, Timeout

from crisiskit.errors import SystemProblem, UserError, WriteConflict
from crisiskit.render.rendered import RenderedPage

log = logging.getLogger(__name__)

_MARKER_TEXT = r"crisiskit: generated from (\S+); sha256:([0-9a-f]{64}); edit the kit, not this file"
# The marker line exactly as the writer puts it, for each kind of file; an altered marker line is no marker.
_MARKER = re.compile(rf'(?:# {_MARKER_TEXT}|<!-- {_MARKER_TEXT} -->|  "generated": "{_MARKER_TEXT}",)\n')
_TEMP = re.compile(r"^\..+\.crisiskit-tmp-[0-9a-z_]+$")
LOCK_NAME = ".crisiskit.lock"
# A temp file's name keeps at most this much of its target's name (a digest tells long names apart),
# so it fits wherever the target fits.
_TEMP_STEM = 64


@dataclass(frozen=True)
class Marker:
    """What a generated file says about itself, and whether its body still matches."""

    source: str
    digest: str
    intact: bool


@dataclass
class WritePlan:
    """What a run does (or, with --check, would do) to each file under content/."""

    create: list[str] = field(default_factory=list)
    update: list[str] = field(default_factory=list)
    delete: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    """Edited copies of generated pages that no kit generates: --force leaves them, with this message."""
    texts: dict[str, str] = field(default_factory=dict, repr=False)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def with_marker(page: RenderedPage) -> str:
    """The file's full text: the page's text with its marker in the right place for its kind."""
    marker = f"crisiskit: generated from {page.source}; sha256:{_digest(page.text)}; edit the kit, not this file"
    suffix = page.path.suffix
    if suffix == ".md":
        if page.text.startswith("---\n"):
            return f"---\n# {marker}\n{page.text[4:]}"
        return f"<!-- {marker} -->\n{page.text}"
    if suffix == ".json":
        if not page.text.startswith("{\n") or page.text.startswith("{\n}"):
            raise ValueError(f"{page.path}: a generated JSON page must be a non-empty object starting with '{{\\n'")
        return f'{{\n  "generated": "{marker}",\n{page.text[2:]}'
    raise ValueError(f"{page.path}: the writer does not know where a marker goes in a {suffix or 'suffix-less'} file")


def has_marker(path: Path) -> bool:
    """Whether a file carries a crisiskit marker line (intact or not): generated, never a person's page.

    Reads two lines, not the file: telling generated pages from hand-written ones must stay cheap
    in a review tree of tens of thousands of pages. read_marker says whether the text still matches.
    """
    try:
        with path.open(encoding="utf-8") as handle:
            return any(_MARKER.fullmatch(handle.readline()) for _ in range(2))
    except (UnicodeDecodeError, OSError):
        return False


def read_marker(path: Path) -> Marker | None:
    """The marker of a generated file, or None for a file a person wrote."""
    try:
        with path.open(encoding="utf-8") as handle:
            head = [handle.readline() for _ in range(2)]
            rest = handle.read()
    except (UnicodeDecodeError, OSError):
        return None
    for index, line in enumerate(head):
        found = _MARKER.fullmatch(line)
        if found:
            source, digest = next(g for g in zip(found.groups()[::2], found.groups()[1::2], strict=True) if g[0])
            body = "".join(head[:index] + head[index + 1 :]) + rest
            return Marker(source, digest, _digest(body) == digest)
    return None


def _target(content: Path, path: PurePosixPath) -> Path:
    if path.is_absolute() or ".." in path.parts:
        raise ValueError(f"{path}: a generated page must stay inside content/")
    return content.joinpath(*path.parts)


def _shown(content: Path, path: Path) -> str:
    return (Path(content.name) / path.relative_to(content)).as_posix()


def plan_writes(
    pages: list[RenderedPage],
    content: Path,
    *,
    force: bool = False,
    kept: frozenset[PurePosixPath] = frozenset(),
    listing: list[tuple[str, list[str]]] | None = None,
) -> WritePlan:
    """Compare the pages with content/ and say what writing them would change; writes nothing.

    ``kept``: pages known to be on disk exactly as generated (their kit and the files themselves are
    as the last run left them, see cache.py): listed as unchanged, neither read nor removed.
    ``listing``: content/ as ``list_tree`` just read it (``write_pages`` reads it once for the leftover
    temp files and for this), else read here.
    """
    plan = WritePlan()
    wanted: dict[Path, str] = {}
    known: set[str] = set()  # as strings: a review tree of tens of thousands of pages is walked below
    for known_page in kept:
        if known_page.is_absolute() or ".." in known_page.parts:
            raise ValueError(f"{known_page}: a generated page must stay inside content/")
        known.add(known_page.as_posix())
    plan.unchanged += [f"{content.name}/{name}" for name in sorted(known)]
    for page in pages:
        target = _target(content, page.path)
        if target in wanted:
            raise ValueError(f"{page.path}: two pages want the same file")
        wanted[target] = with_marker(page)
    for target, text in sorted(wanted.items()):
        shown = _shown(content, target)
        plan.texts[shown] = text
        if not target.exists():
            plan.create.append(shown)
            continue
        marker = read_marker(target)
        if marker is None:
            plan.conflicts.append(
                f"{shown} is not a generated file (it has no crisiskit marker), but a kit now "
                "generates a page there: rename or remove it; crisiskit never overwrites it"
            )
        elif not marker.intact and not force:
            plan.conflicts.append(_edited(shown, marker))
        elif target.read_text(encoding="utf-8") == text:
            plan.unchanged.append(shown)
        else:
            plan.update.append(shown)
    if content.exists():
        written = {target.relative_to(content).as_posix() for target in wanted}
        others = []
        for folder, names in list_tree(content) if listing is None else listing:
            for name in names:
                relative = name if folder == "." else f"{folder}/{name}"
                if relative not in written and relative not in known:
                    others.append(PurePosixPath(relative))
        for path in (content.joinpath(*relative.parts) for relative in sorted(others)):
            if not path.is_file():
                continue
            marker = read_marker(path) if path.suffix in (".md", ".json") else None
            if marker is None:
                continue
            if marker.intact:
                plan.delete.append(_shown(content, path))
            elif force:
                plan.kept.append(
                    f"{_shown(content, path)} was kept: it carries a crisiskit marker but its text was "
                    "edited and no kit generates it; delete its marker line to make it your own page"
                )
            else:
                plan.conflicts.append(_edited(_shown(content, path), marker, orphan=True))
    return plan


def _edited(shown: str, marker: Marker, orphan: bool = False) -> str:
    if orphan:
        return (
            f"{shown} was edited by hand (its text no longer matches its crisiskit marker) and no kit "
            f"generates it any more: delete its marker line to keep it as your own page, or delete the file"
        )
    return (
        f"{shown} was edited by hand (its text no longer matches its crisiskit marker): move your edit into "
        f"{marker.source}, or run again with --force to discard it"
    )


@contextmanager
def project_lock(project: Path, timeout: float = 60) -> Iterator[None]:
    """Hold the project's one lock: every command that writes into the repository takes it first."""
    path = project / LOCK_NAME
    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        raise UserError(f"another crisiskit run holds {path}; wait for it to finish, then run again") from None
    try:
        yield
    finally:
        lock.release()


def write_pages(
    pages: list[RenderedPage],
    content: Path,
    *,
    force: bool = False,
    lock_timeout: float = 60,
    kept: frozenset[PurePosixPath] = frozenset(),
) -> WritePlan:
    """Bring content/ in line with ``pages``: all conflicts first, then every temp file, then renames, then removals.

    ``kept``: pages already on disk as generated (see plan_writes).
    """
    with project_lock(content.parent, lock_timeout):
        listing = remove_leftover_temps(content)
        plan = plan_writes(pages, content, force=force, kept=kept, listing=listing)
        if plan.conflicts:
            raise WriteConflict(plan.conflicts + ["nothing was written"])
        base = content.parent
        _replace_all({base / shown: plan.texts[shown] for shown in plan.create + plan.update}, content)
        for shown in plan.delete:
            (base / shown).unlink()
            _remove_empty_parents((base / shown).parent, content)
        for action, shown_paths in (("created", plan.create), ("updated", plan.update), ("deleted", plan.delete)):
            for shown in shown_paths:
                log.debug("%s %s", action, shown)
        return plan


def _replace_all(texts: dict[Path, str], content: Path) -> None:
    """Stage every text beside its target, then rename them all; on any failure before the renames, undo."""
    staged: list[tuple[Path, Path]] = []
    made: list[Path] = []
    try:
        for target, text in texts.items():
            try:
                _make_parents(target.parent, made)
                staged.append((_stage(target, text), target))
            except OSError as error:
                raise SystemProblem(error, note="content/ was left as it was") from error
    except BaseException:
        for temp, _target_path in staged:
            temp.unlink(missing_ok=True)
        for folder in reversed(made):
            _remove_empty_parents(folder, content)
        raise
    try:
        for temp, target in staged:
            os.replace(temp, target)
    finally:
        for temp, _target_path in staged:
            temp.unlink(missing_ok=True)
    for folder in {target.parent for _temp, target in staged}:
        fsync_folder(folder)


def atomic_write(target: Path, text: str | bytes, *, mode: int | None = None) -> None:
    """Replace ``target`` with ``text`` so it is wholly old or wholly new, even after a crash or a full disk.

    The temp file beside it is fsynced, given ``mode`` (default: the target's current mode), renamed over
    the target, and the folder fsynced, so the rename itself survives a power cut.
    """
    temp = _stage(target, text, mode)
    try:
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    fsync_folder(target.parent)


def _stage(target: Path, text: str | bytes, mode: int | None = None) -> Path:
    """Write ``text`` to a fresh temp file beside ``target`` and fsync it; on any failure, no temp file remains.

    The temp file gets ``mode`` (default: the target's mode) and, when we may, the target's owner, so a
    replaced file keeps both.
    """
    owner = None
    if target.exists():
        status = target.stat()
        mode = status.st_mode & 0o7777 if mode is None else mode
        owner = (status.st_uid, status.st_gid) if os.geteuid() == 0 else None
    name = target.name
    if len(name) > _TEMP_STEM:
        name = f"{name[: _TEMP_STEM - 9]}~{_digest(name)[:8]}"
    temp = target.parent / f".{name}.crisiskit-tmp-{os.getpid()}"
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o666)
        with os.fdopen(fd, "wb") as handle:
            if owner is not None:
                os.fchown(handle.fileno(), *owner)
            if mode is not None:
                os.fchmod(handle.fileno(), mode)
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:  # named after the target: the temp file is crisiskit's business, not the reader's
        temp.unlink(missing_ok=True)
        raise OSError(error.errno, error.strerror, str(target)) from error
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _make_parents(folder: Path, made: list[Path]) -> None:
    """Create ``folder`` and its missing parents, adding each to ``made`` as soon as it exists (for an undo)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir()
        made.append(path)


def fsync_folder(folder: Path) -> None:
    """Make a rename or a new entry in ``folder`` durable: without it a crash can lose what a rename did."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_leftover_temps(folder: Path) -> list[tuple[str, list[str]]]:
    """Remove temp files a killed run left behind (a run cleans up after itself otherwise); ``folder`` as
    ``list_tree`` reads it, without them."""
    listing = list_tree(folder)
    for relative, names in listing:
        top = os.path.join(folder, relative)
        for name in [n for n in names if n.startswith(".") and _TEMP.match(n)]:
            if os.path.isfile(path := os.path.join(top, name)):
                os.unlink(path)
                names.remove(name)
    return listing


def list_tree(root: Path) -> list[tuple[str, list[str]]]:
    """Every folder under ``root`` (relative to it, "." for itself, "/"-separated) with the names of what in it
    is not a folder, as ``os.walk`` lists them: a link to a folder is not entered (and not listed as a file).

    From the kinds scandir already read: os.walk asks the system once more for each folder whether it is a
    link, and a review tree of a large archive has thousands of folders, listed on every build.
    """
    listing: list[tuple[str, list[str]]] = []
    folders = [(os.fspath(root), ".")]
    while folders:
        top, relative = folders.pop()
        try:
            with os.scandir(top) as found:
                entries = list(found)
        except OSError:
            continue  # gone or unreadable meanwhile, as os.walk treats it
        names = []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if not is_dir:
                names.append(entry.name)
            elif not entry.is_symlink():
                folders.append((entry.path, entry.name if relative == "." else f"{relative}/{entry.name}"))
        listing.append((relative, names))
    return listing


def _remove_empty_parents(folder: Path, content: Path) -> None:
    while folder != content and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
