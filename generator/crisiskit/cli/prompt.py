"""Asking a person for the values a new kit needs, one at a time, in a plain terminal.

Each question shows its key, what it is and an example; each answer is
judged at once by the question's validators and asked again until they
accept it. A list is asked item by item (an empty answer ends it), each item
in every kit language; a text is asked once per language. Only the standard
input and error streams are used, so it works in any terminal; a test drives
it with a fake ``Terminal``. Ctrl+C raises KeyboardInterrupt as usual: the
caller has written nothing yet.
"""

from __future__ import annotations

import sys
from typing import Any, Protocol

from crisiskit.cli.questions import AnswerProblem, Question


class Terminal(Protocol):
    """Where questions are written and answers read."""

    def readline(self) -> str: ...

    def write(self, text: str) -> None: ...


class StandardTerminal:
    """The process's standard input, questions on standard error (standard output stays for results)."""

    def readline(self) -> str:
        return sys.stdin.readline()

    def write(self, text: str) -> None:
        sys.stderr.write(text)
        sys.stderr.flush()


def terminal() -> Terminal | None:
    """The terminal to ask in, or None when standard input is not one (CI, a pipe): then nothing is asked."""
    return StandardTerminal() if sys.stdin.isatty() else None


class InputEnded(Exception):
    """Standard input ended before every question was answered."""


class Prompter:
    """Asks questions in a terminal and returns the accepted answers as plain YAML data."""

    def __init__(self, term: Terminal):
        self.term = term

    def ask(self, question: Question) -> Any:
        """The accepted answer, or None for an optional question left empty."""
        extra = " (optional: an empty answer leaves it out)" if question.optional else ""
        self.term.write(f"\n{question.key}: {question.description}{extra}\n")
        if question.kind == "list":
            self.term.write(f"  {question.hint}\n")
            return self._list(question)
        self.term.write(f"  {question.hint}\n")
        while True:
            answer = self._line(f"{question.key}> ")
            if not answer:
                if question.optional:
                    return None
                self.term.write("  an answer is needed\n")
                continue
            try:
                return question.accept(answer)
            except AnswerProblem as problem:
                self.term.write(f"  {problem.message}; try again\n")

    def _list(self, question: Question) -> list[Any] | None:
        languages = question.languages or ("",)
        self.term.write(
            "  one item at a time; an empty answer ends the list"
            + (
                f"; in {', '.join(languages[1:])} an empty answer repeats the {languages[0]} item"
                if languages[1:]
                else ""
            )
            + "\n"
        )
        items: list[Any] = []
        while True:
            first = self._item(question, len(items) + 1, languages[0], "")
            if not first:
                if items:
                    return question.accept(items)
                if question.optional:
                    return None
                self.term.write("  a list needs at least one item\n")
                continue
            if len(languages) == 1:
                items.append(first)
                continue
            item = {languages[0]: first}
            for language in languages[1:]:
                item[language] = self._item(question, len(items) + 1, language, first) or first
            items.append(item)

    def _item(self, question: Question, number: int, language: str, default: str) -> str:
        label = f"{question.key}[{number}]" + (f" ({language})" if language else "")
        while True:
            answer = self._line(f"{label}> ")
            if not answer:
                return default
            item = Question(question.key, "text", question.description, question.example)
            try:
                return str(item.accept(answer))
            except AnswerProblem as problem:
                self.term.write(f"  {problem.message}; try again\n")

    def _line(self, prompt: str) -> str:
        self.term.write(prompt)
        line = self.term.readline()
        if not line:
            raise InputEnded
        return line.strip()
