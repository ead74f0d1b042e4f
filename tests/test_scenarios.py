"""Every scenario of the library passes its own rules at every status: opened, filled in and updated, it checks clean.

The scenarios in the package's library (crisiskit/data/scenarios/) are product
content, the pre-approved text a team starts from under pressure (like
overrides/): this test reads them as the thing under test. If a scenario's own
words trip a rule (a holding statement without an apology in a preventable
crisis, an e-mail subject too long once the headline is filled in, an
identified update with no cause), every incident opened from it fails
`check --strict` before anyone has written a word, and the team learns to
ignore the checker.

Each incident is opened the way `crisiskit new` opens it (cli/new.py
create_kit), each placeholder filled with a realistic value from the scenario's
values file (tests/testdata/scenarios/<scenario>.yml, described in the README
there), the organisation added, and checked with `crisiskit check --strict`
outside a project (nothing approved: approvals are the project's business)
half a minute after its latest revision: first the holding statement alone,
then after each later revision the values file lists, one at least per status
the scenario has text for, each taking its text from the scenario.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

import crisiskit
from crisiskit.cli.new import create_kit
from crisiskit.model.load import load_kits
from crisiskit.model.schema.kit import ScenarioKit
from crisiskit.model.schema.types import PLACEHOLDER
from crisiskit.model.validate import validate_kits
from sites import invoke

LIBRARY = Path(crisiskit.__file__).parent / "data" / "scenarios"
VALUES = Path(__file__).parent / "testdata" / "scenarios"
STATUSES = ("investigating", "identified", "monitoring", "resolved")
# shared/domain.md 5: the strategy that fits each SCCT cluster (denial only for a rumour; an accidental crisis
# may take the full rebuild, never less than explanation plus corrective action).
FITTING = {"victim": {"inform", "deny"}, "accidental": {"inform_and_rebuild", "rebuild"}, "preventable": {"rebuild"}}

ORGANISATION = """\
organization:
  name: {en: Formosa Home, zh-Hant: 福爾摩沙家居}
  website: https://formosahome.example/
  boilerplate:
    en: Formosa Home sells kitchen appliances and household goods in 42 stores across Taiwan and online.
    zh-Hant: 福爾摩沙家居在全臺 42 家門市及網路商店販售廚房家電與居家用品。
  city: {en: TAIPEI, zh-Hant: 臺北}
spokesperson: {name: {en: Grace Lin, zh-Hant: 林佳慧}, title: {en: Head of Communications, zh-Hant: 公關部主管}}
signatory: {name: {en: David Wang, zh-Hant: 王大衛}, title: {en: Chief Executive, zh-Hant: 執行長}}
contacts:
  hotline: +886 2 2700 5678
  email: care@formosahome.example
  privacy: privacy@formosahome.example
  press: {name: {en: Press Office, zh-Hant: 媒體聯絡窗口}, email: press@formosahome.example}
"""

_PLACEHOLDER = re.compile(r'"' + re.escape(PLACEHOLDER) + r'[^"]*"')


def _values(name: str) -> dict[str, Any]:
    data = YAML(typ="safe", pure=True).load((VALUES / f"{name}.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{name}.yml: expected a mapping of placeholder keys to values"
    return data


def _steps() -> list[tuple[str, int]]:
    """(scenario, number of revisions): the holding statement alone, then with each later revision in turn."""
    return [
        (path.stem, count)
        for path in sorted(VALUES.glob("*.yml"))
        for count in range(1, 2 + len(_values(path.stem).get("updates", [])))
    ]


@cache
def _scenarios() -> dict[str, ScenarioKit]:
    """The library's scenarios, loaded and validated once per test process (every test only reads them)."""
    validated = validate_kits(load_kits([LIBRARY]))
    assert not validated.problems, "\n".join(str(p) for p in validated.problems)
    return {k.model.scenario: k.model for k in validated.kits if isinstance(k.model, ScenarioKit)}


def _yaml(value: Any) -> str:
    """A value as YAML flow text: JSON is YAML 1.2; a date-time keeps its offset."""
    return json.dumps(value, ensure_ascii=False, default=lambda v: v.isoformat() if isinstance(v, datetime) else v)


