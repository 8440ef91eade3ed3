"""The units' structure trees merged into the assembled PDF (writers/pieces/structure.py):
tagged PDFs that WeasyPrint really writes, pages appended with pikepdf as assemble.py does,
the result read back by pikepdf and by poppler's `pdfinfo -struct-text`."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from io import BytesIO
from pathlib import Path

import pikepdf
import pytest
import weasyprint
from pikepdf import Dictionary, Name

from make_book.writers.pieces.structure import StructPart, merge_structure

# A 1×1 PNG, for a figure with alternative text.
PIXEL = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8"
         "DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")
NAMES = ("Alpha", "Beta", "Gamma")


def _unit(name: str) -> bytes:
    """A two-page tagged PDF as the screen PDF's units are written: a heading, a paragraph
    with a link, a figure, a list, and on its second page a second heading."""
    html = f"""<html lang="en"><head><title>{name}</title>
<style>@page {{ size: A5 }}</style></head><body>
<h1>{name} heading</h1>
<p>{name} opens with a <a href="https://example.org/{name}">{name} link</a>.</p>
<img src="{PIXEL}" alt="{name} picture" style="width: 2cm">
<ul><li>{name} first item</li><li>{name} second item</li></ul>
<h2 style="break-before: page">{name} second page</h2><p>{name} closes.</p>
</body></html>"""
    return weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)


@pytest.fixture(scope="module")
def units() -> list[bytes]:
    return [_unit(name) for name in NAMES]


def _assemble(units: list[bytes], merge: bool, twice: bool = False,
              sources: list[pikepdf.Pdf] | None = None) -> tuple[pikepdf.Pdf, int]:
    """Alpha's two pages, a blank filler page from an untagged PDF, Beta's two pages and
    Gamma's first page alone, merged or not; with `twice`, the structure is given from a
    second opening of each unit (qpdf then copies its pages anew: found by place). The
    target and the index of the filler page."""
    sources = sources or [pikepdf.open(BytesIO(data)) for data in units]
    filler = pikepdf.open(BytesIO(weasyprint.HTML(string="<p></p>").write_pdf()))
    target = pikepdf.Pdf.new()
    target.pages.extend(sources[0].pages)
    blank = len(target.pages)
    target.pages.append(filler.pages[0])
    firsts = [0, len(target.pages)]
    target.pages.extend(sources[1].pages)
    firsts.append(len(target.pages))
    target.pages.append(sources[2].pages[0])
    given = [pikepdf.open(BytesIO(data)) for data in units] if twice else sources
    if merge:
        merge_structure(target, [StructPart(given[0], firsts[0]),
                                 StructPart(given[1], firsts[1]),
                                 StructPart(given[2], firsts[2], [0])])
    else:  # a naive join: the first unit's structure tree as it is
        target.Root.StructTreeRoot = target.copy_foreign(sources[0].Root.StructTreeRoot)
    return target, blank


def _saved(pdf: pikepdf.Pdf, path: Path) -> pikepdf.Pdf:
    pdf.save(path)
    return pikepdf.open(path)


def _marked(page: pikepdf.Page) -> list[int]:
    """The MCIDs of the marked content in the page's content stream."""
    found = []
    for operands, operator in pikepdf.parse_content_stream(page):
        if str(operator) == "BDC" and isinstance(operands[1], pikepdf.Dictionary) \
                and "/MCID" in operands[1]:
            found.append(int(operands[1].MCID))
    return found


def _referenced(pdf: pikepdf.Pdf) -> tuple[Counter[tuple[tuple[int, int], int]], list[str]]:
    """Every (page, MCID) the structure tree refers to, with how often, and the problems
    of its elements' /P."""
    refs: Counter[tuple[tuple[int, int], int]] = Counter()
    problems: list[str] = []

    def walk(node: pikepdf.Object, page: pikepdf.Object | None) -> None:
        page = node.get("/Pg", page)
        kids = node.get("/K", [])
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, int):
                refs[page.objgen, kid] += 1
            elif kid.get("/Type") == "/MCR":
                refs[kid.get("/Pg", page).objgen, int(kid.MCID)] += 1
            elif kid.get("/Type") != "/OBJR":
                if kid.P.objgen != node.objgen:
                    problems.append(f"{kid.S} {kid.objgen}: /P is not its parent")
                walk(kid, page)

    walk(pdf.Root.StructTreeRoot, None)
    return refs, problems


