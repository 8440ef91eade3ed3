"""Tests for the series cover system (make_book.covers)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from make_book.assets import covers
from make_book.assets.cards import render_social_card
from make_book.assets.covers import CoverSpec, render_cover, save_jpeg
from make_book.assets.lettering import FONTS_DIR, roman

SERIES = "Intelligence abondante"
LONG_TITLE = (
    "De l’impossibilité manifeste d’une administration raisonnable des choses quand "
    "l’intelligence devient surabondante, gratuite et disponible pour absolument tout le monde"
)


@pytest.fixture(scope="module")
def art(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A colourful 2400×1600 gradient standing in for the hero art."""
    w, h = 2400, 1600
    red = Image.linear_gradient("L").rotate(90).resize((w, h))
    green = Image.linear_gradient("L").resize((w, h))
    blue = Image.new("L", (w, h), 90)
    path = tmp_path_factory.mktemp("art") / "hero.jpg"
    Image.merge("RGB", (red, green, blue)).save(path, quality=90)
    return path


def part(art: Path | None, **changes: object) -> CoverSpec:
    fields: dict[str, object] = {
        "title": "Quand l’exécution s’effondre",
        "subtitle": None,
        "series": SERIES,
        "number": 3,
        "total": 4,
        "publisher": "A 42 Journey",
        "author": "Prénom Nom",
        "art": art,
    }
    fields.update(changes)
    return CoverSpec(**fields)  # type: ignore[arg-type]


def mean_saturation(image: Image.Image) -> float:
    return ImageStat.Stat(image.convert("HSV").getchannel("S")).mean[0]


def changed_fraction(a: Image.Image, b: Image.Image) -> float:
    diff = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > 24 else 0)
    return ImageStat.Stat(diff).mean[0] / 255


def test_cover_and_card_sizes(art: Path) -> None:
    cover = render_cover(part(art))
    card = render_social_card(part(art))
    assert (cover.size, cover.mode) == ((1600, 2560), "RGB")
    assert (card.size, card.mode) == ((1200, 630), "RGB")
    assert render_cover(part(art), size=(800, 1280)).size == (800, 1280)


def test_title_is_drawn_in_the_title_region(art: Path) -> None:
    with_text = render_cover(part(art))
    without = render_cover(part(art), draw_text=False)
    w, h = with_text.size
    region = (round(w * 0.08), round(h * 0.66), round(w * 0.92), round(h * 0.89))
    assert changed_fraction(with_text.crop(region), without.crop(region)) > 0.04


def test_numeral_only_on_parts(art: Path) -> None:
    """The omnibus has no numeral: its title moves up into the numeral's slot."""
    w, h = 1600, 2560
    numeral_slot = (round(w * 0.08), round(h * 0.575), round(w * 0.3), round(h * 0.64))
    accent = covers.TERRACOTTA

    def accent_pixels(image: Image.Image) -> int:
        crop = image.crop(numeral_slot)
        diff = ImageChops.difference(crop, Image.new("RGB", crop.size, accent)).convert("L")
        return diff.point(lambda v: 255 if v < 14 else 0).histogram()[255]

    assert accent_pixels(render_cover(part(art))) > 2000
    omnibus = part(art, title=SERIES, number=None)
    assert accent_pixels(render_cover(omnibus)) == 0


def test_jpeg_bytes_are_deterministic(art: Path, tmp_path: Path) -> None:
    first, second, card = tmp_path / "a.jpg", tmp_path / "b.jpg", tmp_path / "card.jpg"
    save_jpeg(render_cover(part(art)), first)
    save_jpeg(render_cover(part(art)), second)
    assert first.read_bytes() == second.read_bytes()
    save_jpeg(render_social_card(part(None, muted=True, badge="À paraître")), card)
    assert card.read_bytes() != first.read_bytes()
    with Image.open(first) as saved:
        assert saved.format == "JPEG" and saved.mode == "RGB"
        assert saved.info.get("progressive")
        assert not saved.getexif()
        assert "icc_profile" not in saved.info


