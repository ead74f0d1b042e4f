"""The steps of ``crisiskit new``: find the scenario, gather every answer, then write, in that order.

Nothing is written until every answer is in: a missing value without a
terminal, a refused answer, Ctrl+C or the end of input leave the project as
it was. Then a library scenario is copied into kits/scenarios/ (so its text
is reviewed with the incident) and the kit is written, never over a file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from crisiskit.cli.answers import Answers, AnswersRefused, judge, missing_lines, read_answers
from crisiskit.cli.common import err, out, project_root
from crisiskit.cli.new import create_kit, exists, new_kit_text
from crisiskit.cli.prompt import InputEnded, Prompter, terminal
from crisiskit.cli.questions import BLOCKS, Question, kit_questions, setting_questions
from crisiskit.cli.scenarios import Catalogue, Scenario, catalogue, copy_into_project, listing
from crisiskit.errors import KitError, SystemProblem, UserError
from crisiskit.model.schema.types import MAX_ID_LENGTH, file_name_problem

SETTINGS = ("languages", "severity", "crisis_type")


class AnswersMissing(UserError):
    """Values no answer gave, in a run that cannot ask: every one listed, with what it is and an example."""

    def __init__(self, header: str, lines: list[str]):
        super().__init__(header)
        self.header = header
        self.missing = lines

    def lines(self) -> list[str]:
        return [self.header, *self.missing]


def list_scenarios() -> None:
    """Print every scenario the working folder's project (if any) and the library offer."""
    here = Path.cwd()
    found = catalogue(here if (here / "kits").is_dir() else None)
    for line in listing(found.scenarios):
        out.print(line, markup=False)
    for problem in found.problems:
        err.print(f"{problem} (not listed)", markup=False)


def open_incident(
    incident_id: str, scenario_name: str, settings: Sequence[str], answers_file: Path | None, placeholders: bool
) -> None:
    """Open kits/<incident_id>.yml from ``scenario_name``: ask, then write; see cli/new.py."""
    _check_id(incident_id)
    project = project_root()
    target = project / "kits" / f"{incident_id}.yml"
    if target.exists():
        raise exists(target)
    given = read_answers(settings, answers_file)
    found = catalogue(project)
    chain = _chain(found, scenario_name)
    models = [s.model for s in chain]
    profile, profile_languages = _profile(project)
    supplied = {n for n in (*BLOCKS, *SETTINGS) if any(getattr(m, n) is not None for m in models)} | profile
    term = None if placeholders else terminal()
    prompter = Prompter(term) if term is not None else None
    if prompter is not None:
        where = "the project's" if chain[0].where == "project" else "crisiskit's library"
        prompter.term.write(
            f'Opening {target.relative_to(project)} from the scenario "{scenario_name}" ({where}). '
            "Each value is checked as you give it; Ctrl+C stops without writing anything.\n"
        )
    try:
        languages, answers = _languages(models, profile_languages, supplied, given, prompter)
        questions = [
            *setting_questions(n for n in SETTINGS if n not in supplied and n != "languages"),
            *kit_questions(models, languages or ["en"], [b for b in BLOCKS if b not in supplied]),
        ]
        asked_first = setting_questions(["languages"]) if "languages" not in supplied else []
        answers |= judge(given, [*questions, *asked_first], scenario_name)
        missing = [q for q in questions if q.key not in answers and not q.optional]
        if languages is None:
            missing = [*setting_questions(["languages"]), *missing]
        if prompter is not None:
            answers |= _ask(prompter, [q for q in questions if q.key not in answers])
        elif missing and not placeholders:
            raise AnswersMissing(
                f"crisiskit new {incident_id} --scenario {scenario_name}: {len(missing)} value(s) missing and no "
                "terminal to ask in; give them with --set KEY=VALUE or --from FILE (YAML, the same keys), run "
                "it in a terminal, or add --placeholders to write a kit to fill in by hand. No kit was written:",
                missing_lines(missing, answers_file),
            )
    except KeyboardInterrupt:
        err.print("no kit was written", markup=False)
        raise
    except InputEnded:
        raise UserError("the input ended before every value was given; no kit was written") from None
    text = new_kit_text(incident_id, models[0], answers, chain=models, supplied=supplied, languages=languages or ["en"])
    path = _write(project, incident_id, chain, text)
    unfilled = "[[fill in" in text
    out.print(
        f"created {path.relative_to(project)}: "
        + (
            "fill in every [[fill in ...]] placeholder, then run crisiskit check" if unfilled else "run crisiskit check"
        ),
        markup=False,
    )


