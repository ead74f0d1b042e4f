"""The orchestrator: the pipeline's stages in order, and nothing else.

load -> validate -> resolve -> render -> check -> write -> publish. Every
stage but write and publish returns objects and touches no disk. Problems
in the input are gathered through load, validate and resolve, then raised
once, so a user sees every problem of the run together.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from crisiskit.errors import BuildError, KitError, UserError
from crisiskit.model.incident import Incident
from crisiskit.model.load import load_kits
from crisiskit.model.resolve import resolve_incidents
from crisiskit.model.validate import validate_kits

if TYPE_CHECKING:  # the later stages load only when a command needs them, so `check` starts fast
    from crisiskit.checks.findings import Finding
    from crisiskit.compose.composed import ComposedIncident, SiteOptions
    from crisiskit.publish.site import BuiltSite
    from crisiskit.write import WritePlan

log = logging.getLogger(__name__)


def read_incidents(paths: list[Path]) -> list[Incident]:
    """load, validate, resolve; raise KitError listing every problem."""
    resolved = resolve_incidents(validate_kits(load_kits(paths)))
    if resolved.problems:
        raise KitError(resolved.problems)
    log.debug(
        "%d incident(s) loaded, validated and resolved from %s",
        len(resolved.incidents),
        ", ".join(str(p) for p in paths),
    )
    return resolved.incidents


def read_site_options(project: Path) -> SiteOptions:
    """The public site's address: ``site_url`` of the root mkdocs.yml as MkDocs reads it (tags, INHERIT kept)."""
    from crisiskit.compose.composed import SiteOptions
    from crisiskit.publish.engine import read_root_config

    config = project / "mkdocs.yml"
    url = read_root_config(project).get("site_url") if config.exists() else None
    if not url:
        raise UserError(f"{config}: expected site_url (the public site's address, used in every post's link); got none")
    return SiteOptions(str(url))


def compose(incidents: list[Incident], site: SiteOptions, project: Path | None = None) -> list[ComposedIncident]:
    """Every revision of every incident composed in every language (with the project's crisiskit.yml, if any)."""
    from crisiskit.compose.composed import compose_incident
    from crisiskit.model.config import Config, load_config

    config = load_config(project) if project is not None else Config()
    return [
        compose_incident(incident, site, config, approved_record(project, incident.id) if project else None)
        for incident in incidents
    ]


def approved_record(project: Path, incident_id: str) -> dict[str, dict[str, dict]]:
    """Approved texts by hash, as the review tree's kit.json recorded them (empty when there is none yet).

    kit.json is generated and committed; it keeps the text every approval covered, so after an edit
    `check` can name the field that changed. A kit.json that does not parse is simply not used.
    """
    import json

    path = project / "content" / "incidents" / incident_id / "kit.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    record: dict[str, dict[str, dict]] = {}
    for revision in data.get("revisions", []) if isinstance(data, dict) else []:
        if not isinstance(revision, dict):
            continue
        if isinstance(revision.get("text_hash"), str) and isinstance(revision.get("languages"), dict):
            record[revision["text_hash"]] = {"languages": revision["languages"], "facts": revision.get("facts") or {}}
        if isinstance(revision.get("approved_texts"), dict):
            record.update({k: v for k, v in revision["approved_texts"].items() if isinstance(v, dict)})
    return record


def read_project(project: Path) -> tuple[list[ComposedIncident], SiteOptions]:
    """The project's kits loaded, resolved and composed once, with its site options: what every later stage reads."""
    site = read_site_options(project)
    return compose(read_incidents([project / "kits"]), site, project), site


def generate(
    project: Path, *, check_only: bool = False, force: bool = False, composed: list[ComposedIncident] | None = None
) -> WritePlan:
    """load -> validate -> resolve -> render -> write: the review tree under content/ (``composed``: already read)."""
    from crisiskit.render.pages import render_pages
    from crisiskit.write import plan_writes, write_pages

    if composed is None:
        composed, _site = read_project(project)
    pages = render_pages(composed, "review")
    log.debug("%d page(s) rendered for content/", len(pages))
    content = project / "content"
    if check_only:
        return plan_writes(pages, content)
    from crisiskit.publish.switch import guard_project

    guard_project(project)  # a content/ (or site/, build/) leading out of the project is refused, never written through
    return write_pages(pages, content, force=force)


