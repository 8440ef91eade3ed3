"""Every word the editions print themselves, per language (French and English built in)."""

from __future__ import annotations

import tomllib
from functools import cache

from make_book.core.files import PACKAGE

LOCALES_DIR = PACKAGE / "locales"


@cache
def strings(lang: str) -> dict[str, str]:
    """The string table for a BCP 47 tag: `fr-CA` falls back to `fr`, unknown ones to `en`."""
    base = lang.split("-")[0].lower()
    table = dict(tomllib.loads((LOCALES_DIR / "en.toml").read_text(encoding="utf-8")))
    path = LOCALES_DIR / f"{base}.toml"
    if base != "en" and path.is_file():
        table.update(tomllib.loads(path.read_text(encoding="utf-8")))
    return table


def ordinal_part(lang: str, number: int) -> str:
    """« Troisième partie » / "Part Three"."""
    table = strings(lang)
    words = table["ordinals"].split(",")
    word = words[number - 1].strip() if 0 < number <= len(words) else str(number)
    return table["part_ordinal"].format(ordinal=word, number=number)
