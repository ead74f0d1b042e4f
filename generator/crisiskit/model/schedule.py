"""When a kit-level item is offered: the one definition every stage asks.

Remedies, FAQ entries, Q&A entries and review replies are declared once for
the whole incident, but they start at some point of the crisis: a refund
offered in the third update must not appear in the holding statement's
e-mail, and adding it must not change (and so un-approve) what earlier
revisions said. An item may say from which revision (``from_revision``) or
time (``from``) it is offered, and until which (``until_revision``,
``until``). A time is compared with when a revision is published
(``publish_at``, else ``issued_at``).

An item without a start is offered from the incident's first revision and
one without an end for good: that is what every kit written before these
fields meant, so those kits compose to the same text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeVar

from crisiskit.errors import Problem
from crisiskit.model.origin import format_path
from crisiskit.model.schema.kit import IncidentKit, KitFields, Scheduled

if TYPE_CHECKING:
    from crisiskit.model.incident import Revision
    from crisiskit.model.load import SourceFile

SCHEDULED_LISTS = ("remedies", "faq", "internal_qa", "review_replies")
"""The kit-level lists whose items may start and end."""
Item = TypeVar("Item", bound=Scheduled)


def is_offered(item: Scheduled, revision: Revision) -> bool:
    """Whether ``revision`` offers ``item``: at or after its start, and not after its end."""
    number, moment = revision.number, revision.visible_from
    if item.from_revision is not None and number < item.from_revision:
        return False
    if item.until_revision is not None and number > item.until_revision:
        return False
    if item.from_ is not None and moment < item.from_:
        return False
    return item.until is None or moment < item.until


def offered(items: Sequence[Item], revision: Revision) -> list[Item]:
    """The items ``revision`` offers, in their written order."""
    return [item for item in items if is_offered(item, revision)]


def schedule_problems(file: SourceFile, model: KitFields) -> list[Problem]:
    """Starts and ends that cannot be meant: two starts or two ends, an end before its start, and (in an
    incident) a revision number the incident does not have (a start may name the next one, being prepared)."""
    problems: list[Problem] = []
    numbers = sorted(u.revision for u in model.updates) if isinstance(model, IncidentKit) else []

    def problem(path: tuple, message: str) -> None:
        problems.append(Problem(file.display, *file.positions.locate(path), format_path(path), message))

    for name in SCHEDULED_LISTS:
        for index, item in enumerate(getattr(model, name) or []):
            at = (name, index)
            if item.from_revision is not None and item.from_ is not None:
                problem(
                    (*at, "from"),
                    f"expected one start, from_revision or from; got both (from_revision: {item.from_revision})",
                )
            if item.until_revision is not None and item.until is not None:
                problem(
                    (*at, "until"),
                    f"expected one end, until_revision or until; got both (until_revision: {item.until_revision})",
                )
            for key in ("from_revision", "until_revision"):
                value = getattr(item, key)
                # an item may be prepared for the next revision before it is written; a number past that is a typo
                # that would hide the item from every revision
                allowed = [*numbers, numbers[-1] + 1] if numbers and key == "from_revision" else numbers
                if value is not None and numbers and value not in allowed:
                    upto = f"{numbers[0]} to {numbers[-1]}" + (
                        f", or the next, {allowed[-1]}" if allowed != numbers else ""
                    )
                    problem((*at, key), f"expected a revision of this incident ({upto}); got {value}")
            if item.from_revision is not None and (item.until_revision or item.from_revision) < item.from_revision:
                problem(
                    (*at, "until_revision"),
                    f"expected a revision at or after from_revision {item.from_revision}; got {item.until_revision}",
                )
            if item.from_ is not None and item.until is not None and item.until <= item.from_:
                problem(
                    (*at, "until"),
                    f"expected a time after from ({item.from_.isoformat()}); got {item.until.isoformat()}",
                )
    return problems
