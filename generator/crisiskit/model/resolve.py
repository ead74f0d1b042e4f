"""Stage 3, resolve: kits and their scenarios merged into complete incidents.

An incident takes every field it leaves out from the scenario it extends
(and that scenario's own scenario), each revision's missing statement
sections from the revision before it at the same status or else from the
scenario's pre-approved text for that status (``inherit_statement``), and the
facts the scenario declares, which the incident must fill. A profile block
(organization, spokesperson, signatory, contacts, languages) that neither
writes comes from crisiskit.yml (model/profile.py: the validate stage has
already completed blocks written in part). Then the merged whole is checked:
required fields present, every text in every language, every fact reference
defined.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Any

from crisiskit.errors import Problem
from crisiskit.model.channels import notice_channels
from crisiskit.model.incident import Incident, Revision
from crisiskit.model.lists import MERGED, ListSource, merge_lists
from crisiskit.model.memo import ByIdentity
from crisiskit.model.origin import Origin, walk_texts
from crisiskit.model.profile import NO_PROFILE, PROFILE_FIELDS, Profile
from crisiskit.model.references import reference_problems
from crisiskit.model.schema.facts import Fact
from crisiskit.model.schema.kit import ChannelText, IncidentKit, KitFields, ScenarioKit, Statement, Status, Update
from crisiskit.model.schema.types import Text
from crisiskit.model.tables import SeverityPolicy, severity_table
from crisiskit.model.validate import Validated, ValidKit, language_problems

REQUIRED = ("title", "organization", "spokesperson", "signatory", "contacts", "severity", "crisis_type", "languages")
LISTS = ("key_messages", "audiences", "remedies", "faq", "internal_qa", "review_replies")


def severity_policy() -> dict[str, SeverityPolicy]:
    """Defaults per severity (data/severity.yml, typed and read once): deadlines, cadence, signer, channels.

    The channels an incident uses start from its severity's list here; crisiskit.yml may change the
    deadlines, cadence and signer (model/config.py), which the checks read from the project's Config.
    """
    return severity_table()


@dataclass(frozen=True)
class Resolved:
    """The resolve stage's result."""

    incidents: list[Incident]
    problems: list[Problem]


def resolve_incidents(validated: Validated) -> Resolved:
    """Merge every incident with its scenarios; collect every problem."""
    scenarios = {k.model.scenario: k for k in validated.kits if isinstance(k.model, ScenarioKit)}
    problems = list(validated.problems)
    # scenario files that did not validate: their own problems are reported, so an incident extending
    # one is told that, rather than that the scenario does not exist
    broken = {PurePosixPath(p.file).stem for p in problems if "scenarios" in PurePosixPath(p.file).parts}
    incidents: list[Incident] = []
    for kit in validated.kits:
        if not isinstance(kit.model, IncidentKit):
            continue
        chain, chain_problems = _scenario_chain(kit, scenarios, broken)
        problems.extend(chain_problems)
        if chain_problems:
            continue
        sources = [scenarios[s.scenario] for s in reversed(chain)]
        incident, merge_problems = _merge(kit, chain, validated.profile, sources)
        problems.extend(merge_problems)
        if incident is not None and chain:  # what the scenario's text was written as, for CK303 to judge
            source = scenarios[chain[0].scenario].source
            where = Origin(source.display, *source.positions.locate(("strategy",)), "strategy", lines=source.lines)
            incident = replace(incident, strategy=chain[0].strategy, strategy_origin=where)
        if incident is not None:
            incidents.append(incident)
    incidents.sort(key=lambda i: i.id)
    return Resolved(incidents, problems)


def _scenario_chain(
    kit: ValidKit, scenarios: dict[str, ValidKit], broken: AbstractSet[str] = frozenset()
) -> tuple[list[ScenarioKit], list[Problem]]:
    """The scenarios ``kit`` extends, nearest first; an unknown name or a cycle is a problem."""
    chain: list[ScenarioKit] = []
    seen: list[str] = []
    current: ValidKit = kit
    while current.model.extends:
        name = current.model.extends
        where = current.source.positions.locate(("extends",))
        if name in seen or (isinstance(current.model, ScenarioKit) and name == current.model.scenario):
            cycle = " -> ".join([*seen, name])
            return [], [
                Problem(
                    current.source.display,
                    *where,
                    "extends",
                    f"expected a scenario that does not extend itself; got the cycle {cycle}",
                )
            ]
        if name not in scenarios and name in broken:
            return [], [
                Problem(
                    current.source.display,
                    *where,
                    "extends",
                    f'expected scenario "{name}" to be valid; got kits/scenarios/{name}.yml with the '
                    "problems reported for it",
                )
            ]
        if name not in scenarios:
            known = ", ".join(sorted(scenarios)) or "none"
            return [], [
                Problem(
                    current.source.display,
                    *where,
                    "extends",
                    f'expected one of the scenarios in kits/scenarios/ ({known}); got "{name}"',
                )
            ]
        seen.append(name)
        current = scenarios[name]
        chain.append(current.model)  # type: ignore[arg-type]
    return chain, []


