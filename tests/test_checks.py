"""Every check rule, one kit that trips it and one that does not, with the finding at the line of the mistake.

Each case plants one mistake in a copy of ``testdata/test_checks/clean.yml``
(a kit that passes every rule) by replacing text in the YAML, so the test
also proves the finding points at the line the mistake was written on.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from conftest import TESTDATA
from crisiskit.checks.engine import run_checks
from crisiskit.checks.findings import Finding, render_findings, rule_catalogue
from crisiskit.compose.composed import SiteOptions
from crisiskit.pipeline import check, compose, read_incidents

CLEAN = (TESTDATA / "test_checks" / "clean.yml").read_text(encoding="utf-8")
AT = "2026-11-20T15:00:00+08:00"
REV1_END = "    next_update_at: 2026-11-20T14:00:00+08:00\n"
REV2_START = "  - revision: 2\n"
LONG_EN = "We are working on it and we will keep you informed. " * 7


def _override(channel: str, en: str, zh: str, key: str = "text") -> list[tuple[str, str]]:
    """Replacement that adds a channel override to revision 1."""
    return [
        (
            REV1_END,
            f'{REV1_END}    channels:\n      {channel}:\n        {key}:\n          en: "{en}"\n'
            f'          zh-Hant: "{zh}"\n',
        )
    ]


LINK = "{{ statement_url }}"

# rule, id, replacements (old -> new, each old found exactly once), a token on the line the finding must point at
TRIPS: list[tuple[str, str, list[tuple[str, str]], str]] = [
    ("CK101", "x-too-long", _override("x", LONG_EN + LINK, "我們正在處理。" + LINK), LONG_EN[:20]),
    (
        "CK101",
        "x-cjk-counts-double",
        _override("x", "Working on it. " + LINK, "我們正在處理這個問題。" * 14 + LINK),
        "我們正在處理這個問題。",
    ),
    (
        "CK102",
        "sms-too-many-parts",
        _override("sms", "Payments down. " + LINK, "付款服務中斷，我們正在處理。" * 16 + LINK),
        "付款服務中斷，我們正在處理。",
    ),
    (
        "CK104",
        "curly-apostrophe-in-sms",
        _override("sms", "We\u2019re sorry: payments are down. " + LINK, "付款服務中斷，我們正在處理。" + LINK),
        "We\u2019re sorry",
    ),
    (
        "CK103",
        "email-subject-too-long",
        _override(
            "email",
            "Payments: a very long subject line that goes on and on past sixty characters",
            "付款服務中斷",
            key="subject",
        ),
        "a very long subject line",
    ),
    ("CK201", "number-written-out", [("About {{ facts.failed_payments }} card", "About 12,500 card")], "About 12,500"),
    (
        "CK201",
        "number-contradicts-fact",
        [("About {{ facts.failed_payments }} card", "About 13,000 card")],
        "About 13,000",
    ),
    (
        "CK201",
        "url-written-out",
        [("Live status is at {{ facts.status_page }};", "Live status is at https://status.acme.example/;")],
        "https://status.acme.example/;",
    ),
    ("CK201", "time-written-out", [("next update by {{ next_update }}.", "next update by 14:00.")], "by 14:00."),
    ("CK201", "cjk-date-written-out", [("自 {{ facts.outage_start }} 起，許多", "自 11月20日 起，許多")], "11月20日"),
    (
        "CK202",
        "post-without-link",
        _override("x", "Payments are down; we are on it.", "付款服務中斷，我們正在處理。"),
        "Payments are down",
    ),
    (
        "CK203",
        "avoided-phrase-in-public",
        [("The update did not work", "A human error meant the update did not work")],
        "A human error",
    ),
    (
        "CK204",
        "languages-use-different-facts",
        [("約有 {{ facts.failed_payments }} 筆刷卡", "約有一萬多筆刷卡")],
        "約有一萬多筆刷卡",
    ),
    (
        "CK205",
        "post-states-another-status",
        _override("x", "Resolved: payments work again. " + LINK, "已解決：付款恢復正常。" + LINK),
        "Resolved: payments",
    ),
    (
        "CK205",
        "post-promises-another-time",
        _override("x", "Next update: tomorrow morning. " + LINK, "下次更新：明天早上。" + LINK),
        "Next update: tomorrow",
    ),
    (
        "CK206",
        "translation-is-the-source-again",
        [("zh-Hant: 這次更新與舊型讀卡機不相容。", "zh-Hant: The update did not work with older card readers.")],
        "zh-Hant: The update did not work",
    ),
    (
        "CK206",
        "chinese-without-chinese",
        [("zh-Hant: 這次更新與舊型讀卡機不相容。", "zh-Hant: The update broke old readers.")],
        "zh-Hant: The update broke",
    ),
    (
        "CK208",
        "right-to-left-override",
        [("Card payments fail at checkout;", "Card payments \u202efail at checkout;")],
        "Card payments",
    ),
    (
        "CK209",
        "zero-width-space",
        [("We do not know the cause yet.", "We do not know the ca\u200buse yet.")],
        "We do not know",
    ),
    (
        "CK210",
        "cyrillic-letter-in-host",
        [("status_page: https://status.acme.example/", "status_page: https://status.\u0430cme.example/")],
        "status_page:",
    ),
    (
        "CK301",
        "apology-without-apology",
        [
            (
                "      apology:\n        en: We are sorry to every shop and customer who "
                "could not pay.\n        zh-Hant: 我們向每一家無法收款的商店與每一位無法付款的顧客致歉。\n",
                "",
            )
        ],
        REV2_START.strip(),
    ),
    (
        "CK302",
        "holding-without-not-yet-known",
        [
            (
                "      not_yet_known:\n        en: We do not know the cause yet.\n"
                "        zh-Hant: 我們尚未確認原因。\n",
                "",
            )
        ],
        "- revision: 1",
    ),
    (
        "CK303",
        "preventable-without-apology",
        [
            ("crisis_type: accidental", "crisis_type: preventable"),
            (
                "      apology:\n        en: We are sorry to every shop and customer "
                "who could not pay.\n        zh-Hant: 我們向每一家無法收款的商店與每一位無法"
                "付款的顧客致歉。\n",
                "",
            ),
        ],
        REV2_START.strip(),
    ),
    (
        "CK304",
        "denial-of-a-real-incident",
        [("Card payments fail at checkout;", "The outage never happened;")],
        "never happened",
    ),
    ("CK401", "no-comment", [("We do not know the cause yet.", "No comment on the cause.")], "No comment"),
    ("CK401", "no-comment-zh", [("我們尚未確認原因。", "原因無可奉告。")], "無可奉告"),
    (
        "CK402",
        "any-inconvenience",
        [("We are sorry for the trouble.", "We apologise for any inconvenience.")],
        "any inconvenience",
    ),
    ("CK402", "any-inconvenience-zh", [("造成困擾，我們深感抱歉。", "造成不便，我們深感抱歉。")], "造成不便"),
    (
        "CK403",
        "passive-evasion",
        [("Our software update broke", "Mistakes were made and an update broke")],
        "Mistakes were made",
    ),
    ("CK404", "speculation", [("We do not know the cause yet.", "It is probably a network fault.")], "probably"),
    ("CK404", "speculation-zh", [("我們尚未確認原因。", "可能是網路問題。")], "可能是"),
    (
        "CK405",
        "blame-shifting",
        [("The update did not work with older card readers.", "The outage was caused by a third-party supplier.")],
        "caused by a third-party",
    ),
    (
        "CK405",
        "blame-shifting-zh",
        [("這次更新與舊型讀卡機不相容。", "這次中斷是第三方供應商造成的。")],
        "是第三方供應商造成",
    ),
    (
        "CK406",
        "unverified-fix-time",
        [("Our engineers are tracing the failures now.", "Payments will be fixed within the hour.")],
        "will be fixed within",
    ),
    ("CK406", "unverified-fix-time-zh", [("工程團隊正在追查失敗原因。", "服務很快就會恢復。")], "很快就會恢復"),
    (
        "CK407",
        "ticket-id",
        [("Our engineers are tracing the failures now.", "Our engineers are tracing INC-4821 now.")],
        "INC-4821",
    ),
    (
        "CK407",
        "hostname",
        [("Card payments fail at checkout;", "payments-db.internal fails at checkout;")],
        "payments-db.internal",
    ),
    (
        "CK408",
        "review-incentive",
        [("details are on our statement page.", "please update your review and we will add a voucher.")],
        "update your review",
    ),
    (
        "CK409",
        "conditional-apology",
        [
            (
                "We are sorry to every shop and customer who could not pay.",
                "We are sorry if anyone was inconvenienced by the outage.",
            )
        ],
        "sorry if",
    ),
    (
        "CK501",
        "signed-by-the-wrong-role",
        [
            (
                "signatory: {name: Lee Chen, title: {en: Head of Communications, zh-Hant: 公關主管}}",
                "signatory: {name: Lee Chen, title: {en: Support Lead, zh-Hant: 客服組長}}",
            )
        ],
        "signatory:",
    ),
    (
        "CK502",
        "declared-audience-without-channel",
        [
            (
                "key_messages:\n",
                "audiences: [affected_customers]\nchannels:\n"
                "  sms: {enabled: false}\n  email: {enabled: false}\nkey_messages:\n",
            )
        ],
        "- revision: 1",
    ),
    (
        "CK503",
        "first-statement-late",
        [("    issued_at: 2026-11-20T10:00:00+08:00", "    issued_at: 2026-11-20T14:00:00+08:00")],
        "- revision: 1",
    ),
    (
        "CK504",
        "next-update-overdue",
        [
            (
                "    issued_at: 2026-11-20T14:00:00+08:00\n",
                "    issued_at: 2026-11-20T14:00:00+08:00\n    publish_at: 2026-11-20T18:00:00+08:00\n",
            )
        ],
        "next_update_at: 2026-11-20T14:00",
    ),
    (
        "CK505",
        "next-update-beyond-cadence",
        [(REV1_END, "    next_update_at: 2026-11-22T10:00:00+08:00\n")],
        "next_update_at: 2026-11-22T10:00",
    ),
    (
        "CK701",
        "raw-html",
        [("We do not know the cause yet.", "We do not know <b onclick=x>the cause</b> yet.")],
        "<b onclick",
    ),
    (
        "CK701",
        "javascript-link",
        [("Card payments fail at checkout;", "Card [payments](javascript:x) fail;")],
        "[payments]",
    ),
]

# near misses: text that looks like a mistake but is not one
MISSES: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "CK405",
        "a-supplier-named-with-facts-zh",
        [("這次更新與舊型讀卡機不相容。", "這次更新與我們向供應商採購的舊型讀卡機不相容，責任在我們。")],
    ),
    ("CK101", "x-at-the-limit", _override("x", "a" * (280 - 23 - 1) + " " + LINK, "處理中。" + LINK)),
    ("CK201", "small-numbers-are-words", [("Card payments fail at checkout;", "Card payments fail at 3 of 4 tills;")]),
    (
        "CK201",
        "the-organisation-website",
        [("transfers still work.", "transfers still work; see https://acme.example/.")],
    ),
    ("CK203", "avoided-phrase-in-the-qa-itself", [("What matters is that", "Not human error; what matters is that")]),
    (
        "CK205",
        "post-states-its-own-status",
        _override("x", "Investigating: card payments fail. " + LINK, "調查中：刷卡付款失敗。" + LINK),
    ),
    (
        "CK209",
        "joiner-inside-an-emoji",
        [("We do not know the cause yet.", "We do not know the cause yet. \U0001f469\u200d\U0001f4bb")],
    ),
    (
        "CK210",
        "one-script-international-host",
        [("status_page: https://status.acme.example/", "status_page: https://\u4e2d\u6587.example/")],
    ),
    (
        "CK304",
        "denial-of-a-rumour",
        [
            ("crisis_type: accidental", "crisis_type: victim"),
            ("Card payments fail at checkout;", "The rumour of a breach never happened;"),
        ],
    ),
    (
        "CK408",
        "review-words-outside-review-replies",
        [("Our engineers are tracing the failures now.", "We read every review and update the status page.")],
    ),
    ("CK504", "update-given-in-time", []),
    (
        "CK701",
        "the-markdown-subset",
        [
            (
                "We do not know the cause yet.",
                "We do *not* know the **cause** yet; "
                "see [our page](https://acme.example/) or call [us](tel:+886227001234).",
            )
        ],
    ),
]


def _kits(tmp_path: Path, text: str) -> Path:
    (tmp_path / "kits").mkdir(parents=True, exist_ok=True)
    (tmp_path / "kits" / "outage.yml").write_text(text, encoding="utf-8")
    return tmp_path / "kits"


def _plant(replacements: list[tuple[str, str]]) -> str:
    text = CLEAN
    for old, new in replacements:
        assert text.count(old) == 1, f"the clean kit must hold {old!r} exactly once"
        text = text.replace(old, new)
    return text


def _findings(tmp_path: Path, text: str, at: str = AT) -> list[Finding]:
    return check([_kits(tmp_path, text)], datetime.fromisoformat(at))[1]


def _line_of(text: str, token: str) -> int:
    lines = [n for n, line in enumerate(text.splitlines(), 1) if token in line]
    assert lines, f"{token!r} is not in the planted kit"
    return lines[0]


def test_the_clean_kit_trips_no_rule(tmp_path: Path) -> None:
    assert _findings(tmp_path, CLEAN) == []


@pytest.mark.parametrize(
    "rule, replacements, token", [pytest.param(r, p, t, id=f"{r}-{name}") for r, name, p, t in TRIPS]
)
def test_a_planted_mistake_trips_its_rule_at_its_line(
    tmp_path: Path, rule: str, replacements: list, token: str
) -> None:
    text = _plant(replacements)
    found = _findings(tmp_path, text)
    mine = [f for f in found if f.rule == rule]
    assert mine, f"{rule} did not fire; got {[f.text() for f in found]}"
    assert _line_of(text, token) in {f.line for f in mine}, [f.text() for f in mine]
    assert all(f.file == "kits/outage.yml" or f.file.endswith("/kits/outage.yml") for f in mine)
    assert all(f.severity == rule_catalogue()[rule]["severity"] for f in mine)


@pytest.mark.parametrize("rule, replacements", [pytest.param(r, p, id=f"{r}-{name}") for r, name, p in MISSES])
def test_a_near_miss_does_not_trip(tmp_path: Path, rule: str, replacements: list) -> None:
    found = _findings(tmp_path, _plant(replacements))
    assert [f.text() for f in found if f.rule == rule] == []


def test_every_rule_in_the_catalogue_has_a_tripping_case() -> None:
    tested = {rule for rule, *_ in TRIPS} | {"CK207", "CK601", "CK602", "CK603"}  # CK603: test_frozen.py; others below
    tested |= {"CK801", "CK802", "CK803", "CK804"}  # the notice rules: test_notices.py, on a breach kit of their own
    assert tested == set(rule_catalogue())


def test_a_stale_translation_is_found_against_the_base(tmp_path: Path) -> None:
    old = read_incidents([_kits(tmp_path / "old", CLEAN)])
    edited = CLEAN.replace("We do not know the cause yet.", "We have ruled out a network fault.")
    new = read_incidents([_kits(tmp_path / "new", edited)])
    site = SiteOptions("https://status.example.invalid/")
    at = datetime.fromisoformat(AT)
    found = run_checks(compose(new, site), at, approvals=False, before={i.id: i for i in old}, base="main")
    assert [(f.rule, f.line, f.language) for f in found] == [
        ("CK207", _line_of(edited, "我們尚未確認原因。"), "zh-Hant")
    ]
    # translated too: not stale
    both = edited.replace("我們尚未確認原因。", "我們已排除網路問題。")
    newer = read_incidents([_kits(tmp_path / "newer", both)])
    assert run_checks(compose(newer, site), at, approvals=False, before={i.id: i for i in old}, base="main") == []


def test_approval_rules_in_a_project(tmp_path: Path) -> None:
    from crisiskit.pipeline import compose as compose_in
    from crisiskit.pipeline import read_site_options
    from crisiskit.review.approve import approve

    project = tmp_path / "site"
    kits = _kits(project, CLEAN)
    (project / "mkdocs.yml").write_text("site_name: Acme\nsite_url: https://status.acme.example/\n", encoding="utf-8")
    at = datetime.fromisoformat(AT)
    rules = {f.rule for f in check([kits], at)[1]}
    assert rules == {"CK601"}  # both revisions due, none approved

    def compose_kit():
        return compose_in(read_incidents([kits]), read_site_options(project), project)[0]

    for number in (1, 2):
        approve(project, kits / "outage.yml", number, "communications", "Dana Wu", compose_kit=compose_kit)
    assert check([kits], at)[1] == []
    kit = kits / "outage.yml"
    kit.write_text(
        kit.read_text(encoding="utf-8").replace("We do not know the cause yet.", "We do not know the cause."),
        encoding="utf-8",
    )
    found = check([kits], at)[1]
    assert [(f.rule, f.severity) for f in found] == [("CK602", "error")]
    assert found[0].line == _line_of(kit.read_text(encoding="utf-8"), "- revision: 1")


def test_project_settings_change_a_severity_or_turn_a_rule_off(tmp_path: Path) -> None:
    project = tmp_path / "site"
    kits = _kits(project, _plant([("We are sorry for the trouble.", "We apologise for any inconvenience.")]))
    (project / "mkdocs.yml").write_text("site_name: Acme\nsite_url: https://status.acme.example/\n", encoding="utf-8")
    at = datetime.fromisoformat(AT)

    def severities() -> dict[str, str]:
        return {f.rule: f.severity for f in check([kits], at)[1] if f.rule != "CK601"}

    assert severities() == {"CK402": "error"}
    (project / "crisiskit.yml").write_text("rules:\n  CK402: warning\n  CK601: off\n", encoding="utf-8")
    assert {f.rule: f.severity for f in check([kits], at)[1]} == {"CK402": "warning"}
    (project / "crisiskit.yml").write_text("rules:\n  CK402: off\n  CK601: off\n", encoding="utf-8")
    assert check([kits], at)[1] == []


def test_findings_render_as_text_json_and_github_annotations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    text = _plant([("We are sorry for the trouble.", "We apologise for any inconvenience.")])
    _kits(tmp_path, text)
    monkeypatch.chdir(tmp_path)
    found = check([Path("kits")], datetime.fromisoformat(AT))[1]
    line = _line_of(text, "any inconvenience")
    column = next(row for row in text.splitlines() if "any inconvenience" in row).index("any inconvenience") + 1
    data = json.loads(render_findings(found, "json"))
    assert [(d["rule"], d["line"], d["column"], d["language"], d["path"]) for d in data] == [
        ("CK402", line, column, "en", "updates[0].statement.acknowledgement.en")
    ]
    assert render_findings(found, "github").startswith(
        f"::error file=kits/outage.yml,line={line},col={column},title=CK402::expected wording without"
    )
    assert render_findings(found, "text").startswith(
        f"kits/outage.yml:{line}:{column} updates[0].statement.acknowledgement.en: error CK402 [en]: "
    )


# kit, old text (exactly once in the sample), new text, the rule that must catch it, a token on the line it is on
PLANTED: list[tuple[str, str, str, str, str]] = [
    (
        "data-leak.yml",
        "The forensic firm found no sign",
        "The forensic firm, which checked 13,000 records, found no sign",
        "CK201",
        "checked 13,000 records",
    ),
    (
        "data-leak.yml",
        "在 {{ facts.breach_window_start }} 至 {{ facts.breach_window_end }} 之間，共",
        "在 {{ facts.breach_window_start }} 至 {{ facts.breach_window_end }} 之間，推測共",
        "CK404",
        "推測共",
    ),
    (
        "store-incident.yml",
        "That is the company's failure, not one employee's.",
        "In the end the manager acted alone.",
        "CK203",
        "the manager acted alone.",
    ),
    (
        "store-incident.yml",
        "zh-Hant: 關於{{ facts.store }}事件的聲明",
        "zh-Hant: 關於{{ facts.store }}事件，無可奉告",
        "CK401",
        "事件，無可奉告",
    ),
    (
        "store-incident.yml",
        "I apologise to the two men, personally and without reservation.",
        "We apologise for any inconvenience caused.",
        "CK402",
        "any inconvenience caused",
    ),
    ("payment-outage.yml", "We withdrew the update.", "A fix is tracked as INC-20931.", "CK407", "INC-20931"),
    (
        "payment-outage.yml",
        "  name: {en: Amy Tsai, zh-Hant: 蔡宜君}\n  title: {en: Head of Communications, zh-Hant: 公關部主管}",
        "  name: {en: Amy Tsai, zh-Hant: 蔡宜君}\n  title: {en: Support Lead, zh-Hant: 客服組長}",
        "CK501",
        "title: {en: Support Lead",
    ),
    (
        "delivery-delay.yml",
        "We have sent you a message with your new delivery date.",
        "If you update your review, we will send you a voucher.",
        "CK408",
        "update your review",
    ),
    (
        "delivery-delay.yml",
        "packing orders more slowly than we planned.",
        "packing orders more slowly because of a rogue employee.",
        "CK405",
        "a rogue employee",
    ),
    (
        "data-leak.yml",
        "我們已查明顧客個人資料外洩的原因，這是我們的疏失。受影響的顧客人數為 {{ facts.affected_customers }} 位，"
        "高於我們最初公布的數字。",
        "We found the cause: {{ facts.affected_customers }} customers were affected.",
        "CK206",
        "We found the cause:",
    ),
]


def test_ten_planted_mistakes_in_the_samples_are_each_reported_at_their_line(tmp_path: Path, golden) -> None:
    """The samples check clean; with ten mistakes planted (and the text approved again, as a hurried team
    might), `crisiskit check` reports each one at the line it was planted on, and nothing else."""
    import shutil

    from crisiskit.pipeline import compose as compose_in
    from crisiskit.pipeline import read_site_options
    from crisiskit.review.approve import approve
    from sites import BEFORE_EMBARGO, PROJECT, invoke

    project = tmp_path / "project"  # the fixture site's kits (tests/testdata/site), never the user's kits/
    shutil.copytree(PROJECT / "kits", project / "kits")
    shutil.copy(PROJECT / "mkdocs.yml", project / "mkdocs.yml")
    clean = invoke(project, "check", "--strict", "--at", BEFORE_EMBARGO)
    assert (clean.returncode, clean.stderr) == (0, ""), clean.stderr
    for name, old, new, _rule, _token in PLANTED:
        kit = project / "kits" / name
        text = kit.read_text(encoding="utf-8")
        assert text.count(old) == 1, (name, old)
        kit.write_text(text.replace(old, new), encoding="utf-8")
    for item in compose_in(read_incidents([project / "kits"]), read_site_options(project), project):
        source = item.incident.source

        def compose_kit(source: str = source):  # this kit alone: approve composes it twice per approval
            return compose_in(read_incidents([project / source]), read_site_options(project), project)[0]

        for revision in item.incident.revisions:
            for given in revision.approvals:
                approve(
                    project,
                    project / source,
                    revision.number,
                    given.role,
                    given.name,
                    compose_kit=compose_kit,
                    replace_published=True,
                    at=datetime.fromisoformat("2026-11-22T06:00:00+00:00"),
                )
    result = invoke(project, "check", "--at", BEFORE_EMBARGO, "--format", "json")
    assert result.returncode == 1, result.stderr
    import json

    found = json.loads(result.stdout)
    for name, _old, _new, rule, token in PLANTED:
        line = _line_of((project / "kits" / name).read_text(encoding="utf-8"), token)
        assert [f for f in found if f["rule"] == rule and f["file"] == f"kits/{name}" and f["line"] == line], (
            f"{rule} not reported at kits/{name}:{line}"
        )
    assert {f["rule"] for f in found} == {rule for *_, rule, _ in PLANTED}
    text = invoke(project, "check", "--at", BEFORE_EMBARGO)
    golden.check(TESTDATA / "test_checks" / "ten_mistakes.txt", text.stderr + text.stdout)


def test_rules_md_is_current_and_documents_every_rule_with_an_example(tmp_path: Path) -> None:
    """RULES.md is the product's documentation of the rules (not sample content), so it is read from the repository."""
    from crisiskit.checks.findings import rules_markdown
    from sites import REPO, run_crisiskit

    result = run_crisiskit(tmp_path, "rules")
    assert result.returncode == 0
    committed = (REPO / "RULES.md").read_text(encoding="utf-8")
    assert result.stdout == rules_markdown() == committed, "RULES.md is stale: run crisiskit rules > RULES.md"
    for rule, spec in rule_catalogue().items():
        section = committed.split(f"### {rule}: ", 1)[1].split("### ", 1)[0]
        assert spec["severity"] in section and "- Example: " in section and "- Fix: " in section
