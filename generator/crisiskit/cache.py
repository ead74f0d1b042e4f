"""Work that does not change is not done again: per-incident results remembered under build/cache/.

An organisation's archive grows for years while each update changes one
incident, so `check` reads and judges only the kits whose inputs changed
since the last run. An entry is used only when everything that could change
its result is the same: the kit's bytes and the path it is shown by, every
scenario file, crisiskit.yml, the site's address, the approved texts
kit.json keeps for the incident, and crisiskit itself (the hash of its own
code and data, so a new rule or a fixed bug is never hidden by an old entry).

Time is an input too: `check --at` (by default now) decides what is due,
published or overdue. The rules are run with a ``Probe`` for the moment,
a datetime that records every instant it is compared with; an entry holds
which side of each instant the moment was on, and is used again only while
a new moment is on the same side of every one of them. A rule that uses the
moment any other way (prints it, adds to it) makes its entry good for that
exact moment only.

Entries are JSON, read as data and checked field by field, never code. A
cache someone committed is never trusted: in a git checkout where build/
holds tracked files (a pull request can add anything), caches are off and
the command says so. A damaged or half-written entry is simply a miss.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import sqlite3
import stat
import subprocess
import time
import weakref
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import lru_cache
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any, Self

import crisiskit
from crisiskit.checks.findings import Finding

log = logging.getLogger(__name__)
FORMAT = 1
CACHE_DIR = ("build", "cache")


# The libraries whose version can change what check and generate say about the same kit: the YAML
# parser, the validator, the templates, number and date formats, the Markdown subset, host names.
LIBRARIES = (
    "ruamel.yaml",
    "PyYAML",
    "pydantic",
    "pydantic-core",
    "jinja2",
    "babel",
    "regex",
    "markdown",
    "idna",
    "nh3",
)


@lru_cache(maxsize=1)
def code_digest() -> str:
    """sha256 over crisiskit's own files (code, templates, data) and the versions of the libraries that
    shape its results: any change to the tool or to one of them is a new digest."""
    root = Path(crisiskit.__file__).parent
    digest = hashlib.sha256(crisiskit.__version__.encode())
    for library in LIBRARIES:
        try:
            digest.update(f"\0{library}={metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"\0{library}=-".encode())
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def caching_allowed(project: Path) -> bool:
    """False when build/ holds files git tracks (a committed cache could say anything), or git cannot tell."""
    folder = project.resolve()
    if not any((p / ".git").exists() for p in [folder, *folder.parents]):
        return True  # not a git checkout: build/ holds only what crisiskit wrote on this machine
    try:
        tracked = subprocess.run(
            ["git", "-C", str(folder), "ls-files", "-z", "--", "build"],
            capture_output=True,
            timeout=30,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        log.warning("build/cache/: git could not say whether build/ is committed; working without caches")
        return False
    if tracked:
        log.warning("build/ holds files committed to git: crisiskit ignores its caches there (remove them from git)")
        return False
    return True


class Probe(datetime):
    """A moment that records the instants it is compared with, so a result can say for which moments it holds."""

    compared: list[datetime]
    exact: bool

    @classmethod
    def of(cls, moment: datetime) -> Probe:
        probe = cls(
            moment.year,
            moment.month,
            moment.day,
            moment.hour,
            moment.minute,
            moment.second,
            moment.microsecond,
            moment.tzinfo,
            fold=moment.fold,
        )
        probe.compared = []
        probe.exact = False
        return probe

    def _plain(self) -> datetime:
        return datetime(
            self.year,
            self.month,
            self.day,
            self.hour,
            self.minute,
            self.second,
            self.microsecond,
            self.tzinfo,
            fold=self.fold,
        )

    def _seen(self, other: object) -> datetime:
        if not isinstance(other, datetime):
            self.exact = True
            raise TypeError("a Probe compares with datetimes only")
        self.compared.append(other)
        return self._plain()

    def __lt__(self, other: object) -> bool:
        return self._seen(other) < other  # type: ignore[operator]

    def __le__(self, other: object) -> bool:
        return self._seen(other) <= other  # type: ignore[operator]

    def __gt__(self, other: object) -> bool:
        return self._seen(other) > other  # type: ignore[operator]

    def __ge__(self, other: object) -> bool:
        return self._seen(other) >= other  # type: ignore[operator]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, datetime) and self._seen(other) == other

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = datetime.__hash__

    def _used(self) -> datetime:
        self.exact = True
        return self._plain()

    def isoformat(self, *args: Any, **kwargs: Any) -> str:
        return self._used().isoformat(*args, **kwargs)

    def strftime(self, fmt: str) -> str:
        return self._used().strftime(fmt)

    def __str__(self) -> str:
        return str(self._used())

    def __format__(self, spec: str) -> str:
        return format(self._used(), spec)

    def astimezone(self, tz: Any = None) -> datetime:  # type: ignore[override]  # a plain moment, not a probe
        return self._used().astimezone(tz)

    def timestamp(self) -> float:
        return self._used().timestamp()

    def replace(self, *args: Any, **kwargs: Any) -> datetime:  # type: ignore[override]  # a plain moment
        return self._used().replace(*args, **kwargs)

    def __add__(self, other: Any) -> Any:
        return self._used() + other

    __radd__ = __add__

    def __sub__(self, other: Any) -> Any:
        return self._used() - other

    def __rsub__(self, other: Any) -> Any:
        return other - self._used()

    def date(self) -> Any:
        return self._used().date()

    def sides(self) -> list[tuple[str, int]]:
        """Each instant compared with, and on which side of it this moment is (-1 before, 0 at, 1 after)."""
        moment = self._plain()
        seen = {x.isoformat(): (moment > x) - (moment < x) for x in self.compared}
        return sorted(seen.items())


# A kit is at most 1 MB by default (crisiskit.yml may lower it, never past this); kit.json is bigger.
READ_LIMIT = 64 * 2**20


def read_regular(path: Path, limit: int = READ_LIMIT) -> bytes | None:
    """The bytes of ``path`` if it is a regular file (not a link, device or pipe) of at most ``limit``
    bytes; None otherwise, so the caller leaves it to the loader, which says what is wrong with it."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            # its size and one byte more (asking for the limit would allocate it whole on every read) ...
            wanted = min(info.st_size, limit) + 1
            data = handle.read(wanted)
            if len(data) == wanted and wanted <= limit:  # ... and if it grew meanwhile, on as far as the limit
                data += handle.read(limit + 1 - wanted)
        return data if len(data) <= limit else None
    finally:
        os.close(fd)


