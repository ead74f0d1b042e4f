"""Every shipped scenario passes its own rules: an incident opened from it and filled in checks clean.

The scenarios in the repository's kits/scenarios/ are product content, the
pre-approved text a team starts from under pressure (like overrides/): this
test reads them from the repository as the thing under test. If a scenario's
own words trip a rule (a holding statement without an apology in a
preventable crisis, an e-mail subject too long once the headline is filled
in), every incident opened from it fails `check --strict` before anyone has
written a word, and the team learns to ignore the checker.

Each incident is opened the way `crisiskit new` opens it (cli/new.py
create_kit), each placeholder filled with a realistic value from the table
below, the organisation added (no scenario carries one), and checked with
`crisiskit check --strict` outside a project (nothing approved: approvals
are the project's business) at a time before the promised next update.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from crisiskit.cli.new import create_kit
from crisiskit.model.load import load_kits
from crisiskit.model.schema.kit import ScenarioKit
from crisiskit.model.schema.types import PLACEHOLDER
from crisiskit.model.validate import validate_kits
from sites import REPO, invoke

SCENARIOS = REPO / "kits" / "scenarios"

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

# scenario -> placeholder key -> YAML value; "title.en" is the title in a language, other keys are fact names or
# the kit's own keys (began_at, issued_at, next_update_at). The first statement comes within the hour.
VALUES: dict[str, dict[str, str]] = {
    "product-recall": {
        "title.en": "Recall of the Aroma 1.7 L electric kettle",
        "title.zh-Hant": "Aroma 1.7 公升電熱水壺回收",
        "began_at": "2026-11-20T08:30:00+08:00",
        "product_name": "{en: Aroma 1.7 L electric kettle, zh-Hant: Aroma 1.7 公升電熱水壺}",
        "batch_codes": "[{en: K2407, zh-Hant: K2407}, {en: K2408, zh-Hant: K2408}, {en: K2409, zh-Hant: K2409}]",
        "where_to_find_code": "{en: printed under the base, zh-Hant: 印在底座下方}",
        "units_sold": "12480",
        "hazard": "{en: the handle can come loose while the kettle is full of boiling water, "
        "zh-Hant: 裝滿沸水時把手可能鬆脫}",
        "reports_received": "7",
        "return_page": "https://formosahome.example/recall/kettle",
        "issued_at": "2026-11-20T09:15:00+08:00",
        "next_update_at": "2026-11-20T13:00:00+08:00",
    },
    "data-breach": {
        "title.en": "Unauthorised access to customer data",
        "title.zh-Hant": "顧客資料遭未經授權存取",
        "began_at": "2026-11-18T22:40:00+08:00",
        "affected_customers": "38214",
        "data_types": "[{en: names, zh-Hant: 姓名}, {en: e-mail addresses, zh-Hant: 電子郵件地址}, "
        "{en: delivery addresses, zh-Hant: 收件地址}]",
        "data_not_involved": "[{en: passwords, zh-Hant: 密碼}, {en: payment card numbers, zh-Hant: 信用卡號}]",
        "detected_at": "2026-11-19T08:05:00+08:00",
        "breach_window_start": "2026-11-17T02:10:00+08:00",
        "breach_window_end": "2026-11-19T09:30:00+08:00",
        "credit_monitoring_months": "24",
        "voucher_value": "{en: NT$500, zh-Hant: 新臺幣 500 元}",
        "claim_deadline": "2027-02-28T23:59:00+08:00",
        "hotline_hours": "{en: 09:00 to 21:00 every day, zh-Hant: 每日 09:00 至 21:00}",
        "regulator": "{en: the Personal Data Protection Commission, zh-Hant: 個人資料保護委員會}",
        "regulator_notified_at": "2026-11-19T10:00:00+08:00",
        "issued_at": "2026-11-18T23:20:00+08:00",
        "next_update_at": "2026-11-19T03:00:00+08:00",
    },
    "service-outage": {
        "title.en": "Online ordering unavailable",
        "title.zh-Hant": "線上訂購服務無法使用",
        "began_at": "2026-11-20T09:00:00+08:00",
        "outage_start": "2026-11-20T09:00:00+08:00",
        "services_affected": "[{en: placing orders, zh-Hant: 下單}, {en: tracking deliveries, zh-Hant: 查詢配送進度}]",
        "status_page": "https://status.formosahome.example/",
        "issued_at": "2026-11-20T10:00:00+08:00",
        "next_update_at": "2026-11-20T14:00:00+08:00",
    },
}

_PLACEHOLDER = re.compile(r'"' + re.escape(PLACEHOLDER) + r'[^"]*"')


def _scenarios() -> dict[str, ScenarioKit]:
    validated = validate_kits(load_kits([SCENARIOS]))
    assert not validated.problems, validated.problems
    return {k.model.scenario: k.model for k in validated.kits if isinstance(k.model, ScenarioKit)}


def _fill(text: str, values: dict[str, str]) -> str:
    """Every placeholder replaced by the value for its key; a placeholder without a value fails the test."""
    out, section = [], ""
    for line in text.splitlines():
        if not line.startswith((" ", "#")):
            section = line.split(":", 1)[0]
        if _PLACEHOLDER.search(line):
            key = line.strip().split(":", 1)[0]
            key = f"{section}.{key}" if section == "title" else key
            assert key in values, f"no realistic value for {key!r} in the table"
            line = _PLACEHOLDER.sub(lambda _m, value=values[key]: value, line)
        out.append(line)
    return "\n".join(out) + "\n"


def test_every_scenario_has_a_table_of_values() -> None:
    assert set(_scenarios()) == set(VALUES)


@pytest.mark.parametrize("name", sorted(VALUES))
def test_an_incident_opened_from_a_scenario_checks_clean(tmp_path: Path, name: str) -> None:
    shutil.copytree(SCENARIOS, tmp_path / "kits" / "scenarios")
    kit = create_kit(tmp_path / "kits", f"{name}-2026", _scenarios()[name])
    kit.write_text(_fill(kit.read_text(encoding="utf-8"), VALUES[name]) + ORGANISATION, encoding="utf-8")
    at = VALUES[name]["issued_at"].replace(":00+", ":30+")  # half a minute after it was issued
    result = invoke(tmp_path, "check", "--strict", "--at", at, "--format", "json", "kits")
    assert result.stderr == ""
    found = [f"{f['line']}:{f['column']} {f['rule']} {f['message']}" for f in json.loads(result.stdout)]
    assert not found, "\n".join(found)
    assert result.returncode == 0
