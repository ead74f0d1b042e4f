"""The public site in parts (publish/archive.py) and each incident remembered (publish/public.py).

An update rebuilds only what it changed, and the result is, file for file, the site a build from
nothing makes of the same input: the same bytes in every page, feed, search index and sitemap.
The fixture site has four incidents; with one incident per shard it has a front and up to four
shards, so each case below changes one thing and proves which parts were built again. Nothing
unsafe is kept: a kept output changed on disk is built again, and a secret that appears only
after a part was scanned is still found in it.

The site built from nothing after the embargo (and built again with nothing changed) is made once
for the module (``built``); a test that changes it works on it in place and gets it back as it was
(``sites.changed_in_place``), so an update is the update a user's next run makes.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crisiskit.publish import archive
from sites import AFTER_EMBARGO, BEFORE_EMBARGO, changed_in_place, clone, composed_samples, copy_project, invoke


@pytest.fixture(scope="module", autouse=True)
def one_incident_per_shard() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(archive, "SHARD_SIZE", 1)
        yield


@dataclass(frozen=True)
class Built:
    """The fixture site built from nothing after the embargo, then built again with nothing changed."""

    project: Path
    first_parts: dict[str, int]
    first_site: dict[str, bytes]
    second_parts: dict[str, int]
    second_site: dict[str, bytes]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    project = copy_project(tmp_path_factory.mktemp("built") / "project")
    build(project, AFTER_EMBARGO)
    first_parts, first_site = built_parts(project), tree(project / "site" / "public")
    build(project, AFTER_EMBARGO)  # a second run keeps the last run's needles for the next: not deleted
    return Built(project, first_parts, first_site, built_parts(project), tree(project / "site" / "public"))


def build(project: Path, at: str) -> str:
    result = invoke(project, "build", "--audience", "public", "--at", at)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stderr


def tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


def built_parts(project: Path) -> dict[str, int]:
    """Each part of each language -> the modification time of its config file (written only to build the part)."""
    out = {}
    for record in sorted((project / "build" / "public").glob("*/parts/*/mkdocs.yml")):
        out[f"{record.parts[-4]}/{record.parts[-2]}"] = record.stat().st_mtime_ns
    return out


def shard_of(project: Path, language: str, incident: str) -> str:
    for record in (project / "build" / "public" / language / "parts").iterdir():
        if (record / "site" / "incidents" / incident).is_dir():
            return f"{language}/{record.name}"
    raise AssertionError(f"no part holds {incident}")


def fresh(tmp_path: Path, like: Path, at: str, without: tuple[str, ...] = ()) -> dict[str, bytes]:
    """The public site a build from nothing makes of ``like``'s input (its kits, content/ and config; ``without``:
    kit files of the fixture that ``like`` no longer has)."""
    other = tmp_path / "fresh"
    copy_project(other)
    for name in without:
        (other / "kits" / name).unlink()
    for name in ("kits", "content"):
        for path in sorted((like / name).rglob("*")):
            if path.is_file():
                target = other / path.relative_to(like)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(path.read_bytes())
    build(other, at)
    return tree(other / "site" / "public")


def test_time_passing_rebuilds_only_the_part_whose_incident_changed(tmp_path: Path, built: Built) -> None:
    project = copy_project(tmp_path / "project")
    build(project, BEFORE_EMBARGO)
    before = built_parts(project)
    assert len(before) >= 6, before  # a front and at least two shards in each language
    build(project, AFTER_EMBARGO)  # payment-outage's embargoed revision is now due
    after = built_parts(project)
    rebuilt = {name for name in after if after[name] != before.get(name)}
    changed = {shard_of(project, lang, "payment-outage") for lang in ("en", "zh-Hant")}
    assert rebuilt == changed | {"en/front", "zh-Hant/front"}  # the index and the site feeds changed too
    assert tree(project / "site" / "public") == built.first_site  # the same input built from nothing


def test_an_unchanged_build_keeps_every_part_and_the_same_site(built: Built) -> None:
    assert built.second_parts == built.first_parts
    assert built.second_site == built.first_site


def test_a_project_copied_elsewhere_keeps_every_part(tmp_path: Path, built: Built) -> None:
    """A part's config names the project's folders relative to the project, so its key does not hold where the
    project is: a copy (a CI cache restored into another checkout, a moved repository) builds nothing again."""
    moved = tmp_path / "elsewhere" / "project"
    clone(built.project, moved)
    assert built_parts(moved) == built.second_parts
    build(moved, AFTER_EMBARGO)
    assert built_parts(moved) == built.second_parts
    assert tree(moved / "site" / "public") == built.first_site
    for config in (moved / "build" / "public").glob("*/parts/*/mkdocs.yml"):
        assert str(built.project) not in config.read_text(encoding="utf-8") and str(moved) not in config.read_text(
            encoding="utf-8"
        )


def test_content_written_before_the_engine_starts_gives_the_same_site(
    tmp_path: Path, built: Built, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build of more kits than pipeline.HELD_WHILE_BUILDING writes content/ before the engine starts (so the
    review pages leave memory first), a smaller one while the engine works: the same content/ and site either way."""
    from crisiskit import pipeline

    monkeypatch.setattr(pipeline, "HELD_WHILE_BUILDING", 0)
    project = copy_project(tmp_path / "project")
    build(project, AFTER_EMBARGO)
    assert tree(project / "site" / "public") == built.first_site
    assert tree(project / "content") == tree(built.project / "content")


