"""Verify, then switch: a site goes live whole and verified, in one atomic step, or not at all.

Layout under ``site/`` (every name but the two links is crisiskit's own bookkeeping):

    public   -> .releases/public-<id>     relative symbolic link: the one path a web server is given
    internal -> .releases/internal-<id>
    .releases/<audience>-<id>/            complete, verified trees; only the live one is kept
    .staging-<audience>-<id>/             a tree being built and verified; never served
    .trash/                               leftovers being removed in the background
    .spare-public-<id>/                   the public release the last run replaced, kept for the next one to reuse
    .publish.lock                         one publishing run at a time

Why a symlink swap: ``os.replace`` of a new link over the old one is one rename(2), atomic on
POSIX, so a reader resolving ``site/public`` at any instant gets the old release or the new one,
each complete. A directory cannot be renamed over a non-empty directory, and two renames leave an
instant with no site. Staging sits inside ``site/`` so the rename into ``.releases/`` never
crosses a filesystem. The link is relative, so a moved or copied project keeps working, and
``python3 -m http.server -d site/public`` or ``site/public/index.html`` opened from disk go through
it. A ``site/public`` directory left by an older crisiskit is exchanged with the new link in one
renameat2(RENAME_EXCHANGE) where the kernel offers it (two renames otherwise, once).

What a staged tree must be before the switch is ``verify_tree``: every home page there, no link in
it, and for the public site only allowed file types, no SVG that runs script, and no dead link
into itself (MkDocs' strict mode runs in engine.py, the leak scan in site.py).

A run killed at any point leaves the previous site live: staging trees and releases no link names
are leftovers that the next run removes, under the lock. Removing a large tree is slow on some
disks (an ext4 mounted with ``discard`` takes seconds for a few thousand files), so a successful
run only renames leftovers into ``.trash/`` (one rename each) and a background thread removes
them while the next run composes and builds; a failed run removes them at once, so a full disk
gets its space back. The public release a successful run replaced is not trashed but kept as
``.spare-public-<id>``: the next run renames it into its staging folder and assembles the new tree in it
(archive.Assembly), keeping every file that is still the very file the new tree needs (a hard link to the
same kept part output) and removing or replacing the rest, instead of making thousands of folders and
links afresh while removing as many from the trash. Only a spare is reused, never a tree in ``.trash/``,
which a background removal (perhaps of a run killed meanwhile) may be emptying. Nothing is ever removed
through a link:
``guard_project`` refuses a ``site/``, ``build/`` or ``content/`` (or a live tree inside ``site/``)
that is a link or leaves the project before anything is touched, ``remove_tree`` re-checks every
path, and ``shutil.rmtree`` does not follow links inside a tree.
"""

from __future__ import annotations

import ctypes
import os
import posixpath
import queue
import re
import secrets
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from filelock import FileLock, Timeout

from crisiskit.errors import BuildError, raise_if_interrupted
from crisiskit.write import fsync_folder

AUDIENCES = ("public", "internal")
RELEASES = ".releases"
STAGING = ".staging-"
SPARE = ".spare-"
RECYCLED = ("public",)
"""The audiences whose replaced release is kept as a spare for the next run (the public site: every update)."""
TRASH = ".trash"
NICE = shutil.which("nice") is not None
LOCK_TIMEOUT = 600.0


def shown(project: Path, path: Path) -> str:
    """A path as the user knows it: relative to the project when it is inside."""
    try:
        return path.relative_to(project).as_posix()
    except ValueError:
        return str(path)


def guard_project(project: Path) -> None:
    """Refuse, before anything is written or removed, every path a build would touch that leads out of the project."""
    root = project.resolve()
    problems = [_leaves(project, root, project / name) for name in ("site", "build", "content")]
    site = project / "site"
    if not problems[0] and site.is_dir():
        for audience in AUDIENCES:
            problems.append(_live_problem(project, site / audience))
        problems.append(_leaves(project, root, site / RELEASES))
    found = [p for p in problems if p]
    if found:
        raise BuildError("\n".join(found + ["nothing was built, changed or removed"]))


