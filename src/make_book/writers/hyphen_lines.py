"""The hyphenated lines of a laid-out PDF, and those a book should not have.

WeasyPrint's page boxes are walked line by line (LineBox, and the TextBoxes in it). A line
is hyphenated when its last text ends with the hyphenate character (`hyphens: auto`, or a
soft hyphen: WeasyPrint adds the character to the text box) or with a hard hyphen after a
letter (« make- / book »). Each line is named by its paragraph's `data-p` (see
writers/hyphenation.py). The defects, as a typesetter counts them:

- `last`: a paragraph's last word broken, its stub alone on the last line;
- `run`: a third hyphenated line in a row (two are allowed);
- `recto`: a hyphen at the foot of a recto, the word finished overleaf;
- `verso`: a hyphen at the foot of a verso, finished on the facing page: tolerated, fixed
  only when the pages are laid out again anyway.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from weasyprint import Document
from weasyprint.formatting_structure import boxes

from make_book.writers.hyphenation import JOINER, WORD_CHARS, Kept, word_pattern

CODE_TAGS = frozenset({"code", "kbd", "pre", "samp"})
REQUIRED = ("last", "run", "recto")  # the kinds a layout is redone for
WORDS = {"last": "a paragraph's last word", "run": "three hyphenated lines in a row",
         "recto": "the foot of a recto", "verso": "the foot of a verso"}


@dataclass(frozen=True)
class Line:
    """One laid-out line: its page (index in the document), its paragraph's `data-p` (None
    outside a numbered paragraph), its text, how it ends (`auto`, `hard` or `` for no
    hyphen), and whether it is the lowest line of its page's text (not a footnote)."""

    page: int
    block: str | None
    text: str
    hyphen: str
    foot: bool = False


@dataclass(frozen=True)
class Defect:
    """A hyphenated line the book should not have, and the word it breaks."""

    kind: str
    line: Line
    word: str
    occurrence: int  # of word in its paragraph, from 0

    @property
    def kept(self) -> Kept | None:
        """The word to keep whole to remove it; None when its paragraph is not numbered."""
        return None if self.line.block is None else Kept(self.line.block, self.word,
                                                          self.occurrence)


# A line of a page's text: its position, what it says, its box.
Placed = tuple[float, "Line", boxes.LineBox]


def page_lines(document: Document) -> list[Line]:
    """Every line of the document's pages, in order, footnotes after their page's text;
    running heads and folios left out."""
    lines: list[Line] = []
    for number, page in enumerate(document.pages):
        box = page._page_box  # noqa: SLF001 - what WeasyPrint knows of a page
        text, notes = _page_lines(number, box)
        if text:  # the lowest line of the text is the page's foot
            lowest = _lowest(text)
            y, line, line_box = text[lowest]
            text[lowest] = (y, replace(line, foot=True), line_box)
        lines += [line for _, line, _ in text] + notes
    return lines


def foot_line(page_box: boxes.PageBox) -> tuple[boxes.LineBox, Line] | None:
    """The lowest line of a page's text (not a footnote), the one `page_lines` calls the
    foot; None for a page without text."""
    text, _ = _page_lines(0, page_box)
    if not text:
        return None
    _, line, line_box = text[_lowest(text)]
    return line_box, line


def _page_lines(number: int, box: boxes.PageBox) -> tuple[list[Placed], list[Line]]:
    """The lines of a page's text, each as (position, line, line box), and of its
    footnotes."""
    text: list[Placed] = []
    notes: list[Line] = []
    for line_box, in_note in _line_boxes(box, False):
        line = line_of(number, line_box)
        if line is None:
            continue
        if in_note:
            notes.append(line)
        else:
            text.append((line_box.position_y, line, line_box))
    return text, notes


def _lowest(text: list[Placed]) -> int:
    return max(range(len(text)), key=lambda i: (text[i][0], i))


def _line_boxes(box: boxes.Box, in_note: bool) -> Iterator[tuple[boxes.LineBox, bool]]:
    if isinstance(box, boxes.MarginBox):
        return
    if isinstance(box, boxes.LineBox):
        yield box, in_note
        return
    in_note = in_note or isinstance(box, boxes.FootnoteAreaBox)
    for child in getattr(box, "children", ()):
        yield from _line_boxes(child, in_note)


