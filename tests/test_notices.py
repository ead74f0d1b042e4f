"""Data-breach notices per jurisdiction (compose/notices.py) and their rules CK801-CK804 (checks/notices.py).

The fixture (testdata/test_notices/kits/breach.yml) is a travel company's breach with customers in the EU,
California and Taiwan, through five revisions (holding statement, cause and the authority notified, a
correction of the number affected, the changes under way, the close-out), in en and zh-Hant. Each test
reads the notices as legal would, split by their headings, or plants one mistake in a copy of the kit.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from conftest import TESTDATA
from crisiskit.checks.engine import run_checks
from crisiskit.checks.findings import Finding, rules_markdown
from crisiskit.compose.composed import ComposedIncident, SiteOptions
from crisiskit.compose.notices import notice_spec, notice_table, split_by_headings
from crisiskit.model.channels import Channel, jurisdictions, notice_channels, post_channels, registry
from crisiskit.model.tables import approval_table
from crisiskit.pipeline import compose, read_incidents
from sites import invoke

KIT = (TESTDATA / "test_notices" / "kits" / "breach.yml").read_text(encoding="utf-8")
AT = datetime.fromisoformat("2026-11-23T12:00:00+01:00")
NOTICES = ("regulator_notice", "notice_california", "notice_gdpr_authority", "notice_gdpr_people", "notice_taiwan")
LANGUAGES = ("en", "zh-Hant")
TEMPLATES = Path(__file__).parent.parent / "generator" / "crisiskit" / "templates" / "channels" / "notices"


def _kit(tmp_path: Path, text: str = KIT, *replacements: tuple[str, str]) -> Path:
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    (tmp_path / "kits").mkdir(exist_ok=True)
    (tmp_path / "mkdocs.yml").write_text("site_name: t\nsite_url: https://example.org/\n", encoding="utf-8")
    path = tmp_path / "kits" / "breach.yml"
    path.write_text(text, encoding="utf-8")
    return path


def _composed(path: Path) -> ComposedIncident:
    return compose(read_incidents([path]), SiteOptions("https://example.org/"))[0]


def _findings(path: Path, at: datetime = AT) -> list[Finding]:
    return run_checks([_composed(path)], at, approvals=False)


def _notice(item: ComposedIncident, revision: int, language: str, channel: str) -> dict[str, str]:
    """The notice as heading -> text; the title is the first key."""
    post = next(p for p in item.texts[revision][language].posts if p.channel == channel)
    spec = notice_spec(channel)
    return split_by_headings(post.text, [spec.title[language], *spec.headings(language)])


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> ComposedIncident:
    """The fixture kit composed once, for the tests that only read it."""
    return _composed(_kit(tmp_path_factory.mktemp("clean")))


def _line(path: Path, token: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if token in line)


def test_the_breach_kit_passes_every_rule_through_five_revisions(tmp_path: Path) -> None:
    assert [f.text() for f in _findings(_kit(tmp_path))] == []


def test_every_revision_carries_one_notice_per_jurisdiction_and_audience_in_both_languages(
    clean: ComposedIncident,
) -> None:
    item = clean
    assert item.incident.jurisdictions == ("california", "gdpr", "taiwan")
    assert [r.number for r in item.incident.revisions] == [1, 2, 3, 4, 5]
    for number, languages in item.texts.items():
        for language in LANGUAGES:
            channels = [p.channel for p in languages[language].posts]
            assert all(channels.count(c) == 1 for c in NOTICES), (number, language, channels)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("revision", [1, 3, 5])
def test_each_notice_has_its_title_and_every_heading_and_none_is_empty(
    clean: ComposedIncident, language: str, revision: int
) -> None:
    item = clean
    for channel in NOTICES:
        spec = notice_spec(channel)
        sections = _notice(item, revision, language, channel)
        assert list(sections) == [spec.title[language], *spec.headings(language)], channel
        for heading in spec.headings(language):
            assert sections[heading].strip(), (channel, heading)
        assert "[Missing" not in str(sections) and "〔待補" not in str(sections)


def test_the_california_notice_has_the_statutory_headings_and_content(clean: ComposedIncident) -> None:
    item = clean
    notice = _notice(item, 3, "en", "notice_california")
    assert list(notice) == [
        "Notice of Data Breach",
        "What Happened",
        "What Information Was Involved",
        "What We Are Doing",
        "What You Can Do",
        "For More Information",
    ]
    assert "Date of this notice: November 20, 2026" in notice["Notice of Data Breach"]
    assert "Fjord Travel, https://fjordtravel.example/" in notice["Notice of Data Breach"]
    assert "The breach began on 18 November 2026, 22:10 (UTC+01:00) and was stopped on" in notice["What Happened"]
    assert "delayed by a law enforcement investigation: no." in notice["What Happened"]
    assert "A test copy of the booking database" in notice["What Happened"]  # the cause
    assert notice["What Information Was Involved"] == (
        "The personal information involved: names, e-mail addresses, and travel dates."
    )
    assert "24 months of identity monitoring" in notice["What We Are Doing"]
    assert "Hotline: +353 1 555 0100" in notice["For More Information"]
    assert "E-mail: help@fjordtravel.example" in notice["For More Information"]
    assert "Equifax" not in str(notice)  # no identity numbers exposed: no credit bureaus
    zh = _notice(item, 3, "zh-Hant", "notice_california")
    assert list(zh)[:3] == ["資料外洩通知", "發生了什麼事", "涉及哪些資訊"]
    assert "涉及的個人資料：姓名、電子郵件地址和出發日期。" in zh["涉及哪些資訊"]


def test_california_lists_the_credit_bureaus_when_identity_numbers_were_exposed(tmp_path: Path) -> None:
    item = _composed(_kit(tmp_path, KIT, ("identity_numbers_exposed: 0", "identity_numbers_exposed: 1200")))
    you_can_do = _notice(item, 2, "en", "notice_california")["What You Can Do"]
    assert [b in you_can_do for b in ("Equifax", "Experian", "TransUnion")] == [True, True, True]
    assert "1-888-397-3742" in you_can_do


def test_the_gdpr_notification_states_article_33_facts_as_each_revision_stands(clean: ComposedIncident) -> None:
    item = clean
    first = _notice(item, 1, "en", "notice_gdpr_authority")
    assert "To: the Data Protection Commission" in first["Notification"]
    assert "We became aware of the breach on 20 November 2026, 08:00 (UTC+01:00)." in first["Notification"]
    assert "Date and time of this notification" not in first["Notification"]  # not yet notified at revision 1
    third = _notice(item, 3, "en", "notice_gdpr_authority")
    assert "Date and time of this notification: 20 November 2026, 11:30 (UTC+01:00)" in third["Notification"]
    nature = third["Nature of the Breach"]
    assert "Approximate number of people concerned: 8,412." in nature  # corrected in revision 3
    assert (
        "Approximate number of people concerned: 8,214."
        in _notice(item, 2, "en", "notice_gdpr_authority")["Nature of the Breach"]
    )
    assert "Approximate number of personal data records concerned: 19,870." in nature
    assert "Categories of people concerned: customers who booked a trip since 2024." in nature
    assert "Data protection officer: dpo@fjordtravel.example" in third["Contact Point"]
    assert "phishing e-mails that quote real bookings" in third["Likely Consequences"]
    assert "We removed the copy" in third["Measures Taken or Proposed"]
    people = _notice(item, 3, "zh-Hant", "notice_gdpr_people")
    assert "可能的後果：引用真實訂單內容" in people["可能對您造成的影響"]
    assert "個資保護長：dpo@fjordtravel.example" in people["聯絡窗口"]


def test_the_taiwan_notice_states_the_facts_the_measures_and_the_hotline_in_both_languages(
    clean: ComposedIncident,
) -> None:
    item = clean
    zh = _notice(item, 2, "zh-Hant", "notice_taiwan")
    assert list(zh) == ["個人資料外洩事件通知", "事件事實", "已採取的因應措施", "諮詢專線"]
    assert "峽灣旅遊" in zh["個人資料外洩事件通知"]
    assert "8,214 位顧客的訂位紀錄遭讀取" in zh["事件事實"]
    assert "一份訂位資料庫的測試副本" in zh["事件事實"]
    assert "我們已刪除該副本" in zh["已採取的因應措施"]
    assert "專線：+353 1 555 0100" in zh["諮詢專線"]
    en = _notice(item, 2, "en", "notice_taiwan")
    assert list(en) == ["Notice of a personal data breach", "What Happened", "What We Have Done", "Questions"]


def test_a_fact_the_email_gives_and_a_notice_leaves_out_is_found_at_the_notice(tmp_path: Path) -> None:
    written = (
        "    channels:\n      notice_taiwan:\n        text:\n"
        '          en: "Notice of a personal data breach\\n\\nWhat Happened\\nBooking records were read.\\n\\n'
        'What We Have Done\\nWe removed the copy.\\n\\nQuestions\\n{{ statement_url }}"\n'
        '          zh-Hant: "個人資料外洩事件通知\\n\\n事件事實\\n訂位紀錄遭讀取。\\n\\n'
        "已採取的因應措施\\n我們已刪除該副本。\\n\\n"
        '諮詢專線\\n{{ statement_url }}"\n'
    )
    anchor = "    corrects: 2\n"
    path = _kit(tmp_path, KIT, (anchor, anchor + written))
    found = [f for f in _findings(path) if f.rule == "CK801"]
    said = {(f.channel, f.language, f.message.split(" to state ")[1].split(" (")[0]) for f in found}
    for language in LANGUAGES:
        for what in (
            "the fact credit_monitoring_months",
            "the hotline",
            "the cause",
            "the fact regulator_notified_at",
            "the fact data_types",
        ):
            assert ("notice_taiwan", language, what) in said, (language, what, said)
    taiwan = _line(path, "notice_taiwan:")
    assert {(f.language, f.line) for f in found} == {("en", taiwan + 2), ("zh-Hant", taiwan + 3)}  # as written
    assert all(f.severity == "warning" and "revision 3" in f.message for f in found)


def test_when_the_regulator_was_told_missing_from_the_email_is_found_at_the_revision(tmp_path: Path) -> None:
    path = _kit(
        tmp_path,
        KIT,
        (
            "        en: We removed the copy and notified {{ facts.regulator }} on "
            "{{ facts.regulator_notified_at }}.\n",
            "        en: We removed the copy and notified {{ facts.regulator }}.\n",
        ),
    )
    found = [f for f in _findings(path) if f.rule == "CK801"]
    assert found, "CK801 did not fire"
    assert {(f.channel, f.language) for f in found} == {("email", "en")}
    assert all("the fact regulator_notified_at" in f.message and "notice_gdpr_authority" in f.message for f in found)
    assert {f.line for f in found} == {_line(path, "- revision: 2"), _line(path, "- revision: 3")} | {
        _line(path, "- revision: 4"),
        _line(path, "- revision: 5"),
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_missing_required_fact_is_a_finding_and_said_in_the_notice_not_an_empty_heading(
    tmp_path: Path, language: str
) -> None:
    path = _kit(tmp_path, KIT, ("  affected_records: 19870\n", ""))
    found = [f for f in _findings(path) if f.rule == "CK802"]
    assert [(f.line, f.column, f.path, f.channel) for f in found] == [
        (_line(path, "jurisdictions:"), 16, "jurisdictions", "notice_gdpr_authority")
    ]
    assert "GDPR Art. 33(3)(a)" in found[0].message and "fact affected_records" in found[0].message
    assert "revisions 1, 2, 3, 4, 5" in found[0].message
    nature = _notice(_composed(path), 4, language, "notice_gdpr_authority")[
        notice_spec("notice_gdpr_authority").headings(language)[1]
    ]
    missing = {
        "en": "[Missing: the approximate number of personal data records concerned. Add fact affected_records",
        "zh-Hant": "〔待補：受影響個人資料紀錄的概略筆數。請在事件檔加入 fact affected_records",
    }
    assert missing[language] in nature


def test_a_fact_added_in_a_later_revision_is_missing_only_before_it(tmp_path: Path) -> None:
    path = _kit(
        tmp_path,
        KIT,
        ('  law_enforcement_delay: {type: text, value: {en: "no.", zh-Hant: 否。}}\n', ""),
        (
            "      affected_customers: 8412\n",
            "      affected_customers: 8412\n"
            '      law_enforcement_delay: {type: text, value: {en: "no.", zh-Hant: 否。}}\n',
        ),
    )
    found = [f for f in _findings(path) if f.rule == "CK802"]
    assert len(found) == 1 and found[0].channel == "notice_california"
    assert "Civil Code 1798.82(d)(2)(D)" in found[0].message and "revisions 1, 2;" not in found[0].message
    assert found[0].message.endswith("got none in revisions 1, 2")


def test_identity_numbers_exposed_without_an_identity_theft_offer_is_a_finding(tmp_path: Path) -> None:
    path = _kit(
        tmp_path,
        KIT,
        ("identity_numbers_exposed: 0", "identity_numbers_exposed: 1200"),
        ("  - kind: credit_monitoring\n", "  - kind: hotline\n"),
    )
    found = [f for f in _findings(path) if f.rule == "CK802"]
    assert [(f.channel, "1798.82(d)(2)(G)" in f.message) for f in found] == [("notice_california", True)]


def test_a_notice_written_by_hand_without_a_heading_its_law_requires_is_found_at_its_line(tmp_path: Path) -> None:
    written = (
        "    channels:\n      notice_california:\n        text:\n"
        '          en: "Notice of Data Breach\\n\\nWhat Happened\\n{{ facts.data_types }}\\n\\n'
        "What We Are Doing\\nx\\n\\n"
        'What You Can Do\\nx\\n\\nFor More Information\\n{{ statement_url }}"\n'
        '          zh-Hant: "資料外洩通知\\n\\n發生了什麼事\\n{{ facts.data_types }}\\n\\n'
        "涉及哪些資訊\\nx\\n\\n我們正在採取的措施\\nx\\n\\n"
        '您可以採取的行動\\nx\\n\\n更多資訊\\n{{ statement_url }}"\n'
    )
    anchor = "    corrects: 2\n"
    path = _kit(tmp_path, KIT, (anchor, anchor + written))
    found = [f for f in _findings(path) if f.rule == "CK802"]
    assert [(f.language, f.line) for f in found] == [("en", _line(path, "notice_california:") + 2)]
    assert '"What Information Was Involved"' in found[0].message and "1798.82(d)" in found[0].message


@pytest.mark.parametrize(
    ("at", "rule", "said"),
    [
        ("2026-11-21T10:00:00+01:00", "CK803", "46.0 h left at 2026-11-21T10:00:00+01:00"),
        ("2026-11-24T08:00:00+01:00", "CK804", "by 2026-11-24T08:00:00+01:00, 24.0 h overdue"),
        ("2026-11-24T12:00:00+01:00", "CK804", "got 2026-11-24T09:00:00+01:00, 25.0 h late, with no reasons"),
    ],
)
def test_the_gdpr_72_hour_window_before_and_after_the_deadline(tmp_path: Path, at: str, rule: str, said: str) -> None:
    path = _kit(
        tmp_path,
        KIT,
        (
            "      regulator_notified_at: 2026-11-20T11:30:00+01:00\n",
            "      regulator_notified_at: 2026-11-24T09:00:00+01:00\n",
        ),
    )
    found = [f for f in _findings(path, datetime.fromisoformat(at)) if f.rule in ("CK803", "CK804")]
    assert [f.rule for f in found] == [rule]
    assert "expected the supervisory authority notified by 2026-11-23T08:00:00+01:00" in found[0].message
    assert said in found[0].message
    assert found[0].line == _line(path, "regulator_notified_at: 2026-11-24")  # at the fact
    assert found[0].channel == "notice_gdpr_authority"


def test_a_late_notification_with_its_reasons_is_no_finding_and_the_notice_gives_them(tmp_path: Path) -> None:
    path = _kit(
        tmp_path,
        KIT,
        (
            "      regulator_notified_at: 2026-11-20T11:30:00+01:00\n",
            "      regulator_notified_at: 2026-11-24T09:00:00+01:00\n"
            "      notification_delay_reason: {type: text, value: {en: the copy was found by a researcher days later.,"
            " zh-Hant: 該副本數日後才由研究人員發現。}}\n",
        ),
    )
    found = _findings(path, datetime.fromisoformat("2026-11-25T12:00:00+01:00"))
    assert [f.text() for f in found if f.rule.startswith("CK8")] == []
    item = _composed(path)
    notification = _notice(item, 5, "en", "notice_gdpr_authority")["Notification"]
    assert "later than 72 hours after we became aware: the copy was found by a researcher days later." in notification


def test_without_aware_at_the_gdpr_notice_asks_for_it(tmp_path: Path) -> None:
    path = _kit(tmp_path, KIT, ("aware_at: 2026-11-20T08:00:00+01:00\n", ""))
    found = [f for f in _findings(path) if f.rule.startswith("CK8")]
    assert [(f.rule, f.channel) for f in found] == [("CK802", "notice_gdpr_authority")]
    assert "aware_at" in found[0].message and "GDPR Art. 33(1)" in found[0].message


def test_a_kit_without_jurisdictions_gets_no_jurisdiction_notice_and_no_notice_finding(tmp_path: Path) -> None:
    path = _kit(tmp_path, KIT, ("jurisdictions: [california, gdpr, taiwan]\n", ""), ("  affected_records: 19870\n", ""))
    item = _composed(path)
    assert {p.channel for p in item.texts[1]["en"].posts} & set(NOTICES) == {"regulator_notice"}
    assert [f for f in _findings(path) if f.rule.startswith("CK8")] == []


def test_a_notice_switched_off_is_left_out(tmp_path: Path) -> None:
    path = _kit(
        tmp_path, KIT, ("  regulator_notice: {}\n", "  regulator_notice: {}\n  notice_gdpr_people: {enabled: false}\n")
    )
    channels = [p.channel for p in _composed(path).texts[1]["en"].posts]
    assert "notice_gdpr_people" not in channels and "notice_gdpr_authority" in channels


def test_an_unknown_jurisdiction_is_an_error_at_its_position(tmp_path: Path) -> None:
    path = _kit(tmp_path, KIT, ("jurisdictions: [california, gdpr, taiwan]", "jurisdictions: [california, eu, taiwan]"))
    result = invoke(tmp_path, "check", "kits")
    assert result.returncode == 1
    line = _line(path, "jurisdictions:")
    assert f'kits/breach.yml:{line}:29 jurisdictions[1]: expected one of california, gdpr, taiwan; got "eu"' in (
        result.stdout + result.stderr
    )
    assert "Traceback" not in result.stdout + result.stderr


def test_the_registry_data_and_templates_agree_on_the_notices() -> None:
    assert jurisdictions() == ("california", "gdpr", "taiwan")
    assert notice_channels(["gdpr"]) == ("notice_gdpr_authority", "notice_gdpr_people")
    notices = {name for name, spec in registry().items() if spec.kind == "notice"}
    assert notices == set(NOTICES) == set(notice_table()["notices"]) <= set(post_channels())
    assert {p.name.removesuffix(".txt.j2") for p in TEMPLATES.iterdir()} == notices
    assert all(registry()[n].audience == registry()["regulator_notice"].audience for n in notices)
    assert all(approval_table().by_channel[n] == ("legal",) for n in notices)


def test_rules_md_cites_the_statutes_of_each_notice_rule() -> None:
    text = rules_markdown()
    sections = {
        rule: text.split(f"### {rule}: ", 1)[1].split("### ", 1)[0] for rule in ("CK801", "CK802", "CK803", "CK804")
    }
    assert "Civil Code 1798.82(d)" in sections["CK802"] and "GDPR Art. 34(2)" in sections["CK802"]
    assert (
        "Personal Data Protection Act Art. 12" in sections["CK802"] and "Enforcement Rules Art. 22" in sections["CK802"]
    )
    assert "GDPR Art. 33(1)" in sections["CK803"] and "GDPR Art. 33(1)" in sections["CK804"]
    for section in sections.values():
        assert "- Sources: " in section and "- Passes (zh-Hant): " in section and "- Fails (en): " in section


@pytest.mark.parametrize(
    "entry",
    [
        {"label": "Notice", "kind": "notice"},
        {"label": "Notice", "kind": "templated", "recipient": "people"},
        {"label": "Notice", "kind": "templated", "jurisdiction": "gdpr"},
    ],
)
def test_a_notice_entry_names_its_recipient_and_only_a_notice_does(entry: dict) -> None:
    with pytest.raises(ValueError, match="a notice names its recipient"):
        Channel(name="notice_x", **entry)
