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


def numbers(units: list[Unit], known: list[Known | None], start: str | None) -> list[Numbers]:
    """Every unit's numbers from what is known; a guess (count 1, label "00") stands for
    what is not, and makes the numbers uncertain. A unit's numbers rest on the counts they
    need alone: a folio of the body on the body's units before it (not the front matter's),
    a label on the units before its target."""
    begin = starts(known)
    owner = {name: k for k, unit in enumerate(units) for name in unit.ids}
    first_body = next((k for k, unit in enumerate(units)
                       if start is not None and start in unit.ids), len(units))
    made = []
    for k, unit in enumerate(units):
        sure = True
        folio = None
        if k > first_body:  # the body's first unit resets the counter itself (pdf.FOLIOS)
            offset = _in_body(known, first_body, k, start)
            sure = offset is not None and _certain(known[first_body:k])
            folio = offset + 1 if offset is not None else 0
        labels = []
        for target in unit.targets:
            j = owner.get(target)
            if j is None:
                continue
            item = known[j]
            if item is not None and target not in item.anchors:
                continue  # on no page (not shown): nothing to print
            found = None if item is None else _label(known, begin, first_body, j, target,
                                                     start)
            if found is None:
                labels.append((target, "00"))
                sure = False
                continue
            text, rests_on = found
            sure = sure and _certain(rests_on)
            labels.append((target, text))
        made.append(Numbers(folio, tuple(labels), sure))
    return made


def _certain(known: list[Known | None]) -> bool:
    return all(item is not None and item.certain for item in known)


def _in_body(known: list[Known | None], first_body: int, k: int,
             start: str | None) -> int | None:
    """How many pages of the body come before unit k's first (None: a count is unknown)."""
    counts = known[first_body:k]
    if any(item is None for item in counts):
        return None
    opening = known[first_body].anchors.get(start or "", 0)  # type: ignore[union-attr]
    return sum(item.count + item.count % 2 for item in counts) - opening  # type: ignore[union-attr]


def _label(known: list[Known | None], begin: list[int | None], first_body: int, j: int,
           target: str, start: str | None) -> tuple[str, list[Known | None]] | None:
    """The folio of the page holding `target` (in unit j) and the knowledge it rests on:
    roman before the body, arabic from 1 where it starts; None when it is not known."""
    item = known[j]
    assert item is not None
    if j >= first_body:
        offset = _in_body(known, first_body, j, start)
        if offset is None:
            return None
        if offset + item.anchors[target] >= 0:
            return str(offset + item.anchors[target] + 1), known[first_body:j + 1]
    first = begin[j]
    if first is None:
        return None
    return roman(first + item.anchors[target] + 1).lower(), known[:j + 1]