def test_a_hand_written_page_rebuilds_only_the_front(tmp_path: Path, built: Built) -> None:
    with changed_in_place(built.project) as project:
        before = built_parts(project)
        home = project / "content" / "en" / "index.md"
        home.write_text(home.read_text(encoding="utf-8") + "\nCall us any time.\n", encoding="utf-8")
        build(project, AFTER_EMBARGO)
        after = built_parts(project)
        assert {name for name in after if after[name] != before[name]} == {"en/front"}
        assert tree(project / "site" / "public") == fresh(tmp_path, project, AFTER_EMBARGO)


def test_the_merged_search_index_and_sitemap_hold_every_page(built: Built) -> None:
    import json

    project = built.project
    root = project / "site" / "public" / "en"
    pages = {
        path.parent.relative_to(root).as_posix() + "/"
        for path in root.rglob("index.html")
        if path.parent != root and path.relative_to(root).parts[0] not in ("assets", "search")
    }
    index = json.loads((root / "search" / "search_index.json").read_text(encoding="utf-8"))
    located = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert pages <= located, pages - located
    sitemap = (root / "sitemap.xml").read_text(encoding="utf-8")
    listed = set(re.findall(r"<loc>https://[^/]+/en/([^<]*)</loc>", sitemap))
    assert pages <= listed, pages - listed
    # a page's date comes from the kits (the newest revision of its part, in UTC), never from the clock
    at = datetime.fromisoformat(AFTER_EMBARGO)
    newest = {c.incident.id: max(r.visible_from for r in c.visible(at)) for c in composed_samples(project)}
    dates = dict(re.findall(r"<loc>https://[^/]+/en/([^<]*)</loc>\s*<lastmod>([^<]*)</lastmod>", sitemap))
    for incident in newest:
        part = shard_of(project, "en", incident)
        moment = max(newest[other] for other in newest if shard_of(project, "en", other) == part)
        mine = {date for loc, date in dates.items() if loc.startswith(f"incidents/{incident}/")}
        assert mine == {moment.astimezone(UTC).date().isoformat()}, (incident, mine)
    assert dates["incidents/"] == max(newest.values()).astimezone(UTC).date().isoformat()


def test_a_kept_output_changed_on_disk_is_built_again(built: Built) -> None:
    with changed_in_place(built.project) as project:
        part = shard_of(project, "en", "data-leak")
        page = (
            project
            / "build"
            / "public"
            / "en"
            / "parts"
            / part.split("/")[1]
            / "site"
            / "incidents"
            / "data-leak"
            / "index.html"
        )
        with page.open("ab") as handle:  # in place: the live site's file is the same file
            handle.write(b"<script>alert(1)</script>")
        before = built_parts(project)
        build(project, AFTER_EMBARGO)
        after = built_parts(project)
        assert {name for name in after if after[name] != before[name]} == {part}
        live = project / "site" / "public" / "en" / "incidents" / "data-leak" / "index.html"
        assert b"<script>alert(1)</script>" not in live.read_bytes()
        assert tree(project / "site" / "public") == built.first_site  # the same input built from nothing


