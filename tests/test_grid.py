"""The baseline grid's measures of figures, and their place in the content cache."""

from __future__ import annotations

from pathlib import Path

from lxml import html
from weasyprint import HTML

from make_book.writers import grid

CSS = "@page { size: 100mm 150mm; margin: 10mm; } figure { margin: 7pt 0; } " \
      "figcaption { font-size: 9pt; line-height: 12pt; }"


def figure(width: int, height: int, caption: str) -> html.HtmlElement:
    return html.fragment_fromstring(f'<figure><img src="x.png" width="{width}" '
                                    f'height="{height}"><figcaption>{caption}</figcaption>'
                                    "</figure>")


def test_measures_are_kept_by_what_was_measured(tmp_path: Path) -> None:
    renders: list[str] = []

    def render(source: str):
        renders.append(source)
        return HTML(string=source).render()

    blocks = [("chapter", figure(1600, 1000, "Une légende")),
              ("chapter", figure(800, 1200, "Une autre, plus longue " * 6))]
    font = tmp_path / "face.woff2"
    font.write_bytes(b"one")
    plain = grid.measure(blocks, CSS, "fr", render)
    assert len(renders) == 1 and plain[1].height > plain[0].height > 0
    cached = grid.measure(blocks, CSS, "fr", render, tmp_path / "cache", [font])
    again = grid.measure(blocks, CSS, "fr", render, tmp_path / "cache", [font])
    assert len(renders) == 2, "the second measure with a cache laid nothing out"
    assert cached == again == plain  # the very floats, through the cache's JSON
    font.write_bytes(b"two")  # another font: measured anew
    grid.measure(blocks, CSS, "fr", render, tmp_path / "cache", [font])
    other = [("chapter", figure(1600, 900, "Une légende")), blocks[1]]
    grid.measure(other, CSS, "fr", render, tmp_path / "cache", [font])
    assert len(renders) == 4