def _fill(text: str, values: dict[str, Any]) -> str:
    """Every placeholder replaced by the value for its key; a placeholder without a value, or a value without
    a placeholder, fails the test."""
    out, section, used = [], "", set()
    for line in text.splitlines():
        if not line.startswith((" ", "#")):
            section = line.split(":", 1)[0]
        if _PLACEHOLDER.search(line):
            key = line.strip().lstrip("- ").split(":", 1)[0]
            key = f"{section}.{key}" if section == "title" else key
            assert key in values, f"no realistic value for {key!r} in the values file"
            used.add(key)
            filled = _yaml(values[key])
            line = _PLACEHOLDER.sub(lambda _m, filled=filled: filled, line)
        out.append(line)
    stale = set(values) - used - {"updates"}
    assert not stale, f"values for keys the kit does not ask for: {sorted(stale)}"
    return "\n".join(out) + "\n"


def _later(updates: list[dict[str, Any]]) -> str:
    """The later revisions as YAML items of the kit's updates: list, each taking its text from the scenario."""
    lines = []
    for number, update in enumerate(updates, start=2):
        assert set(update) <= {"status", "issued_at", "next_update_at"}, update
        lines += [f"  - revision: {number}", f"    status: {update['status']}"]
        lines += [f"    {key}: {_yaml(update[key])}" for key in ("issued_at", "next_update_at") if key in update]
    return "".join(f"{line}\n" for line in lines)


def test_every_scenario_has_values_and_every_values_file_a_scenario() -> None:
    assert set(_scenarios()) == {p.stem for p in VALUES.glob("*.yml")}


@pytest.mark.parametrize("name", sorted(p.stem for p in VALUES.glob("*.yml")))
def test_a_scenario_is_complete(name: str) -> None:
    """In en and zh-Hant, text for every status, an FAQ, a Q&A saying what not to say, its channels, its
    SCCT type and a strategy that fits it; its values cover every later status it has text for."""
    scenario = _scenarios()[name]
    assert {"en", "zh-Hant"} <= set(scenario.languages or []), scenario.languages
    assert set(scenario.statements) == set(STATUSES), f"text for {sorted(scenario.statements)} only"
    assert scenario.faq, "no FAQ"
    assert scenario.internal_qa, "no internal Q&A"
    assert all(qa.avoid for qa in scenario.internal_qa), "a Q&A entry without do-not-say phrases"
    assert scenario.channels, "no channel of its own (text or switch)"
    assert scenario.crisis_type is not None, "no crisis type"
    strategy = getattr(scenario, "strategy", None)
    assert strategy in FITTING[scenario.crisis_type], f"{strategy} for a {scenario.crisis_type} crisis"
    updates = _values(name).get("updates", [])
    assert {u["status"] for u in updates} == set(scenario.statements) - {"investigating"}


@pytest.mark.parametrize(("name", "revisions"), _steps(), ids=[f"{n}-{r}" for n, r in _steps()])
def test_an_incident_opened_from_a_scenario_checks_clean(tmp_path: Path, name: str, revisions: int) -> None:
    values = _values(name)
    updates = values.get("updates", [])[: revisions - 1]
    shutil.copytree(LIBRARY, tmp_path / "kits" / "scenarios")
    kit = create_kit(tmp_path / "kits", f"{name}-2026", _scenarios()[name])
    text = _fill(kit.read_text(encoding="utf-8"), values) + _later(updates) + ORGANISATION
    kit.write_text(text, encoding="utf-8")
    latest = updates[-1]["issued_at"] if updates else values["issued_at"]
    assert isinstance(latest, datetime), f"issued_at: expected a date-time with its offset; got {latest!r}"
    at = (latest + timedelta(seconds=30)).isoformat()  # half a minute after it was issued
    result = invoke(tmp_path, "check", "--strict", "--at", at, "--format", "json", "kits")
    assert result.stderr == ""
    found = [f"{f['line']}:{f['column']} {f['rule']} {f['message']}" for f in json.loads(result.stdout)]
    assert not found, "\n".join(found)
    assert result.returncode == 0
