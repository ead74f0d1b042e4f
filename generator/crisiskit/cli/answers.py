"""Answers given on the command line: ``--set KEY=VALUE`` and a ``--from FILE`` of answers.

The answers file is YAML with the same keys, flat (``facts.affected_customers:
2300``) or nested (``facts: {affected_customers: 2300}``), read by the kit
loader so every problem names its line and column. ``--set`` wins over the
file. Every problem in every answer is collected before anything is asked
or written: a key no question has (with the nearest one it may mean), a
value the validators refuse.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crisiskit.cli.questions import AnswerProblem, Question
from crisiskit.errors import UserError
from crisiskit.model.load import SourceFile, load_file
from crisiskit.model.schema.types import describe


class AnswersRefused(UserError):
    """Answers that cannot be used: each line ``where key: expected ...; got ...``; nothing was written."""

    def __init__(self, messages: list[str]):
        super().__init__(f"{len(messages)} problem(s) in the answers")
        self.messages = messages

    def lines(self) -> list[str]:
        return [*self.messages, "no kit was written"]


@dataclass(frozen=True)
class Given:
    """One answer as given, and where: ``answers.yml:3:5`` or ``--set``."""

    value: Any
    where: str
    key_where: str = ""
    """Where its key is written (an unknown key is reported there); ``where`` if the same."""


@dataclass(frozen=True)
class Answers:
    """What a script gave: the answers file as loaded, then each ``--set`` in order (the later wins)."""

    file: SourceFile | None
    settings: tuple[tuple[str, str], ...]

    def top_level(self, key: str) -> Given | None:
        """A top-level answer (languages, severity, crisis_type), needed before the other questions exist."""
        found = self.flatten({key}).get(key)
        return found

    def flatten(self, keys: AbstractSet[str]) -> dict[str, Given]:
        """Every answer by dotted key: nested mappings are followed down to a question's key."""
        prefixes = {key.rsplit(".", n)[0] for key in keys for n in range(1, key.count(".") + 1)}
        out: dict[str, Given] = {}
        if self.file is not None:
            self._walk(self.file, self.file.data, (), keys, prefixes, out)
        for key, value in self.settings:
            out[key] = Given(value, "--set")
        return out

    def _walk(
        self,
        file: SourceFile,
        data: dict[str, Any],
        path: tuple[str, ...],
        keys: AbstractSet[str],
        prefixes: AbstractSet[str],
        out: dict[str, Given],
    ) -> None:
        for name, value in data.items():
            here = (*path, str(name))
            dotted = ".".join(here)
            if isinstance(value, dict) and dotted not in keys and dotted in prefixes:
                self._walk(file, value, here, keys, prefixes, out)
            else:
                line, column = file.positions.locate(here)
                key_line, key_column = file.positions.locate(here, key=True)
                out[dotted] = Given(value, f"{file.display}:{line}:{column}", f"{file.display}:{key_line}:{key_column}")


def read_answers(settings: Sequence[str], answers_file: Path | None) -> Answers:
    """The answers given, not judged yet; a malformed ``--set`` or an unreadable file is refused here."""
    file = None
    if answers_file is not None:
        loaded = load_file(answers_file, "incident")
        if not isinstance(loaded, SourceFile):
            raise AnswersRefused([str(loaded)])
        file = loaded
    pairs: list[tuple[str, str]] = []
    problems: list[str] = []
    for setting in settings:
        key, equals, value = setting.partition("=")
        if not equals or not key.strip():
            problems.append(f"--set {setting}: expected KEY=VALUE, such as facts.affected_customers=2300; got no =")
        else:
            pairs.append((key.strip(), value))
    if problems:
        raise AnswersRefused(problems)
    return Answers(file, tuple(pairs))


def judge(given: Answers, questions: Sequence[Question], scenario: str) -> dict[str, Any]:
    """Each given answer checked by its question's validators; AnswersRefused lists every problem."""
    by_key = {q.key: q for q in questions}
    answers: dict[str, Any] = {}
    problems: list[str] = []
    for key, answer in given.flatten(set(by_key)).items():
        question = by_key.get(key)
        if question is None:
            near = difflib.get_close_matches(key, list(by_key), n=1)
            hint = f" (did you mean {near[0]}?)" if near else ""
            problems.append(
                f"{answer.key_where or answer.where} {key}: expected one of the values scenario {scenario!r} "
                f"leaves to the incident; got a key it does not need{hint}"
            )
            continue
        try:
            answers[key] = question.accept(answer.value)
        except AnswerProblem as problem:
            _refused(key, answer, problem, problems)
    if problems:
        raise AnswersRefused(problems)
    return answers


def _refused(key: str, answer: Given, problem: AnswerProblem, problems: list[str]) -> None:
    got = "" if "; got " in problem.message else f"; got {describe(answer.value)}"
    problems.append(f"{answer.where} {key}: {problem.message}{got}")


def missing_lines(missing: Sequence[Question], answers_file: Path | None) -> list[str]:
    """One line per value still missing, with what it is and an example, for a run that cannot ask."""
    where = f"{answers_file}:1:1 " if answers_file is not None else ""
    return [f"{where}{q.key}: expected {q.description} ({q.hint}); got no answer" for q in missing]
