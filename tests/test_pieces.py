"""The PDF laid out in pieces (writers/pieces): the same book as one document would give,
and a rebuild that lays out again only the units whose HTML or printed numbers changed.

The rest of the PDF tests run on pieces too (the default `[pdf] layout`); these compare
pieces with the single document and follow the units a rebuild lays out.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from conftest import FIXTURES, copy_project
from pypdf import PdfReader

from make_book.build.pipeline import build
from make_book.core.editions import Edition, editions
from make_book.writers.pieces.history import laid_out

OMNIBUS = "essais-en-trois-parties.pdf"
CHAPTER_1 = "manuscript/01-debut/01-premier.md"
CHAPTER_2 = "manuscript/02-suite/01-second.md"


def _project(where: Path, layout: str = "pieces") -> Path:
    root = copy_project(FIXTURES / "parts", where)
    toml = root / "manuscript" / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + f'\n[pdf]\nlayout = "{layout}"\n',
                    encoding="utf-8")
    return root


def _omnibus(root: Path) -> Edition | None:
    """Build the omnibus' PDFs; the edition (None when nothing was to be built)."""
    result = build(root, root / "dist", ("pdf",), "omnibus")
    if result.book is None:
        return None
    return next(e for e in editions(result.book) if e.key == "omnibus")


def _facts(path: Path) -> dict[str, object]:
    """What a reader and a printer see of a PDF, to compare two layouts of one book."""
    reader = PdfReader(path)
    with pikepdf.open(path) as pdf:
        programs = {d.FontDescriptor[k].objgen for page in pdf.pages
                    for font in page.Resources.get("/Font", {}).values()
                    for d in font.get("/DescendantFonts", [])
                    for k in ("/FontFile2", "/FontFile3") if k in d.FontDescriptor}
        boxes = [(tuple(page.mediabox), tuple(page.obj.get("/TrimBox", page.mediabox)))
                 for page in pdf.pages]
        links = sorted((n, str(a.get("/Dest", a.get("/A", {}).get("/URI", ""))))
                       for n, page in enumerate(pdf.pages) for a in page.obj.get("/Annots", [])
                       if a.get("/Subtype") == "/Link")
        standard = (len(pdf.Root.get("/OutputIntents", [])), "/StructTreeRoot" in pdf.Root,
                    str(pdf.Root.get("/Lang", "")))
    outline: list[tuple[int, str, int]] = []

    def walk(items: list[object], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                outline.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return {"pages": len(reader.pages),
            "text": [page.extract_text() for page in reader.pages],
            "labels": list(reader.page_labels), "boxes": boxes, "links": links,
            "outline": outline, "fonts": len(programs), "standard": standard,
            "size": path.stat().st_size}


@pytest.mark.slow
def test_pieces_give_the_book_a_single_document_gives(tmp_path: Path) -> None:
    """Page for page the same text, labels, boxes, outline and links, one embedded copy of
    each font and the same standard, within 5 % of the size."""
    whole = _project(tmp_path / "whole", "whole")
    pieces = _project(tmp_path / "pieces")
    for root in (whole, pieces):
        build(root, root / "dist", ("pdf",), "omnibus")
    for name in (OMNIBUS, OMNIBUS.replace(".pdf", "-screen.pdf")):
        one, other = _facts(whole / "dist" / name), _facts(pieces / "dist" / name)
        for key in ("pages", "text", "labels", "boxes", "links", "outline", "fonts",
                    "standard"):
            assert other[key] == one[key], (name, key)
        assert one["links"] or "screen" not in name  # the screen PDF has links to compare
        assert abs(other["size"] - one["size"]) <= 0.05 * one["size"], name  # type: ignore[operator]


@pytest.mark.slow
def test_an_edit_lays_out_that_chapter_and_the_units_whose_numbers_changed(
        tmp_path: Path, own_cache: None) -> None:
    root = _project(tmp_path / "book")
    edition = _omnibus(root)
    assert edition is not None
    cold = laid_out(root, edition)
    # A build from nothing lays each unit out once, as soon as the counts its numbers rest
    # on are reported, except the one that refers forward (c1-1 gives the page of a section
    # of c2-1): laid out for its count first, that c2-1 may be numbered, then with the page.
    assert sorted(cold) == sorted(["unit-0", "toc", "p1", "c1-1", "c1-1", "p2", "c2-1",
                                   "series"])
    assert cold.index("c2-1") < len(cold) - 1 - cold[::-1].index("c1-1")

    # Nothing changed: the outputs carried over, the PDF job not even run.
    assert _omnibus(root) is None and laid_out(root, edition) == cold

    second = root / CHAPTER_2
    text = second.read_text(encoding="utf-8")
    assert "Trois appels" in text  # a word of its text, not of a title the contents show
    second.write_text(text.replace("Trois appels", "Trois renvois", 1), encoding="utf-8")
    _omnibus(root)
    assert laid_out(root, edition) == ["c2-1"]  # one word: its chapter alone

    first = root / CHAPTER_1
    more = "\n\n".join(["Un paragraphe de plus, assez long pour remplir des lignes et des "
                        "lignes de la page, et pousser le chapitre suivant plus loin."] * 40)
    first.write_text(first.read_text(encoding="utf-8") + "\n\n" + more + "\n",
                     encoding="utf-8")
    _omnibus(root)
    again = laid_out(root, edition)
    # The chapter, the contents (its page numbers) and what follows (its folios); not the
    # half-title nor the part page before it.
    assert {"c1-1", "toc", "p2", "c2-1"} <= set(again)
    assert "unit-0" not in again and "p1" not in again

    # What the rebuilds made is what a build from nothing makes.
    fresh = _project(tmp_path / "fresh")
    fresh_first, fresh_second = fresh / CHAPTER_1, fresh / CHAPTER_2
    fresh_first.write_bytes(first.read_bytes())
    fresh_second.write_bytes(second.read_bytes())
    _omnibus(fresh)
    for name in (OMNIBUS, OMNIBUS.replace(".pdf", "-screen.pdf")):
        assert (root / "dist" / name).read_bytes() == (fresh / "dist" / name).read_bytes(), name


@pytest.mark.slow
def test_one_worker_gives_the_bytes_of_two(tmp_path: Path, own_cache: None,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The units laid out in the PDF job's own process (`--jobs 1`) or in its workers."""
    made, laid = {}, {}
    for jobs in ("1", "2"):
        monkeypatch.setenv("MAKE_BOOK_JOBS", jobs)
        root = _project(tmp_path / f"jobs-{jobs}")
        edition = _omnibus(root)
        assert edition is not None
        made[jobs] = (root / "dist" / OMNIBUS).read_bytes()
        laid[jobs] = sorted(laid_out(root, edition))
    assert made["1"] == made["2"]
    assert laid["1"] == laid["2"]  # the same layouts, one at a time or side by side
