"""The stylesheets a worker parses once (writers/pieces/sheets.py): a unit laid out with a
stylesheet parsed for another gets the same pages as one parsed afresh, and the rules of the
other unit's own `<style>` (its first folio) do not follow the shared sheet into it."""

from __future__ import annotations

import weasyprint
from weasyprint.text.fonts import FontConfiguration

from make_book.writers.pieces.sheets import parsed_once

SHARED = """
@page { size: 100mm 120mm; margin: 20mm; @bottom-center { content: counter(page); } }
@page :left { @top-left { content: "verso"; } }
h1 { break-before: right; font-size: 20pt; }
p { font-size: 11pt; }
"""


def _unit(folio: int | None, text: str) -> str:
    own = "" if folio is None else f"<style>@page :first {{ counter-reset: page {folio}; }}</style>"
    return (f"<html><head><style>{SHARED}</style>{own}</head><body><h1>{text}</h1>"
            + "<p>Une phrase assez longue pour remplir la page. </p>" * 40 + "</body></html>")


def _folios(document: weasyprint.Document) -> list[str]:
    """The text of each page's margin boxes, page by page."""
    found = []
    for page in document.pages:
        texts = []
        for box in page._page_box.children[1:]:  # noqa: SLF001 - the margin boxes
            texts += [t.text for t in box.descendants() if hasattr(t, "text")]
        found.append(" ".join(texts))
    return found


def _render(source: str, fonts: FontConfiguration) -> weasyprint.Document:
    return weasyprint.HTML(string=source).render(font_config=fonts)


def test_a_shared_sheet_keeps_each_unit_its_own_folios_and_pages():
    fonts = FontConfiguration()
    cache: dict = {}
    with parsed_once(cache):
        first = _render(_unit(37, "Un"), fonts)
        second = _render(_unit(None, "Deux"), fonts)  # the stylesheet's own folios: from 1
        third = _render(_unit(37, "Trois"), fonts)
    assert len(cache) == 2  # the shared sheet once, the folio rule once
    fresh = _render(_unit(None, "Deux"), FontConfiguration())
    assert _folios(second) == _folios(fresh)
    assert _folios(first)[0].split()[-1] == "37" and _folios(second)[0].split()[-1] == "1"
    assert _folios(third)[0].split()[-1] == "37"
    assert "verso" in _folios(second)[1]  # the shared sheet's page rules still apply
    assert [p.height for p in second.pages] == [p.height for p in fresh.pages]
    assert second.write_pdf() == fresh.write_pdf()


def test_outside_the_block_weasyprint_parses_as_it_did():
    original = weasyprint.css.CSS
    with parsed_once({}):
        assert weasyprint.css.CSS is not original
    assert weasyprint.css.CSS is original
