"""Dates, times and numbers follow the organisation's locale everywhere, datelines included.

A US organisation that reads "14 April 2018" in its statement and "April 14,
2018" in its press release looks careless to the reporters it writes to;
the locale given per language (``organization.locale: {en: en-US}``) now
decides both. The kit is testdata/test_checks/clean.yml (a clean kit),
with a locale, a press release and a date fact planted into it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import TESTDATA
from crisiskit.compose.composed import SiteOptions
from crisiskit.compose.revision import RevisionText
from crisiskit.errors import KitError
from crisiskit.pipeline import compose, read_incidents

CLEAN = (TESTDATA / "test_checks" / "clean.yml").read_text(encoding="utf-8")
WEBSITE = "  website: https://acme.example/\n"
FACTS = "  failed_payments: 12500\n"
ACK_EN = (
    "        en: Since {{ facts.outage_start }}, many shops cannot take card payments. We are sorry for the trouble.\n"
)


def _kit(tmp_path: Path, locale: str | None, replacements: list[tuple[str, str]] = ()) -> str:
    text = CLEAN.replace("key_messages:\n", "channels:\n  press_release: {enabled: true}\nkey_messages:\n")
    if locale:
        text = text.replace(WEBSITE, f"{WEBSITE}  locale: {locale}\n")
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    (tmp_path / "kits").mkdir(parents=True)
    (tmp_path / "kits" / "outage.yml").write_text(text, encoding="utf-8")
    return text


def _revision(tmp_path: Path, number: int, language: str) -> RevisionText:
    incidents = read_incidents([tmp_path / "kits"])
    item = compose(incidents, SiteOptions("https://status.acme.example/"))[0]
    return item.texts[number][language]


def _post(text: RevisionText, channel: str) -> str:
    return next(p.text for p in text.posts if p.channel == channel)


# locale setting, language, body date and time (the fact outage_start, 2026-11-20T09:00+08:00), date alone, dateline
CASES = [
    ("{en: en-US}", "en", "November 20, 2026, 9:00 AM (UTC+08:00)", "November 20, 2026", "November 20, 2026"),
    ("{en: en-GB}", "en", "20 November 2026, 09:00 (UTC+08:00)", "20 November 2026", "20 November 2026"),
    ("{zh-Hant: zh-Hant-TW}", "zh-Hant", "2026年11月20日 上午9:00 (UTC+08:00)", "2026年11月20日", "2026年11月20日"),
    # no locale: the house style, and the datelines approved texts have always had (see formatting.py)
    (None, "en", "20 November 2026, 09:00 (UTC+08:00)", "20 November 2026", "November 20, 2026"),
    (None, "zh-Hant", "2026年11月20日 09:00 (UTC+08:00)", "2026年11月20日", "2026年11月20日"),
]


@pytest.mark.parametrize("locale, language, when, date, dateline", CASES)
def test_body_and_dateline_follow_the_locale(
    tmp_path: Path, locale: str | None, language: str, when: str, date: str, dateline: str
) -> None:
    _kit(tmp_path, locale)
    text = _revision(tmp_path, 1, language)
    assert when in (text.acknowledgement or ""), text.acknowledgement
    assert text.issued_at.startswith(date) and date in text.next_update_at
    release = _post(text, "press_release")
    opening = release.split("\n\n")[1]
    assert opening.startswith(dateline), opening  # no city in this kit: the dateline opens the paragraph
    assert when in release  # the acknowledgement, with the body's date, follows the dateline
    assert "\u202f" not in release + text.issued_at  # CLDR's narrow no-break space would make an SMS UCS-2


def test_us_and_british_datelines_differ_only_in_the_date(tmp_path: Path) -> None:
    _kit(tmp_path / "us", "{en: en-US}")
    _kit(tmp_path / "gb", "{en: en-GB}")
    us = _post(_revision(tmp_path / "us", 1, "en"), "press_release")
    gb = _post(_revision(tmp_path / "gb", 1, "en"), "press_release")
    normalised = re.sub(r"November 20, 2026(, \d{1,2}:\d\d [AP]M)?", "DATE", us)
    assert normalised == re.sub(r"20 November 2026(, \d\d:\d\d)?", "DATE", gb)
    assert "April" not in us and "November 20, 2026" in us.split("\n\n")[1]


@pytest.mark.parametrize(
    "locale, language, number",
    [
        ("{en: en-US}", "en", "12,500"),
        ("{en: en-GB}", "en", "12,500"),
        ("{zh-Hant: zh-Hant-TW}", "zh-Hant", "12,500"),
    ],
)
def test_numbers_follow_the_locale(tmp_path: Path, locale: str, language: str, number: str) -> None:
    _kit(tmp_path, locale)
    assert number in _revision(tmp_path, 2, language).sections["what_happened"]


def test_a_locale_must_be_of_its_language(tmp_path: Path) -> None:
    text = _kit(tmp_path, "{en: de-DE}")
    with pytest.raises(KitError) as error:
        read_incidents([tmp_path / "kits"])
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "locale:" in row)
    [problem] = error.value.lines()
    assert f"outage.yml:{line}:" in problem
    assert "expected for en a known locale of that language, such as en-GB; got de-DE" in problem


def test_a_german_locale_for_german_groups_digits_its_own_way(tmp_path: Path) -> None:
    """The language's own conventions, not English ones: 12.500 in de-DE, where en-US writes 12,500."""
    from crisiskit.compose.formatting import format_fact
    from crisiskit.model.schema.facts import Fact

    fact = Fact._validate(12500)
    assert (format_fact(fact, "de", "de-DE"), format_fact(fact, "en", "en-US")) == ("12.500", "12,500")


