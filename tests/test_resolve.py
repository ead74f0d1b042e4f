"""The resolve stage: an incident takes what it leaves out from its scenario, and nothing it writes itself."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import TESTDATA
from crisiskit.errors import KitError
from crisiskit.model.incident import Incident
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


# The organisation profile: crisiskit.yml gives every incident its organization, spokesperson, signatory,
# contacts and languages; a kit overrides single fields (model/profile.py says how).
PROFILE = TESTDATA / "profile"


@pytest.fixture
def profiled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    project = tmp_path / "project"
    shutil.copytree(PROFILE, project)
    monkeypatch.chdir(project)
    return project


def _incidents(project: Path) -> dict[str, Incident]:
    return {incident.id: incident for incident in read_incidents([project / "kits"])}


def _problems(project: Path) -> list[str]:
    with pytest.raises(KitError) as raised:
        read_incidents([project / "kits"])
    return raised.value.lines()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_kit_without_profile_blocks_takes_them_from_crisiskit_yml(profiled: Path) -> None:
    incident = _incidents(profiled)["inherits"]
    assert incident.organization.name.raw == {"en": "Acme Pay", "zh-Hant": "艾克支付"}
    assert incident.organization.locale == {"en": "en-US", "zh-Hant": "zh-Hant-TW"}
    assert incident.spokesperson.name.raw == "Lee Chen"
    assert (incident.signatory.name.raw, incident.signatory.title.get("en")) == ("Mei Lin", "Chief Executive")
    assert (incident.contacts.hotline, incident.contacts.press.phone) == ("+886 2 2700 1234", "+886 2 2700 1299")
    assert incident.languages == ["en", "zh-Hant"]
    origin = incident.organization.boilerplate.origin
    assert (origin.file, origin.line, origin.column, origin.path) == ("crisiskit.yml", 8, 5, "organization.boilerplate")


def test_a_kit_overrides_single_fields_and_keeps_the_rest_of_each_block(profiled: Path) -> None:
    incident = _incidents(profiled)["overrides"]
    organization, signatory, contacts = incident.organization, incident.signatory, incident.contacts
    assert organization.city.raw == {"en": "KAOHSIUNG", "zh-Hant": "高雄"}  # the kit's
    assert organization.name.raw == {"en": "Acme Pay", "zh-Hant": "艾克支付"}  # crisiskit.yml's
    assert organization.website == "https://acme.example/" and organization.locale["en"] == "en-US"
    assert (signatory.name.raw, signatory.title.get("en")) == ("Mei Lin", "Chief Operating Officer")
    assert (contacts.hotline, contacts.email) == ("+886 7 555 0100", "help@acme.example")
    # a nested block too: the press phone is the kit's, the press office's name and address crisiskit.yml's
    assert (contacts.press.name.raw, contacts.press.email, contacts.press.phone) == (
        "Press Office",
        "press@acme.example",
        "+886 7 555 0199",
    )
    assert (organization.city.origin.file, organization.city.origin.line) == ("kits/overrides.yml", 5)
    assert (organization.boilerplate.origin.file, organization.boilerplate.origin.line) == ("crisiskit.yml", 8)
    assert (signatory.name.origin.file, signatory.name.origin.line) == ("crisiskit.yml", 11)


def test_a_text_a_list_or_the_locale_a_kit_writes_replaces_the_profile_s_whole(profiled: Path) -> None:
    _edit(
        profiled / "kits" / "overrides.yml",
        "  city: {en: KAOHSIUNG, zh-Hant: 高雄}\n",
        "  city: null\n  locale: {en: en-GB}\n",
    )
    organization = _incidents(profiled)["overrides"].organization
    assert organization.city is None  # written as null: left out, not crisiskit.yml's TAIPEI
    assert organization.locale == {"en": "en-GB"}  # not merged with crisiskit.yml's zh-Hant locale


def test_a_scenario_block_is_completed_from_the_profile_and_the_kit_still_wins(profiled: Path) -> None:
    (profiled / "kits" / "scenarios").mkdir()
    (profiled / "kits" / "scenarios" / "outage.yml").write_text(
        "scenario: outage\nstrategy: inform_and_rebuild\ndescribe: {en: An outage., zh-Hant: 服務中斷。}\n"
        "spokesperson: {name: Ann Wu}\nsignatory: {name: Ann Wu, title: {en: Head of Support, zh-Hant: 客服主管}}\n",
        encoding="utf-8",
    )
    _edit(profiled / "kits" / "inherits.yml", "id: inherits\n", "id: inherits\nextends: outage\n")
    _edit(profiled / "kits" / "overrides.yml", "id: overrides\n", "id: overrides\nextends: outage\n")
    incidents = _incidents(profiled)
    spokesperson = incidents["inherits"].spokesperson
    assert (spokesperson.name.raw, spokesperson.title.get("en")) == ("Ann Wu", "Head of Communications")
    assert incidents["inherits"].signatory.title.get("en") == "Head of Support"  # the scenario's whole block
    assert incidents["overrides"].signatory.title.get("en") == "Chief Operating Officer"  # the kit's own block
    assert incidents["overrides"].signatory.name.raw == "Mei Lin"  # completed from crisiskit.yml, not the scenario


def test_the_same_blocks_give_the_same_text_whether_inherited_or_written_in_the_kit(profiled: Path) -> None:
    from crisiskit.compose.composed import SiteOptions
    from crisiskit.pipeline import compose

    site = SiteOptions("https://status.acme.example/")
    (profiled / "kits" / "overrides.yml").unlink()
    inherited = compose([_incidents(profiled)["inherits"]], site, profiled)[0]
    config = profiled / "crisiskit.yml"
    profile, settings = config.read_text(encoding="utf-8").split("approvals:")
    config.write_text("approvals:" + settings, encoding="utf-8")
    kit = profiled / "kits" / "inherits.yml"
    kit.write_text(kit.read_text(encoding="utf-8") + profile, encoding="utf-8")
    written = compose([_incidents(profiled)["inherits"]], site, profiled)[0]
    assert written.incident.organization.boilerplate.origin.file == "kits/inherits.yml"
    assert written.hashes == inherited.hashes  # the approved text is the same, so approvals carry over


def test_a_problem_in_a_profile_text_is_reported_at_crisiskit_yml(profiled: Path) -> None:
    _edit(
        profiled / "crisiskit.yml",
        "    en: Acme Pay runs payments for small shops across Taiwan.",
        "    en: Acme Pay runs payments for {{ facts.shops }} shops across Taiwan.",
    )
    assert _problems(profiled) == [
        'crisiskit.yml:8:39 organization.boilerplate.en: expected a defined fact; got "facts.shops", which the '
        "kit does not define (add it under facts:)"
    ]


def test_a_profile_text_without_a_language_a_kit_asks_for_is_reported_at_crisiskit_yml(profiled: Path) -> None:
    _edit(profiled / "crisiskit.yml", "languages: [en, zh-Hant]\n", "")
    _edit(profiled / "kits" / "overrides.yml", "severity: minor\n", "severity: minor\nlanguages: [en, zh-Hans]\n")
    _edit(profiled / "kits" / "inherits.yml", "severity: minor\n", "severity: minor\nlanguages: [en, zh-Hant]\n")
    problems = [line for line in _problems(profiled) if line.startswith("crisiskit.yml:")]
    assert "crisiskit.yml:8:5 organization.boilerplate: expected a text in each of en, zh-Hans; got no zh-Hans" in (
        problems
    )
    assert "crisiskit.yml:11:12 signatory.name: expected a text in each of en, zh-Hans; got no zh-Hans" not in problems


def test_a_block_neither_the_kit_nor_crisiskit_yml_gives_names_both_places(profiled: Path) -> None:
    _edit(profiled / "crisiskit.yml", "languages: [en, zh-Hant]\n", "")
    config = profiled / "crisiskit.yml"
    config.write_text(config.read_text(encoding="utf-8").split("contacts:")[0], encoding="utf-8")
    (profiled / "kits" / "overrides.yml").unlink()
    assert _problems(profiled) == [
        'kits/inherits.yml:1:1 contacts: expected the key "contacts" (in this kit or, for every incident, in '
        "crisiskit.yml); got no such key",
        'kits/inherits.yml:1:1 languages: expected the key "languages" (in this kit or, for every incident, in '
        "crisiskit.yml); got no such key",
    ]
    config.unlink()
    problems = _problems(profiled)
    assert len(problems) == 5 and problems[0] == (
        'kits/inherits.yml:1:1 contacts: expected the key "contacts" (in this kit or, for every incident, in '
        "crisiskit.yml, which crisiskit init writes); got no such key"
    )


def test_a_partial_block_with_no_profile_for_it_is_missing_its_required_fields_in_the_kit(profiled: Path) -> None:
    config = profiled / "crisiskit.yml"
    _edit(config, "signatory: {name: Mei Lin, title: {en: Chief Executive, zh-Hant: 執行長}}\n", "")
    assert _problems(profiled) == [
        'kits/inherits.yml:1:1 signatory: expected the key "signatory" (in this kit or, for every incident, in '
        "crisiskit.yml); got no such key",
        'kits/overrides.yml:7:3 signatory: expected the key "name"; got no such key',
    ]


def test_a_broken_crisiskit_yml_is_reported_alone_not_as_a_block_missing_from_every_kit(profiled: Path) -> None:
    _edit(profiled / "crisiskit.yml", "  hotline: +886 2 2700 1234", "  hotline: call us")
    assert _problems(profiled) == [
        'crisiskit.yml:13:12 contacts.hotline: expected a phone number such as +886 2 2700 1234; got "call us"'
    ]


def test_an_editor_s_schema_accepts_a_block_written_in_part(profiled: Path) -> None:
    import jsonschema

    from crisiskit.model.load import SourceFile, load_file
    from crisiskit.model.schema_export import kit_json_schema

    kit = load_file(profiled / "kits" / "overrides.yml", "incident")  # plain data, timestamps as written
    assert isinstance(kit, SourceFile) and kit.data["organization"] == {"city": {"en": "KAOHSIUNG", "zh-Hant": "高雄"}}
    jsonschema.Draft7Validator(kit_json_schema()).validate(kit.data)  # no "name" missing: crisiskit.yml has it
