"""The typesetter's passes in the built editions: each chapter's lead-in in small capitals
(small-cap glyphs in the PDF, never hyphenated; a span in the EPUB and on the web, after a
figure or an epigraph too), titles broken by sense in the print PDF (and whole in the TOC,
the running heads and the EPUB's navigation), incise dashes tied to their words where the
PDF broke its lines, French ordinals in superior letters, and `[typography] incise_dash`."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest
from conftest import FIXTURES, Built, build_copy, copy_project
from fontTools.agl import toUnicode
from fontTools.ttLib import TTFont
from lxml import etree, html

from make_book.build.pipeline import build

XHTML = "{http://www.w3.org/1999/xhtml}"
NBSP, NNBSP, WJ = "\u00a0", "\u202f", "\u2060"
SERIES_PDF = "intelligence-abondante.pdf"
SERIES_EPUB = "intelligence-abondante.epub"
SERIES_HTML = "03-05-la-couche-du-milieu-disparait.html"


@pytest.fixture(scope="module")
def typeset_book(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """A French book with a dedication, an epigraph, a preface, chapters opening on a figure,
    on an epigraph, on a heading, a long title with a colon, asides and ordinals."""
    return build_copy(FIXTURES / "typeset", tmp_path_factory.mktemp("typeset"))


def plain(text: str) -> str:
    """Text with its no-break spaces and word joiners read as the spaces they print as."""
    return re.sub(r"[ \u00a0\u202f]+", " ", text.replace(WJ, ""))


def pdf_pages(path: Path) -> list[str]:
    """The laid-out text of each page (pdftotext -layout)."""
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    return out.split("\f")


def pdf_lines(path: Path) -> list[str]:
    return [plain(line).strip() for page in pdf_pages(path) for line in page.splitlines()
            if line.strip()]


def glyph_names(pdf: pikepdf.Pdf, index: int) -> list[str]:
    """The names of the glyphs a page shows, in the order its content stream draws them
    (WeasyPrint embeds each font whole enough to keep its glyph names)."""
    page = pdf.pages[index]
    orders: dict[str, list[str]] = {}
    for name, font in page.Resources.get("/Font", {}).items():
        descriptor = font.DescendantFonts[0].FontDescriptor
        stream = next(descriptor[k] for k in ("/FontFile3", "/FontFile2") if k in descriptor)
        orders[str(name)] = TTFont(io.BytesIO(stream.read_bytes())).getGlyphOrder()
    names: list[str] = []
    current = ""
    for operands, operator in pikepdf.parse_content_stream(page):
        if str(operator) == "Tf":
            current = str(operands[0])
        elif str(operator) in ("Tj", "TJ"):
            items = operands[0] if str(operator) == "TJ" else [operands[0]]
            for item in items:
                if isinstance(item, pikepdf.String):
                    raw = bytes(item)
                    names += [orders[current][int.from_bytes(raw[k:k + 2], "big")]
                              for k in range(0, len(raw), 2)]
    return names


def small_caps(names: list[str]) -> str:
    """The letters set as small capitals (glyphs named `x.sc`), as capitals."""
    return "".join(toUnicode(n.split(".")[0]) for n in names if n.endswith(".sc"))


def epub_chapters(path: Path) -> dict[str, etree._Element]:
    """Every chapter and matter page of an EPUB, parsed, by file name."""
    with zipfile.ZipFile(path) as z:
        return {name: etree.fromstring(z.read(name)) for name in z.namelist()
                if name.endswith(".xhtml") and b'class="chapter' in z.read(name)
                or name.endswith(".xhtml") and b'class="matter' in z.read(name)}


def lead_ins(root: etree._Element) -> list[etree._Element]:
    return root.xpath(".//x:span[@class='lead-in']", namespaces={"x": XHTML[1:-1]})


def title_of(root: etree._Element) -> str:
    heading = root.find(f".//{XHTML}h1")
    return "".join(heading.itertext()) if heading is not None else ""


def opening_page(pages: list[str], title: str, lead: str) -> int:
    """The page a chapter opens on: its title's first words and its lead-in on one line."""
    start = " ".join(plain(title).split()[:3])
    for index, text in enumerate(pages):
        lines = [plain(line).strip() for line in text.splitlines()]
        if any(start in line for line in lines) and any(lead in line for line in lines):
            return index
    raise AssertionError(f"no page opens « {title} » with « {lead} » on one line")


