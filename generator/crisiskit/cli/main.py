"""The command line: thin wrappers over the pipeline that print and set exit codes.

Every command runs through one place (``CommandLine.main``) that turns what
went wrong into a message and an exit status, so no command decides it on
its own: 0 success; 1 a problem in the input or the environment (a full
disk, a read-only folder, a busy port), printed without a traceback; 2 wrong
usage (click's own convention); 70 a bug in crisiskit (traceback and a
request to report it); 130 interrupted by Ctrl+C. Wrong usage is raised as
click's ``UsageError`` / ``BadParameter`` and a failing answer (findings,
content/ not current) as click's ``Exit``, so click and the wrapper decide
the status, never a command's own ``sys.exit``.

``-v`` / ``-q`` on the group set how much of the pipeline's progress is
logged (cli/logs.py); results print the same at every level. The incident
workflow's commands are in cli/new.py (new) and cli/workflow.py (approve, review), the
preview in cli/serve.py and cli/preview.py.
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path
from typing import Any

import click

from crisiskit import __version__
from crisiskit.cli import workflow
from crisiskit.cli.common import err, out, parse_at, project_root
from crisiskit.cli.init import init as init_command
from crisiskit.cli.new import new as new_command
from crisiskit.errors import (
    EXIT_BUG,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PROBLEM,
    SystemProblem,
    UserError,
    catching_interrupts,
    interrupted,
)

BUG_REPORT = (
    f"crisiskit {__version__} hit a bug (not a problem in your kits): please report it on the crisiskit "
    "issue tracker with the command you ran and the traceback above"
)


class CommandLine(click.Group):
    """The command group, run through one wrapper that maps every failure to its exit status."""

    def main(
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            with catching_interrupts():
                result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            if interrupted():  # Ctrl+C whose KeyboardInterrupt was swallowed (in a finaliser, say): still Ctrl+C
                raise KeyboardInterrupt
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
@click.option("-v", "--verbose", is_flag=True, help="Also print debug lines: what each stage read, rendered and wrote.")
@click.option("-q", "--quiet", is_flag=True, help="Print results, warnings and errors only, no progress lines.")
def main(verbose: bool, quiet: bool) -> None:
    """crisiskit: crisis communication kits from YAML, published with MkDocs."""
    from crisiskit.cli import logs

    if verbose and quiet:
        raise click.UsageError("-v (more output) and -q (less output) contradict each other: choose one")
    logs.configure(logs.VERBOSE if verbose else logs.QUIET if quiet else logs.DEFAULT)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--at", "at_text", help="Check as of this time (ISO 8601 with timezone); default now.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="Findings as lines, as a JSON list, or as GitHub workflow annotations.",
)
@click.option("--base", help="A git revision: also report translations left unchanged where the source text changed.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def check(paths: tuple[Path, ...], at_text: str | None, fmt: str, base: str | None, strict: bool) -> None:
    """Run every rule over the kits in PATHS (default kits/): limits, facts, structure, wording, cadence, approvals.

    Exit 1 if a kit cannot be read, or on any error finding (any warning too with --strict).
    """
    from crisiskit.checks.findings import render_findings
    from crisiskit.pipeline import check as run

    count, findings = run(list(paths) or [Path("kits")], parse_at(at_text), base)
    if fmt == "json":
        sys.stdout.write(render_findings(findings, "json"))
    elif findings:
        (out if fmt == "github" else err).print(render_findings(findings, fmt), markup=False, end="")
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    failed = errors or (strict and warnings)
    if fmt != "json":
        summary = (
            f"{count} incident(s) checked: {errors} error(s), {warnings} warning(s)"
            if findings
            else f"{count} incident(s) checked: no findings"
        )
        out.print(summary + (" (--strict: warnings fail)" if strict and warnings else ""), markup=False)
    if failed:
        raise click.exceptions.Exit(EXIT_PROBLEM)


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


@main.command()
@click.option("--check", "check_only", is_flag=True, help="Write nothing; exit 1 and list the files that would change.")
@click.option(
    "--force",
    is_flag=True,
    help="Discard hand edits of pages the kits generate (never hand-written files or copies of pages).",
)
def generate(check_only: bool, force: bool) -> None:
    """Render every kit into content/ (the review tree legal reads in pull requests)."""
    from crisiskit.pipeline import generate as run

    plan = run(project_root(), check_only=check_only, force=force)
    for message in plan.kept:
        err.print(message, markup=False)
    changes = (
        [("create", p) for p in plan.create]
        + [("update", p) for p in plan.update]
        + [("delete", p) for p in plan.delete]
    )
    if check_only:
        for action, path in changes:
            out.print(f"would {action} {path}", markup=False)
        if changes:
            err.print(
                f"content/ is not current: {len(changes)} file(s) would change; run crisiskit generate", markup=False
            )
            raise click.exceptions.Exit(EXIT_PROBLEM)
        out.print("content/ is current", markup=False)
        return
    out.print(
        f"content/: {len(plan.create)} created, {len(plan.update)} updated, {len(plan.delete)} deleted, "
        f"{len(plan.unchanged)} unchanged",
        markup=False,
    )


@main.command()
@click.option("--at", "at_text", help="Build as of this time (ISO 8601 with timezone); default now.")
@click.option("--audience", type=click.Choice(["public", "internal", "all"]), default="all", show_default=True)
@click.option("--force", is_flag=True, help="Discard hand edits of generated files in content/.")
def build(at_text: str | None, audience: str, force: bool) -> None:
    """Generate content/, then build the public and internal sites into site/."""
    from crisiskit.pipeline import build as run

    at = parse_at(at_text)
    audiences = ("public", "internal") if audience == "all" else (audience,)
    built = run(project_root(), at=at, audiences=audiences, force=force)
    for site in built:
        out.print(f"{site.audience:8} {site.language:8} {site.site_dir}/index.html", markup=False)
    out.print(
        f"built as of {at.isoformat()}; open site/public/index.html, or preview with: crisiskit serve", markup=False
    )


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
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to serve on: loopback only, unless --expose-internal.",
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="0 picks a free port.")
@click.option(
    "--expose-internal",
    is_flag=True,
    help="Allow a --host other than loopback, serving the internal site (Q&A, drafts) to the network.",
)
def serve(host: str, port: int, expose_internal: bool) -> None:
    """Serve the internal preview on localhost, rebuilt on every change; open pages reload and show a broken kit."""
    from crisiskit.cli.serve import is_loopback
    from crisiskit.cli.serve import serve as run_server
    from crisiskit.pipeline import build as run

    if not is_loopback(host) and not expose_internal:
        raise click.UsageError(
            f"--host {host} would serve the internal site (Q&A, do-not-say lists, drafts, embargoed "
            "text) to the network; the preview binds to loopback (127.0.0.1) only. Add "
            "--expose-internal if that is really what you want"
        )
    project = project_root()
    run_server(
        project,
        host,
        port,
        lambda: run(project, at=parse_at(None), audiences=("internal",)),
        lambda message: err.print(message, markup=False),
        expose=expose_internal,
    )


for command in (new_command, workflow.approve, workflow.review):  # the incident workflow: cli/new.py, workflow.py
    main.add_command(command)
main.add_command(init_command)  # cli/init.py: crisiskit.yml with the organisation profile
