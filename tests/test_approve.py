"""Approvals bound to text, immutable published revisions, corrections, and the review digest, on a real git repo."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from conftest import TESTDATA
from crisiskit.pipeline import compose, read_incidents, read_site_options
from crisiskit.render.pages import render_pages
from sites import committed_copy, git, invoke, run_crisiskit

MINIMAL = TESTDATA / "test_render" / "minimal"
AFTER = datetime.fromisoformat("2026-11-21T00:00:00+08:00")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return committed_copy(MINIMAL, tmp_path / "site", "expected")


def _composed(project: Path):
    return compose(read_incidents([project / "kits"]), read_site_options(project))[0]


def _public_paths(project: Path, at: datetime = AFTER) -> set[str]:
    pages = render_pages(compose(read_incidents([project / "kits"]), read_site_options(project)), "public", at)
    return {p.path.as_posix() for p in pages}


def _approve(project: Path, revision: int = 1, run=invoke) -> None:
    """`crisiskit approve`, in process unless ``run`` is run_crisiskit (the real command)."""
    result = run(
        project,
        "approve",
        "kits/minimal.yml",
        "--revision",
        str(revision),
        "--role",
        "communications",
        "--by",
        "Dana Wu",
    )
    assert result.returncode == 0, result.stderr


def test_approve_records_the_hash_and_keeps_comments_and_layout(repo: Path) -> None:
    kit = repo / "kits/minimal.yml"
    before = kit.read_text(encoding="utf-8").splitlines()
    _approve(repo, run=run_crisiskit)
    after = kit.read_text(encoding="utf-8").splitlines()
    assert after[: len(before)] == before, "approve changed lines it should have left alone"
    added = "\n".join(after[len(before) :])
    composed = _composed(repo)
    assert composed.hashes[1] in added and "role: communications" in added and "name: Dana Wu" in added
    assert composed.approved[1]
    assert "en/incidents/minimal/index.md" in _public_paths(repo)


def test_editing_approved_text_makes_the_approval_stale(repo: Path) -> None:
    _approve(repo)
    kit = repo / "kits/minimal.yml"
    kit.write_text(
        kit.read_text(encoding="utf-8").replace(
            "about {{ facts.affected_share }}%", "roughly {{ facts.affected_share }}%"
        ),
        encoding="utf-8",
    )
    composed = _composed(repo)
    assert not composed.approved[1]
    # Not yet due: it is simply a draft again and stays off the public site.
    early = datetime.fromisoformat("2026-11-20T09:30:00+08:00")
    assert "en/incidents/minimal/index.md" not in _public_paths(repo, early)


def test_changing_a_published_revision_is_an_error_naming_it(repo: Path) -> None:
    _approve(repo)
    kit = repo / "kits/minimal.yml"
    kit.write_text(
        kit.read_text(encoding="utf-8").replace(
            "about {{ facts.affected_share }}%", "roughly {{ facts.affected_share }}%"
        ),
        encoding="utf-8",
    )
    (repo / "overrides").mkdir()
    result = invoke(repo, "build", "--at", AFTER.isoformat(), "--audience", "public")
    assert result.returncode == 1
    assert "kits/minimal.yml:" in result.stderr
    assert "published revision 1" in result.stderr and "correction" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_correction_is_published_with_its_difference(repo: Path) -> None:
    _approve(repo)
    kit = repo / "kits/minimal.yml"
    kit.write_text(kit.read_text(encoding="utf-8") + CORRECTION, encoding="utf-8")
    _approve(repo, 2)
    pages = render_pages([_composed(repo)], "public", AFTER)
    statement = next(p for p in pages if p.path.as_posix() == "en/incidents/minimal/index.md").text
    assert "Correction" in statement and "about 25% of visitors" in statement
    assert '<del class="ck-del">' in statement and '<ins class="ck-ins">' in statement
    assert "en/incidents/minimal/revisions/2.md" in {p.path.as_posix() for p in pages}


def test_review_digest_on_a_two_commit_history(repo: Path, golden) -> None:
    _approve(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "approve revision 1")
    kit = repo / "kits/minimal.yml"
    kit.write_text(kit.read_text(encoding="utf-8") + CORRECTION, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "correct the share of visitors")
    result = invoke(repo, "review", "--base", "HEAD~1", "--at", AFTER.isoformat())
    assert result.returncode == 0, result.stderr
    golden.check(TESTDATA / "test_approve" / "review.md", result.stdout)
    assert "crisiskit approve kits/minimal.yml --revision 2 --role communications" in result.stdout


CORRECTION = """  - revision: 2
    status: investigating
    issued_at: 2026-11-20T10:30:00+08:00
    next_update_at: 2026-11-20T14:00:00+08:00
    corrects: 1
    correction:
      en: Revision 1 gave the wrong share of visitors affected.
      zh-Hant: 第 1 版所列受影響訪客比例有誤。
    facts:
      affected_share: 25
    statement:
      headline: {en: Statement on the website outage, zh-Hant: 關於網站無法使用的說明}
      acknowledgement:
        en: Since {{ facts.outage_start }}, about {{ facts.affected_share }}% of visitors cannot open our website. We are sorry for the disruption to your work.
        zh-Hant: 自 {{ facts.outage_start }} 起，約 {{ facts.affected_share }}% 的訪客無法開啟我們的網站。影響了您的工作，我們深感抱歉。
      next_update:
        en: We will post the next update by {{ next_update }}.
        zh-Hant: 我們將於 {{ next_update }} 前發布下一次更新。