def build(project: Path, *, at: datetime, audiences: tuple[str, ...], force: bool = False) -> list[BuiltSite]:
    """generate, then stage, verify (strict build, file types, links, leak scan) and switch each audience's site."""
    from crisiskit.checks.engine import run_checks
    from crisiskit.checks.gate import held_back, without
    from crisiskit.publish.site import publish
    from crisiskit.publish.switch import guard_project

    guard_project(project)  # before generate writes content/: nothing is written through a link out of the project
    composed, site = read_project(project)  # once: generate and every site build read the same composition
    generate(project, force=force, composed=composed)
    languages = sorted(
        {lang for c in composed for lang in c.incident.languages}
        | {
            p.name
            for p in (project / "content").iterdir()
            if p.is_dir() and p.name[:1].isalpha() and p.name != "incidents"
        }
    )
    changed = publication_problems(composed, at)
    if changed and "public" in audiences:
        raise KitError(changed)
    held = held_back(composed, run_checks(composed, at), at) if "public" in audiences else []
    built = publish(project, without(composed, held), site, audiences, languages, at)
    for one in built:
        log.info("site/%s/%s/: built, verified and live", one.audience, one.language)
    if held:
        raise BuildError(
            f"the sites are live, but {len(held)} revision(s) with errors were held back from the "
            "public site (the previous revision stays live): fix them, then build again\n"
            + "\n".join(line for one in held for line in one.lines())
        )
    return built


def project_of(paths: list[Path]) -> Path | None:
    """The site repository the kits in ``paths`` belong to: the nearest folder above them with mkdocs.yml and kits/.

    Approvals hash the rendered text, which includes the site's address, so
    they can be checked only against the project the kits were approved in.
    """
    for path in paths:
        for folder in [path.resolve(), *path.resolve().parents]:
            if (folder / "mkdocs.yml").is_file() and (folder / "kits").is_dir():
                return folder
    return None


def check(paths: list[Path], at: datetime, base: str | None = None) -> tuple[int, list[Finding]]:
    """load -> validate -> resolve -> render -> check: (incidents checked, every finding of every rule).

    With ``base`` (a git revision) the kits as they were there are read too,
    to find translations left stale by a change to the source text.
    """
    from crisiskit.checks.engine import run_checks
    from crisiskit.compose.composed import SiteOptions

    incidents = read_incidents(paths)
    project = project_of(paths)
    site = read_site_options(project) if project is not None else SiteOptions("https://status.example.invalid/")
    composed = compose(incidents, site, project)
    before = incidents_at(project, base) if base is not None else {}
    return len(incidents), run_checks(composed, at, approvals=project is not None, before=before, base=base or "")


def incidents_at(project: Path | None, base: str) -> dict[str, Incident]:
    """The incidents as committed at git revision ``base`` (none if they did not load there)."""
    import tempfile

    from crisiskit.review.digest import tree_at

    if project is None:
        raise UserError("--base needs kits inside a site repository (a git checkout with mkdocs.yml and kits/)")
    with tempfile.TemporaryDirectory() as scratch:
        tree = tree_at(project, base, Path(scratch))
        try:
            return {incident.id: incident for incident in read_incidents([tree / "kits"])}
        except UserError:
            return {}  # the base's kits did not load: nothing to compare translations with


def publication_problems(composed: list[ComposedIncident], at: datetime) -> list:
    """Published revisions whose approved text has changed (immutability of what the public saw)."""
    from crisiskit.compose.approval_state import publication_problems as problems_of

    return [p for c in composed for p in problems_of(c, at)]


def review_findings(project: Path, base: str, at: datetime) -> list[str]:
    """Every finding `crisiskit check --base BASE --at AT` reports, as lines for the review digest."""
    _, findings = check([project / "kits"], at, base)
    return [f.text() for f in findings]
