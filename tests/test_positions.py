"""Every finding points at the exact line AND column of what is wrong, however the YAML was written.

A communications lead fixes a finding by jumping to it in an editor: a
finding one line above the phrase (the ``en: >-`` key of a folded block),
or at the revision's first line instead of its broken promise, sends them
hunting. test_checks.py proves each rule fires at the right line; this file
adds the column, for every tripping case there, and for the ways YAML lets a
text be written: folded and literal blocks, flow mappings, quoted strings
(single, double, broken over lines), where the phrase may span a line break.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from crisiskit.checks.findings import Finding
from crisiskit.pipeline import check
from test_checks import AT, CLEAN, TRIPS

# For a case of test_checks.TRIPS whose token only marks the line: the text on that line where the finding must
# point (a whole-text finding points at the text's first character, a quote included; a structure finding at
# the revision number; a cadence finding at the promised time). Cases not listed point at their token itself, or
# at the number when the token is a revision's first line.
COLUMN_AT: dict[str, str] = {
    "x-too-long": '"We are working',
    "x-cjk-counts-double": '"我們正在處理',
    "sms-too-many-parts": '"付款服務中斷',
    "email-subject-too-long": '"Payments: a very',
    "number-written-out": "12,500",
    "number-contradicts-fact": "13,000",
    "time-written-out": "14:00.",
    "post-without-link": '"Payments are down',
    "avoided-phrase-in-public": "human error",
    "translation-is-the-source-again": "The update did not work",
    "chinese-without-chinese": "The update broke",
    "right-to-left-override": "\u202e",
    "zero-width-space": "\u200b",
    "cyrillic-letter-in-host": "https://status.",
    "curly-apostrophe-in-sms": "\u2019",
    "signed-by-the-wrong-role": "{en: Support Lead",
    "next-update-overdue": "2026-11-20T14:00",
    "next-update-beyond-cadence": "2026-11-22T10:00",
}


def _plant(text: str, replacements: list[tuple[str, str]]) -> str:
    for old, new in replacements:
        assert text.count(old) == 1, f"the kit must hold {old!r} exactly once"
        text = text.replace(old, new)
    return text


def _findings(tmp_path: Path, text: str) -> list[Finding]:
    (tmp_path / "kits").mkdir()
    (tmp_path / "kits" / "outage.yml").write_text(text, encoding="utf-8")
    return check([tmp_path / "kits"], datetime.fromisoformat(AT))[1]


def _position(text: str, line_token: str, at: str) -> tuple[int, int]:
    """Line of the first line holding ``line_token``, and the column of ``at`` on it (both 1-based)."""
    number, line = next((n, line) for n, line in enumerate(text.splitlines(), 1) if line_token in line)
    assert at in line, f"{at!r} is not on line {number}: {line!r}"
    return number, line.index(at) + 1


@pytest.mark.parametrize(
    "rule, name, replacements, token", [pytest.param(*case, id=f"{case[0]}-{case[1]}") for case in TRIPS]
)
def test_every_tripping_case_points_at_its_line_and_column(
    tmp_path: Path, rule: str, name: str, replacements: list, token: str
) -> None:
    text = _plant(CLEAN, replacements)
    mine = [f for f in _findings(tmp_path, text) if f.rule == rule]
    expected = _position(text, token, COLUMN_AT.get(name, token.removeprefix("- revision: ")))
    assert expected in {(f.line, f.column) for f in mine}, [f.text() for f in mine]


ACK_EN = (
    "        en: Since {{ facts.outage_start }}, many shops cannot take card payments. We are sorry for the trouble.\n"
)
NOT_KNOWN = "        en: We do not know the cause yet.\n        zh-Hant: 我們尚未確認原因。\n"
WHAT_HAPPENED = (
    "      what_happened:\n        en: Card payments fail at checkout; transfers still work.\n"
    "        zh-Hant: 結帳時刷卡付款失敗；轉帳功能仍可正常使用。\n"
)
CAUSE_EN = "        en: The update did not work with older card readers.\n"
REV1_END = "    next_update_at: 2026-11-20T14:00:00+08:00\n"

# name, replacements in the clean kit, the rule, the line token and the text on that line the finding must point at
SHAPES: list[tuple[str, list[tuple[str, str]], str, str, str]] = [
    (
        "folded-block-phrase-across-a-line-break",
        [
            (
                ACK_EN,
                "        en: >-\n          Since {{ facts.outage_start }}, many shops cannot take card payments.\n"
                "          We apologise for any\n          inconvenience this causes.\n",
            )
        ],
        "CK402",
        "We apologise for any",
        "any",
    ),
    (
        "folded-block-keep-with-deeper-indent",
        [
            (
                ACK_EN,
                "        en: >+\n            Since {{ facts.outage_start }}, many shops cannot take card payments.\n"
                "            We apologise for any inconvenience.\n",
            )
        ],
        "CK402",
        "We apologise for any",
        "any inconvenience",
    ),
    (
        "literal-block-second-line",
        [
            (
                NOT_KNOWN,
                "        en: |\n          We are looking into it.\n          No comment on the cause.\n"
                "        zh-Hant: 我們尚未確認原因。\n",
            )
        ],
        "CK401",
        "No comment on the cause.",
        "No comment",
    ),
    (
        "literal-block-zh-hant",
        [(NOT_KNOWN, "        en: We do not know the cause yet.\n        zh-Hant: |-\n          原因無可奉告。\n")],
        "CK401",
        "原因無可奉告",
        "無可奉告",
    ),
    (
        "flow-mapping",
        [
            (
                WHAT_HAPPENED,
                '      what_happened: {en: "Card payments probably fail at checkout.", '
                "zh-Hant: 結帳時刷卡付款失敗。}\n",
            )
        ],
        "CK404",
        "Card payments probably",
        "probably",
    ),
    (
        "single-quoted-with-an-escape",
        [
            (
                NOT_KNOWN,
                "        en: 'We''re not sure; it is probably a network fault.'\n        zh-Hant: 我們尚未確認原因。\n",
            )
        ],
        "CK404",
        "it is probably",
        "probably",
    ),
    (
        "double-quoted-over-two-lines",
        [
            (
                CAUSE_EN,
                '        en: "Our update did not work with older readers, and the outage was\n'
                '          caused by a third-party supplier."\n',
            )
        ],
        "CK405",
        "caused by a third-party",
        "caused by",
    ),
    (
        "whole-text-finding-in-a-folded-block",
        [
            (
                REV1_END,
                REV1_END + "    channels:\n      x:\n        text:\n          en: >-\n"
                "            " + "We are working on it and we will keep you informed. " * 7 + "{{ statement_url }}\n"
                "          zh-Hant: 我們正在處理。{{ statement_url }}\n",
            )
        ],
        "CK101",
        "We are working on it",
        "We are working",
    ),
    (
        "cadence-at-next-update-at-not-at-a-comment",
        [
            (
                REV1_END,
                "    # next_update_at: was 2026-11-20T14:00:00+08:00\n"
                "    next_update_at:   2026-11-22T10:00:00+08:00\n",
            )
        ],
        "CK505",
        "next_update_at:   2026-11-22",
        "2026-11-22",
    ),
]


@pytest.mark.parametrize("replacements, rule, line_token, at", [pytest.param(*case[1:], id=case[0]) for case in SHAPES])
def test_a_finding_points_at_the_words_however_the_text_is_written(
    tmp_path: Path, replacements: list, rule: str, line_token: str, at: str
) -> None:
    text = _plant(CLEAN, replacements)
    found = _findings(tmp_path, text)
    mine = [(f.line, f.column) for f in found if f.rule == rule]
    assert mine == [_position(text, line_token, at)], [f.text() for f in found]
