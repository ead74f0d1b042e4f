"""The correction banners of a statement page: site chrome around the approved text, never part of it.

A revision that a later one corrects keeps its text for good (its permalink
never changes, and its approval hash covers only what it said), so the note
that it was corrected is written around it by the page template: "Corrected
by revision 4", linking there, with the correction's note. The correcting
revision's own page links back to the revision it corrects. Only revisions
the page's audience may see are named: a correction still embargoed or
unapproved puts no banner on the public site. (That a later revision
superseded a permalink is said by its permalink note: render/pages.py.)
"""

from __future__ import annotations

from dataclasses import dataclass

from crisiskit.compose.composed import ComposedIncident
from crisiskit.compose.labels import labels
from crisiskit.model.incident import Revision


@dataclass(frozen=True)
class Banner:
    """One link to another revision, with what it says (a correction's note) if anything."""

    text: str
    link: str
    note: str = ""


@dataclass(frozen=True)
class CorrectionBanners:
    """What a statement page says of corrections: who corrected this revision, and what this one corrects."""

    corrected_by: list[Banner]
    corrects: Banner | None


def correction_banners(
    item: ComposedIncident, revisions: list[Revision], revision: Revision, language: str, permalink: bool
) -> CorrectionBanners:
    """The banners of ``revision``'s page in ``language``, among ``revisions`` (those the page's audience sees);
    links relative to the page (a permalink sits beside the others in revisions/)."""
    t = labels(language)
    folder = "" if permalink else "revisions/"
    shown = {r.number for r in revisions}
    corrected_by = [
        Banner(
            t["corrected_by"].format(n=r.number),
            f"{folder}{r.number}.md",
            item.texts[r.number][language].correction or "",
        )
        for r in revisions
        if r.corrects == revision.number and r.number != revision.number
    ]
    corrects = None
    if revision.corrects is not None and revision.corrects in shown:
        corrects = Banner(t["corrects"].format(n=revision.corrects), f"{folder}{revision.corrects}.md")
    return CorrectionBanners(corrected_by, corrects)
