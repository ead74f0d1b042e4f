"""What every command shares: the two consoles, the project folder, and ``--at`` times.

Both consoles print text as it is: no markup, no emoji codes, no highlighting (":x:" or
"[bold]" in a kit stays what the kit says), and no wrapping, so a line a script reads stays
one line.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from rich.console import Console

err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)  # ":x:" in a kit stays ":x:"
out = Console(highlight=False, soft_wrap=True, emoji=False)


def project_root() -> Path:
    """The site repository: the working folder, which must hold kits/ and mkdocs.yml (wrong usage otherwise)."""
    project = Path.cwd()
    if not (project / "kits").is_dir() or not (project / "mkdocs.yml").is_file():
        raise click.UsageError("run crisiskit from the site repository's root (the folder with kits/ and mkdocs.yml)")
    return project


def parse_at(value: str | None) -> datetime:
    """An ``--at`` value: ISO 8601 with a timezone (now when absent); anything else is a BadParameter."""
    if value is None:
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected an ISO 8601 date and time with timezone; got {value!r}") from None
    if parsed.tzinfo is None:
        raise click.BadParameter(f"expected a timezone in {value!r}, like 2026-11-20T09:00:00+08:00")
    return parsed
