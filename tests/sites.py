"""Helpers for tests that build a site for real (MkDocs + Material), and run the command line in or out of process.

The tests read a fixture site of their own (``tests/testdata/site``: a copy of the
sample kits, the hand-written home pages and a mkdocs.yml), never the user's
``kits/``, ``content/`` or ``mkdocs.yml``, so adding a real incident to the
repository cannot break the suite. The theme (``overrides/``) is product code
and comes from the repository root.
"""

from __future__ import annotations

import atexit
import contextlib
import html
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from crisiskit.compose.composed import ComposedIncident
from crisiskit.compose.fill import text_context
from crisiskit.compose.visibility import canary
from crisiskit.pipeline import compose, read_incidents, read_site_options

REPO = Path(__file__).parent.parent
PROJECT = Path(__file__).parent / "testdata" / "site"  # the fixture site: four incidents, en and zh-Hant, an embargo
BEFORE_EMBARGO = "2026-11-22T12:00:00+08:00"
AFTER_EMBARGO = "2026-12-02T00:00:00+08:00"
_SQUASH = re.compile(r"[\s\u200b]+")


_generated: list[Path] = []


def _generated_site() -> Path:
    """The fixture site with its review tree generated, made once per test process and copied from then on.

    The review tree is generated rather than committed with the fixture, so it is
    always what the current code renders and the fixture holds only hand-written input.
    """
    if not _generated:
        from crisiskit.pipeline import generate

        site = Path(tempfile.mkdtemp(prefix="crisiskit-fixture-")) / "project"
        atexit.register(shutil.rmtree, site.parent, True)
        shutil.copytree(PROJECT, site, ignore=shutil.ignore_patterns("README.md"))  # the fixture's own notes
        shutil.copytree(REPO / "overrides", site / "overrides")
        with contextlib.chdir(site):  # sources are named relative to the working directory, as the command does
            generate(site)
        _generated.append(site)
    return _generated[0]


def copy_project(target: Path) -> Path:
    """A fresh copy of the fixture site with its review tree, so a test never touches a shared tree."""
    shutil.copytree(_generated_site(), target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".crisiskit.lock"))
    return target


@contextlib.contextmanager
def changed_in_place(project: Path) -> Iterator[Path]:
    """A built ``project`` to change as a test likes, put back afterwards exactly as it was.

    For tests that share one built project (a module fixture) and each change it, without copying the whole
    tree for every test: the test changes the project in place, and the saved copy is put back.
    """
    saved = project.with_name(project.name + ".saved")
    clone(project, saved)
    try:
        yield project
    finally:
        shutil.rmtree(project)
        saved.rename(project)


def clone(source: Path, target: Path) -> None:
    """A copy of a tree with its symbolic links as links, its modification times, and hard links linked alike."""
    first: dict[tuple[int, int], Path] = {}
    for top, dirs, names in os.walk(source):  # a link to a folder is listed in dirs and not followed
        here = Path(top)
        there = target / here.relative_to(source)
        there.mkdir(parents=True, exist_ok=True)
        for name in [*dirs, *names]:
            path = here / name
            if path.is_symlink():
                os.symlink(os.readlink(path), there / name)
            elif name in names:
                info = path.stat()
                key = (info.st_dev, info.st_ino)
                if key in first:
                    os.link(first[key], there / name)
                else:
                    shutil.copy2(path, there / name)
                    first[key] = there / name


def cache_entries(project: Path, kind: str) -> dict[str, bytes]:
    """Every entry the kit cache ``kind`` ("check", "generate", "public") keeps, by the kit file it is for."""
    with contextlib.closing(sqlite3.connect(project / "build" / "cache" / "entries.sqlite")) as database:
        return dict(database.execute("SELECT shown, data FROM entries WHERE kind = ?", (kind,)))


def set_cache_entry(project: Path, kind: str, shown: str, data: bytes | None) -> None:
    """Replace (with ``data``) or remove (None) the entry of the kit cache ``kind`` for the kit file ``shown``."""
    with contextlib.closing(sqlite3.connect(project / "build" / "cache" / "entries.sqlite")) as database, database:
        if data is None:
            database.execute("DELETE FROM entries WHERE kind = ? AND shown = ?", (kind, shown))
        else:
            database.execute("UPDATE entries SET data = ? WHERE kind = ? AND shown = ?", (data, kind, shown))


def run_crisiskit(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command line, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "crisiskit", *args], cwd=project, capture_output=True, text=True, timeout=900
    )


@dataclass(frozen=True)
class Ran:
    """What an in-process run of the command line printed and returned, shaped like a CompletedProcess."""

    returncode: int
    stdout: str
    stderr: str


