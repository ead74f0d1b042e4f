"""The organisation profile: the kit blocks crisiskit.yml gives every incident, and how a kit overrides them.

The merge, which a lawyer can apply by hand to tell exactly what text a kit
says:

1. A block (``organization``, ``spokesperson``, ``signatory``, ``contacts``)
   that a kit or scenario writes is completed field by field from
   crisiskit.yml: each field the block leaves out is crisiskit.yml's, each
   field it writes is its own. A nested block (``contacts.press``) is
   completed the same way. Every other value, a text with its languages, a
   list or a mapping such as ``organization.locale``, is replaced whole. A
   field written as ``null`` is left out, not taken from crisiskit.yml.
2. As before, an incident takes each block it does not write from the
   nearest scenario it extends that writes it (completed as in 1), and
   otherwise crisiskit.yml's block as it stands.
3. ``languages`` is a list: the kit's, else its scenario's, else crisiskit.yml's.

Completing happens before a kit file is validated (so a block written in part
is no error when crisiskit.yml has the rest), and every text taken from
crisiskit.yml keeps crisiskit.yml's file, line and column for any problem
later found in it.
"""

from __future__ import annotations

import copy
import types
import typing
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any, Union

from pydantic import BaseModel

from crisiskit.model.schema.kit import KitFields
from crisiskit.model.yamlparse import KeyPath

if typing.TYPE_CHECKING:
    from crisiskit.model.load import SourceFile

PROFILE_FIELDS = ("organization", "spokesperson", "signatory", "contacts", "languages")
"""The top-level kit keys crisiskit.yml may give every incident, with the same names and shapes as in a kit."""


@dataclass(frozen=True)
class Profile:
    """What crisiskit.yml gives every incident, as read and validated there."""

    values: Mapping[str, Any] = field(default_factory=dict)
    """Field name -> its validated value (Organization, Person, Contacts, a list of languages)."""
    data: Mapping[str, Any] = field(default_factory=dict)
    """Field name -> the plain data as written, to complete a kit's block before the kit is validated."""
    source: SourceFile | None = None
    """crisiskit.yml as loaded (for positions); None when there is no profile."""
    broken: bool = False
    """crisiskit.yml did not load: its own problems are reported, and no kit is told a block is missing."""

    @property
    def where(self) -> str:
        """How a message names the file: its path as shown, else crisiskit.yml."""
        return self.source.display if self.source is not None else "crisiskit.yml"


NO_PROFILE = Profile()


def complete_blocks(data: dict[str, Any], model: type[BaseModel], profile: Profile) -> set[KeyPath]:
    """Fill the fields each profile block in ``data`` leaves out from ``profile`` (in place, before validation).

    Returns the key paths of every value taken from the profile, so their texts can be stamped with
    crisiskit.yml's positions. A block that is not a mapping is left for validation to report.
    """
    borrowed: set[KeyPath] = set()
    for name in PROFILE_FIELDS:
        if name in data and name in profile.data:
            annotation = model.model_fields[name].annotation
            borrowed |= _complete(data[name], profile.data[name], annotation, (name,))
    return borrowed


def _complete(written: Any, given: Any, annotation: Any, path: KeyPath) -> set[KeyPath]:
    block = model_of(annotation)
    if block is None or not isinstance(written, dict) or not isinstance(given, dict):
        return set()  # a value, not a block: the kit's replaces the profile's whole
    borrowed: set[KeyPath] = set()
    for key, value in given.items():
        if key not in block.model_fields:
            continue
        if key not in written:
            written[key] = copy.deepcopy(value)
            borrowed.add((*path, key))
        else:
            borrowed |= _complete(written[key], value, block.model_fields[key].annotation, (*path, key))
    return borrowed


def model_of(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds (``Contacts | None`` -> Contacts), or None for any other value."""
    if typing.get_origin(annotation) in (Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = inner[0] if len(inner) == 1 else None
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def block_models() -> list[type[BaseModel]]:
    """The models of profile blocks (Organization, Person, Contacts, PressContact): a kit may leave any field out."""
    found: list[type[BaseModel]] = []
    pending = [model_of(KitFields.model_fields[name].annotation) for name in PROFILE_FIELDS]
    while pending:
        model = pending.pop(0)
        if model is not None and model not in found:
            found.append(model)
            pending += [model_of(f.annotation) for f in model.model_fields.values()]
    return found


def is_borrowed(path: KeyPath, borrowed: AbstractSet[KeyPath]) -> bool:
    """Whether the value at ``path`` came from the profile (it or a block around it was filled in)."""
    return any(path[: len(prefix)] == prefix for prefix in borrowed)
