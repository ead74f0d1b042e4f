"""The GitHub Pages example (examples/github/workflows/pages.yml): only the public site is ever deployed, on time.

It reads the repository's example on purpose: the example is the product under test (docs/deploying.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

WORKFLOW = Path(__file__).resolve().parents[1] / "examples" / "github" / "workflows" / "pages.yml"


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    # YAML 1.2 (ruamel), so the key "on" stays "on" (PyYAML would read it as True)
    return YAML(typ="safe", pure=True).load(WORKFLOW.read_text(encoding="utf-8"))


def _steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_only_site_public_is_uploaded(workflow: dict[str, Any]) -> None:
    steps = _steps(workflow)
    uploads = [s for s in steps if "upload" in str(s.get("uses", ""))]
    assert [s["uses"].split("@")[0] for s in uploads] == ["actions/upload-pages-artifact"]
    assert uploads[0]["with"]["path"] == "site/public"
    assert all("internal" not in str(s.get("run", "")) and "internal" not in str(s.get("with", "")) for s in steps)
    deploys = [s for s in steps if str(s.get("uses", "")).startswith("actions/deploy-pages@")]
    assert len(deploys) == 1
    [deploy] = [name for name, job in workflow["jobs"].items() if deploys[0] in job.get("steps", [])]
    assert workflow["jobs"][deploy]["needs"] == "build"


def test_the_build_is_public_only(workflow: dict[str, Any]) -> None:
    runs = [str(s["run"]) for s in _steps(workflow) if "run" in s]
    builds = [line.strip() for run in runs for line in run.splitlines() if "crisiskit build" in line]
    assert builds == ["crisiskit build --audience public"]
    assert not any("crisiskit serve" in run or "--audience all" in run for run in runs)


def test_it_runs_on_every_push_to_main_and_on_a_schedule_so_embargoes_release(workflow: dict[str, Any]) -> None:
    triggers = workflow["on"]
    assert triggers["push"]["branches"] == ["main"]
    crons = [entry["cron"] for entry in triggers["schedule"]]
    assert crons == ["*/15 * * * *"]


def test_two_deployments_never_race(workflow: dict[str, Any]) -> None:
    concurrency = workflow["concurrency"]
    assert concurrency["group"]
    assert concurrency["cancel-in-progress"] is False  # a deployment under way is never cut off halfway


def test_it_asks_only_for_the_permissions_pages_needs(workflow: dict[str, Any]) -> None:
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
