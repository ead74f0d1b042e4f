"""Helpers for tests that build the sample sites for real (MkDocs + Material, in a subprocess)."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

from crisiskit.pipeline import compose, read_incidents, read_site_options
from crisiskit.compose.composed import ComposedIncident
from crisiskit.compose.visibility import canary
from crisiskit.compose.fill import text_context

PROJECT = Path(__file__).parent.parent
BEFORE_EMBARGO = "2026-11-22T12:00:00+08:00"
AFTER_EMBARGO = "2026-12-02T00:00:00+08:00"
_SQUASH = re.compile(r"[\s\u200b]+")


def copy_project(target: Path) -> Path:
    """A copy of the site repository's inputs, so a build never touches the working tree."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ("kits", "content", "overrides"):
        shutil.copytree(PROJECT / name, target / name)
    shutil.copy(PROJECT / "mkdocs.yml", target / "mkdocs.yml")
    return target


def run_crisiskit(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command line, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "crisiskit", *args], cwd=project, capture_output=True, text=True,
                          timeout=900)


def build(project: Path, at: str, audience: str = "all") -> Path:
    result = run_crisiskit(project, "build", "--at", at, "--audience", audience)
    assert result.returncode == 0, result.stdout + result.stderr
    return project


def composed_samples(project: Path = PROJECT) -> list[ComposedIncident]:
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