"""  # noqa: E501 (a kit's long lines, kept as a user writes them)


def test_roles_follow_severity_and_channel(repo: Path) -> None:
    from crisiskit.compose.approval_state import required_roles
    from crisiskit.model.config import Config

    incident = _composed(repo).incident
    assert required_roles(incident, Config()) == ("communications",)
    with_press = Config(approvals_by_channel={"press_release": ["legal"], "email": ["privacy"]})
    assert required_roles(incident, with_press) == ("communications", "privacy")


def test_project_config_adds_a_required_role(repo: Path) -> None:
    _approve(repo)
    assert _composed(repo).approved[1]
    (repo / "crisiskit.yml").write_text(
        "approvals:\n  by_severity:\n    minor: [communications, legal]\n", encoding="utf-8"
    )
    from crisiskit.pipeline import compose as compose_with

    composed = compose_with(read_incidents([repo / "kits"]), read_site_options(repo), repo)[0]
    assert not composed.approved[1]
    result = invoke(repo, "check", "kits", "--strict", "--at", AFTER.isoformat())
    assert result.returncode == 1
    assert "expected a legal approval of revision 1, which is due" in result.stderr


def test_malformed_project_config_is_reported_with_its_position(repo: Path) -> None:
    (repo / "crisiskit.yml").write_text("approvals:\n  by_role: {legal: [x]}\nrulez: {}\n", encoding="utf-8")
    result = invoke(repo, "check", "kits")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert (
        "crisiskit.yml:2:3 approvals.by_role: expected one of the keys by_severity, by_channel; "
        'got unknown key "by_role"'
    ) in result.stderr
    assert (
        'crisiskit.yml:3:1 rulez: expected a known key (did you mean "rules"?); got unknown key "rulez"'
    ) in result.stderr


def test_check_warns_about_a_due_revision_without_approval(repo: Path) -> None:
    result = invoke(repo, "check", "kits", "--at", AFTER.isoformat())
    assert result.returncode == 0
    assert "warning CK601: expected a communications approval of revision 1, which is due" in result.stderr
    assert "crisiskit approve kits/minimal.yml --revision 1 --role communications" in result.stderr
    assert invoke(repo, "check", "kits", "--strict", "--at", AFTER.isoformat()).returncode == 1