def _sign(moment: datetime, instant: datetime) -> int:
    return (moment > instant) - (moment < instant)


@dataclass(frozen=True)
class Entry:
    """One incident's remembered findings and the moments they hold for."""

    incident_id: str
    findings: list[Finding]


def _keep(target: Path, data: dict[str, Any]) -> None:
    """Write a cache entry whole or not at all (best effort; no fsync: a lost entry is only a miss)."""
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, target)
    except OSError as error:
        log.debug("build/cache/: not written (%s)", error)
        temporary.unlink(missing_ok=True)


ENTRIES = "entries.sqlite"
"""Every kit cache's entries, in one SQLite database under build/cache/ (``EntryStore``)."""


class EntryStore:
    """The entries of every kit cache, one row per (kind, kit file), in one SQLite database: build/cache/entries.sqlite.

    A database rather than a file per kit: a check of a thousand kits from nothing made a thousand small files,
    and on this project's 2-core machine creating them cost the two workers 1.2 to 1.5 s of system time
    between them (a fifth of the whole check); written as one transaction per batch of kits, the check's
    system time is 0.3 s in all. Pages of 64 KB keep a public entry (about 40 KB) in a page or two: reading
    1,000 entries of 100 KB took 0.07 s here, against 0.08 s as files and 0.2 s with SQLite's 4 KB pages.

    Best effort, as every cache: no fsync (``synchronous=OFF``; a lost entry is only a miss), and any
    failure (a full disk, a read-only folder, a damaged database) is logged at debug level and makes the
    entries misses. A database that is not one, or is corrupt (cut short, overwritten), is removed and made
    afresh. A symbolic link (or anything but a file) in its place or its journal's is never followed: the
    command works without the cache instead, and says so.

    One connection per process, opened on first use and closed before any fork: an SQLite connection, or the
    lock state SQLite keeps for it in the process, must not cross a fork, and the check and build workers are
    forked. A store handed to a worker (pickled) opens its own connection there. Writes are kept until
    ``flush`` and written in one transaction, which each worker does at the end of its batch.
    """

    FLUSH_AT = 64
    """Entries kept before they are written anyway, so a long batch never holds many (a public entry is large)."""

    def __init__(self, file: Path):
        self.file = file
        self._pending: list[tuple[str, str, bytes]] = []
        self._connection: tuple[int, sqlite3.Connection | None] | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"file": self.file}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["file"])  # type: ignore[misc]  # a fresh store in the process it was handed to

    def read(self, kind: str, shown: str) -> bytes | None:
        """The entry of the kit file ``shown`` in cache ``kind``, as last flushed; None if there is none."""
        connection = self._database()
        if connection is None:
            return None
        try:
            row = connection.execute("SELECT data FROM entries WHERE kind = ? AND shown = ?", (kind, shown)).fetchone()
        except sqlite3.Error as error:
            self._failed("not read", error)
            return None
        return row[0] if row is not None and isinstance(row[0], bytes) else None

    def write(self, kind: str, shown: str, data: bytes) -> None:
        """Keep the entry to write at the next ``flush`` (sooner when many are waiting)."""
        self._pending.append((kind, shown, data))
        if len(self._pending) >= self.FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        """Write every entry kept so far, in one transaction (best effort: entries not written are misses)."""
        pending, self._pending = self._pending, []
        connection = self._database() if pending else None
        if connection is None:
            return
        try:
            connection.execute("BEGIN")  # one transaction (the connection would commit each row on its own)
            try:
                connection.executemany("INSERT OR REPLACE INTO entries (kind, shown, data) VALUES (?, ?, ?)", pending)
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        except sqlite3.Error as error:
            self._failed(f"{len(pending)} entr(ies) not written", error)

    def _failed(self, what: str, error: sqlite3.Error) -> None:
        """Log a failure; a damaged database is closed and removed, so the next use makes it afresh."""
        log.debug("build/cache/%s: %s (%s)", ENTRIES, what, error)
        if _damaged(error):
            self.close()
            _remove_database(self.file)

    def _database(self) -> sqlite3.Connection | None:
        """This process's connection, opened on first use (None, for the rest of the command, if it cannot be)."""
        if self._connection is None or self._connection[0] != os.getpid():
            self._connection = (os.getpid(), _open_entries(self.file))
            _OPEN.add(self)
        return self._connection[1]

    def settle(self) -> None:
        """Close the database when the command is done with it, as its last connection: SQLite then copies the
        journal (what forked workers wrote) into the database and removes it, so build/cache/ holds one file."""
        self._database()
        self.close()

    def close(self) -> None:
        """Close this process's connection (entries kept for ``flush`` stay kept); the next use opens it again."""
        if self._connection is not None and self._connection[1] is not None and self._connection[0] == os.getpid():
            self._connection[1].close()
        if self._connection is None or self._connection[1] is not None:
            self._connection = None  # a database that could not be opened stays unopened


