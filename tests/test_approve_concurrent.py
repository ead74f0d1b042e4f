"""`crisiskit approve` never loses an approval, never corrupts a kit, never quietly replaces a published one."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import redteam as security
from click.testing import CliRunner
from hostile_support import run_together

from crisiskit.cli.main import main
from crisiskit.errors import KitError, Problem, UserError
from crisiskit.pipeline import compose, read_incidents, read_site_options
from crisiskit.review.approve import approve

KIT = "kits/acme-outage.yml"
ROLES = ["communications", "legal", "privacy", "security", "finance", "operations", "executive"]
AFTER = datetime.fromisoformat(security.AFTER_EMBARGO)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return security.make_project(tmp_path / "project", approve=False)


def _composed(project: Path):
    incidents = [i for i in read_incidents([project / "kits"]) if i.id == "acme-outage"]
    return compose(incidents, read_site_options(project), project)[0]


def _approvals(project: Path) -> set[tuple[int, str, str]]:
    """(revision, role, name) of every approval that covers its revision's current text."""
    composed = _composed(project)
    return {
        (r.number, a.role, a.name)
        for r in composed.incident.revisions
        for a in r.approvals
        if a.text_hash == composed.hashes[r.number]
    }


def test_twenty_concurrent_approvals_are_all_recorded_and_the_kit_keeps_its_mode(project: Path) -> None:
    (project / "crisiskit.yml").write_text(
        f"approvals:\n  by_severity:\n    minor: [{', '.join(ROLES)}]\n", encoding="utf-8"
    )
    kit = project / KIT
    kit.chmod(0o640)
    pairs = [(revision, role) for revision in (1, 2, 3) for role in ROLES][:20]
    # twenty real processes, each `python -m crisiskit approve` (forked after its imports, all let go at once)
    outcomes = run_together(
        project,
        [
            ["approve", KIT, "--revision", str(revision), "--role", role, "--by", f"Approver {revision} {role}"]
            for revision, role in pairs
        ],
    )
    assert [o.returncode for o in outcomes] == [0] * 20, [o.stderr for o in outcomes if o.returncode]
    assert _approvals(project) == {(revision, role, f"Approver {revision} {role}") for revision, role in pairs}
    composed = _composed(project)
    assert (composed.approved[1], composed.approved[2], composed.approved[3]) == (True, True, False)
    assert kit.stat().st_mode & 0o777 == 0o640
    assert not [p for p in (project / "kits").iterdir() if p.name.startswith(".")], "a temp file was left"


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--role", "Legal", "expected one of the roles communications, legal (roles are lower-case); got 'Legal'"),
        ("--role", "legal team", "expected one of the roles communications, legal; got 'legal team'"),
        ("--role", "ceo", "expected one of the roles communications, legal; got 'ceo'"),
        ("--by", "", "expected the approver's name; got an empty one"),
        ("--by", "   ", "expected the approver's name; got an empty one"),
        ("--by", "Dana\nWu", "expected a name on one line without control characters; got U+000A"),
        ("--by", "Dana \u202eWu", "expected a name on one line without control characters; got U+202E"),
    ],
)
def test_a_wrong_role_or_name_is_refused_before_anything_is_written(
    project: Path, monkeypatch, option, value, expected
) -> None:
    monkeypatch.chdir(project)
    before = (project / KIT).read_bytes()
    arguments = {"--role": "communications", "--by": "Dana Wu", option: value}
    result = CliRunner().invoke(
        main, ["approve", KIT, "--revision", "1", *[x for pair in arguments.items() for x in pair]]
    )
    assert result.exit_code == 2, result.output
    assert expected in " ".join(result.stderr.split()), result.stderr
    assert (project / KIT).read_bytes() == before


def _approve(project: Path, name: str, role: str = "communications", **options):
    return approve(project, project / KIT, 1, role, name, compose_kit=lambda: _composed(project), at=AFTER, **options)


def test_a_published_approval_is_replaced_only_when_told_to(project: Path) -> None:
    _approve(project, "Lee Chen")
    kit = project / KIT
    published = kit.read_bytes()
    assert _approve(project, "Lee Chen").unchanged and kit.read_bytes() == published, "the same approval again"
    with pytest.raises(UserError) as refused:
        _approve(project, "Sam Park")
    assert "revision 1 is published and its communications approval by Lee Chen" in str(refused.value)
    assert "--replace-published" in str(refused.value) and kit.read_bytes() == published
    _approve(project, "Sam Park", replace_published=True)
    assert {(r, n) for r, _, n in _approvals(project)} == {(1, "Sam Park")}


def test_another_role_may_still_approve_a_published_revision(project: Path) -> None:
    _approve(project, "Lee Chen")
    _approve(project, "Ada Law", role="legal")
    assert _approvals(project) == {(1, "communications", "Lee Chen"), (1, "legal", "Ada Law")}


def test_a_kit_that_does_not_load_after_the_write_is_put_back_byte_for_byte(project: Path) -> None:
    kit = project / KIT
    original = kit.read_bytes()
    calls = []

    def compose_then_fail():
        calls.append(1)
        if len(calls) == 3:  # the check after writing (before it: once before the lock, once under it)
            raise KitError([Problem(KIT, 3, 1, "id", "expected the kit to load")])
        return _composed(project)

    with pytest.raises(UserError) as caught:
        approve(project, kit, 1, "communications", "Lee Chen", compose_kit=compose_then_fail, at=AFTER)
    assert "did not load again, so the original was put back" in str(caught.value)
    assert kit.read_bytes() == original and len(calls) == 3
    assert not [p for p in (project / "kits").iterdir() if p.name.startswith(".")]
