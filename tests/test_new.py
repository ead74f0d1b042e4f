"""`crisiskit new`: an incident from a scenario, its values given by --set, --from or questions, checked at once.

The project is tests/testdata/test_new (its own scenario "outage" gives every
block); the scenario library is tests/testdata/new/library (patched in for
`library_folder`, so the golden listing does not change whenever a scenario
ships): "leak" gives no organisation blocks, the library's "outage" is
replaced by the project's, "rumour" is a denial. A terminal is a fake one
(`Terminal`), patched in where `new` asks for it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import TESTDATA, Golden
from crisiskit.cli import opening, scenarios
from sites import invoke, run_crisiskit

HERE = TESTDATA / "new"
LIBRARY = HERE / "library"
LEAK = (HERE / "answers" / "leak.yml").read_text(encoding="utf-8")
BLOCKS = (HERE / "answers" / "blocks.yml").read_text(encoding="utf-8")
ISSUED = "2026-11-20T09:00:30+08:00"  # half a minute after the answers' issued_at


class Terminal:
    """A terminal that answers from a script: a line per answer; KeyboardInterrupt to press Ctrl+C."""

    def __init__(self, answers: list[str | type[BaseException]]):
        self.answers = list(answers)
        self.shown: list[str] = []

    def readline(self) -> str:
        if not self.answers:
            return ""  # the end of input
        answer = self.answers.pop(0)
        if not isinstance(answer, str):
            raise answer()
        return answer + "\n"

    def write(self, text: str) -> None:
        self.shown.append(text)

    @property
    def text(self) -> str:
        return "".join(self.shown)


@pytest.fixture(autouse=True)
def library(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scenarios, "library_folder", lambda: LIBRARY)


@pytest.fixture
def no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(opening, "terminal", lambda: None)


def _terminal(monkeypatch: pytest.MonkeyPatch, answers: list[str | type[BaseException]]) -> Terminal:
    term = Terminal(answers)
    monkeypatch.setattr(opening, "terminal", lambda: term)
    return term


def _project(tmp_path: Path, profile: bool = False) -> Path:
    project = tmp_path / "site"
    shutil.copytree(TESTDATA / "test_new", project)
    if profile:
        shutil.copy(HERE / "crisiskit.yml", project / "crisiskit.yml")
    return project


def _files(project: Path) -> list[str]:
    return sorted(str(p.relative_to(project)) for p in (project / "kits").rglob("*") if p.is_file())


def _findings(project: Path) -> list[str]:
    """Every finding of `crisiskit check --strict` on the kits at ISSUED, except the approvals a new kit awaits."""
    result = invoke(project, "check", "--strict", "--at", ISSUED, "--format", "json", "kits")
    assert result.stderr == ""
    return [
        f"{f['file']}:{f['line']} {f['rule']} {f['message']}" for f in json.loads(result.stdout) if f["rule"] != "CK601"
    ]


# --- the placeholders of old: a kit to fill in by hand ---------------------------------------------------------


def test_placeholders_list_every_needed_fact_and_check_refuses_each(tmp_path: Path) -> None:
    project = _project(tmp_path)
    result = run_crisiskit(project, "new", "web-down", "--scenario", "outage", "--placeholders")
    assert result.returncode == 0, result.stderr
    kit = project / "kits/web-down.yml"
    text = kit.read_text(encoding="utf-8")
    assert "extends: outage" in text
    placeholders = [
        n for n, line in enumerate(text.splitlines(), 1) if "[[fill in" in line and not line.startswith("#")
    ]
    checked = invoke(project, "check", "kits")
    assert checked.returncode == 1
    assert "Traceback" not in checked.stderr
    reported = {int(m.group(1)) for m in re.finditer(r"kits/web-down\.yml:(\d+):\d+ ", checked.stderr)}
    assert set(placeholders) <= reported, (placeholders, checked.stderr)
    assert "placeholder left by crisiskit new" in checked.stderr


def test_placeholders_filled_in_pass_check(tmp_path: Path) -> None:
    project = _project(tmp_path)
    assert invoke(project, "new", "web-down", "--scenario", "outage", "--placeholders").returncode == 0
    kit = project / "kits/web-down.yml"
    values = {"the incident title in en": "App unavailable", "the incident title in zh-Hant": "應用程式無法使用"}
    text = kit.read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f'"[[fill in: {key}]]"', value)
    text = re.sub(r'"\[\[fill in: a number[^"]*"', "30", text)
    text = re.sub(r'"\[\[fill in: date and time[^"]*"', "2026-11-20T09:00:00+08:00", text)
    kit.write_text(text, encoding="utf-8")
    result = invoke(project, "check", "kits")
    assert result.returncode == 0, result.stderr


def test_placeholders_keep_the_values_given(tmp_path: Path) -> None:
    project = _project(tmp_path)
    result = invoke(project, "new", "web-down", "--scenario", "outage", "--placeholders", "--set", "title.en=App down")
    assert result.returncode == 0, result.stderr
    text = (project / "kits/web-down.yml").read_text(encoding="utf-8")
    assert 'en: "App down"' in text and "the incident title in zh-Hant" in text
    assert "fill in every [[fill in ...]] placeholder" in result.stdout


def test_new_never_overwrites_an_existing_kit(tmp_path: Path) -> None:
    project = _project(tmp_path)
    kit = project / "kits/web-down.yml"
    kit.write_text("# someone's work\n", encoding="utf-8")
    result = invoke(project, "new", "web-down", "--scenario", "outage", "--placeholders")
    assert result.returncode == 1
    assert kit.read_text(encoding="utf-8") == "# someone's work\n"


# --- the scenario library -----------------------------------------------------------------------------------------


def test_list_shows_project_and_library_scenarios_one_line_each(tmp_path: Path, golden: Golden) -> None:
    result = invoke(_project(tmp_path), "new", "--list")
    assert result.returncode == 0 and result.stderr == ""
    golden.check(HERE / "list.txt", result.stdout)


def test_list_shows_every_packaged_scenario(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # the real library, as installed
    shipped = sorted(p.stem for p in scenarios.library_folder().glob("*.yml"))
    assert {"data-breach", "product-recall", "service-outage"} <= set(shipped)
    result = invoke(tmp_path, "new", "--list")  # outside a project: the library alone
    assert result.returncode == 0 and result.stderr == "", result.stderr
    rows = {line.split()[0]: line.split()[1:4] for line in result.stdout.splitlines()[1:]}
    assert sorted(rows) == shipped
    strategies = {"victim": ("inform", "deny"), "accidental": ("inform_and_rebuild", "rebuild")}
    for name, (crisis_type, strategy, where) in rows.items():
        assert strategy in strategies.get(crisis_type, ("rebuild",)) and where == "library", name


@pytest.mark.filterwarnings("ignore:Support for `\\[tool.setuptools\\]`")
def test_the_wheel_ships_every_packaged_scenario(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What setuptools puts in the wheel as package data (build_py), computed in a copy of the source tree."""
    from setuptools.config.pyprojecttoml import apply_configuration
    from setuptools.dist import Distribution

    repo = Path(__file__).parent.parent
    shutil.copytree(
        repo / "generator", tmp_path / "generator", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__")
    )
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(repo / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    dist = Distribution()
    dist.script_name = "setup.py"
    apply_configuration(dist, "pyproject.toml")
    build_py = dist.get_command_obj("build_py")
    build_py.ensure_finalized()
    shipped = {f"{source}/{name}" for _package, source, _target, names in build_py.data_files for name in names}
    data = repo / "generator" / "crisiskit" / "data"
    expected = {p.relative_to(repo).as_posix() for p in data.rglob("*.yml")}
    assert {p for p in expected if "/scenarios/" in p}, "no packaged scenario"
    assert expected <= shipped, sorted(expected - shipped)


def test_a_library_scenario_is_copied_into_the_project_first(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "answers.yml").write_text(LEAK + BLOCKS, encoding="utf-8")
    result = invoke(project, "new", "drill", "--scenario", "leak", "--from", "answers.yml")
    assert result.returncode == 0, result.stderr
    copied = project / "kits/scenarios/leak.yml"
    assert copied.read_bytes() == (LIBRARY / "leak.yml").read_bytes()
    assert 'copied the library scenario "leak" to kits/scenarios/leak.yml' in result.stdout
    assert "created kits/drill.yml" in result.stdout
    assert _findings(project) == []


def test_a_project_scenario_wins_over_the_librarys(tmp_path: Path) -> None:
    project = _project(tmp_path)
    before = (project / "kits/scenarios/outage.yml").read_bytes()
    result = invoke(project, "new", "web-down", "--scenario", "outage", "--placeholders")
    assert result.returncode == 0 and "copied" not in result.stdout
    assert (project / "kits/scenarios/outage.yml").read_bytes() == before


def test_an_unknown_scenario_is_a_usage_error_naming_every_one_available(tmp_path: Path) -> None:
    result = invoke(_project(tmp_path), "new", "web-down", "--scenario", "flood")
    assert result.returncode == 2
    assert "expected one of leak (library), outage (project), rumour (library); got 'flood'" in result.stderr


# --- answers from a script: --set over --from -------------------------------------------------------------------------


def test_set_wins_over_from(tmp_path: Path, no_terminal: None) -> None:
    project = _project(tmp_path, profile=True)
    (project / "answers.yml").write_text(LEAK, encoding="utf-8")
    args = ["--from", "answers.yml", "--set", "facts.affected_customers=2300", "--set", "title.en=Data exposed"]
    result = invoke(project, "new", "drill", "--scenario", "leak", *args)
    assert result.returncode == 0, result.stderr
    text = (project / "kits/drill.yml").read_text(encoding="utf-8")
    assert "affected_customers: {type: number, value: 2300}" in text
    assert 'en: "Data exposed"' in text and 'zh-Hant: "顧客資料外洩"' in text
    assert _findings(project) == []


def test_set_gives_a_list_as_yaml_or_separated_by_commas(tmp_path: Path, no_terminal: None) -> None:
    project = _project(tmp_path, profile=True)
    (project / "answers.yml").write_text(LEAK, encoding="utf-8")
    for incident, value in (("a", "[K2407, K2408]"), ("b", "K2407, K2408")):
        result = invoke(
            project,
            "new",
            incident,
            "--scenario",
            "leak",
            "--from",
            "answers.yml",
            "--set",
            f"facts.data_types={value}",
        )
        assert result.returncode == 0, result.stderr
        text = (project / f"kits/{incident}.yml").read_text(encoding="utf-8")
        assert 'value: [{en: "K2407", zh-Hant: "K2407"}, {en: "K2408", zh-Hant: "K2408"}]' in text  # a code in each


def test_a_profile_block_is_neither_asked_nor_written(tmp_path: Path, no_terminal: None) -> None:
    project = _project(tmp_path, profile=True)
    (project / "answers.yml").write_text(LEAK, encoding="utf-8")
    assert invoke(project, "new", "drill", "--scenario", "leak", "--from", "answers.yml").returncode == 0
    text = (project / "kits/drill.yml").read_text(encoding="utf-8")
    for block in ("organization", "spokesperson", "signatory", "contacts", "languages"):
        assert not re.search(rf"^#? ?{block}:", text, re.MULTILINE), block
    assert _findings(project) == []


def test_answers_the_validators_refuse_are_all_reported_and_nothing_is_written(tmp_path: Path) -> None:
    project = _project(tmp_path, profile=True)
    answers = LEAK.replace("affected_customers: 1200", "afected_customers: 1200").replace("08:30:00+08:00", "08:30")
    (project / "answers.yml").write_text(answers, encoding="utf-8")
    result = invoke(project, "new", "drill", "--scenario", "leak", "--from", "answers.yml", "--set", "issued_at=soon")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "answers.yml:5:3 facts.afected_customers: expected one of the values scenario 'leak' leaves to the incident; "
        "got a key it does not need (did you mean facts.affected_customers?)",
        "answers.yml:7:16 facts.detected_at: expected a date and time with a timezone, like 2026-11-20T09:14:00+08:00; "
        'got "2026-11-20T08:30" (no timezone)',
        '--set issued_at: expected a date and time with a timezone, like 2026-11-20T09:14:00+08:00; got "soon"',
        "no kit was written",
    ]
    assert _files(project) == ["kits/scenarios/outage.yml"]