_OPEN: weakref.WeakSet[EntryStore] = weakref.WeakSet()


def _close_before_fork() -> None:
    for store in list(_OPEN):
        store.close()


os.register_at_fork(before=_close_before_fork)


def _open_entries(file: Path) -> sqlite3.Connection | None:
    """The entries database at ``file``, made if missing and made afresh if it is not a database; None if it cannot
    be opened (a link or anything but a file in its place or its journal's, a read-only or full disk)."""
    for attempt in (1, 2):
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            for path in _database_files(file):
                if os.path.lexists(path) and not stat.S_ISREG(os.lstat(path).st_mode):
                    log.warning("%s is not a regular file: crisiskit works without its cache (remove it)", path)
                    return None
            # any thread may close it (before a fork); one uses it at a time
            connection = sqlite3.connect(file, timeout=30, isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error) as error:
            log.debug("build/cache/%s: not opened (%s)", ENTRIES, error)
            return None
        try:
            connection.execute("PRAGMA page_size = 65536")  # before the first table, or it has no effect
            connection.execute("PRAGMA journal_mode = WAL")  # the workers write while others read
            connection.execute("PRAGMA synchronous = OFF")
            connection.execute(
                "CREATE TABLE IF NOT EXISTS entries (kind TEXT, shown TEXT, data BLOB, PRIMARY KEY (kind, shown))"
            )
            return connection
        except sqlite3.Error as error:
            connection.close()
            if attempt == 2 or not _damaged(error):
                log.debug("build/cache/%s: not opened (%s)", ENTRIES, error)
                return None
            log.debug("build/cache/%s: not a database (%s): made afresh", ENTRIES, error)
            _remove_database(file)
    return None


