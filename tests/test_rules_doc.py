"""RULES.md explains every rule (issue 13): the crisis-communication reason behind it and an example that
passes and one that fails, in both languages.

That RULES.md is current (equals `crisiskit rules`) is tested in test_checks.py; this file tests that
the catalogue it is generated from is complete.
"""

from __future__ import annotations

import pytest

from crisiskit.checks.findings import rule_catalogue, rules_markdown

LANGUAGES = ("en", "zh-Hant")


@pytest.mark.parametrize("rule", sorted(rule_catalogue()))
def test_every_rule_has_a_reason_and_examples_that_pass_and_fail_in_both_languages(rule: str) -> None:
    spec = rule_catalogue()[rule]
    assert spec["reason"].strip(), f"{rule}: no reason"
    for kind in ("passes", "fails"):
        for language in LANGUAGES:
            assert spec[kind].get(language, "").strip(), f"{rule}: no {kind} example in {language}"
    for language in LANGUAGES:
        assert spec["passes"][language] != spec["fails"][language], f"{rule}: the same example passes and fails"


@pytest.mark.parametrize("rule", sorted(rule_catalogue()))
def test_rules_md_shows_each_rules_reason_and_examples(rule: str) -> None:
    spec = rule_catalogue()[rule]
    text = rules_markdown()
    assert spec["reason"] in text
    for kind in ("passes", "fails"):
        for language in LANGUAGES:
            assert f"- {kind.capitalize()} ({language}): {spec[kind][language]}" in text, (rule, kind, language)
