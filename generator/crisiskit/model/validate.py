"""Stage 2, validate: loaded YAML to pydantic models, every problem collected.

Each file is validated on its own against its schema (incident or
scenario). Pydantic's error locations are mapped back to YAML positions and
its messages rewritten as ``expected ...; got ...``. After a file is valid,
every text in it is stamped with where it came from, so later stages (fact
references, checks) can point at the line that holds the text.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any, Union

from pydantic import BaseModel, ValidationError

from crisiskit.errors import Problem
from crisiskit.model.load import KeyPath, SourceFile, SourceKit
from crisiskit.model.origin import Origin, format_path, walked_texts
from crisiskit.model.profile import NO_PROFILE, PROFILE_FIELDS, Profile, complete_blocks, is_borrowed
from crisiskit.model.schedule import schedule_problems
from crisiskit.model.schema.kit import IncidentKit, ScenarioKit
from crisiskit.model.schema.types import describe

MODELS: dict[str, type[IncidentKit] | type[ScenarioKit]] = {"incident": IncidentKit, "scenario": ScenarioKit}

_TYPE_WORDS = {
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "a text",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "float_type": "a number",
    "float_parsing": "a number",
}


@dataclass(frozen=True)
class ValidKit:
    """One file that passed its schema."""

    source: SourceFile
    model: IncidentKit | ScenarioKit


@dataclass(frozen=True)
class Validated:
    """The validate stage's result: the valid kits and every problem found."""

    kits: list[ValidKit]
    problems: list[Problem]
    profile: Profile = NO_PROFILE
    """What crisiskit.yml gives every incident; the resolve stage uses it for blocks no kit writes."""


def validate_kits(source: SourceKit) -> Validated:
    """Validate every loaded file; collect all problems, including across files.

    A profile block a kit writes in part is first completed from crisiskit.yml (model/profile.py).
    """
    kits: list[ValidKit] = []
    problems = list(source.problems)
    for file in source.files:
        model_class = MODELS[file.kind]
        borrowed = complete_blocks(file.data, model_class, source.profile)
        try:
            model = model_class.model_validate(file.data)
        except ValidationError as error:
            problems.extend(schema_problems(file, model_class, _unless_profile_broken(error, source.profile)))
            continue
        stamp_origins(file, model, borrowed, source.profile)
        problems.extend(_file_problems(file, model))
        kits.append(ValidKit(file, model))
    problems.extend(_duplicate_names(kits))
    return Validated(kits, problems, source.profile)


def _unless_profile_broken(error: ValidationError, profile: Profile) -> list[Any]:
    """The errors to report: without those a broken crisiskit.yml would have filled (its own problems say why)."""
    if not profile.broken:
        return list(error.errors())
    return [
        e for e in error.errors() if not (e["type"] == "missing" and e["loc"][:1] in [(n,) for n in PROFILE_FIELDS])
    ]


MAX_PROBLEMS_PER_FILE = 100


def schema_problems(
    file: SourceFile, model_class: type[BaseModel], errors: Sequence[Mapping[str, Any]]
) -> list[Problem]:
    """The problems of the first ``MAX_PROBLEMS_PER_FILE`` errors in the file, then one line saying how many more.

    A file that is not a kit at all (a data dump, a generated list) would
    otherwise print, and spell-check, one line for each of its thousands of keys.
    """
    if len(errors) <= MAX_PROBLEMS_PER_FILE:
        return [p for e in errors for p in _problems(file, model_class, e)]
    errors = sorted(errors, key=lambda e: file.positions.locate(tuple(e["loc"]), key=True))
    rest = file.positions.locate(tuple(errors[MAX_PROBLEMS_PER_FILE]["loc"]), key=True)
    return [
        *(p for e in errors[:MAX_PROBLEMS_PER_FILE] for p in _problems(file, model_class, e)),
        Problem(
            file.display,
            *rest,
            "",
            f"expected at most {MAX_PROBLEMS_PER_FILE} problems reported per file; "
            f"got {len(errors) - MAX_PROBLEMS_PER_FILE:,} more from here (is this a kit?)",
        ),
    ]


