"""What each language asks of the typesetter: its quotation marks two deep, its aside dash, and
French's spaces before punctuation (typesetter.py applies them)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

NNBSP = "\u202f"  # NARROW NO-BREAK SPACE
NBSP = "\u00a0"  # NO-BREAK SPACE


@dataclass(frozen=True, slots=True)
class Profile:
    """What one language wants; empty strings mean "no such space"."""

    french: bool
    high_space: str = ""  # before ; ! ? when the author typed a space there
    insert_high: bool = False  # add that space when the author typed none
    colon_space: str = ""
    guillemet_space: str = ""
    # Outer and inner quotation marks (what `"` and `'` become, outside French).
    primary: tuple[str, str] = ("\u201c", "\u201d")
    secondary: tuple[str, str] = ("\u2018", "\u2019")
    # The dash of an aside (`---`, or `--` between spaces); `--` elsewhere is an en dash.
    aside_dash: str = "\u2014"


# Quotation marks and the aside dash, by language and region (None: every region). Sources:
# Duden (de: „ “ ‚ ‘, Gedankenstrich –), Swiss usage (de-CH: « » ‹ ›), Real Academia Española
# (es: « » “ ”, raya —), Accademia della Crusca / Treccani (it: « » “ ”, lineetta –), Portuguese
# and Brazilian usage (pt: « » “ ”, pt-BR: “ ” ‘ ’, travessão —), Taalunie (nl: “ ” ‘ ’,
# gedachtestreepje –), Chicago (en: “ ” ‘ ’, em dash) and New Hart's Rules (en-GB: ‘ ’ “ ”,
# spaced en dash).
_QUOTES: dict[tuple[str, str | None], tuple[tuple[str, str], tuple[str, str], str]] = {
    ("en", None): (("\u201c", "\u201d"), ("\u2018", "\u2019"), "\u2014"),
    ("en", "gb"): (("\u2018", "\u2019"), ("\u201c", "\u201d"), "\u2013"),
    ("de", None): (("\u201e", "\u201c"), ("\u201a", "\u2018"), "\u2013"),
    ("de", "ch"): (("\u00ab", "\u00bb"), ("\u2039", "\u203a"), "\u2013"),
    ("de", "li"): (("\u00ab", "\u00bb"), ("\u2039", "\u203a"), "\u2013"),
    ("es", None): (("\u00ab", "\u00bb"), ("\u201c", "\u201d"), "\u2014"),
    ("it", None): (("\u00ab", "\u00bb"), ("\u201c", "\u201d"), "\u2013"),
    ("pt", None): (("\u00ab", "\u00bb"), ("\u201c", "\u201d"), "\u2014"),
    ("pt", "br"): (("\u201c", "\u201d"), ("\u2018", "\u2019"), "\u2014"),
    ("nl", None): (("\u201c", "\u201d"), ("\u2018", "\u2019"), "\u2013"),
}


# Every character other_quote reads: straight quotes and the marks of every language above.
QUOTE_CHARS = frozenset("\"'\u201c\u201d\u2018\u2019\u201e\u201a\u00ab\u00bb\u2039\u203a")


@lru_cache(maxsize=64)
def profile_for(lang: str) -> Profile:
    """Map a BCP 47 tag (``fr``, ``fr_CA``, ``fr-Latn-CH``…) to its rules."""
    parts = lang.replace("_", "-").lower().split("-")
    region = next((p for p in parts[1:] if len(p) == 2 and p.isalpha()), "")
    if parts[0] != "fr":
        marks = _QUOTES.get((parts[0], region)) or _QUOTES.get((parts[0], None)) \
            or _QUOTES[("en", None)]
        return Profile(False, primary=marks[0], secondary=marks[1], aside_dash=marks[2])
    # French houses set asides between spaced en dashes (Lexique de l'Imprimerie nationale).
    if region == "ca":
        return Profile(True, NNBSP, False, NBSP, NBSP, aside_dash="\u2013")
    if region == "ch":
        return Profile(True, NNBSP, True, NNBSP, NNBSP, aside_dash="\u2013")
    return Profile(True, NNBSP, True, NBSP, NNBSP, aside_dash="\u2013")