def _check_id(incident_id: str) -> None:
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", incident_id):
        raise click.BadParameter("expected a lower-case slug like data-leak-2026", param_hint="INCIDENT_ID")
    problem = file_name_problem(incident_id)  # the kits' own rule: `new` never opens a kit `check` refuses
    if problem:
        raise click.BadParameter(
            f"expected an id of at most {MAX_ID_LENGTH} characters that every system can store "
            f"as a file name; got {problem}",
            param_hint="INCIDENT_ID",
        )


def _chain(found: Catalogue, name: str) -> list[Scenario]:
    """The scenario and those it extends; an unknown name is wrong usage, a broken file its own problems."""
    chain = found.chain(name)
    names = {s.name for s in chain} | {name}
    broken = [p for p in found.problems if Path(p.file).stem in names]
    if broken:
        raise KitError(broken)
    if not chain:
        known = ", ".join(f"{n} ({s.where})" for n, s in found.scenarios.items()) or "none"
        raise click.BadParameter(f"expected one of {known}; got {name!r}", param_hint="--scenario")
    return chain


def _profile(project: Path) -> tuple[set[str], list[str] | None]:
    """The kit keys crisiskit.yml gives every incident, and its languages if it gives them."""
    from crisiskit.model.config import load_config, profile_fields

    fields = profile_fields(project)
    languages = load_config(project).profile.values.get("languages") if "languages" in fields else None
    return fields, list(languages) if languages else None


def _languages(
    models: list[Any], profile: list[str] | None, supplied: set[str], given: Answers, prompter: Prompter | None
) -> tuple[list[str] | None, dict[str, Any]]:
    """The kit's languages (the scenarios', the profile's, else an answer), needed before any text is asked."""
    for model in models:
        if model.languages:
            return list(model.languages), {}
    if profile:
        return profile, {}
    question = setting_questions(["languages"])[0]
    answer = given.top_level("languages")
    if answer is not None:
        languages = judge_one(question, answer.value, answer.where)
        return languages, {"languages": languages}
    if prompter is not None and "languages" not in supplied:
        languages = prompter.ask(question)
        return languages, {"languages": languages}
    return None, {}


def judge_one(question: Question, value: Any, where: str) -> Any:
    from crisiskit.cli.questions import AnswerProblem

    try:
        return question.accept(value)
    except AnswerProblem as problem:
        raise AnswersRefused([f"{where} {question.key}: {problem.message}"]) from None


def _ask(prompter: Prompter, questions: list[Question]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for question in questions:
        value = prompter.ask(question)
        if value is not None:
            answers[question.key] = value
    return answers


def _write(project: Path, incident_id: str, chain: list[Scenario], text: str) -> Path:
    """Copy library scenarios into the project, then write the kit; on any failure, neither stays."""
    copied: list[Path] = []
    target = project / "kits" / f"{incident_id}.yml"
    try:
        for scenario in chain:
            if scenario.where == "library":
                copied.append(copy_into_project(scenario, project))
                out.print(
                    f'copied the library scenario "{scenario.name}" to {copied[-1].relative_to(project)}: its text '
                    "is now the project's to review and approve with this incident",
                    markup=False,
                )
        return create_kit(project / "kits", incident_id, chain[0].model, text)
    except BaseException as error:
        for path in copied:
            path.unlink(missing_ok=True)
        if isinstance(error, OSError):  # a failed write names no file; this one is the kit
            raise SystemProblem(error, target, "no kit was created") from error
        raise
