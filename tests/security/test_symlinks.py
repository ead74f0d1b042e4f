"""A build never writes or deletes through a link out of the project.

Each case points a folder the build would clear or write (site/, build/, content/, a live tree,
a hand-written page) at a folder elsewhere holding a file of its own. The build must stop with
exit 1 and a message naming the path, before anything is removed, and the outside file must
still be there, unchanged.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from redteam import build, make_project, run


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("links") / "project")


@pytest.fixture
def project(pristine: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(pristine, tmp_path / "project", symlinks=True))


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder elsewhere, shaped like what a build clears, with files someone cares about."""
    folder = tmp_path / "elsewhere"
    for name in ("precious.txt", "public/en/keep.txt", "public/en/docs/keep.md", "en/index.md"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(f"{name}: not crisiskit's\n", encoding="utf-8")
    return folder


def listing(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def refused(project: Path, outside: Path, message: str) -> None:
    before = listing(outside)
    result = build(project, audience="all", process=False)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert message in result.stderr.splitlines(), result.stderr
    assert listing(outside) == before


@pytest.mark.parametrize("name", ["site", "build", "content"])
def test_a_project_folder_linked_elsewhere_is_refused(project: Path, outside: Path, name: str) -> None:
    if (project / name).exists():
        shutil.rmtree(project / name)
    os.symlink(outside, project / name)
    refused(project, outside, f"{name}: expected a folder inside the project; got a symbolic link to {outside}")


def test_a_linked_language_tree_in_the_live_site_is_refused(project: Path, outside: Path) -> None:
    (project / "site" / "public").mkdir(parents=True)  # the layout an older crisiskit left
    os.symlink(outside / "public" / "en", project / "site" / "public" / "en")
    refused(project, outside, f"site/public/en: expected a file or folder; got a symbolic link to {outside}/public/en")


def test_a_live_site_linked_elsewhere_is_refused(project: Path, outside: Path) -> None:
    (project / "site").mkdir()
    os.symlink(outside / "public", project / "site" / "public")
    refused(
        project,
        outside,
        f"site/public: expected crisiskit's link into site/.releases/; got a symbolic link to {outside}/public",
    )


def test_a_linked_build_subfolder_is_refused(project: Path, outside: Path) -> None:
    (project / "build").mkdir()
    os.symlink(outside / "public", project / "build" / "public")
    refused(
        project, outside, "build/public: expected a folder crisiskit made; got a symbolic link; nothing was removed"
    )


def test_a_linked_hand_written_page_is_refused(project: Path, outside: Path) -> None:
    os.symlink(outside / "precious.txt", project / "content" / "en" / "notes.md")
    refused(
        project,
        outside,
        f"content/en/notes.md: expected a file or folder; got a symbolic link to {outside}/precious.txt",
    )
    assert not (project / "site" / "public").exists()


def test_generate_refuses_a_linked_content_folder(project: Path, outside: Path) -> None:
    shutil.rmtree(project / "content")
    os.symlink(outside, project / "content")
    before = listing(outside)
    result = run(project, "generate")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"content: expected a folder inside the project; got a symbolic link to {outside}" in result.stderr
    assert listing(outside) == before
