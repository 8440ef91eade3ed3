"""Hyphenation defects mended while WeasyPrint lays the pages out, so that a layout is not
redone to mend them.

writers/hyphen_lines.py names the defects of a laid-out document; keeping the word whole
(writers/hyphenation.py) and laying the document out again mends them, at the cost of a
second layout (and a third when mending one defect makes another). Two of them can be
mended as the lines are made, for the same result:

- `run`, a third hyphenated line in a row: the line after two hyphenated lines of a
  paragraph is made with no automatic hyphenation (`hyphens: manual`, as a kept word);
- `recto`, a hyphen at the foot of a recto: the page is made again with no automatic
  hyphenation on its foot line, which then ends before the word, as when the word is kept.

Only the lines of numbered paragraphs (`data-p`) are mended, as the check asks. Whatever is
left (a hard hyphen, a page that still ends broken) is found by the check afterwards and
mended by keeping words whole, as before. A line is named by its paragraph and where it
starts in it (WeasyPrint's skip stack), which is the same each time the line is made.

`mended()` installs the three wrappers for the time of one layout.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from weasyprint.layout import inline
from weasyprint.layout import page as paging

from make_book.writers.hyphen_lines import foot_line, line_of

# Attribute a line box carries: the name of the line (see the module's docstring).
START = "_make_book_line"
# A page made again at most this often for its foot (each time, one more line unhyphenated).
FOOT_TRIES = 3

LineName = tuple[str, Any]


@dataclass
class _Mending:
    """What one layout knows of its lines: how many hyphenated lines of its paragraph end
    just before a line starting there, the lines to make unhyphenated, and whether the line
    being made is one of those."""

    trailing: dict[LineName, int] = field(default_factory=dict)
    unhyphenated: set[LineName] = field(default_factory=set)
    plain: bool = False
    pages_remade: int = 0


_ACTIVE: _Mending | None = None
_ORIGINAL = {"get_next_linebox": inline.get_next_linebox,
             "split_first_line": inline.split_first_line,
             "remake_page": paging.remake_page}


def _frozen(stack: Any) -> Any:
    """A skip stack (nested dicts of indexes, or None) as a value a dict can be keyed by."""
    if isinstance(stack, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in stack.items()))
    return stack


def _next_linebox(context: Any, linebox: Any, position_y: Any, bottom_space: Any,
                  skip_stack: Any, *rest: Any) -> Any:
    """WeasyPrint's get_next_linebox, the line made unhyphenated where the mending asks."""
    state = _ACTIVE
    element = linebox.element
    block = element.get("data-p") if state is not None and element is not None else None
    if block is None:
        return _ORIGINAL["get_next_linebox"](context, linebox, position_y, bottom_space,
                                             skip_stack, *rest)
    name = (block, _frozen(skip_stack))
    trailing = state.trailing.get(name, 0)
    outer, state.plain = state.plain, trailing % 3 == 2 or name in state.unhyphenated
    try:
        line, resume_at = _ORIGINAL["get_next_linebox"](
            context, linebox, position_y, bottom_space, skip_stack, *rest)
    finally:
        state.plain = outer
    if line is not None:
        setattr(line, START, name)
        made = line_of(0, line)
        if resume_at is not None:  # a line without text (an image alone) breaks no run
            after = trailing if made is None else trailing + 1 if made.hyphen else 0
            state.trailing[(block, _frozen(resume_at))] = after
    return line, resume_at


def _split_first_line(text: str, style: Any, *args: Any, **kwargs: Any) -> Any:
    """WeasyPrint's split_first_line, with `hyphens: manual` on a line made unhyphenated."""
    state = _ACTIVE
    if state is None or not state.plain or style["hyphens"] != "auto":
        return _ORIGINAL["split_first_line"](text, style, *args, **kwargs)
    # The computed style is shared by the element's boxes: changed for this call alone.
    dict.__setitem__(style, "hyphens", "manual")
    try:
        return _ORIGINAL["split_first_line"](text, style, *args, **kwargs)
    finally:
        dict.__setitem__(style, "hyphens", "auto")


def _remake_page(index: int, context: Any, root_box: Any, html: Any) -> Any:
    """WeasyPrint's remake_page, made again while a recto ends on a hyphenated line of a
    numbered paragraph, that line unhyphenated."""
    state = _ACTIVE
    if state is None:
        return _ORIGINAL["remake_page"](index, context, root_box, html)
    before = _Before(context, state)
    made, resume_at = _ORIGINAL["remake_page"](index, context, root_box, html)
    for _ in range(FOOT_TRIES):
        if made.page_type.side != "right" or made.page_type.blank:
            break
        foot = foot_line(made)
        name = getattr(foot[0], START, None) if foot is not None else None
        if foot is None or name is None or not foot[1].hyphen or name in state.unhyphenated:
            break
        before.restore(context, state)
        state.unhyphenated.add(name)
        state.pages_remade += 1
        made, resume_at = _ORIGINAL["remake_page"](index, context, root_box, html)
    return made, resume_at


class _Before:
    """What making a page changes in WeasyPrint's layout context (and in the mending), as it
    was before: put back to make the page again."""

    def __init__(self, context: Any, state: _Mending) -> None:
        self.footnotes = list(context.footnotes)
        self.reported = list(context.reported_footnotes)
        self.broken = dict(context.broken_out_of_flow)
        self.notes = len(context.rendered_notes)
        self.trailing = dict(state.trailing)

    def restore(self, context: Any, state: _Mending) -> None:
        context.footnotes[:] = self.footnotes
        context.reported_footnotes = list(self.reported)
        context.broken_out_of_flow = dict(self.broken)
        del context.rendered_notes[self.notes:]
        state.trailing = dict(self.trailing)


@contextmanager
def mended() -> Iterator[_Mending]:
    """Lay out within: runs of hyphenated lines and hyphens at the foot of a recto mended as
    the pages are made (see the module's docstring). Not reentrant."""
    global _ACTIVE
    state = _Mending()
    _ACTIVE = state
    inline.get_next_linebox = _next_linebox
    inline.split_first_line = _split_first_line
    paging.remake_page = _remake_page
    try:
        yield state
    finally:
        inline.get_next_linebox = _ORIGINAL["get_next_linebox"]
        inline.split_first_line = _ORIGINAL["split_first_line"]
        paging.remake_page = _ORIGINAL["remake_page"]
        _ACTIVE = None