def _leaves(project: Path, root: Path, path: Path) -> str:
    if path.is_symlink():
        return (
            f"{shown(project, path)}: expected a folder inside the project; got a symbolic link to {os.readlink(path)}"
        )
    if path.exists() and not path.resolve().is_relative_to(root):
        return f"{shown(project, path)}: expected a folder inside the project; got {path.resolve()}"
    return ""


def _live_problem(project: Path, live: Path) -> str:
    """A live tree is absent, crisiskit's own link into .releases/, or an older crisiskit's folder without links."""
    if live.is_symlink():
        target = os.readlink(live)
        release = live.parent / target
        if (
            Path(target).parent.as_posix() == RELEASES
            and Path(target).name.startswith(f"{live.name}-")
            and not release.is_symlink()
        ):
            return ""  # ours (even if its release is gone): replacing a link never touches what it points to
        return (
            f"{shown(project, live)}: expected crisiskit's link into site/{RELEASES}/; got a symbolic link to {target}"
        )
    if live.is_dir():
        return next(iter(tree_files(live, project)[1]), "")
    if live.exists():
        return f"{shown(project, live)}: expected a folder crisiskit built; got a file"
    return ""


def tree_files(folder: Path, project: Path) -> tuple[list[Path], list[str]]:
    """Every file under ``folder`` without following a link, and a problem naming each link found instead."""
    files: list[Path] = []
    links: list[str] = []
    folders = [os.fspath(folder)]
    while folders:  # the kinds scandir already read: no system call per file (a review tree has tens of thousands)
        try:
            with os.scandir(folders.pop()) as found:
                entries = sorted(found, key=lambda entry: entry.name)
        except OSError:
            continue  # gone or unreadable meanwhile, as os.walk treats it
        for entry in entries:
            if entry.is_symlink():
                links.append(
                    f"{shown(project, Path(entry.path))}: expected a file or folder; "
                    f"got a symbolic link to {os.readlink(entry.path)}"
                )
            elif entry.is_dir(follow_symlinks=False):
                folders.append(entry.path)
            elif entry.is_file(follow_symlinks=False):
                files.append(Path(entry.path))
    return sorted(files), sorted(links)


def remove_tree(path: Path, project: Path, check_only: bool = False) -> None:
    """Remove a folder crisiskit made; refuse one that is, or is reached through, a link (never followed)."""
    current = project
    for part in path.relative_to(project).parts:
        current = current / part
        if current.is_symlink():
            raise BuildError(
                f"{shown(project, current)}: expected a folder crisiskit made; got a symbolic link; nothing was removed"
            )
    if path.is_dir() and not check_only:
        shutil.rmtree(path)


