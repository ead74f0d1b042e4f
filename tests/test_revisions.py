"""A kit through a whole crisis: revisions inherit what they do not rewrite, and scenario lists merge by id.

The fixture (tests/testdata/test_resolve/lifecycle) is one incident in en and zh-Hant through five revisions: a
holding statement from the scenario, the cause, a correction that changes one fact and one sentence, a new stage
(monitoring) and an update within it that writes one section and drops another (``null``). Its FAQ replaces one of
the scenario's entries and adds one; its Q&A replaces one entry (keeping the scenario's do-not-say phrase) and
removes another.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import TESTDATA
from crisiskit.errors import KitError
from crisiskit.model.incident import Incident, ScenarioItemChange
from crisiskit.pipeline import read_incidents
from sites import invoke

LIFECYCLE = TESTDATA / "test_resolve" / "lifecycle"
AFTER_ALL = "2026-12-01T00:00:00+08:00"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(LIFECYCLE, tmp_path / "project")
    monkeypatch.chdir(tmp_path / "project")
    return tmp_path / "project"


def _incident(project: Path) -> Incident:
    [incident] = read_incidents([project / "kits"])
    return incident


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _raw(text) -> object:
    return None if text is None else text.raw


def test_a_revision_keeps_what_the_one_before_it_at_the_same_status_said(project: Path) -> None:
    second, third = _incident(project).revisions[1:3]
    # Revision 3 (the correction) writes only its cause: everything else is revision 2's, its own text included.
    for name in ("headline", "acknowledgement", "what_happened", "apology", "remedy", "commitment", "next_update"):
        assert getattr(third.statement, name) == getattr(second.statement, name), name
    assert _raw(second.statement.cause)["en"] == "A setting in our sending tool was switched off during an upgrade."
    assert _raw(third.statement.cause) == {
        "en": "A colleague pasted the list into the wrong field.",
        "zh-Hant": "一位同事把名單貼到錯誤的欄位。",
    }
    # Written in revision 2, not in the scenario: inherited, not lost.
    assert _raw(third.statement.acknowledgement)["zh-Hant"].startswith("本公司 {{ facts.sent_at }} 的電子報")
    # The facts move on: the inherited text quotes the corrected figure.
    assert third.facts["recipients"].value == 260 and second.facts["recipients"].value == 240
    # A channel text written for revision 2 carries on within the status, and stops with the next stage.
    assert "sms" in third.channels and third.channels["sms"] == second.channels["sms"]
    assert "sms" not in _incident(project).revisions[3].channels


def test_a_new_status_starts_from_the_scenario_text_for_that_status(project: Path) -> None:
    third, fourth = _incident(project).revisions[2:4]
    # What was written at "identified" does not survive into "monitoring": the scenario's monitoring text does.
    assert fourth.statement.cause is None
    assert _raw(fourth.statement.acknowledgement)["en"].startswith("A week ago our newsletter")
    assert _raw(fourth.statement.what_happened)["en"] == "The newsletter went out at {{ facts.sent_at }}."
    assert _raw(fourth.statement.next_update)["en"] == "We will post a last update by {{ next_update }}."
    assert fourth.statement.acknowledgement != third.statement.acknowledgement


def test_null_leaves_an_inherited_section_out(project: Path) -> None:
    fourth, fifth = _incident(project).revisions[3:5]
    assert _raw(fourth.statement.actions)["en"].startswith("We are watching")
    assert fifth.statement.actions is None  # "actions: null": neither revision 4's nor the scenario's
    assert fifth.statement.next_update == fourth.statement.next_update  # revision 4's own, inherited
    assert _raw(fifth.statement.acknowledgement)["en"].startswith("No message misusing")


def test_a_correction_of_one_fact_and_one_sentence_checks_clean_in_both_languages(project: Path) -> None:
    result = invoke(project, "check", "kits", "--at", AFTER_ALL, "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    codes = {
        line.split()[3].rstrip(":") for line in invoke(project, "check", "kits", "--at", AFTER_ALL).stderr.splitlines()
    }
    assert codes == {"CK601"}, codes  # only the approvals still to give: no CK301/CK303 for the correction
    assert invoke(project, "generate").returncode == 0
    # The review tree shows the inherited text whole, with the corrected figure, in both languages.
    en = (project / "content/en/incidents/newsletter/revisions/3.md").read_text(encoding="utf-8")
    zh = (project / "content/zh-Hant/incidents/newsletter/revisions/3.md").read_text(encoding="utf-8")
    assert "showed the addresses of all 260 recipients to each other." in en
    assert "It went to 260 people with every address in the visible field." in en
    assert "A colleague pasted the list into the wrong field." in en
    # Revision 2's cause appears only struck through in what changed, never as revision 3's text.
    assert en.count("switched off during an upgrade") == 1 and "[deleted: </span>setting in our sending" in en
    assert "We are sorry to everyone whose address was shown." in en
    assert "讓 260 位收件人看見彼此的地址。" in zh and "一位同事把名單貼到錯誤的欄位。" in zh


def test_the_approval_of_a_revision_covers_the_text_it_inherits(project: Path) -> None:
    approved = invoke(project, "approve", "kits/newsletter.yml", "--revision", "3", "--role", "communications")
    assert approved.returncode == 2  # --by is required: usage
    approved = invoke(
        project, "approve", "kits/newsletter.yml", "--revision", "3", "--role", "communications", "--by", "Grace Lin"
    )
    assert approved.returncode == 0, approved.stderr
    before = invoke(project, "check", "kits", "--at", "2026-11-20T15:00:00+08:00").stderr
    assert "revision 3" not in before  # approved, and not yet due
    # Revision 2's acknowledgement is revision 3's too: changing it changes what revision 3's approval covered.
    _edit(project / "kits/newsletter.yml", "showed the addresses of all", "showed the e-mail addresses of all")
    after = invoke(project, "check", "kits", "--at", "2026-11-20T15:00:00+08:00").stderr
    assert any(
        "updates[2]" in line and "revision 3" in line and "communications" in line for line in after.splitlines()
    )


def test_a_kit_that_repeats_the_previous_sections_composes_the_same_text(project: Path) -> None:
    """Writing a section out again in the next revision at the same status changes nothing: inheritance gives
    exactly the text a kit written before it had to repeat."""
    inherited = _incident(project).revisions[2]
    kit = project / "kits/newsletter.yml"
    text = kit.read_text(encoding="utf-8")
    start = text.index("      acknowledgement:\n", text.index("revision: 2"))
    written = text[start : text.index("      cause:\n", start)]  # revision 2's acknowledgement and what_happened
    _edit(kit, "      cause:\n        en: A colleague", written + "      cause:\n        en: A colleague")
    repeated = _incident(project).revisions[2]
    assert repeated.statement == inherited.statement


# Scenario lists merge by id: the incident's FAQ, Q&A and remedies extend the scenario's.


def test_incident_lists_extend_the_scenario_s_and_replace_or_remove_by_id(project: Path) -> None:
    incident = _incident(project)
    assert [e.id for e in incident.faq] == ["what-was-seen", "what-to-do", "who-else"]
    assert _raw(incident.faq[1].question)["en"] == "What should I do now?"  # the incident's, in the scenario's place
    assert [e.id for e in incident.internal_qa] == ["whose-fault"]  # "fined" removed
    assert [e.id for e in incident.remedies] == ["hotline"]  # the incident writes none: the scenario's stay
    # The replaced Q&A entry keeps the scenario's do-not-say phrase and adds its own.
    assert [_raw(a)["en"] for a in incident.internal_qa[0].avoid] == ["a junior employee", "the tool vendor"]
    assert set(incident.scenario_items) == {
        ScenarioItemChange("faq", "what-to-do", "mis-sent-email", "replaced"),
        ScenarioItemChange("internal_qa", "whose-fault", "mis-sent-email", "replaced"),
        ScenarioItemChange("internal_qa", "fined", "mis-sent-email", "removed"),
    }


def test_an_added_item_keeps_every_scenario_item_and_its_do_not_say_phrases(project: Path) -> None:
    kit = project / "kits/newsletter.yml"
    _edit(kit, "remove:\n  internal_qa: [fined]\n", "")
    _edit(kit, "internal_qa:\n  - id: whose-fault", "internal_qa:\n  - id: another")
    incident = _incident(project)
    assert [e.id for e in incident.internal_qa] == ["whose-fault", "fined", "another"]
    # A public text using a phrase of a scenario item the incident did not touch is still a finding.
    _edit(kit, "We are still sorry it happened.", "It was not a small fine matter. We are still sorry it happened.")
    out = invoke(project, "check", "kits", "--at", AFTER_ALL).stderr
    assert 'CK203 [en]: expected public text without "a small fine"' in out


def test_a_bad_removal_is_reported_at_its_line_and_column(project: Path) -> None:
    kit = project / "kits/newsletter.yml"
    _edit(kit, "  internal_qa: [fined]\n", "  internal_qa: [fined, fired]\n  faq: [what-to-do]\n")
    _edit(kit, "  - id: who-else\n", "  - id: what-to-do\n")
    with pytest.raises(KitError) as raised:
        read_incidents([project / "kits"])
    assert raised.value.lines() == [
        'kits/newsletter.yml:14:9 faq[1].id: expected each id once in faq; got "what-to-do" again (first at faq[0])',
        "kits/newsletter.yml:25:24 remove.internal_qa[1]: expected the id of one of the scenario's Q&A entries "
        '(whose-fault); got "fired"',
        "kits/newsletter.yml:26:9 remove.faq[0]: expected an id either removed or written in faq; "
        'got "what-to-do" both removed and written',
    ]


def test_a_removal_without_a_scenario_says_the_kit_extends_none(project: Path) -> None:
    kit = project / "kits/newsletter.yml"
    scenario = (project / "kits/scenarios/mis-sent-email.yml").read_text(encoding="utf-8")
    # The incident takes the scenario's blocks itself, so the removal has nothing to remove from.
    keep = scenario[scenario.index("organization:") : scenario.index("facts:")]
    kit.write_text(kit.read_text(encoding="utf-8").replace("extends: mis-sent-email\n", keep), encoding="utf-8")
    (project / "kits/scenarios/mis-sent-email.yml").unlink()
    with pytest.raises(KitError) as raised:
        read_incidents([project / "kits"])
    line = next(x for x in raised.value.lines() if "remove.internal_qa[0]" in x)
    assert line.endswith(
        "remove.internal_qa[0]: expected the id of a scenario's (this kit extends none) Q&A entry to remove; "
        'got "fined", and there is none with an id'
    )
