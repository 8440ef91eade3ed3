"""Images of every kind an author drops in: checked with their file and line, turned into
renditions that suit each edition, cached by content and identical from build to build."""

from __future__ import annotations

import io
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from conftest import epubcheck
from PIL import Image, ImageDraw, ImageFile

from make_book.assets import renditions
from make_book.assets.renditions import epub_rendition, print_source, web_renditions
from make_book.build.pipeline import build, load
from make_book.core.diagnostics import BookError
from make_book.core.model import Book
from make_book.core.store import cache_dir

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def photo(size: tuple[int, int]) -> Image.Image:
    """A photograph stand-in: smooth gradients in every channel (thousands of colours), with
    a dark block in the stored top-left corner to tell orientations apart."""
    w, h = size
    red = Image.linear_gradient("L").resize((w, h))
    green = Image.linear_gradient("L").rotate(90).resize((w, h))
    blue = Image.radial_gradient("L").resize((w, h))
    image = Image.merge("RGB", (red, green, blue))
    ImageDraw.Draw(image).rectangle((0, 0, w // 5, h // 5), fill=(10, 10, 10))
    return image


def drawing(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    image = Image.new(mode, size, "white" if mode != "RGBA" else (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((size[0] // 4, size[1] // 4, 3 * size[0] // 4, 3 * size[1] // 4),
                 fill=(164, 85, 58, 255) if mode == "RGBA" else (164, 85, 58))
    return image


def bomb_png(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge size; its pixels are never there (a few bytes)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


SVG = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
       b'<svg xmlns="http://www.w3.org/2000/svg" width="120mm" height="60mm" '
       b'viewBox="0 0 120 60"><title>A box</title>'
       b'<rect x="10" y="10" width="100" height="40" fill="#a4553a"/></svg>\n')

# file name → (what it stands for, EPUB family)
KINDS = {
    "phone.jpg": ("24-megapixel phone photo, EXIF orientation 6 and GPS", "jpg"),
    "designer-cmyk.jpg": ("CMYK JPEG from a designer", "jpg"),
    "logo.png": ("PNG with transparency", "png"),
    "chart.gif": ("palette GIF", "png"),
    "diagram.svg": ("SVG diagram", "svg"),
    "scan-cmyk.tif": ("CMYK TIFF", "jpg"),
    "photo.png": ("photograph saved as PNG", "jpg"),
    "depth.png": ("16-bit greyscale PNG", "png"),
    "drawing.bmp": ("flat BMP drawing", "png"),
}


def make_images(assets: Path) -> None:
    assets.mkdir(parents=True, exist_ok=True)
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # stored landscape, shown portrait
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (48.0, 51.0, 24.0)
    photo((6000, 4000)).save(assets / "phone.jpg", quality=80, exif=exif)
    photo((1200, 800)).convert("CMYK").save(assets / "designer-cmyk.jpg", quality=90)
    drawing((800, 600), "RGBA").save(assets / "logo.png")
    drawing((400, 300)).convert("P", palette=Image.Palette.ADAPTIVE, colors=8).save(
        assets / "chart.gif")
    (assets / "diagram.svg").write_bytes(SVG)
    photo((2000, 1400)).convert("CMYK").save(assets / "scan-cmyk.tif")
    photo((2400, 1600)).save(assets / "photo.png")
    Image.linear_gradient("L").resize((1500, 1000)).convert("I").point(
        lambda v: v * 257).convert("I;16").save(assets / "depth.png")
    drawing((1800, 1200)).save(assets / "drawing.bmp")


def project(root: Path, images: dict[str, str], toml_extra: str = "") -> Path:
    """A one-chapter book with one figure per image, each on a known line (3, 5, 7, …)."""
    (root / "manuscript").mkdir(parents=True)
    (root / "manuscript" / "book.toml").write_text(
        '[book]\ntitle = "Pictures"\nlang = "en"\ndate = 2025-01-01\n'
        f'[pdf]\ntrim = "a5"\n{toml_extra}', encoding="utf-8")
    lines = ["# Pictures", ""]
    for name, alt in images.items():
        lines += [f"![{alt}](assets/{name}){{alt=\"{alt}\"}}", ""]
    (root / "manuscript" / "01-pictures.md").write_text("\n".join(lines), encoding="utf-8")
    return root


def figure_line(images: dict[str, str], name: str) -> int:
    return 3 + 2 * list(images).index(name)


@pytest.fixture(scope="module")
def kinds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Book]:
    root = project(tmp_path_factory.mktemp("kinds"), {k: v for k, (v, _) in KINDS.items()})
    make_images(root / "assets")
    book, _report = load(root)
    return root, book


def image(book: Book, file_name: str):  # noqa: ANN201
    return next(i for i in book.images.values() if i.source.name == file_name)


def open_bytes(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


# ---------------------------------------------------------------------------------------------
# EPUB renditions


@pytest.mark.parametrize("name", sorted(KINDS))
def test_epub_rendition_format_name_and_media_type(kinds, name):
    _root, book = kinds
    img = image(book, name)
    family = KINDS[name][1]
    assert img.name.endswith("." + family)
    assert img.media_type == renditions.MEDIA_TYPES[family]


@pytest.mark.parametrize("name", sorted(set(KINDS) - {"diagram.svg"}))
def test_epub_rendition_is_srgb_small_and_clean(kinds, tmp_path, name):
    _root, book = kinds
    img = image(book, name)
    rendition = epub_rendition(img, tmp_path)
    data = rendition.read_bytes()
    out = open_bytes(data)
    assert out.format == {"jpg": "JPEG", "png": "PNG"}[KINDS[name][1]]
    expected_modes = {"logo.png": {"RGBA"}, "depth.png": {"L"}}.get(name, {"RGB"})
    assert out.mode in expected_modes, (name, out.mode)
    assert max(out.size) <= 1600 and out.width * out.height <= 4_000_000
    assert out.size == (rendition.width, rendition.height)
    assert not out.getexif() and "exif" not in out.info and "icc_profile" not in out.info
    assert b"Exif" not in data and b"PhoneMaker" not in data
    if out.format == "JPEG":
        assert out.info.get("progressive") or out.info.get("progression")


def test_phone_photo_is_turned_upright_and_scaled(kinds, tmp_path):
    _root, book = kinds
    img = image(book, "phone.jpg")
    assert (img.width, img.height) == (4000, 6000)  # as shown, not as stored
    out = open_bytes(epub_rendition(img, tmp_path).read_bytes())
    assert out.size == (800, 1200)  # 1200 px on the long side, what reading screens show
    # Orientation 6 turns the stored top-left corner (the dark block) to the top right.
    assert max(out.getpixel((out.width - 20, 20))) < 60
    assert max(out.getpixel((20, 20))) > 60


def test_colours_survive_conversion(kinds, tmp_path):
    _root, book = kinds
    cmyk = open_bytes(epub_rendition(image(book, "designer-cmyk.jpg"), tmp_path).read_bytes())
    assert max(cmyk.getpixel((cmyk.width - 10, cmyk.height // 2))) > 150  # not inverted
    depth = open_bytes(epub_rendition(image(book, "depth.png"), tmp_path).read_bytes())
    low, high = depth.getextrema()
    assert low < 20 and high > 235  # 16-bit values scaled, not clipped to white


def test_alpha_kept_in_png_and_flattened_on_white_for_jpeg(kinds, tmp_path):
    _root, book = kinds
    logo = open_bytes(epub_rendition(image(book, "logo.png"), tmp_path).read_bytes())
    assert logo.getpixel((0, 0))[3] == 0
    flat = open_bytes(renditions.encode(logo, "jpg"))
    assert flat.mode == "RGB" and min(flat.getpixel((0, 0))) > 245


def test_svg_passes_as_svg(kinds, tmp_path):
    _root, book = kinds
    img = image(book, "diagram.svg")
    assert img.media_type == "image/svg+xml"
    assert (img.width, img.height) == (454, 227)  # 120 × 60 mm at 96 px per inch
    assert epub_rendition(img, tmp_path).read_bytes() == SVG
    assert [r.media_type for r in web_renditions(img, tmp_path)] == ["image/svg+xml"]


def test_second_run_is_byte_identical_and_never_reprocessed(kinds, tmp_path, monkeypatch):
    _root, book = kinds
    first = {n: epub_rendition(image(book, n), tmp_path / "a").read_bytes() for n in KINDS}
    second = {n: epub_rendition(image(book, n), tmp_path / "b").read_bytes() for n in KINDS}
    assert first == second

    def refuse(*_args, **_kwargs):
        raise AssertionError("an unchanged image was processed again")

    monkeypatch.setattr(renditions, "encode", refuse)
    monkeypatch.setattr(renditions, "load_display", refuse)
    again = {n: epub_rendition(image(book, n), tmp_path / "a").read_bytes() for n in KINDS}
    assert again == first


def test_cache_key_follows_content_and_parameters(kinds):
    _root, book = kinds
    img = image(book, "photo.png")
    assert renditions.cache_key(img, "epub") == renditions.cache_key(img, "epub")
    assert renditions.cache_key(img, "epub") != renditions.cache_key(img, "web-480")
    other = image(book, "drawing.bmp")
    assert renditions.cache_key(img, "epub") != renditions.cache_key(other, "epub")


# ---------------------------------------------------------------------------------------------
# Web and print


def test_web_renditions_widths_webp_and_sizes(kinds, tmp_path, monkeypatch):
    _root, book = kinds
    img = image(book, "photo.png")
    found = web_renditions(img, tmp_path)
    assert [(r.width, r.media_type) for r in found] == [
        (480, "image/webp"), (480, "image/jpeg"), (960, "image/webp"), (960, "image/jpeg"),
        (1600, "image/webp"), (1600, "image/jpeg")]
    for rendition in found:
        out = open_bytes(rendition.read_bytes())
        assert out.size == (rendition.width, rendition.height)
        assert rendition.height == round(1600 * rendition.width / 2400)
        assert not out.getexif()
    small = web_renditions(image(book, "chart.gif"), tmp_path)
    assert {r.width for r in small} == {400}  # never enlarged
    monkeypatch.setattr(renditions, "encode", lambda *a, **k: pytest.fail("re-encoded"))
    assert [r.read_bytes() for r in web_renditions(img, tmp_path)] == \
        [r.read_bytes() for r in found]


def test_print_source_full_resolution(kinds, tmp_path):
    _root, book = kinds
    # Taken as they are: WeasyPrint embeds them faithfully.
    for name in ("designer-cmyk.jpg", "logo.png", "chart.gif", "diagram.svg"):
        assert print_source(image(book, name), tmp_path) == image(book, name).source
    phone = open_bytes(print_source(image(book, "phone.jpg"), tmp_path).read_bytes())
    assert phone.size == (4000, 6000) and not phone.getexif()
    scan = open_bytes(print_source(image(book, "scan-cmyk.tif"), tmp_path).read_bytes())
    assert (scan.format, scan.mode, scan.size) == ("JPEG", "CMYK", (2000, 1400))
    depth = open_bytes(print_source(image(book, "depth.png"), tmp_path).read_bytes())
    assert (depth.mode, depth.size) == ("L", (1500, 1000))


def test_strip_exif_is_lossless(tmp_path):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(GPS_IFD)[1] = "N"
    buffer = io.BytesIO()
    photo((300, 200)).save(buffer, "JPEG", quality=90, exif=exif)
    stripped = renditions.strip_jpeg_exif(buffer.getvalue())
    assert b"PhoneMaker" not in stripped and b"Exif" not in stripped
    assert open_bytes(stripped).tobytes() == open_bytes(buffer.getvalue()).tobytes()


# ---------------------------------------------------------------------------------------------
# Errors and warnings, with file and line


BAD = {
    "nope.png": "missing",
    "truncated.jpg": "corrupt",
    "notes.png": "not an image",
    "big.png": "over Pillow's limit",
    "bomb.png": "decompression bomb",
    "picture.ppm": "no edition carries it",
    "photo.heic": "HEIC",
    "broken.svg": "not XML",
}


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_image_errors_name_file_and_line(tmp_path):
    root = project(tmp_path, BAD)
    assets = root / "assets"
    assets.mkdir()
    whole = io.BytesIO()
    photo((640, 480)).save(whole, "JPEG")
    (assets / "truncated.jpg").write_bytes(whole.getvalue()[:len(whole.getvalue()) // 2])
    (assets / "notes.png").write_text("these are notes, not a picture")
    (assets / "big.png").write_bytes(bomb_png(10_000, 10_000))
    (assets / "bomb.png").write_bytes(bomb_png(40_000, 40_000))
    drawing((30, 20)).save(assets / "picture.ppm")
    (assets / "photo.heic").write_bytes(b"\0\0\0\x18ftypheic" + b"\0" * 64)
    (assets / "broken.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'><g></svg>")
    with pytest.raises(BookError) as caught:
        load(root)
    text = caught.value.format_message()
    where = "manuscript/01-pictures.md"
    expected = {"nope.png": "E042 image not found", "truncated.jpg": "E045",
                "notes.png": "E045",
                "big.png": "E044 image `assets/big.png` is too large (10000 × 10000 pixels",
                "bomb.png": "E044 image `assets/bomb.png` is too large",
                "picture.ppm": "E046", "photo.heic": "E046 image `assets/photo.heic` is a HEIC",
                "broken.svg": "E045 image `assets/broken.svg` cannot be read as SVG"}
    for name, message in expected.items():
        assert f"{where}:{figure_line(BAD, name)}: {message}" in text, text
    assert len(caught.value.diagnostics) == len(BAD)


def test_a_second_reading_decodes_no_picture_and_finds_the_same_images(tmp_path, monkeypatch):
    """A picture decoded whole once is known by its bytes: the next reading of the book takes
    its size and family from the cache, and a picture that failed is checked again."""
    images = {"photo.jpg": "a photo", "drawing.png": "a drawing", "truncated.jpg": "cut"}
    root = project(tmp_path, images)
    assets = root / "assets"
    assets.mkdir()
    photo((800, 600)).save(assets / "photo.jpg", "JPEG")
    drawing((300, 200)).save(assets / "drawing.png")
    whole = io.BytesIO()
    photo((640, 480)).save(whole, "JPEG")
    (assets / "truncated.jpg").write_bytes(whole.getvalue()[:len(whole.getvalue()) // 2])
    (root / "manuscript" / "01-pictures.md").write_text(
        "# Pictures\n\n![a photo](assets/photo.jpg)\n\n![a drawing](assets/drawing.png)\n",
        encoding="utf-8")
    first, _report = load(root)
    decoded: list[str] = []
    real_load = ImageFile.ImageFile.load

    def counting_load(im):  # noqa: ANN001, ANN202
        decoded.append(getattr(im, "filename", "?"))
        return real_load(im)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counting_load)
    second, _report = load(root)
    assert decoded == []
    assert {k: (i.name, i.width, i.height, i.media_type) for k, i in second.images.items()} \
        == {k: (i.name, i.width, i.height, i.media_type) for k, i in first.images.items()}
    assert len(second.images) == 2

    (root / "manuscript" / "01-pictures.md").write_text(
        "# Pictures\n\n![a photo](assets/photo.jpg)\n\n![cut](assets/truncated.jpg)\n",
        encoding="utf-8")
    for _attempt in range(2):  # the failure is not remembered as a success
        with pytest.raises(BookError) as caught:
            load(root)
        assert "E045" in caught.value.format_message()
    assert [name for name in decoded if name.endswith("truncated.jpg")]


def test_low_resolution_and_print_ready_warnings(tmp_path):
    images = {"small.png": "a small picture", "logo.png": "a logo", "cmyk.jpg": "a photo",
              "diagram.svg": "a diagram"}  # vector art: never too coarse, never RGB
    root = project(tmp_path / "a", images)
    assets = root / "assets"
    assets.mkdir()
    drawing((600, 400)).save(assets / "small.png")
    drawing((2000, 1500), "RGBA").save(assets / "logo.png")
    photo((2000, 1500)).convert("CMYK").save(assets / "cmyk.jpg")
    (assets / "diagram.svg").write_bytes(SVG)
    _book, report = load(root)
    codes = [(d.code, d.line) for d in report.warnings]
    # 600 px over the 111 mm text width of an A5 page: 137 ppi.
    assert codes == [("W031", figure_line(images, "small.png"))]
    assert "prints at 137 ppi" in report.warnings[0].message
    assert report.warnings[0].path.name == "01-pictures.md"

    ready = project(tmp_path / "b", images, 'profile = "print-ready"\n')
    shutil.copytree(assets, ready / "assets")
    _book, report = load(ready)
    codes = sorted((d.code, d.line) for d in report.warnings)
    assert codes == sorted([("W031", 3), ("W033", 3), ("W032", 5), ("W033", 5)])


# ---------------------------------------------------------------------------------------------
# The editions


@pytest.fixture(scope="module")
def built(kinds) -> Path:
    root, _book = kinds
    build(root, root / "dist", ("epub",))
    return root


def test_epub_carries_the_renditions(built, kinds):
    _root, book = kinds
    epub = next((built / "dist").glob("*.epub"))
    with zipfile.ZipFile(epub) as archive:
        names = {n.removeprefix("EPUB/images/"): archive.read(n) for n in archive.namelist()
                 if n.startswith("EPUB/images/")}
        opf = archive.read("EPUB/content.opf").decode()
        chapter = next(archive.read(n).decode() for n in archive.namelist()
                       if n.endswith(".xhtml") and "diagram" in archive.read(n).decode())
    for name in KINDS:
        img = image(book, name)
        assert img.name in names
        assert f'href="images/{img.name}"' in opf and f'media-type="{img.media_type}"' in opf
        assert f'src="images/{img.name}"' in chapter
    assert len(names[image(book, "phone.jpg").name]) < image(book, "phone.jpg").source.stat(
        ).st_size / 5


@pytest.mark.epubcheck
def test_epub_with_every_kind_of_image_passes_epubcheck(built):
    assert epubcheck(next((built / "dist").glob("*.epub"))) == []


def test_rebuild_is_identical_and_reuses_the_cache(built):
    epub = next((built / "dist").glob("*.epub"))
    before = epub.read_bytes()
    cached = {p: p.stat().st_mtime_ns for p in cache_dir(built).rglob("*") if p.is_file()}
    build(built, built / "dist", ("epub",))
    assert epub.read_bytes() == before
    assert {p: p.stat().st_mtime_ns for p in cached} == cached