def stamp_origins(
    file: SourceFile, model: BaseModel, borrowed: AbstractSet[KeyPath] = frozenset(), profile: Profile = NO_PROFILE
) -> None:
    """Stamp every text in ``model`` (and every fact) with where ``file`` wrote it; a text at a ``borrowed``
    path (completed from crisiskit.yml) with where crisiskit.yml wrote it."""
    for path, text in walked_texts(model):
        written = profile.source if profile.source is not None and is_borrowed(path, borrowed) else file
        line, column = written.positions.locate(path)
        starts = {lang: written.positions.locate(path + (lang,))[0] for lang in text.languages() or ()}
        text.origin = Origin(written.display, line, column, format_path(path), starts, written.lines)
    revisions = model.updates if isinstance(model, IncidentKit) else []
    for prefix, facts in [
        (("facts",), getattr(model, "facts", {})),
        *((("updates", index, "facts"), r.facts) for index, r in enumerate(revisions)),
    ]:
        for name, fact in facts.items():
            path = (*prefix, name)
            # a fact's value may be an address or a number, not a Text: checks find it through this
            object.__setattr__(
                fact, "origin", Origin(file.display, *file.positions.locate(path), format_path(path), {}, file.lines)
            )


def _problem(file: SourceFile, model_class: type[BaseModel], error: Mapping[str, Any]) -> Problem:
    loc: KeyPath = tuple(error["loc"])
    kind = error["type"]
    if kind == "missing":
        where = file.positions.locate(loc[:-1])
        return Problem(file.display, *where, format_path(loc[:-1]), f'expected the key "{loc[-1]}"; got no such key')
    if kind == "extra_forbidden":
        where = file.positions.locate(loc, key=True)
        known = _known_keys(model_class, loc[:-1])
        hint = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        expected = f"one of the keys {', '.join(known)}"
        if hint:
            expected = f'a known key (did you mean "{hint[0]}"?)'
        return Problem(file.display, *where, format_path(loc), f'expected {expected}; got unknown key "{loc[-1]}"')
    if loc and loc[-1] == "[key]":  # a bad key of a dict (a channel, fact or status name): point at the key itself
        return Problem(file.display, *file.positions.locate(loc[:-1], key=True), format_path(loc[:-1]), _message(error))
    where = file.positions.locate(loc)
    return Problem(file.display, *where, format_path(loc), _message(error))


def _problems(file: SourceFile, model_class: type[BaseModel], error: Mapping[str, Any]) -> list[Problem]:
    """One Problem per pydantic error, or per language when a text's error names several."""
    per_key = (error.get("ctx") or {}).get("per_key")
    if not per_key:
        return [_problem(file, model_class, error)]
    loc: KeyPath = tuple(error["loc"])
    return [
        Problem(file.display, *file.positions.locate(loc + (key,)), format_path(loc + (key,)), message)
        for key, message in per_key
    ]


def _message(error: Mapping[str, Any]) -> str:
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "crisiskit":
        return error["msg"]
    if kind in ("literal_error", "enum"):
        allowed = [a.strip(" '") for a in ctx.get("expected", "").replace(" or ", ", ").split(",")]
        hint = difflib.get_close_matches(str(value), allowed, n=1, cutoff=0.6) if isinstance(value, str) else []
        suffix = f' (did you mean "{hint[0]}"?)' if hint else ""
        return f"expected one of {', '.join(allowed)}; got {describe(value)}{suffix}"
    if kind in _TYPE_WORDS:
        return f"expected {_TYPE_WORDS[kind]}; got {describe(value)}"
    if kind == "too_short":
        return f"expected at least {ctx.get('min_length')} item(s); got {ctx.get('actual_length', 0)}"
    if kind == "too_long":
        return f"expected at most {ctx.get('max_length')} item(s); got {ctx.get('actual_length', 'more')}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"expected a number of at least {ctx.get('ge', ctx.get('gt'))}; got {describe(value)}"
    if kind == "string_pattern_mismatch" and str(ctx.get("pattern", "")).startswith("^sha256"):
        return f"expected sha256: followed by 64 hex digits; got {describe(value)}"
    if kind == "string_too_short":
        return f"expected a non-empty text; got {describe(value)}"
    return f"expected {error['msg'][0].lower()}{error['msg'][1:]}; got {describe(value)}"


