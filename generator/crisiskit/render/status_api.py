"""The static status API: ``api/v1/summary.json`` and ``api/v1/incidents.json`` per language, with their schemas.

What other systems poll (a status widget, a chat bot, the organisation's main website through
``overrides/assets/javascripts/crisiskit-banner.js``), in the role Atlassian Statuspage's ``summary.json`` plays:
the overall state and the open incidents, and every published incident with its updates. The files sit in each
language's site (``/en/api/v1/summary.json``) beside its feeds and calendars, because every text in them is in
that language and every link goes into that language's pages.

Made only from what the public site shows: ``incident_record`` reads the revisions the incidents index and the
feeds read (``ComposedIncident.visible``, after the gate has left out held-back revisions) and only fields of
their composed text (``RevisionText``), which the approval hash covers. Nothing comes from the clock, so the same
kits give the same bytes. The documents are the pydantic models below, dumped; the JSON Schemas published beside
them (draft 2020-12) are generated from the same models, so the schema and the files cannot drift apart.

Versioning: ``v1`` in the path and ``api_version: 1`` in every document. Within v1 fields may be added (clients
ignore what they do not know); a field removed, renamed or changing meaning is ``v2``, published beside ``v1``.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import PurePosixPath
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from crisiskit.compose.composed import ComposedIncident, SiteOptions
from crisiskit.compose.labels import labels
from crisiskit.model.incident import Revision
from crisiskit.render.rendered import RenderedPage

API_VERSION = 1
FOLDER = PurePosixPath("api", f"v{API_VERSION}")
IMPACT = {"minor": "minor", "moderate": "major", "severe": "critical"}
"""A severity on the scale status-page clients know (Statuspage's incident impact)."""
_RANK = ["none", "minor", "major", "critical"]

Status = Literal["investigating", "identified", "monitoring", "resolved"]
Severity = Literal["minor", "moderate", "severe"]
Impact = Literal["minor", "major", "critical"]
Indicator = Literal["none", "minor", "major", "critical"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Correction(_Model):
    """What a correcting update corrects, and its note."""

    corrects: int = Field(ge=1)
    """The revision this update corrects."""
    note: str
    """The correction note, as the statement and every channel show it."""


class Update(_Model):
    """One published revision of an incident's statement."""

    revision: int = Field(ge=1)
    """The revision number (1 is the first statement)."""
    status: Status
    """The incident's status as of this update."""
    status_label: str
    """The status in the document's language."""
    issued_at: AwareDatetime
    """When this update was published (its embargo time, else its issue time), with its UTC offset."""
    headline: str
    """The update's headline."""
    permalink: str
    """The page of this update exactly as issued; it never changes."""
    correction: Correction | None
    """Set when this update corrects an earlier one."""


class OpenIncident(_Model):
    """An incident as its newest published update describes it."""

    id: str
    """The incident's id: stable, and part of its addresses."""
    title: str
    """The incident's title."""
    headline: str
    """The newest update's headline."""
    status: Status
    """The status now: investigating, identified and monitoring are open; resolved is closed."""
    status_label: str
    """The status in the document's language."""
    severity: Severity
    """The organisation's grading of the incident."""
    severity_label: str
    """The severity in the document's language."""
    impact: Impact
    """The severity on the scale status-page clients know: minor, major (moderate) or critical (severe)."""
    started_at: AwareDatetime
    """When the first update was published."""
    updated_at: AwareDatetime
    """When the newest update was published."""
    next_update_at: AwareDatetime | None
    """When the organisation said it will publish the next update; null when resolved or not announced."""
    revision: int = Field(ge=1)
    """The newest update's revision number."""
    url: str
    """The incident's statement page, which always shows the newest update."""
    permalink: str
    """The newest update's own page, as issued."""


class Incident(OpenIncident):
    """A published incident and every one of its published updates."""

    resolved_at: AwareDatetime | None
    """When the update that resolved it was published; null while open."""
    updates: list[Update]
    """Every published update, newest first."""


class Overall(_Model):
    """The site's state at a glance."""

    indicator: Indicator
    """none when no incident is open, else the highest impact of the open incidents."""
    description: str
    """The state in words, in the document's language."""


class Summary(_Model):
    """The status now: the overall state and every open incident (api/v1/summary.json)."""

    api_version: Literal[1]
    """The API's major version; the documents of one version only ever gain fields."""
    language: str
    """The language of every text in the document (a BCP 47 tag)."""
    site: str
    """The home page of this language's status site."""
    updated_at: AwareDatetime | None
    """When the newest update of any incident was published; null before the first."""
    status: Overall
    """The overall state."""
    open_incidents: list[OpenIncident]
    """Every open incident, the most recently updated first."""


class Incidents(_Model):
    """Every published incident with its published updates (api/v1/incidents.json)."""

    api_version: Literal[1]
    """The API's major version; the documents of one version only ever gain fields."""
    language: str
    """The language of every text in the document (a BCP 47 tag)."""
    site: str
    """The home page of this language's status site."""
    updated_at: AwareDatetime | None
    """When the newest update of any incident was published; null before the first."""
    incidents: list[Incident]
    """Every published incident, open or resolved, the most recently updated first."""


def incident_record(
    item: ComposedIncident, visible: list[Revision], language: str, site: SiteOptions
) -> dict[str, Any]:
    """The incident as incidents.json shows it in ``language`` (``visible``: its public revisions, oldest first).

    Plain JSON data, so a run that did not compose the incident again can keep it (publish/public.py).
    """
    t = labels(language)
    url = site.statement_url(language, item.incident.id)
    latest = visible[-1]
    text = item.texts[latest.number][language]
    resolved_at = None
    if latest.status == "resolved":
        at = len(visible) - 1
        while at > 0 and visible[at - 1].status == "resolved":
            at -= 1
        resolved_at = visible[at].visible_from
    updates = []
    for revision in reversed(visible):
        own = item.texts[revision.number][language]
        note = own.correction
        updates.append(
            {
                "revision": revision.number,
                "status": revision.status,
                "status_label": t["status"][revision.status],
                "issued_at": revision.visible_from,
                "headline": own.headline or own.title,
                "permalink": f"{url}revisions/{revision.number}/",
                "correction": {"corrects": revision.corrects, "note": note} if note and revision.corrects else None,
            }
        )
    record = Incident.model_validate(  # validated: a value outside the schema is a bug, found here, not by a client
        {
            "id": item.incident.id,
            "title": text.title,
            "headline": text.headline or text.title,
            "status": latest.status,
            "status_label": t["status"][latest.status],
            "severity": text.severity,
            "severity_label": t["severity"][text.severity],
            "impact": IMPACT[text.severity],
            "started_at": visible[0].visible_from,
            "updated_at": latest.visible_from,
            "next_update_at": latest.next_update_at if latest.status != "resolved" else None,
            "revision": latest.number,
            "url": url,
            "permalink": f"{url}revisions/{latest.number}/",
            "resolved_at": resolved_at,
            "updates": updates,
        }
    )
    return record.model_dump(mode="json")


def api_files(records: list[dict[str, Any]], language: str, site: SiteOptions) -> list[RenderedPage]:
    """``language``'s summary.json, incidents.json and their schemas (paths under the language's docs root).

    ``records`` are ``incident_record``'s, validated when made; at 1,000 incidents incidents.json is about a
    megabyte, so it is assembled as plain data and written compact (the summary, a few incidents, is validated).
    """
    t = labels(language)
    home = f"{site.url.rstrip('/')}/{language}/"
    when = {r["id"]: datetime.fromisoformat(r["updated_at"]) for r in records}
    ordered = sorted(records, key=lambda r: (-when[r["id"]].timestamp(), r["id"]))
    updated = when[ordered[0]["id"]] if ordered else None
    open_ones = [{k: v for k, v in r.items() if k not in ("resolved_at", "updates")} for r in ordered]
    open_ones = [r for r in open_ones if r["status"] != "resolved"]
    indicator: Indicator = max((r["impact"] for r in open_ones), key=_RANK.index, default="none")
    words = f"{t['open_incidents']}{t['colon']}{len(open_ones)}" if open_ones else t["status_site"]["none_open"]
    head = {"api_version": API_VERSION, "language": language, "site": home, "updated_at": updated}
    summary = Summary.model_validate(
        {**head, "status": {"indicator": indicator, "description": words}, "open_incidents": open_ones}
    )
    head["updated_at"] = summary.model_dump(mode="json")["updated_at"]
    return [
        _json(FOLDER / "summary.json", summary.model_dump(mode="json")),
        _json(FOLDER / "incidents.json", {**head, "incidents": ordered}),
        _json(FOLDER / "summary.schema.json", api_schema(Summary, f"{home}{FOLDER}/summary.schema.json"), indent=2),
        _json(
            FOLDER / "incidents.schema.json", api_schema(Incidents, f"{home}{FOLDER}/incidents.schema.json"), indent=2
        ),
    ]


def api_schema(model: type[BaseModel], identifier: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``model``'s documents, published at ``identifier``."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": identifier, **_schema(model)}


@cache
def _schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema(mode="serialization")


def _json(path: PurePosixPath, data: dict[str, Any], indent: int | None = None) -> RenderedPage:
    separators = None if indent else (",", ":")
    return RenderedPage(
        path, json.dumps(data, ensure_ascii=False, indent=indent, separators=separators) + "\n", "kits/"
    )
