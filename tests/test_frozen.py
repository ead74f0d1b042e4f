"""Published text is frozen (issue 16, item 1): what a revision published stays exactly as it was approved.

The fixture (tests/testdata/test_frozen/project) is an incident that lives through five revisions in
en and zh-Hant, approved by communications and legal and published. Then the organisation changes its
hotline and its boilerplate: revisions 1-5 keep the text they were approved with (kit.json records it,
and pages, feeds and posts are composed from the record), `check` explains that the change applies
from the next revision (CK603, not CK602's "add a correction"), and revision 6 carries the new values.
Changing a published revision's own text is still CK602; a record edited by hand is an error at its
line in kit.json and its text never reaches the public site.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from dataclasses import asdict
from datetime import datetime
from pathlib import Path, PurePosixPath

import pytest

from crisiskit.compose.record import read_record, snapshot_hash
from crisiskit.compose.revision import revision_hash
from crisiskit.pipeline import read_project
from crisiskit.publish.public import incident_public
from crisiskit.render.rendered import RenderedPage
from crisiskit.write import with_marker
from sites import REPO, invoke

FIXTURE = Path(__file__).parent / "testdata" / "test_frozen" / "project"
KIT = "kits/relay-outage.yml"
RECORD = "content/incidents/relay-outage/kit.json"
AT = "2026-11-21T00:00:00+08:00"  # every revision due
OLD_HOTLINE, NEW_HOTLINE = "+886 2 2700 1111", "+886 2 2700 9999"
OLD_BOILERPLATE = "Relay runs a messaging service for small shops."
NEW_BOILERPLATE = "Relay runs messaging for 40,000 shops across Taiwan."
OLD_BOILERPLATE_ZH, NEW_BOILERPLATE_ZH = "Relay 為小型商店提供訊息服務。", "Relay 為全臺四萬家商店提供訊息服務。"
REVISION_6 = """  - revision: 6
    status: resolved
    issued_at: 2026-11-20T20:00:00+08:00
    statement:
      headline: {en: Our hotline has a new number, zh-Hant: 客服專線號碼已更新}
      acknowledgement:
        en: The messaging outage is over. We are sorry for the disruption it caused your shop.
        zh-Hant: 訊息服務中斷已結束。影響您的生意，我們深感抱歉。
      what_happened:
        en: Messages from our service to shops were delayed from {{ facts.outage_start }}.
        zh-Hant: 自 {{ facts.outage_start }} 起，本服務傳送給商店的訊息出現延遲。
      cause:
        en: A faulty network switch dropped connections between our servers.
        zh-Hant: 一台故障的網路交換器中斷了伺服器之間的連線。
      apology:
        en: We apologise to every shop whose customers waited for a message.
        zh-Hant: 我們向每一家讓顧客久候訊息的商店致歉。
      remedy:
        en: Every affected shop gets one month of messaging free.
        zh-Hant: 每一家受影響的商店均可免費使用訊息服務一個月。
      commitment:
        en: We now keep a spare switch in every data centre.
        zh-Hant: 我們已在每座資料中心備妥備用交換器。
"""


def _run(project: Path, *args: str):
    result = invoke(project, *args)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def _approve_all(project: Path) -> None:
    for role, name in (("communications", "Mei Lin"), ("legal", "Ken Wu")):
        result = _run(project, "approve", KIT, "--pending", "--role", role, "--by", name)
        assert result.returncode == 0, result.stdout + result.stderr
    assert _run(project, "generate").returncode == 0


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture with revisions 1-5 approved by both roles and the review tree (the record) generated."""
    project = tmp_path_factory.mktemp("frozen") / "project"
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns("README.md"))
    shutil.copytree(REPO / "overrides", project / "overrides")
    assert _run(project, "generate").returncode == 0
    _approve_all(project)
    _build(project)
    return project


def _build(project: Path) -> None:
    result = _run(project, "build", "--at", AT, "--audience", "public")
    assert result.returncode == 0, result.stdout + result.stderr


