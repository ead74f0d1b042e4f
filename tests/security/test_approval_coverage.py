"""An approval covers every string a revision puts on a public page or feed.

Each case changes one public field of the approved fixture kit after a good
build, then proves three things: `check` reports the stale approval at the
line of the change, the build does not publish the change, and the public
site keeps the text that was approved. Shared data (title, organisation,
signatory, contacts, FAQ) changed after approval never reaches the approved
revisions at all: they keep the text kit.json recorded, `check` says the change
applies from the next revision (CK603), and the public site stays byte for byte.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from redteam import AFTER_EMBARGO, BEFORE_EMBARGO, build, built, make_project, run

KIT = "kits/acme-outage.yml"
# (case, old text, new text): shared data (kit-level fields) changed after approval -> CK603: the approved
# revisions keep the text they were approved with (kit.json records it) and the change applies from the next
# revision (issue 16); published revision 1's own text -> CK602; the embargoed, approved revision 2's own
# text -> CK601 (it stays off the site until approved again).
SHARED = [
    ("title", "title: {en: Acme website outage,", "title: {en: Acme website outage today,"),
    ("organisation name", "name: {en: Acme, zh-Hant: 艾克米}", "name: {en: Acme Ltd, zh-Hant: 艾克米}"),
    ("signatory name", "signatory: {name: Lee Chen,", "signatory: {name: Lee Chan,"),
    (
        "signatory title",
        "signatory: {name: Lee Chen, title: {en: Head of Communications",
        "signatory: {name: Lee Chen, title: {en: Head of Comms",
    ),
    ("hotline", "hotline: +886 2 2700 1234", "hotline: +886 2 2700 9999"),
    ("support e-mail", "email: help@acme.example", "email: support@acme.example"),
    ("public FAQ answer", "no data was touched.", "no data was lost."),
    ("public FAQ question", "question: {en: Is my data safe?,", "question: {en: Is my data safe now?,"),
]
PUBLISHED = [
    ("revision 1 headline", "headline: {en: Our website is down,", "headline: {en: Our website is down again,"),
    ("revision 1 section", "checking every recent change.", "checking every change."),
    ("fact used in revision 1", "affected_share: 40", "affected_share: 45"),
    ("revision 1 channel post", "SECRET channel post for X that", "SECRET channel post on X that"),
]
EMBARGOED = [
    ("revision 2 headline", "SECRET embargoed headline we found the cause,", "SECRET embargoed headline cause found,"),
    ("revision 2 cause", "a configuration change to our servers failed.", "a configuration change failed."),
]
NEW_FAQ = """  - question: {en: Can I get a refund?, zh-Hant: 我可以退款嗎？}
    answer: {en: Yes. Every customer gets a refund., zh-Hant: 可以。每位客戶都能退款。}
"""


@pytest.fixture(scope="module")
def approved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The approved fixture, generated (kit.json records the approved text) and built once."""
    project = make_project(tmp_path_factory.mktemp("coverage") / "project")
    result = run(project, "generate")
    assert result.returncode == 0, result.stderr
    built(project, AFTER_EMBARGO, process=False)
    return project