def test_muted_is_different_and_less_saturated(art: Path) -> None:
    vivid = render_cover(part(art))
    muted = render_cover(part(art, muted=True, badge="À paraître"))
    assert changed_fraction(vivid, muted) > 0.1
    assert mean_saturation(muted) < mean_saturation(vivid) * 0.6
    # The pattern that stands in for missing art is muted too.
    assert mean_saturation(render_cover(part(None, muted=True))) < mean_saturation(
        render_cover(part(None))
    )


def test_badge_is_printed_on_muted_covers() -> None:
    plain = render_cover(part(None, number=2, muted=True))
    badged = render_cover(part(None, number=2, muted=True, badge="À paraître"))
    assert changed_fraction(plain, badged) > 0.002


@pytest.mark.parametrize(
    "n, expected",
    [
        (1, "I"),
        (2, "II"),
        (3, "III"),
        (4, "IV"),
        (9, "IX"),
        (14, "XIV"),
        (40, "XL"),
        (1994, "MCMXCIV"),
        (3999, "MMMCMXCIX"),
    ],
)
def test_roman(n: int, expected: str) -> None:
    assert roman(n) == expected


@pytest.mark.parametrize("n", [0, -1, 4000])
def test_roman_out_of_range(n: int) -> None:
    with pytest.raises(ValueError):
        roman(n)


def assert_margins_blank(image: Image.Image, fraction: float = 0.03) -> None:
    """Nothing but paper in the outer ``fraction`` of each side."""
    w, h = image.size
    mx, my = round(w * fraction), round(h * fraction)
    strips = [(0, 0, w, my), (0, h - my, w, h), (0, 0, mx, h), (w - mx, 0, w, h)]
    for box in strips:
        colours = image.crop(box).getcolors(maxcolors=4)
        assert colours is not None and [c for _, c in colours] == [covers.PAPER], box


@pytest.mark.parametrize(
    "title",
    [LONG_TITLE, "Anticonstitutionnellementissimementextraordinairementinterminable", "Court"],
)
def test_long_text_stays_inside_the_page(title: str) -> None:
    spec = part(
        None,
        title=title,
        subtitle="Essai sur les institutions, les organisations et les personnes face à "
        "l’abondance, suivi de notes, d’annexes et d’un index très détaillé",
        author="Marie-Amélie de La Rochefoucauld-Montmorency-Laval",
        publisher="Les Éditions du Très Long Nom de Maison",
        series="Une série au nom particulièrement long pour une collection d’essais",
    )
    assert_margins_blank(render_cover(spec))
    assert_margins_blank(render_cover(spec, size=(600, 960)))
    assert_margins_blank(render_social_card(spec))


def test_no_break_spaces_hold_words_together() -> None:
    fonts = covers.Fonts(None)
    title = "Pourquoi\u00a0? Une très longue question qui ne finit pas\u202f!"
    _, lines = covers.fit_block(fonts, "display_it", title, 200, 100, 700, 2000, 1.1)
    assert len(lines) > 1
    assert all(not line.startswith(("?", "!")) for line in lines)
    assert any("Pourquoi\u00a0?" in line for line in lines)


@pytest.mark.parametrize("mode", ["RGBA", "P", "L", "CMYK"])
def test_art_in_any_mode(art: Path, tmp_path: Path, mode: str) -> None:
    path = tmp_path / ("art.jpg" if mode in ("L", "CMYK") else "art.png")
    with Image.open(art) as src:
        src.convert(mode).save(path)
    assert render_cover(part(path), size=(400, 640)).mode == "RGB"


def test_fonts_dir_can_be_passed(art: Path, tmp_path: Path) -> None:
    shutil.copytree(FONTS_DIR, tmp_path / "fonts")
    own = render_cover(part(art), size=(400, 640), fonts_dir=tmp_path / "fonts")
    assert own.tobytes() == render_cover(part(art), size=(400, 640)).tobytes()
    with pytest.raises(FileNotFoundError):
        render_cover(part(art), fonts_dir=tmp_path)
