"""`check` remembers per-kit findings (build/cache/) and gives exactly what judging every kit afresh gives.

The reference in every test is the same check with the cache off. The moments tried include each
instant a rule compares with (embargoes, promised updates), one second either side of it, and times
when incidents are overdue (a finding whose message prints the moment itself).
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from crisiskit.cache import Probe, caching_allowed
from crisiskit.checks.engine import run_checks
from crisiskit.pipeline import check, compose, read_incidents, read_site_options
from sites import cache_entries, copy_project, set_cache_entry

AFRESH = re.compile(r"check: (\d+) of (\d+) kit\(s\) judged afresh")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def moments(project: Path) -> list[datetime]:
    """Every instant the fixture's rules turn on, a second either side, and moments long after (overdue)."""
    instants = set()
    for item in compose(read_incidents([project / "kits"]), read_site_options(project), project):
        for revision in item.incident.revisions:
            instants.add(revision.visible_from)  # when it goes public (issued, or its embargo)
            if revision.next_update_at:
                instants.add(revision.next_update_at)
    second = timedelta(seconds=1)
    tried = sorted({m + d for m in instants for d in (-second, timedelta(0), second)})
    return tried + [tried[-1] + timedelta(days=3), tried[-1] + timedelta(days=40)]


def afresh(caplog: pytest.LogCaptureFixture) -> list[int]:
    """How many kits each cached check judged afresh (from its debug line)."""
    return [int(m.group(1)) for r in caplog.records for m in [AFRESH.search(r.getMessage())] if m]