@pytest.fixture(scope="module")
def waiting(approved: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The approved fixture built again before the embargo: revision 1 live, revision 2 approved and waiting."""
    project = _copy(approved, tmp_path_factory.mktemp("waiting"))
    built(project, BEFORE_EMBARGO, process=False)
    return project


def _copy(approved: Path, tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / "project"
    shutil.copytree(approved, target, symlinks=True)
    return target


def _mutate(project: Path, old: str, new: str) -> int:
    """Replace ``old`` once in the kit; the 1-based line of the change."""
    kit = project / KIT
    text = kit.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    kit.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def _heading(page: str) -> str:
    """The text of the page's first <h1>, parsed."""
    from html.parser import HTMLParser

    class H1(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.depth, self.parts, self.done = 0, [], False

        def handle_starttag(self, tag: str, attrs: list) -> None:
            if tag == "h1" and not self.done:
                self.depth += 1

        def handle_endtag(self, tag: str) -> None:
            if tag == "h1" and self.depth:
                self.depth, self.done = 0, True

        def handle_data(self, data: str) -> None:
            if self.depth:
                self.parts.append(data)

    parser = H1()
    parser.feed(page)
    return "".join(parser.parts).strip()


def _findings(project: Path, at: str) -> list[dict]:
    result = run(project, "check", "--at", at, "--format", "json")
    return json.loads(result.stdout)


def _public_files(site: Path) -> dict[str, bytes]:
    public = (site / "public").resolve()
    return {p.relative_to(public).as_posix(): p.read_bytes() for p in sorted(public.rglob("*")) if p.is_file()}


def test_the_fixture_is_clean_and_published(approved: Path) -> None:
    assert [f for f in _findings(approved, AFTER_EMBARGO) if f["rule"] != "CK601"] == []
    page = (approved / "site/public/en/incidents/acme-outage/index.html").read_text(encoding="utf-8")
    assert "SECRET embargoed headline we found the cause" in page


@pytest.mark.parametrize(("case", "old", "new"), PUBLISHED, ids=[c[0] for c in PUBLISHED])
def test_a_change_to_published_text_is_refused_at_its_line(
    approved: Path, tmp_path: Path, case: str, old: str, new: str
) -> None:
    project = _copy(approved, tmp_path)
    before = _public_files(project / "site")
    line = _mutate(project, old, new)
    errors = [f for f in _findings(project, AFTER_EMBARGO) if f["rule"] == "CK602"]
    assert errors, f"{case}: check did not notice the change"
    assert {f["line"] for f in errors} == {line}, f"{case}: {errors}"
    result = build(project, AFTER_EMBARGO, process=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"{KIT}:{line}:" in result.stderr
    assert _public_files(project / "site") == before, f"{case}: the public site changed"


@pytest.mark.parametrize(("case", "old", "new"), SHARED, ids=[c[0] for c in SHARED])
def test_a_change_to_shared_data_is_explained_at_its_line(
    approved: Path, tmp_path: Path, case: str, old: str, new: str
) -> None:
    project = _copy(approved, tmp_path)
    line = _mutate(project, old, new)
    found = _findings(project, AFTER_EMBARGO)
    assert [f for f in found if f["rule"] == "CK602"] == [], f"{case}: {found}"
    notes = [f for f in found if f["rule"] == "CK603"]
    assert notes, f"{case}: check did not explain the change"
    assert {f["line"] for f in notes} == {line} and all("revision 3, once approved" in f["message"] for f in notes)


def test_shared_data_changed_after_approval_never_reaches_the_approved_revisions(
    approved: Path, tmp_path: Path
) -> None:
    """Every shared change above at once, and a new public FAQ entry: the build publishes, byte for byte, what it
    published before (one build for all of them: each case's finding is proven above)."""
    project = _copy(approved, tmp_path)
    before = _public_files(project / "site")
    for _case, old, new in reversed(SHARED):  # the signatory's title before the name its pattern includes
        _mutate(project, old, new)
    kit = project / KIT
    text = kit.read_text(encoding="utf-8")
    kit.write_text(text.replace("internal_qa:\n", NEW_FAQ + "internal_qa:\n", 1), encoding="utf-8")
    found = _findings(project, AFTER_EMBARGO)
    assert [f for f in found if f["rule"] == "CK602"] == [], found
    assert "faq" in {f["path"] for f in found if f["rule"] == "CK603"}, found
    result = build(project, AFTER_EMBARGO, process=False)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert _public_files(project / "site") == before
    assert "Can I get a refund" not in json.dumps({k: v.decode("utf-8", "replace") for k, v in before.items()})


@pytest.mark.parametrize(("case", "old", "new"), EMBARGOED, ids=[c[0] for c in EMBARGOED])
def test_a_changed_embargoed_revision_never_goes_live(
    waiting: Path, tmp_path: Path, case: str, old: str, new: str
) -> None:
    project = _copy(waiting, tmp_path)  # revision 1 live, revision 2 approved and waiting for its embargo
    site = project / "site"
    line = _mutate(project, old, new)
    stale = [f for f in _findings(project, BEFORE_EMBARGO) if f["rule"] == "CK601" and "revision 2" in f["message"]]
    assert [f["line"] for f in stale] == [line], f"{case}: reported before the embargo ends, at the change: {stale}"
    due = [f for f in _findings(project, AFTER_EMBARGO) if f["rule"] == "CK602" and "revision 2" in f["message"]]
    assert [f["line"] for f in due] == [line], f"{case}: once due, the changed text is an error: {due}"
    result = build(project, AFTER_EMBARGO, process=False)
    assert result.returncode == 1 and f"{KIT}:{line}:" in result.stderr, result.stderr
    statement = (site / "public/en/incidents/acme-outage/index.html").read_text(encoding="utf-8")
    assert _heading(statement) == "Our website is down", "the approved revision 1 is not the current statement"
    assert not (site / "public/en/incidents/acme-outage/revisions/2/index.html").exists()