def line_of(page: int, line_box: boxes.LineBox) -> Line | None:
    """The line of a LineBox; None for one without text (an image alone)."""
    texts = list(_texts(line_box, ""))
    if not texts:
        return None
    element = line_box.element
    block = element.get("data-p") if element is not None else None
    shown = "".join(t.text for t, kind in texts if kind != "generated").replace(JOINER, "")
    last = next(((t, kind) for t, kind in reversed(texts)
                 if kind != "generated" and t.text.strip()), None)
    hyphen = ""
    # An URL or code broken where it may be: no word is hyphenated.
    if last is not None and last[1] != "code":
        end = last[0].text.rstrip()
        character = last[0].style["hyphenate_character"]
        if character and end.endswith(character) and end != character:
            hyphen = "auto"
            shown = shown.rstrip()[:-len(character)]
        elif re.search(r"\w-$", end):
            hyphen = "hard"
    return Line(page, block, shown, hyphen)


def _texts(box: boxes.Box, kind: str) -> Iterator[tuple[boxes.TextBox, str]]:
    """The text boxes under box, each with its kind: `generated` content (::before, a
    footnote call: not the paragraph's text), `code` (code, or an URL that breaks anywhere),
    else ``."""
    tag = getattr(box, "element_tag", "") or ""
    element = getattr(box, "element", None)
    if kind != "generated":
        if "::" in tag:
            kind = "generated"
        elif tag in CODE_TAGS or (tag == "a" and element is not None
                                  and "url" in (element.get("class") or "").split()):
            kind = "code"
    if isinstance(box, boxes.TextBox):
        yield box, kind
    for child in getattr(box, "children", ()):
        yield from _texts(child, kind)


def defects(lines: list[Line], sides: list[str]) -> list[Defect]:
    """The hyphenated lines a book should not have, given each page's side (`right` for a
    recto): a paragraph's last word broken, a third hyphenated line in a row, a hyphen at
    the foot of a recto (`verso` for one at the foot of a verso, tolerated)."""
    by_block: dict[str | None, list[int]] = {}
    for index, line in enumerate(lines):
        by_block.setdefault(line.block, []).append(index)
    # The line before and after each in its paragraph: a page turn or a footnote between
    # them does not break a run. Lines outside numbered paragraphs follow none.
    before: dict[int, int | None] = {}
    after: dict[int, int | None] = {}
    for block, indexes in by_block.items():
        for here, there in zip(indexes, [*indexes[1:], None], strict=True):
            after[here] = there if block is not None else None
            if there is not None and block is not None:
                before[there] = here
    found: list[Defect] = []
    run: dict[int, int] = {}
    for index, line in enumerate(lines):
        if not line.hyphen:
            continue
        previous = before.get(index)
        run[index] = run.get(previous, 0) + 1 if previous is not None else 1
        following = after.get(index)
        kinds = []
        if following is not None and after.get(following) is None \
                and not re.search(r"\s", lines[following].text.strip()):
            kinds.append("last")
        if run[index] % 3 == 0:  # the third of three, the sixth of six: two are allowed
            kinds.append("run")
        if line.foot:
            kinds.append("recto" if sides[line.page] == "right" else "verso")
        if kinds:
            word, occurrence = broken_word(lines, index, following,
                                           by_block.get(line.block, []))
            found += [Defect(kind, line, word, occurrence) for kind in kinds]
    return found


def broken_word(lines: list[Line], index: int, following: int | None,
                block_lines: list[int]) -> tuple[str, int]:
    """The word line `index` breaks, and how many times it comes before in its paragraph."""
    line = lines[index]
    if line.block is None:
        block_lines = [index] + ([following] if following is not None else [])
    # The paragraph's text as it reads, and where line `index` ends in it.
    read = _joined(lines[i] for i in block_lines)
    end = len(_joined(lines[i] for i in block_lines if i <= index))
    start = end - len(re.search(rf"[{WORD_CHARS}]*$", read[:end]).group())
    stop = end + len(re.match(rf"[{WORD_CHARS}]*", read[end:]).group())
    word = read[start:stop].strip("-’'")
    return word, len(word_pattern(word).findall(read[:start])) if line.block else 0


def _joined(lines: Iterator[Line]) -> str:
    """The text of consecutive lines of a paragraph, as it reads: words broken at a hyphen
    joined again."""
    out = ""
    for line in lines:
        out += line.text.rstrip() + ("" if line.hyphen else " ")
    return out


def page_sides(document: Document) -> list[str]:
    """Each page's side: `right` for a recto, `left` for a verso."""
    return [page._page_box.page_type.side for page in document.pages]  # noqa: SLF001
