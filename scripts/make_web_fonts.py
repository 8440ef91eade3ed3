"""Convert the default fonts (src/make_book/styles/fonts) to the WOFF2 files the web edition
serves, into src/make_book/web_fonts/, named as the build's cache names them. A build finds
them there instead of converting the same fonts again; a font they do not match (another
font, or another conversion) is converted as before.

    .venv/bin/python scripts/make_web_fonts.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from make_book.assets.fonts import SHIPPED_WEB_FONTS, convert_fonts, web_font_name
from make_book.core.files import PACKAGE_STYLES


def main() -> int:
    fonts = sorted(p for p in (PACKAGE_STYLES / "fonts").iterdir()
                   if p.suffix.lower() in (".otf", ".ttf"))
    shutil.rmtree(SHIPPED_WEB_FONTS, ignore_errors=True)
    SHIPPED_WEB_FONTS.mkdir()
    with tempfile.TemporaryDirectory() as scratch:
        cache, dest = Path(scratch) / "cache", Path(scratch) / "out"
        convert_fonts(fonts, cache, dest)
        for font in fonts:
            name = web_font_name(font.stem, font.read_bytes())
            shutil.copyfile(cache / "web-fonts" / name, SHIPPED_WEB_FONTS / name)
            print(f"{name}: {(SHIPPED_WEB_FONTS / name).stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