class Transaction:
    """One publishing run: staging trees by audience, switched in only by ``switch``."""

    def __init__(self, site: Path, sweeper: Sweeper | None = None, spares: dict[str, Path] | None = None):
        self.site = site
        self.sweeper = sweeper or Sweeper()
        self.id = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{secrets.token_hex(4)}"
        self.staged: dict[str, Path] = {}
        self.spares: dict[str, Path] = dict(spares or {})
        """audience -> the release the last run replaced (``claim_spares``), until ``stage`` takes it."""
        self.recycled: set[str] = set()
        """The audiences whose staging folder is a former release, holding its files (Assembly reuses them)."""

    def clear(self, path: Path) -> None:
        """Free ``path``, a folder crisiskit makes under build/, for a new tree: retired now, removed meanwhile."""
        project = self.site.parent
        remove_tree(path, project, check_only=True)  # refuses a path that is, or goes through, a link
        if path.exists():
            self.sweeper.retire(path, project / "build")

    def stage(self, audience: str, keep: Iterable[str] = ()) -> Path:
        """A staging folder for ``audience``, on the same filesystem as the live site: empty, or the audience's
        spare (the release the last run replaced) holding only its folders named in ``keep`` (the languages),
        whose files Assembly reuses or removes (``recycled``)."""
        folder = self.site / f"{STAGING}{audience}-{self.id}"
        spare = self.spares.pop(audience, None)
        if spare is not None:
            try:
                os.rename(spare, folder)
            except OSError:
                self.sweeper.retire(spare, self.site)
                spare = None
        if spare is None:
            folder.mkdir()
        else:
            self.recycled.add(audience)
            for entry in list(folder.iterdir()):  # the root page and any language no longer built: not reused
                if entry.name not in keep or entry.is_symlink() or not entry.is_dir():
                    self.sweeper.discard(entry, self.site)
        self.staged[audience] = folder
        return folder

    def switch(self) -> None:
        """Make every staged (and verified) audience live, each in one atomic rename.

        Everything that needs disk space (the release folders and the new links) is done for every
        audience first; only then are the live names replaced, which needs none. A Ctrl+C pressed during the
        build and swallowed on the way (``catching_interrupts``) stops it here, before anything goes live.
        """
        raise_if_interrupted()
        (self.site / RELEASES).mkdir(exist_ok=True)
        ready = []
        for audience, folder in self.staged.items():
            release = self.site / RELEASES / f"{audience}-{self.id}"
            _sync_tree(folder)
            os.rename(folder, release)
            link = self.site / f".{audience}.link-{self.id}"
            os.symlink(f"{RELEASES}/{release.name}", link)
            ready.append((self.site / audience, link))
        fsync_folder(self.site / RELEASES)
        self.staged = {}
        for live, link in ready:
            if live.is_dir() and not live.is_symlink():
                _exchange(link, live)  # an older crisiskit's folder: it ends up at ``link``, a leftover
            else:
                os.replace(link, live)
        fsync_folder(self.site)


@contextmanager
def transaction(project: Path) -> Iterator[Transaction]:
    """Guard the project, take the lock, clear leftovers; on any failure the live sites stay as they were."""
    guard_project(project)
    site = project / "site"
    site.mkdir(exist_ok=True)
    lock = FileLock(str(site / ".publish.lock"))
    try:
        lock.acquire(timeout=LOCK_TIMEOUT)
    except Timeout:
        raise BuildError(
            "site/.publish.lock: another crisiskit build is publishing; wait for it, then run again"
        ) from None
    sweeper = Sweeper()
    succeeded = False
    run: Transaction | None = None
    try:
        spares = claim_spares(site, sweeper)  # before any leftover goes to the trash and is removed
        remove_leftovers(site, sweeper)
        sweeper.sweep(project / "build" / TRASH)  # trees a killed run retired but did not remove
        run = Transaction(site, sweeper, spares)
        yield run
        succeeded = True
    finally:
        try:
            # after a success, the public release no longer live is kept as the next run's spare, and any other
            # waits in .trash/ for the next run's sweeper; after a failure everything goes now: a full disk gets
            # its space back
            for spare in run.spares.values() if run is not None and not succeeded else ():
                sweeper.retire(spare, site)  # not taken (a failure before staging): goes now; after a success it stays
            remove_leftovers(site, sweeper if succeeded else None, later=succeeded, spares=succeeded)
        finally:
            try:
                sweeper.wait()
            finally:
                lock.release()


def remove_leftovers(site: Path, sweeper: Sweeper | None = None, later: bool = False, spares: bool = False) -> None:
    """Staging trees, stray links, spares and releases no live link names: what killed or failed runs left behind.

    With a ``sweeper`` they are renamed into ``.trash/`` and removed in the background (``later``: left
    there for the next run's sweeper); without one, they are removed now. With ``spares`` (the end of a
    successful run), the newest release of each RECYCLED audience that is no longer live is kept instead,
    renamed ``.spare-<release>``, for the next run's staging (``claim_spares``).
    """
    live = {os.readlink(site / a).split("/")[-1] for a in AUDIENCES if (site / a).is_symlink()}

    def gone(entry: Path, root: Path) -> None:
        if sweeper is None:
            _remove_quietly(entry, root)
        else:
            sweeper.retire(entry, root, remove=not later)

    for entry in site.iterdir():
        if entry.name.startswith(STAGING) or any(entry.name.startswith(f".{a}.link-") for a in AUDIENCES):
            gone(entry, site)
    releases = site / RELEASES
    if releases.is_dir() and not releases.is_symlink():
        replaced = sorted(e for e in releases.iterdir() if e.name not in live and not e.is_symlink() and e.is_dir())
        keep = {next((e for e in reversed(replaced) if e.name.startswith(f"{a}-")), None) for a in RECYCLED}
        for entry in releases.iterdir():
            if entry.name in live:
                continue
            if spares and entry in keep:
                try:
                    os.rename(entry, site / f"{SPARE}{entry.name}")
                    continue
                except OSError:
                    pass
            gone(entry, site)
    if sweeper is None:
        trash = site / TRASH
        if trash.is_dir() and not trash.is_symlink():
            for entry in trash.iterdir():
                _remove_quietly(entry, site)
    elif not later:
        sweeper.sweep(site / TRASH)