# -- lead-ins ----------------------------------------------------------------------------------


def _check_lead_ins(epub: Path, matter_without: tuple[str, ...] = ()) -> dict[str, str]:
    found = {}
    for name, root in epub_chapters(epub).items():
        spans = lead_ins(root)
        if any(role in name for role in matter_without):
            assert spans == [], name
            continue
        assert spans, f"{name} has no lead-in"
        paragraph = spans[0].getparent()
        while paragraph.tag != f"{XHTML}p":
            paragraph = paragraph.getparent()
        # The chapter's first paragraph of text, whatever comes before it.
        first = [p for p in root.iter(f"{XHTML}p")
                 if not p.xpath("ancestor::x:figure|ancestor::x:blockquote",
                                namespaces={"x": XHTML[1:-1]})][0]
        assert paragraph is first, name
        assert all(s.getparent() is not None and paragraph in s.iterancestors() for s in spans)
        found[name] = plain("".join("".join(s.itertext()) for s in spans))
    return found


def test_every_chapter_of_the_series_epub_has_a_lead_in(series: Built) -> None:
    """`h1 + p::first-line` missed the five chapters opening on a figure."""
    found = _check_lead_ins(series.file(SERIES_EPUB))
    assert len(found) == 9
    assert found["EPUB/03-05-la-couche-du-milieu-disparait.xhtml"] == "Le travail professionnel"
    assert found["EPUB/03-02-quand-la-rarete-devient-abondance.xhtml"] == "Ce schéma s’est"


def test_front_and_back_matter_lead_ins(typeset_book: Built) -> None:
    """A preface and acknowledgments open with a lead-in; a dedication and an epigraph not."""
    found = _check_lead_ins(typeset_book.file("*.epub"), ("00-01-dedication", "00-02-epigraph"))
    assert found == {
        "EPUB/00-03-preface.xhtml": "Ce petit livre",
        "EPUB/01-excellence.xhtml": "Le travail professionnel",
        "EPUB/02-figure.xhtml": "Les forgerons ont",
        "EPUB/03-epigraphe.xhtml": "Pour toute votre carrière",
        "EPUB/04-section.xhtml": "Pendant des siècles",
        "EPUB/99-01-acknowledgments.xhtml": "Merci aux correcteurs",
    }


def test_the_web_chapters_have_their_lead_in(series: Built) -> None:
    for page in sorted((series.dist / "html").glob("03-0*.html")):
        spans = html.parse(str(page)).getroot().find_class("lead-in")
        assert spans, page.name
    page = html.parse(str(series.dist / "html" / SERIES_HTML)).getroot()
    assert page.find_class("lead-in")[0].text_content() == "Le travail professionnel"


@pytest.mark.parametrize("built", ["series", "typeset_book"])
def test_pdf_lead_in_is_in_small_cap_glyphs_and_whole_on_its_line(
        built: str, request: pytest.FixtureRequest) -> None:
    """On each chapter's opening page the small-cap glyphs spell the lead-in's letters and
    nothing else (the whole first line was in small caps, « LES FORGE-/rons » hyphenated, and
    a chapter opening on a figure had none), and the lead-in is on one line, unhyphenated."""
    book: Built = request.getfixturevalue(built)
    pdf_path = book.file(SERIES_PDF if built == "series" else "regles-de-l-art.pdf")
    epub = book.file(SERIES_EPUB if built == "series" else "*.epub")
    pages = pdf_pages(pdf_path)
    checked = 0
    with pikepdf.open(pdf_path) as pdf:
        for root in epub_chapters(epub).values():
            spans = lead_ins(root)
            if not spans:
                continue
            lead = plain("".join("".join(s.itertext()) for s in spans))
            index = opening_page(pages, title_of(root) or lead, lead)
            if spans[0].find(f".//{XHTML}em") is not None:
                continue  # the italic has no small capitals: an emphasised lead-in stays so
            expected = "".join(c.upper() for c in lead if c.islower())
            assert small_caps(glyph_names(pdf, index)) == expected, (index + 1, lead)
            checked += 1
    assert checked >= (9 if built == "series" else 5)


