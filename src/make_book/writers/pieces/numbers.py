"""The numbers a unit prints of the others, from the page counts of the units before it:
its first folio and the page labels of the places it links to.

A unit's numbers are `certain` when every count they rest on is known: from a layout of
this build, or of the last build for a unit of that key (a guess the next step corrects if
the unit's count has changed since); otherwise the unit is laid out without being drawn,
for its page count.
"""

from __future__ import annotations

from dataclasses import dataclass

from make_book.assets.lettering import roman
from make_book.writers.pieces.units import Unit


@dataclass
class Known:
    """What is known of a unit's layout: its page count and where its anchors are."""

    count: int
    anchors: dict[str, int]  # id → page of the unit (the ids other units link to)
    certain: bool


@dataclass(frozen=True)
class Numbers:
    """A unit's first folio (None: the stylesheet's own) and its targets' labels."""

    folio: int | None
    labels: tuple[tuple[str, str], ...]
    certain: bool


def starts(known: list[Known | None]) -> list[int | None]:
    """Each unit's first page in the book (None once a count before it is unknown): a unit
    of odd length is followed by a blank verso."""
    found: list[int | None] = []
    at: int | None = 0
    for item in known:
        found.append(at)
        at = None if at is None or item is None else at + item.count + item.count % 2
    return found


def body_index(units: list[Unit], known: list[Known | None], begin: list[int | None],
               start: str | None) -> int | None:
    """The page where the arabic folios begin (the unit holding `start`)."""
    for unit, item, first in zip(units, known, begin, strict=True):
        if start is not None and start in unit.ids:
            if first is None or item is None:
                return None
            return first + item.anchors.get(start, 0)
    return 0


def label(page: int, body: int) -> str:
    """A page's folio as printed: roman before the body, arabic from 1 there."""
    return roman(page + 1).lower() if page < body else str(page - body + 1)


def numbers(units: list[Unit], known: list[Known | None], start: str | None) -> list[Numbers]:
    """Every unit's numbers from what is known; a guess (count 1, label "00") stands for
    what is not, and makes the numbers uncertain."""
    begin = starts(known)
    body = body_index(units, known, begin, start)
    owner = {name: k for k, unit in enumerate(units) for name in unit.ids}
    first_body = next((k for k, unit in enumerate(units)
                       if start is not None and start in unit.ids), len(units))
    made = []
    for k, unit in enumerate(units):
        sure = all(item is not None and item.certain for item in known[:k])
        folio = None
        if k > first_body:  # the body's first unit resets the counter itself (pdf.FOLIOS)
            folio = begin[k] - body + 1 if body is not None and begin[k] is not None else 0
        labels = []
        for target in unit.targets:
            j = owner.get(target)
            if j is None:
                continue
            item, first = known[j], begin[j]
            if item is None or first is None or body is None:
                labels.append((target, "00"))
                sure = False
                continue
            if target not in item.anchors:  # on no page (not shown): nothing to print
                continue
            sure = sure and all(x is not None and x.certain for x in known[:j + 1])
            labels.append((target, label(first + item.anchors[target], body)))
        made.append(Numbers(folio, tuple(labels), sure and body is not None))
    return made