def _site(project: Path) -> dict[str, bytes]:
    """Every file of the live public site (MkDocs' output: pages, feeds, search index, sitemap)."""
    public = (project / "site" / "public").resolve()
    return {p.relative_to(public).as_posix(): p.read_bytes() for p in sorted(public.rglob("*")) if p.is_file()}


@pytest.fixture
def project(published: Path, tmp_path: Path) -> Path:
    target = tmp_path / "project"
    shutil.copytree(published, target, symlinks=True, ignore=shutil.ignore_patterns(".crisiskit.lock"))
    shutil.rmtree(target / "build", ignore_errors=True)
    return target


def _edit(project: Path, old: str, new: str, path: str = KIT) -> int:
    """Replace ``old`` once in ``path``; the 1-based line of the change."""
    file = project / path
    text = file.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    file.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def _change_shared_data(project: Path) -> tuple[int, int]:
    """The organisation's new hotline and boilerplate (en and zh-Hant); their lines."""
    hotline = _edit(project, f"hotline: {OLD_HOTLINE}", f"hotline: {NEW_HOTLINE}")
    boilerplate = _edit(project, OLD_BOILERPLATE, NEW_BOILERPLATE)
    _edit(project, OLD_BOILERPLATE_ZH, NEW_BOILERPLATE_ZH)
    return hotline, boilerplate


def _findings(project: Path, at: str = AT) -> list[dict]:
    result = _run(project, "check", "--at", at, "--format", "json")
    return json.loads(result.stdout)


def _public_files(project: Path, at: str = AT) -> dict[str, bytes]:
    """The public site's generated docs files of the incident, as a public build hands them to MkDocs."""
    with contextlib.chdir(project):  # kit sources are named relative to the working directory, as the command does
        composed, site = read_project(project)
        moment = datetime.fromisoformat(at)
        found = {}
        for item in composed:
            for lang, pages in incident_public(item, site, moment, []).pages.items():
                found.update({f"{lang}/{path}": source.read() for path, source in pages.items()})
    return found


def _recorded(project: Path) -> dict[int, dict]:
    """Each revision's entry in kit.json, the record posting tools read (their posts included)."""
    data = json.loads((project / RECORD).read_text(encoding="utf-8"))
    return {entry["revision"]: entry for entry in data["revisions"]}


def _posts(entry: dict, language: str) -> str:
    return json.dumps(entry["languages"][language]["posts"], ensure_ascii=False)


def _permalink(project: Path, language: str, number: int) -> str:
    return (project / "content" / language / "incidents/relay-outage/revisions" / f"{number}.md").read_text("utf-8")


def test_the_record_holds_every_approved_revision_under_the_hash_its_approvals_name(published: Path) -> None:
    record = read_record((published / RECORD).read_bytes(), RECORD)
    assert record.problems == ()
    with contextlib.chdir(published):
        (item,) = read_project(published)[0]
    for revision in item.incident.revisions:
        digest = item.hashes[revision.number]
        assert {a.text_hash for a in revision.approvals} == {digest}
        assert item.approved[revision.number] and digest in record.texts
        texts = list(item.texts[revision.number].values())
        # the record's own proof and the approval hash are one definition of "this text"
        assert snapshot_hash({t.language: asdict(t) for t in texts}) == revision_hash(texts) == digest
    assert [f for f in _findings(published) if f["severity"] == "error"] == []


