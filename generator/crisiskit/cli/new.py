"""``crisiskit new``: open an incident from a pre-approved scenario in minutes.

The new kit extends the scenario, so its pre-approved text is used as is;
the file lists every fact the scenario needs, each with an explicit
``[[fill in ...]]`` placeholder that ``crisiskit check`` refuses until a
person writes the real value. An existing file is never overwritten.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from crisiskit.errors import UserError
from crisiskit.model.schema.kit import ScenarioKit
from crisiskit.model.schema.types import MAX_ID_LENGTH, PLACEHOLDER, file_name_problem

_EXAMPLES = {
    "number": "a number, e.g. 1200",
    "datetime": "date and time with timezone, e.g. 2026-11-20T09:14:00+08:00",
    "url": "web address, e.g. https://example.com/notice",
    "phone": "phone number, e.g. +886 2 2700 1234",
    "email": "e-mail address",
    "list": "a list",
    "text": "text in each language",
}


def _placeholder(what: str) -> str:
    return json.dumps(f"{PLACEHOLDER}: {what}]]", ensure_ascii=False)


def new_kit_text(incident_id: str, scenario: ScenarioKit) -> str:
    """The YAML of a new incident extending ``scenario``, every value a person must give marked."""
    languages = scenario.languages or ["en"]
    lines = [
        "# yaml-language-server: $schema=kit.schema.json",
        f'# Opened from the scenario "{scenario.scenario}". Replace every [[fill in ...]] placeholder;',
        "# `crisiskit check` refuses the kit until none is left.",
        f"id: {incident_id}",
        f"extends: {scenario.scenario}",
        "title:",
        *[f"  {lang}: {_placeholder('the incident title in ' + lang)}" for lang in languages],
        f"began_at: {_placeholder(_EXAMPLES['datetime'])}",
    ]
    for name, what in (
        ("organization", "organization"),
        ("spokesperson", "spokesperson"),
        ("signatory", "signatory"),
        ("contacts", "contacts"),
        ("severity", "severity"),
    ):
        if getattr(scenario, name) is None:
            lines.append(f"# {what}: not in the scenario; add it here (see kit.schema.json)")
    needed = {n: f for n, f in scenario.facts.items() if f.value is None}
    if needed:
        lines.append("facts:")
        for name, fact in needed.items():
            described = fact.description.get(languages[0]) if fact.description else name
            lines.append(f"  # {described}")
            lines.append(f"  {name}: {{type: {fact.kind}, value: {_placeholder(_EXAMPLES[fact.kind])}}}")
    lines += [
        "updates:",
        "  - revision: 1",
        "    status: investigating",
        f"    issued_at: {_placeholder(_EXAMPLES['datetime'])}",
        f"    next_update_at: {_placeholder(_EXAMPLES['datetime'])}",
        "    # statement: sections left out come from the scenario's pre-approved text for 'investigating'",
    ]
    return "\n".join(lines) + "\n"


def create_kit(kits_dir: Path, incident_id: str, scenario: ScenarioKit) -> Path:
    """Write kits/<id>.yml; refuse if it exists, so no one's work is ever overwritten.

    The id names a file and folders on every reviewer's machine: one that
    is too long or a Windows device name (con, aux, ...) is refused first.
    """
    bad_name = file_name_problem(incident_id)
    if bad_name:
        raise UserError(
            f"{incident_id[:MAX_ID_LENGTH]}{'...' if len(incident_id) > MAX_ID_LENGTH else ''}: expected "
            f"an incident id of at most {MAX_ID_LENGTH} characters that names a file on every system; "
            f"got {bad_name}"
        )
    target = kits_dir / f"{incident_id}.yml"
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise UserError(
            f"{target}: expected a new incident id; got one whose kit already exists "
            "(choose another id, or edit that file)"
        ) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(new_kit_text(incident_id, scenario))
    except BaseException:  # a full disk or Ctrl+C: no half-written kit that blocks the id and fails check
        target.unlink(missing_ok=True)
        raise
    return target