def _pick(name: str, kit: IncidentKit, chain: list[ScenarioKit]) -> Any:
    for model in (kit, *chain):
        value = getattr(model, name)
        if value is not None and value != {} and name in model.model_fields_set:
            return value
    return None


def _missing(name: str, scenario_name: str | None, profile: Profile) -> str | None:
    """What to say of a required field no kit gives (None: say nothing, crisiskit.yml's own problems are reported)."""
    where = f' (in this kit or its scenario "{scenario_name}")' if scenario_name else ""
    if name in PROFILE_FIELDS:
        if profile.broken:
            return None
        kit = f'this kit, its scenario "{scenario_name}"' if scenario_name else "this kit"
        hint = "" if profile.source is not None else ", which crisiskit init writes"
        where = f" (in {kit} or, for every incident, in {profile.where}{hint})"
    return f'expected the key "{name}"{where}; got no such key'


def _merge(
    kit: ValidKit, chain: list[ScenarioKit], profile: Profile = NO_PROFILE, scenario_kits: list[ValidKit] | None = None
) -> tuple[Incident | None, list[Problem]]:
    model: IncidentKit = kit.model  # type: ignore[assignment]
    display, positions = kit.source.display, kit.source.positions
    problems: list[Problem] = []
    values = {name: _pick(name, model, chain) for name in KitFields.model_fields}
    inherited = [name for name in PROFILE_FIELDS if values[name] is None and name in profile.values]
    values.update({name: profile.values[name] for name in inherited})
    scenario_name = chain[0].scenario if chain else None
    for name in REQUIRED:
        message = _missing(name, scenario_name, profile) if values[name] is None else None
        if message:
            problems.append(Problem(display, 1, 1, name, message))
    incomplete = any(values[name] is None for name in REQUIRED)  # said above, or crisiskit.yml's problems say why
    scenario_lists = [
        ListSource(s.model, s.source.display, s.source.positions, s.model.scenario)
        for s in scenario_kits or []
        if isinstance(s.model, ScenarioKit)
    ]
    merged = merge_lists([*scenario_lists, ListSource(model, display, positions, None)])
    problems += merged.problems
    facts: dict[str, Fact] = {}
    for model_with_facts in (*reversed(chain), model):
        facts.update(model_with_facts.facts)
    for name, fact in facts.items():
        if fact.value is None and not any(name in r.facts for r in model.updates):
            line, column = positions.locate(("facts",))
            problems.append(
                Problem(
                    display,
                    line,
                    column,
                    f"facts.{name}",
                    f'expected a value for the fact "{name}" that scenario "{scenario_name}" needs '
                    f"({fact.kind}); got none",
                )
            )
    if problems or incomplete:
        return None, problems
    languages: list[str] = values["languages"]
    policy = severity_policy()[values["severity"]]
    channel_overrides = {}
    for model_with_channels in (*reversed(chain), model):
        channel_overrides.update(model_with_channels.channels)
    channels = [c for c in policy.channels if channel_overrides.get(c) is None or channel_overrides[c].enabled]
    channels += [c for c, o in channel_overrides.items() if o.enabled and c not in channels]
    jurisdictions = tuple(values["jurisdictions"] or ())  # each adds its notices (data/channels.yml)
    channels += [c for c in notice_channels(jurisdictions) if c not in channels and c not in channel_overrides]
    revisions: list[Revision] = []
    current_facts = dict(facts)
    previous: Revision | None = None
    carried: dict[str, ChannelText] = {}  # the revisions' own channel overrides in force
    for index, update in enumerate(model.updates):
        current_facts = {**current_facts, **update.facts}
        statement = inherit_statement(update, previous, chain)
        if statement.headline is None:
            line, column = positions.locate(("updates", index, "statement"))
            problems.append(
                Problem(
                    display,
                    line,
                    column,
                    f"updates[{index}].statement.headline",
                    'expected the key "headline" (in this revision, the one before it at the same status or the '
                    f'scenario\'s statement for "{update.status}"); got no such key',
                )
            )
        carried = {**(carried if _continues(update, previous) else {}), **update.channels}
        merged_channels = {**channel_overrides, **carried}
        origin = Origin(
            display, *positions.locate(("updates", index, "revision")), f"updates[{index}]", lines=kit.source.lines
        )
        previous = Revision(
            update.revision,
            update.status,
            update.issued_at,
            update.publish_at,
            update.next_update_at,
            update.corrects,
            update.correction,
            current_facts,
            statement,
            merged_channels,
            list(update.approvals),
            origin,
        )
        revisions.append(previous)
        problems.extend(
            p
            for _path, text in walk_texts([statement, update.channels, update.correction])
            for p in reference_problems(text, set(current_facts))
        )
    all_fact_names = set(current_facts)
    for model_part in (*chain, model):
        problems.extend(
            p for _path, text in _revision_free_texts(model_part) for p in reference_problems(text, all_fact_names)
        )
    for _path, text in walk_texts([values[name] for name in inherited]):  # reported at crisiskit.yml's lines
        problems.extend(reference_problems(text, all_fact_names))
    lists: dict[str, Any] = {name: list(values[name] or []) for name in LISTS if name not in MERGED}
    lists.update(merged.lists)
    incident = Incident(
        id=model.id,
        source=display,
        scenario=scenario_name,
        title=values["title"],
        organization=values["organization"],
        spokesperson=values["spokesperson"],
        signatory=values["signatory"],
        contacts=values["contacts"],
        severity=values["severity"],
        crisis_type=values["crisis_type"],
        languages=languages,
        began_at=model.began_at,
        aware_at=model.aware_at,
        jurisdictions=jurisdictions,
        **lists,
        channels=channels,
        revisions=revisions,
        scenario_items=merged.changes,
    )
    problems.extend(language_problems(incident, incident.languages))
    return (None if problems else incident), problems


