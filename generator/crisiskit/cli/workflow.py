"""The incident workflow's commands: open a kit from a scenario, approve a revision, digest a branch.

Registered on the ``crisiskit`` group by cli/main.py; they print through the shared consoles and
raise click's exception types for wrong usage, like every command, so ``CommandLine.main`` sets
the exit status.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from crisiskit.cli.common import out, parse_at, project_root
from crisiskit.errors import SystemProblem, UserError

if TYPE_CHECKING:
    from crisiskit.compose.composed import ComposedIncident


def _approver(_context: click.Context, _parameter: click.Parameter, value: str) -> str:
    from crisiskit.review.approve import approver_name

    try:
        return approver_name(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@click.command()
@click.argument("kit", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--revision", "revision", required=True, type=int, help="The revision number approved.")
@click.option("--role", required=True, help="The approving role, one of those in the approval settings, e.g. legal.")
@click.option("--by", "by", required=True, callback=_approver, help="Who approves (a name, on one line).")
@click.option(
    "--replace-published",
    is_flag=True,
    help="Replace an existing approval of a revision the public has already seen (refused otherwise).",
)
def approve(kit: Path, revision: int, role: str, by: str, replace_published: bool) -> None:
    """Record ROLE's approval of the exact current text of REVISION in KIT (edits the YAML in place)."""
    from crisiskit.model.config import load_config
    from crisiskit.pipeline import compose, read_incidents, read_site_options
    from crisiskit.review.approve import approve as record
    from crisiskit.review.approve import role_problem

    project = project_root()
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


@click.command()
@click.argument("incident_id")
@click.option("--scenario", "scenario_name", required=True, help="The scenario in kits/scenarios/ to start from.")
def new(incident_id: str, scenario_name: str) -> None:
    """Open a new incident kits/INCIDENT_ID.yml from a pre-approved scenario, with placeholders to fill."""
    import re

    from crisiskit.cli.new import create_kit
    from crisiskit.model.load import load_kits
    from crisiskit.model.schema.kit import ScenarioKit
    from crisiskit.model.schema.types import MAX_ID_LENGTH, file_name_problem
    from crisiskit.model.validate import validate_kits

    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", incident_id):
        raise click.BadParameter("expected a lower-case slug like data-leak-2026", param_hint="INCIDENT_ID")
    problem = file_name_problem(incident_id)  # the kits' own rule: `new` never opens a kit `check` refuses
    if problem:
        raise click.BadParameter(
            f"expected an id of at most {MAX_ID_LENGTH} characters that every system can store "
            f"as a file name; got {problem}",
            param_hint="INCIDENT_ID",
        )
    project = project_root()
    validated = validate_kits(load_kits([project / "kits" / "scenarios"]))
    scenarios = {k.model.scenario: k.model for k in validated.kits if isinstance(k.model, ScenarioKit)}
    if scenario_name not in scenarios:
        known = ", ".join(sorted(scenarios)) or "none"
        raise click.BadParameter(f"expected one of {known}; got {scenario_name!r}", param_hint="--scenario")
    try:
        path = create_kit(project / "kits", incident_id, scenarios[scenario_name])
    except OSError as error:  # a failed write names no file; this one is the kit
        raise SystemProblem(error, project / "kits" / f"{incident_id}.yml", "no kit was created") from error
    out.print(
        f"created {path.relative_to(project)}: fill in every [[fill in ...]] placeholder, then run crisiskit check",
        markup=False,
    )


@click.command()
@click.option("--base", default="origin/main", show_default=True, help="The git revision to compare with.")
@click.option("--at", "at_text", help="Report findings as of this time (ISO 8601 with timezone); default now.")
def review(base: str, at_text: str | None) -> None:
    """Print a Markdown digest of every text this branch changes since BASE, and what needs approval."""
    from crisiskit.pipeline import compose, read_incidents, read_site_options, review_findings
    from crisiskit.review.digest import review as digest

    project = project_root()

    def compose_tree(root: Path):
        return compose(read_incidents([root / "kits"]), read_site_options(root), project)

    findings = review_findings(project, base, parse_at(at_text))  # stale translations against BASE included
    sys.stdout.write(digest(project, base, compose_tree, findings))
