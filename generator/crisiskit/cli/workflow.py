"""The incident workflow's commands: approve a revision, digest a branch (``new`` is in cli/new.py).

Registered on the ``crisiskit`` group by cli/main.py; they print through the shared consoles and
raise click's exception types for wrong usage, like every command, so ``CommandLine.main`` sets
the exit status.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from crisiskit.cli.common import err, out, parse_at, project_root
from crisiskit.errors import EXIT_PROBLEM, SystemProblem, UserError

if TYPE_CHECKING:
    from crisiskit.compose.composed import ComposedIncident


def _approver(_context: click.Context, _parameter: click.Parameter, value: str) -> str:
    from crisiskit.review.approve import approver_name

    try:
        return approver_name(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@click.command()
@click.argument("kits", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--revision", "revision", type=int, help="The revision number approved (one KIT).")
@click.option(
    "--pending",
    is_flag=True,
    help=(
        "Approve every revision of the KITs (every kit when none is named) still waiting for ROLE's approval; "
        "one whose text check finds an error in, or a published one, is left alone and named."
    ),
)
@click.option("--role", required=True, help="The approving role, one of those in the approval settings, e.g. legal.")
@click.option("--by", "by", required=True, callback=_approver, help="Who approves (a name, on one line).")
@click.option(
    "--replace-published",
    is_flag=True,
    help="Replace an existing approval of a revision the public has already seen (refused otherwise).",
)
def approve(
    kits: tuple[Path, ...], revision: int | None, pending: bool, role: str, by: str, replace_published: bool
) -> None:
    """Record ROLE's approval of the exact current text of REVISION in KIT, or of every --pending revision.

    \b
    crisiskit approve kits/outage.yml --revision 2 --role legal --by "Dana Wu"
    crisiskit approve kits/outage.yml --pending --role legal --by "Dana Wu"
    crisiskit approve --pending --role legal --by "Dana Wu"     (every kit)
    """
    from crisiskit.model.config import load_config
    from crisiskit.review.approve import role_problem

    if (revision is None) == (not pending):
        got = "both" if pending else "neither"
        raise click.UsageError(
            f"expected either --revision N (one revision) or --pending (every revision waiting); got {got}"
        )
    if revision is not None and len(kits) != 1:
        raise click.UsageError(f"expected one KIT with --revision; got {len(kits)}")
    project = project_root()
    problem = role_problem(role, load_config(project))
    if problem:
        raise click.BadParameter(problem, param_hint="--role")
    if revision is not None:
        _approve_one(project, kits[0], revision, role, by, replace_published)
    else:
        _approve_pending(project, list(kits), role, by, replace_published)


def _composer(project: Path, kit: Path, *, alone: bool = False) -> Callable[[], ComposedIncident]:
    """Read and compose ``kit`` as it is on disk now (with the scenarios and profile it uses).

    Every kit is read (so a kit sharing another's id is refused), unless ``alone``: then only this kit
    and the scenarios beside it, for --pending, which reads every kit once before and each of its kits
    again after every approval it writes.
    """
    from crisiskit.pipeline import compose, read_incidents, read_site_options

    def compose_kit() -> ComposedIncident:
        read = read_incidents([kit] if alone else [project / "kits"])
        matching = [i for i in read if Path(i.source).resolve() == kit.resolve()]
        if not matching:
            raise UserError(f"{kit}: expected an incident kit under kits/; got a file that is not one")
        return compose(matching, read_site_options(project), project)[0]

    return compose_kit


def _only_kits_with_their_ids(project: Path, kits: list[Path]) -> None:
    """Refuse a named kit whose id (its file name) another kit file under kits/ has too: reading only the named
    kits is then as safe as reading all (an archive of a thousand incidents is not read to approve one)."""
    from crisiskit.model.load import discover

    files = [path for path, kind, _ in discover([project / "kits"]) if kind == "incident"]
    for kit in kits:
        others = [path for path in files if path.stem == kit.stem and path.resolve() != kit.resolve()]
        if others:
            other = others[0].relative_to(project) if others[0].is_relative_to(project) else others[0]
            raise UserError(f"{kit}: expected the only kit with id {kit.stem}; got {other} too")


def _approve_one(project: Path, kit: Path, revision: int, role: str, by: str, replace_published: bool) -> None:
    from crisiskit.review.approve import approve as record

    _only_kits_with_their_ids(project, [kit])
    recorded = record(
        project,
        kit,
        revision,
        role,
        by,
        compose_kit=_composer(project, kit, alone=True),
        replace_published=replace_published,
    )
    already = " (already recorded; the kit is unchanged)" if recorded.unchanged else ""
    out.print(f"{kit}: revision {revision} approved by {by} ({role}), {recorded.text_hash}{already}", markup=False)


def _approve_pending(project: Path, kits: list[Path], role: str, by: str, replace_published: bool) -> None:
    from crisiskit.pipeline import check, read_incidents
    from crisiskit.review.pending import Outcome, PendingKit, approve_pending

    if kits:  # the named kits load, and no other kit file can share an id with them (an id is its file's name)
        _only_kits_with_their_ids(project, list(kits))
        every = [Path(i.source) for i in read_incidents(list(kits))]
    else:
        every = [Path(i.source) for i in read_incidents([project / "kits"])]  # every kit loads, no id taken twice
    named = [k for k in every if any(k.resolve() == kit.resolve() for kit in kits)] if kits else every
    missing = [kit for kit in kits if not any(kit.resolve() == k.resolve() for k in every)]
    if missing:
        raise UserError(f"{missing[0]}: expected an incident kit under kits/; got a file that is not one")

    def findings_of(kit: Path):
        return lambda: check([kit], datetime.now(UTC), cache=False)[1]

    def report(o: Outcome) -> None:  # as each is recorded: a run stopped by a problem still says what it did
        if o.skipped is not None:
            err.print(f"{o.kit}: revision {o.revision} left without {role}'s approval: {o.skipped}", markup=False)
            return
        already = " (already recorded; the kit is unchanged)" if o.unchanged else ""
        out.print(
            f'{o.kit}: revision {o.revision} approved by {by} ({role}): "{o.headline}", {o.text_hash}{already}',
            markup=False,
        )

    outcomes = approve_pending(
        project,
        [PendingKit(kit, _composer(project, kit, alone=True), findings_of(kit)) for kit in named],
        role,
        by,
        report=report,
        replace_published=replace_published,
    )
    where = ", ".join(str(k) for k in named) if len(named) <= 3 else f"{len(named)} kits"
    if not outcomes:
        out.print(f"nothing is waiting for {role}'s approval in {where}", markup=False)
        return
    skipped = [o for o in outcomes if o.skipped is not None]
    approved = len(outcomes) - len(skipped)
    out.print(f"{approved} revision(s) approved, {len(skipped)} left waiting for {role}", markup=False)
    if skipped:
        raise click.exceptions.Exit(EXIT_PROBLEM)


@click.command()
@click.option("--base", default="origin/main", show_default=True, help="The git revision to compare with.")
@click.option("--at", "at_text", help="Report findings as of this time (ISO 8601 with timezone); default now.")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the full digest to this file (what is printed stays short enough for a pull-request comment).",
)
@click.option("--link", help="Where readers of the comment find the full digest (a URL, e.g. the workflow run).")
@click.option(
    "--parts",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the whole digest as comments review-1.md, review-2.md ... (each under 60,000 characters) into "
    "this folder, and print their paths.",
)
def review(base: str, at_text: str | None, output: Path | None, link: str | None, parts: Path | None) -> None:
    """Print a Markdown digest of every text this branch changes since BASE, and what needs approval.

    The digest printed always fits a GitHub comment: when the full one is longer, it keeps the
    summary and as much detail as fits, and says where the full one is (--output, --link).
    With --parts, the whole digest is split into comments instead, the summary first.
    """
    from crisiskit.pipeline import compose, read_incidents, read_site_options, review_findings
    from crisiskit.review.digest import review as digest

    project = project_root()

    def compose_tree(root: Path):
        return compose(read_incidents([root / "kits"]), read_site_options(root), project)

    findings = review_findings(project, base, parse_at(at_text))  # stale translations against BASE included
    result = digest(project, base, compose_tree, findings)
    full = result.full()
    if output is not None:
        try:
            output.write_text(full, encoding="utf-8")
        except OSError as error:
            raise SystemProblem(error, output, "no digest was written") from error
    if output is None:
        pointer = f"For the full digest, run `crisiskit review --base {base} --output FILE`"
        pointer += f" or see {link}." if link else "."
    else:
        pointer = f"The full digest ({len(full):,} characters) is the file `{output.name}`"
        pointer += f": {link}" if link else "."
    if parts is not None:
        for path in _write_parts(parts, result.parts()):
            sys.stdout.write(f"{path}\n")
        return
    sys.stdout.write(result.bounded(pointer))


def _write_parts(folder: Path, parts: list[str]) -> list[Path]:
    """review-1.md ... review-n.md in ``folder``, and no other review-*.md left there from a longer digest."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for number, text in enumerate(parts, 1):
            path = folder / f"review-{number}.md"
            path.write_text(text, encoding="utf-8")
            written.append(path)
        for stale in set(folder.glob("review-*.md")) - set(written):
            stale.unlink()
    except OSError as error:
        raise SystemProblem(error, folder, "the digest's parts were not all written") from error
    return written
