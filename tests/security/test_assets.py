"""Only declared files from overrides/ reach the public site: theme templates and typed assets.

MkDocs (Material) copies every non-template file of theme.custom_dir into each site, so a note
dropped into overrides/ used to be published in every language. Now a build hands MkDocs a copy
of only the declared files, and refuses anything else by name before building.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from redteam import build, built, make_project

ALLOWED = {
    "assets/extra.js": b"document.documentElement.dataset.extra = 'yes';\n",
    "assets/fonts/brand.woff2": b"wOF2\x00\x01\x00\x00",
    "assets/images/logo.svg": b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect/></svg>',
    "assets/images/badge.png": b"\x89PNG\r\n\x1a\n",
}
IGNORED = {".DS_Store": b"\x00\x00\x00\x01Bud1", ".icons/brand/mark.svg": b'<svg xmlns="http://www.w3.org/2000/svg"/>'}


def snapshot(tree: Path) -> dict[str, str]:
    return {
        p.relative_to(tree).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(tree.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("assets") / "project")
    for name, data in {**ALLOWED, **IGNORED}.items():
        (project / "overrides" / name).parent.mkdir(parents=True, exist_ok=True)
        (project / "overrides" / name).write_bytes(data)
    built(project, process=False)
    return project


@pytest.mark.parametrize("language", ["en", "zh-Hant"])
def test_declared_assets_are_published(good: Path, language: str) -> None:
    for name, data in ALLOWED.items():
        assert (good / "site" / "public" / language / name).read_bytes() == data
    assert (good / "site" / "public" / language / "assets" / "crisiskit.css").is_file()


def test_templates_and_dot_files_are_not_copied(good: Path) -> None:
    names = {p.name for p in (good / "site" / "public").rglob("*")}
    assert not names & {".DS_Store", "mark.svg", "main.html", ".icons"}


@pytest.fixture
def copy(good: Path, tmp_path: Path) -> Path:
    target = tmp_path / "project"
    shutil.copytree(good, target, symlinks=True)
    return target


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        (
            "notes.txt",
            b"internal notes\n",
            "overrides/notes.txt: expected a theme template (*.html) or a file under "
            "overrides/assets/ of type css, gif, ico, jpeg, jpg, js, otf, png, svg, ttf, "
            "webp, woff, woff2; got a .txt file",
        ),
        ("assets/page.html", b"<p>hello</p>", "overrides/assets/page.html: expected a theme template"),
        ("assets/data.json", b"{}", "overrides/assets/data.json: expected a theme template"),
        ("partials/README", b"notes", "overrides/partials/README: expected a theme template"),
        (
            "assets/images/evil.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "overrides/assets/images/evil.svg: expected an image; got an SVG with script or an event handler (onload=)",
        ),
        (
            ".icons/brand/evil.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "overrides/.icons/brand/evil.svg: expected an image; got an SVG with script or an event handler (<script)",
        ),
    ],
)
def test_an_undeclared_file_under_overrides_is_refused(copy: Path, name: str, data: bytes, expected: str) -> None:
    (copy / "overrides" / name).parent.mkdir(parents=True, exist_ok=True)
    (copy / "overrides" / name).write_bytes(data)
    before = snapshot(copy / "site" / "public")
    result = build(copy, process=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert expected in result.stderr, result.stderr
    assert snapshot(copy / "site" / "public") == before
    assert not list((copy / "site").rglob(Path(name).name))


def test_a_link_under_overrides_is_refused(copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.css"
    outside.write_text("body { background: url(https://tracker.example/p.gif); }\n", encoding="utf-8")
    os.symlink(outside, copy / "overrides" / "assets" / "linked.css")
    before = snapshot(copy / "site" / "public")
    result = build(copy, process=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"overrides/assets/linked.css: expected a file or folder; got a symbolic link to {outside}" in result.stderr
    assert snapshot(copy / "site" / "public") == before