def test_a_stored_key_is_only_a_hint_the_record_is_checked(built: Built) -> None:
    """The key file beside a part's record says which parts may be kept, so the changed ones go to the engine
    first; a part whose key file matches but whose record is another build's is built again all the same."""
    with changed_in_place(built.project) as project:
        part = shard_of(project, "zh-Hant", "payment-outage")
        folder = project / "build" / "public" / "zh-Hant" / "parts" / part.split("/")[1]
        assert (folder / archive.KEY_FILE).read_text(encoding="ascii") == json.loads(
            (folder / "part.json").read_text(encoding="utf-8")
        )["key"]
        record = json.loads((folder / "part.json").read_text(encoding="utf-8"))
        record["key"] = "0" * 64  # a record from another build, under a key file that still matches
        (folder / "part.json").write_text(json.dumps(record), encoding="utf-8")
        before = built_parts(project)
        build(project, AFTER_EMBARGO)
        after = built_parts(project)
        assert {name for name in after if after[name] != before[name]} == {part}
        assert tree(project / "site" / "public") == built.second_site


def test_a_new_secret_is_found_in_parts_scanned_before_it_existed(
    tmp_path: Path, built: Built, caplog: pytest.LogCaptureFixture
) -> None:
    """A Q&A answer that every page shows (the site's name) fails the build in every part, kept or not,
    exactly as a build from nothing fails; the kept parts are searched for that one new needle only."""
    import logging

    with changed_in_place(built.project) as project:  # built, then built again with nothing changed
        assert archive.remembered_needles(project / "build" / "public") is not None
        kit = project / "kits" / "store-incident.yml"
        text = kit.read_text(encoding="utf-8")
        said = (
            "We do not discuss individual employment matters. What we can say is that the responsibility lies with "
            "the company, which set the policy and the training."
        )
        assert said in text
        kit.write_text(text.replace(said, "Northwind Status & Statements"), encoding="utf-8")
        with caplog.at_level(logging.DEBUG, logger="crisiskit.publish.archive"):
            result = invoke(project, "build", "--audience", "public", "--at", AFTER_EMBARGO)
        assert "leak scan of kept parts: 1 needle(s) new since the last build" in caplog.messages
        assert result.returncode == 1
        assert "the public site contains internal text; nothing was published" in result.stderr
        found = set(re.findall(r"site/public/(\S+): store-incident internal_qa\[0\]\.answer \(en\)", result.stderr))
        for incident in ("data-leak", "delivery-delay", "payment-outage"):  # in parts the change did not touch
            assert f"en/incidents/{incident}/index.html" in found, result.stderr
        other = tmp_path / "other"
        copy_project(other)
        (other / "kits" / "store-incident.yml").write_text(kit.read_text(encoding="utf-8"), encoding="utf-8")
        again = invoke(other, "build", "--audience", "public", "--at", AFTER_EMBARGO)

        def report(text: str) -> list[str]:
            return [line for line in text.splitlines() if not line.startswith("debug ")]

        assert again.returncode == 1 and report(again.stderr) == report(result.stderr)


def test_the_shard_of_an_incident_is_stable_and_shards_stay_small(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "SHARD_SIZE", 32)
    assert archive.shard_count(1) == 1
    assert [archive.shard_count(n) for n in (32, 33, 64, 65, 1000)] == [1, 2, 2, 4, 32]
    names = {archive.shard_of(f"incident-{n:04d}", 32) for n in range(1000)}
    assert len(names) == 32
    assert archive.shard_of("data-leak", 32) == archive.shard_of("data-leak", 32)
    assert os.environ.get("SOURCE_DATE_EPOCH") is None  # set only inside the engine's worker


def _merged_matches(segments: list[str], needles: list[str]) -> tuple[set[str], set[str]]:
    """The needles a scan of the whole merged search index finds, and those its parts' views plus the joins find."""
    import json

    from crisiskit.publish.leaks import _automaton, _values_in, scannable_text

    prefix = '{"config":' + json.dumps({"lang": ["en"]}, separators=(",", ":")) + ',"docs":['
    merged = prefix + ",".join(s for s in segments if s) + "]}"
    automaton = _automaton({n: n for n in needles})
    whole = _values_in(automaton, scannable_text(merged.encode("utf-8"), "search_index.json"))
    records, found = [], set()
    for segment in segments:
        one, two, composes_not = archive._search_views(segment)
        assert not composes_not
        found |= _values_in(automaton, one + "\n" + two)
        ends = [[v, ""] if len(v) <= 2 * archive.EDGE else [v[: archive.EDGE], v[-archive.EDGE :]] for v in (one, two)]
        records.append({"search": {"whole": False, "entries": bool(segment), "ends": ends}})
    path = Path(__import__("tempfile").mkdtemp()) / "search_index.json"
    path.write_text(merged, encoding="utf-8")
    found |= _values_in(automaton, archive._joins(records, path))
    return whole, found


