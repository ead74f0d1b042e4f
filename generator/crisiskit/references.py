"""What a kit text may refer to, and the check that it refers to nothing else.

Kit texts are Jinja2 templates rendered in a sandbox: they may read facts
and a few incident values, nothing more. This module finds the references
without rendering, so an undefined fact is reported at the line of the text
that uses it, before any page is made.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from jinja2 import TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from crisiskit.errors import Problem
from crisiskit.schema.types import Text, describe

TEXT_NAMES = {
    "facts": "the incident's facts, as facts.name",
    "next_update": "the time of the next update",
    "statement_url": "the canonical statement page",
}
_ENV = ImmutableSandboxedEnvironment()
_BLOCK = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{[{%].*", re.DOTALL)
_OPENER = re.compile(r"\{\{|\{%")
_CLOSER = re.compile(r"\}\}|%\}")


def strip_references(source: str) -> str:
    """``source`` with every ``{{ ... }}`` and ``{% ... %}`` replaced by a space: the words an author wrote."""
    return _BLOCK.sub(" ", source)


@dataclass(frozen=True)
class Reference:
    """One ``{{ facts.name }}`` (or other name) in a text, and its line within the text."""

    name: str
    attribute: str | None
    line: int


def find_references(source: str) -> list[Reference]:
    """Every variable a text reads. Raises TemplateSyntaxError for a broken template."""
    tree = _ENV.parse(source)
    found: list[Reference] = []
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if isinstance(node.node, nodes.Name):
            attribute = node.attr if isinstance(node, nodes.Getattr) else _constant(node.arg)
            found.append(Reference(node.node.name, attribute, node.lineno))
    for node in tree.find_all(nodes.Name):
        if node.ctx == "load":
            found.append(Reference(node.name, None, node.lineno))
    return found


def _constant(arg: nodes.Node) -> str | None:
    return str(arg.value) if isinstance(arg, nodes.Const) else None


def reference_problems(text: Text, fact_names: set[str]) -> list[Problem]:
    """Problems with what ``text`` refers to, in every language it is given in."""
    problems: list[Problem] = []
    variants = [(None, text.raw)] if isinstance(text.raw, str) else list(text.raw.items())
    known = ", ".join(sorted(TEXT_NAMES))
    for language, variant in variants:
        try:
            references = find_references(variant)
        except TemplateSyntaxError as error:
            offset = _broken_block(variant, error.lineno)
            snippet = variant[offset:].split("\n")[0] if offset is not None else ""
            got = f"{describe(snippet)}, which" if snippet else "a reference that"
            reason = error.message.replace("'end of print statement'", "'}}'").replace(
                "'end of statement block'", "'%}'")
            problems.append(_at(text, language, variant, offset, 2, "{{",
                                f"expected a text with valid {{{{ ... }}}} references; got {got} cannot be read "
                                f"({reason})"))
            continue
        for ref in references:
            if ref.name not in TEXT_NAMES:
                offset = _in_blocks(variant, rf"(?<![\w.]){re.escape(ref.name)}\b")
                problems.append(_at(text, language, variant, offset, len(ref.name), ref.name,
                                    f'expected a reference to one of {known}; got "{ref.name}"'))
            elif ref.name == "facts" and ref.attribute is not None and ref.attribute not in fact_names:
                name = re.escape(ref.attribute)
                offset = _in_blocks(variant, rf"(?<![\w.])facts\s*(\.\s*{name}\b|\[\s*['\"]{name}['\"]\s*\])")
                problems.append(_at(text, language, variant, offset, len("facts"), f"facts.{ref.attribute}",
                                    f'expected a defined fact; got "facts.{ref.attribute}", which the kit does not '
                                    f"define (add it under facts:)"))
    return problems


def _in_blocks(source: str, pattern: str) -> int | None:
    """Where ``pattern`` first matches inside a {{ }} or {% %} block of ``source`` (not in the prose around it)."""
    compiled = re.compile(pattern)
    for block in _BLOCK.finditer(source):
        match = compiled.search(source, block.start(), block.end())
        if match:
            return match.start()
    return None


def _broken_block(source: str, lineno: int) -> int | None:
    """The opening {{ or {% Jinja could not read: the last one left unclosed up to the error's line."""
    lines = source.split("\n")
    end = len("\n".join(lines[: max(lineno, 1)]))
    openers = [m.start() for m in _OPENER.finditer(source, 0, end)]
    for index in range(len(openers) - 1, -1, -1):
        following = openers[index + 1] if index + 1 < len(openers) else len(source)
        if not _CLOSER.search(source, openers[index], following):
            return openers[index]
    return openers[-1] if openers else None


def _at(text: Text, language: str | None, source: str, offset: int | None, length: int, token: str,
        message: str) -> Problem:
    """A Problem at ``source[offset:]`` in the kit file, found by the text before it on its line.

    Searching for the bare token would stop at the first word that happens to match (the "sorry"
    in "We are sorry. {{ sorry }}"); the surrounding text makes the search land on the reference.
    Falls back to the token, then to the start of the text, when the YAML quoting changed the text.
    """
    fallback = text.origin.problem(message, token, language)
    if offset is None:
        return fallback
    prefix = source[source.rfind("\n", 0, offset) + 1: offset + length]
    lines = text.origin.lines
    for context in dict.fromkeys((prefix, prefix[-24:])):
        line, column = text.origin.find(context, language)
        if 0 < line <= len(lines) and lines[line - 1][column - 1:].startswith(context):
            return dataclasses.replace(fallback, line=line, column=column + len(context) - length)
    return fallback
