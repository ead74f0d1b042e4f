"""`crisiskit generate`: the review tree under content/, as a user runs it (in process, and once for real).

That the repository's own committed content/ is current is a property of the
user's repository, not of the code: .ci/run checks it with `crisiskit generate --check`.
"""

from __future__ import annotations

from pathlib import Path

from sites import copy_project, invoke, run_crisiskit


def _generated(project: Path) -> dict[str, int]:
    from crisiskit.write import read_marker

    return {
        p.relative_to(project).as_posix(): p.stat().st_mtime_ns
        for p in (project / "content").rglob("*")
        if p.is_file() and read_marker(p) is not None
    }


def test_fresh_copy_is_current(tmp_path: Path) -> None:
    """The real command on a just-generated tree: nothing would change, exit 0."""
    result = run_crisiskit(copy_project(tmp_path / "project"), "generate", "--check")
    assert (result.returncode, result.stdout.strip()) == (0, "content/ is current"), result.stdout + result.stderr


def test_second_run_changes_nothing(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    assert invoke(project, "generate").returncode == 0
    first = _generated(project)
    assert any(path.endswith("/posts.md") for path in first)
    result = invoke(project, "generate")
    assert result.returncode == 0
    assert "0 created, 0 updated, 0 deleted" in result.stdout
    assert _generated(project) == first


def test_check_lists_what_would_change_and_exits_1(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    page = project / "content/en/incidents/data-leak/faq.md"
    page.unlink()
    result = invoke(project, "generate", "--check")
    assert result.returncode == 1
    assert "would create content/en/incidents/data-leak/faq.md" in result.stdout
    assert not page.exists()


def test_hand_edited_file_survives_and_the_run_says_so(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    page = project / "content/en/incidents/data-leak/index.md"
    edited = page.read_text(encoding="utf-8").replace("\n\n# ", "\n\n# EDITED ", 1)
    page.write_text(edited, encoding="utf-8")
    result = invoke(project, "generate")
    assert result.returncode == 1
    assert "content/en/incidents/data-leak/index.md" in result.stderr
    assert "--force" in result.stderr
    assert "Traceback" not in result.stderr
    assert page.read_text(encoding="utf-8") == edited
    forced = invoke(project, "generate", "--force")
    assert forced.returncode == 0
    assert "EDITED" not in page.read_text(encoding="utf-8")


def test_hand_written_page_is_never_touched(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    home = project / "content/en/index.md"
    before = home.read_bytes(), home.stat().st_mtime_ns
    assert invoke(project, "generate").returncode == 0
    assert (home.read_bytes(), home.stat().st_mtime_ns) == before


def test_removed_kit_removes_its_pages(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    (project / "kits/delivery-delay.yml").unlink()
    assert invoke(project, "generate").returncode == 0
    assert not (project / "content/en/incidents/delivery-delay").exists()
    assert (project / "content/en/incidents/data-leak/index.md").exists()


def test_missing_fact_fails_with_the_kits_file_and_line(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    kit = project / "kits/store-incident.yml"
    lines = kit.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if "{{ facts." in line)
    lines[index] = lines[index].replace("{{ facts.", "{{ facts.no_such_", 1)
    kit.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = invoke(project, "generate")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"kits/store-incident.yml:{index + 1}:" in result.stderr, result.stderr
    assert "facts.no_such_" in result.stderr