def test_a_new_hotline_and_boilerplate_apply_from_the_next_revision_and_published_text_stays(project: Path) -> None:
    before = _public_files(project)
    assert any(OLD_HOTLINE in data.decode() for data in before.values())
    hotline, boilerplate = _change_shared_data(project)

    found = _findings(project)
    assert [f for f in found if f["rule"] == "CK602"] == []
    notes = {(f["line"], f["path"]) for f in found if f["rule"] == "CK603"}
    assert notes == {(hotline, "contacts.hotline"), (boilerplate, "organization.boilerplate.en")}, found
    note = next(f for f in found if f["rule"] == "CK603" and f["line"] == hotline)
    assert f"{KIT}" == note["file"] and note["severity"] == "warning"
    assert "revisions 1-5 keep the approved text" in note["message"]
    assert "applies from the next revision (add revision 6" in note["message"]
    assert "correction" not in note["message"]

    # the public site (statement, permalinks, FAQ, feeds) is the very files built before the change
    assert _public_files(project) == before
    site = _site(project)
    _build(project)
    assert _site(project) == site
    assert _run(project, "generate").returncode == 0
    recorded = _recorded(project)
    for number in range(1, 6):
        for language in ("en", "zh-Hant"):
            posts, page = _posts(recorded[number], language), _permalink(project, language, number)
            assert OLD_HOTLINE in posts and OLD_HOTLINE in page and NEW_HOTLINE not in posts + page
        english = _posts(recorded[number], "en")
        assert OLD_BOILERPLATE in english and NEW_BOILERPLATE not in english
        assert OLD_BOILERPLATE_ZH in _posts(recorded[number], "zh-Hant")

    # revision 6 is composed from today's kit: the new hotline and boilerplate, once approved
    kit = project / KIT
    kit.write_text(kit.read_text(encoding="utf-8") + REVISION_6, encoding="utf-8")
    _approve_all(project)
    recorded = _recorded(project)
    for language in ("en", "zh-Hant"):
        posts, page = _posts(recorded[6], language), _permalink(project, language, 6)
        assert NEW_HOTLINE in posts and NEW_HOTLINE in page and OLD_HOTLINE not in posts + page
        assert OLD_HOTLINE in _permalink(project, language, 5) and NEW_HOTLINE not in _permalink(project, language, 5)
    assert NEW_BOILERPLATE in _posts(recorded[6], "en") and NEW_BOILERPLATE_ZH in _posts(recorded[6], "zh-Hant")
    assert [f for f in _findings(project) if f["rule"] in ("CK602", "CK603") or f["severity"] == "error"] == []
    after = _public_files(project)
    statement = after["en/incidents/relay-outage/index.md"].decode()
    assert NEW_HOTLINE in statement and OLD_HOTLINE not in statement
    for number in range(1, 6):
        for language in ("en", "zh-Hant"):
            page = f"{language}/incidents/relay-outage/revisions/{number}.md"
            assert OLD_HOTLINE in after[page].decode() and NEW_HOTLINE not in after[page].decode()


def test_editing_a_published_revisions_own_text_is_still_ck602(project: Path) -> None:
    _change_shared_data(project)  # shared data changed too: the error names the revision's own text
    line = _edit(project, "headline: {en: We found the cause of the delays,", "headline: {en: We found the cause,")
    errors = [f for f in _findings(project) if f["rule"] == "CK602"]
    assert [(f["line"], f["path"]) for f in errors] == [(line, "updates[2].statement.headline.en")], errors
    assert "add a correction revision (corrects: 3)" in errors[0]["message"]
    assert "revision 3" in errors[0]["message"]


def test_an_approved_revision_not_yet_due_is_frozen_and_its_own_edit_needs_approval_again(tmp_path: Path) -> None:
    project = tmp_path / "project"  # revision 5 embargoed past the real clock, so `approve` may approve it again
    shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns("README.md"))
    shutil.copytree(REPO / "overrides", project / "overrides")
    embargo = "    issued_at: 2026-11-20T18:00:00+08:00\n"
    _edit(project, embargo, embargo + "    publish_at: 2099-01-01T00:00:00+08:00\n")
    _approve_all(project)
    _change_shared_data(project)
    waiting, due = "2026-11-20T17:00:00+08:00", "2099-01-02T00:00:00+08:00"  # revision 5 waiting; due
    assert [f["rule"] for f in _findings(project, waiting) if f["severity"] == "error"] == []
    page = _public_files(project, due)["en/incidents/relay-outage/revisions/5.md"].decode()
    assert OLD_HOTLINE in page and NEW_HOTLINE not in page  # frozen as approved, though not public yet
    old_hash = _recorded(project)[5]["text_hash"]

    line = _edit(project, "headline: {en: The messaging outage is over,", "headline: {en: The outage is over,")
    stale = [f for f in _findings(project, waiting) if f["rule"] == "CK601" and "revision 5" in f["message"]]
    assert [f["line"] for f in stale] == [line], stale
    assert "revisions/5.md" not in " ".join(_public_files(project, due))  # not approved: never public
    _approve_all(project)  # approved again: the record of revision 5 is replaced by the new text
    entry = _recorded(project)[5]
    assert entry["text_hash"] != old_hash and entry["approved_texts"] == {}
    assert entry["languages"]["en"]["headline"] == "The outage is over"
    assert NEW_HOTLINE in _posts(entry, "en")  # composed again from today's kit, then approved
    assert OLD_HOTLINE in _posts(_recorded(project)[4], "en")  # revision 4 stays as it was published