def _problems(pdf: pikepdf.Pdf) -> list[str]:
    """What is wrong with the tagging of `pdf`: page numbers in the parent tree that resolve
    to other pages' elements, marked content the tree does not refer to once (or refers to
    twice), annotations whose number does not lead to the /Link that refers to them."""
    problems: list[str] = []
    # (NumberTree.get raises IndexError for a missing key: a dict of it instead.)
    tree = dict(pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree).items())
    refs, parents = _referenced(pdf)
    problems += parents
    for index, page in enumerate(pdf.pages):
        mcids = _marked(page)
        if "/StructParents" in page.obj:
            entry = tree.get(int(page.StructParents))
            if not isinstance(entry, pikepdf.Array):
                problems.append(f"page {index}: /StructParents {page.StructParents} unknown")
                entry = pikepdf.Array()
            for mcid in mcids:
                element = entry[mcid] if mcid < len(entry) else None
                if not isinstance(element, pikepdf.Dictionary) \
                        or element.Pg.objgen != page.objgen:
                    problems.append(f"page {index}: MCID {mcid} resolves to another page")
        elif mcids:
            problems.append(f"page {index}: marked content and no /StructParents")
        for mcid in mcids:
            if refs[page.objgen, mcid] != 1:
                problems.append(f"page {index}: MCID {mcid} in the tree "
                                f"{refs[page.objgen, mcid]} times")
        for annot in page.obj.get("/Annots", []):
            number = annot.get("/StructParent")
            link = None if number is None else tree.get(int(number))
            objrs = [] if link is None else [
                kid for kid in link.K if isinstance(kid, pikepdf.Dictionary)
                and kid.get("/Type") == "/OBJR"]
            if link is None or link.S != "/Link" \
                    or [objr.Obj.objgen for objr in objrs] != [annot.objgen]:
                problems.append(f"page {index}: annotation not resolved to its /Link")
    return problems


def _struct_text(path: Path) -> str:
    if shutil.which("pdfinfo") is None:
        pytest.fail("pdfinfo is missing: `apt-get install -y poppler-utils`", pytrace=False)
    return subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True,
                          text=True, check=True).stdout


def _check(path: Path) -> list[str]:
    """qpdf's check of the file: the qpdf command's, else pikepdf's (the same library)."""
    if shutil.which("qpdf") is not None:
        run = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        return [] if run.returncode == 0 else [run.stdout + run.stderr]
    with pikepdf.open(path) as pdf:
        return [str(problem) for problem in pdf.check_pdf_syntax()]


def test_merged_structure_is_one_tagged_document(units: list[bytes], tmp_path: Path) -> None:
    """Three units merged, the last in part, a filler page between: one document, every
    number and MCID resolved on its own page, the units' text in order."""
    target, blank = _assemble(units, merge=True)
    path = tmp_path / "merged.pdf"
    pdf = _saved(target, path)
    root = pdf.Root.StructTreeRoot
    assert len(pdf.pages) == 6
    assert [kid.S for kid in root.K] == ["/Document"], "one /Document at the top"
    assert _problems(pdf) == []
    assert _check(path) == []
    # Every page but the filler has marked content, each one number in the parent tree.
    numbers = [int(page.StructParents) for page in pdf.pages if "/StructParents" in page.obj]
    assert "/StructParents" not in pdf.pages[blank].obj and not _marked(pdf.pages[blank])
    annots = [int(a.StructParent) for page in pdf.pages for a in page.obj.get("/Annots", [])]
    assert len(numbers) == 5 and len(annots) == 3
    keys = [key for key, _ in pikepdf.NumberTree(root.ParentTree).items()]
    # As WeasyPrint numbers them: page n is number n (the blank page's left unused), the
    # annotations after the last page.
    assert numbers == [n for n in range(len(pdf.pages)) if n != blank]
    assert annots == list(range(len(pdf.pages), len(pdf.pages) + 3))
    assert sorted(numbers + annots) == keys
    assert root.ParentTreeNextKey == len(pdf.pages) + 3
    assert pdf.Root.MarkInfo.Marked is True and str(pdf.Root.Lang) == "en"
    # Gamma's second page is left out, and with it its elements: no page object of it left
    # in the file, no element pointing at it.
    pages = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary)
             and obj.get("/Type") == "/Page"]
    assert len(pages) == 6
    text = _struct_text(path)
    assert "Gamma second page" not in text and "Beta second page" in text
    # One document read in order (its headings), every unit's figure with its text.
    lines = [line.strip().strip('"') for line in text.splitlines()]
    assert lines.count("Document") == 1
    order = ["Alpha heading", "Alpha second page", "Beta heading", "Beta second page",
             "Gamma heading"]
    assert [lines.index(line) for line in order] == sorted(lines.index(line) for line in order)
    alts = [str(obj.Alt) for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary)
            and obj.get("/S") == "/Figure"]
    assert sorted(alts) == [f"{name} picture" for name in NAMES]


