"""The resolve stage: an incident takes what it leaves out from its scenario, and nothing it writes itself."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import TESTDATA
from crisiskit.errors import KitError
from crisiskit.pipeline import read_incidents

KITS = TESTDATA / "test_resolve" / "kits"


@pytest.fixture
def kits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(KITS, tmp_path / "kits")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "kits"


def test_fields_left_out_come_from_the_scenario_and_the_incident_wins(kits: Path) -> None:
    [incident] = read_incidents([kits])
    assert incident.scenario == "web-outage"
    assert incident.organization.name.get("en") == "Acme"
    assert incident.contacts.hotline == "+886 2 2700 1234"
    assert incident.severity == "minor"  # the incident's own, not the scenario's "moderate"


def test_statement_sections_come_from_the_scenario_text_for_the_revision_status(kits: Path) -> None:
    first, second = read_incidents([kits])[0].revisions
    assert first.statement.headline.get("en") == "Statement on the outage"
    assert first.statement.apology.get("zh-Hant") == "我們深感抱歉。"
    assert first.statement.acknowledgement.get("en").startswith("Our website has been down")
    assert second.statement.headline.get("en") == "Website back"  # written in the revision, not the scenario's
    assert second.statement.apology is None  # the scenario's "resolved" text has no apology


def test_a_fact_the_scenario_declares_is_filled_by_the_incident(kits: Path) -> None:
    facts = read_incidents([kits])[0].current.facts
    assert facts["outage_start"].value.isoformat() == "2026-11-20T09:00:00+08:00"


def test_a_problem_in_scenario_text_is_reported_in_the_scenario_file(kits: Path) -> None:
    scenario = kits / "scenarios" / "web-outage.yml"
    scenario.write_text(
        scenario.read_text(encoding="utf-8").replace(
            "apology: {en: We are sorry., zh-Hant: 我們深感抱歉。}",
            "apology: {en: 'We are sorry, {{ facts.customer }}.', zh-Hant: 我們深感抱歉。}",
        ),
        encoding="utf-8",
    )
    with pytest.raises(KitError) as raised:
        read_incidents([kits])
    assert raised.value.lines() == [
        "kits/scenarios/web-outage.yml:18:37 statements.investigating.apology.en: expected a defined fact; "
        'got "facts.customer", which the kit does not define (add it under facts:)'
    ]


def test_a_required_field_neither_gives_names_the_scenario(kits: Path) -> None:
    scenario = kits / "scenarios" / "web-outage.yml"
    scenario.write_text(scenario.read_text(encoding="utf-8").replace("crisis_type: accidental\n", ""), encoding="utf-8")
    with pytest.raises(KitError) as raised:
        read_incidents([kits])
    assert raised.value.lines() == [
        'kits/outage.yml:1:1 crisis_type: expected the key "crisis_type" (in this kit or its scenario '
        '"web-outage"); got no such key'
    ]
