"""SMS rules: a typographic character that silently makes an SMS UCS-2 (CK104), and the parts limit (CK102).

Each case plants an SMS in a copy of testdata/test_checks/clean.yml (a kit every rule passes) and
asserts the finding's exact line and column in the planted file, so the author is sent to the very
character to retype.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from crisiskit.checks.engine import run_checks
from crisiskit.checks.findings import Finding
from crisiskit.compose.composed import SiteOptions
from crisiskit.counting.sms import gsm7_replacement
from crisiskit.errors import KitError
from crisiskit.model.config import load_config
from crisiskit.pipeline import compose, read_incidents

CLEAN = (Path(__file__).parent / "testdata" / "test_checks" / "clean.yml").read_text(encoding="utf-8")
AT = datetime.fromisoformat("2026-11-20T15:00:00+08:00")
SITE = SiteOptions("https://status.example.invalid/")
REV1_END = "    next_update_at: 2026-11-20T14:00:00+08:00\n"
LINK = "{{ statement_url }}"
URL = SITE.statement_url("en", "outage")
ZH_OK = "付款服務中斷，我們正在處理。" + LINK


def _sms(en: str, zh: str = ZH_OK) -> str:
    """The clean kit with an SMS override in revision 1 (YAML double-quoted, so escapes would work too)."""
    assert CLEAN.count(REV1_END) == 1
    return CLEAN.replace(
        REV1_END,
        f'{REV1_END}    channels:\n      sms:\n        text:\n          en: "{en}"\n          zh-Hant: "{zh}"\n',
    )


def _run(tmp_path: Path, kit: str, config: str | None = None) -> tuple[list[Finding], list]:
    (tmp_path / "kits").mkdir(parents=True, exist_ok=True)
    (tmp_path / "kits" / "outage.yml").write_text(kit, encoding="utf-8")
    if config is not None:
        (tmp_path / "crisiskit.yml").write_text(config, encoding="utf-8")
    composed = compose(read_incidents([tmp_path / "kits"]), SITE, tmp_path)
    return run_checks(composed, AT, approvals=False), composed


def _sms_rules(found: list[Finding]) -> list[Finding]:
    return [f for f in found if f.rule in ("CK102", "CK104")]


def _position(text: str, ch: str, nth: int = 0) -> tuple[int, int]:
    seen = 0
    for number, line in enumerate(text.splitlines(), 1):
        for column, c in enumerate(line, 1):
            if c == ch:
                if seen == nth:
                    return number, column
                seen += 1
    raise AssertionError(f"{ch!r} not in the kit")


def _line_of(text: str, token: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if token in line)


def _sms_text(composed: list, language: str = "en") -> str:
    return next(p.text for p in composed[0].texts[1][language].posts if p.channel == "sms")


def test_one_curly_apostrophe_in_a_150_character_sms_is_found_at_its_column(tmp_path: Path) -> None:
    head = "Acme Pay: card payments fail at many shops. We\u2019re fixing it; transfers work. Details: "
    kit = _sms(head + "x" * (150 - len(head) - len(URL) - 1) + " " + LINK)
    found, composed = _run(tmp_path, kit)
    assert len(_sms_text(composed)) == 150
    mine = _sms_rules(found)
    assert [(f.rule, f.line, f.column, f.language) for f in mine] == [("CK104", *_position(kit, "\u2019"), "en")]
    assert "U+2019 RIGHT SINGLE QUOTATION MARK" in mine[0].message
    assert 'write "\'" instead' in mine[0].message
    assert "3 part(s) of 150 UCS-2 units instead of 1 GSM-7 part(s)" in mine[0].message
    assert mine[0].path == "updates[0].channels.sms.text.en" and mine[0].severity == "warning"


def test_every_offending_character_is_named_at_its_own_place(tmp_path: Path) -> None:
    kit = _sms("Acme Pay \u2013 \u201cpayments\u201d fail\u2026 we\u2019re on it; we\u2019ll update\u00a0soon. " + LINK)
    found, _ = _run(tmp_path, kit)
    got = {(f.line, f.column): f.message for f in _sms_rules(found)}
    expected = {
        _position(kit, "\u2013"): ("U+2013", '"-"'),
        _position(kit, "\u201c"): ("U+201C", '"""'),
        _position(kit, "\u201d"): ("U+201D", '"""'),
        _position(kit, "\u2026"): ("U+2026", '"..."'),
        _position(kit, "\u2019", 0): ("U+2019", '"\'"'),
        _position(kit, "\u2019", 1): ("U+2019", '"\'"'),
        _position(kit, "\u00a0"): ("U+00A0", '" "'),
    }
    assert set(got) == set(expected)
    for place, (code, replacement) in expected.items():
        assert code in got[place] and f"write {replacement} instead" in got[place]


