"""The command line: thin wrappers over the pipeline that print and set exit codes.

Every command runs through one place (``CommandLine.main``) that turns what
went wrong into a message and an exit status, so no command decides it on
its own: 0 success; 1 a problem in the input or the environment (a full
disk, a read-only folder, a busy port), printed without a traceback; 2 wrong
usage (click's own convention); 70 a bug in crisiskit (traceback and a
request to report it); 130 interrupted by Ctrl+C.
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console

from crisiskit import __version__
from crisiskit.errors import EXIT_BUG, EXIT_INTERRUPTED, EXIT_OK, EXIT_PROBLEM, SystemProblem, UserError

if TYPE_CHECKING:
    from datetime import datetime

    from crisiskit.compose.composed import ComposedIncident

err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)  # ":x:" in a kit stays ":x:"
out = Console(highlight=False, soft_wrap=True, emoji=False)

BUG_REPORT = (f"crisiskit {__version__} hit a bug (not a problem in your kits): please report it on the crisiskit "
              "issue tracker with the command you ran and the traceback above")


class CommandLine(click.Group):
    """The command group, run through one wrapper that maps every failure to its exit status."""

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as error:  # usage errors keep click's message and its exit status 2
            error.show()
            sys.exit(error.exit_code)
        except (click.Abort, KeyboardInterrupt):
            err.print("interrupted (Ctrl+C)", markup=False)
            sys.exit(EXIT_INTERRUPTED)
        except (UserError, OSError) as error:  # the input or the environment: what to do, no traceback
            for line in (error if isinstance(error, UserError) else SystemProblem(error)).lines():
                err.print(line, markup=False)
            sys.exit(EXIT_PROBLEM)
        except Exception:  # a bug: keep every detail, and say it is ours
            traceback.print_exc(file=sys.stderr)
            err.print(BUG_REPORT, markup=False)
            sys.exit(EXIT_BUG)
        sys.exit(result if isinstance(result, int) else EXIT_OK)


@click.group(cls=CommandLine)
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

    count, findings = run(list(paths) or [Path("kits")], _parse_at(at_text), base)
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
    from crisiskit.model.schema_export import kit_json_schema

    sys.stdout.write(json.dumps(kit_json_schema(), indent=2, ensure_ascii=False) + "\n")


def _project() -> Path:
    project = Path.cwd()
    if not (project / "kits").is_dir() or not (project / "mkdocs.yml").is_file():
        raise click.UsageError("run crisiskit from the site repository's root (the folder with kits/ and mkdocs.yml)")
    return project


@main.command()
@click.option("--check", "check_only", is_flag=True, help="Write nothing; exit 1 and list the files that would change.")
@click.option("--force", is_flag=True,
              help="Discard hand edits of pages the kits generate (never hand-written files or copies of pages).")
def generate(check_only: bool, force: bool) -> None:
    """Render every kit into content/ (the review tree legal reads in pull requests)."""
    from crisiskit.pipeline import generate as run

    plan = run(_project(), check_only=check_only, force=force)
    for message in plan.kept:
        err.print(message, markup=False)
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
    built = run(_project(), at=at, audiences=audiences, force=force)
    for site in built:
        out.print(f"{site.audience:8} {site.language:8} {site.site_dir}/index.html", markup=False)
    out.print(f"built as of {at.isoformat()}; open site/public/index.html, or preview with: crisiskit serve",
              markup=False)


@main.command()
@click.option("--channel", required=True, help="Channel name, e.g. x, sms, bluesky, email_subject.")
@click.argument("text", required=False)
def measure(channel: str, text: str | None) -> None:
    """Print TEXT's length against CHANNEL's limit as JSON (TEXT or - reads standard input)."""
    from crisiskit.counting.measure import measure as count

    if text is None or text == "-":
        text = sys.stdin.read().rstrip("\n")
    try:
        result = count(channel, text)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--channel") from None
    sys.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False) + "\n")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to serve on: loopback only, unless --expose-internal.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="0 picks a free port.")
@click.option("--expose-internal", is_flag=True,
              help="Allow a --host other than loopback, serving the internal site (Q&A, drafts) to the network.")
def serve(host: str, port: int, expose_internal: bool) -> None:
    """Serve the internal preview on localhost, regenerating on every change."""
    from crisiskit.pipeline import build as run
    from crisiskit.cli.serve import is_loopback, serve as run_server

    if not is_loopback(host) and not expose_internal:
        raise click.UsageError(f"--host {host} would serve the internal site (Q&A, do-not-say lists, drafts, embargoed "
                               "text) to the network; the preview binds to loopback (127.0.0.1) only. Add "
                               "--expose-internal if that is really what you want")
    project = _project()
    run_server(project, host, port, lambda: run(project, at=_parse_at(None), audiences=("internal",)),
               lambda message: err.print(message, markup=False), expose=expose_internal)


def _approver(_context: click.Context, _parameter: click.Parameter, value: str) -> str:
    from crisiskit.review.approve import approver_name

    try:
        return approver_name(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@main.command()
@click.argument("kit", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--revision", "revision", required=True, type=int, help="The revision number approved.")
@click.option("--role", required=True, help="The approving role, one of those in the approval settings, e.g. legal.")
@click.option("--by", "by", required=True, callback=_approver, help="Who approves (a name, on one line).")
@click.option("--replace-published", is_flag=True,
              help="Replace an existing approval of a revision the public has already seen (refused otherwise).")
def approve(kit: Path, revision: int, role: str, by: str, replace_published: bool) -> None:
    """Record ROLE's approval of the exact current text of REVISION in KIT (edits the YAML in place)."""
    from crisiskit.review.approve import approve as record, role_problem
    from crisiskit.model.config import load_config
    from crisiskit.pipeline import compose, read_incidents, read_site_options

    project = _project()
    problem = role_problem(role, load_config(project))
    if problem:
        raise click.BadParameter(problem, param_hint="--role")

    def compose_kit() -> ComposedIncident:
        matching = [i for i in read_incidents([project / "kits"]) if Path(i.source).resolve() == kit.resolve()]
        if not matching:
            raise UserError(f"{kit}: expected an incident kit under kits/; got a file that is not one")
        return compose(matching, read_site_options(project), project)[0]

    recorded = record(project, kit, revision, role, by, compose_kit=compose_kit, replace_published=replace_published)
    already = " (already recorded; the kit is unchanged)" if recorded.unchanged else ""
    out.print(f"{kit}: revision {revision} approved by {by} ({role}), {recorded.text_hash}{already}", markup=False)