def invoke(project: Path, *args: str, input: str | None = None) -> Ran:
    """The command line run in this process with click's CliRunner, from ``project`` as working directory.

    The same entry point and exit-status mapping as the installed command, without the
    second or so a fresh Python process costs; tests that need a real process
    (signals, the console script itself) use run_crisiskit.
    """
    from click.testing import CliRunner

    from crisiskit.cli.main import main

    with contextlib.chdir(project):
        result = CliRunner().invoke(
            main, list(args), input=input, prog_name="crisiskit", env={"COLUMNS": os.environ.get("COLUMNS", "80")}
        )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Ran(result.exit_code, result.stdout, result.stderr)


def build(project: Path, at: str, audience: str = "all", *, process: bool = True) -> Path:
    """`crisiskit build`, insisting it succeeded: in a process of its own, or (``process=False``) in this one."""
    args = ("build", "--at", at, "--audience", audience)
    result = run_crisiskit(project, *args) if process else invoke(project, *args)
    assert result.returncode == 0, result.stdout + result.stderr
    return project


def composed_samples(project: Path = PROJECT) -> list[ComposedIncident]:
    """The fixture site's incidents, composed as a build composes them."""
    return compose(read_incidents([project / "kits"]), read_site_options(project))


def squash(text: str) -> str:
    """Text with all whitespace (and the search index's zero-width spaces) removed."""
    return _SQUASH.sub("", html.unescape(text))


def secrets(at: str, project: Path = PROJECT) -> dict[str, str]:
    """Text that must never be public at ``at``: Q&A answers and bridges, invisible revisions, canaries.

    Built from the kits independently of the leak scanner, so the tests check the scanner's promise
    rather than its own list.
    """
    moment = datetime.fromisoformat(at)
    found: dict[str, str] = {}
    for item in composed_samples(project):
        incident = item.incident
        visible = {r.number for r in item.visible(moment)}
        found[canary(incident.id, "qa")] = f"{incident.id} qa canary"
        for revision in incident.revisions:
            found[canary(incident.id, "posts", revision.number)] = f"{incident.id} posts canary"
            if revision.number not in visible:
                for lang, text in item.texts[revision.number].items():
                    found[squash(text.headline)] = f"{incident.id} r{revision.number} headline ({lang})"
        for lang in incident.languages:
            context = text_context(incident, incident.current, lang, "")
            for qa in incident.internal_qa:
                found[squash(context.render(qa.answer, lang) or "")] = f"{incident.id} Q&A answer ({lang})"
                found[squash(context.render(qa.bridge, lang) or "")] = f"{incident.id} Q&A bridge ({lang})"
    return {needle: label for needle, label in found.items() if len(needle) >= 8}


class TextOf(HTMLParser):
    """The visible text and the attribute values of an HTML document."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.extend(v for _k, v in attrs if v)

    def handle_comment(self, data: str) -> None:
        self.parts.append(data)


def html_text(path: Path) -> str:
    parser = TextOf()
    parser.feed(path.read_text(encoding="utf-8"))
    return "\n".join(parser.parts)


def git(project: Path, *args: str) -> str:
    """git in ``project`` with a fixed author and no user or system configuration; its output."""
    result = subprocess.run(
        ["git", *args],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
        env={
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.com",
            "PATH": "/usr/bin:/bin",
            "GIT_CONFIG_NOSYSTEM": "1",
            "HOME": str(project),
        },
    )
    return result.stdout


def committed_copy(source: Path, target: Path, *ignore: str) -> Path:
    """A copy of the fixture ``source`` at ``target`` (without files matching ``ignore``), with an empty content/,
    committed as the first commit of a fresh git repository: a pull request's base."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(*ignore))
    (target / "content").mkdir()
    git(target, "init", "-q", "-b", "main")
    git(target, "add", "-A")
    git(target, "commit", "-qm", "open the incident")
    return target


def serve_from_disk(context: Any, prefix: str, root: Path) -> None:
    """Answer every request of a Playwright ``context`` under ``prefix`` (the site's real address, ending in
    "/") from the built tree ``root``: a folder's index.html, else 404. No network, and the addresses the
    pages carry (feeds, sitemaps, language links) are the real ones."""

    def answer(route: Any) -> None:
        path = route.request.url.split("#")[0].split("?")[0][len(prefix) :]
        target = root / path
        if target.is_dir():
            target = target / "index.html"
        if target.is_file():
            route.fulfill(path=str(target))
        else:
            route.fulfill(status=404, body="not found")

    context.route(f"{prefix}**", answer)


def approved_site(fixture: Path, target: Path, at: str, by: str = "Ann Wu", audience: str = "public") -> Path:
    """A copy of the fixture project ``fixture`` at ``target``, with the project's own theme overrides, every
    pending revision approved by communications (``by``), built as of ``at``: its site/ folder."""
    shutil.copytree(fixture, target)
    shutil.copytree(REPO / "overrides", target / "overrides")
    approved = invoke(target, "approve", "--pending", "--role", "communications", "--by", by)
    assert approved.returncode == 0, approved.stdout + approved.stderr
    build(target, at, audience, process=False)
    return target / "site"
