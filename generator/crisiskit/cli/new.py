"""``crisiskit new``: open an incident from a pre-approved scenario in minutes.

The new kit extends the scenario, so its pre-approved text is used as is;
the kit holds only what the scenario leaves to the incident: its title,
when it began, the facts, and when the first statement is issued and the
next one promised, plus any block (organization, spokesperson, signatory,
contacts) neither the scenario nor the organisation profile in crisiskit.yml
gives. Those values come from ``--set``, then a ``--from`` answers file, then
questions in a terminal (cli/prompt.py), each judged at once by the schema's
own validators (cli/questions.py). Without a terminal, every missing value
is listed and nothing is written; ``--placeholders`` writes an explicit
``[[fill in ...]]`` for each instead, which ``crisiskit check`` refuses
until a person writes the real value. An existing file is never
overwritten, and nothing is written before every answer is in.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

import click

from crisiskit.cli.questions import BLOCKS, needed_facts
from crisiskit.errors import UserError
from crisiskit.model.schema.kit import ScenarioKit
from crisiskit.model.schema.types import MAX_ID_LENGTH, PLACEHOLDER, file_name_problem

_EXAMPLES = {
    "number": "a number, e.g. 1200",
    "datetime": "date and time with timezone, e.g. 2026-11-20T09:14:00+08:00",
    "url": "web address, e.g. https://example.com/notice",
    "phone": "phone number, e.g. +886 2 2700 1234",
    "email": "e-mail address",
    "list": "a list, e.g. [{en: names, zh-Hant: 姓名}, {en: e-mail addresses, zh-Hant: 電子郵件地址}]",
    "text": "text in each language, e.g. {en: ..., zh-Hant: ...}",
}


_SHORT = 100  # the longest line written as one; longer values get a line per entry


class _Bare(str):
    """A word written as it is (a fact's type), not quoted like the texts people give."""


def _placeholder(what: str) -> str:
    return json.dumps(f"{PLACEHOLDER}: {what}]]", ensure_ascii=False)


def _yaml(value: Any) -> str:
    """Plain answer data as one line of YAML (flow style; texts as double-quoted strings)."""
    if isinstance(value, _Bare):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_yaml(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_yaml(item)}" for key, item in value.items()) + "}"
    return str(value)


def _entry(key: str, value: Any, indent: str) -> list[str]:
    """``key: value`` on one line when short, else a mapping or list one entry a line (a long text stays whole)."""
    line = f"{indent}{key}: {_yaml(value)}"
    if len(line) <= _SHORT or not isinstance(value, (dict, list)):
        return [line]
    if isinstance(value, dict):
        return [f"{indent}{key}:", *(e for k, v in value.items() for e in _entry(k, v, indent + "  "))]
    return [f"{indent}{key}:", *(f"{indent}  - {_yaml(item)}" for item in value)]


def _block_lines(block: str, answers: Mapping[str, Any]) -> list[str]:
    """A block answered key by key (``organization.boilerplate.en``), written as nested YAML."""
    tree: dict[str, Any] = {}
    for key, value in answers.items():
        if key.startswith(f"{block}.") and value is not None:
            *parents, leaf = key.split(".")[1:]
            node = tree
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = value
    if not tree:  # every field optional and left out (contacts): the block is there, and empty
        return [f"{block}: {{}}"]
    return [f"{block}:", *(line for key, value in tree.items() for line in _entry(key, value, "  "))]


def new_kit_text(
    incident_id: str,
    scenario: ScenarioKit,
    answers: Mapping[str, Any] | None = None,
    *,
    chain: Sequence[ScenarioKit] | None = None,
    supplied: AbstractSet[str] | None = None,
    languages: Sequence[str] | None = None,
) -> str:
    """The YAML of a new incident extending ``scenario``: each answer written, each value not answered marked.

    ``chain`` is the scenario and those it extends (default: the scenario alone), ``supplied`` the kit
    blocks they or the organisation profile give (default: the scenario's), ``languages`` the kit's.
    """
    answers = answers or {}
    chain = list(chain or [scenario])
    if supplied is None:
        supplied = {name for name in (*BLOCKS, "severity") if getattr(scenario, name) is not None}
    languages = list(languages or scenario.languages or ["en"])
    lines = [
        "# yaml-language-server: $schema=kit.schema.json",
        f'# Opened from the scenario "{scenario.scenario}".'
        + (" Replace every [[fill in ...]] placeholder;" if _unanswered(answers, languages, chain) else ""),
        "# `crisiskit check` refuses the kit until none is left."
        if _unanswered(answers, languages, chain)
        else "# Run `crisiskit check`, then ask for approval.",
        f"id: {incident_id}",
        f"extends: {scenario.scenario}",
    ]
    lines += [f"{key}: {_yaml(answers[key])}" for key in ("languages", "severity", "crisis_type") if key in answers]
    lines.append("title:")
    for lang in languages:
        value = answers.get(f"title.{lang}")
        lines.append(
            f"  {lang}: {_yaml(value) if value is not None else _placeholder('the incident title in ' + lang)}"
        )
    began = answers.get("began_at")
    lines.append(f"began_at: {_yaml(began) if began else _placeholder(_EXAMPLES['datetime'])}")
    for name in (*BLOCKS, "severity"):
        if name in supplied or name in answers:
            continue
        if any(key.startswith(f"{name}.") for key in answers):
            lines += _block_lines(name, answers)
        else:
            lines.append(
                f"# {name}: not in the scenario nor crisiskit.yml; add it here (see kit.schema.json), "
                "or let `crisiskit new` ask for it in a terminal"
            )
    needed = needed_facts(chain)
    if needed:
        lines.append("facts:")
        for name, fact in needed.items():
            described = fact.description.get(languages[0]) if fact.description else name
            lines.append(f"  # {' '.join(described.split())}")
            value = _fact_value(name, fact.kind, answers, languages)
            if value is None:
                lines.append(f"  {name}: {{type: {fact.kind}, value: {_placeholder(_EXAMPLES[fact.kind])}}}")
            else:
                lines += _entry(name, {"type": _Bare(fact.kind), "value": value}, "  ")
    issued, promised = answers.get("issued_at"), answers.get("next_update_at")
    lines += [
        "updates:",
        "  - revision: 1",
        "    status: investigating",
        f"    issued_at: {_yaml(issued) if issued else _placeholder(_EXAMPLES['datetime'])}",
        f"    next_update_at: {_yaml(promised) if promised else _placeholder(_EXAMPLES['datetime'])}",
        "    # statement: sections left out come from the scenario's pre-approved text for 'investigating'",
    ]
    return "\n".join(lines) + "\n"