@main.command()
@click.argument("incident_id")
@click.option("--scenario", "scenario_name", required=True, help="The scenario in kits/scenarios/ to start from.")
def new(incident_id: str, scenario_name: str) -> None:
    """Open a new incident kits/INCIDENT_ID.yml from a pre-approved scenario, with placeholders to fill."""
    import re

    from crisiskit.model.load import load_kits
    from crisiskit.cli.new import create_kit
    from crisiskit.model.schema.kit import ScenarioKit
    from crisiskit.model.schema.types import MAX_ID_LENGTH, file_name_problem
    from crisiskit.model.validate import validate_kits

    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", incident_id):
        raise click.BadParameter("expected a lower-case slug like data-leak-2026", param_hint="INCIDENT_ID")
    problem = file_name_problem(incident_id)  # the kits' own rule: `new` never opens a kit `check` refuses
    if problem:
        raise click.BadParameter(f"expected an id of at most {MAX_ID_LENGTH} characters that every system can store "
                                 f"as a file name; got {problem}", param_hint="INCIDENT_ID")
    project = _project()
    validated = validate_kits(load_kits([project / "kits" / "scenarios"]))
    scenarios = {k.model.scenario: k.model for k in validated.kits if isinstance(k.model, ScenarioKit)}
    if scenario_name not in scenarios:
        known = ", ".join(sorted(scenarios)) or "none"
        raise click.BadParameter(f"expected one of {known}; got {scenario_name!r}", param_hint="--scenario")
    try:
        path = create_kit(project / "kits", incident_id, scenarios[scenario_name])
    except OSError as error:  # a failed write names no file; this one is the kit
        raise SystemProblem(error, project / "kits" / f"{incident_id}.yml", "no kit was created") from error
    out.print(f"created {path.relative_to(project)}: fill in every [[fill in ...]] placeholder, then run "
              "crisiskit check", markup=False)


@main.command()
@click.option("--base", default="origin/main", show_default=True, help="The git revision to compare with.")
@click.option("--at", "at_text", help="Report findings as of this time (ISO 8601 with timezone); default now.")
def review(base: str, at_text: str | None) -> None:
    """Print a Markdown digest of every text this branch changes since BASE, and what needs approval."""
    from crisiskit.pipeline import compose, read_incidents, read_site_options, review_findings
    from crisiskit.review.digest import review as digest

    project = _project()

    def compose_tree(root: Path):
        return compose(read_incidents([root / "kits"]), read_site_options(root), project)

    findings = review_findings(project, base, _parse_at(at_text))  # stale translations against BASE included
    sys.stdout.write(digest(project, base, compose_tree, findings))