def test_without_a_terminal_every_missing_value_is_listed_and_nothing_is_written(
    tmp_path: Path, no_terminal: None, golden: Golden
) -> None:
    project = _project(tmp_path)
    result = invoke(project, "new", "drill", "--scenario", "leak", "--set", "title.en=Customer data exposed")
    assert result.returncode == 1
    golden.check(HERE / "missing.txt", result.stderr)
    assert _files(project) == ["kits/scenarios/outage.yml"]  # not even the library scenario


def test_a_real_pipe_is_no_terminal(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "crisiskit", "new", "drill", "--scenario", "outage"]
    result = subprocess.run(
        command, cwd=_project(tmp_path), stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1 and "value(s) missing and no terminal to ask in" in result.stderr
    assert "Traceback" not in result.stderr


# --- questions in a terminal ---------------------------------------------------------------------------------------

SESSION = [
    "Customer data exposed",  # title.en
    "顧客資料外洩",  # title.zh-Hant
    "2026-11-20T08:00",  # began_at without a time zone: refused at once
    "2026-11-20T08:00:00+08:00",  # ... and accepted
    "1,200",  # facts.affected_customers: refused, not a number
    "1200",
    "names",  # facts.data_types, item 1 in en
    "姓名",  # ... in zh-Hant
    "e-mail addresses",  # item 2 in en
    "電子郵件地址",  # ... in zh-Hant
    "",  # the end of the list
    "2026-11-20T08:30:00+08:00",  # facts.detected_at
    "",  # facts.hotline_hours.en left empty: asked again
    "09:00 to 21:00 every day",
    "每日 09:00 至 21:00",  # facts.hotline_hours.zh-Hant
    "2026-11-20T09:00:00+08:00",  # issued_at
    "2026-11-20T15:00:00+08:00",  # next_update_at
]


def test_a_terminal_asks_each_value_and_checks_it_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(tmp_path, profile=True)
    term = _terminal(monkeypatch, SESSION)
    result = invoke(project, "new", "drill", "--scenario", "leak")
    assert result.returncode == 0, result.stderr
    assert term.answers == []
    shown = term.text
    assert "began_at: when the incident began" in shown and "e.g. 2026-11-20T09:14:00+08:00" in shown
    assert 'got "2026-11-20T08:00" (no timezone); try again' in shown
    assert 'expected a number; got "1,200"; try again' in shown
    assert "facts.data_types[2] (zh-Hant)> " in shown and "an answer is needed" in shown
    assert "hotline_hours.zh-Hant: when the hotline is staffed, in zh-Hant" in shown
    assert "organization" not in shown  # the profile gives it
    text = (project / "kits/drill.yml").read_text(encoding="utf-8")
    assert 'value: [{en: "names", zh-Hant: "姓名"}, {en: "e-mail addresses", zh-Hant: "電子郵件地址"}]' in text
    assert 'began_at: "2026-11-20T08:00:00+08:00"' in text
    assert "[[fill in" not in text
    assert _findings(project) == []


def test_a_terminal_asks_only_what_from_and_set_leave_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(tmp_path)  # no profile: the organisation blocks are asked
    (project / "answers.yml").write_text(LEAK, encoding="utf-8")
    term = _terminal(
        monkeypatch,
        [
            "Acme",  # organization.name
            "acme.example",  # organization.website: refused, not https://
            "https://acme.example/",
            "Acme makes tools for small businesses.",
            "Acme 為小型企業打造工具。",
            "",  # organization.city (optional), en
            "",  # ... zh-Hant
            "Lee Chen",
            "Head of Communications",
            "公關主管",
            "Mei Lin",
            "Chief Executive",
            "執行長",
            "",  # contacts.hotline (optional)
            "help@acme.example",  # contacts.email
            "",  # contacts.privacy (optional)
        ],
    )
    result = invoke(project, "new", "drill", "--scenario", "leak", "--from", "answers.yml", "--set", "title.en=Leak")
    assert result.returncode == 0, result.stderr
    asked = re.findall(r"^([a-z_.A-Z-]+): ", term.text, re.MULTILINE)
    assert asked[0] == "organization.name" and "title.en" not in asked and "facts.affected_customers" not in asked
    assert 'expected a web address starting with https://; got "acme.example"' in term.text
    text = (project / "kits/drill.yml").read_text(encoding="utf-8")
    assert 'en: "Leak"' in text and 'organization:\n  name: "Acme"' in text and "city" not in text
    assert _findings(project) == []


@pytest.mark.parametrize("after", [3, 12])
def test_ctrl_c_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, after: int) -> None:
    project = _project(tmp_path, profile=True)
    _terminal(monkeypatch, [*SESSION[:after], KeyboardInterrupt])
    result = invoke(project, "new", "drill", "--scenario", "leak")
    assert result.returncode == 130
    assert "no kit was written" in result.stderr and "interrupted (Ctrl+C)" in result.stderr
    assert _files(project) == ["kits/scenarios/outage.yml"]


