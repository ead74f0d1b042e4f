"""``crisiskit approve``: record an approval of a revision's exact text in the kit.

The kit is edited in place with ruamel.yaml's round-trip mode, so comments,
key order and layout stay as the author left them. The approval stores the
hash of the revision's rendered text in every language and channel; any
later change to that text makes it stale.
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from crisiskit.errors import UserError
from crisiskit.render import ComposedIncident


def approve(kit_path: Path, composed: ComposedIncident, revision: int, role: str, name: str,
            at: datetime | None = None) -> str:
    """Append (or replace this role's) approval of ``revision`` in ``kit_path``; return the hash approved."""
    numbers = [r.number for r in composed.incident.revisions]
    if revision not in numbers:
        raise UserError(f"{kit_path}: expected one of the revisions {', '.join(map(str, numbers))}; got {revision}")
    text_hash = composed.hashes[revision]
    moment = (at or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    document = yaml.load(kit_path.read_text(encoding="utf-8"))
    entry = next(u for u in document["updates"] if int(u["revision"]) == revision)
    approvals = entry.get("approvals")
    if approvals is None:
        entry["approvals"] = approvals = []
    for index in reversed(range(len(approvals))):
        if approvals[index].get("role") == role:
            del approvals[index]
    record = CommentedMap()
    record["role"] = role
    record["name"] = name
    record["at"] = moment.isoformat().replace("+00:00", "Z")
    record["text_hash"] = text_hash
    approvals.append(record)
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=kit_path.parent, delete=False,
                                         prefix=f".{kit_path.name}.", suffix=".crisiskit-tmp")
    with handle:
        yaml.dump(document, handle)
    os.replace(handle.name, kit_path)
    return text_hash
