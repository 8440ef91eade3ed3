"""EPUB editions: EPUBCheck-clean, complete, reproducible, with the metadata readers use."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES, SERIES, build_copy, epubcheck
from lxml import etree

NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
GOLDEN = Path(__file__).parent / "golden"


def opf(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read("EPUB/content.opf"))


def xhtml(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(f"EPUB/{name}"))


def test_series_editions_exist(series):
    names = sorted(p.name for p in series.dist.glob("*.epub"))
    assert names == ["intelligence-abondante-3-quand-l-execution-s-effondre.epub",
                     "intelligence-abondante.epub"]


@pytest.mark.epubcheck
@pytest.mark.parametrize("book", ["series", "parts_book", "mini_book"])
def test_epubcheck_reports_nothing(book, request):
    built = request.getfixturevalue(book)
    epubs = sorted(built.dist.glob("*.epub"))
    assert epubs
    for path in epubs:
        assert epubcheck(path) == [], path.name


def test_series_navigation_lists_every_part_and_chapter(series):
    path = series.file("intelligence-abondante.epub")
    nav = xhtml(path, "nav.xhtml")
    toc = nav.find(".//x:nav[@epub:type='toc']", NS)
    entries = toc.findall("x:ol/x:li", NS)
    titles = ["".join(li.find("x:a", NS).itertext()) for li in entries]
    # The one published part, then the series page: no forthcoming part in the contents.
    assert titles == ["Quand l’exécution s’effondre", "Dans la même série"]
    chapters = entries[0].findall("x:ol/x:li", NS)
    assert len(chapters) == 9
    # Titles are broken by sense with no-break spaces (transforms/titles.py).
    assert "".join(chapters[0].itertext()).strip().replace("\u00a0", " ") == \
        "La chose pour laquelle vous étiez payé devient gratuite"
    landmarks = nav.find(".//x:nav[@epub:type='landmarks']", NS)
    kinds = {a.get(f"{{{NS['epub']}}}type"): a.get("href")
             for a in landmarks.iter(f"{{{NS['x']}}}a")}
    assert {"cover", "toc", "bodymatter"} <= set(kinds)
    assert kinds["bodymatter"] == "03-quand-l-execution-s-effondre.xhtml"  # real text first


def test_series_epub_carries_language_cover_images_fonts_css(series):
    path = series.file("intelligence-abondante.epub")
    package = opf(path)
    assert package.findtext(".//dc:language", namespaces=NS) == "fr"
    items = package.findall(".//opf:item", NS)
    types = [i.get("media-type") for i in items]
    assert any("cover-image" in (i.get("properties") or "") for i in items)
    assert types.count("image/jpeg") >= 7  # cover + hero + five figures
    assert "font/otf" in types and "text/css" in types
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        assert names[0] == "mimetype"
        assert z.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        for name in names:
            if name.endswith(".xhtml"):
                root = etree.fromstring(z.read(name))
                assert root.get("lang") == "fr", name
                assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr", name
                for img in root.iter(f"{{{NS['x']}}}img"):
                    assert img.get("alt") is not None, name


def test_forthcoming_parts_are_on_the_series_page_not_in_the_text(series):
    """No edition holds an empty part page: the forthcoming parts (and, in a volume, the other
    volumes) are listed once, on « Dans la même série » after the text."""
    for path in (series.file("intelligence-abondante.epub"),
                 series.file("intelligence-abondante-3-*.epub")):
        spine = [i.get("idref") for i in opf(path).findall(".//opf:itemref", NS)]
        assert not any("manuel" in ref or "guide" in ref for ref in spine), spine
        assert spine[-1] == "series-page"
        page = xhtml(path, "series.xhtml")
        text = " ".join("".join(page.itertext()).split())
        for words in ("Dans la même série", "Deuxième partie", "Un manuel pratique",
                      "À paraître", "Un guide pratique pour utiliser les outils d’IA",
                      "Première partie", "Quatrième partie"):
            assert words in text, (path.name, words)
        assert "Troisième partie" not in text  # the book itself is not « also » in it
        links = [a.get("href") for a in page.iter(f"{{{NS['x']}}}a")]
        assert links and all(link.startswith("https://") for link in links)


def test_author_words_are_kept(series):
    path = series.file("intelligence-abondante.epub")
    page = xhtml(path, "03-04-la-hierarchie-se-retourne.xhtml")
    text = "".join(page.itertext())
    source = (SERIES / "manuscript" / "03-quand-l-execution-s-effondre"
              / "04-la-hierarchie-se-retourne.md").read_text(encoding="utf-8")
    first = next(line for line in source.splitlines()[2:] if line and not line.startswith("!"))
    words = re.findall(r"\w+", first)
    flat = re.findall(r"\w+", text)
    joined = " ".join(flat)
    assert " ".join(words) in joined


def test_series_metadata_on_volumes(series):
    volume = opf(series.file("intelligence-abondante-3-*.epub"))
    collection = volume.find(".//opf:meta[@property='belongs-to-collection']", NS)
    assert collection is not None and collection.text == "Intelligence abondante"
    position = volume.find(".//opf:meta[@property='group-position']", NS)
    assert position.text == "3"
    calibre = {m.get("name"): m.get("content") for m in volume.findall(".//opf:meta[@name]", NS)}
    assert calibre["calibre:series"] == "Intelligence abondante"
    assert calibre["calibre:series_index"] == "3"
    ids = {opf(p).findtext(".//dc:identifier", namespaces=NS) for p in series.dist.glob("*.epub")}
    assert len(ids) == 2


def test_accessibility_metadata(series):
    package = opf(series.file("intelligence-abondante.epub"))
    props = {m.get("property") for m in package.findall(".//opf:meta[@property]", NS)}
    assert {"schema:accessMode", "schema:accessModeSufficient", "schema:accessibilityFeature",
            "schema:accessibilityHazard", "schema:accessibilitySummary",
            "dcterms:conformsTo"} <= props


def test_footnotes_are_epub3_popups(mini_book):
    path = mini_book.file("*.epub")
    page = xhtml(path, "01-first.xhtml")
    refs = page.findall(".//x:a[@epub:type='noteref']", NS)
    notes = page.findall(".//x:aside[@epub:type='footnote']", NS)
    assert [r.text for r in refs] == ["1", "2"]
    assert len(notes) == 2
    for ref, note in zip(refs, notes, strict=True):
        assert ref.get("href").endswith("#" + note.get("id"))
        back = note.find(".//x:a[@role='doc-backlink']", NS)
        assert back.get("href") == "#" + ref.get("id")


def test_cross_chapter_links_point_into_the_right_file(mini_book):
    path = mini_book.file("*.epub")
    page = xhtml(path, "02-second.xhtml")
    hrefs = [a.get("href") for a in page.iter(f"{{{NS['x']}}}a")]
    assert "01-first.xhtml" in hrefs
    assert any(h.startswith("01-first.xhtml#introduction") for h in hrefs)
    assert "01-first.xhtml#fig-disc" in hrefs
    with zipfile.ZipFile(path) as z:
        ids: list[str] = []
        for name in z.namelist():
            if name.endswith(".xhtml"):
                ids += [e.get("id") for e in etree.fromstring(z.read(name)).iter() if e.get("id")]
    assert len(ids) == len(set(ids)), "ids must be unique across the book"


def test_two_builds_are_byte_identical(tmp_path):
    first = build_copy(FIXTURES / "parts", tmp_path / "a", formats=("epub",))
    second = build_copy(FIXTURES / "parts", tmp_path / "b", formats=("epub",))
    for path in first.dist.glob("*.epub"):
        assert path.read_bytes() == (second.dist / path.name).read_bytes(), path.name


def _normalise(data: bytes) -> str:
    root = etree.fromstring(data)
    return etree.tostring(root, pretty_print=True, encoding="unicode")


@pytest.mark.parametrize("member", ["EPUB/content.opf", "EPUB/nav.xhtml",
                                    "EPUB/01-first.xhtml", "EPUB/02-second.xhtml"])
def test_golden_files(mini_book, member, request):
    """Normalised OPF, nav and chapters must not drift; refresh with --update-golden."""
    with zipfile.ZipFile(mini_book.file("*.epub")) as z:
        text = _normalise(z.read(member))
    golden = GOLDEN / "mini" / member.replace("/", "__")
    if request.config.getoption("--update-golden"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"{golden} is missing: run pytest --update-golden and review it"
    assert text == golden.read_text(encoding="utf-8"), \
        f"{member} drifted from {golden}; review and refresh with --update-golden"