def test_the_end_of_input_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(tmp_path, profile=True)
    _terminal(monkeypatch, SESSION[:5])
    result = invoke(project, "new", "drill", "--scenario", "leak")
    assert result.returncode == 1
    assert result.stderr.strip() == "the input ended before every value was given; no kit was written"
    assert _files(project) == ["kits/scenarios/outage.yml"]


def test_a_list_item_left_empty_in_another_language_is_the_first_languages() -> None:
    from crisiskit.cli.prompt import Prompter
    from crisiskit.cli.questions import Question

    term = Terminal(["K2407", "", "K2408", "K2408-台", ""])
    codes = Question("facts.batch_codes", "list", "batch codes recalled", "[K2407]", ("en", "zh-Hant"))
    assert Prompter(term).ask(codes) == [{"en": "K2407", "zh-Hant": "K2407"}, {"en": "K2408", "zh-Hant": "K2408-台"}]
    assert term.answers == []


def test_languages_and_severity_are_asked_first_when_nothing_gives_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project(tmp_path)  # no profile, and "rumour" gives neither languages nor severity
    term = _terminal(monkeypatch, ["english", "en", "catastrophic", "minor", "", "", ""])
    given = {
        "title.en": "The claim about our water is false",
        "began_at": "2026-11-20T08:00:00+08:00",
        "issued_at": "2026-11-20T09:00:00+08:00",
        "next_update_at": "2026-11-21T09:00:00+08:00",
        "organization.name": "Acme",
        "organization.website": "https://acme.example/",
        "organization.boilerplate.en": "Acme bottles spring water.",
        "spokesperson.name": "Lee Chen",
        "spokesperson.title.en": "Head of Communications",
        "signatory.name": "Mei Lin",
        "signatory.title.en": "Chief Executive",
        "contacts.email": "help@acme.example",
    }
    settings = [arg for key, value in given.items() for arg in ("--set", f"{key}={value}")]
    result = invoke(project, "new", "claim", "--scenario", "rumour", *settings)
    assert result.returncode == 0, result.stderr
    asked = re.findall(r"^([a-z_.A-Z-]+): ", term.text, re.MULTILINE)
    assert asked == ["languages", "severity", "organization.city.en", "contacts.hotline", "contacts.privacy"]
    assert 'expected a BCP 47 language tag such as en, zh-Hant or zh-Hans; got "english"' in term.text
    text = (project / "kits/claim.yml").read_text(encoding="utf-8")
    assert 'languages: ["en"]\nseverity: "minor"\ntitle:\n  en: "The claim about our water is false"\n' in text