def _tamper(project: Path, old: str, new: str) -> int:
    """Edit the record as a pull request could, marker and all (so only the approval hash can tell)."""
    path = project / RECORD
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    assert lines[1].startswith('  "generated": ')
    body = "{\n" + "".join(lines[2:])
    assert body.count(old) >= 1, old
    line = body[: body.index(old)].count("\n") + 2  # the marker line comes back above it
    tampered = body.replace(old, new)
    source = KIT
    path.write_text(with_marker(RenderedPage(PurePosixPath(RECORD), tampered, source)), encoding="utf-8")
    return line


@pytest.mark.parametrize("shared_changed", [False, True], ids=["kit-unchanged", "after-a-hotline-change"])
def test_a_record_edited_by_hand_is_an_error_at_its_line_and_never_published(
    project: Path, shared_changed: bool
) -> None:
    before = _public_files(project)
    if shared_changed:
        _change_shared_data(project)
    _tamper(project, '"headline": "We found the cause of the delays"', '"headline": "UNAPPROVED we blame our vendor"')
    text = (project / RECORD).read_text(encoding="utf-8")
    digest = _recorded(project)[3]["text_hash"]
    line = next(n for n, row in enumerate(text.splitlines(), 1) if f'"text_hash": "{digest}"' in row)

    errors = [f for f in _findings(project) if f["severity"] == "error"]
    hand_edit = [f for f in errors if f["file"] == RECORD]
    assert [(f["line"], f["path"]) for f in hand_edit] == [(line, "revisions[2].languages")], errors
    assert "edited by hand" in hand_edit[0]["message"] and digest in hand_edit[0]["message"]
    assert all("UNAPPROVED" not in data.decode() for data in _public_files(project).values())
    if not shared_changed:  # the kit still composes to the approved text: the public site is as it was
        assert _public_files(project) == before

    live = _site(project)
    result = _run(project, "build", "--at", AT, "--audience", "public")
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{RECORD}:{line}:" in result.stderr
    assert _site(project) == live  # the live site stays as it was
    site = project / "site"
    assert not any(
        "UNAPPROVED" in p.read_text("utf-8", "replace") for p in site.rglob("*") if p.is_file() and not p.is_symlink()
    )


def test_a_forged_record_that_hashes_to_itself_approves_nothing(project: Path) -> None:
    """A pull request can write an entry whose text hashes to its own (new) hash; no approval names that hash,
    so the record cannot approve itself: the approved text stays live, and with shared data changed the
    revision has no record any more and is refused (CK602), never published with the forged text."""
    before, live = _public_files(project), _site(project)
    data = json.loads((project / RECORD).read_text(encoding="utf-8"))
    entry = data["revisions"][2]
    entry["languages"]["en"]["headline"] = "UNAPPROVED we blame our vendor"
    entry["text_hash"] = snapshot_hash(entry["languages"])
    del data["generated"]
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    (project / RECORD).write_text(with_marker(RenderedPage(PurePosixPath(RECORD), text, KIT)), encoding="utf-8")
    assert read_record((project / RECORD).read_bytes(), RECORD).problems == ()  # a consistent entry...
    assert [f for f in _findings(project) if f["severity"] == "error"] == []
    assert _public_files(project) == before  # ...that no approval names: revision 3 keeps its approved text

    _change_shared_data(project)
    errors = [f for f in _findings(project) if f["rule"] == "CK602"]
    assert errors and all("revision 3" in f["message"] for f in errors), errors
    assert all("UNAPPROVED" not in data.decode() for data in _public_files(project).values())
    assert _run(project, "build", "--at", AT, "--audience", "public").returncode == 1
    assert _site(project) == live
