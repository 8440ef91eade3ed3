"""The DOCX's reference document: pandoc's own, its styles set like the print book's (the
book's serif, its body size and leading, italic headings, block quotes, captions, notes)."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import docx
import pypandoc
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from fontTools.ttLib import TTFont

from make_book.assets.fonts import font_files
from make_book.core.files import digest
from make_book.core.model import Book
from make_book.core.store import ContentCache

# (style, size in points, italic, small capitals): pdf.css's sizes.
STYLES = {
    "Normal": (10.5, False, False), "Body Text": (10.5, False, False),
    "First Paragraph": (10.5, False, False), "Compact": (10.5, False, False),
    "Title": (24, True, False), "Subtitle": (14, True, False), "Author": (11, False, False),
    "Heading 1": (20, True, False), "Heading 2": (14, True, False),
    "Heading 3": (11.5, True, False), "Heading 4": (10.5, False, True),
    "Block Text": (9.5, False, False), "Footnote Text": (8.5, False, False),
    "Image Caption": (9, True, False), "Table Caption": (9, True, False),
    "Caption": (9, True, False), "Bibliography": (10, False, False),
}
INDENT = Pt(12.6)  # pdf.css: a paragraph's first line, 1.2em of 10.5pt


def serif_family(book: Book) -> str:
    """The family name of the book's text face (its first serif font that is not display)."""
    fonts = [f for f in font_files(book) if f.suffix.lower() in (".otf", ".ttf")]
    text = [f for f in fonts if "Sans" not in f.stem and "Display" not in f.stem] or fonts
    if not text:
        return "Georgia"
    with TTFont(text[0], lazy=True) as font:
        names = font["name"]
        return str(names.getDebugName(16) or names.getDebugName(1) or "Georgia")


def reference_docx(book: Book, cache: Path) -> Path:
    """The reference document for this book's fonts, made once (cached by content)."""
    base = subprocess.run([pypandoc.get_pandoc_path(), "--print-default-data-file",
                           "reference.docx"], capture_output=True, check=True,
                          timeout=60).stdout
    family = serif_family(book)
    key = digest(base, family, Path(__file__).read_bytes())
    return ContentCache(cache).file("docx", f"reference-{key[:32]}.docx",
                                    lambda: styled(base, family))


def styled(base: bytes, family: str) -> bytes:
    """pandoc's reference.docx with the book's styles."""
    document = docx.Document(io.BytesIO(base))
    for name, (size, italic, small_caps) in STYLES.items():
        try:
            style = document.styles[name]
        except KeyError:
            continue
        font = style.font
        font.name = family
        rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            rfonts.set(qn(attribute), family)
        for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
            rfonts.attrib.pop(qn(attribute), None)  # a theme font would win over the name
        font.size = Pt(size)
        font.italic = italic
        font.small_caps = small_caps
        font.color.rgb = RGBColor(0, 0, 0)
        if name.startswith("Heading") or name == "Title":
            font.bold = False
    body = document.styles["Body Text"].paragraph_format
    body.first_line_indent = INDENT
    body.space_before = body.space_after = Pt(0)
    body.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    body.line_spacing = Pt(14)
    first = document.styles["First Paragraph"].paragraph_format
    first.first_line_indent = Pt(0)
    quote = document.styles["Block Text"].paragraph_format
    quote.left_indent = quote.right_indent = INDENT
    quote.space_before = quote.space_after = Pt(7)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
