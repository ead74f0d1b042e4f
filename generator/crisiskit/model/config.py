"""The project's own settings (crisiskit.yml at the repository root), over the packaged defaults.

Only what an organisation legitimately decides lives here: its profile (the
organization, spokesperson, signatory, contacts and languages every incident
inherits, model/profile.py says how a kit overrides them), who must approve
which text, rule severities, the largest kit file it accepts, and its
severity policy's deadlines, cadence and signer. The file is read with the
kit loader and validated against a pydantic model by the validate stage's
own error mapping, so every mistake in it is reported at once, each with
file, line and column, exactly like a kit's. Loaded once per project and
command (``load_config`` caches by path and file state).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from crisiskit.errors import KitError, Problem
from crisiskit.model.bounds import DEFAULT_KIT_BYTES
from crisiskit.model.load import SourceFile, load_file
from crisiskit.model.profile import NO_PROFILE, PROFILE_FIELDS, Profile
from crisiskit.model.schema.kit import ChannelName, Contacts, Organization, Person, Severity
from crisiskit.model.schema.types import LanguageTag, Slug, describe
from crisiskit.model.tables import SeverityPolicy, approval_table, rule_table, severity_table
from crisiskit.model.validate import language_problems, schema_problems, stamp_origins  # the kit validator's own

__all__ = ["CONFIG_FILE", "PROFILE_FIELDS", "Config", "ProjectSettings", "load_config", "profile_fields"]

CONFIG_FILE = "crisiskit.yml"
KIT_BYTES_RANGE = (10_000, 10_000_000)


def _kit_bytes(value: Any) -> int:
    low, high = KIT_BYTES_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise PydanticCustomError(
            "crisiskit",
            "expected a whole number of bytes from {low} to {high}; got {got}",
            {"low": f"{low:,}", "high": f"{high:,}", "got": describe(value)},
        )
    return value


def _rule_id(value: Any) -> str:
    if not isinstance(value, str) or value not in rule_table():
        raise PydanticCustomError(
            "crisiskit", "expected a rule id from data/rules.yml such as CK201; got {got}", {"got": describe(value)}
        )
    return value


class Settings(BaseModel):
    """Base of crisiskit.yml's models: unknown keys are errors (with a "did you mean"), values immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class ApprovalSettings(Settings):
    by_severity: dict[Severity, list[Slug]] = {}
    """Roles every revision of an incident of this severity needs, replacing data/approvals.yml's for it."""
    by_channel: dict[ChannelName, list[Slug]] = {}
    """Roles a revision needs when its incident uses this channel, replacing data/approvals.yml's for it."""


def _sms_channel(value: Any) -> str:
    from crisiskit.model.channels import registry  # the registry of data/channels.yml: which channels are SMS

    sms = [name for name, spec in registry().items() if spec.unit == "sms"]
    if value not in sms:
        raise PydanticCustomError(
            "crisiskit",
            "expected an SMS channel ({names}); got {got}",
            {"names": ", ".join(sms), "got": describe(value)},
        )
    return value


class LimitSettings(Settings):
    kit_bytes: Annotated[int, BeforeValidator(_kit_bytes)] = DEFAULT_KIT_BYTES
    """The largest kit file read, in bytes."""
    sms_parts: dict[Annotated[str, BeforeValidator(_sms_channel)], Annotated[int, Field(ge=1, le=255)]] = {}
    """The most parts an SMS may take, per SMS channel (sms_parts: {sms: 2}), over data/channels.yml's max_parts."""


class SeverityOverride(Settings):
    """The parts of data/severity.yml an organisation may set; the channels come from each kit."""

    first_statement_within_hours: float | None = Field(default=None, gt=0)
    update_every_hours: float | None = Field(default=None, gt=0)
    signed_by: str | None = None
    signer_titles: list[str] | None = None


class ProjectSettings(Settings):
    """crisiskit.yml as written."""

    # The profile: the kit's own blocks (the same models, so one definition), given to every incident.
    organization: Organization | None = None
    """Every incident's organization; a kit's own block overrides it field by field."""
    spokesperson: Person | None = None
    """Every incident's spokesperson; a kit's own block overrides it field by field."""
    signatory: Person | None = None
    """Who signs every incident's statements; a kit's own block overrides it field by field."""
    contacts: Contacts | None = None
    """Every incident's contacts; a kit's own block overrides it field by field."""
    languages: list[LanguageTag] | None = Field(default=None, min_length=1)
    """Every incident's languages, the first the source language; a kit's own list replaces it."""
    approvals: ApprovalSettings = ApprovalSettings()
    """The default approvers: who must approve, by severity and by channel, over data/approvals.yml."""
    rules: dict[Annotated[str, BeforeValidator(_rule_id)], Literal["error", "warning", "off"]] = {}
    """Rule id -> error | warning | off, over data/rules.yml."""
    limits: LimitSettings = LimitSettings()
    severity: dict[Severity, SeverityOverride] = {}
    """Deadlines, cadence and signer per severity, over data/severity.yml."""