def test_a_character_in_a_folded_block_is_found_on_its_own_line(tmp_path: Path) -> None:
    kit = CLEAN.replace(
        REV1_END,
        f"{REV1_END}    channels:\n      sms:\n        text:\n          en: >-\n"
        f"            Acme Pay: card payments fail at many shops.\n"
        f'            We\u2019re fixing it. {LINK}\n          zh-Hant: "{ZH_OK}"\n',
    )
    found, _ = _run(tmp_path, kit)
    assert [(f.rule, f.line, f.column) for f in _sms_rules(found)] == [("CK104", *_position(kit, "\u2019"))]


def test_a_derived_sms_points_at_the_headline_it_took_the_character_from(tmp_path: Path) -> None:
    old = "headline: {en: Statement on the payment outage,"
    kit = CLEAN.replace(old, "headline: {en: Statement on the payment outage \u2013 update,")
    found, composed = _run(tmp_path, kit)
    assert "\u2013" in _sms_text(composed)
    mine = [f for f in _sms_rules(found) if f.line == _position(kit, "\u2013")[0]]
    assert [(f.rule, f.column, f.path) for f in mine] == [
        ("CK104", _position(kit, "\u2013")[1], "updates[0].statement.headline.en")
    ]


def test_a_pure_gsm7_sms_has_no_finding(tmp_path: Path) -> None:
    found, composed = _run(
        tmp_path,
        _sms("Acme Pay: card payments fail at many shops; transfers work. We're on it (next update 14:00). " + LINK),
    )
    assert _sms_rules(found) == []
    assert _run(tmp_path / "plain", CLEAN)[0] == []


def test_chinese_is_ucs2_by_design_and_only_its_parts_count(tmp_path: Path) -> None:
    found, _ = _run(tmp_path, _sms("Payments down. " + LINK, "付款服務中斷，我們正在處理。" + LINK))
    assert _sms_rules(found) == []  # UCS-2, one part: nothing to say
    long_zh = "付款服務中斷，我們正在處理，請改用轉帳。" * 12 + LINK
    kit = _sms("Payments down. " + LINK, long_zh)
    found, _ = _run(tmp_path / "long", kit)
    mine = _sms_rules(found)
    assert [(f.rule, f.language, f.line) for f in mine] == [("CK102", "zh-Hant", _line_of(kit, long_zh[:20]))]
    assert mine[0].message.startswith("expected at most 3 SMS part(s); got 5 ")


def test_a_project_sets_its_own_maximum_parts(tmp_path: Path) -> None:
    two_parts = "Acme Pay: card payments fail at many shops; bank transfers still work. " * 2 + LINK
    kit = _sms(two_parts)
    assert _sms_rules(_run(tmp_path / "default", kit)[0]) == []  # 2 parts, within the default 3
    found, _ = _run(tmp_path / "strict", kit, "limits:\n  sms_parts: {sms: 1}\n")
    first = [f for f in _sms_rules(found) if f.path.startswith("updates[0]")]
    assert [(f.rule, f.language, f.line) for f in first] == [("CK102", "en", _line_of(kit, two_parts[:20]))]
    assert first[0].message.startswith("expected at most 1 SMS part(s); got 2 ")
    long_zh = "付款服務中斷，我們正在處理，請改用轉帳。" * 12 + LINK
    found, _ = _run(tmp_path / "generous", _sms("Payments down. " + LINK, long_zh), "limits: {sms_parts: {sms: 6}}\n")
    assert _sms_rules(found) == []


def test_sms_parts_for_a_channel_that_is_no_sms_is_reported_at_its_position(tmp_path: Path) -> None:
    (tmp_path / "crisiskit.yml").write_text("limits:\n  sms_parts: {x: 2, sms: 0}\n", encoding="utf-8")
    with pytest.raises(KitError) as raised:
        load_config(tmp_path)
    problems = {(p.line, p.column, p.path): p.message for p in raised.value.problems}
    assert problems[(2, 15, "limits.sms_parts.x")] == 'expected an SMS channel (sms); got "x"'
    assert (2, 26, "limits.sms_parts.sms") in problems


@pytest.mark.parametrize(
    "ch,replacement",
    [
        ("\u2018", "'"),
        ("\u2019", "'"),
        ("\u201c", '"'),
        ("\u201d", '"'),
        ("\u2013", "-"),
        ("\u2014", "-"),
        ("\u2026", "..."),
        ("\u00a0", " "),
        ("\u202f", " "),
        ("\uff21", "A"),
        ("\u00e1", "a"),
        ("\u200b", ""),
        ("中", None),
        ("\U0001f600", None),
        ("\u0416", None),
    ],
)
def test_gsm7_replacements(ch: str, replacement: str | None) -> None:
    assert gsm7_replacement(ch) == replacement