def test_pages_copied_anew_are_found_by_place(units: list[bytes], tmp_path: Path) -> None:
    """The structure given from another opening of each unit than its pages came from:
    nothing of it is the same object for qpdf, and the merge still points at the pages."""
    target, _ = _assemble(units, merge=True, twice=True)
    path = tmp_path / "twice.pdf"
    pdf = _saved(target, path)
    assert _problems(pdf) == []
    assert _check(path) == []
    pages = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary)
             and obj.get("/Type") == "/Page"]
    assert len(pages) == 6
    assert "Beta heading" in _struct_text(path)


def test_a_naive_join_fails_these_checks(units: list[bytes], tmp_path: Path) -> None:
    """Without the merge, the checks above fail: the second unit is missing from the
    structure and its pages' numbers resolve to the first unit's elements."""
    target, _ = _assemble(units, merge=False)
    path = tmp_path / "naive.pdf"
    pdf = _saved(target, path)
    text = _struct_text(path)
    assert "Alpha heading" in text and "Beta heading" not in text
    problems = _problems(pdf)
    assert any("resolves to another page" in problem for problem in problems)
    assert any("in the tree 0 times" in problem for problem in problems)


def _name(pdf: pikepdf.Pdf, element: pikepdf.Object, name: str,
          maps: dict[str, pikepdf.Object]) -> None:
    """Give a unit's struct element the ID `name` (in its ID tree) and the tree `maps`."""
    tree = pdf.Root.StructTreeRoot
    element.ID = pikepdf.String(name)
    if "/IDTree" not in tree:
        tree.IDTree = pikepdf.NameTree.new(pdf).obj
    pikepdf.NameTree(tree.IDTree)[name] = element
    for key, value in maps.items():
        tree[key] = value


def test_role_and_class_maps_and_ids_merged(units: list[bytes], tmp_path: Path) -> None:
    """WeasyPrint writes no /RoleMap, /ClassMap nor /IDTree: given to the units here, they
    are merged, the first unit's entry kept on a clash, the IDs of elements left out (on
    Gamma's second page) dropped."""
    sources = [pikepdf.open(BytesIO(data)) for data in units]
    (alpha, beta, gamma) = (source.Root.StructTreeRoot.K[0].K for source in sources)
    _name(sources[0], alpha[0], "alpha-heading",
          {"/RoleMap": Dictionary(Chapter=Name.Sect)})
    _name(sources[1], beta[0], "beta-heading",
          {"/RoleMap": Dictionary(Chapter=Name.Div, Aside=Name.Note),
           "/ClassMap": Dictionary(Wide=Dictionary(O=Name.Layout, Width=400))})
    _name(sources[2], gamma[0], "gamma-heading", {})
    _name(sources[2], gamma[-2], "gamma-second-page", {})  # an H2 on a page left out
    assert gamma[-2].S == "/H2"
    target, _ = _assemble(units, merge=True, sources=sources)
    path = tmp_path / "named.pdf"
    pdf = _saved(target, path)
    root = pdf.Root.StructTreeRoot
    assert _problems(pdf) == [] and _check(path) == []
    assert dict(root.RoleMap.items()) == {"/Chapter": Name.Sect, "/Aside": Name.Note}
    assert root.ClassMap.Wide.Width == 400
    ids = dict(pikepdf.NameTree(root.IDTree).items())
    assert sorted(ids) == ["alpha-heading", "beta-heading", "gamma-heading"]
    document = root.K[0]
    for name, element in ids.items():
        assert element.S == "/H1" and str(element.ID) == name
        assert element.P.objgen == document.objgen  # in the tree, not a left-behind copy