_scenario_texts: ByIdentity[tuple[tuple[tuple[Any, ...], Text], ...]] = ByIdentity(16)


def _revision_free_texts(model: KitFields) -> tuple[tuple[tuple[Any, ...], Text], ...]:
    """Every text of ``model`` but its revisions' (an incident kit's updates, a scenario's statements).

    A scenario's are listed once and remembered (by identity, each held while remembered, so its id is not
    reused): every incident extending it reads them, and a validated scenario does not change.
    """
    scenario = isinstance(model, ScenarioKit)
    kept = _scenario_texts.find((model,)) if scenario else None
    if kept is not None:
        return kept
    revision_free = model.model_copy(update={"updates": []} if isinstance(model, IncidentKit) else {"statements": {}})
    found = tuple(walk_texts(revision_free))
    return _scenario_texts.keep((model,), found) if scenario else found


def _continues(update: Update, previous: Revision | None) -> bool:
    """Whether ``update`` carries on from the revision before it: a next step at the same status."""
    return previous is not None and previous.status == update.status


def inherit_statement(update: Update, previous: Revision | None, chain: list[ScenarioKit]) -> Statement:
    """The statement of ``update``, complete: a revision writes only what changed.

    Each section comes from the first of these that has it:

    1. the revision itself: a text, or ``null`` to leave the section out (it stops the inheritance);
    2. the previous revision, as it stood, if it had the same status: an update or a correction within a
       stage keeps every section it does not rewrite, the incident's own text included;
    3. the nearest scenario's pre-approved text for this revision's status.

    A change of status is a new stage of the crisis and starts again from the scenario's text for the new
    status, as the first revision does: what was written while investigating ("we do not know the cause
    yet") must not survive into identified or resolved unless the revision writes it again. A section the
    scenario has no text for at the new status is left out. Before inheritance, steps 1 and 3 were the whole
    rule; a kit composes differently only where a revision left out a section the revision before it, at the
    same status, wrote itself (and then the scenario's text replaced the incident's own, which inheritance
    fixes), or wrote a section as ``null`` (which used to mean the scenario's text). Per-revision channel
    texts follow the same rule: a channel entry, whole, carries on within a status over the kit-level ones.
    """
    own = update.statement
    filled: dict[str, Any] = {}
    for name in Statement.model_fields:
        if name in own.model_fields_set:
            filled[name] = getattr(own, name)
        elif previous is not None and _continues(update, previous):
            filled[name] = getattr(previous.statement, name)
        else:
            filled[name] = _scenario_section(name, update.status, chain)
    return Statement.model_construct(**filled)


def _scenario_section(name: str, status: Status, chain: list[ScenarioKit]) -> Any:
    """Section ``name`` of the nearest scenario that has it for ``status``."""
    for scenario in chain:
        template = scenario.statements.get(status)
        if template is not None and getattr(template, name) is not None:
            return getattr(template, name)
    return None
