"""What each language asks of the typesetter: its quotation marks two deep, its aside dash, and
French's spaces before punctuation (typesetter.py applies them)."""

from __future__ import annotations

from dataclasses import dataclass, replace
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
    # Whether the aside's em dash is spaced (an en dash always is): Chicago and the Real
    # Academia set it close (« word—aside—word », « dijo —y se fue— que »), French and the
    # others with spaces.
    incise_spaced: bool = True


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


# Languages whose em dash of an aside is set close (see Profile.incise_spaced).
_CLOSED_EM = frozenset({"en", "es"})

INCISE_DASHES = {"en": "\u2013", "em": "\u2014"}


@lru_cache(maxsize=64)
def profile_for(lang: str, incise_dash: str | None = None) -> Profile:
    """Map a BCP 47 tag (``fr``, ``fr_CA``, ``fr-Latn-CH``…) to its rules; `incise_dash`
    ("en" or "em", `[typography] incise_dash`) replaces the language's aside dash."""
    base = _language_profile(lang)
    spaced = lang.replace("_", "-").lower().split("-")[0] not in _CLOSED_EM
    if incise_dash is None:
        return replace(base, incise_spaced=spaced)
    return replace(base, aside_dash=INCISE_DASHES[incise_dash], incise_spaced=spaced)


def _language_profile(lang: str) -> Profile:
    """The rules of one language, with its own aside dash."""
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


# Little words a lead-in (lead_in.py) or a title's line (titles.py) does not end on: articles,
# prepositions, conjunctions, possessives, pronouns.
_LIGHT = {
    "fr": "le la les l un une des du de d au aux à a en et ou ni mais or donc car que qu qui "
          "ce cet cette ces se s sa son ses mon ma mes ton ta tes notre nos votre vos leur leurs "
          "par pour sur sous dans avec sans vers chez entre il elle on ils elles nous vous je j "
          "tu ne n y",
    "en": "a an the and or nor but of to in on at by for with from as into onto our your their "
          "its his her my we you they it is was",
    "de": "der die das den dem des ein eine einen einem einer eines und oder aber zu im in am "
          "an auf mit von für aus bei nach vor",
    "es": "el la los las lo un una unos unas y o e u ni pero de del a al en con por para sin "
          "su sus se que",
    "it": "il lo la i gli le l un uno una un e o ma di del della dei delle a al alla da dal in "
          "nel nella con per su tra fra che si",
    "pt": "o a os as um uma uns umas e ou mas de do da dos das em no na nos nas por para com "
          "sem ao à que se",
    "nl": "de het een en of maar van in op aan met voor door bij uit naar te",
}
_CONJUNCTIONS = {
    "fr": "et ou mais donc car ni or quand lorsque puisque comme",
    "en": "and or but nor yet when because while",
    "de": "und oder aber denn sondern wenn weil",
    "es": "y o pero ni porque cuando",
    "it": "e o ma né perché quando",
    "pt": "e ou mas nem porque quando",
    "nl": "en of maar want omdat wanneer",
}


def _words(table: dict[str, str], lang: str) -> frozenset[str]:
    return frozenset(table.get(lang.replace("_", "-").lower().split("-")[0], "").split())


@lru_cache(maxsize=16)
def light_words(lang: str) -> frozenset[str]:
    """The little words of lang (lower case); none for a language without a table."""
    return _words(_LIGHT, lang)


@lru_cache(maxsize=16)
def conjunctions(lang: str) -> frozenset[str]:
    """The conjunctions before which a title may break by sense (lower case)."""
    return _words(_CONJUNCTIONS, lang)
