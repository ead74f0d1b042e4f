"""`crisiskit approve --pending`: one role approves every revision still waiting for it, in one run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import TESTDATA
from crisiskit.pipeline import compose, read_incidents, read_site_options
from sites import invoke

FIXTURE = TESTDATA / "test_approve_pending"  # outage.yml: 3 revisions, communications + legal; billing.yml: one role


@pytest.fixture
def project(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(FIXTURE, site)
    (site / "content").mkdir()
    return site


def _approvals(project: Path, kit: str = "outage") -> dict[int, dict[str, str]]:
    """Revision -> role -> approver, for approvals of the revision's current text."""
    item = next(
        c
        for c in compose(read_incidents([project / "kits"]), read_site_options(project), project)
        if c.incident.id == kit
    )
    return {
        r.number: {a.role: a.name for a in r.approvals if a.text_hash == item.hashes[r.number]}
        for r in item.incident.revisions
    }


def _pending(project: Path, *args: str, role: str = "legal", by: str = "Dana Wu"):
    return invoke(project, "approve", *args, "--pending", "--role", role, "--by", by)


def test_every_pending_revision_is_approved_in_one_run_and_printed(project: Path) -> None:
    result = _pending(project, "kits/outage.yml")
    assert result.returncode == 0, result.stderr
    for number in (1, 2, 3):
        approved = f'kits/outage.yml: revision {number} approved by Dana Wu (legal): "Statement on the website outage"'
        assert f"{approved}, sha256:" in result.stdout
    assert "3 revision(s) approved, 0 left waiting for legal" in result.stdout
    assert {n: roles.get("legal") for n, roles in _approvals(project).items()} == {
        1: "Dana Wu",
        2: "Dana Wu",
        3: "Dana Wu",
    }


def test_comments_and_layout_of_the_kit_are_kept(project: Path) -> None:
    kit = project / "kits/outage.yml"
    before = kit.read_text(encoding="utf-8")
    assert _pending(project, "kits/outage.yml").returncode == 0
    after = kit.read_text(encoding="utf-8")
    added = [line for line in after.splitlines() if line not in before.splitlines()]
    assert all(line.startswith(("    approvals:", "      - role:", "        ")) for line in added), added
    assert [line for line in after.splitlines() if line in before.splitlines()] == before.splitlines()
    # The comment that opens revision 2 still stands right above it, not above revision 1's approvals.
    lines = after.splitlines()
    assert lines[lines.index("  # Revision 2: the share grew.") + 1] == "  - revision: 2"


def test_nothing_pending_says_so_and_succeeds(project: Path) -> None:
    assert _pending(project, "kits/outage.yml").returncode == 0
    kit = project / "kits/outage.yml"
    before = kit.read_bytes()
    again = _pending(project, "kits/outage.yml")
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "nothing is waiting for legal's approval in kits/outage.yml"
    assert kit.read_bytes() == before


def test_a_revision_approved_by_this_role_or_needing_only_another_is_left_alone(project: Path) -> None:
    first = invoke(project, "approve", "kits/outage.yml", "--revision", "2", "--role", "legal", "--by", "Kim Lo")
    assert first.returncode == 0, first.stderr
    billing = (project / "kits/billing.yml").read_bytes()
    result = _pending(project)  # every kit: billing.yml needs communications only
    assert result.returncode == 0, result.stderr
    assert "revision 2" not in result.stdout and "billing" not in result.stdout
    assert (project / "kits/billing.yml").read_bytes() == billing
    approvals = _approvals(project)
    assert approvals[2] == {"legal": "Kim Lo"}
    assert approvals[1] == {"legal": "Dana Wu"} and approvals[3] == {"legal": "Dana Wu"}


def test_several_kits_by_name_or_all_when_none_is_named(project: Path) -> None:
    result = _pending(project, role="communications", by="Lee Chen")
    assert result.returncode == 0, result.stderr
    assert "kits/billing.yml: revision 1 approved by Lee Chen (communications)" in result.stdout
    assert "4 revision(s) approved" in result.stdout
    assert _approvals(project, "billing")[1] == {"communications": "Lee Chen"}


