"""Publishing one revision takes shortcuts around the engine (issue 12); each gives exactly what the long way gives.

- Which files of content/ carry a crisiskit marker is remembered per file (cache.MarkerCache): the answer is
  write.has_marker's for every file, however it was changed since, and a file changed just now is not
  remembered at all.
- A part's config is dumped once and remembered by what it says (archive.ConfigTexts): the text is PyYAML's
  for every config, including values that look alike (1, "1", 1.0, True) and a list that appears twice.
- A part's docs folder is made to hold its files and stubs in one walk (archive._sync_docs).
- The link check takes the assembled tree's files from what assemble made (archive.tree_names), not a walk.
- The kept parts' files are linked into the staged tree while the engine builds the others (archive.Assembly):
  the same files, folders and links as one assembly after every build.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

from crisiskit import write
from crisiskit.cache import MarkerCache
from crisiskit.publish import archive, site
from crisiskit.publish.archive import ConfigTexts, Part, Source, tree_names
from crisiskit.publish.site import hand_written_pages
from crisiskit.render.rendered import RenderedPage
from sites import AFTER_EMBARGO, copy_project, invoke


def _generated(path: str, text: str) -> str:
    return write.with_marker(RenderedPage(PurePosixPath(path), text, "kits/x.yml"))


def _rewrite(path: Path, text: str, tick: int) -> None:
    """``text`` in ``path`` with a modification time of its own (a change the same size and instant as the
    last would be the racy case, which MarkerCache does not remember)."""
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(tick, tick))


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = tmp_path / "project" / "content"
    (root / "en" / "incidents" / "a").mkdir(parents=True)
    (root / "en" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "en" / "about.md").write_text("---\naudience: internal\n---\n# About\n", encoding="utf-8")
    (root / "en" / "incidents" / "a" / "index.md").write_text(
        _generated("en/incidents/a/index.md", "# A\n"), encoding="utf-8"
    )
    (root / "en" / "incidents" / "a" / "notes.md").write_text("# Notes by hand\n", encoding="utf-8")
    return root


def _pages(content: Path, marked: Any) -> dict[str, list[Path]]:
    return {audience: hand_written_pages(content, "en", audience, [], marked) for audience in ("public", "internal")}


def test_remembered_markers_answer_as_reading_every_file(content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(MarkerCache, "RACY_NS", -(10**18))  # every file old enough to remember, whatever its time
    project = content.parent
    opened: list[Path] = []
    reading = write.has_marker
    monkeypatch.setattr(write, "has_marker", lambda path: opened.append(path) or reading(path))
    generated = content / "en" / "incidents" / "a" / "index.md"
    notes = content / "en" / "incidents" / "a" / "notes.md"
    changes = [
        lambda: None,
        lambda: _rewrite(generated, "# A, now a page a person keeps\n", 10**18),  # the marker removed
        lambda: _rewrite(notes, _generated("en/incidents/a/notes.md", "# N\n"), 2 * 10**18),  # a marker added
        lambda: (notes.unlink(), notes.write_text("# Notes by hand\n", encoding="utf-8")),  # another file
    ]
    for change in changes:
        change()
        cache = MarkerCache(project)
        opened.clear()
        assert _pages(content, cache.has_marker) == _pages(content, reading)
        cache.save()
    cache = MarkerCache(project)
    opened.clear()
    assert _pages(content, cache.has_marker) == _pages(content, reading)
    assert opened == []  # nothing changed since the last run: no file opened


def test_a_file_changed_just_now_is_not_remembered(content: Path) -> None:
    cache = MarkerCache(content.parent)
    assert _pages(content, cache.has_marker) == _pages(content, write.has_marker)
    assert cache.used == {}  # every file was written within the last two seconds
    cache.save()
    assert not cache.file.exists()


def test_a_remembered_answer_from_another_crisiskit_is_not_used(content: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(MarkerCache, "RACY_NS", -(10**18))
    cache = MarkerCache(content.parent)
    hand_written_pages(content, "en", "public", [], cache.has_marker)
    cache.save()
    monkeypatch.setattr("crisiskit.cache.code_digest", lambda: "another")
    assert MarkerCache(content.parent).known == {}


CONFIGS: list[Any] = [
    {"a": 1, "b": "1", "c": 1.0, "d": True, "e": None, "f": "yes", "g": "null", "h": "", "i": "1.0"},
    {"a": "1", "b": 1, "c": True, "d": 1.0, "e": "None", "f": "True"},
    {"text": "line one\nline two", "long": "word " * 40, "unicode": "香港 status", "colon": "a: b", "hash": "#x"},
    {"nav": [{"Home": "index.md"}, {"Incidents": ["incidents/index.md"]}], "exclude_docs": "/a\n/b c \n"},
    {1: "one", "1": "one", 2.0: "two"},
    {True: "x", "true": "y", None: "z", "null": "w"},
    {"nested": {"deep": [[1, 2], [], {}, {"k": [None]}]}},
]


def test_remembered_config_texts_are_pyyaml_s(tmp_path: Path) -> None:
    shared = [1, 2]
    configs = [*CONFIGS, {"a": shared, "b": shared}, {"a": [1, 2], "b": [1, 2]}, {"t": (1, 2)}]
    file = tmp_path / "configs.json"
    for _ in range(2):  # the first run dumps and remembers, the second uses what was remembered
        texts = ConfigTexts(file)
        for config in configs:
            assert texts.text(config) == yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
        texts.save()
    assert len(ConfigTexts(file).known) == len(CONFIGS) + 1  # the aliased list and the tuple are never remembered


def test_a_damaged_config_memory_is_a_miss(tmp_path: Path) -> None:
    file = tmp_path / "configs.json"
    for damaged in ("{", "[1]", '{"k": 1}'):
        file.write_text(damaged, encoding="utf-8")
        assert ConfigTexts(file).text(CONFIGS[0]) == yaml.safe_dump(CONFIGS[0], allow_unicode=True, sort_keys=False)


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _folders(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir()}


def test_synced_docs_hold_the_part_and_no_empty_folder(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    for relative, data in {
        "index.md": b"old home",
        "incidents/a/index.md": b"",
        "incidents/b/index.md": b"not empty",
        "incidents/gone/x/y/page.md": b"",
        "incidents/gone/z/page.md": b"",
        "stale/deep/er/file.md": b"x",
        "keep/deep/file.md": b"same",
    }.items():
        (docs / relative).parent.mkdir(parents=True, exist_ok=True)
        (docs / relative).write_bytes(data)
    (docs / "empty" / "nested").mkdir(parents=True)
    (docs / "link.md").symlink_to(docs / "index.md")
    (docs / "linked").symlink_to(docs / "keep", target_is_directory=True)
    files = {"index.md": Source.of(b"new home"), "keep/deep/file.md": Source.of(b"same"), "new/one.md": Source.of(b"1")}
    part = Part("front", files, frozenset({"incidents/a/index.md", "incidents/b/index.md", "incidents/c/x.md"}), (), 0)
    archive._sync_docs(docs, part)
    assert _files(docs) == {
        "index.md": b"new home",
        "keep/deep/file.md": b"same",
        "new/one.md": b"1",
        "incidents/a/index.md": b"",
        "incidents/b/index.md": b"",
        "incidents/c/x.md": b"",
    }
    assert _folders(docs) == {"keep", "keep/deep", "new", "incidents", "incidents/a", "incidents/b", "incidents/c"}
    assert not any(p.is_symlink() for p in docs.rglob("*"))


def test_the_assembled_files_are_the_files_a_walk_finds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[set[str]] = []

    def both_ways(staged: Path, assembled: dict[str, set[str]] | None = None) -> set[str]:
        walked = tree_names(staged)
        assert tree_names(staged, assembled) == walked
        checked.append(walked)
        return walked

    monkeypatch.setattr(site, "tree_names", both_ways)
    project = copy_project(tmp_path / "project")
    for _ in range(2):  # from nothing, then with every part kept
        result = invoke(project, "build", "--audience", "public", "--at", AFTER_EMBARGO)
        assert result.returncode == 0, result.stdout + result.stderr
    assert len(checked) == 2 and checked[0] == checked[1]
    assert {"index.html", "en/index.html", "en/search/search_index.json", "zh-Hant/sitemap.xml.gz"} <= checked[0]


def _part_build(root: Path, name: str, files: dict[str, bytes], reused: bool) -> archive.PartBuild:
    folder = root / name
    for relative, data in files.items():
        (folder / "site" / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / "site" / relative).write_bytes(data)
    (folder / "search.txt").write_text(f'{{"location":"{name}/"}}', encoding="utf-8")
    if name == archive.FRONT:
        (folder / "site" / "search").mkdir(parents=True)
        (folder / "site" / "search" / "search_index.json").write_text('{"config":{"lang":["en"]}}', encoding="utf-8")
    part = Part(name, {}, frozenset(), (), 86400 * 20000)
    build = archive.PartBuild(part, "en", folder, name, folder / "mkdocs.yml", reused=reused)
    build.record = {
        "files": [(relative, len(data), 0) for relative, data in files.items()],
        "sitemap": [[f"https://x.invalid/en/{relative}", "2026-12-01"] for relative in files],
    }
    return build


def test_kept_parts_linked_early_make_the_tree_one_assembly_makes(tmp_path: Path) -> None:
    parts = {
        "front": ({"index.html": b"home", "assets/a.css": b"css", "incidents/index.html": b"list"}, False),
        "shard-000": ({"incidents/a/index.html": b"a", "incidents/a/revisions/1/index.html": b"a1"}, True),
        "shard-001": ({"incidents/b/index.html": b"b", "incidents/b/faq/index.html": b"bf"}, False),
        "shard-002": ({"incidents/c/revisions/2/index.html": b"c2"}, True),
    }
    builds = [_part_build(tmp_path / "parts", name, files, reused) for name, (files, reused) in parts.items()]
    whole = archive.Assembly(tmp_path / "whole").finish(builds)  # in one step
    assembly = archive.Assembly(tmp_path / "steps")
    assembly.link([b for b in builds if b.reused])
    assert assembly.finish(builds) == whole == tree_names(tmp_path / "whole")
    assert _files(tmp_path / "steps") == _files(tmp_path / "whole")
    assert _folders(tmp_path / "steps") == _folders(tmp_path / "whole")
    linked = tmp_path / "steps" / "incidents" / "a" / "index.html"
    assert (
        linked.stat().st_ino
        == (tmp_path / "parts" / "shard-000" / "site" / "incidents" / "a" / "index.html").stat().st_ino
    )
