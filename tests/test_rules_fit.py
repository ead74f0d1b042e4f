"""Rules that judge a message by its crisis type, audience and purpose (issue 13): the classes of false
alarm a communications lead reported, each with the near miss that must still be caught.

The corpus (test_rules_corpus.py) covers the wording and structure rules
text by text; this file covers what a corpus of single texts cannot: a
rule's severity by crisis type, the examples RULES.md shows, texts that are
the same in every language, channels by audience and language, and the
e-mail subject derived from a headline.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import regex

from conftest import TESTDATA
from crisiskit.checks.findings import Finding, rule_catalogue
from crisiskit.checks.wording import wording_rules
from crisiskit.pipeline import check

CLEAN = (TESTDATA / "test_checks" / "clean.yml").read_text(encoding="utf-8")
AT = datetime.fromisoformat("2026-11-20T15:00:00+08:00")


def _check(tmp_path: Path, text: str, settings: str | None = None) -> list[Finding]:
    kits = tmp_path / "kits"
    kits.mkdir(parents=True, exist_ok=True)
    (kits / "outage.yml").write_text(text, encoding="utf-8")
    if settings is not None:  # a project: crisiskit.yml beside mkdocs.yml
        site = "site_name: Acme\nsite_url: https://status.acme.example/\n"
        (tmp_path / "mkdocs.yml").write_text(site, encoding="utf-8")
        (tmp_path / "crisiskit.yml").write_text(settings, encoding="utf-8")
    return check([kits], AT)[1]


def _plant(*pairs: tuple[str, str]) -> str:
    text = CLEAN
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


EXCUSE = (
    "We are sorry to every shop and customer who could not pay.",
    "We are sorry if anyone was unable to pay; our staff followed procedure.",
)


@pytest.mark.parametrize("crisis_type, severity", [("preventable", "error"), ("accidental", "warning")])
def test_an_excuse_is_an_error_in_a_preventable_crisis_and_a_warning_otherwise(
    tmp_path: Path, crisis_type: str, severity: str
) -> None:
    found = _check(tmp_path, _plant(("crisis_type: accidental", f"crisis_type: {crisis_type}"), EXCUSE))
    mine = [(f.severity, f.column) for f in found if f.rule == "CK409"]
    line = next(row for row in _plant(EXCUSE).splitlines() if "sorry if" in row)
    assert (severity, line.index("sorry if") + 1) in mine and {s for s, _ in mine} == {severity}, mine


def test_the_project_setting_wins_over_the_preventable_default(tmp_path: Path) -> None:
    found = _check(
        tmp_path,
        _plant(("crisis_type: accidental", "crisis_type: preventable"), EXCUSE),
        settings="rules:\n  CK409: warning\n  CK601: off\n",
    )
    assert {f.severity for f in found if f.rule == "CK409"} == {"warning"}


def _quoted(text: str) -> str:
    """The words of a RULES.md example: inside "..." or 「...」."""
    found = regex.search(r'"(.+)"|「(.+)」', text)
    assert found, text
    return found.group(1) or found.group(2)


@pytest.mark.parametrize("rule", ["CK304", "CK404", "CK409"])
@pytest.mark.parametrize("language", ["en", "zh-Hant"])
def test_the_wording_examples_in_rules_md_do_what_they_say(rule: str, language: str) -> None:
    spec = rule_catalogue()[rule]
    check_rule = wording_rules(language)[rule]
    assert spec["reason"]
    assert list(check_rule.matches(_quoted(spec["fails"][language]))), spec["fails"][language]
    assert not list(check_rule.matches(_quoted(spec["passes"][language]))), spec["passes"][language]


def test_codes_names_and_addresses_need_no_translation_but_sentences_do(tmp_path: Path) -> None:
    same = _plant(
        (
            "title: {en: Payments unavailable, zh-Hant: 付款服務無法使用}",
            "title: {en: Acme Pay K2-2611, zh-Hant: Acme Pay K2-2611}",
        )
    )
    assert [f.text() for f in _check(tmp_path / "same", same) if f.rule == "CK206"] == []
    sentence = _plant(
        (
            "title: {en: Payments unavailable, zh-Hant: 付款服務無法使用}",
            "title: {en: Payments are unavailable, zh-Hant: Payments are unavailable}",
        )
    )
    found = [f for f in _check(tmp_path / "sentence", sentence) if f.rule == "CK206"]
    assert [(f.line, f.language) for f in found] == [(3, "zh-Hant")]


def test_regional_and_switched_off_channels_are_not_missing_but_an_audience_without_one_is(tmp_path: Path) -> None:
    severe = _plant(
        ("severity: moderate", "severity: severe"),
        (
            "signatory: {name: Lee Chen, title: {en: Head of Communications, zh-Hant: 公關主管}}",
            "signatory: {name: Lee Chen, title: {en: Chief Executive, zh-Hant: 執行長}}",
        ),
        ("languages: [en, zh-Hant]", "languages: [en]"),
    )
    english = regex.sub(r", zh-Hant: [^,}\n]+(?=})", "", severe)
    english = regex.sub(r"\n\s+zh-Hant: .*", "", english)
    off = english.replace(
        "key_messages:\n",
        "audiences: [affected_customers, media]\nchannels:\n  weibo: {enabled: "
        "false}\n  line: {enabled: false}\n  press_release: {enabled: false}\nkey_messages:\n",
    )
    assert [f.text() for f in _check(tmp_path / "off", off) if f.rule == "CK502"] == []
    silent = off.replace(
        "  press_release: {enabled: false}\n",
        "  press_release: {enabled: false}\n  media_statement: {enabled: false}\n",
    )
    found = [f for f in _check(tmp_path / "silent", silent) if f.rule == "CK502"]
    assert [(f.channel, "media" in f.message) for f in found] == [("press_release", True)]


def test_a_subject_derived_from_a_long_headline_points_at_the_headline_and_says_how_to_fix_it(tmp_path: Path) -> None:
    headline = "Payments restored: what happened, who was affected, and what we are changing now"
    text = _plant(('headline: {en: "Payments restored: what happened"', f'headline: {{en: "{headline}"'))
    found = [f for f in _check(tmp_path, text) if f.rule == "CK103"]
    row = next(n for n, line in enumerate(text.splitlines(), 1) if headline in line)
    assert [(f.line, f.language) for f in found] == [(row, "en")]
    assert "shorten the headline" in found[0].message and "subject:" in found[0].message


SCENARIO = "scenario: payments\ndescribe: {en: Payments fail., zh-Hant: 付款失敗。}\ncrisis_type: accidental\n"


@pytest.mark.parametrize(
    "strategy, crisis_type, fits",
    [
        ("inform_and_rebuild", "accidental", True),
        ("rebuild", "preventable", True),
        ("deny", "victim", True),
        ("deny", "accidental", False),  # denial fits only a rumour with no basis
        ("inform", "preventable", False),  # a preventable crisis owes the full rebuild
        ("inform_and_rebuild", "preventable", False),
    ],
)
def test_a_scenario_whose_strategy_does_not_fit_the_crisis_type_is_ck303_at_its_strategy(
    tmp_path: Path, strategy: str, crisis_type: str, fits: bool
) -> None:
    (tmp_path / "kits" / "scenarios").mkdir(parents=True)
    scenario = SCENARIO.replace("accidental", crisis_type) + f"strategy: {strategy}\n"
    (tmp_path / "kits" / "scenarios" / "payments.yml").write_text(scenario, encoding="utf-8")
    kit = _plant(("id: outage\n", "id: outage\nextends: payments\n"), ("crisis_type: accidental\n", ""))
    found = [f for f in _check(tmp_path, kit) if f.file.endswith("scenarios/payments.yml")]
    expected = [] if fits else [("CK303", "error", 4, 11, "strategy")]
    assert [(f.rule, f.severity, f.line, f.column, f.path) for f in found] == expected, found
    if not fits:
        assert f"a {crisis_type} crisis" in found[0].message and f"takes {strategy}" in found[0].message


def test_an_incident_of_another_crisis_type_than_its_scenarios_text_is_ck303(tmp_path: Path) -> None:
    """The scenario is accidental, its text inform_and_rebuild; the incident turns out preventable: no fit."""
    (tmp_path / "kits" / "scenarios").mkdir(parents=True)
    scenario = SCENARIO + "strategy: inform_and_rebuild\n"
    (tmp_path / "kits" / "scenarios" / "payments.yml").write_text(scenario, encoding="utf-8")
    kit = _plant(
        ("id: outage\n", "id: outage\nextends: payments\n"), ("crisis_type: accidental", "crisis_type: preventable")
    )
    found = [f for f in _check(tmp_path, kit) if f.rule == "CK303" and f.file.endswith("scenarios/payments.yml")]
    assert [(f.line, f.path) for f in found] == [(4, "strategy")]
    assert "fits a preventable crisis (strategy rebuild)" in found[0].message
