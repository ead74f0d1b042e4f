"""What a kit text may refer to, and the check that it refers to nothing else.

Kit texts are Jinja2 templates rendered in a sandbox: they may read facts
and a few incident values, nothing more. This module finds the references
without rendering, so an undefined fact is reported at the line of the text
that uses it, before any page is made.
"""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from crisiskit.errors import Problem
from crisiskit.schema.types import Text

TEXT_NAMES = {
    "facts": "the incident's facts, as facts.name",
    "next_update": "the time of the next update",
    "statement_url": "the canonical statement page",
}
_ENV = ImmutableSandboxedEnvironment()


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
            problems.append(text.origin.problem(
                f"expected a text with valid {{{{ ... }}}} references; got {error.message}", "{{", language))
            continue
        for ref in references:
            if ref.name not in TEXT_NAMES:
                problems.append(text.origin.problem(
                    f'expected a reference to one of {known}; got "{ref.name}"', ref.name, language))
            elif ref.name == "facts" and ref.attribute is not None and ref.attribute not in fact_names:
                problems.append(text.origin.problem(
                    f'expected a defined fact; got "facts.{ref.attribute}", which the kit does not define '
                    f"(add it under facts:)", f"facts.{ref.attribute}", language))
    return problems