def _database_files(file: Path) -> list[Path]:
    """The database and the journal files SQLite keeps beside it in WAL mode."""
    return [file, file.with_name(f"{file.name}-wal"), file.with_name(f"{file.name}-shm")]


def _damaged(error: sqlite3.Error) -> bool:
    """The database is not one, or is corrupt (cut short, overwritten): a cache to make afresh, not a busy one."""
    return (getattr(error, "sqlite_errorcode", 0) & 0xFF) in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT)


def _remove_database(file: Path) -> None:
    for path in _database_files(file):
        try:
            if stat.S_ISREG(os.lstat(path).st_mode):
                os.unlink(path)
        except OSError:
            pass


class KitCache:
    """Remembered per-kit results of one command: one entry per kit file, in the project's EntryStore."""

    kind = ""

    def __init__(self, project: Path, common: str):
        self.folder = project.joinpath(*CACHE_DIR, self.kind)
        self.project = project
        self.common = common
        self.entries = EntryStore(project.joinpath(*CACHE_DIR, ENTRIES))

    @classmethod
    def open(cls, project: Path, site_url: str, scenario_files: Iterable[Path]) -> Self | None:
        """The cache for this project and these shared inputs, or None when caches may not be used."""
        if not caching_allowed(project):
            return None
        digest = hashlib.sha256(f"{FORMAT}\0{cls.kind}\0{code_digest()}\0{site_url}\0".encode())
        config = project / "crisiskit.yml"
        shared = read_regular(config) if config.exists() or config.is_symlink() else b"-"
        for path in sorted(scenario_files):
            data = read_regular(path)
            if data is None or shared is None:
                return None  # a link, a device, a giant: the full path reads it and says what is wrong
            digest.update(b"\0" + path.name.encode() + b"\0" + data)
        if shared is None:
            return None
        digest.update(b"\0" + shared)
        return cls(project, digest.hexdigest())

    def flush(self) -> None:
        """Write the entries stored so far (EntryStore.flush): at the end of each batch of kits."""
        self.entries.flush()

    def close(self) -> None:
        """Write what is kept and close the database, when the command is done with the cache.

        Explicitly: a connection of Python 3.11's sqlite3 is in a reference cycle (its statement cache), so it
        would stay open, its journal beside it, until the cycle collector happens to run.
        """
        self.entries.flush()
        self.entries.settle()

    def _write(self, shown: str, data: dict[str, Any]) -> None:
        self.entries.write(self.kind, shown, json.dumps(data, ensure_ascii=False).encode("utf-8"))

    def _read(self, shown: str, kit: bytes) -> dict[str, Any] | None:
        """The entry for the kit file ``shown``, if it was stored for these very bytes and shared inputs."""
        raw = self.entries.read(self.kind, shown)
        if raw is None:
            return None
        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != self._kit_key(shown, kit):
            return None
        if not isinstance(data.get("id"), str):
            return None
        return data

    def _file(self, shown: str) -> Path:
        return self.folder / (hashlib.sha256(shown.encode()).hexdigest()[:32] + ".json")

    def _kit_key(self, shown: str, kit: bytes) -> str:
        return hashlib.sha256(f"{self.common}\0{shown}\0".encode() + kit).hexdigest()


