"""The public site of one language in parts: a front and archive shards, each reused while its inputs are unchanged.

An organisation's archive grows for years while each update changes one incident, so a public
site is not one MkDocs build but several, each of a part of the same docs tree:

- the front: the hand-written pages, the incidents index, the site feeds, the theme's assets and
  404 page (everything outside ``incidents/<id>/``);
- the shards: every incident's own folder (``incidents/<id>/``: statement, permalinks, FAQ,
  feeds), each incident in the shard its id hashes to, about SHARD_SIZE incidents per shard.

Each part is built by MkDocs with the site's one configuration (the same config file as a whole
build but for ``docs_dir``, ``site_dir`` and ``exclude_docs``). The pages another part builds are
present in its docs tree as empty files listed in ``exclude_docs``, MkDocs' own way of keeping a
file out of a build: links and the navigation resolve to them exactly as in one build of the
whole tree, and nothing of them is rendered. The navigation is the same for every page (home and
the incidents index), so a page's HTML depends only on its own part's inputs, and the pages of
a part are byte for byte what one build of the whole tree makes (tests/test_archive.py).

A part's key is a hash of everything its build reads: its docs files, the stub paths, its config
file, the dates it gives MkDocs, the engine (crisiskit's code and data, the versions of MkDocs,
Material and the Markdown extensions) and the project's site files (mkdocs.yml, the environment
variables it names, theme overrides, hooks). A part whose key and output files (size and
modification time, as git's index does) are as the last build left them is not built again.

What is merged: Material's search index (its own plugin merges entries the same way on a
dirty rebuild: order does not matter) and the sitemap, whose dates come from the kits
(SOURCE_DATE_EPOCH, MkDocs' reproducible-build setting: the newest revision of the part), so a
reused part and a rebuilt one carry the same dates.

Verification and the leak scan read each part's files once, when the part is built: each file's
type, the targets of its links (checked against the whole staged tree every run) and its
normalised text, kept in build/ next to the part. Every run walks the needles through every
part's kept text (the walk is fast; normalising was the cost), the merged search index from
the parts' kept views, and the merged sitemap afresh, so what the scan finds is what a scan of
the whole tree would find (see ``_search_views`` for the one case that is re-read whole).
"""

from __future__ import annotations

import bisect
import errno
import gzip
import hashlib
import io
import json
import logging
import os
import posixpath
import re
import shutil
import stat
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from crisiskit.errors import BuildError
from crisiskit.publish.leaks import (
    _TAG,
    KNOWN_TEXTS,
    Leak,
    Needles,
    Refused,
    _automaton,
    _canonical,
    _decode,
    _values_in,
    content_key,
    needles_digest,
    normalise,
    read_file,
    scannable_text,
)
from crisiskit.publish.switch import dead_targets, inspect_files, link_targets, tree_files

log = logging.getLogger(__name__)
SHARD_SIZE = 16
FORMAT = 3
FRONT = "front"
MERGED = ("search/search_index.json", "sitemap.xml", "sitemap.xml.gz")
ENGINE_LIBRARIES = ("mkdocs", "mkdocs-material", "pymdown-extensions", "markdown", "jieba", "pathspec", "jinja2")
_SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"


def shard_count(incidents: int) -> int:
    """How many shards an archive of ``incidents`` has: a power of two, about SHARD_SIZE incidents each.

    A power of two changes rarely (each doubling of the archive rebuilds every shard once).
    """
    count = 1
    while count * SHARD_SIZE < incidents:
        count *= 2
    return count


def shard_of(folder: str, count: int) -> str:
    """The shard of the incident folder ``folder``: stable for an id while the shard count is."""
    return f"shard-{int.from_bytes(hashlib.sha256(folder.encode()).digest()[:4], 'big') % count:03d}"


class Source:
    """One docs file's bytes, known by their digest; read only when its part is built (a kept part needs the digest)."""

    def __init__(self, digest: str, read: Callable[[], bytes]):
        self.digest = digest
        self._read = read

    @classmethod
    def of(cls, data: bytes) -> Source:
        return cls(hashlib.sha256(data).hexdigest(), lambda: data)

    def read(self) -> bytes:
        data = self._read()
        if hashlib.sha256(data).hexdigest() != self.digest:
            raise BuildError("build/cache/: a remembered page is not what was recorded; remove build/ and build again")
        return data


@dataclass(frozen=True)
class Part:
    """One part of a language's public site: its docs files, the other parts' paths, and what it contributes."""

    name: str
    files: dict[str, Source]
    """docs-relative path -> its bytes: what this part builds."""
    stubs: frozenset[str]
    """docs-relative paths another part builds: present (empty) and excluded, so links resolve as in one build."""
    folders: tuple[str, ...]
    """For a shard, the incident folders it owns (``incidents/<id>``); the front owns everything else."""
    epoch: int
    """SOURCE_DATE_EPOCH: the newest revision time of the part's incidents (the site's, for the front)."""


def split_parts(files: dict[str, Source], dates: dict[str, int]) -> list[Part]:
    """The front and the shards of one language's docs files (``dates``: incident folder -> newest revision time)."""
    by_folder: dict[str, dict[str, Source]] = {}
    front: dict[str, Source] = {}
    for path, data in files.items():
        parts = path.split("/")
        if len(parts) >= 3 and parts[0] == "incidents":
            by_folder.setdefault(parts[1], {})[path] = data
        else:
            front[path] = data
    count = shard_count(len(by_folder))
    shards: dict[str, dict[str, dict[str, Source]]] = {}
    for folder, own in by_folder.items():
        shards.setdefault(shard_of(folder, count), {})[folder] = own
    in_shards = frozenset(path for own in by_folder.values() for path in own)
    newest = max(dates.values(), default=0)
    out = [Part(FRONT, front, in_shards, (), newest)]
    for name in sorted(shards):
        own_files = {path: data for own in shards[name].values() for path, data in own.items()}
        out.append(
            Part(
                name,
                own_files,
                frozenset(front),
                tuple(f"incidents/{folder}" for folder in sorted(shards[name])),
                max((dates.get(folder, 0) for folder in shards[name]), default=0),
            )
        )
    return out


