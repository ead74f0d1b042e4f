"""The write stage: markers, unchanged files kept, hand edits protected, atomic writes, a lock."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path, PurePosixPath

import pytest
from filelock import FileLock

from crisiskit.errors import UserError, WriteConflict
from crisiskit.render.rendered import RenderedPage
from crisiskit.write import list_tree, plan_writes, read_marker, remove_leftover_temps, write_pages


def _page(path: str, text: str) -> RenderedPage:
    return RenderedPage(PurePosixPath(path), text, "kits/x.yml")


PAGES = [
    _page("en/a.md", "---\ntitle: A\n---\n\n# A\n"),
    _page("en/b.md", "# B without front matter\n"),
    _page("data/x.json", '{\n  "k": 1\n}\n'),
]


def _mtimes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def test_markers_go_where_each_kind_of_file_allows(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_pages(PAGES, content)
    a = (content / "en/a.md").read_text(encoding="utf-8").splitlines()
    assert a[0] == "---" and a[1].startswith("# crisiskit: generated from kits/x.yml; sha256:")
    assert (content / "en/b.md").read_text(encoding="utf-8").startswith("<!-- crisiskit: generated from kits/x.yml")
    data = json.loads((content / "data/x.json").read_text(encoding="utf-8"))
    assert data["k"] == 1 and data["generated"].startswith("crisiskit: generated from kits/x.yml")
    assert all(read_marker(content / p.path.as_posix()).intact for p in PAGES)


def test_second_run_changes_nothing(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_pages(PAGES, content)
    before = _mtimes(content)
    time.sleep(0.01)
    plan = write_pages(PAGES, content)
    assert plan.create == plan.update == plan.delete == []
    assert _mtimes(content) == before


def test_changed_page_updates_only_that_file_and_stale_pages_go(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_pages(PAGES, content)
    (content / "en/notes.md").write_text("hand-written\n", encoding="utf-8")
    before = _mtimes(content)
    plan = write_pages([_page("en/a.md", "---\ntitle: A2\n---\n\n# A2\n")], content)
    assert plan.update == ["content/en/a.md"]
    assert sorted(plan.delete) == ["content/data/x.json", "content/en/b.md"]
    assert not (content / "data").exists(), "a folder emptied by removals is removed"
    assert (content / "en/notes.md").read_text(encoding="utf-8") == "hand-written\n"
    assert _mtimes(content)["en/notes.md"] == before["en/notes.md"]


def test_hand_edited_file_stops_the_run_before_anything_is_written(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_pages(PAGES, content)
    edited = (content / "en/b.md").read_text(encoding="utf-8") + "A lawyer's note.\n"
    (content / "en/b.md").write_text(edited, encoding="utf-8")
    changed = [_page("en/a.md", "---\ntitle: new\n---\n"), *PAGES[1:]]
    with pytest.raises(WriteConflict) as caught:
        write_pages(changed, content)
    assert "content/en/b.md was edited by hand" in caught.value.lines()[0]
    assert "--force" in caught.value.lines()[0]
    assert (content / "en/b.md").read_text(encoding="utf-8") == edited
    assert "title: A" in (content / "en/a.md").read_text(encoding="utf-8"), "nothing else was written"
    write_pages(changed, content, force=True)
    assert "A lawyer's note." not in (content / "en/b.md").read_text(encoding="utf-8")


def test_hand_written_file_in_the_way_is_never_overwritten_even_with_force(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "en").mkdir(parents=True)
    (content / "en/a.md").write_text("# Mine\n", encoding="utf-8")
    for force in (False, True):
        with pytest.raises(WriteConflict) as caught:
            write_pages(PAGES, content, force=force)
        assert "content/en/a.md is not a generated file" in caught.value.lines()[0]
    assert (content / "en/a.md").read_text(encoding="utf-8") == "# Mine\n"


def test_check_mode_reports_and_touches_nothing(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_pages(PAGES[:2], content)
    before = _mtimes(content)
    plan = plan_writes([_page("en/a.md", "changed\n"), PAGES[2]], content)
    assert (plan.create, plan.update, plan.delete) == (
        ["content/data/x.json"],
        ["content/en/a.md"],
        ["content/en/b.md"],
    )
    assert _mtimes(content) == before


def test_pages_must_stay_inside_content(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_pages([_page("../escape.md", "x\n")], tmp_path / "content")


def test_a_second_run_waits_for_the_lock_then_gives_up_clearly(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    with FileLock(str(tmp_path / ".crisiskit.lock")), pytest.raises(UserError, match="another crisiskit run holds"):
        write_pages(PAGES, content, lock_timeout=0.2)
    assert list(content.iterdir()) == []


WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path, PurePosixPath
    from crisiskit.render.rendered import RenderedPage
    from crisiskit.write import write_pages
    version = sys.argv[2]
    body = (version * 200 + "\\n") * 1000
    pages = [RenderedPage(PurePosixPath(f"p/{i:03d}.md"), f"# {version} {i}\\n" + body, "kits/x.yml")
             for i in range(300)]
    write_pages(pages, Path(sys.argv[1]))
""")