def record_file(project: Path, incident_id: str) -> Path:
    """The incident's kit.json in the review tree, where the approved texts are kept (compose/record.py)."""
    return project / "content" / "incidents" / incident_id / "kit.json"


class TimedKitCache(KitCache):
    """A cache whose entries also depend on the approved texts kit.json keeps and on the moment (Probe)."""

    def _record_key(self, incident_id: str) -> str:
        return self.record_key_of(read_regular(record_file(self.project, incident_id)))

    @staticmethod
    def record_key_of(data: bytes | None) -> str:
        """``record_key`` of kit.json's bytes ``data`` (None: not a readable file), for a caller that composes
        with those very bytes."""
        return "-" if data is None else hashlib.sha256(data).hexdigest()

    def record_key(self, incident_id: str) -> str:
        """The approved texts kit.json keeps for the incident, as a hash: read before the kit is composed."""
        return self._record_key(incident_id)

    def _timed(self, kit: bytes, shown: str, at: datetime) -> dict[str, Any] | None:
        """The entry for ``shown`` holding ``kit``, if kit.json is as it was and it holds at ``at`` (else None)."""
        data = self._read(shown, kit)
        if data is None or data.get("record") != self._record_key(data["id"]):
            return None
        exact = data.get("exact")
        if exact is not None:
            return data if datetime.fromisoformat(exact) == at else None
        if any(_sign(at, datetime.fromisoformat(x)) != side for x, side in data["sides"]):
            return None
        return data

    @staticmethod
    def _moment(probe: Probe) -> dict[str, Any]:
        """What an entry records of the moment it was computed for: the sides it holds for, or the moment itself."""
        return {"exact": probe._plain().isoformat() if probe.exact else None, "sides": probe.sides()}


class CheckCache(TimedKitCache):
    """The remembered findings of `check`."""

    kind = "check"

    def lookup(self, kit: bytes, shown: str, at: datetime) -> Entry | None:
        """The findings remembered for the kit file ``shown`` holding ``kit``, if they hold at ``at``."""
        try:
            data = self._timed(kit, shown, at)
            return None if data is None else Entry(data["id"], [_finding(f) for f in data["findings"]])
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing, damaged or from another version: a miss

    def store(
        self, kit: bytes, shown: str, incident_id: str, record: str, probe: Probe, findings: list[Finding]
    ) -> None:
        """Remember ``findings`` of the kit file ``shown`` as it held ``kit`` and kit.json as it hashed to
        ``record``, both read before the kit was loaded (best effort: a cache not written is no cache)."""
        data = {
            "format": FORMAT,
            "key": self._kit_key(shown, kit),
            "id": incident_id,
            "record": record,
            **self._moment(probe),
            "findings": [asdict(f) for f in findings],
        }
        self._write(shown, data)


@dataclass(frozen=True)
class Generated:
    """One incident's pages in content/ as the last `generate` left them, and its lines in the index."""

    incident_id: str
    pages: list[PurePosixPath]
    rows: dict[str, list[Any]]