@pytest.mark.parametrize(("title", "lead"), [
    ("Quand la rareté devient abondance, tout s’inverse", "Ce schéma s’est"),  # « LES FORGE- »
    ("La couche du milieu disparaît", "Le travail professionnel"),  # opens on a figure
])
def test_pdf_small_caps_are_the_lead_in_only(series: Built, title: str, lead: str) -> None:
    """The whole first line was in small caps and hyphenated inside (« …LES FORGE-/rons »),
    and a chapter opening on a figure had none: now the lead-in's words, and only them."""
    path = series.file(SERIES_PDF)
    pages = pdf_pages(path)
    index = opening_page(pages, title, lead)
    with pikepdf.open(path) as pdf:
        assert small_caps(glyph_names(pdf, index)) == "".join(
            c.upper() for c in lead if c.islower())


# -- titles ------------------------------------------------------------------------------------


def test_the_print_title_breaks_after_its_colon(series: Built) -> None:
    """« Excellence ou obsolescence : / le milieu a disparu », not « …le milieu a / disparu »."""
    lines = pdf_lines(series.file(SERIES_PDF))
    at = lines.index("Excellence ou obsolescence :")
    assert lines[at + 1] == "le milieu a disparu"


@pytest.mark.parametrize("title", ["Excellence ou obsolescence : le milieu a disparu",
                                   "La connaissance n’est plus un fossé défensif"])
def test_the_title_is_whole_in_the_toc_running_heads_and_navigation(
        series: Built, title: str) -> None:
    """The no-break spaces that break a title by sense change nothing where it is printed on
    one line: the TOC, the running heads (the second title's), the EPUB's navigation."""
    path = series.file(SERIES_PDF)
    lines = pdf_lines(path)
    assert any(line.startswith(title + " .") for line in lines), "the TOC entry"
    if title.startswith("La connaissance"):
        # Running heads are letter-spaced small capitals: pdftotext splits their letters.
        squeezed = title.lower().replace(" ", "")
        heads = [page.splitlines()[0] for page in pdf_pages(path) if page.strip()]
        assert any(head.replace(" ", "") == squeezed for head in heads), "a running head"
    with zipfile.ZipFile(series.file(SERIES_EPUB)) as z:
        nav = etree.fromstring(z.read("EPUB/nav.xhtml"))
    entries = ["".join(a.itertext()) for a in nav.iter(f"{XHTML}a")]
    entry = next(e for e in entries if plain(e).startswith(" ".join(title.split()[:2])))
    assert plain(entry) == title and "  " not in entry and "\n" not in entry


# -- dashes ------------------------------------------------------------------------------------


def _epub_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "\n".join("".join(etree.fromstring(z.read(n)).itertext())
                         for n in z.namelist() if n.endswith(".xhtml"))


def test_no_pdf_line_starts_with_a_closing_dash_or_ends_with_an_opening_one(
        series: Built) -> None:
    """p. 26: « — et les travailleurs » opened a line and « sagesse — » ended one. Every line
    the PDF ends with a dash, or starts with one, breaks where the EPUB text has a breakable
    space: after a closing dash, before an opening one."""
    lines = pdf_lines(series.file(SERIES_PDF))
    assert not [line for line in lines if re.match("^[–—] et les travailleurs", line)]
    assert not [line for line in lines if re.search("sagesse [–—]$", line)]
    text = _epub_text(series.file(SERIES_EPUB))
    ends = starts = 0
    for line, following in zip(lines, lines[1:], strict=False):
        if re.search(r"\w [–—]$", line):
            word = line.split()[-2]
            assert f"{word}{NBSP}{line[-1]} " in text or f"{word}{NBSP}{line[-1]}\n" in text, line
            ends += 1
        if re.match(r"[–—] \w", following):
            word = following.split()[1]
            assert re.search(f" [–—]{WJ}?{NBSP}{re.escape(word)}", text), following
            starts += 1
    assert ends + starts >= 2, "the text should break at a few dashes"