def test_the_merged_search_index_is_scanned_as_its_parts_and_their_joins(monkeypatch: pytest.MonkeyPatch) -> None:
    """The scan of a merged index from the parts' views (what each part kept) and the joins between them finds
    exactly what a scan of the whole merged file finds, for needles within a part and across every join."""
    import json

    from hypothesis import given, settings
    from hypothesis import strategies as st

    monkeypatch.setattr(archive, "EDGE", 24)
    words = st.sampled_from(
        ["alpha", "Beta", "&amp;", "café", "cafe\u0301", "資料", "外洩", "x_y", "**b**", " ", "\u200b"]
    )
    text = st.lists(words, max_size=12).map("".join)
    entry = st.tuples(text, text).map(
        lambda t: json.dumps(
            [{"location": "incidents/a/", "title": t[0], "text": f"<p>{t[1]}</p>"}], separators=(",", ":")
        )[1:-1]
    )

    @settings(max_examples=150, deadline=None)
    @given(st.lists(st.one_of(entry, st.just("")), min_size=1, max_size=5), st.data())
    def check(segments: list[str], data: st.DataObject) -> None:
        from crisiskit.publish.leaks import _TAG, _canonical, _decode

        merged = ",".join(s for s in segments if s)
        views = [_canonical(_decode(merged)), _canonical(_TAG.sub("", _decode(merged)))]  # as is, tags stripped
        needles = {"alphabeta", "資料外洩"}
        for flat in views:
            picks = data.draw(
                st.lists(st.tuples(st.integers(0, max(len(flat) - 1, 0)), st.integers(3, 23)), max_size=6)
            )
            needles |= {flat[a : a + n] for a, n in picks if len(flat[a : a + n]) >= 3}
        whole, found = _merged_matches(segments, sorted(needles))
        assert whole == found

    check()


def test_a_few_new_needles_are_found_as_the_whole_set_finds_them(tmp_path: Path) -> None:
    """Kept parts are searched only for the needles new since their last scan (str.find for a few, an
    automaton for more): the same leaks, file by file, as walking every needle."""
    from crisiskit.publish.leaks import _automaton, needles_from

    files = ["en/a.html", "en/b.html", "en/search/search_index.json"]
    texts = ["notasecretatallhere", "thevendorpenaltyclauseapplies\nen/b.html", "penaltyclause"]
    index, offset = [], 0
    for name, text in zip(files, texts, strict=True):
        index.append((offset, offset + len(text), name))
        offset += len(text) + 1
    build = archive.PartBuild(None, "en", tmp_path, "", tmp_path / "mkdocs.yml")  # type: ignore[arg-type]
    build.index = index
    scan = "".join(text + "\n" for text in texts)
    for count in (3, archive.FEW + 5):
        words = {"penaltyclause": "secret 1", "secretatall": "secret 2", "nowhere": "secret 3"}
        words.update({f"filler{n}": "filler" for n in range(count - 3)})
        whole = archive._walk(build, scan, archive.Needles(_automaton(words), len(words), (), "", 0, words))
        assert archive._find(build, scan, words) == whole
        assert {(leak.file, leak.fragment) for leak in whole} == {
            ("en/a.html", "secret 2"),
            ("en/b.html", "secret 1"),
            ("en/search/search_index.json", "secret 1"),
        }
    kept = needles_from([("q", "penaltyclause", [], None)], [], {})
    archive.remember_needles(tmp_path, kept)
    assert archive.remembered_needles(tmp_path).words == kept.words
    damaged = (tmp_path / "needles.json").read_text(encoding="utf-8").replace("penaltyclause", "other")
    (tmp_path / "needles.json").write_text(damaged, encoding="utf-8")
    assert archive.remembered_needles(tmp_path) is None  # then every kept part is walked with every needle