def _known_keys(model_class: type[BaseModel], loc: KeyPath) -> list[str]:
    """The field names of the model found at ``loc``, for 'did you mean'."""
    current: Any = model_class
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel) and isinstance(part, str):
            field = current.model_fields.get(part)
            current = field.annotation if field else None
        else:
            args = typing.get_args(current)
            current = args[-1] if args else None
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [field.alias or name for name, field in current.model_fields.items()]  # as a kit writes them
    return []


def _unwrap(annotation: Any) -> Any:
    """Strip Optional and Annotated so the model inside shows."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(inner[0]) if len(inner) == 1 else annotation
    return annotation


def _file_problems(file: SourceFile, model: IncidentKit | ScenarioKit) -> list[Problem]:
    problems: list[Problem] = []
    if isinstance(model, IncidentKit):
        seen: dict[int, int] = {}
        for index, revision in enumerate(model.updates):
            path = ("updates", index, "revision")
            where = file.positions.locate(path)
            if revision.revision in seen:
                problems.append(
                    Problem(
                        file.display,
                        *where,
                        format_path(path),
                        f"expected a revision number used once; got {revision.revision} again "
                        f"(also updates[{seen[revision.revision]}])",
                    )
                )
                continue
            if index and revision.revision != model.updates[index - 1].revision + 1:
                problems.append(
                    Problem(
                        file.display,
                        *where,
                        format_path(path),
                        f"expected revision {model.updates[index - 1].revision + 1} "
                        f"(revisions in order, oldest first); got {revision.revision}",
                    )
                )
            elif index == 0 and revision.revision != 1:
                problems.append(
                    Problem(
                        file.display, *where, format_path(path), f"expected revision 1 first; got {revision.revision}"
                    )
                )
            seen[revision.revision] = index
            if revision.corrects is not None and revision.corrects >= revision.revision:
                where = file.positions.locate(("updates", index, "corrects"))
                problems.append(
                    Problem(
                        file.display,
                        *where,
                        f"updates[{index}].corrects",
                        f"expected an earlier revision than {revision.revision}; got {revision.corrects}",
                    )
                )
        if model.id != file.path.stem:
            where = file.positions.locate(("id",))
            problems.append(
                Problem(
                    file.display,
                    *where,
                    "id",
                    f'expected the file name\'s stem "{file.path.stem}"; got {describe(model.id)} '
                    "(rename the file or the id so they match)",
                )
            )
    problems.extend(schedule_problems(file, model))  # kit-level items' starts and ends
    if model.languages:
        problems.extend(language_problems(model, model.languages))
    return problems


def language_problems(model: Any, languages: list[str]) -> list[Problem]:
    """Texts in ``model`` (a kit or a resolved incident) not given in every one of ``languages``."""
    problems: list[Problem] = []
    wanted = ", ".join(languages)
    for _path, text in walked_texts(model):
        given = text.raw  # one string, or a mapping whose keys are the languages given (Text.languages)
        if isinstance(given, str):
            if len(languages) > 1 and not text.single_means_all:
                problems.append(
                    text.origin.problem(
                        f"expected a text in each of {wanted}; got one string "
                        f"(write it as a mapping: {languages[0]}: ..., {languages[1]}: ...)"
                    )
                )
            continue
        missing = [lang for lang in languages if lang not in given]
        if missing:
            problems.append(text.origin.problem(f"expected a text in each of {wanted}; got no {', '.join(missing)}"))
    return problems


def _duplicate_names(kits: list[ValidKit]) -> list[Problem]:
    problems: list[Problem] = []
    first: dict[tuple[str, str], ValidKit] = {}
    for kit in kits:
        key_field = "id" if isinstance(kit.model, IncidentKit) else "scenario"
        name = getattr(kit.model, key_field)
        earlier = first.setdefault((key_field, name), kit)
        if earlier is not kit:
            where = kit.source.positions.locate((key_field,))
            what = "an incident id" if key_field == "id" else "a scenario name"
            problems.append(
                Problem(
                    kit.source.display,
                    *where,
                    key_field,
                    f'expected {what} used by one file only; got "{name}", also used by {earlier.source.display}',
                )
            )
    return problems
