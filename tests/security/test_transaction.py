"""Publishing is a transaction: site/public is always the previous verified site or the new one, whole.

A leaking page, a refused file type, a dead link, a SIGKILL at any point of a build and a full
disk each end the same way: the previous site byte-identical, nothing of the failed build
anywhere under site/, and the next run clean. The live site is compared with complete builds of
the same project (builds are deterministic), which were themselves scanned for internal text.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest
from redteam import AFTER_EMBARGO, BEFORE_EMBARGO, build, built, make_project

ANSWER = "SECRET the change skipped the second review we normally require."
LANGUAGES = ("en", "zh-Hant")


def snapshot(tree: Path) -> dict[str, str]:
    """Every file of a tree (through the live link) by path, with the sha256 of its bytes."""
    return {
        p.relative_to(tree).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(tree.rglob("*"))
        if p.is_file()
    }


def files_containing(folder: Path, text: str) -> list[str]:
    return [p.as_posix() for p in folder.rglob("*") if p.is_file() and text.encode() in p.read_bytes()]


def scan_clean(project: Path, at: str) -> None:
    """The live public site is complete and the leak scan, run as the build runs it, finds nothing."""
    from crisiskit.pipeline import compose, read_incidents, read_site_options
    from crisiskit.publish.leaks import internal_fragments, scan_site

    public = project / "site" / "public"
    for page in ["index.html", *(f"{lang}/index.html" for lang in LANGUAGES)]:
        assert (public / page).is_file(), page
    composed = compose(read_incidents([project / "kits"]), read_site_options(project), project)
    assert scan_site(public, internal_fragments(composed, datetime.fromisoformat(at))) == []


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose public site was built and verified before the embargo lifted."""
    project = make_project(tmp_path_factory.mktemp("good") / "project")
    built(project, process=False)
    scan_clean(project, BEFORE_EMBARGO)
    assert not files_containing(project / "site" / "public", "SECRET")
    return project


@pytest.fixture
def copy(good: Path, tmp_path: Path) -> Path:
    """A private copy of the good project, its live link included."""
    target = tmp_path / "project"
    shutil.copytree(good, target, symlinks=True)
    return target


def refused(project: Path, *expected: str) -> str:
    """Build, and insist it failed cleanly naming ``expected``, with the previous site intact and no leftovers."""
    before = snapshot(project / "site" / "public")
    result = build(project, process=False)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    for text in expected:
        assert text in result.stderr, result.stderr
    assert snapshot(project / "site" / "public") == before
    assert not [p for p in (project / "site").iterdir() if p.name.startswith(".staging-")]
    return result.stderr


def test_the_live_site_is_a_relative_link_to_a_complete_release(copy: Path) -> None:
    link = copy / "site" / "public"
    assert link.is_symlink() and not os.readlink(link).startswith("/")
    assert (link / "index.html").is_file() and [p.name for p in (copy / "site" / ".releases").iterdir()] == [
        Path(os.readlink(link)).name
    ]


def test_the_live_site_is_served_by_a_plain_http_server(copy: Path) -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", "0", "--bind", "127.0.0.1", "-d", "site/public"],
        cwd=copy,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        line = server.stdout.readline()  # "Serving HTTP on 127.0.0.1 port N (http://127.0.0.1:N/) ..."
        port = int(line.split(" port ")[1].split()[0])
        pages = {"/": "index.html", "/en/": "en/index.html", "/zh-Hant/incidents/": "zh-Hant/incidents/index.html"}
        for path, file in pages.items():
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
                assert response.read() == (copy / "site" / "public" / file).read_bytes()
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_moved_project_keeps_its_live_site(copy: Path, tmp_path: Path) -> None:
    moved = tmp_path / "moved"
    shutil.copytree(copy, moved, symlinks=True)
    shutil.rmtree(copy)
    assert 'href="en/"' in (moved / "site" / "public" / "index.html").read_text(encoding="utf-8")


def test_a_page_quoting_the_internal_qa_fails_and_the_previous_site_stays(copy: Path) -> None:
    (copy / "content" / "en" / "notes.md").write_text(f"# Notes\n\n{ANSWER}\n", encoding="utf-8")
    stderr = refused(copy, "site/public/en/notes/index.html", "nothing was published")
    assert "site/public/en/search/search_index.json" in stderr
    assert files_containing(copy / "site", "second review") == []


