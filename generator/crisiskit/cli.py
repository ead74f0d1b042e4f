"""The command line: thin wrappers over the pipeline that print and set exit codes.

Exit 0 on success, 1 when the input has problems (printed without a
traceback, every one), 2 for wrong usage (click's own convention).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console

from crisiskit import __version__
from crisiskit.errors import UserError

if TYPE_CHECKING:
    from datetime import datetime

err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


def _fail(error: UserError) -> None:
    for line in error.lines():
        err.print(line, markup=False)
    raise SystemExit(1)


@click.group()
@click.version_option(__version__, prog_name="crisiskit")
def main() -> None:
    """crisiskit: crisis communication kits from YAML, published with MkDocs."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--at", "at_text", help="Check as of this time (ISO 8601 with timezone); default now.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text", show_default=True,
              help="Findings as lines, as a JSON list, or as GitHub workflow annotations.")
@click.option("--base", help="A git revision: also report translations left unchanged where the source text changed.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def check(paths: tuple[Path, ...], at_text: str | None, fmt: str, base: str | None, strict: bool) -> None:
    """Run every rule over the kits in PATHS (default kits/): limits, facts, structure, wording, cadence, approvals.

    Exit 1 if a kit cannot be read, or on any error finding (any warning too with --strict).
    """
    from crisiskit.checks.findings import render_findings
    from crisiskit.pipeline import check as run

    at = _parse_at(at_text)
    try:
        count, findings = run(list(paths) or [Path("kits")], at, base)
    except UserError as error:
        _fail(error)
    if fmt == "json":
        sys.stdout.write(render_findings(findings, "json"))
    elif findings:
        (out if fmt == "github" else err).print(render_findings(findings, fmt), markup=False, end="")
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    failed = errors or (strict and warnings)
    if fmt != "json":
        summary = f"{count} incident(s) checked: {errors} error(s), {warnings} warning(s)" if findings else \
            f"{count} incident(s) checked: no findings"
        out.print(summary + (" (--strict: warnings fail)" if strict and warnings else ""), markup=False)
    if failed:
        raise SystemExit(1)


@main.command()
def rules() -> None:
    """Print every check rule (id, severity, example, fix) as Markdown; RULES.md is this output."""
    from crisiskit.checks.findings import rules_markdown

    sys.stdout.write(rules_markdown())


@main.command()
def schema() -> None:
    """Print the JSON Schema of an incident kit (for editors)."""
    from crisiskit.schema_export import kit_json_schema

    sys.stdout.write(json.dumps(kit_json_schema(), indent=2, ensure_ascii=False) + "\n")


def _project() -> Path:
    project = Path.cwd()
    if not (project / "kits").is_dir() or not (project / "mkdocs.yml").is_file():
        raise click.UsageError("run crisiskit from the site repository's root (the folder with kits/ and mkdocs.yml)")
    return project


@main.command()
@click.option("--check", "check_only", is_flag=True, help="Write nothing; exit 1 and list the files that would change.")
@click.option("--force", is_flag=True, help="Discard hand edits of generated files (never touches hand-written files).")
def generate(check_only: bool, force: bool) -> None:
    """Render every kit into content/ (the review tree legal reads in pull requests)."""
    from crisiskit.pipeline import generate as run

    try:
        plan = run(_project(), check_only=check_only, force=force)
    except UserError as error:
        _fail(error)
    changes = [("create", p) for p in plan.create] + [("update", p) for p in plan.update] + \
        [("delete", p) for p in plan.delete]
    if check_only:
        for action, path in changes:
            out.print(f"would {action} {path}", markup=False)
        if changes:
            err.print(f"content/ is not current: {len(changes)} file(s) would change; run crisiskit generate",
                      markup=False)
            raise SystemExit(1)
        out.print("content/ is current", markup=False)
        return
    out.print(f"content/: {len(plan.create)} created, {len(plan.update)} updated, {len(plan.delete)} deleted, "
              f"{len(plan.unchanged)} unchanged", markup=False)


def _parse_at(value: str | None) -> "datetime":
    from datetime import datetime, timezone

    if value is None:
        return datetime.now(timezone.utc)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected an ISO 8601 date and time with timezone; got {value!r}") from None
    if parsed.tzinfo is None:
        raise click.BadParameter(f"expected a timezone in {value!r}, like 2026-11-20T09:00:00+08:00")
    return parsed


@main.command()
@click.option("--at", "at_text", help="Build as of this time (ISO 8601 with timezone); default now.")
@click.option("--audience", type=click.Choice(["public", "internal", "all"]), default="all", show_default=True)
@click.option("--force", is_flag=True, help="Discard hand edits of generated files in content/.")
def build(at_text: str | None, audience: str, force: bool) -> None:
    """Generate content/, then build the public and internal sites into site/."""
    from crisiskit.pipeline import build as run

    at = _parse_at(at_text)
    audiences = ("public", "internal") if audience == "all" else (audience,)
    try:
        built = run(_project(), at=at, audiences=audiences, force=force)
    except UserError as error:
        _fail(error)
    for site in built:
        out.print(f"{site.audience:8} {site.language:8} {site.site_dir}/index.html", markup=False)
    out.print(f"built as of {at.isoformat()}; open site/public/index.html, or preview with: crisiskit serve",
              markup=False)


@main.command()
@click.option("--channel", required=True, help="Channel name, e.g. x, sms, bluesky, email_subject.")
@click.argument("text", required=False)
def measure(channel: str, text: str | None) -> None:
    """Print TEXT's length against CHANNEL's limit as JSON (TEXT or - reads standard input)."""
    from crisiskit.measure import measure as count

    if text is None or text == "-":
        text = sys.stdin.read().rstrip("\n")
    try:
        result = count(channel, text)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--channel") from None
    sys.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False) + "\n")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Serve the internal preview on localhost, regenerating on every change."""
    from crisiskit.pipeline import build as run
    from crisiskit.serve import serve as run_server

    project = _project()
    run_server(project, host, port, lambda: run(project, at=_parse_at(None), audiences=("internal",)),
               lambda message: err.print(message, markup=False))


@main.command()
@click.argument("kit", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--revision", "revision", required=True, type=int, help="The revision number approved.")
@click.option("--role", required=True, help="The approving role, e.g. legal or communications.")
@click.option("--by", "by", required=True, help="Who approves.")
def approve(kit: Path, revision: int, role: str, by: str) -> None:
    """Record ROLE's approval of the exact current text of REVISION in KIT (edits the YAML in place)."""
    from crisiskit.approve import approve as record
    from crisiskit.pipeline import compose, read_incidents, read_site_options

    try:
        project = _project()
        incidents = read_incidents([project / "kits"])
        matching = [i for i in incidents if Path(i.source).resolve() == kit.resolve()]
        if not matching:
            raise UserError(f"{kit}: expected an incident kit under kits/; got a file that is not one")
        composed = compose(matching, read_site_options(project), project)[0]
        text_hash = record(kit, composed, revision, role, by)
    except UserError as error:
        _fail(error)
    out.print(f"{kit}: revision {revision} approved by {by} ({role}), {text_hash}", markup=False)


