"""The JSON Schema for editors: generated, draft-07, and it accepts every kit of the fixture site.

That the repository's committed kits/kit.schema.json is current is a property of the
user's repository: .ci/run compares it with `crisiskit schema`.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from crisiskit.model.load import load_file
from crisiskit.model.schema_export import kit_json_schema
from sites import PROJECT, run_crisiskit

KITS = sorted((PROJECT / "kits").glob("*.yml")) + sorted((PROJECT / "kits/scenarios").glob("*.yml"))


def test_schema_command_prints_the_schema(tmp_path: Path) -> None:
    result = run_crisiskit(tmp_path, "schema")
    assert result.returncode == 0
    assert json.loads(result.stdout) == kit_json_schema()
    assert result.stdout == json.dumps(kit_json_schema(), indent=2, ensure_ascii=False) + "\n"


def test_schema_is_draft_07_without_newer_keywords() -> None:
    schema = kit_json_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    newer = {
        "$defs",
        "prefixItems",
        "unevaluatedProperties",
        "unevaluatedItems",
        "dependentRequired",
        "dependentSchemas",
        "$anchor",
        "$dynamicRef",
        "$dynamicAnchor",
    }
    assert not newer & set(_keys(schema))


def _keys(node: object):
    """Every key of every mapping in a JSON document."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _keys(value)
    elif isinstance(node, list):
        for item in node:
            yield from _keys(item)


def test_samples_exist() -> None:
    assert len([k for k in KITS if k.parent.name == "kits"]) >= 4
    assert len([k for k in KITS if k.parent.name == "scenarios"]) >= 3


@pytest.mark.parametrize("kit", KITS, ids=lambda p: p.name)
def test_every_sample_validates_against_the_schema(kit: Path) -> None:
    data = load_file(kit, "scenario" if kit.parent.name == "scenarios" else "incident").data
    errors = [e.message for e in jsonschema.Draft7Validator(kit_json_schema()).iter_errors(data)]
    assert errors == []


@pytest.mark.parametrize("kit", KITS, ids=lambda p: p.name)
def test_every_sample_names_the_schema_for_editors(kit: Path) -> None:
    first = kit.read_text(encoding="utf-8").splitlines()[0]
    expected = "kit.schema.json" if kit.parent.name == "kits" else "../kit.schema.json"
    assert first == f"# yaml-language-server: $schema={expected}"


def test_schema_rejects_an_unknown_key() -> None:
    data = load_file(PROJECT / "kits/data-leak.yml", "incident").data
    data["severty"] = "severe"
    assert list(jsonschema.Draft7Validator(kit_json_schema()).iter_errors(data))
