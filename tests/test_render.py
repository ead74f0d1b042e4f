"""The render stage: every page of the review tree, compared with golden files."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from conftest import TESTDATA
from crisiskit.pipeline import compose, read_incidents, read_site_options
from crisiskit.render.pages import render_pages

CASES = TESTDATA / "test_render"


def _render(case: Path, audience: str = "review", at: datetime | None = None):
    """Render as `crisiskit generate` does, from the case folder, so kit paths read kits/... ."""
    import os

    here = Path.cwd()
    os.chdir(case)
    try:
        incidents = read_incidents([Path("kits")])
    finally:
        os.chdir(here)
    return render_pages(compose(incidents, read_site_options(case)), audience, at)  # type: ignore[arg-type]


@pytest.mark.parametrize("case", ["minimal"])
def test_review_tree_matches_golden(case: str, golden) -> None:
    pages = _render(CASES / case)
    expected_dir = CASES / case / "expected"
    rendered = {page.path.as_posix(): page.text for page in pages}
    if golden.update:
        for stale in expected_dir.rglob("*"):
            if stale.is_file() and stale.relative_to(expected_dir).as_posix() not in rendered:
                stale.unlink()
    for path, text in rendered.items():
        golden.check(expected_dir / path, text)
    on_disk = {p.relative_to(expected_dir).as_posix() for p in expected_dir.rglob("*") if p.is_file()}
    assert on_disk == set(rendered)


def test_every_language_gets_every_page_kind() -> None:
    paths = {page.path.as_posix() for page in _render(CASES / "minimal")}
    for lang in ("en", "zh-Hant"):
        for name in ("index.md", "faq.md", "posts.md", "qa.md", "revisions/1.md"):
            if name == "faq.md":
                continue  # the minimal kit has no FAQ; the sample kits' FAQ is covered by the content/ check
            assert f"{lang}/incidents/minimal/{name}" in paths
        assert f"{lang}/incidents/index.md" in paths
    assert "incidents/minimal/kit.json" in paths


def test_rendering_is_deterministic() -> None:
    first = [(p.path, p.text) for p in _render(CASES / "minimal")]
    second = [(p.path, p.text) for p in _render(CASES / "minimal")]
    assert first == second


def test_kit_json_carries_every_channel_text() -> None:
    page = next(p for p in _render(CASES / "minimal") if p.path.name == "kit.json")
    data = json.loads(page.text)
    posts = data["revisions"][0]["languages"]["zh-Hant"]["posts"]
    channels = [post["channel"] for post in posts]
    assert channels == ["x", "threads", "mastodon", "bluesky", "facebook", "email", "customer_service"]
    assert all("https://status.northwind.example/zh-Hant/incidents/minimal/" in post["text"] for post in posts)
    assert data["revisions"][0]["text_hash"].startswith("sha256:")


def test_public_audience_leaves_out_unapproved_revisions() -> None:
    at = datetime.fromisoformat("2030-01-01T00:00:00+00:00")
    pages = _render(CASES / "minimal", "public", at)
    assert {p.path.as_posix() for p in pages} == {"en/incidents/index.md", "zh-Hant/incidents/index.md"}
    assert all("minimal" not in p.text.split("---", 2)[2] for p in pages)


def test_public_audience_shows_an_approved_revision_once_due(tmp_path: Path) -> None:
    import shutil

    from crisiskit.review.approve import approve

    shutil.copytree(CASES / "minimal", tmp_path / "case", ignore=shutil.ignore_patterns("expected"))
    case = tmp_path / "case"
    approve(
        case,
        case / "kits" / "minimal.yml",
        1,
        "communications",
        "Dana Wu",
        compose_kit=lambda: compose(read_incidents([case / "kits"]), read_site_options(case))[0],
        at=datetime.fromisoformat("2026-11-20T09:50:00+08:00"),
    )
    before = _render(case, "public", datetime.fromisoformat("2026-11-20T09:59:00+08:00"))
    after = _render(case, "public", datetime.fromisoformat("2026-11-20T10:00:00+08:00"))
    assert not any("minimal/index.md" in p.path.as_posix() for p in before)
    paths = {p.path.as_posix() for p in after}
    assert {"en/incidents/minimal/index.md", "zh-Hant/incidents/minimal/revisions/1.md"} <= paths
    assert not any(p.path.name in ("posts.md", "qa.md", "kit.json") for p in after)
