"""Every word the editions print themselves, per language, and the language's conventions.

Tables live in `locales/<lang>.toml` (`en`, `fr`, `de`, `es`, `it`, `pt`, `nl`), with regional
files (`fr-CA`, `de-CH`, `pt-BR`, `en-GB`…) holding only what differs: a tag is read as
English, then its language, then its region, each overriding the one before. A language
without a table gets English labels (make-book check warns, W003).
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from functools import cache

from babel import UnknownLocaleError
from babel.dates import format_date

from make_book.core.files import PACKAGE

LOCALES_DIR = PACKAGE / "locales"
SUPPORTED = ("en", "fr", "de", "es", "it", "pt", "nl")
# A BCP 47 language tag as book.toml and `init --lang` take it: "fr", "fr-CA", "pt-BR".
LANG_TAG = re.compile(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*")


def base_language(lang: str) -> str:
    """`fr` for `fr-CA`, `pt` for `pt_BR`: the language subtag, lower-case."""
    return lang.replace("_", "-").split("-")[0].lower()


def region(lang: str) -> str:
    """`CA` for `fr-CA`, `BR` for `pt-br`; "" when the tag names none."""
    return next((p.upper() for p in lang.replace("_", "-").split("-")[1:]
                 if len(p) == 2 and p.isalpha()), "")


def supported(lang: str) -> bool:
    """Whether make-book has a table for the tag's language."""
    return base_language(lang) in SUPPORTED


@cache
def strings(lang: str) -> dict[str, str]:
    """The string table for a BCP 47 tag: English, then the language, then the region."""
    base, area = base_language(lang), region(lang)
    table = dict(tomllib.loads((LOCALES_DIR / "en.toml").read_text(encoding="utf-8")))
    for name in (base, f"{base}-{area}" if area else ""):
        path = LOCALES_DIR / f"{name}.toml"
        if name and name != "en" and path.is_file():
            table.update(tomllib.loads(path.read_text(encoding="utf-8")))
    return table


def ordinal_part(lang: str, number: int) -> str:
    """« Troisième partie » / "Part Three" / „Dritter Teil“."""
    table = strings(lang)
    words = table["ordinals"].split(",")
    word = words[number - 1].strip() if 0 < number <= len(words) else str(number)
    return table["part_ordinal"].format(ordinal=word, number=number)


def month_year(iso: str, lang: str) -> str:
    """A month written out with its year: « novembre 2026 », "November 2026"."""
    day = dt.date.fromisoformat(iso[:7] + "-01")
    for name in (base_language(lang) + (f"_{region(lang)}" if region(lang) else ""),
                 base_language(lang), "en"):
        try:
            return format_date(day, "LLLL y", locale=name)
        except (UnknownLocaleError, ValueError):
            continue
    raise AssertionError("English is always known")


def long_date(iso: str, lang: str) -> str:
    """A date written out as the language writes it: « 26 novembre 2026 », "November 26,
    2026", „26. November 2026“ (CLDR's long format, through Babel)."""
    day = dt.date.fromisoformat(iso)
    locale = base_language(lang) + (f"_{region(lang)}" if region(lang) else "")
    text = None
    for name in (locale, base_language(lang), "en"):  # a tag CLDR does not know: fall back
        try:
            text = format_date(day, "long", locale=name)
            break
        except (UnknownLocaleError, ValueError):
            continue
    assert text is not None  # "en" is always known
    if base_language(lang) == "fr" and day.day == 1:
        text = "1er" + text[1:]  # le premier du mois: « 1er novembre »
    return text