@main.command()
@click.argument("incident_id")
@click.option("--scenario", "scenario_name", required=True, help="The scenario in kits/scenarios/ to start from.")
def new(incident_id: str, scenario_name: str) -> None:
    """Open a new incident kits/INCIDENT_ID.yml from a pre-approved scenario, with placeholders to fill."""
    import re

    from crisiskit.load import load_kits
    from crisiskit.new import create_kit
    from crisiskit.schema.kit import ScenarioKit
    from crisiskit.validate import validate_kits

    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", incident_id):
        raise click.BadParameter("expected a lower-case slug like data-leak-2026", param_hint="INCIDENT_ID")
    project = _project()
    validated = validate_kits(load_kits([project / "kits" / "scenarios"]))
    scenarios = {k.model.scenario: k.model for k in validated.kits if isinstance(k.model, ScenarioKit)}
    if scenario_name not in scenarios:
        known = ", ".join(sorted(scenarios)) or "none"
        raise click.BadParameter(f"expected one of {known}; got {scenario_name!r}", param_hint="--scenario")
    try:
        path = create_kit(project / "kits", incident_id, scenarios[scenario_name])
    except UserError as error:
        _fail(error)
    out.print(f"created {path.relative_to(project)}: fill in every [[fill in ...]] placeholder, then run "
              "crisiskit check", markup=False)


@main.command()
@click.option("--base", default="origin/main", show_default=True, help="The git revision to compare with.")
@click.option("--at", "at_text", help="Report findings as of this time (ISO 8601 with timezone); default now.")
def review(base: str, at_text: str | None) -> None:
    """Print a Markdown digest of every text this branch changes since BASE, and what needs approval."""
    from crisiskit.pipeline import compose, read_incidents, read_site_options
    from crisiskit.review import review as digest

    project = _project()

    def compose_tree(root: Path):
        return compose(read_incidents([root / "kits"]), read_site_options(root), project)

    try:
        findings = _findings_for_review(project, base, _parse_at(at_text))
        sys.stdout.write(digest(project, base, compose_tree, findings))
    except UserError as error:
        _fail(error)


def _findings_for_review(project: Path, base: str, at: "datetime") -> list[str]:
    """The check engine's findings (stale translations against BASE included), as lines."""
    from crisiskit.pipeline import review_findings

    return review_findings(project, base, at)
