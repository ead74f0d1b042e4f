"""The JSON Schema for editors, generated from the pydantic models.

Kept to draft-07 keywords that the YAML language server understands: the
``$defs`` pydantic emits become ``definitions``, and a file is either an
incident or a scenario (told apart by the ``scenario`` key). A profile block
(organization, spokesperson, signatory, contacts) requires no field here: a
kit may write only the fields it overrides and take the rest from
crisiskit.yml, and ``crisiskit check`` says which are missing from both.
"""

from __future__ import annotations

import json
from typing import Any

from crisiskit.model.profile import block_models
from crisiskit.model.schema.kit import IncidentKit, ScenarioKit

SCHEMA_URL = "https://json-schema.org/draft-07/schema#"


def _draft07(schema: dict[str, Any]) -> dict[str, Any]:
    text = json.dumps(schema).replace('"#/$defs/', '"#/definitions/')
    converted = json.loads(text)
    converted["definitions"] = converted.pop("$defs", {})
    return converted


def kit_json_schema() -> dict[str, Any]:
    """One schema that accepts an incident kit or a scenario kit."""
    incident = _draft07(IncidentKit.model_json_schema())
    scenario = _draft07(ScenarioKit.model_json_schema())
    definitions = {**incident.pop("definitions"), **scenario.pop("definitions")}
    for model in block_models():
        definitions[model.__name__].pop("required", None)
    definitions["IncidentKit"] = incident
    definitions["ScenarioKit"] = scenario
    return {
        "$schema": SCHEMA_URL,
        "$id": "https://crisiskit.example/kit.schema.json",
        "title": "crisiskit kit (incident or scenario)",
        "oneOf": [
            {"$ref": "#/definitions/IncidentKit"},
            {"$ref": "#/definitions/ScenarioKit"},
        ],
        "definitions": definitions,
    }