def test_a_revision_with_an_error_in_its_text_is_skipped_with_the_reason(project: Path) -> None:
    kit = project / "kits/outage.yml"
    kit.write_text(
        kit.read_text(encoding="utf-8").replace(
            "works again for every visitor. We are sorry for the disruption to your work.",
            "works again for every visitor. We apologise for any inconvenience.",
        ),
        encoding="utf-8",
    )
    result = _pending(project, "kits/outage.yml")
    assert result.returncode == 1
    assert "revision 1 approved" in result.stdout and "revision 2 approved" in result.stdout
    assert (
        "kits/outage.yml: revision 3 left without legal's approval: check finds an error in its text" in result.stderr
    )
    assert "CK402" in result.stderr and "--revision 3" in result.stderr
    assert "Traceback" not in result.stderr
    assert "legal" not in _approvals(project)[3]


def test_a_published_revision_is_not_reapproved_without_replace_published(project: Path) -> None:
    for role in ("legal", "communications"):
        assert _pending(project, "kits/outage.yml", role=role, by="Dana Wu").returncode == 0
    kit = project / "kits/outage.yml"
    kit.write_text(
        kit.read_text(encoding="utf-8").replace("checking every server", "checking each server"), encoding="utf-8"
    )
    before = kit.read_bytes()
    refused = _pending(project, "kits/outage.yml", by="Kim Lo")
    assert refused.returncode == 1
    assert "revision 2 left without legal's approval: revision 2 is published" in refused.stderr
    assert "--replace-published" in refused.stderr
    assert kit.read_bytes() == before
    replaced = invoke(
        project, "approve", "kits/outage.yml", "--pending", "--role", "legal", "--by", "Kim Lo", "--replace-published"
    )
    assert replaced.returncode == 0, replaced.stderr
    assert "revision 2 approved by Kim Lo (legal)" in replaced.stdout
    assert "revision 3 approved by Kim Lo (legal)" in replaced.stdout


def test_wrong_usage_is_refused_without_touching_a_kit(project: Path) -> None:
    both = invoke(project, "approve", "kits/outage.yml", "--revision", "1", "--pending", "--role", "legal", "--by", "D")
    neither = invoke(project, "approve", "kits/outage.yml", "--role", "legal", "--by", "D")
    two = invoke(
        project, "approve", "kits/outage.yml", "kits/billing.yml", "--revision", "1", "--role", "legal", "--by", "D"
    )
    unknown = _pending(project, role="Legal")
    for result in (both, neither, two):
        assert result.returncode == 2 and "--revision" in result.stderr
    assert unknown.returncode == 2 and "roles are lower-case" in unknown.stderr
    assert all(not roles for roles in _approvals(project).values())


@pytest.mark.parametrize("form", [("--pending",), ("--revision", "1")])
def test_a_named_kit_is_read_alone_but_never_beside_a_kit_with_its_id(project: Path, form: tuple[str, ...]) -> None:
    """Approving a named kit reads only it (an archive of a thousand incidents is not read to approve one), so a
    second kit file with the same id (its file name), which reading every kit would report, is refused first."""
    shutil.copyfile(project / "kits" / "outage.yml", project / "kits" / "outage.yaml")
    result = invoke(project, "approve", "kits/outage.yml", *form, "--role", "legal", "--by", "Dana Wu")
    assert result.returncode == 1
    assert result.stderr.strip() == "kits/outage.yml: expected the only kit with id outage; got kits/outage.yaml too"
    assert "legal" not in {role for roles in _approvals_of(project / "kits" / "outage.yml").values() for role in roles}


def test_a_named_kit_is_approved_while_another_kit_is_broken(project: Path) -> None:
    (project / "kits" / "broken.yml").write_text("id: broken\ntitle: [\n", encoding="utf-8")
    result = _pending(project, "kits/outage.yml")
    assert result.returncode == 0, result.stderr
    assert "3 revision(s) approved" in result.stdout
    assert _pending(project).returncode == 1  # every kit: the broken one is reported


def _approvals_of(kit: Path) -> dict[int, set[str]]:
    item = compose(read_incidents([kit]), read_site_options(kit.parent.parent), kit.parent.parent)[0]
    return {
        r.number: {a.role for a in r.approvals if a.text_hash == item.hashes[r.number]} for r in item.incident.revisions
    }
