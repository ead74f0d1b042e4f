"""Stage 6, write: the only code that writes into content/.

Every generated file carries a marker naming its source kit and the sha256
of its text, so the writer can tell its own untouched files (safe to
update or remove) from files a person wrote (never touched) and generated
files a person edited (the run stops and says so; ``--force`` discards the
edit). Each file is written atomically (temp file, fsync, rename) and the
whole run holds a lock, so an interrupted or concurrent run never leaves a
half-written file. Unchanged files are not rewritten, so their mtime stays.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from filelock import FileLock, Timeout

from crisiskit.errors import UserError, WriteConflict
from crisiskit.pages import RenderedPage

_MARKER_TEXT = r"crisiskit: generated from (\S+); sha256:([0-9a-f]{64}); edit the kit, not this file"
# The marker line exactly as the writer puts it, for each kind of file; an altered marker line is no marker.
_MARKER = re.compile(rf'(?:# {_MARKER_TEXT}|<!-- {_MARKER_TEXT} -->|  "generated": "{_MARKER_TEXT}",)\n')
_TEMP = re.compile(r"^\..+\.crisiskit-tmp-[0-9a-z_]+$")


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
            source, digest = next(g for g in zip(found.groups()[::2], found.groups()[1::2]) if g[0])
            body = "".join(head[:index] + head[index + 1:]) + rest
            return Marker(source, digest, _digest(body) == digest)
    return None


def _target(content: Path, path: PurePosixPath) -> Path:
    if path.is_absolute() or ".." in path.parts:
        raise ValueError(f"{path}: a generated page must stay inside content/")
    return content.joinpath(*path.parts)


def _shown(content: Path, path: Path) -> str:
    return (Path(content.name) / path.relative_to(content)).as_posix()


def plan_writes(pages: list[RenderedPage], content: Path, *, force: bool = False) -> WritePlan:
    """Compare the pages with content/ and say what writing them would change; writes nothing."""
    plan = WritePlan()
    wanted: dict[Path, str] = {}
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
            plan.conflicts.append(f"{shown} is not a generated file (it has no crisiskit marker), but a kit now "
                                  "generates a page there: rename or remove it; crisiskit never overwrites it")
        elif not marker.intact and not force:
            plan.conflicts.append(_edited(shown, marker))
        elif target.read_text(encoding="utf-8") == text:
            plan.unchanged.append(shown)
        else:
            plan.update.append(shown)
    if content.exists():
        for path in sorted(p for p in content.rglob("*") if p.is_file() and p not in wanted):
            marker = read_marker(path) if path.suffix in (".md", ".json") else None
            if marker is None:
                continue
            if not marker.intact and not force:
                plan.conflicts.append(_edited(_shown(content, path), marker))
            else:
                plan.delete.append(_shown(content, path))
    return plan


def _edited(shown: str, marker: Marker) -> str:
    return (f"{shown} was edited by hand (its text no longer matches its crisiskit marker): move your edit into "
            f"{marker.source}, or run again with --force to discard it")


def write_pages(pages: list[RenderedPage], content: Path, *, force: bool = False,
                lock_timeout: float = 60) -> WritePlan:
    """Bring content/ in line with ``pages``: all conflicts first, then atomic writes, then removals."""
    lock = FileLock(str(content.parent / ".crisiskit.lock"))
    try:
        lock.acquire(timeout=lock_timeout)
    except Timeout:
        raise UserError(f"another crisiskit run holds {content.parent / '.crisiskit.lock'}; "
                        "wait for it to finish, then run again") from None
    try:
        _remove_leftover_temps(content)
        plan = plan_writes(pages, content, force=force)
        if plan.conflicts:
            raise WriteConflict(plan.conflicts + ["nothing was written"])
        base = content.parent
        for shown in plan.create + plan.update:
            _atomic_write(base / shown, plan.texts[shown])
        for shown in plan.delete:
            (base / shown).unlink()
            _remove_empty_parents((base / shown).parent, content)
        return plan
    finally:
        lock.release()


def _atomic_write(target: Path, text: str) -> None:
    """Write to a temp file beside ``target``, fsync, then rename: the file is wholly old or wholly new."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.parent / f".{target.name}.crisiskit-tmp-{os.getpid()}"
    with temp.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, target)


def _remove_leftover_temps(content: Path) -> None:
    if content.exists():
        for path in content.rglob(".*.crisiskit-tmp-*"):
            if path.is_file() and _TEMP.match(path.name):
                path.unlink()


def _remove_empty_parents(folder: Path, content: Path) -> None:
    while folder != content and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
