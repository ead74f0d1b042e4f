"""crisiskit.yml: a typed model over the packaged tables, with every mistake reported at its position.

The packaged tables (data/severity.yml, approvals.yml, rules.yml) are typed
and read once per process; the project's file is validated like a kit and
read once per command (the same file state gives the same Config).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from crisiskit.checks.engine import run_checks
from crisiskit.compose.composed import SiteOptions
from crisiskit.errors import KitError
from crisiskit.model import tables
from crisiskit.model.config import Config, load_config
from crisiskit.model.tables import approval_table, rule_table, severity_table
from crisiskit.pipeline import compose, read_incidents

CLEAN = Path(__file__).parent / "testdata" / "test_checks" / "clean.yml"
AT = datetime.fromisoformat("2026-11-20T15:00:00+08:00")

EVERY_MISTAKE = """\
approvals:
  by_role: {legal: [x]}
  by_channel: {fax: [legal], sms: [Legal Team]}
rulez: {}
rules: {CK999: off, CK201: loud}
limits: {kit_bytes: 100, kit_values: 9}
severity:
  major: {}
  minor: {update_every_hours: -1, cadence: 2}
"""


def _problems(project: Path) -> list[tuple[int, int, str, str]]:
    with pytest.raises(KitError) as raised:
        load_config(project)
    return [(p.line, p.column, p.path, p.message) for p in raised.value.problems]


def test_every_kind_of_mistake_is_reported_at_once_at_its_position(tmp_path: Path) -> None:
    (tmp_path / "crisiskit.yml").write_text(EVERY_MISTAKE, encoding="utf-8")
    problems = _problems(tmp_path)
    assert [(line, column, path) for line, column, path, _ in problems] == [
        (2, 3, "approvals.by_role"),
        (3, 16, "approvals.by_channel.fax"),
        (3, 36, "approvals.by_channel.sms[0]"),
        (4, 1, "rulez"),
        (5, 9, "rules.CK999"),
        (5, 28, "rules.CK201"),
        (6, 21, "limits.kit_bytes"),
        (6, 26, "limits.kit_values"),
        (8, 3, "severity.major"),
        (9, 31, "severity.minor.update_every_hours"),
        (9, 35, "severity.minor.cadence"),
    ]
    messages = {path: message for _, _, path, message in problems}
    assert messages["approvals.by_role"] == (
        'expected one of the keys by_severity, by_channel; got unknown key "by_role"'
    )
    assert messages["approvals.by_channel.fax"].startswith("expected one of x, threads, ")
    assert messages["approvals.by_channel.fax"].endswith('regulator_notice; got "fax"')
    assert messages["approvals.by_channel.sms[0]"].startswith("expected a lower-case slug")
    assert messages["rulez"] == 'expected a known key (did you mean "rules"?); got unknown key "rulez"'
    assert messages["rules.CK999"] == 'expected a rule id from data/rules.yml such as CK201; got "CK999"'
    assert messages["rules.CK201"] == 'expected one of error, warning, off; got "loud"'
    assert messages["limits.kit_bytes"] == "expected a whole number of bytes from 10,000 to 10,000,000; got 100"
    assert messages["severity.major"] == 'expected one of minor, moderate, severe; got "major" (did you mean "minor"?)'
    assert messages["severity.minor.update_every_hours"].startswith("expected a number of at least 0")
    assert messages["severity.minor.cadence"].startswith("expected one of the keys first_statement_within_hours, ")


def test_a_file_that_is_not_a_mapping_is_a_problem_with_its_position(tmp_path: Path) -> None:
    (tmp_path / "crisiskit.yml").write_text("- approvals\n", encoding="utf-8")
    [(line, column, _path, message)] = _problems(tmp_path)
    assert (line, column) == (1, 1) and message.startswith("expected a mapping")


def test_without_a_file_the_packaged_tables_apply(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config == Config()
    assert config.approvals_by_severity == {k: list(v) for k, v in approval_table().by_severity.items()}
    assert config.approvals_by_channel["press_release"] == ["legal"]
    assert config.rules == {} and config.kit_bytes == 1_000_000
    assert config.severity == severity_table() and config.severity["severe"].first_statement_within_hours == 1


def test_settings_override_the_defaults_only_where_given(tmp_path: Path) -> None:
    (tmp_path / "crisiskit.yml").write_text(
        "approvals:\n  by_severity: {minor: [communications, legal]}\n  by_channel: {sms: [legal]}\n"
        "rules: {CK201: error, CK404: off}\nlimits: {kit_bytes: 20000}\n"
        "severity:\n  moderate: {update_every_hours: 2, signed_by: chief executive, signer_titles: [chief]}\n",
        encoding="utf-8",
    )
    config = load_config(tmp_path)
    assert config.approvals_by_severity == {
        "minor": ["communications", "legal"],
        "moderate": ["communications"],
        "severe": ["communications", "legal"],
    }
    assert config.approvals_by_channel["sms"] == ["legal"] and config.approvals_by_channel["press_release"] == ["legal"]
    assert config.rules == {"CK201": "error", "CK404": "off"} and config.kit_bytes == 20_000
    moderate = config.severity["moderate"]
    assert (moderate.update_every_hours, moderate.signed_by, moderate.signer_titles) == (
        2,
        "chief executive",
        ("chief",),
    )
    assert moderate.first_statement_within_hours == severity_table()["moderate"].first_statement_within_hours
    assert moderate.channels == severity_table()["moderate"].channels
    assert config.severity["severe"] == severity_table()["severe"]


def _cadence_findings(project: Path) -> dict[str, str]:
    incidents = read_incidents([project / "kits"])
    composed = compose(incidents, SiteOptions("https://status.acme.example/"), project)
    return {f.rule: f.message for f in run_checks(composed, AT, approvals=False) if f.rule.startswith("CK5")}


def test_a_severity_override_changes_what_check_asks_for(tmp_path: Path) -> None:
    (tmp_path / "kits").mkdir()
    (tmp_path / "kits" / "outage.yml").write_text(CLEAN.read_text(encoding="utf-8"), encoding="utf-8")
    assert _cadence_findings(tmp_path) == {}
    (tmp_path / "crisiskit.yml").write_text(
        "severity:\n  moderate: {update_every_hours: 2, signed_by: chief executive, signer_titles: [chief exec]}\n",
        encoding="utf-8",
    )
    found = _cadence_findings(tmp_path)
    assert found["CK505"] == ("expected the next update within 2 h of revision 1 for a moderate incident; got 4.0 h")
    assert found["CK501"] == ("expected a moderate incident signed by the chief executive; got Head of Communications")


def test_the_same_file_is_parsed_once_and_a_changed_one_again(tmp_path: Path) -> None:
    path = tmp_path / "crisiskit.yml"
    path.write_text("rules: {CK201: error}\n", encoding="utf-8")
    first = load_config(tmp_path)
    assert load_config(tmp_path) is first
    path.write_text("rules: {CK201: off}\n", encoding="utf-8")
    assert load_config(tmp_path).rules == {"CK201": "off"}


def test_each_packaged_table_is_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[str] = []
    original = tables.load_data

    def counting(name: str) -> object:
        reads.append(name)
        return original(name)

    monkeypatch.setattr(tables, "load_data", counting)
    for table in (severity_table, approval_table, rule_table):
        table.cache_clear()
    try:
        for _ in range(3):
            severity_table(), approval_table(), rule_table()
        assert sorted(reads) == ["approvals.yml", "rules.yml", "severity.yml"]
    finally:
        for table in (severity_table, approval_table, rule_table):
            table.cache_clear()


def test_every_packaged_rule_title_is_whole() -> None:
    # a title with a comma in a YAML flow mapping once lost everything after the comma (CK201, CK407)
    assert rule_table()["CK201"].title == "A number, address or phone number written instead of a fact"
    assert rule_table()["CK407"].title == "Internal jargon, hostname or ticket id"


# The organisation profile (model/profile.py): the kit's own blocks, given once for every incident.
PROFILE = Path(__file__).parent / "testdata" / "profile"


def test_the_profile_blocks_are_the_kit_schema_s_own() -> None:
    from crisiskit.model.config import PROFILE_FIELDS, ProjectSettings
    from crisiskit.model.schema.kit import KitFields

    for name in PROFILE_FIELDS:
        assert ProjectSettings.model_fields[name].annotation == KitFields.model_fields[name].annotation, name
        assert ProjectSettings.model_fields[name].metadata == KitFields.model_fields[name].metadata, name


def test_profile_fields_names_what_crisiskit_yml_gives_every_incident(tmp_path: Path) -> None:
    from crisiskit.model.config import profile_fields

    assert profile_fields(tmp_path) == set()
    (tmp_path / "crisiskit.yml").write_text("rules: {CK201: off}\n", encoding="utf-8")
    assert profile_fields(tmp_path) == set()
    assert profile_fields(PROFILE) == {"organization", "spokesperson", "signatory", "contacts", "languages"}
    (tmp_path / "crisiskit.yml").write_text(
        "languages: [en]\nsignatory: {name: Mei Lin, title: Chief Executive}\n", encoding="utf-8"
    )
    assert profile_fields(tmp_path) == {"languages", "signatory"}


def test_a_mistake_in_the_profile_is_reported_at_its_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "crisiskit.yml").write_text(
        "languages: [en, zh-Hant]\n"
        "organization:\n  name: Acme\n  website: acme.example\n  boilerplate: {en: Acme makes tools.}\n"
        "  slogan: Tools\n"
        "contacts: {hotline: '[[fill in: the hotline]]'}\n",
        encoding="utf-8",
    )
    assert _problems(tmp_path) == [
        (4, 12, "organization.website", 'expected a web address starting with https://; got "acme.example"'),
        (
            6,
            3,
            "organization.slogan",
            'expected one of the keys name, website, boilerplate, city, locale; got unknown key "slogan"',
        ),
        (
            7,
            21,
            "contacts.hotline",
            'expected a phone number such as +886 2 2700 1234; got "[[fill in: the hotline]]" (a placeholder '
            "left by crisiskit new: replace it with the real value)",
        ),
    ]
    (tmp_path / "crisiskit.yml").write_text(
        "languages: [en, zh-Hant]\norganization:\n  name: Acme\n  website: https://acme.example/\n"
        "  boilerplate: {en: Acme makes tools.}\n",
        encoding="utf-8",
    )
    assert _problems(tmp_path) == [
        (5, 16, "organization.boilerplate", "expected a text in each of en, zh-Hant; got no zh-Hant")
    ]


def test_check_and_generate_see_a_changed_profile_through_their_caches(tmp_path: Path) -> None:
    import shutil

    from sites import invoke

    project = tmp_path / "project"
    shutil.copytree(PROFILE, project)
    (project / "mkdocs.yml").write_text("site_name: Acme\nsite_url: https://status.acme.example/\n", encoding="utf-8")
    at = "--at=2026-11-20T11:00:00+08:00"
    approved = invoke(
        project, "approve", "kits/inherits.yml", "--revision", "1", "--role", "communications", "--by", "Lee Chen"
    )
    assert approved.returncode == 0, approved.stderr
    assert invoke(project, "generate").returncode == 0
    page = project / "content" / "en" / "incidents" / "inherits" / "index.md"
    for _ in range(2):  # the second run answers from build/cache/
        checked = invoke(project, "check", at)
        assert checked.returncode == 0 and "CK601" not in checked.stderr, checked.stderr
    assert (project / "build" / "cache").is_dir()
    assert "+886 2 2700 1234" in page.read_text(encoding="utf-8")
    config = project / "crisiskit.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("2700 1234", "2700 5678"), encoding="utf-8")
    checked = invoke(project, "check", at)
    assert checked.returncode == 0, checked.stderr  # shared data changed: the published revision keeps its text
    assert (  # seen through the caches, named by the field, and explained: it applies from the next revision
        "kits/inherits.yml:8:15 updates[0]: warning CK603: expected shared data to change only for revisions still "
        "to come; got a changed contacts.hotline (en, zh-Hant) since revision 1 was approved"
    ) in checked.stderr
    assert "CK602" not in checked.stderr
    assert not [
        line for line in checked.stderr.splitlines() if line.startswith("kits/overrides.yml") and "CK60" in line
    ]
    assert invoke(project, "generate").returncode == 0
    text = page.read_text(encoding="utf-8")  # frozen: what was approved, until a new revision carries the new number
    assert "+886 2 2700 1234" in text and "+886 2 2700 5678" not in text


def test_the_kits_at_a_git_base_inherit_the_profile_as_it_was_there(tmp_path: Path) -> None:
    import shutil
    import subprocess

    from crisiskit.pipeline import incidents_at

    project = tmp_path / "project"
    shutil.copytree(PROFILE, project)
    (project / "mkdocs.yml").write_text("site_name: Acme\nsite_url: https://status.acme.example/\n", encoding="utf-8")
    env = {"GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    env |= {f"GIT_{who}_{what}": "t" for who in ("AUTHOR", "COMMITTER") for what in ("NAME", "EMAIL")}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "profile"]):
        subprocess.run(["git", *args], cwd=project, env=env, check=True, capture_output=True)
    config = project / "crisiskit.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("Mei Lin", "Ann Wu"), encoding="utf-8")
    before = incidents_at(project, "HEAD")  # what `check --base` and `review` compare with
    assert sorted(before) == ["inherits", "overrides"]
    assert before["inherits"].signatory.name.raw == "Mei Lin"


def test_a_project_nested_in_another_does_not_inherit_its_crisiskit_yml(tmp_path: Path) -> None:
    import shutil

    outer = tmp_path / "outer"
    shutil.copytree(PROFILE, outer)
    inner = outer / "tests" / "fixture"
    (inner / "kits").mkdir(parents=True)
    shutil.copy(PROFILE / "kits" / "inherits.yml", inner / "kits" / "inherits.yml")
    assert [i.id for i in read_incidents([outer / "kits"])] == ["inherits", "overrides"]
    with pytest.raises(KitError) as raised:
        read_incidents([inner / "kits"])
    assert any('expected the key "organization"' in line for line in raised.value.lines())
