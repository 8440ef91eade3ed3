"""Typography hints on the Markdown an author typed: what the typography pass cannot fix.

The pipeline already sets « guillemets », apostrophes, dashes, ellipses and the spaces before
French punctuation, so none of that is reported. What it cannot decide is reported instead,
with its line and column in the source file:

- W050 a quotation opened in a paragraph and never closed (nor continued, by the convention
  that opens each following paragraph of a long quotation again);
- W051 a French capital without its accent (« Etat », « A la fin », « Ca »);
- W052 a French word written with « oe » where it takes the ligature « œ » (coeur, oeuvre);
- W053 a space typed before a comma or a full stop, which no language sets;
- W054 a space typed before ; : ! ? in a book that is not French;
- W055 `etc.` followed by an ellipsis, which repeats it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from make_book.core.diagnostics import Report
from make_book.core.model import Book

# Spans whose characters are not prose, masked (same length, newlines kept) before matching so
# that columns stay those of the file. What reads as a word in the sentence (code, a link's
# destination, a reference, a URL) is masked with letters: `[link](x.md) ,` still has a space
# before its comma. Markup that is not read (tags, comments, attributes) is masked with a
# private-use character, neither a space nor a letter.
_WORDLIKE = "x"
_INVISIBLE = "\ue000"
_MASKS = [
    (re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S), _INVISIBLE),  # fenced code
    (re.compile(r"<!--.*?-->", re.S), _INVISIBLE),  # comments
    (re.compile(r"(`+).+?\1", re.S), _WORDLIKE),  # inline code
    (re.compile(r"\]\([^)\n]*\)"), _WORDLIKE),  # link and image destinations
    (re.compile(r"\{[#.][^}\n]*\}|\{[a-z-]+=[^}\n]*\}"), _INVISIBLE),  # {#fig:x alt="…"}
    (re.compile(r"^\s*\[[^\]\n]+\]:\s+\S+.*$", re.M), _INVISIBLE),  # reference definitions
    (re.compile(r"</?[A-Za-z][^>\n]*>"), _INVISIBLE),  # raw HTML tags, <https://…> autolinks
    (re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s)\]]+|\bwww\.[^\s)\]]+", re.I), _WORDLIKE),  # URLs
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), _WORDLIKE),  # e-mail addresses
    (re.compile(r"@(?:fig|tbl|sec):[\w:-]*\w"), _WORDLIKE),  # references
    (re.compile(r"\b\d{1,2}:\d{2}\b"), _WORDLIKE),  # times
    (re.compile(r"\$[^$\n]+\$"), _WORDLIKE),  # inline math
]

# Common French words whose capital takes an accent; the list is short on purpose: only words
# that have no unaccented spelling, so a hit is always a missing accent.
_ACCENTED_CAPITALS = {
    "Etat": "État", "Etats": "États", "Ecole": "École", "Ecoles": "Écoles", "Eglise": "Église",
    "Egalement": "Également", "Egalite": "Égalité", "Epoque": "Époque", "Etre": "Être",
    "Etude": "Étude", "Etudes": "Études", "Evidemment": "Évidemment", "Economie": "Économie",
    "Education": "Éducation", "Elève": "Élève", "Eleve": "Élève", "Elèves": "Élèves",
    "Evénement": "Événement", "Evenement": "Événement", "Ecrire": "Écrire", "Ecrit": "Écrit",
    "Etait": "Était", "Etaient": "Étaient", "Etant": "Étant", "Ca": "Ça",
}
_CAPITALS = re.compile(r"\b(" + "|".join(sorted(_ACCENTED_CAPITALS, key=len, reverse=True))
                       + r")\b")
# « A » opening a sentence is « À » (the verb « a » does not open a French sentence); the
# Latin locutions keep their plain « a ».
_SENTENCE_A = re.compile(r"(?:^|(?<=[.!?…]\s)|(?<=[#>*-]\s)|(?<=^\d\.\s))A(?= [a-zà-ÿ])"
                         r"(?! (?:priori|posteriori|fortiori|contrario|minima|maxima)\b)", re.M)
_LIGATURE = re.compile(r"\b\w*?(o)e(?:u|il|sophag|strog|cum|nolog|dème|tus)\w*", re.I)
_SPACE_BEFORE_STOP = re.compile(r"(?<=[\w»”)’])[ \t]+([,.])(?=\s|$)", re.M)
_SPACE_BEFORE_HIGH = re.compile(r"(?<=[\w»”)’])[ \t\u00a0\u202f]+([;:!?])(?=\s|$)", re.M)
_ETC = re.compile(r"\betc\.?(?:\.\.|…)", re.I)
_PARAGRAPHS = re.compile(r"(?:[^\n]*\S[^\n]*(?:\n|$))+")


@dataclass(frozen=True)
class Hint:
    code: str
    offset: int  # in the chapter's Markdown body
    message: str


def mask(text: str) -> str:
    """text with code, URLs, link targets, attributes and tags blanked, lengths unchanged."""
    chars = list(text)
    for regex, filler in _MASKS:
        for match in regex.finditer("".join(chars)):
            for i in range(match.start(), match.end()):
                if chars[i] != "\n":
                    chars[i] = filler
    return "".join(chars)


def hints(text: str, lang: str) -> Iterator[Hint]:
    """Every hint for one Markdown body, in the order they occur."""
    prose = mask(text)
    french = lang.lower().split("-")[0].split("_")[0] == "fr"
    found: list[Hint] = list(_quotes(prose))
    if french:
        for m in _CAPITALS.finditer(prose):
            word = m.group(1)
            found.append(Hint("W051", m.start(), f"« {word} »: French capitals keep their "
                              f"accents, write « {_ACCENTED_CAPITALS[word]} »"))
        for m in _SENTENCE_A.finditer(prose):
            found.append(Hint("W051", m.start(), "« A » opening a sentence is the preposition: "
                              "write « À » (French capitals keep their accents)"))
        for m in _LIGATURE.finditer(prose):
            word = m.group(0)
            fixed = word[:m.start(1) - m.start()] + ("Œ" if m.group(1) == "O" else "œ") \
                + word[m.start(1) - m.start() + 2:]
            found.append(Hint("W052", m.start(), f"« {word} » takes the ligature: « {fixed} »"))
    for m in _SPACE_BEFORE_STOP.finditer(prose):
        found.append(Hint("W053", m.start(), f"space before `{m.group(1)}`: no language sets "
                          "one there, remove it"))
    if not french:
        for m in _SPACE_BEFORE_HIGH.finditer(prose):
            found.append(Hint("W054", m.start(), f"space before `{m.group(1)}`: a French habit; "
                              f"this book's language ({lang}) sets none, remove it"))
    for m in _ETC.finditer(prose):
        found.append(Hint("W055", m.start(), "`etc.` already ends the list: drop the "
                          "ellipsis after it"))
    return iter(sorted(found, key=lambda h: h.offset))


def _quotes(prose: str) -> Iterator[Hint]:
    """W050: per paragraph, a quotation left open that the next paragraph does not continue."""
    paragraphs = list(_PARAGRAPHS.finditer(prose))
    for index, para in enumerate(paragraphs):
        text = para.group(0)
        opened = _unclosed(text)
        if opened is None:
            continue
        following = paragraphs[index + 1].group(0).lstrip(" >*-") if index + 1 < len(
            paragraphs) else ""
        if following[:1] in ('"', "«", "“"):
            continue  # a long quotation: each paragraph opens again, only the last one closes
        yield Hint("W050", para.start() + opened, "quotation opened here is never closed in "
                   "its paragraph: the pipeline pairs quotes within a paragraph, so this one "
                   "and the next will face the wrong way")


def _unclosed(text: str) -> int | None:
    """Offset of the quote left open in one paragraph, or None when they balance."""
    straight = [m.start() for m in re.finditer(r'"', text)]
    if len(straight) % 2:
        return straight[-1]
    for opening, closing in (("«", "»"), ("“", "”")):
        depth, first = 0, None
        for m in re.finditer(f"[{opening}{closing}]", text):
            if m.group(0) == opening:
                first = m.start() if depth == 0 else first
                depth += 1
            elif depth:
                depth -= 1
        if depth and first is not None:
            return first
    return None


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of offset in text."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def run(book: Book, report: Report) -> None:
    """Add the hints of every chapter and part introduction to the report, located."""
    seen: set[Path] = set()
    for chapter in book.documents():
        if chapter.source in seen:
            continue
        seen.add(chapter.source)
        for hint in hints(chapter.text, book.config.lang):
            line, col = position(chapter.text, hint.offset)
            report.warn(hint.code, hint.message, chapter.source, line + chapter.line_offset, col)