def claim_spares(site: Path, sweeper: Sweeper) -> dict[str, Path]:
    """Each RECYCLED audience's spare (the newest, if a killed run left several; the others go to the trash).

    A spare is a release the last successful run replaced, renamed by it out of ``.releases/`` and never put
    in the trash, so no removal can be at work in it (a tree in ``.trash/`` may be being removed by a
    background ``rm`` that outlived a killed run). Nothing is claimed through a link.
    """
    claimed: dict[str, Path] = {}
    for entry in sorted(site.iterdir(), reverse=True):
        if not entry.name.startswith(SPARE):
            continue
        audience = next((a for a in RECYCLED if entry.name.startswith(f"{SPARE}{a}-")), None)
        if audience is None or audience in claimed or entry.is_symlink() or not entry.is_dir():
            sweeper.discard(entry, site)
            continue
        claimed[audience] = entry
    return claimed


class Sweeper:
    """Removes retired trees in a background thread while the build works; ``wait`` before the lock goes.

    ``retire`` renames a tree into ``<root>/.trash/`` (``root``: ``site/`` or ``build/``): one rename,
    after which the old name is free at once. ``sweep`` queues what a trash folder already holds.
    Removing files is mostly waiting on the disk, so it overlaps with the build's own work. A trash
    folder that is a link is never entered, and a link inside one is unlinked, never followed.
    """

    def __init__(self) -> None:
        self.queue: queue.SimpleQueue[tuple[Path, Path] | None] = queue.SimpleQueue()
        self.thread: threading.Thread | None = None

    def retire(self, path: Path, root: Path, remove: bool = True) -> None:
        """Move ``path`` (inside ``root``) out of the way into ``root/.trash/`` (and queue it for removal
        unless ``remove`` is false: the next run removes it then); remove it now if the move fails."""
        trash = root / TRASH
        try:
            if trash.is_symlink():
                raise OSError(f"{trash} is a link")
            trash.mkdir(exist_ok=True)
            retired = trash / f"{path.name}-{secrets.token_hex(4)}"
            os.rename(path, retired)
        except OSError:
            _remove_quietly(path, root)
            return
        if remove:
            self._later(retired, root)

    def discard(self, path: Path, root: Path) -> None:
        """A folder retired (``retire``); a file or link unlinked now (one system call, never followed)."""
        if path.is_dir() and not path.is_symlink():
            self.retire(path, root)
        else:
            path.unlink()

    def sweep(self, trash: Path) -> None:
        """Queue everything ``trash`` holds (what earlier runs retired)."""
        if trash.is_symlink() or not trash.is_dir():
            return
        for entry in trash.iterdir():
            self._later(entry, trash.parent)

    def _later(self, path: Path, root: Path) -> None:
        if self.thread is None:
            self.thread = threading.Thread(target=self._work, name="crisiskit-sweeper", daemon=True)
            self.thread.start()
        self.queue.put((path, root))

    def _work(self) -> None:
        # Ctrl+C and SIGTERM go to the main thread, which stops the build; this thread only removes files
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        while (item := self.queue.get()) is not None:
            _remove_quietly(*item)

    def wait(self) -> None:
        """Let the thread finish what was queued (it ran during the build, so there is little left)."""
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
            self.thread = None