# a fact in words that opens a sentence is capitalised in Latin scripts only, and only there; an address never
DAY = [(FACTS, FACTS + "  closing_day: {en: monday, zh-Hant: 星期一}\n")]


@pytest.mark.parametrize(
    "headline, expected_en, expected_zh",
    [
        (
            '{en: "{{ facts.closing_day }}: shops close early", zh-Hant: "{{ facts.closing_day }}：商店提早打烊"}',
            "Monday: shops close early",
            "星期一：商店提早打烊",
        ),
        (
            '{en: "{{ facts.failed_payments }} payments failed", zh-Hant: "{{ facts.failed_payments }} 筆付款失敗"}',
            "12,500 payments failed",
            "12,500 筆付款失敗",
        ),
        (
            '{en: "Shops close early on {{ facts.closing_day }}", zh-Hant: "商店於{{ facts.closing_day }}提早打烊"}',
            "Shops close early on monday",
            "商店於星期一提早打烊",
        ),
        (
            '{en: "We are sorry. {{ facts.closing_day }} is a half day", '
            'zh-Hant: "很抱歉。{{ facts.closing_day }}半天"}',
            "We are sorry. Monday is a half day",
            "很抱歉。星期一半天",
        ),
        (
            '{en: "{{ facts.status_page }} has live status", zh-Hant: "{{ facts.status_page }} 提供即時狀態"}',
            "https://status.acme.example/ has live status",
            "https://status.acme.example/ 提供即時狀態",
        ),
    ],
)
def test_a_fact_that_opens_a_sentence_is_capitalised(
    tmp_path: Path, headline: str, expected_en: str, expected_zh: str
) -> None:
    _kit(
        tmp_path,
        None,
        [
            *DAY,
            (
                "      headline: {en: Statement on the payment outage, zh-Hant: 關於付款服務中斷的說明}\n",
                f"      headline: {headline}\n",
            ),
        ],
    )
    assert (_revision(tmp_path, 1, "en").headline, _revision(tmp_path, 1, "zh-Hant").headline) == (
        expected_en,
        expected_zh,
    )


def test_a_paragraph_or_list_item_that_opens_with_a_fact_is_capitalised(tmp_path: Path) -> None:
    _kit(
        tmp_path,
        None,
        [
            *DAY,
            (
                ACK_EN,
                "        en: |-\n          {{ facts.closing_day }} is the last day of the "
                "outage.\n\n          - {{ facts.closing_day }} evening: all shops work\n",
            ),
        ],
    )
    text = _revision(tmp_path, 1, "en")
    assert text.acknowledgement == "Monday is the last day of the outage.\n\n- Monday evening: all shops work"