def test_a_part_read_again_parses_only_the_pages_whose_bytes_changed(
    built: Built, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuilt part's unchanged pages take their links from its last reading (links.json), and what the reading
    finds is what parsing every page finds: the same pages, targets and dead-link candidates, in the same order."""
    parsed: list[str] = []
    parse = archive.link_targets

    def counted(root: Path, page: Path, base_url: str, prefix: str = "") -> list[tuple[str, str]]:
        parsed.append(page.relative_to(root).as_posix())
        return parse(root, page, base_url, prefix)

    monkeypatch.setattr(archive, "link_targets", counted)
    with changed_in_place(built.project) as project:
        folder = next(
            p for p in sorted((project / "build" / "public" / "en" / "parts").iterdir()) if p.name.startswith("shard-")
        )
        record = json.loads((folder / "part.json").read_text(encoding="utf-8"))
        _format, engine, base_url, _prefix = json.loads((folder / archive.LINKS_FILE).read_text(encoding="utf-8"))[
            "stamp"
        ]
        owned = tuple(f"incidents/{p.name}" for p in sorted((folder / "site" / "incidents").iterdir()))
        output = archive.PartOutput(folder.name, "en", folder, record["key"], owned, engine)

        again = archive.read_part(output, base_url).record
        assert parsed == []  # every page as the build left it
        assert as_json([again["pages"], again["targets"]]) == [record["pages"], record["targets"]]

        page = sorted((folder / "site").rglob("*.html"))[0]
        page.write_text(page.read_text(encoding="utf-8") + '<a href="/en/nowhere/">x</a>', encoding="utf-8")
        changed = archive.read_part(output, base_url).record
        assert parsed == [page.relative_to(folder / "site").as_posix()]
        assert "en/nowhere/" in changed["targets"]

        (folder / archive.LINKS_FILE).unlink()
        parsed.clear()
        whole = archive.read_part(output, base_url).record
        assert len(parsed) == len(list((folder / "site").rglob("*.html")))
        assert (whole["pages"], whole["targets"]) == (changed["pages"], changed["targets"])

        parsed.clear()
        archive.read_part(
            archive.PartOutput(folder.name, "en", folder, record["key"], owned, "another engine"), base_url
        )
        assert len(parsed) == len(list((folder / "site").rglob("*.html")))  # remembered under another engine: unused


def as_json(value: object) -> object:
    """``value`` as part.json keeps it (tuples become lists)."""
    return json.loads(json.dumps(value))


def test_a_release_staged_in_the_spare_is_the_tree_a_build_from_nothing_makes(tmp_path: Path, built: Built) -> None:
    """The next release is assembled in the one the last run replaced (switch.py's spare): every file it still
    needs stays, the rest goes. An incident taken out, a page, a folder and a link planted in the spare, and a
    file where a folder goes: the live tree is exactly, file for file and folder for folder, the tree a build
    from nothing makes of the same input."""
    with changed_in_place(built.project) as project:
        site = project / "site"
        spares = [p for p in site.iterdir() if p.name.startswith(".spare-public-")]
        assert len(spares) == 1  # the fixture's second run replaced the first's release
        spare = spares[0]
        reused = spare.stat().st_ino
        kept = spare / "en" / "incidents" / "delivery-delay" / "index.html"
        kept_inode = kept.stat().st_ino
        (spare / "en" / "incidents" / "payment-outage" / "planted.html").write_text("<p>old</p>", encoding="utf-8")
        (spare / "en" / "planted-folder" / "deep").mkdir(parents=True)
        (spare / "en" / "planted-folder" / "deep" / "x.html").write_text("<p>old</p>", encoding="utf-8")
        (spare / "zh-Hant" / "planted-link").symlink_to(tmp_path)
        faq = spare / "en" / "incidents" / "data-leak" / "faq"
        for path in sorted(faq.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        faq.rmdir()
        faq.write_text("a file where the FAQ's folder goes", encoding="utf-8")
        (project / "kits" / "store-incident.yml").unlink()  # its folder must go from the reused tree
        build(project, AFTER_EMBARGO)
        live = (site / "public").resolve()
        assert live.stat().st_ino == reused
        assert (live / "en" / "incidents" / "delivery-delay" / "index.html").stat().st_ino == kept_inode
        assert not (live / "en" / "incidents" / "store-incident").exists()
        assert tree(live) == fresh(tmp_path, project, AFTER_EMBARGO, without=("store-incident.yml",))
        assert folders(live) == folders(tmp_path / "fresh" / "site" / "public")
        assert not any(path.is_symlink() for path in live.rglob("*"))


def folders(root: Path) -> set[str]:
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_dir() and not path.is_symlink()}