def _remove_quietly(entry: Path, root: Path) -> None:
    """Best effort: a leftover that cannot go now (say, still being written by an orphaned engine) goes next run.

    ``root`` is the folder of crisiskit's own that holds it (``site/`` or ``build/``).
    """
    try:
        if entry.is_symlink() or entry.is_file():
            entry.unlink()
            return
        remove_tree(entry, root.parent, check_only=True)  # refuses a link on the way (never followed)
        # In a process of its own: thousands of unlinks then never hold the build's interpreter lock. At the
        # lowest priority (nice 19, where the system has nice): it runs while the build waits on the disk or
        # leaves a core idle, and the engine's workers, which the build waits for, keep both cores meanwhile.
        command = ["rm", "-rf", "--one-file-system", "--", str(entry)]
        try:
            subprocess.run(["nice", "-n", "19", *command] if NICE else command, check=False, timeout=3600)
        except (OSError, subprocess.SubprocessError):
            remove_tree(entry, root.parent)
    except (OSError, BuildError):
        pass


def _sync_tree(folder: Path) -> None:
    """Flush every file of a release before it goes live, so a power cut cannot leave a live, truncated page.

    One syncfs(2) of the file system that holds the release flushes all its files and folders in one
    call (an fsync per file costs a disk flush per page: most of a large site's switch). Where the call
    is missing (not Linux), each file is flushed on its own.
    """
    fd = os.open(folder, os.O_RDONLY)
    try:
        synced = _syncfs(fd)
    finally:
        os.close(fd)
    if synced:
        return
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_file() and not path.is_symlink():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    fsync_folder(folder)


def _syncfs(fd: int) -> bool:
    """syncfs(2) on the file system holding ``fd``; False where the C library has no such call or it failed."""
    try:
        call = ctypes.CDLL(None, use_errno=True).syncfs
    except (AttributeError, OSError):
        return False
    return bool(call(fd) == 0)


def _exchange(a: Path, b: Path) -> None:
    """Swap two names in one step (Linux renameat2 RENAME_EXCHANGE); two renames where it is unavailable."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        renameat2 = None
    if renameat2 is not None and renameat2(-100, os.fsencode(a), -100, os.fsencode(b), 2) == 0:
        return
    aside = a.with_name(a.name + ".old")
    os.rename(b, aside)
    os.replace(a, b)
    os.rename(aside, a)


# What Material and crisiskit put in a public tree: pages, styles, scripts and their source maps,
# search index and feeds (JSON, XML), the gzipped sitemap, images and fonts. Anything else is refused.
PUBLIC_FILE_TYPES = frozenset(
    {
        ".html",
        ".css",
        ".js",
        ".map",
        ".json",
        ".xml",
        ".gz",
        ".txt",
        ".ics",
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".svg",
        ".webp",
        ".ico",
        ".woff",
        ".woff2",
        ".ttf",
        ".otf",
    }
)


_ACTIVE_SVG = re.compile(r"<script|<foreignobject|\son[a-z]+\s*=|javascript:", re.IGNORECASE)


def active_svg(path: Path) -> str:
    """What in an SVG file would run if it were opened from the site itself (it then runs as the site), or ''."""
    found = _ACTIVE_SVG.search(path.read_bytes().decode("utf-8", errors="replace"))
    return f"an SVG with script or an event handler ({found.group(0).strip()})" if found else ""


class _Links(HTMLParser):
    """Every href and src of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.links.extend(value for name, value in attrs if name in ("href", "src") and value)


def verify_tree(root: Path, audience: str, languages: list[str], base_url: str, shown_as: str) -> list[str]:
    """Why a staged audience tree may not go live: a missing home page, a link, a refused file type, a dead link.

    ``base_url`` is where the tree is served (``https://host/`` or ``https://host/internal/``): absolute
    links to it and root-relative links under its path are links into the tree and must resolve.
    """
    problems = missing_homes(root, languages, shown_as)
    files, links = tree_files(root, root)
    problems += [f"{shown_as}/{link}" for link in links]
    found, pages, targets = inspect_files(root, files, audience, base_url, shown_as)
    present = {path.relative_to(root).as_posix() for path in files}
    return problems + found + dead_targets(targets, pages, present)


