"""The screen PDF: the print layout's pages made into a document read on a screen.

It is drawn from the pages the print PDF was laid out in, so that its folios are the print
edition's: the cover first, the blank versos left out, no bleed, no crop marks, links in
colour, and each page's text block centred (print mirrors its margins for the binding,
which on a screen only makes the text jump from side to side). It is tagged as PDF/UA-1:
structure tree, language, title and alternative texts, for screen readers.
"""

from __future__ import annotations

from tinycss2.color5 import parse_color
from weasyprint import Document, Page
from weasyprint.layout.background import layout_box_backgrounds

# The screen edition's link colour: the web edition's accent.
SCREEN_LINK = "#7a3a22"
# Links that keep the text's colour on screen: cross-references and the table of contents
# read as text, and their page number says where they lead.
PLAIN_LINKS = ("xref", "toc-link")
# The screen edition's standard when [pdf] variant names none: PDF/UA-1, a tagged PDF for
# screen readers (the print file is PDF/X, which a printer reads).
SCREEN_VARIANT = "pdf/ua-1"


def screen_options(variant: str | None) -> dict[str, object]:
    """write_pdf's options for the screen file: tagged, PDF/UA-1 unless [pdf] variant asks
    for another standard (WeasyPrint writes one), tagged all the same."""
    return {"pdf_variant": variant or SCREEN_VARIANT, "pdf_tags": True}


def screen_layout(document: Document, cover: list[Page]) -> Document:
    """The print layout as the screen edition: cover pages first, no blank page, no bleed,
    no crop marks, links in colour, symmetric margins. Drawing reads the boxes again, so
    restyling and moving them after the print PDF is written changes only what comes next."""
    colour = parse_color(SCREEN_LINK)
    pages = []
    for page in document.pages:
        box = page._page_box  # noqa: SLF001 - what WeasyPrint knows of a page
        if box.page_type.blank:
            continue
        if box.style["marks"]:
            box.style = box.style.copy()
            box.style["marks"] = ()  # the computed value of `marks: none`
        _colour_links(box, colour)
        _centre(box)
        centred = Page(box)  # its links, anchors and bookmarks where the boxes now are
        centred.bleed = dict.fromkeys(page.bleed, 0)
        pages.append(centred)
    return document.copy(cover + pages)


def _centre(page_box: object) -> None:
    """Move a page's content (text, running head, folio, notes) sideways so that its left
    and right margins are equal. The text block keeps its width: laid out again with these
    margins, the page would break its lines and pages exactly as it does, so moving it
    gives the same page at no cost of a second layout."""
    shift = (page_box.margin_right - page_box.margin_left) / 2
    if not shift:
        return
    # Backgrounds (the footnote rule) are placed once laid out: placed again where their
    # boxes now are, from the images already loaded.
    images = {}
    for box in page_box.descendants():
        if getattr(box, "background", None) is not None:
            images.update((value, layer.image) for (kind, value), layer in zip(
                box.style["background_image"], box.background.layers, strict=False)
                if kind == "url")
    for child in page_box.children:
        child.translate(shift, 0)
        layout_box_backgrounds(page_box, child,
                               lambda url, orientation=None: images.get(url))


def _colour_links(page_box: object, colour: object) -> None:
    done: set[int] = set()
    for box in page_box.descendants():
        element = getattr(box, "element", None)
        if (getattr(box, "element_tag", None) != "a" or element is None
                or not element.get("href") or id(box) in done
                or set((element.get("class") or "").split()) & set(PLAIN_LINKS)):
            continue
        for inner in box.descendants():
            if id(inner) not in done and hasattr(inner, "style"):
                done.add(id(inner))
                inner.style = inner.style.copy()  # a style may be shared with other boxes
                inner.style["color"] = colour
