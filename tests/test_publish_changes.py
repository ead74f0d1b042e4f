"""The published sites after the fixture site was changed: a planted leak, a stray file, an unapproved draft.

The stray file and the draft do not touch each other's pages, so both go into one
site built once for the module; the planted leak must fail its build, so it has its own.
The draft is complete (it trips no rule, so the build does not hold it back): what keeps
it off the public site is only that nobody approved it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sites import BEFORE_EMBARGO, build, composed_samples, copy_project, html_text, invoke, squash

DRAFT = """  - revision: 3
    status: resolved
    issued_at: 2026-11-21T09:00:00+08:00
    statement:
      headline: {en: Draft headline that legal has not seen, zh-Hant: 法務尚未審閱的草稿標題}
      acknowledgement:
        en: This unapproved sentence about refunds must never reach the public site.
        zh-Hant: 這段尚未核准的退款說明絕不能出現在公開網站上。
      what_happened:
        en: The new warehouse system packs orders at its planned speed again.
        zh-Hant: 新倉儲系統的包裝速度已恢復原定水準。
      apology:
        en: We are sorry to everyone whose order came late.
        zh-Hant: 我們向每一位訂單延遲送達的顧客致歉。
      remedy:
        en: The delivery fee on every delayed order has been refunded.
        zh-Hant: 所有延遲訂單的運費都已退還。
      commitment:
        en: We will test every future system change at full order volume first.
        zh-Hant: 未來每一次系統更換，我們都會先以完整訂單量測試。
"""


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site with a non-Markdown file in content/en and an unapproved draft revision, built (all)."""
    project = copy_project(tmp_path_factory.mktemp("changed") / "project")
    (project / "content/en/draft-notes.txt").write_text("internal notes\n", encoding="utf-8")
    kit = project / "kits/delivery-delay.yml"
    kit.write_text(kit.read_text(encoding="utf-8") + DRAFT, encoding="utf-8")
    return build(project, BEFORE_EMBARGO, "all", process=False)


def test_a_planted_leak_fails_the_build_and_names_the_file(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    item = next(c for c in composed_samples() if c.incident.internal_qa)
    from crisiskit.compose.fill import text_context

    context = text_context(item.incident, item.incident.current, "en", "")
    answer = context.render(item.incident.internal_qa[0].answer, "en")
    (project / "content/en/leaked.md").write_text(f"# Notes\n\n{answer}\n", encoding="utf-8")
    result = invoke(project, "build", "--at", BEFORE_EMBARGO, "--audience", "public")
    assert result.returncode == 1
    assert "site/public/en/leaked/index.html" in result.stderr
    assert "Traceback" not in result.stderr


def test_non_markdown_files_stay_out_of_the_public_site(changed: Path) -> None:
    assert not (changed / "site/public/en/draft-notes.txt").exists()
    assert (changed / "site/internal/en/draft-notes.txt").exists()


def test_an_unapproved_draft_stays_internal(changed: Path) -> None:
    for path in (changed / "site/public").rglob("*"):
        if path.is_file():
            text = squash(html_text(path) if path.suffix == ".html" else path.read_text("utf-8", errors="ignore"))
            assert squash("This unapproved sentence about refunds") not in text, path
            assert squash("尚未核准的退款說明") not in text, path
    draft = changed / "site/internal/en/incidents/delivery-delay/revisions/3.html"
    page = draft.read_text(encoding="utf-8")
    assert "ck-banner-draft" in page and "This unapproved sentence about refunds" in page
    assert 'content="noindex, nofollow"' in page