def _count_new(content: Path) -> int:
    """How many files already hold the new version (reading only their first lines)."""
    count = 0
    for path in content.glob("p/*.md"):
        with path.open(encoding="utf-8") as handle:
            handle.readline()
            count += handle.readline().startswith("# N")
    return count


def test_sigkill_mid_write_leaves_every_file_wholly_old_or_wholly_new(tmp_path: Path) -> None:
    content = tmp_path / "content"
    subprocess.run([sys.executable, "-c", WRITER, str(content), "O"], check=True)
    process = subprocess.Popen([sys.executable, "-c", WRITER, str(content), "N"])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and _count_new(content) < 5:
        time.sleep(0.002)
    process.send_signal(signal.SIGKILL)
    process.wait()
    versions = set()
    for path in sorted(content.glob("p/*.md")):
        marker = read_marker(path)
        assert marker is not None and marker.intact, f"{path.name} is half written"
        versions.add(path.read_text(encoding="utf-8").splitlines()[1][2])
    assert len(list(content.glob("p/*.md"))) == 300
    assert versions == {"O", "N"}, "the kill should land mid-run (some files old, some new)"
    subprocess.run([sys.executable, "-c", WRITER, str(content), "N"], check=True)
    assert not [p for p in content.rglob("*") if ".crisiskit-tmp-" in p.name], "leftover temp files are cleaned"
    assert all(p.read_text(encoding="utf-8").splitlines()[1].startswith("# N") for p in content.glob("p/*.md"))


def test_the_tree_listing_is_what_os_walk_lists(tmp_path: Path) -> None:
    """list_tree (read once per write, without a system call per folder) lists what os.walk does: folders
    entered but not through a link, and as files whatever is not a folder, a broken link included."""
    root = tmp_path / "content"
    for folder in ("en/incidents/a/revisions", "en/incidents/b", "zh-Hant/incidents/a", "empty"):
        (root / folder).mkdir(parents=True)
    for name in ("en/index.md", "en/incidents/a/revisions/1.md", "en/incidents/b/index.md", "zh-Hant/x.json"):
        (root / name).write_text("x", encoding="utf-8")
    outside = tmp_path / "outside"
    (outside / "deep").mkdir(parents=True)
    (outside / "deep" / "secret.md").write_text("x", encoding="utf-8")
    (root / "en" / "linked-folder").symlink_to(outside)
    (root / "en" / "linked-file.md").symlink_to(outside / "deep" / "secret.md")
    (root / "en" / "broken.md").symlink_to(tmp_path / "nowhere")
    walked = sorted(
        (os.path.relpath(top, root).replace(os.sep, "/"), sorted(names)) for top, _dirs, names in os.walk(root)
    )
    listed = sorted((folder, sorted(names)) for folder, names in list_tree(root))
    assert listed == walked
    assert ("en", ["broken.md", "index.md", "linked-file.md"]) in listed
    assert not any(folder.startswith("en/linked-folder") for folder, _names in listed)


def test_leftover_temp_files_are_removed_and_left_out_of_the_listing(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_pages([_page("en/a.md", "a\n")], content)
    leftover = content / "en" / ".a.md.crisiskit-tmp-0123abcd"
    leftover.write_text("half", encoding="utf-8")
    listing = remove_leftover_temps(content)
    assert not leftover.exists()
    assert ("en", ["a.md"]) in [(folder, sorted(names)) for folder, names in listing]