def _default_by_severity() -> dict[str, list[str]]:
    return {name: list(roles) for name, roles in approval_table().by_severity.items()}


def _default_by_channel() -> dict[str, list[str]]:
    return {name: list(roles) for name, roles in approval_table().by_channel.items()}


@dataclass(frozen=True)
class Config:
    """Settings every stage after resolve may read: crisiskit.yml merged over the packaged tables."""

    approvals_by_severity: dict[str, list[str]] = field(default_factory=_default_by_severity)
    approvals_by_channel: dict[str, list[str]] = field(default_factory=_default_by_channel)
    rules: dict[str, str] = field(default_factory=dict)
    """Rule id -> error | warning | off, over data/rules.yml."""
    kit_bytes: int = DEFAULT_KIT_BYTES
    """The largest kit file read, in bytes (limits: {kit_bytes: N}); bounds.Limits holds the other bounds."""
    sms_parts: dict[str, int] = field(default_factory=dict)
    """SMS channel -> the most parts a message may take (limits: {sms_parts: {sms: N}}); else the registry's."""
    severity: dict[str, SeverityPolicy] = field(default_factory=lambda: dict(severity_table()))
    """The policy per severity: data/severity.yml with crisiskit.yml's ``severity:`` over it."""
    profile: Profile = NO_PROFILE
    """The blocks every incident inherits (organization, spokesperson, signatory, contacts, languages)."""


def load_config(project: Path) -> Config:
    """crisiskit.yml if present, checked strictly; otherwise the defaults. Every problem is raised at once."""
    path = project / CONFIG_FILE
    try:
        stat = path.stat()
    except FileNotFoundError:
        return Config()
    return _load(path, stat.st_mtime_ns, stat.st_size, stat.st_ino)


@lru_cache(maxsize=8)
def _load(path: Path, _mtime: int, _size: int, _inode: int) -> Config:
    """One parse per file state: every stage of a command that asks gets the same Config (KitError is not cached)."""
    loaded = load_file(path, "incident")
    if isinstance(loaded, Problem):
        raise KitError([loaded])
    try:
        settings = ProjectSettings.model_validate(loaded.data)
    except ValidationError as error:
        raise KitError(schema_problems(loaded, ProjectSettings, error.errors())) from None
    profile = _profile(loaded, settings)
    policy = dict(severity_table())
    for name, override in settings.severity.items():
        given = override.model_dump(exclude_none=True)
        policy[name] = SeverityPolicy.model_validate({**policy[name].model_dump(), **given})
    by_severity = settings.approvals.by_severity
    return Config(
        approvals_by_severity={**_default_by_severity(), **{str(k): v for k, v in by_severity.items()}},
        approvals_by_channel={**_default_by_channel(), **settings.approvals.by_channel},
        rules=dict(settings.rules),
        kit_bytes=settings.limits.kit_bytes,
        severity=policy,
        sms_parts=dict(settings.limits.sms_parts),
        profile=profile,
    )


def _profile(loaded: SourceFile, settings: ProjectSettings) -> Profile:
    """The profile blocks crisiskit.yml gives, their texts stamped with its positions, in its own languages."""
    given = [name for name in PROFILE_FIELDS if name in settings.model_fields_set and getattr(settings, name)]
    if not given:
        return NO_PROFILE
    stamp_origins(loaded, settings)
    if settings.languages:
        problems = language_problems(settings, settings.languages)
        if problems:
            raise KitError(problems)
    return Profile(
        values={name: getattr(settings, name) for name in given},
        data={name: loaded.data[name] for name in given},
        source=loaded,
    )


def profile_fields(project: Path) -> set[str]:
    """The top-level kit keys ``project``'s crisiskit.yml gives every incident (a subset of PROFILE_FIELDS).

    Empty without crisiskit.yml; raises KitError (each problem at crisiskit.yml's line and column) when
    the file is invalid, a ``[[fill in ...]]`` placeholder left by ``crisiskit init`` included.
    """
    return set(load_config(project).profile.values)
