"""The static status API (render/status_api.py, wired in publish/public.py) and the dark-site standby.

The fixture (tests/testdata/test_status_api/site) has an open incident whose second revision corrects its first
and whose third is never approved, and a resolved one whose third revision is approved but embargoed; titles and
headlines hold markup and quotes. The API files are made the way a build makes them (``incident_public`` and
``public_input``, no MkDocs), read with ``json.loads`` and checked against the JSON Schemas published beside them
with ``jsonschema``. The dark site is two real builds: one before any revision is public (every page ``noindex``),
one after the first approval, which differ only where the live state shows.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from conftest import TESTDATA
from crisiskit.compose.composed import ComposedIncident
from crisiskit.compose.labels import labels
from crisiskit.pipeline import compose, read_incidents, read_site_options
from crisiskit.publish.leaks import normalise, scannable_text
from crisiskit.publish.public import PublicInput, incident_public, public_input
from crisiskit.publish.site import needles_in
from sites import REPO, build

SITE = TESTDATA / "test_status_api" / "site"
AT = datetime.fromisoformat("2026-11-20T15:00:00+08:00")  # outage: 1 and 2 out, 3 unapproved; recall: 3 embargoed
BASE = "https://status.northwind.example"
APPROVALS = {"outage": {1, 2}, "recall": {1, 2, 3}}
API = ("summary.json", "incidents.json", "summary.schema.json", "incidents.schema.json")
SECRETS = (
    "Unapproved headline about the zebra warehouse",
    "未核准的斑馬倉庫標題",
    "Embargoed verdict of the kettle inquiry",
    "快煮壺調查的保密結論",
    "The embargoed inquiry blames the Saffron supplier for the overheating kettles.",
)
NOINDEX = '<meta name="robots" content="noindex">'


def approve(project: Path, revisions: dict[str, set[int]]) -> None:
    """Record every role's approval of ``revisions`` (incident -> numbers) by their composed text's hash."""
    composed = {
        c.incident.id: c for c in compose(read_incidents([project / "kits"]), read_site_options(project), project)
    }
    yaml = YAML()
    yaml.width = 4096
    for incident, numbers in revisions.items():
        path = project / "kits" / f"{incident}.yml"
        data = yaml.load(path.read_text(encoding="utf-8"))
        for update in data["updates"]:
            if update["revision"] in numbers:
                digest = composed[incident].hashes[update["revision"]]
                update["approvals"] = [
                    {"role": role, "name": "May Lin", "at": "2026-11-20T00:00:00Z", "text_hash": digest}
                    for role in ("communications", "legal")
                ]
        with path.open("w", encoding="utf-8") as out:
            yaml.dump(data, out)


def project_copy(target: Path, revisions: dict[str, set[int]]) -> Path:
    """The fixture with the theme and ``revisions`` approved."""
    shutil.copytree(SITE, target)
    shutil.copytree(REPO / "overrides", target / "overrides")
    approve(target, revisions)
    return target


def site_input(project: Path, at: datetime) -> tuple[list[ComposedIncident], PublicInput]:
    composed = compose(read_incidents([project / "kits"]), read_site_options(project), project)
    site = read_site_options(project)
    return composed, public_input([incident_public(c, site, at, []) for c in composed], site, ["en", "zh-Hant"])


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> PublicInput:
    project = project_copy(tmp_path_factory.mktemp("api") / "project", APPROVALS)
    return site_input(project, AT)[1]


def api(made: PublicInput, lang: str, name: str) -> Any:
    return json.loads(made.files[lang][f"api/v1/{name}"].read())


def strings(value: Any) -> list[str]:
    """Every string in a parsed JSON document, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *strings(v)]]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def validate(document: Any, schema: Any) -> None:
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    validator.validate(document)


# --- the documents ------------------------------------------------------------------------------------------------