def missing_homes(root: Path, languages: list[str], shown_as: str) -> list[str]:
    homes = ["index.html", *(f"{lang}/index.html" for lang in languages)]
    return [
        f"{shown_as}/{page}: expected the home page; got no such file" for page in homes if not (root / page).is_file()
    ]


def inspect_files(
    root: Path,
    files: list[Path],
    audience: str,
    base_url: str,
    shown_as: str,
    prefix: str = "",
    links_of: Callable[[Path], list[tuple[str, str]]] | None = None,
) -> tuple[list[str], list[str], dict[str, list[tuple[int, str]]]]:
    """Each file of ``files`` (under ``root``) on its own: its type, an SVG's script, and where its links lead.

    Returns the problems, the pages that link into the tree (as shown in a problem) and, for the public
    site, every link target inside the tree (a path relative to ``root``; ``""`` for a link leaving the
    served path) -> each (page number in that list, link as written) that is a dead link if nothing is
    there (``dead_targets`` words them). Kept that small because a tree built in parts (archive.py) keeps
    every part's targets from run to run: the problems written out were most of each part's record, read
    again for every kept part of every publish. A tree built in parts inspects each part once and checks
    the targets against the whole: ``root`` is then the part's output, which is served at ``prefix``
    (``en/``) of the audience's tree. ``links_of(page)`` is ``link_targets`` of a page (archive.py remembers them
    by the page's bytes).
    """
    links_of = links_of or (lambda page: link_targets(root, page, base_url, prefix))
    problems: list[str] = []
    pages: list[str] = []
    targets: dict[str, list[tuple[int, str]]] = {}
    for path in files if audience == "public" else []:
        where = f"{shown_as}/{prefix}{path.relative_to(root).as_posix()}"
        if path.suffix.lower() not in PUBLIC_FILE_TYPES:
            problems.append(
                f"{where}: expected a file of a type the public site may carry "
                f"({', '.join(sorted(PUBLIC_FILE_TYPES))}); got a {path.suffix or 'suffixless'} file"
            )
        elif path.suffix.lower() == ".svg" and active_svg(path):
            problems.append(f"{where}: expected an image; got {active_svg(path)}")
        elif path.suffix == ".html":
            found = links_of(path)
            if found:
                pages.append(where)
            for link, target in found:
                targets.setdefault(target, []).append((len(pages) - 1, link))
    return problems, pages, targets


def dead_targets(targets: dict[str, list[tuple[int, str]]], pages: list[str], present: set[str]) -> list[str]:
    """The problems of every link target that is not a file of ``present`` (nor a folder with index.html):
    ``targets`` and ``pages`` as ``inspect_files`` gives them (or as a part's record keeps them)."""
    dead = []
    for target, links in targets.items():
        path = target.rstrip("/")
        if not target or not (
            path in present or f"{path}/index.html" in present or (not path and "index.html" in present)
        ):
            dead += [f"{pages[page]}: expected every link into the site to resolve; got {link}" for page, link in links]
    return dead


def link_targets(root: Path, page: Path, base_url: str, prefix: str = "") -> list[tuple[str, str]]:
    """(link, target relative to ``root``) for each link of ``page`` into the tree; target "" when it leaves it."""
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8", errors="replace"))
    base = urlsplit(base_url)
    found = []
    for link in dict.fromkeys(parser.links):
        parts = urlsplit(link)
        if parts.scheme or parts.netloc:
            if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not parts.path.startswith(base.path):
                continue  # another site (or a mailto:, tel: ...): not a file of this tree
            path = parts.path
        elif not parts.path:
            continue  # a fragment or query on the page itself
        elif parts.path.startswith("/"):
            path = parts.path
        else:
            folder = posixpath.join(prefix, page.parent.relative_to(root).as_posix())
            path = posixpath.join(base.path + folder + "/", parts.path)
        path = posixpath.normpath(unquote(path)) + ("/" if path.endswith("/") else "")
        if not path.startswith(base.path) and path + "/" != base.path:
            found.append((link, ""))
            continue
        found.append((link, path[len(base.path) :].lstrip("/") or "/"))
    return found
