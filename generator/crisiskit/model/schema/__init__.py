"""The kit schema: pydantic models declared once; the JSON Schema is generated from them."""

from crisiskit.model.schema.kit import IncidentKit, ScenarioKit  # noqa: F401