def test_summary_shows_the_open_incident_as_its_newest_public_revision(made: PublicInput) -> None:
    summary = api(made, "en", "summary.json")
    assert summary["api_version"] == 1 and summary["language"] == "en"
    assert summary["site"] == f"{BASE}/en/"
    assert summary["status"] == {"indicator": "major", "description": "Open incidents: 1"}
    (outage,) = summary["open_incidents"]  # the resolved recall is not open
    assert outage["id"] == "outage"
    assert outage["title"] == 'Batch NW-2026-11 <script>alert("banner")</script> & "recall"'
    assert outage["headline"] == "Update on batch NW-2026-11"
    assert (outage["status"], outage["status_label"]) == ("identified", "Identified")
    assert (outage["severity"], outage["severity_label"], outage["impact"]) == ("moderate", "Moderate", "major")
    assert outage["revision"] == 2  # not the unapproved 3
    assert outage["started_at"] == "2026-11-20T10:00:00+08:00"
    assert outage["updated_at"] == "2026-11-20T14:00:00+08:00"
    assert outage["next_update_at"] == "2026-11-21T09:00:00+08:00"  # revision 3's promise is not public
    assert outage["url"] == f"{BASE}/en/incidents/outage/"
    assert outage["permalink"] == f"{BASE}/en/incidents/outage/revisions/2/"
    assert summary["updated_at"] == "2026-11-20T14:00:00+08:00"


def test_incidents_lists_every_published_revision_newest_first(made: PublicInput) -> None:
    document = api(made, "en", "incidents.json")
    outage, recall = document["incidents"]  # the most recently updated first
    assert (outage["id"], recall["id"]) == ("outage", "recall")
    assert [u["revision"] for u in outage["updates"]] == [2, 1]
    second, first = outage["updates"]
    assert second["correction"] == {"corrects": 1, "note": "Revision 1 gave the wrong number of bottles."}
    assert first["correction"] is None
    assert first["headline"] == 'Statement on batch NW-2026-11 "quoted" \\ </script>'
    assert first["issued_at"] == "2026-11-20T10:00:00+08:00"
    assert first["permalink"] == f"{BASE}/en/incidents/outage/revisions/1/"
    assert outage["resolved_at"] is None
    assert [u["revision"] for u in recall["updates"]] == [2, 1]  # 3 is embargoed until 5 December
    assert (recall["status"], recall["impact"], recall["next_update_at"]) == ("resolved", "critical", None)
    assert recall["resolved_at"] == "2026-11-11T10:00:00+08:00"


def test_each_language_has_its_own_api_in_its_own_words(made: PublicInput) -> None:
    t = labels("zh-Hant")
    summary = api(made, "zh-Hant", "summary.json")
    (outage,) = summary["open_incidents"]
    assert summary["site"] == f"{BASE}/zh-Hant/"
    assert outage["title"] == "批號 NW-2026-11 <script>alert(1)</script> 回收"
    assert outage["status_label"] == t["status"]["identified"]
    assert outage["url"] == f"{BASE}/zh-Hant/incidents/outage/"
    assert summary["status"]["description"] == f"{t['open_incidents']}{t['colon']}1"


def test_unapproved_and_embargoed_revisions_are_absent(made: PublicInput) -> None:
    for lang in ("en", "zh-Hant"):
        for name in ("summary.json", "incidents.json"):
            shown = strings(api(made, lang, name))
            for secret in SECRETS:
                assert not [s for s in shown if secret in s], (lang, name, secret)
            text = made.files[lang][f"api/v1/{name}"].read()
            assert not needles_in(made.needles, scannable_text(text, name)), (lang, name)
    # and the leak scan would know them if they were there: the needles are in the site's input
    assert needles_in(made.needles, normalise(json.dumps({"headline": SECRETS[2]})))


def test_the_files_validate_against_the_schemas_published_beside_them(made: PublicInput) -> None:
    for lang in ("en", "zh-Hant"):
        for name in ("summary", "incidents"):
            schema = api(made, lang, f"{name}.schema.json")
            assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
            assert schema["$id"] == f"{BASE}/{lang}/api/v1/{name}.schema.json"
            validate(api(made, lang, f"{name}.json"), schema)


def test_the_schemas_refuse_what_the_api_never_says(made: PublicInput) -> None:
    schema = api(made, "en", "summary.schema.json")
    summary = api(made, "en", "summary.json")
    for broken in (
        {**summary, "api_version": 2},
        {**summary, "status": {"indicator": "catastrophic", "description": "x"}},
        {**summary, "open_incidents": [{**summary["open_incidents"][0], "status": "fixed"}]},
        {**summary, "open_incidents": [{**summary["open_incidents"][0], "draft_text": "x"}]},
        {key: value for key, value in summary.items() if key != "open_incidents"},
    ):
        with pytest.raises(jsonschema.ValidationError):
            validate(broken, schema)


