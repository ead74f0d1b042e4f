"""`crisiskit build` runs the rules: a revision with an error never goes public, and nothing else is held up.

A real build of the red-team fixture with a second incident beside it: an
error planted in one incident's newest revision keeps that revision off the
public site (its previous revision stays the statement), the other incident
publishes its newest revision, and the build exits 1 naming what it held back.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from redteam import AFTER_EMBARGO, approve_all, build, make_project

PLANTED = "a configuration change to our servers failed."
ERROR = "a configuration change to our <b>servers</b> failed."  # raw HTML in kit text: CK701, an error


class _Heading(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inside, self.text = False, ""

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.inside = self.inside or (tag == "h1" and not self.text)

    def handle_endtag(self, tag: str) -> None:
        self.inside = False if tag == "h1" else self.inside

    def handle_data(self, data: str) -> None:
        self.text += data if self.inside else ""


def _heading(page: Path) -> str:
    parser = _Heading()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.text.strip()


@pytest.fixture(scope="module")
def gated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    project = make_project(tmp_path_factory.mktemp("gate") / "project", approve=False)
    kit = project / "kits" / "acme-outage.yml"
    text = kit.read_text(encoding="utf-8")
    (project / "kits" / "acme-other.yml").write_text(
        text.replace("id: acme-outage", "id: acme-other"), encoding="utf-8"
    )
    kit.write_text(text.replace(PLANTED, ERROR), encoding="utf-8")
    approve_all(project, {"acme-outage": (1, 2), "acme-other": (1, 2)})  # approved as it is: the rules still apply
    return project, build(project, AFTER_EMBARGO, "all", process=False)


def test_the_build_fails_and_names_what_it_held_back(gated) -> None:
    _project, result = gated
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "acme-outage revision 2 held back:" in result.stderr
    assert "kits/acme-outage.yml:" in result.stderr and "CK701" in result.stderr
    assert "acme-other" not in result.stderr


def test_the_previous_revision_stays_live_and_other_incidents_publish(gated) -> None:
    project, _result = gated
    public = project / "site" / "public" / "en" / "incidents"
    assert _heading(public / "acme-outage" / "index.html") == "Our website is down"
    assert not (public / "acme-outage" / "revisions" / "2" / "index.html").exists()
    assert _heading(public / "acme-other" / "index.html").startswith("SECRET embargoed headline")
    assert (public / "acme-other" / "revisions" / "2" / "index.html").is_file()


def test_the_internal_site_still_shows_the_held_revision(gated) -> None:
    project, _result = gated
    internal = project / "site" / "internal" / "en" / "incidents" / "acme-outage"
    assert (internal / "revisions" / "2.html").is_file()  # the offline site uses file URLs


def test_a_clean_build_holds_nothing_back(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    result = build(project, AFTER_EMBARGO, process=False)
    assert result.returncode == 0, result.stderr
    assert "held back" not in result.stderr + result.stdout