class GenerateCache(KitCache):
    """What `generate` wrote for each kit: a kit whose bytes and pages are as they were is not rendered again.

    A page counts as it was when its size and modification time are those recorded right after it
    was written (as git's index does): a hand edit, a deleted page or a kit.json another run rewrote
    makes the incident a miss, and the ordinary write path then says or does what it always does.
    kit.json is one of the pages, so the approved texts it keeps (an input of composing) are as
    they were whenever an entry is used.
    """

    kind = "generate"

    def lookup(self, kit: bytes, shown: str, content: Path) -> Generated | None:
        try:
            data = self._read(shown, kit)
            if data is None:
                return None
            pages = []
            for relative, size, mtime in data["pages"]:
                path = PurePosixPath(relative)
                if path.is_absolute() or ".." in path.parts:
                    return None
                info = content.joinpath(*path.parts).stat()
                if (info.st_size, info.st_mtime_ns) != (size, mtime):
                    return None
                pages.append(path)
            rows = data["rows"]
            if not isinstance(rows, dict) or not all(isinstance(v, list) for v in rows.values()):
                return None
            return Generated(data["id"], pages, {lang: [_row(r) for r in lines] for lang, lines in rows.items()})
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def store(
        self,
        kit: bytes,
        shown: str,
        incident_id: str,
        pages: list[PurePosixPath],
        rows: dict[str, list[Any]],
        content: Path,
    ) -> None:
        """Remember the pages as they are on disk now (just written) for the kit file ``shown`` holding ``kit``."""
        try:
            stats = [(p.as_posix(), *_stat(content.joinpath(*p.parts))) for p in pages]
        except OSError:
            return
        self._write(
            shown, {"format": FORMAT, "key": self._kit_key(shown, kit), "id": incident_id, "pages": stats, "rows": rows}
        )


def _stat(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_size, info.st_mtime_ns


def _row(data: Any) -> tuple[bool, float, dict[str, str]]:
    """An index line from its JSON form, each part of the type it must have."""
    resolved, when, shown = data
    if not isinstance(resolved, bool) or not isinstance(when, (int, float)) or not isinstance(shown, dict):
        raise TypeError("index row")
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in shown.items()):
        raise TypeError("index row")
    return resolved, float(when), shown


FINDING_FIELDS = {"file": str, "line": int, "column": int, "rule": str, "severity": str, "path": str}


def _finding(data: dict[str, Any]) -> Finding:
    """A Finding from its JSON form, each field of the type it must have."""
    for name, kind in FINDING_FIELDS.items():
        if not isinstance(data.get(name), kind):
            raise TypeError(name)
    return Finding(**data)


class MarkerCache:
    """Which files under content/ carry a crisiskit marker, remembered per file (build/cache/markers.json).

    Telling hand-written pages from generated ones opens every file of the review tree, twice per
    build (once per language's tree, each holding every incident's pages): at a thousand incidents
    that is thousands of files opened to read two lines. A file's answer is used again while the
    file is the same one with the same size, modification and change time (as git's index does;
    the change time cannot be set back by a program). A file changed within two seconds of the
    scan is not remembered: a change in the same clock tick could keep all of those the same.
    """

    RACY_NS = 2_000_000_000

    def __init__(self, project: Path):
        self.file = project.joinpath(*CACHE_DIR, "markers.json")
        self.started = time.time_ns()
        self.used: dict[str, list[int]] = {}
        self.known: dict[str, Any] = {}
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("code") == code_digest() and isinstance(data.get("files"), dict):
                self.known = data["files"]
        except (OSError, ValueError):
            pass

    def has_marker(self, path: Path) -> bool:
        """write.has_marker(path), remembered while the file is unchanged."""
        from crisiskit.write import has_marker

        name = os.fspath(path)
        try:
            info = os.lstat(name)
        except OSError:
            return has_marker(path)
        seen = [info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]
        known = self.known.get(name)
        if isinstance(known, list) and len(known) == 5 and known[:4] == seen and known[4] in (0, 1):
            self.used[name] = known
            return bool(known[4])
        marked = has_marker(path)
        if max(info.st_mtime_ns, info.st_ctime_ns) < self.started - self.RACY_NS:
            self.used[name] = [*seen, int(marked)]
        return marked

    def save(self) -> None:
        """Keep the answers of this run (best effort): the files looked at, none that are gone."""
        if self.used != self.known:
            _keep(self.file, {"code": code_digest(), "files": self.used})