def test_a_site_with_nothing_public_says_so_and_is_on_standby(tmp_path: Path) -> None:
    project = project_copy(tmp_path / "project", {})
    _, made = site_input(project, AT)
    assert made.standby
    summary = api(made, "en", "summary.json")
    assert summary["status"] == {"indicator": "none", "description": labels("en")["status_site"]["none_open"]}
    assert summary["open_incidents"] == [] and summary["updated_at"] is None
    assert api(made, "en", "incidents.json")["incidents"] == []
    for name in ("summary", "incidents"):
        validate(api(made, "en", f"{name}.json"), api(made, "en", f"{name}.schema.json"))
    approve(project, {"recall": {1}})
    assert not site_input(project, AT)[1].standby  # one public revision, even of a long-closed incident


def test_the_same_kits_give_the_same_bytes(made: PublicInput, tmp_path: Path) -> None:
    project = project_copy(tmp_path / "project", APPROVALS)
    again = site_input(project, AT)[1]
    for lang in ("en", "zh-Hant"):
        for name in API:
            assert again.files[lang][f"api/v1/{name}"].read() == made.files[lang][f"api/v1/{name}"].read()


# --- the dark site: two real builds -------------------------------------------------------------------------------


class _Robots(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.robots: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "meta" and found.get("name") == "robots":
            self.robots.append(found.get("content") or "")


def robots(path: Path) -> list[str]:
    parser = _Robots()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.robots


def pages(root: Path) -> dict[str, Path]:
    """Every HTML page of each language's site (the root language chooser is not one of them)."""
    return {p.relative_to(root).as_posix(): p for lang in ("en", "zh-Hant") for p in (root / lang).rglob("*.html")}


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_the_dark_site_is_noindex_until_the_first_public_revision(tmp_path: Path) -> None:
    project = project_copy(tmp_path / "project", {})
    build(project, AT.isoformat(), "public", process=False)
    standby = tmp_path / "standby"
    shutil.copytree(project / "site" / "public", standby)
    dark = pages(standby)
    assert {"en/index.html", "en/about/index.html", "en/incidents/index.html", "zh-Hant/404.html"} <= set(dark)
    assert {name: robots(path) for name, path in dark.items()} == dict.fromkeys(dark, ["noindex"])
    assert robots(standby / "index.html") == ["noindex"]  # the root language chooser too
    summary = json.loads((standby / "en" / "api" / "v1" / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"]["indicator"] == "none"

    approve(project, {"outage": {1, 2}})  # the first public revisions; no config edited
    build(project, AT.isoformat(), "public", process=False)
    live = project / "site" / "public"
    lit = pages(live)
    assert "en/incidents/outage/index.html" in lit
    assert {name: robots(path) for name, path in lit.items()} == dict.fromkeys(lit, [])
    assert robots(live / "index.html") == []

    before, after = files(standby), files(live)
    assert set(before) <= set(after)
    changed = {
        name
        for name, data in before.items()
        if data.replace(f"\n    {NOINDEX}".encode(), b"").replace(NOINDEX.encode(), b"") != after[name]
    }
    # what shows the live state: the home's status, the incidents index, the feeds, calendar, API, search, sitemap
    shows_state = {
        "index.html",
        "incidents/index.html",
        "feed.xml",
        "feed.json",
        "calendar.ics",
        "api/v1/summary.json",
        "api/v1/incidents.json",
        "search/search_index.json",
        "sitemap.xml",
        "sitemap.xml.gz",
    }
    assert changed <= {"index.html"} | {f"{lang}/{name}" for lang in ("en", "zh-Hant") for name in shows_state}, sorted(
        changed
    )
    for lang in ("en", "zh-Hant"):  # pages that show no state are the same but for the robots line
        for name in ("about/index.html", "404.html"):
            assert before[f"{lang}/{name}"] != after[f"{lang}/{name}"]
            assert f"{lang}/{name}" not in changed
