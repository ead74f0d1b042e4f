"""The object passed from the render stage to the write stage."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath


@dataclass(frozen=True)
class RenderedPage:
    """One generated file: where it goes under ``content/`` and its full text.

    ``path`` is relative to the content root and always POSIX. ``source`` is the
    kit file it was made from (relative to the project root), named in the
    marker the writer adds. ``text`` is the body without the marker.
    """

    path: PurePosixPath
    text: str
    source: str
