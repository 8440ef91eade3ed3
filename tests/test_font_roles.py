"""[fonts] in book.toml: each role's faces found by their metadata, in styles/fonts/ or on
the system, and the same fonts in the PDF, the EPUB and the web edition."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pypdf
import pytest
from conftest import FIXTURES, Built, build_copy
from fontTools.ttLib import TTFont

from make_book.assets.font_roles import resolve_fonts
from make_book.assets.fonts import default_faces
from make_book.core.config import FontsConfig
from make_book.core.diagnostics import Report

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
SERIF = {"DejaVuSerif.ttf": (False, False), "DejaVuSerif-Italic.ttf": (True, False),
         "DejaVuSerif-Bold.ttf": (False, True), "DejaVuSerif-BoldItalic.ttf": (True, True)}
SYSTEM = {"Liberation Sans": "LiberationSans-Regular.ttf", "DejaVu Sans Mono": "DejaVuSansMono.ttf"}


def require_system_fonts() -> None:
    missing = [name for name in SERIF if not (DEJAVU / name).is_file()]
    if missing or shutil.which("fc-list") is None or not list(
            Path("/usr/share/fonts/truetype/liberation").glob("LiberationSans-*.ttf")):
        pytest.fail("the font tests need DejaVu and Liberation: `apt-get install -y fontconfig "
                    "fonts-dejavu-core fonts-dejavu-extra fonts-liberation`", pytrace=False)


def with_dejavu(root: Path, names: dict[str, str]) -> Path:
    """root/styles/fonts/ with DejaVu Serif's files copied under the names given."""
    require_system_fonts()
    folder = root / "styles" / "fonts"
    folder.mkdir(parents=True, exist_ok=True)
    for source, name in names.items():
        shutil.copyfile(DEJAVU / source, folder / name)
    return root


def test_faces_are_found_by_metadata_not_by_file_name(tmp_path: Path) -> None:
    # Names that say nothing, or the wrong thing: the name and OS/2 tables decide.
    renamed = dict(zip(SERIF, ["z-Bold.ttf", "a.ttf", "Italic.ttf", "m.ttf"], strict=True))
    root = with_dejavu(tmp_path, renamed)
    report = Report()
    faces = resolve_fonts(root, FontsConfig(body="dejavu serif"), default_faces(root),
                          root / "manuscript" / "book.toml", report)
    assert faces is not None and report.items == []
    body = {(f.italic, f.weight >= 700): f.path.name for f in faces if f.role == "body"}
    assert body == {SERIF_AS: renamed[name] for name, SERIF_AS in SERIF.items()}
    defaults = {f.path.name for f in faces if f.role != "body"}
    assert defaults == {f.path.name for f in default_faces(root) if f.role != "body"}


def test_a_missing_face_is_a_warning_naming_it(tmp_path: Path) -> None:
    root = with_dejavu(tmp_path, {"DejaVuSerif.ttf": "DejaVuSerif.ttf",
                                  "DejaVuSerif-Bold.ttf": "DejaVuSerif-Bold.ttf"})
    report = Report()
    faces = resolve_fonts(root, FontsConfig(body="DejaVu Serif"), [], root / "book.toml", report)
    assert [d.code for d in report.items] == ["W040", "W040"]
    assert "no italic face" in report.items[0].message
    assert "faux italic" in report.items[0].message
    assert "no bold italic face" in report.items[1].message
    assert faces is not None and len(faces) == 2


def test_a_family_not_in_the_project_is_taken_from_the_system(tmp_path: Path) -> None:
    require_system_fonts()
    report = Report()
    faces = resolve_fonts(tmp_path, FontsConfig(sans="Liberation Sans"), [],
                          tmp_path / "book.toml", report)
    assert report.items == [] and faces is not None
    assert sorted(f.path.name for f in faces) == [
        "LiberationSans-Bold.ttf", "LiberationSans-BoldItalic.ttf",
        "LiberationSans-Italic.ttf", "LiberationSans-Regular.ttf"]


def test_without_fonts_table_nothing_is_resolved(tmp_path: Path) -> None:
    assert resolve_fonts(tmp_path, FontsConfig(), [], tmp_path / "book.toml", Report()) is None


@pytest.fixture(scope="module")
def own_fonts(tmp_path_factory: pytest.TempPathFactory) -> Built:
    source = tmp_path_factory.mktemp("own-fonts")
    shutil.copytree(FIXTURES / "own-fonts" / "manuscript", source / "manuscript")
    with_dejavu(source, {name: name for name in SERIF})
    return build_copy(source, tmp_path_factory.mktemp("own-fonts-built"))


def families(data: bytes) -> str:
    return str(TTFont(io.BytesIO(data))["name"].getDebugName(1))


def test_the_pdf_embeds_the_fonts_of_every_role(own_fonts: Built) -> None:
    embedded: set[str] = set()
    for page in pypdf.PdfReader(own_fonts.file("set-in-dejavu.pdf")).pages:
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object()
            if "/DescendantFonts" in descendant:
                descendant = descendant["/DescendantFonts"][0].get_object()
            program = descendant["/FontDescriptor"].get("/FontFile2") or \
                descendant["/FontDescriptor"].get("/FontFile3")
            embedded.add(families(program.get_object().get_data()))
    # The title is in the default display face; the text, code and caption in [fonts]'.
    assert {"DejaVu Serif", "DejaVu Sans Mono", "Liberation Sans"} <= embedded, embedded


def test_the_epub_embeds_and_declares_the_same_fonts(own_fonts: Built) -> None:
    with zipfile.ZipFile(own_fonts.file("*.epub")) as epub:
        names = set(epub.namelist())
        css = epub.read("EPUB/css/epub.css").decode("utf-8")
    for name in [*SERIF, *SYSTEM.values()]:
        assert f"EPUB/fonts/{name}" in names
        assert f'url("../fonts/{name}")' in css
    assert "SourceSerif4SmText-Regular.otf" not in css  # the body's default gave way
    assert 'font-family: "Book Mono", monospace' in css


def test_the_web_edition_converts_and_serves_the_same_fonts(own_fonts: Built) -> None:
    fonts = own_fonts.dist / "html" / "fonts"
    for name in [*SERIF, *SYSTEM.values()]:
        woff2 = fonts / f"{Path(name).stem}.woff2"
        assert woff2.is_file(), sorted(p.name for p in fonts.iterdir())
    css = (own_fonts.dist / "html" / "assets" / "site.css").read_text(encoding="utf-8")
    assert '--font-text: "DejaVu Serif"' in css
    assert '--font-ui: "Liberation Sans"' in css
    assert '"DejaVu Sans Mono", ui-monospace' in css