def test_a_file_type_the_public_site_may_not_carry_is_refused(copy: Path) -> None:
    with (copy / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("extra:\n  crisiskit:\n    public_assets: [tool.exe]\n")
    (copy / "content" / "en" / "tool.exe").write_bytes(b"MZ\x90\x00")
    refused(copy, "site/public/en/tool.exe: expected a file of a type the public site may carry")


def test_a_declared_svg_that_runs_script_is_refused(copy: Path) -> None:
    with (copy / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("extra:\n  crisiskit:\n    public_assets: [badge.svg]\n")
    (copy / "content" / "en" / "badge.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>', encoding="utf-8"
    )
    refused(copy, "site/public/en/badge.svg: expected an image; got an SVG with script or an event handler")


def test_a_dead_link_into_the_site_is_refused(copy: Path) -> None:
    (copy / "content" / "en" / "links.md").write_text(
        '# Links\n\n<a href="../incidents/nowhere/">gone</a> <a href="https://example.org/">elsewhere</a>\n',
        encoding="utf-8",
    )
    stderr = refused(
        copy, "site/public/en/links/index.html: expected every link into the site to resolve; got ../incidents/nowhere/"
    )
    assert "example.org" not in stderr


def test_a_failing_internal_build_switches_no_audience(copy: Path) -> None:
    (copy / "content" / "en" / "spokes.md").write_text(
        "---\naudience: internal\n---\n\n# Spokes\n\n[gone](missing.md)\n", encoding="utf-8"
    )
    before = snapshot(copy / "site" / "public")
    # the public site builds and verifies; the internal one does not
    result = build(copy, AFTER_EMBARGO, "all", process=False)
    assert result.returncode == 1 and "mkdocs build of the internal en site failed" in result.stderr, result.stderr
    assert snapshot(copy / "site" / "public") == before
    assert not (copy / "site" / "internal").exists()


def test_a_site_folder_from_an_older_crisiskit_is_replaced_whole(copy: Path) -> None:
    public = copy / "site" / "public"
    release = public.resolve()
    public.unlink()
    shutil.copytree(release, public)  # the layout an older crisiskit left: a plain folder
    (public / "en" / "stale.html").write_text("<p>old</p>\n", encoding="utf-8")
    built(copy, AFTER_EMBARGO, process=False)
    assert public.is_symlink() and not (public / "en" / "stale.html").exists()
    assert (public / "en/incidents/acme-outage/revisions/2/index.html").is_file()
    assert [p.name for p in (copy / "site").iterdir() if p.name.startswith((".staging-", ".public"))] == []
    assert len(list((copy / "site" / ".releases").iterdir())) == 1


def test_the_replaced_release_is_the_next_runs_spare_and_the_trash_is_removed(copy: Path, tmp_path: Path) -> None:
    """The public release a success replaced is kept as a spare, and the next run builds its release in it
    (switch.py, archive.Assembly) and keeps the one it replaced; what the trash holds is removed (in the
    background, while the run builds), a link in it unlinked, never followed."""
    site = copy / "site"
    first = (site / "public").resolve().name
    built(copy, AFTER_EMBARGO, process=False)
    second = (site / "public").resolve().name
    spare = site / f".spare-{first}"
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".spare-")) == [spare.name]
    assert not (site / ".trash").exists() or not any((site / ".trash").iterdir())
    reused = spare.stat().st_ino
    outside = tmp_path / "outside"
    (outside / "keep").mkdir(parents=True)
    (outside / "keep" / "page.html").write_text("<p>not crisiskit's</p>\n", encoding="utf-8")
    (site / ".trash").mkdir(exist_ok=True)
    (site / ".trash" / "planted").symlink_to(outside)  # a link in the trash is unlinked, never followed
    (copy / "build" / ".trash").mkdir(exist_ok=True)
    (copy / "build" / ".trash" / "planted").symlink_to(outside / "keep")
    built(copy, BEFORE_EMBARGO, process=False)
    assert (site / "public").resolve().stat().st_ino == reused  # the new release was staged in the spare
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".spare-")) == [f".spare-{second}"]
    assert list((site / ".trash").iterdir()) == []
    assert sorted(p.name for p in (site / ".releases").iterdir()) == [(site / "public").resolve().name]
    assert not (copy / "build" / ".trash" / "planted").is_symlink()
    assert (outside / "keep" / "page.html").read_text(encoding="utf-8") == "<p>not crisiskit's</p>\n"


MOUNT = shutil.which("mount") or "/bin/mount"


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A 32 MB tmpfs (root only, as on CI and this machine), unmounted afterwards.

    Room for the project, its live site and what build/ keeps for the next run (each part of the public
    site, publish/archive.py): the test fills the rest.
    """
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    subprocess.run([MOUNT, "-t", "tmpfs", "-o", "size=32m", "tmpfs", str(mount_point)], check=True)
    yield mount_point
    subprocess.run(["umount", str(mount_point)], check=False)
    if os.path.ismount(mount_point):
        subprocess.run(["umount", "-l", str(mount_point)], check=True)


def test_a_full_disk_fails_in_one_line_and_the_previous_site_stays(tiny_disk: Path) -> None:
    project = make_project(tiny_disk / "project")
    built(project, process=False)
    before = snapshot(project / "site" / "public")
    messages = []
    big = project / "content" / "en" / "big.md"
    for room, page in ((1_000_000, 0), (40_000, 400_000)):  # the engine's writes, then crisiskit's own, fail
        if page:
            big.write_text("# Big\n\n" + "word " * (page // 5), encoding="utf-8")
        stat = os.statvfs(tiny_disk)
        (tiny_disk / "filler").write_bytes(b"\0" * max(0, stat.f_bavail * stat.f_frsize - room))
        result = build(project, AFTER_EMBARGO, process=False)
        assert result.returncode == 1, result.stdout + result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "no space left on device" in lines[0], lines
        assert lines[0].split(":")[0].startswith(("site/", "build/")), lines[0]
        assert snapshot(project / "site" / "public") == before
        (tiny_disk / "filler").unlink()
        big.unlink(missing_ok=True)
        messages.append(lines[0])
    assert any("while MkDocs built" in m for m in messages) and not all("while MkDocs built" in m for m in messages)
    built(project, AFTER_EMBARGO, process=False)
    assert (project / "site/public/en/incidents/acme-outage/revisions/2/index.html").is_file()
    assert not [p for p in (project / "site").iterdir() if p.name.startswith(".staging-")]
    assert len(list((project / "site" / ".releases").iterdir())) == 1