def engine_key(project: Path, base: dict[str, Any], theme_dir: Path | None) -> str:
    """What every part's build reads besides its own files: the engine and the project's site files."""
    from crisiskit.cache import code_digest

    digest = hashlib.sha256(f"{FORMAT}\0{code_digest()}".encode())
    for library in ENGINE_LIBRARIES:
        try:
            digest.update(f"\0{library}={metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"\0{library}=-".encode())
    config = (project / "mkdocs.yml").read_bytes()
    digest.update(b"\0mkdocs.yml\0" + config)
    for name in sorted(set(_env_names(config.decode("utf-8", errors="replace")))):
        digest.update(f"\0${name}={os.environ.get(name, '')}".encode())
    for hook in base.get("hooks") or []:
        path = project / str(hook)
        digest.update(b"\0hook\0" + str(hook).encode() + b"\0" + (path.read_bytes() if path.is_file() else b"-"))
    if theme_dir is not None:
        for path in sorted(theme_dir.rglob("*")):
            if path.is_file():
                digest.update(
                    b"\0theme\0" + path.relative_to(theme_dir).as_posix().encode() + b"\0" + path.read_bytes()
                )
    return digest.hexdigest()


def _env_names(text: str) -> list[str]:
    """The environment variables mkdocs.yml reads with ``!ENV`` (their values are inputs of every build)."""
    names = []
    for match in re.finditer(r"!ENV\s*(\[[^\]]*\]|\S+)", text):
        names += re.findall(r"[A-Za-z_][A-Za-z0-9_]*", match.group(1))
    return names


@dataclass
class PartBuild:
    """One part in one run: where it lives under build/, its key, and either its kept record or its build."""

    part: Part
    language: str
    folder: Path
    key: str
    config_file: Path
    record: dict[str, Any] | None = None
    job: Any = None
    future: Any = None
    index: list[tuple[int, int, str]] = field(default_factory=list)
    """(start, end, file) of each file's text in the part's scan.txt."""

    @property
    def site(self) -> Path:
        return self.folder / "site"

    reused: bool = False
    """Kept from the last run (its record read from part.json), not built in this one."""
    engine: str = ""
    """What every part of the run shares (``engine_key``: crisiskit's code, the engine, the theme, the root config)."""
    config_text: str = ""
    """The part's mkdocs.yml, as written when it is built."""
    pending: bool = False
    """Its key is the one its last build stored: whether its output is intact is still to be checked (``settle``)."""
    inodes: dict[str, tuple[int, int]] = field(default_factory=dict)
    """A kept part's output files -> (device, inode), as ``_kept`` found them: what Assembly keeps of a spare."""


def plan_parts(
    root: Path,
    language: str,
    parts: list[Part],
    config_for: Callable[[Path, Path, str], dict[str, Any]],
    common: str,
    ready: Callable[[PartBuild], object] = lambda build: None,
    defer: bool = False,
) -> list[PartBuild]:
    """Each part's folder and key; a part whose kept output is intact is reused, the others are made ready to build.

    ``root`` is build/public/<language>; ``config_for(docs_dir, site_dir, exclude_docs)`` is the site's config.
    ``ready`` gets each part to build as soon as its docs and config are written, so the engine starts on the
    front while the shards' docs are still being written. A part whose key is not the one its last build
    stored is made ready at once; the others are checked (``settle``: reading each record and looking at every
    output file, most of planning an archive's parts) here, or with ``defer`` by the caller, once it has handed
    every language's changed parts to the engine.
    """
    out = []
    folder = root / "parts"
    wanted = {part.name for part in parts}
    if folder.is_dir():
        for old in folder.iterdir():
            if old.name not in wanted and not old.is_symlink() and old.is_dir():
                shutil.rmtree(old)  # a shard the archive no longer has (its shard count changed)
    dumped = ConfigTexts(folder / CONFIG_TEXTS)
    for part in parts:
        where = folder / part.name
        exclude = _exclude(part)
        config = config_for(where / "docs", where / "site", exclude)
        text = (
            f"# The public {language} site's part {part.name}, written by crisiskit build (publish/archive.py); "
            "the rest is the root mkdocs.yml.\n" + dumped.text(config)
        )
        digest = hashlib.sha256(f"{common}\0{part.epoch}\0".encode() + text.encode())
        for path in sorted(part.files):
            digest.update(f"\0{path}\0{part.files[path].digest}".encode())
        for path in sorted(part.stubs):
            digest.update(b"\0stub\0" + path.encode())
        build = PartBuild(
            part, language, where, digest.hexdigest(), where / "mkdocs.yml", engine=common, config_text=text
        )
        build.pending = _stored_key(where) == build.key
        if not build.pending:
            _make_ready(build, ready)
        out.append(build)
    dumped.save()
    if not defer:
        settle(out, ready)
    return out


def settle(builds: list[PartBuild], ready: Callable[[PartBuild], object] = lambda build: None) -> None:
    """Each part whose stored key matched (``plan_parts``): reused if its kept output is intact (``_kept``), else
    made ready to build after all."""
    for build in builds:
        if not build.pending:
            continue
        build.pending = False
        build.record = _kept(build)
        build.reused = build.record is not None
        if not build.reused:
            _make_ready(build, ready)


KEY_FILE = "key"
"""The key of a part's last recorded build, beside its record (``keep``): read first, as a hint of which parts
changed; ``_kept`` still checks the record's own key."""


def _stored_key(folder: Path) -> str | None:
    try:
        return (folder / KEY_FILE).read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        return None


def _make_ready(build: PartBuild, ready: Callable[[PartBuild], object]) -> None:
    """A part to build: its docs and config written, its last record and text set aside (their texts still help)."""
    where = build.folder
    (where / SCANNED).unlink(missing_ok=True)
    (where / KEY_FILE).unlink(missing_ok=True)
    for name in ("part", "scan"):  # from here on, a half-built part is never reused
        suffix = ".json" if name == "part" else ".txt"
        if (where / f"{name}{suffix}").is_file():
            os.replace(where / f"{name}{suffix}", where / f"{name}.last{suffix}")
    _sync_docs(where / "docs", build.part)
    write_file(build.config_file, build.config_text.encode("utf-8"))
    ready(build)


CONFIG_TEXTS = "configs.json"


class ConfigTexts:
    """Each part's config as YAML, remembered by what it says (build/public/<language>/parts/configs.json).

    An archive of a thousand incidents has over a hundred parts, and PyYAML's dumper, pure Python, took
    most of planning them; their configs rarely change between runs. A config is remembered by a digest of
    its ``repr`` and PyYAML's version, and only when it is made of plain values (text, numbers, booleans,
    None, lists, dicts), whose ``repr`` tells apart any two that PyYAML writes differently; anything else is
    dumped every time. A damaged or missing file is only a miss.
    """

    def __init__(self, file: Path):
        self.file = file
        self.used: dict[str, str] = {}
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            known = data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            known = {}
        self.known = {k: v for k, v in known.items() if isinstance(k, str) and isinstance(v, str)}

    def text(self, config: dict[str, Any]) -> str:
        """``yaml.safe_dump(config, allow_unicode=True, sort_keys=False)``, remembered."""
        if not _plain(config):
            return yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
        key = hashlib.sha256(f"{yaml.__version__}\0{config!r}".encode()).hexdigest()
        text = self.known.get(key)
        if text is None:
            text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
        self.used[key] = text
        return text

    def save(self) -> None:
        """Keep the texts this run used (best effort), if they are not what the file holds already."""
        if self.used == self.known:
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            _write_json(self.file, self.used)
        except OSError as error:
            log.debug("%s: not kept (%s)", self.file, error)


def _plain(value: Any, seen: set[int] | None = None) -> bool:
    """Whether ``value`` is made only of the types whose ``repr`` says all PyYAML writes of them, each list and
    dict in it once (PyYAML writes a second appearance of one as an alias, which ``repr`` does not show)."""
    kind = type(value)
    if kind is dict or kind is list:
        seen = set() if seen is None else seen
        if id(value) in seen:
            return False
        seen.add(id(value))
        if kind is list:
            return all(_plain(v, seen) for v in value)
        return all(_plain(k, seen) and _plain(v, seen) for k, v in value.items())
    return kind in (str, int, float, bool, type(None))


def _exclude(part: Part) -> str:
    """exclude_docs for a part: the other parts' files (the front: every incident folder)."""
    if part.name == FRONT:
        return "/incidents/*/**\n"
    return "".join(f"/{_literal(path)}\n" for path in sorted(part.stubs))


def _literal(path: str) -> str:
    """A path as a gitignore pattern matching only itself: wildcards, brackets, "!" and "#" and trailing spaces
    escaped (a hand-written page may be called anything)."""
    escaped = re.sub(r"([\\*?\[\]!#])", r"\\\1", path)
    return escaped[:-1] + "\\ " if escaped.endswith(" ") else escaped


def _sync_docs(docs: Path, part: Part) -> None:
    """Make ``docs`` hold exactly the part's files and the empty stubs, writing only what differs.

    An empty stub is right as it is (the front's docs hold one for every incident page of the archive, so
    this is most of its files); a part's own file is compared by digest, so its source is read only if it changed.
    """
    docs.mkdir(parents=True, exist_ok=True)
    present: dict[str, int] = {}
    folders = [(os.fspath(docs), "", "")]
    walked: list[tuple[str, str]] = []  # (folder, its parent): each parent before its children
    holds: dict[str, int] = {}  # folder -> how many of its entries stay
    while folders:
        top, prefix, parent = folders.pop()
        walked.append((top, parent))
        holds[top] = 0
        with os.scandir(top) as entries:
            for entry in entries:
                relative = prefix + entry.name
                if entry.is_symlink():
                    os.unlink(entry.path)
                elif entry.is_dir():
                    folders.append((entry.path, relative + "/", top))
                    holds[top] += 1
                elif relative in part.files or relative in part.stubs:
                    present[relative] = entry.stat(follow_symlinks=False).st_size
                    holds[top] += 1
                else:
                    os.unlink(entry.path)
    for top, parent in reversed(walked[1:]):  # folders left empty, children first (docs itself stays)
        if not holds[top]:
            os.rmdir(top)
            holds[parent] -= 1
    made: set[str] = set()

    def put(relative: str, data: bytes) -> None:
        folder = relative.rpartition("/")[0]
        if relative not in present and folder not in made:
            (docs / folder).mkdir(parents=True, exist_ok=True)
            made.add(folder)
        write_file(docs / relative, data)

    for relative in part.stubs:
        if relative not in part.files and present.get(relative) != 0:
            put(relative, b"")
    for relative, source in part.files.items():
        if relative in present and hashlib.sha256((docs / relative).read_bytes()).hexdigest() == source.digest:
            continue
        put(relative, source.read())


def _kept(build: PartBuild) -> dict[str, Any] | None:
    """The part's record if it was built for this key and its output files are as that build left them."""
    try:
        record = json.loads((build.folder / "part.json").read_text(encoding="utf-8"))
        if not isinstance(record, dict) or record.get("format") != FORMAT or record.get("key") != build.key:
            return None
        if not isinstance(record.get("pages"), list) or not isinstance(record.get("targets"), dict):
            return None
        site, folder = os.fspath(build.site), os.fspath(build.folder)  # strings: a part has hundreds of files
        inodes = {}
        for name, size, mtime in record["files"]:
            info = os.lstat(os.path.join(site, name))
            if (info.st_size, info.st_mtime_ns) != (size, mtime) or not stat.S_ISREG(info.st_mode):
                return None
            inodes[name] = (info.st_dev, info.st_ino)
        for name, size, mtime in [entry for entry in record["kept"] if entry[0] in KEPT]:
            info = os.lstat(os.path.join(folder, name))
            if (info.st_size, info.st_mtime_ns) != (size, mtime) or not stat.S_ISREG(info.st_mode):
                return None
        build.inodes = inodes
        build.index = [(int(a), int(b), str(c)) for a, b, c in record["index"]]
        record["needles"] = _scanned(build.folder)
        return record
    except (OSError, ValueError, KeyError, TypeError):
        return None


KEPT = ("scan.txt", "search.txt")


def load_scan(build: PartBuild) -> str:
    """The part's normalised text, as its build in this run wrote it or as kept (``_kept`` compared its size and
    time): read when a scan needs it, so only one part's text is in memory at a time, never all of them."""
    return (build.folder / "scan.txt").read_text(encoding="utf-8")


@dataclass(frozen=True)
class PartOutput:
    """Where a built part's output is and what it owns: what reading it needs, small enough to hand to a worker."""

    name: str
    language: str
    folder: Path
    key: str
    folders: tuple[str, ...]
    engine: str = ""

    @property
    def site(self) -> Path:
        return self.folder / "site"

    @classmethod
    def of(cls, build: PartBuild) -> PartOutput:
        return cls(build.part.name, build.language, build.folder, build.key, build.part.folders, build.engine)


@dataclass(frozen=True)
class PartReading:
    """What reading a freshly built part found: files the scan refuses, where each file's text is in its scan.txt,
    and its record. The text itself stays on disk (at 1,000 incidents the parts' texts are hundreds of
    megabytes, which the main process would otherwise hold until the end of the run)."""

    refused: list[Leak]
    index: list[tuple[int, int, str]]
    record: dict[str, Any]


def owned_files(output: PartOutput) -> list[Path]:
    """The files of the part's MkDocs output that go into the site (the merged ones are made from all parts)."""
    site = output.site
    if output.name != FRONT:
        files = []
        for folder in output.folders:
            found, links = tree_files(site / folder, site)
            if links:
                raise BuildError("\n".join(links + ["nothing was published"]))
            files += found
        return files
    found, links = tree_files(site, site)
    if links:
        raise BuildError("\n".join(links + ["nothing was published"]))
    return [
        path
        for path in found
        if path.relative_to(site).as_posix() not in MERGED
        and not (path.relative_to(site).parts[0] == "incidents" and len(path.relative_to(site).parts) > 2)
    ]


def record_part(build: PartBuild, reading: PartReading) -> list[Leak]:
    """Take what ``read_part`` found in a freshly built part; the files the scan must refuse.

    The record is written by ``keep`` once the whole run passed.
    """
    build.index, build.record = reading.index, reading.record
    return reading.refused


def read_part(output: PartOutput, base_url: str) -> PartReading:
    """Read a freshly built part once: its files' problems, link targets, normalised text and search views.

    Runs in an engine worker (publish/site.py hands it each part as soon as MkDocs has built it), so parts
    are read in parallel with the builds still running. ``base_url`` is the public site's address (the
    audience's, above the languages).
    """
    site = output.site
    language = output.language
    files = owned_files(output)
    read: dict[Path, bytes | Refused] = {}
    for path in files:
        try:
            read[path] = read_file(path)
        except Refused as refusal:
            read[path] = refusal
    keys = {path: content_key(path.name, raw) for path, raw in read.items() if isinstance(raw, bytes)}
    links = _LinksOf(output, base_url, keys)
    problems, pages, targets = inspect_files(site, files, "public", base_url, "site/public", f"{language}/", links)
    links.save()
    previous = _previous_texts(output.folder)
    lines: dict[str, str] = {}
    refused: list[Leak] = []
    chunks: list[str] = []
    index: list[tuple[int, int, str]] = []
    offset = 0
    digests: dict[str, str] = {}
    for path in files:
        relative = f"{language}/{path.relative_to(site).as_posix()}"
        try:
            raw = read[path]
            if isinstance(raw, Refused):
                raise raw
            digest = keys[path]
            text = previous.get(digest)
            if text is None:
                text = KNOWN_TEXTS.get(digest)
            if text is None:
                text = scannable_text(raw, path.name, lines)
        except Refused as refusal:
            refused.append(Leak(relative, f"cannot be scanned, so it is refused: {refusal}"))
            continue
        digests[relative] = digest
        text = f"{text}\n{normalise(relative)}"
        index.append((offset, offset + len(text), relative))
        chunks.append(text + "\n")
        offset += len(text) + 1
    search = _search_segment(site)
    view1, view2, whole = _search_views(search)
    index.append((offset, offset + len(view1) + 1 + len(view2), f"{language}/search/search_index.json"))
    chunks += [view1 + "\n", view2 + "\n"]
    record = {
        "format": FORMAT,
        "key": output.key,
        "files": [(p.relative_to(site).as_posix(), *_stat(p)) for p in files],
        "problems": problems,
        "pages": pages,
        "targets": targets,
        "index": index,
        "digests": digests,
        "search": {
            "whole": whole,
            "entries": bool(search),
            "ends": [[view, ""] if len(view) <= 2 * EDGE else [view[:EDGE], view[-EDGE:]] for view in (view1, view2)],
        },
        "sitemap": _sitemap_urls(site),
        "needles": None,
    }
    write_file(output.folder / "search.txt", search.encode("utf-8"))
    if output.name != FRONT:  # a shard's copy of the theme, 404 page, search index and sitemap: read, not kept
        for entry in site.iterdir():
            if entry.name != "incidents":
                shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    scan = "".join(chunks).encode("utf-8")
    write_file(output.folder / "scan.txt", scan)  # recorded as kept (part.json) only once the whole run passed
    record["scan_digest"] = hashlib.sha256(scan).hexdigest()
    return PartReading(refused, index, record)


def _stat(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_size, info.st_mtime_ns


LINKS_FILE = "links.json"


class _LinksOf:
    """``link_targets`` of each page of a freshly built part, remembered from the part's last build by the page's
    path and bytes (``keys``: content_key of each file read); every page's found this run is written to
    links.json for the next one (``save``).

    A shard holds about sixteen incidents and is built again whole when one of them changes; MkDocs then writes
    the same bytes for the other pages, whose links need not be parsed again (parsing every page's HTML was a
    tenth of an engine worker's time). What a page links to depends only on its bytes, its place in the tree
    and the site's address, and the code that reads it: the remembered links are used only for the same
    address, language and ``engine`` (crisiskit's code among it), and for a page whose bytes are the same.
    """

    def __init__(self, output: PartOutput, base_url: str, keys: dict[Path, str]):
        self.output, self.keys = output, keys
        self.base_url, self.prefix = base_url, f"{output.language}/"
        self.found: dict[str, list[Any]] = {}
        self.known = self._remembered()

    def _stamp(self) -> list[str]:
        return [str(FORMAT), self.output.engine, self.base_url, self.prefix]

    def _remembered(self) -> dict[str, Any]:
        try:
            data = json.loads((self.output.folder / LINKS_FILE).read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("stamp") != self._stamp() or not self.output.engine:
                return {}
            pages = data["pages"]
            return pages if isinstance(pages, dict) else {}
        except (OSError, ValueError, KeyError):
            return {}

    def __call__(self, page: Path) -> list[tuple[str, str]]:
        relative = page.relative_to(self.output.site).as_posix()
        key = self.keys.get(page)
        known = self.known.get(relative)
        found = None
        if key is not None and isinstance(known, list) and len(known) == 2 and known[0] == key:
            try:
                found = [(link, target) for link, target in known[1]]
                if not all(isinstance(link, str) and isinstance(target, str) for link, target in found):
                    found = None
            except (TypeError, ValueError):
                found = None  # not what save() wrote: read the page
        if found is None:
            found = link_targets(self.output.site, page, self.base_url, self.prefix)
        if key is not None:
            self.found[relative] = [key, found]
        return found

    def save(self) -> None:
        _write_json(self.output.folder / LINKS_FILE, {"stamp": self._stamp(), "pages": self.found})


def _previous_texts(folder: Path) -> dict[str, str]:
    """Normalised texts the part's last build kept, by content digest: an unchanged file is not normalised again."""
    try:
        record = json.loads((folder / "part.last.json").read_text(encoding="utf-8"))
        scan = (folder / "scan.last.txt").read_text(encoding="utf-8")
        if hashlib.sha256(scan.encode()).hexdigest() != record["scan_digest"]:
            return {}
        texts = {}
        for start, end, relative in record["index"]:
            digest = record["digests"].get(relative)
            if isinstance(digest, str):
                texts[digest] = scan[start:end].rsplit("\n", 1)[0]
        return texts
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
    finally:
        for name in ("part.last.json", "scan.last.txt"):
            (folder / name).unlink(missing_ok=True)


def _search_segment(site: Path) -> str:
    """The part's search entries as they appear inside the merged index (Material's own JSON form)."""
    path = site / "search" / "search_index.json"
    if not path.is_file():
        return ""
    docs = json.loads(path.read_text(encoding="utf-8")).get("docs") or []
    return json.dumps(docs, separators=(",", ":"), default=str)[1:-1]


def _search_views(segment: str) -> tuple[str, str, bool]:
    """The scan's two views of a part's search entries (as is, tags stripped), and whether they compose.

    The merged index is the parts' entries joined by commas, and normalising works character by
    character within a line, so the merged index's views are the parts' views joined. Two things
    could reach across a join: a ``<`` the tag pattern leaves open, or a Markdown link target left
    open; a part with either (never in crisiskit's pages) has the merged index normalised whole.
    """
    decoded = _decode(segment)
    stripped = _TAG.sub("", decoded)
    whole = "<" in stripped or "](" in decoded
    return _canonical(decoded), _canonical(stripped), whole


def _sitemap_urls(site: Path) -> list[list[str]]:
    path = site / "sitemap.xml"
    if not path.is_file():
        return []
    urls = []
    for url in ET.parse(path).getroot().findall(f"{{{_SITEMAP}}}url"):
        loc = url.findtext(f"{{{_SITEMAP}}}loc") or ""
        lastmod = url.findtext(f"{{{_SITEMAP}}}lastmod") or ""
        urls.append([loc, lastmod])
    return urls


class Assembly:
    """One language's tree in ``staged``: every part's files linked (never copied: they are never written
    again), then the merged search index and sitemap, written new. In two steps when that helps, to the same
    files as in one.

    The parts kept from the last run are most of an archive's files (and of its folders, made one system
    call each); they are known once the parts are planned, so ``link`` makes their files while the engine
    builds the other parts. ``finish`` links the rest once they are built and writes the merged files.

    ``recycled``: ``staged`` is a former release's tree of this language (switch.py: the spare), whose files
    and folders are listed once (``_take_stock``): a file that is the very file a kept part built (the same
    device and inode, so a hard link to it, which no one writes again) stays; every other file is replaced or
    removed, and every folder no file needs is removed, so the tree ends as one assembled into an empty folder:
    exactly the files ``finish`` returns. At 1,000 incidents that spares most of the 11,000 folders and 15,000
    links a language's tree is made of, and the removal of as many from the trash.
    """

    def __init__(self, staged: Path, recycled: bool = False):
        self.staged = staged
        self.folders: set[str] = set()
        self.made: set[str] = set()
        self.linked: set[str] = set()
        self.old: dict[str, tuple[int, int]] = {}
        """The recycled tree's files not claimed yet -> (device, inode)."""
        self.old_folders: set[str] = set()
        self.stocked = not (recycled and staged.is_dir() and not staged.is_symlink())
        if self.stocked:
            staged.mkdir(parents=True, exist_ok=True)

    def _take_stock(self) -> None:
        """List the recycled tree once (from the kinds and inodes scandir reads); remove what is neither a file
        nor a folder (a link, a device: never reused, never followed)."""
        if self.stocked:
            return
        self.stocked = True
        device = os.lstat(self.staged).st_dev
        folders = [(os.fspath(self.staged), "")]
        while folders:
            top, prefix = folders.pop()
            with os.scandir(top) as entries:
                for entry in entries:
                    relative = prefix + entry.name
                    if entry.is_dir(follow_symlinks=False):
                        self.old_folders.add(relative)
                        folders.append((entry.path, relative + "/"))
                    elif entry.is_file(follow_symlinks=False):
                        self.old[relative] = (device, entry.inode())
                    else:
                        os.unlink(entry.path)
        self.folders |= self.old_folders

    def _clear(self, relative: str) -> None:
        """Remove whatever the recycled tree holds at ``relative`` (a file, or a folder with all it holds)."""
        path = os.path.join(self.staged, relative)
        if relative in self.old_folders:
            shutil.rmtree(path)
            inside = relative + "/"
            self.old_folders = {f for f in self.old_folders if f != relative and not f.startswith(inside)}
            self.folders = {f for f in self.folders if f != relative and not f.startswith(inside)}
            self.old = {name: key for name, key in self.old.items() if not name.startswith(inside)}
        elif self.old.pop(relative, None) is not None:
            os.unlink(path)

    def link(self, builds: Iterable[PartBuild]) -> None:
        """Link the files of ``builds`` (each part once), making the folders they need that are not made yet."""
        self._take_stock()
        builds = [b for b in builds if b.part.name not in self.linked]
        self.linked.update(b.part.name for b in builds)
        new: set[str] = set()
        for build in builds:
            for relative, _size, _mtime in build.record["files"] if build.record else []:
                folder = posixpath.dirname(relative)
                while folder and folder not in self.folders and folder not in new:
                    new.add(folder)
                    folder = posixpath.dirname(folder)
        for folder in sorted(new):  # a parent sorts before its children: one mkdir each, no lookups
            if folder in self.old:
                self._clear(folder)  # a file of the recycled tree where a folder is needed now
            os.mkdir(self.staged / folder)
        self.folders |= new
        staged = os.fspath(self.staged)
        for build in builds:
            site = str(build.site)
            for relative, _size, _mtime in build.record["files"] if build.record else []:
                self.made.add(relative)
                if self.old:
                    if self.old.get(relative) == build.inodes.get(relative, ()):
                        del self.old[relative]  # the very file: a link to the kept part's output already
                        continue
                    self._clear(relative)
                elif relative in self.old_folders:
                    self._clear(relative)
                target = os.path.join(staged, relative)
                try:
                    os.link(os.path.join(site, relative), target)
                except OSError as error:
                    if error.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
                        raise
                    shutil.copyfile(build.site / relative, target)  # another filesystem, or links refused

    def finish(self, builds: list[PartBuild]) -> set[str]:
        """Link every part not linked yet, write the merged search index and sitemap, remove what a recycled tree
        held beyond them; the paths of every file made, relative to ``staged`` (so that checking the links need
        not walk the folders just made: tree_names)."""
        self.link(builds)
        staged = self.staged
        for name in MERGED:
            self._clear(name)  # written new below, never into a former release's file
        if "search" not in self.folders:
            self._clear("search")  # a file of a recycled tree where the folder goes
            os.mkdir(staged / "search")
            self.folders.add("search")
        front = next(b for b in builds if b.part.name == FRONT)
        write_file(staged / "search" / "search_index.json", merged_search(builds).encode("utf-8"))
        sitemap = merged_sitemap(builds)
        write_file(staged / "sitemap.xml", sitemap)
        dates = [lastmod for b in builds for _loc, lastmod in (b.record or {}).get("sitemap", []) if lastmod]
        stamp = front.part.epoch  # as MkDocs stamps it: the newest page date, at midnight UTC
        if dates:
            stamp = int(datetime.strptime(max(dates), "%Y-%m-%d").replace(tzinfo=UTC).timestamp())
        packed = io.BytesIO()
        with gzip.GzipFile(fileobj=packed, filename="sitemap.xml.gz", mode="wb", mtime=stamp) as zipped:
            zipped.write(sitemap)
        write_file(staged / "sitemap.xml.gz", packed.getvalue())
        made = self.made | set(MERGED)
        self._remove_the_rest(made)
        return made

    def _remove_the_rest(self, made: set[str]) -> None:
        """A recycled tree's files no part built this time, and its folders no file needs: removed."""
        for relative in self.old:
            os.unlink(os.path.join(self.staged, relative))
        self.old = {}
        needed = {"search"}
        for relative in made:
            folder = posixpath.dirname(relative)
            while folder and folder not in needed:
                needed.add(folder)
                folder = posixpath.dirname(folder)
        for folder in sorted(self.old_folders - needed, reverse=True):  # a folder's children sort after it
            path = os.path.join(self.staged, folder)
            if os.path.isdir(path) and not os.path.islink(path):
                os.rmdir(path)
        self.folders &= needed
        self.old_folders = set()


def _search_config(front: PartBuild) -> str:
    path = front.site / "search" / "search_index.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return json.dumps(data.get("config"), separators=(",", ":"), default=str)


def merged_search(builds: list[PartBuild]) -> str:
    """Material's search index for the whole language: the front's config, every part's entries."""
    front = next(b for b in builds if b.part.name == FRONT)
    segments = [(b.folder / "search.txt").read_text(encoding="utf-8") for b in builds]
    return '{"config":' + _search_config(front) + ',"docs":[' + ",".join(s for s in segments if s) + "]}"


def merged_sitemap(builds: list[PartBuild]) -> bytes:
    """MkDocs' sitemap for the whole language, in MkDocs' own layout: every part's pages with their dates."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{_SITEMAP}">']
    for build in builds:
        for loc, lastmod in build.record["sitemap"] if build.record else []:
            lines.append("    <url>")
            lines.append(f"         <loc>{_xml(loc)}</loc>")
            if lastmod:
                lines.append(f"         <lastmod>{_xml(lastmod)}</lastmod>")
            lines.append("    </url>")
    lines.append("</urlset>")
    return "\n".join(lines).encode("utf-8")  # no newline at the end, as MkDocs writes it


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def tree_names(staged: Path, assembled: dict[str, set[str]] | None = None) -> set[str]:
    """Every file under ``staged``, relative to it; a top folder named in ``assembled`` (language -> what
    an Assembly made in it, into a folder that was empty) is taken from there instead of walked."""
    present: set[str] = set()
    root = os.fspath(staged)
    known = assembled or {}
    for top, dirs, names in os.walk(root):
        folder = os.path.relpath(top, root).replace(os.sep, "/")
        if folder == ".":
            present.update(names)
            for name in [d for d in dirs if d in known]:
                dirs.remove(name)
                present.update(f"{name}/{relative}" for relative in known[name])
        else:
            present.update(f"{folder}/{name}" for name in names)
    return present


def check_parts(builds: list[PartBuild], present: set[str]) -> list[str]:
    """Every part's own problems, and each link target of every part checked against the assembled tree's files
    (``present``: tree_names)."""
    problems: list[str] = []
    for build in builds:
        record = build.record or {}
        problems += record.get("problems", [])
        problems += dead_targets(record.get("targets", {}), record.get("pages", []), present)
    return problems


def walk_kept(builds: list[PartBuild], needles: Needles, digest: str, before: Needles | None = None) -> list[Leak]:
    """The leak scan of the parts kept from the last run, which needs only their kept text: done while the
    engine builds the other parts (scan_language then skips them).

    ``before`` is the needle set the last successful run scanned every part with: a part scanned with it
    already holds none of those needles, so only the needles new since then are looked for in it (an
    update adds a few: its revision's posts), which is far quicker than all of them.
    """
    fresh = None
    if before is not None:
        fresh = {word: label for word, label in needles.words.items() if word not in before.words}
        log.debug("leak scan of kept parts: %d needle(s) new since the last build", len(fresh))
    leaks = []
    for build in builds:
        if not build.reused or build.record is None or build.record.get("needles") == digest:
            continue
        if fresh is not None and build.record.get("needles") == before.digest:  # type: ignore[union-attr]
            if len(fresh) <= FEW and not _any_in_kept(build, fresh):
                continue  # the common case, decided on the file's bytes without decoding a part's text
            leaks += _find(build, load_scan(build), fresh)
        else:
            leaks += _walk(build, load_scan(build), needles)
    return leaks


def _any_in_kept(build: PartBuild, words: dict[str, str]) -> bool:
    """Whether any of a few needles is in the part's kept text, searched as UTF-8 bytes (a match of a whole
    encoded needle is a match of the text: UTF-8 never starts a character inside another)."""
    data = (build.folder / "scan.txt").read_bytes()
    return any(word.encode("utf-8") in data for word in words)


def _find(build: PartBuild, scan: str, words: dict[str, str]) -> list[Leak]:
    """Every one of a few needles in the part's kept texts (str.find: faster than an automaton for a few)."""
    if len(words) > FEW:
        return _walk(build, scan, Needles(_automaton(words), len(words), (), "", 0, words))
    starts = [start for start, _end, _file in build.index]
    found: dict[str, set[str]] = {}
    for word, label in words.items():
        at = scan.find(word)
        while at >= 0:
            where = bisect.bisect_right(starts, at + len(word) - 1) - 1
            found.setdefault(build.index[where][2], set()).add(label)
            at = scan.find(word, at + 1)
    return [Leak(file, label) for file in sorted(found) for label in sorted(found[file])]


FEW = 64
NEEDLES_FILE = "needles.json"


def remembered_needles(root: Path) -> Needles | None:
    """The needle set of the last successful build of the public site (build/public/needles.json), if any."""
    try:
        data = json.loads((root / NEEDLES_FILE).read_text(encoding="utf-8"))
        words = {str(k): str(v) for k, v in data["words"].items()}
        if needles_digest(words) != data["digest"]:  # damaged: every kept part is walked with every needle
            return None
        return Needles(None, len(words), (), str(data["digest"]), 0, words)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def remember_needles(root: Path, needles: Needles) -> None:
    """Keep the needle set every part was just scanned with, for the next run's walk_kept (best effort)."""
    try:
        _write_json(root / NEEDLES_FILE, {"digest": needles.digest, "words": needles.words})
    except OSError as error:
        log.debug("build/public/needles.json: not kept (%s)", error)


def scan_language(builds: list[PartBuild], staged: Path, needles: Needles) -> list[Leak]:
    """The rest of the leak scan of one assembled language: the parts built in this run, the merged search index
    and the sitemap (the parts kept from the last run were searched by walk_kept while the engine worked).

    A part's text (its files and its search entries' views) is walked with every needle. The merged search
    index is its parts' entries joined by commas, and the views compose (see _search_views), so what remains is
    the index's head and tail and each join, walked every time with enough of each side to hold the longest
    needle.
    """
    leaks: list[Leak] = []
    language = staged.name
    for build in builds:
        if build.record is not None and not build.reused:
            leaks += _walk(build, load_scan(build), needles)
    search = staged / "search" / "search_index.json"
    relative = f"{language}/search/search_index.json"
    records = [b.record for b in builds if b.record is not None]
    if any(r["search"]["whole"] for r in records) or needles.longest >= EDGE:
        text = scannable_text(read_file(search), search.name, {})
    else:
        text = _joins(records, search)
    found = _values_in(needles.automaton, text) | _values_in(needles.automaton, normalise(relative))
    leaks += [Leak(relative, label) for label in sorted(found)]
    for name in ("sitemap.xml", "sitemap.xml.gz"):
        path = staged / name
        found = _values_in(needles.automaton, scannable_text(read_file(path), name, {}))
        found |= _values_in(needles.automaton, normalise(f"{language}/{name}"))
        leaks += [Leak(f"{language}/{name}", label) for label in sorted(found)]
    return leaks


EDGE = 4096
"""How much of each end of a part's search views is kept to scan the joins of the merged index: more than any
needle (a longer needle has the merged index normalised whole)."""


def _walk(build: PartBuild, scan: str, needles: Needles) -> list[Leak]:
    """Every needle in the part's kept texts, named by file (its search entries by the merged index's name)."""
    if needles.automaton.kind == 0:  # ahocorasick.EMPTY
        return []
    starts = [start for start, _end, _file in build.index]
    found: dict[str, set[str]] = {}
    for end, label in needles.automaton.iter(scan):
        where = bisect.bisect_right(starts, end) - 1
        found.setdefault(build.index[where][2], set()).add(label)
    return [Leak(file, label) for file in sorted(found) for label in sorted(found[file])]


def _joins(records: list[dict[str, Any]], search: Path) -> str:
    """The merged search index's text where no part's own scan reaches: its head, its tail and every join."""
    raw = search.read_text(encoding="utf-8")
    head, _, _ = raw.partition(',"docs":[')
    prefix = head + ',"docs":['
    ends = [r["search"]["ends"] for r in records if r["search"]["entries"]]
    comma, suffix = _canonical(","), _canonical("]}")
    out = []
    for view, opening in ((0, _canonical(_decode(prefix))), (1, _canonical(_TAG.sub("", _decode(prefix))))):
        pieces = [opening]
        for first, last in (one[view] for one in ends):
            # a short view whole; a long one's two ends, with a "\n" no needle spans (its middle was walked)
            pieces += [first, comma] if not last else [first, "\n", last, comma]
        if ends:
            pieces.pop()
        out.append("".join(pieces) + suffix)
    return "\n".join(out)


def keep(builds: Iterable[PartBuild], digest: str) -> None:
    """Record each part as built and scanned with needles ``digest``, once the run passed (best effort: a part
    not recorded is built again next time; a part whose needles are not recorded is searched for all of them).

    Which needles a part was scanned with is a file of its own (``scanned``), so a kept part's record is not
    written again on every update, which brings new needles.
    """
    for build in builds:
        if build.record is None or (build.reused and build.record.get("needles") == digest):
            continue
        try:
            if not build.reused:
                build.record["kept"] = [(name, *_stat(build.folder / name)) for name in KEPT]
                build.record["needles"] = None
                _write_json(build.folder / "part.json", build.record)
                write_file(build.folder / KEY_FILE, build.key.encode("ascii"))  # after the record it names
            write_file(build.folder / SCANNED, digest.encode("ascii"))
            build.record["needles"] = digest
        except OSError as error:
            log.debug("%s: not kept (%s)", build.folder, error)


SCANNED = "scanned"


def _scanned(folder: Path) -> str | None:
    """The digest of the needles the part was last scanned with (``keep``), if recorded."""
    try:
        return (folder / SCANNED).read_text(encoding="ascii").strip() or None
    except (OSError, ValueError):
        return None


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``; a refusal (a full disk) names the path, which a failed write() does not."""
    try:
        path.write_bytes(data)
    except OSError as error:
        if error.filename:
            raise
        raise OSError(error.errno, error.strerror, str(path)) from None


def _write_json(path: Path, data: dict[str, Any]) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)
