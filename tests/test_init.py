"""`crisiskit init`: crisiskit.yml with the organisation profile in placeholders `check` refuses until filled."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import TESTDATA, Golden
from crisiskit.cli.init import profile_text
from crisiskit.errors import KitError
from crisiskit.model.config import load_config, profile_fields
from crisiskit.pipeline import read_incidents
from sites import invoke

GOLDEN = TESTDATA / "init" / "crisiskit.yml"
KIT = TESTDATA / "profile" / "kits" / "inherits.yml"  # a kit that writes no profile block
# What a person writes in place of each placeholder (found by the words of its description).
FILLED = {
    "name as the public knows it": "Acme Pay",
    "main web address": "https://acme.example/",
    "'About' paragraph closing every press release, in en": "Acme Pay runs payments for shops in Taiwan.",
    "'About' paragraph closing every press release, in zh-Hant": "艾克支付為臺灣商店提供付款服務。",
    "datelines, in en": "TAIPEI",
    "datelines, in zh-Hant": "臺北",
    "e.g. en-US": "en-US",
    "e.g. zh-Hant-TW": "zh-Hant-TW",
    "full name": "Lee Chen",
    "signature, in en": "Head of Communications",
    "signature, in zh-Hant": "公關主管",
    "dedicated phone line": "+886 2 2700 1234",
    "support address": "help@acme.example",
    "who reporters should call": "Press Office",
    "press e-mail address": "press@acme.example",
    "press phone number": "+886 2 2700 1299",
}


def _fill(text: str) -> str:
    def value(match: re.Match[str]) -> str:
        [found] = [v for words, v in FILLED.items() if words in match.group(0)]
        return found

    return re.sub(r'"\[\[fill in: [^"]*\]\]"', value, text)


def test_the_profile_crisiskit_init_writes(golden: Golden) -> None:
    golden.check(GOLDEN, profile_text(["en", "zh-Hant"]))


def test_init_writes_crisiskit_yml_and_kits(tmp_path: Path) -> None:
    result = invoke(tmp_path, "init", "site")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("created site/crisiskit.yml and kits/: replace every [[fill in ...]] placeholder")
    assert (tmp_path / "site" / "crisiskit.yml").read_text(encoding="utf-8") == GOLDEN.read_text(encoding="utf-8")
    assert (tmp_path / "site" / "kits").is_dir()
    assert invoke(tmp_path / "site", "init").returncode == 1  # here, with no PATH: the same file


def test_every_placeholder_is_refused_at_its_line_until_filled(tmp_path: Path) -> None:
    assert invoke(tmp_path, "init").returncode == 0
    text = (tmp_path / "crisiskit.yml").read_text(encoding="utf-8")
    placeholders = {n for n, line in enumerate(text.splitlines(), 1) if "[[fill in" in line and "#" not in line}
    assert len(placeholders) == 19
    with pytest.raises(KitError) as raised:
        load_config(tmp_path)
    problems = raised.value.problems
    assert {Path(p.file) for p in problems} == {tmp_path / "crisiskit.yml"} and {
        p.line for p in problems
    } == placeholders
    assert all("(a placeholder left by crisiskit" in p.message for p in problems)
    shutil.copy(KIT, tmp_path / "kits" / "inherits.yml")
    checked = invoke(tmp_path, "check", "kits")
    assert checked.returncode == 1 and "Traceback" not in checked.stderr
    assert {int(m) for m in re.findall(r"^crisiskit\.yml:(\d+):\d+ ", checked.stderr, re.MULTILINE)} == placeholders


def test_the_filled_profile_is_valid_and_every_kit_inherits_it(tmp_path: Path) -> None:
    assert invoke(tmp_path, "init").returncode == 0
    config = tmp_path / "crisiskit.yml"
    config.write_text(_fill(config.read_text(encoding="utf-8")), encoding="utf-8")
    assert "[[fill in" not in config.read_text(encoding="utf-8").replace("# Replace every [[fill in", "").replace(
        "# 請替換每一個 [[fill in", ""
    )
    assert profile_fields(tmp_path) == {"organization", "spokesperson", "signatory", "contacts", "languages"}
    shutil.copy(KIT, tmp_path / "kits" / "inherits.yml")
    [incident] = read_incidents([tmp_path / "kits"])
    assert incident.organization.name.get("zh-Hant") == "Acme Pay"
    assert incident.organization.locale == {"en": "en-US", "zh-Hant": "zh-Hant-TW"}
    assert incident.contacts.press.phone == "+886 2 2700 1299" and incident.contacts.privacy is None
    assert incident.signatory.title.get("zh-Hant") == "公關主管"
    # the commented default approvers, once uncommented, are valid settings too
    uncommented = re.sub(r"^# (approvals:|  by_)", r"\1", config.read_text(encoding="utf-8"), flags=re.MULTILINE)
    config.write_text(uncommented, encoding="utf-8")
    assert load_config(tmp_path).approvals_by_severity["severe"] == ["communications", "legal"]


def test_init_never_overwrites_an_existing_crisiskit_yml(tmp_path: Path) -> None:
    (tmp_path / "crisiskit.yml").write_text("rules: {CK201: off}\n", encoding="utf-8")
    result = invoke(tmp_path, "init")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr == (
        "crisiskit.yml: expected a folder without a crisiskit.yml; got one that already exists (edit it, or move it "
        "away to start again)\n"
    )
    assert (tmp_path / "crisiskit.yml").read_text(encoding="utf-8") == "rules: {CK201: off}\n"
    assert not (tmp_path / "kits").exists()


def test_init_keeps_an_existing_kits_folder_and_refuses_a_file_in_its_place(tmp_path: Path) -> None:
    (tmp_path / "kits").mkdir()
    (tmp_path / "kits" / "outage.yml").write_text("id: outage\n", encoding="utf-8")
    assert invoke(tmp_path, "init").returncode == 0
    assert (tmp_path / "kits" / "outage.yml").read_text(encoding="utf-8") == "id: outage\n"
    other = tmp_path / "other"
    other.mkdir()
    (other / "kits").write_text("", encoding="utf-8")
    result = invoke(other, "init")
    assert result.returncode == 1 and result.stderr.startswith("kits: expected a folder for the incident kits")
    assert not (other / "crisiskit.yml").exists()


def test_every_field_is_explained_in_english_and_traditional_chinese() -> None:
    lines = profile_text(["en", "zh-Hant"]).splitlines()
    for index, line in enumerate(lines):
        # each field (not a language of a text) is explained by the two lines above it, in en, then zh-Hant
        if re.match(r"^ *[a-z_]+:", line) and not re.match(r"^ +(en|zh-Hant):", line):
            english, chinese = lines[index - 2].strip(), lines[index - 1].strip()
            assert english.startswith("# ") and re.search(r"[A-Za-z]{3}", english), line
            assert chinese.startswith("# ") and re.search(r"[\u4e00-\u9fff]", chinese), line
    assert sum("例：" in line for line in lines) == sum("Example: " in line for line in lines) == 16


def test_the_languages_given_shape_every_text_placeholder(tmp_path: Path) -> None:
    assert invoke(tmp_path, "init", "--language", "en").returncode == 0
    text = (tmp_path / "crisiskit.yml").read_text(encoding="utf-8")
    assert "languages: [en]\n" in text
    assert not re.search(r"^ +zh-Hant:", text, re.MULTILINE)
    assert "    en: \"[[fill in: the 'About' paragraph closing every press release, in en]]\"" in text
    bad = invoke(tmp_path / "kits", "init", "--language", "english")
    assert bad.returncode == 2 and "expected a BCP 47 language tag" in bad.stderr
    assert not (tmp_path / "kits" / "crisiskit.yml").exists()