def test_remembered_findings_equal_fresh_ones_at_every_moment(
    project: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    caplog.set_level(logging.DEBUG, logger="crisiskit.pipeline")
    tried = moments(project)
    order = tried + tried[::-4]  # forwards, then back: entries stored at one moment, read at another
    # the reference: what check(cache=False) does, with the moment-free part (load, compose) done once
    composed = compose(read_incidents([Path("kits")]), read_site_options(project), project)
    assert check([Path("kits")], tried[0], cache=False) == (4, run_checks(composed, tried[0], approvals=True))
    for at in order:
        assert check([Path("kits")], at) == (4, run_checks(composed, at, approvals=True)), at
    counts = afresh(caplog)
    assert len(counts) == len(order) and counts[0] == 4
    assert sum(counts) < 4 * len(counts) / 2, "the cache was hardly ever used"
    assert 0 in counts, "no check was answered wholly from the cache"


def test_an_overdue_finding_names_each_new_moment(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """CK504 prints the moment it judged at: an entry holding it is good for that moment only."""
    monkeypatch.chdir(project)
    kit = project / "kits" / "delivery-delay.yml"
    text = kit.read_text(encoding="utf-8")
    kit.write_text(text[: text.index("  - revision: 2\n")], encoding="utf-8")  # the promised update never came
    first, second = (datetime.fromisoformat(t) for t in ("2026-11-25T10:00:00+08:00", "2026-11-26T10:00:00+08:00"))
    for at in (first, second, first):
        found = check([Path("kits")], at)
        assert found == check([Path("kits")], at, cache=False)
        overdue = [f for f in found[1] if f.rule == "CK504" and f.file == "kits/delivery-delay.yml"]
        assert len(overdue) == 1 and overdue[0].message.endswith(f"got none by {at.isoformat()}"), overdue


@pytest.fixture
def checked_once(project: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> datetime:
    """The fixture project, checked once (so every kit's findings are remembered); the moment it was checked at."""
    monkeypatch.chdir(project)
    caplog.set_level(logging.DEBUG, logger="crisiskit.pipeline")
    at = datetime.fromisoformat("2026-11-22T12:00:00+08:00")
    check([Path("kits")], at)
    return at


def test_an_edited_kit_is_judged_again_and_only_it(
    project: Path, checked_once: datetime, caplog: pytest.LogCaptureFixture
) -> None:
    at = checked_once
    kit = project / "kits" / "delivery-delay.yml"
    text = kit.read_text(encoding="utf-8")
    # a number typed into the text instead of a fact: CK201 must appear, exactly as a fresh check says
    edited = text.replace(
        "        en: Orders placed between", "        en: About 4,200 parcels were late. Orders placed between", 1
    )
    assert edited != text
    kit.write_text(edited, encoding="utf-8")
    caplog.clear()
    cached = check([Path("kits")], at)
    assert cached == check([Path("kits")], at, cache=False)
    assert afresh(caplog)[0] == 1
    assert any(f.file == "kits/delivery-delay.yml" and f.rule == "CK201" for f in cached[1]), cached


def test_a_record_edited_by_hand_is_judged_again_from_the_bytes_it_was_keyed_by(
    project: Path, checked_once: datetime, caplog: pytest.LogCaptureFixture
) -> None:
    """kit.json is read once per kit judged: the entry is keyed by the very bytes composed from, so a hand edit
    of the record is a miss, reported as a fresh check reports it; putting it back is a hit again."""
    at = checked_once
    record = project / "content" / "incidents" / "delivery-delay" / "kit.json"
    kept = record.read_text(encoding="utf-8")
    headline = '"headline": "'
    assert headline in kept
    record.write_text(kept.replace(headline, headline + "UNAPPROVED ", 1), encoding="utf-8")
    caplog.clear()
    cached = check([Path("kits")], at)
    assert cached == check([Path("kits")], at, cache=False)
    assert afresh(caplog)[0] == 1
    hand_edit = [f for f in cached[1] if f.file.endswith("delivery-delay/kit.json")]
    assert hand_edit and all("edited by hand" in f.message for f in hand_edit), cached
    record.write_text(kept, encoding="utf-8")
    caplog.clear()
    assert check([Path("kits")], at) == check([Path("kits")], at, cache=False)
    assert afresh(caplog)[0] == 1  # the entry of the edited record was replaced; this one is judged again too


def test_a_changed_scenario_or_setting_judges_every_kit_again(
    project: Path, checked_once: datetime, caplog: pytest.LogCaptureFixture
) -> None:
    at = checked_once
    (project / "crisiskit.yml").write_text("rules: {CK505: off}\n", encoding="utf-8")
    caplog.clear()
    assert check([Path("kits")], at) == check([Path("kits")], at, cache=False)
    assert afresh(caplog)[0] == 4
    scenario = next((project / "kits" / "scenarios").glob("*.yml"))
    scenario.write_text(scenario.read_text(encoding="utf-8") + "\n# a comment changes the bytes\n", encoding="utf-8")
    caplog.clear()
    assert check([Path("kits")], at) == check([Path("kits")], at, cache=False)
    assert afresh(caplog)[0] == 4


def test_a_damaged_entry_is_a_miss(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    at = datetime.fromisoformat("2026-12-02T00:00:00+08:00")
    expected = check([Path("kits")], at, cache=False)
    check([Path("kits")], at)
    entries = sorted(cache_entries(project, "check").items())
    assert len(entries) == 4
    set_cache_entry(project, "check", entries[0][0], entries[0][1][:50])  # cut short
    data = json.loads(entries[1][1])
    data["findings"] = [{"file": 1}]  # wrong types
    set_cache_entry(project, "check", entries[1][0], json.dumps(data).encode())
    assert check([Path("kits")], at) == expected


@pytest.mark.parametrize("damage", ["garbage", "cut short", "emptied"])
def test_a_damaged_database_is_made_afresh(
    project: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    """The entries database overwritten, cut short or emptied: every kit is judged afresh, and remembered again."""
    monkeypatch.chdir(project)
    caplog.set_level(logging.DEBUG, logger="crisiskit.pipeline")
    at = datetime.fromisoformat("2026-12-02T00:00:00+08:00")
    expected = check([Path("kits")], at, cache=False)
    check([Path("kits")], at)
    database = project / "build" / "cache" / "entries.sqlite"
    raw = database.read_bytes()
    assert len(cache_entries(project, "check")) == 4
    for journal in ("entries.sqlite-wal", "entries.sqlite-shm"):
        (database.parent / journal).unlink(missing_ok=True)
    database.write_bytes({"garbage": b"not a database " * 4096, "cut short": raw[:5000], "emptied": b""}[damage])
    caplog.clear()
    assert check([Path("kits")], at) == expected
    assert afresh(caplog) == [4]
    caplog.clear()
    assert check([Path("kits")], at) == expected
    assert afresh(caplog) == [0], "the database made afresh keeps the entries"


def test_a_link_in_place_of_the_database_is_never_followed(
    project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """build/cache/ is crisiskit's, but a link there must not make it write elsewhere: no cache, and it says so."""
    monkeypatch.chdir(project)
    at = datetime.fromisoformat("2026-12-02T00:00:00+08:00")
    expected = check([Path("kits")], at, cache=False)
    elsewhere = tmp_path / "elsewhere.sqlite"
    elsewhere.write_bytes(b"someone else's file")
    for name in ("entries.sqlite", "entries.sqlite-wal"):
        cache = project / "build" / "cache"
        cache.mkdir(parents=True, exist_ok=True)
        for old in cache.iterdir():
            old.unlink()
        (cache / name).symlink_to(elsewhere)
        caplog.clear()
        caplog.set_level(logging.WARNING)
        assert check([Path("kits")], at) == expected
        assert check([Path("kits")], at) == expected
        assert elsewhere.read_bytes() == b"someone else's file"
        assert (cache / name).is_symlink()
        assert any(f"{name} is not a regular file" in r.getMessage() for r in caplog.records), name


def test_a_cache_that_cannot_be_written_changes_no_finding(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    at = datetime.fromisoformat("2026-12-02T00:00:00+08:00")
    expected = check([Path("kits")], at, cache=False)
    shutil.rmtree(project / "build" / "cache", ignore_errors=True)
    (project / "build").mkdir(exist_ok=True)
    (project / "build" / "cache").write_text("a file where the cache folder goes", encoding="utf-8")
    assert check([Path("kits")], at) == expected
    assert check([Path("kits")], at) == expected


def test_a_committed_cache_is_never_trusted(
    project: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pull request can add build/cache/ with entries that hide every finding: in git, such a cache is off."""
    monkeypatch.chdir(project)
    kit = project / "kits" / "delivery-delay.yml"
    text = kit.read_text(encoding="utf-8")
    kit.write_text(text[: text.index("  - revision: 2\n")], encoding="utf-8")  # overdue: a finding to hide
    at = datetime.fromisoformat("2026-12-02T00:00:00+08:00")
    expected = check([Path("kits")], at, cache=False)
    assert expected[1], "the fixture must have findings to hide"
    check([Path("kits")], at)
    for shown, raw in cache_entries(project, "check").items():
        data = json.loads(raw)
        data["findings"] = []
        set_cache_entry(project, "check", shown, json.dumps(data).encode())
    assert check([Path("kits")], at)[1] == [], "outside git, this machine's own cache is used as it is"
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], cwd=project, check=True)
    subprocess.run([*git, "add", "-f", "build", "kits"], cwd=project, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "a cache in a pull request"], cwd=project, check=True)
    assert not caching_allowed(project)
    caplog.set_level(logging.WARNING)
    assert check([Path("kits")], at) == expected
    assert any("build/ holds files committed to git" in r.getMessage() for r in caplog.records)
    subprocess.run([*git, "rm", "-q", "-r", "--cached", "build"], cwd=project, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "removed"], cwd=project, check=True)
    assert caching_allowed(project)


def test_the_probe_records_every_comparison_and_any_other_use() -> None:
    at = datetime.fromisoformat("2026-11-22T12:00:00+08:00")
    before, after = at - timedelta(hours=1), at + timedelta(hours=1)
    probe = Probe.of(at)
    assert probe == at and before <= probe and probe < after and not (probe > after) and after > probe
    assert not probe.exact
    assert probe.sides() == [(before.isoformat(), 1), (at.isoformat(), 0), (after.isoformat(), -1)]
    assert probe.isoformat() == at.isoformat() and probe.exact
    spent = Probe.of(at)
    assert spent - before == timedelta(hours=1) and spent.exact


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def plan_of(plan) -> dict[str, list[str]]:  # noqa: ANN001 - a WritePlan
    return {name: sorted(getattr(plan, name)) for name in ("create", "update", "delete", "unchanged", "kept")}


def test_generate_remembers_unchanged_kits_and_writes_what_a_full_run_writes(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two copies get the same edits; one generates with the cache, one without: same plans, same content/."""
    from crisiskit.errors import WriteConflict
    from crisiskit.pipeline import generate

    cached, fresh = copy_project(tmp_path / "cached"), copy_project(tmp_path / "fresh")
    caplog.set_level(logging.DEBUG, logger="crisiskit.pipeline")
    rendered = re.compile(r"generate: (\d+) of (\d+) kit\(s\) new or changed")

    def both(edit=None, expect_afresh: int | None = None) -> None:  # noqa: ANN001
        for project in (cached, fresh):
            if edit:
                edit(project)
        caplog.clear()
        with monkeypatch.context() as m:
            m.chdir(cached)
            got = plan_of(generate(cached))
            m.chdir(fresh)
            want = plan_of(generate(fresh, cache=False))
        assert got == want
        assert tree(cached / "content") == tree(fresh / "content")
        counts = [int(m.group(1)) for r in caplog.records for m in [rendered.search(r.getMessage())] if m]
        if expect_afresh is not None:
            assert counts == [expect_afresh], counts

    both()  # the fixture's content/ was generated without this cache: every kit is rendered once
    both(expect_afresh=0)

    def edit_kit(project: Path) -> None:
        kit = project / "kits" / "store-incident.yml"
        kit.write_text(kit.read_text(encoding="utf-8").replace("Statement", "Our statement", 1), encoding="utf-8")

    both(edit_kit, expect_afresh=1)

    def delete_page(project: Path) -> None:
        (project / "content" / "en" / "incidents" / "data-leak" / "index.md").unlink()

    both(delete_page, expect_afresh=1)

    def new_kit(project: Path) -> None:
        source = (project / "kits" / "delivery-delay.yml").read_text(encoding="utf-8")
        (project / "kits" / "late-parcels.yml").write_text(
            source.replace("id: delivery-delay", "id: late-parcels", 1), encoding="utf-8"
        )

    both(new_kit, expect_afresh=1)

    def remove_kit(project: Path) -> None:
        (project / "kits" / "late-parcels.yml").unlink()

    both(remove_kit, expect_afresh=0)
    assert not (cached / "content" / "en" / "incidents" / "late-parcels").exists()
    for project in (cached, fresh):  # a hand edit of a generated page of an unchanged kit: refused, as always
        page = project / "content" / "en" / "incidents" / "payment-outage" / "index.md"
        page.write_text(page.read_text(encoding="utf-8") + "\nA note.\n", encoding="utf-8")
    with monkeypatch.context() as m:
        m.chdir(cached)
        with pytest.raises(WriteConflict) as from_cache:
            generate(cached)
        m.chdir(fresh)
        with pytest.raises(WriteConflict) as from_scratch:
            generate(fresh, cache=False)
    assert str(from_cache.value) == str(from_scratch.value)


def test_a_new_version_of_crisiskit_or_of_a_library_it_relies_on_is_a_new_digest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Entries are keyed by code_digest: another parser or validator version may read the same kit otherwise."""
    import crisiskit
    from crisiskit import cache

    cache.code_digest.cache_clear()
    before = cache.code_digest()
    real = cache.metadata.version
    monkeypatch.setattr(cache.metadata, "version", lambda name: "0.0.1" if name == "ruamel.yaml" else real(name))
    cache.code_digest.cache_clear()
    assert cache.code_digest() != before
    monkeypatch.setattr(cache.metadata, "version", real)
    monkeypatch.setattr(crisiskit, "__version__", "9.9.9")
    cache.code_digest.cache_clear()
    assert cache.code_digest() != before
    monkeypatch.undo()
    cache.code_digest.cache_clear()
    assert cache.code_digest() == before