def _fact_value(name: str, kind: str, answers: Mapping[str, Any], languages: Sequence[str]) -> Any:
    if kind != "text":
        return answers.get(f"facts.{name}")
    texts = {lang: answers.get(f"facts.{name}.{lang}") for lang in languages}
    return texts if all(text is not None for text in texts.values()) else None


def _unanswered(answers: Mapping[str, Any], languages: Sequence[str], chain: Sequence[ScenarioKit]) -> bool:
    keys = {f"title.{lang}" for lang in languages} | {"began_at", "issued_at", "next_update_at"}
    return any(k not in answers for k in keys) or any(
        _fact_value(name, fact.kind, answers, languages) is None for name, fact in needed_facts(chain).items()
    )


def id_problem(incident_id: str) -> str | None:
    """Why ``incident_id`` cannot name a kit, or None (the kits' own rule: `new` never opens a kit `check` refuses)."""
    bad_name = file_name_problem(incident_id)
    if bad_name:
        return (
            f"{incident_id[:MAX_ID_LENGTH]}{'...' if len(incident_id) > MAX_ID_LENGTH else ''}: expected "
            f"an incident id of at most {MAX_ID_LENGTH} characters that names a file on every system; "
            f"got {bad_name}"
        )
    return None


def create_kit(kits_dir: Path, incident_id: str, scenario: ScenarioKit, text: str | None = None) -> Path:
    """Write kits/<id>.yml (``text``, else the scenario's kit with placeholders); refuse if it exists.

    The id names a file and folders on every reviewer's machine: one that
    is too long or a Windows device name (con, aux, ...) is refused first.
    """
    problem = id_problem(incident_id)
    if problem:
        raise UserError(problem)
    target = kits_dir / f"{incident_id}.yml"
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise exists(target) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text if text is not None else new_kit_text(incident_id, scenario))
    except BaseException:  # a full disk or Ctrl+C: no half-written kit that blocks the id and fails check
        target.unlink(missing_ok=True)
        raise
    return target


def exists(target: Path) -> UserError:
    return UserError(
        f"{target}: expected a new incident id; got one whose kit already exists (choose another id, or edit that file)"
    )


@click.command()
@click.argument("incident_id", required=False)
@click.option(
    "--scenario",
    "scenario_name",
    metavar="NAME",
    help="The scenario to start from: the project's kits/scenarios/NAME.yml, else the library's (see --list).",
)
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="KEY=VALUE",
    help="A value the scenario needs, such as facts.affected_customers=2300, title.en=..., issued_at=... "
    "(repeatable; wins over --from).",
)
@click.option(
    "--from",
    "answers_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A YAML file of answers with the same keys (flat or nested).",
)
@click.option(
    "--placeholders",
    is_flag=True,
    help="Ask nothing: write a [[fill in ...]] placeholder for every value not given, to fill in by hand "
    "(crisiskit check refuses the kit until none is left).",
)
@click.option("--list", "list_only", is_flag=True, help="List every scenario available, one line each, and exit.")
def new(
    incident_id: str | None,
    scenario_name: str | None,
    settings: tuple[str, ...],
    answers_file: Path | None,
    placeholders: bool,
    list_only: bool,
) -> None:
    """Open a new incident kits/INCIDENT_ID.yml from a pre-approved scenario.

    Each value the scenario needs comes from --set, then --from, then a question in the terminal, checked
    as it is given. Without a terminal (CI, a pipe), a missing value fails the command with the list of
    every one missing, and nothing is written; --placeholders writes placeholders for them instead. A
    scenario not in kits/scenarios/ is copied there from crisiskit's library first, for review.
    """
    from crisiskit.cli.opening import list_scenarios, open_incident

    if list_only:
        list_scenarios()
        return
    if not incident_id or not scenario_name:
        raise click.UsageError("expected INCIDENT_ID and --scenario NAME (or --list to see the scenarios)")
    open_incident(incident_id, scenario_name, settings, answers_file, placeholders)