@pytest.mark.parametrize(("setting", "dash"), [(None, "\u2013"), ("em", "\u2014")])
def test_the_incise_dash_setting(tmp_path: Path, setting: str | None, dash: str) -> None:
    root = copy_project(FIXTURES / "typeset", tmp_path / "book")
    if setting:
        toml = root / "manuscript" / "book.toml"
        toml.write_text(toml.read_text(encoding="utf-8")
                        + f'\n[typography]\nincise_dash = "{setting}"\n', encoding="utf-8")
    result = build(root, root / "dist", ("epub",))
    assert not [w for w in result.report.warnings if w.code == "W002"]  # a known key
    text = _epub_text(next((root / "dist").glob("*.epub")))
    joiner = WJ if dash == "\u2013" else ""
    assert f"en action {dash}{joiner}{NBSP}analystes" in text
    assert f"coordinateurs{NBSP}{dash} et les" in text
    assert f"{chr(0x2014)}{NBSP}Et maintenant" in text  # dialogue: an em dash either way


# -- ordinals ----------------------------------------------------------------------------------


def test_ordinals_are_superior_letters_in_the_epub_and_the_web(series: Built) -> None:
    """« 20ème siècle » is 20ᵉ siècle: the author's figures, the letters superior."""
    with zipfile.ZipFile(series.file(SERIES_EPUB)) as z:
        chapter = z.read("EPUB/03-05-la-couche-du-milieu-disparait.xhtml").decode()
    assert '20<sup class="ordinal">e</sup> siècle' in chapter and "20ème" not in chapter
    page = (series.dist / "html" / SERIES_HTML).read_text(encoding="utf-8")
    assert '20<sup class="ordinal">e</sup> siècle' in page


def test_ordinals_are_the_font_s_superior_glyphs_in_the_pdf(typeset_book: Built) -> None:
    path = typeset_book.file("regles-de-l-art.pdf")
    pages = pdf_pages(path)
    index = next(i for i, text in enumerate(pages) if "des ordinaux" in text)
    with pikepdf.open(path) as pdf:
        names = " ".join(glyph_names(pdf, index))
    for letters in ("e", "er", "re", "de", "d"):
        assert " ".join(f"{c}.sups" for c in letters) in names
    assert re.search(r"two\.\w+ zero\.\w+ e\.sups", names), "20ᵉ"
    assert "3e" in plain(pages[index]), "the code `3e` is left as written"


@pytest.mark.browser
def test_the_web_lead_in_is_set_in_small_caps_and_never_hyphenated(typeset_book: Built) -> None:
    """In Chromium, the lead-in after a figure is in small capitals, unhyphenated, and the
    rest of the first line is not (the old `::first-line` rule set all of it)."""
    from conftest import require_tool
    from playwright.sync_api import sync_playwright

    require_tool("browser", "Chromium")
    page_path = typeset_book.dist / "html" / "02-figure.html"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(page_path.as_uri())
        style = page.evaluate("""() => {
            const lead = document.querySelector('.text .lead-in');
            const css = getComputedStyle(lead), p = getComputedStyle(lead.parentElement);
            return [lead.textContent, css.fontVariantCaps, css.hyphens, p.fontVariantCaps,
                    lead.closest('p').previousElementSibling.tagName];
        }""")
        browser.close()
    assert style == ["Les forgerons ont", "small-caps", "manual", "normal", "FIGURE"]
    sheets = list((typeset_book.dist / "html").rglob("*.css"))
    assert sheets and not [css for css in sheets if "first-line" in css.read_text("utf-8")]
