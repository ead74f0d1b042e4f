"""A minimal valid kit around one message of the corpus (tests/messages/cases.yml).

Each case is one short text in one language, for one crisis type and
status, in one slot: a statement section, a channel post (X, SMS, e-mail
subject) or a correction note. The skeleton around it is written the way a
communications team would write it, so that any finding comes from the case's
own words. A case may leave sections out (``omit``) or declare its remedy at
kit level (``kit_remedy``) to exercise the structure rules.
"""

from __future__ import annotations

import json

# the skeleton's sections, per language: (holding revision, accidental/preventable follow-up, victim follow-up)
_HOLDING = {
    "en": {
        "headline": "Statement on the payment problem",
        "acknowledgement": "Since this morning many customers "
        "cannot pay by card. We know how much this disrupts your day.",
        "what_happened": "Card payments fail at checkout; bank transfers still work.",
        "not_yet_known": "We do not know the cause yet.",
        "actions": "Our engineers are tracing the failures now.",
        "commitment": "Nobody will pay a fee for a failed payment.",
        "next_update": "Our next update comes by {{ next_update }}.",
        "help": "Help and answers: {{ facts.help_page }}.",
    },
    "zh-Hant": {
        "headline": "關於付款異常的說明",
        "acknowledgement": "今天上午起，許多顧客無法刷卡付款，我們知道這打亂了您的安排。",
        "what_happened": "結帳時刷卡付款失敗；銀行轉帳仍可使用。",
        "not_yet_known": "目前尚未確認原因。",
        "actions": "工程團隊正在追查失敗原因。",
        "commitment": "沒有人需要為失敗的付款支付手續費。",
        "next_update": "我們將於 {{ next_update }} 前再次更新。",
        "help": "協助與問答：{{ facts.help_page }}。",
    },
}
_REBUILD = {
    "en": {
        "headline": "Card payments restored: what happened",
        "acknowledgement": "Our software update stopped card payments for most of the day.",
        "what_happened": "About {{ facts.affected }} payments failed.",
        "cause": "The update did not work with older card readers.",
        "apology": "We are sorry to every shop and customer who could not pay.",
        "remedy": "We refund every fee charged for a failed payment.",
        "commitment": "Updates now reach a few shops first, and tests cover every reader in use.",
        "help": "Help and answers: {{ facts.help_page }}.",
    },
    "zh-Hant": {
        "headline": "刷卡付款已恢復：事件說明",
        "acknowledgement": "我們的軟體更新使刷卡付款中斷了大半天。",
        "what_happened": "約有 {{ facts.affected }} 筆付款失敗。",
        "cause": "這次更新與舊型讀卡機不相容。",
        "apology": "我們向每一家無法收款的商店與每一位無法付款的顧客致歉。",
        "remedy": "付款失敗所收取的手續費將全數退還。",
        "commitment": "今後更新會先開放給少數商店，測試也涵蓋所有使用中的讀卡機。",
        "help": "協助與問答：{{ facts.help_page }}。",
    },
}
_INFORM = {
    "en": {
        "headline": "Fake messages in our name: what to do",
        "acknowledgement": "Criminals are sending messages that pretend to come from us.",
        "what_happened": "The messages ask for card details on a look-alike site.",
        "actions": "We have asked the hosting provider to take the site down and reported it to the police.",
        "next_update": "Our next update comes by {{ next_update }}.",
        "help": "We never ask for card details by message. Report a message at {{ facts.help_page }}.",
    },
    "zh-Hant": {
        "headline": "冒名訊息：您可以這樣做",
        "acknowledgement": "有不法人士冒用我們的名義發送訊息。",
        "what_happened": "這些訊息要求在仿冒網站輸入信用卡資料。",
        "actions": "我們已要求主機業者下架該網站，並已報警。",
        "next_update": "我們將於 {{ next_update }} 前再次更新。",
        "help": "我們不會以訊息索取信用卡資料。可疑訊息請至 {{ facts.help_page }} 回報。",
    },
}
_ORG = {
    "en": ("Acme Pay", "Acme Pay runs payments for small shops.", "Head of Communications", "Payment problem"),
    "zh-Hant": ("艾克支付", "艾克支付為小型商店提供付款服務。", "公關主管", "付款異常"),
}


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def build_kit(case: dict) -> tuple[str, str]:
    """The kit's YAML and the marker the case's text was written after (to locate its expected position)."""
    lang, kind, status = case["lang"], case["type"], case["status"]
    slot, text = case["slot"], case["text"]
    name, boilerplate, title, kit_title = _ORG[lang]
    omit = set(case.get("omit", ()))
    out = [
        f"id: corpus-{case['id']}",
        f"title: {{{lang}: {_q(kit_title)}}}",
        "organization:",
        f"  name: {{{lang}: {_q(name)}}}",
        "  website: https://acme.example/",
        f"  boilerplate: {{{lang}: {_q(boilerplate)}}}",
        f"spokesperson: {{name: Lee Chen, title: {{{lang}: {_q(title)}}}}}",
        f"signatory: {{name: Lee Chen, title: {{{lang}: {_q(title)}}}}}",
        "contacts: {hotline: +886 2 2700 1234, email: help@acme.example}",
        "severity: minor",
        f"crisis_type: {kind}",
        f"languages: [{lang}]",
        "began_at: 2026-11-20T09:00:00+08:00",
        "facts:",
        "  help_page: https://acme.example/help",
        "  affected: 12500",
        "  batch: K2-2611",
        "  recall_start: 2026-11-20T12:00:00+08:00",
    ]
    if case.get("kit_remedy"):
        remedy = {
            "en": (
                "We refund every fee charged for a failed payment.",
                "Everyone charged a fee.",
                "Nothing to do; refunds are automatic.",
            ),
            "zh-Hant": ("付款失敗所收取的手續費全數退還。", "所有被收取手續費的顧客。", "無須申請，系統自動退款。"),
        }[lang]
        out += [
            "remedies:",
            "  - kind: refund",
            f"    description: {{{lang}: {_q(remedy[0])}}}",
            f"    eligible: {{{lang}: {_q(remedy[1])}}}",
            f"    how_to_claim: {{{lang}: {_q(remedy[2])}}}",
        ]
    holding = dict(_HOLDING[lang])
    revisions = [("investigating", "2026-11-20T10:00:00+08:00", "2026-11-20T14:00:00+08:00", holding)]
    if status != "investigating":
        later = dict((_INFORM if kind == "victim" else _REBUILD)[lang])
        revisions.append(
            (
                status,
                "2026-11-20T14:00:00+08:00",
                "2026-11-20T18:00:00+08:00" if status != "resolved" or kind == "victim" else None,
                later,
            )
        )
    last = revisions[-1][3]
    for section in omit:
        last.pop(section, None)
    if slot not in ("x", "sms", "email_subject", "correction"):
        last[slot] = "@CASE@"
    out.append("updates:")
    for number, (state, issued, next_at, sections) in enumerate(revisions, 1):
        out += [f"  - revision: {number}", f"    status: {state}", f"    issued_at: {issued}"]
        if next_at and (state != "resolved"):
            out.append(f"    next_update_at: {next_at}")
        if number == len(revisions) and slot == "correction":
            out += [f"    corrects: {number - 1 or 1}", f"    correction: {{{lang}: @CASE@}}"]
        out.append("    statement:")
        for section, words in sections.items():
            out.append(f"      {section}: {{{lang}: {'@CASE@' if words == '@CASE@' else _q(words)}}}")
        if number == len(revisions) and slot in ("x", "sms", "email_subject"):
            key = "subject" if slot == "email_subject" else "text"
            channel = "email" if slot == "email_subject" else slot
            out += ["    channels:", f"      {channel}:", f"        {key}: {{{lang}: @CASE@}}"]
    kit = "\n".join(out) + "\n"
    return kit.replace("@CASE@", _q(text)), _q(text)
