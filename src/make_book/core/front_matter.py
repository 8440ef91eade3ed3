"""The front matter make-book reads: the YAML keys of a part's _part.md, of a chapter, and of
the front and back matter files with their roles, declared once (the reader checks them,
docs/configuration.md lists them)."""

from __future__ import annotations

from dataclasses import dataclass

from make_book.core.settings_schema import PART_STATUSES

# The roles of front and back matter files (`role:`), from the EPUB 3 structural semantics
# vocabulary; about-the-author is its `contributors`. The half-title, title and copyright
# pages are make-book's own.
FRONT_ROLES = ("dedication", "epigraph", "foreword", "preface", "introduction", "prologue")


BACK_ROLES = ("appendix", "afterword", "epilogue", "acknowledgments", "glossary",
              "bibliography", "index", "colophon", "about-the-author")


# Set alone on a right-hand page, with no heading and no running head.
UNTITLED_ROLES = ("dedication", "epigraph")


# At most one of these in a book.
SINGLE_ROLES = ("dedication", "foreword", "preface", "introduction", "prologue", "afterword",
                "epilogue", "acknowledgments", "glossary", "bibliography", "index", "colophon")


@dataclass(frozen=True)
class FrontKey:
    """One key of a Markdown file's YAML front matter; every value is text."""

    name: str
    description: str
    example: str  # the value as written in YAML
    required: bool = False
    allowed: tuple[str, ...] = ()
    default_text: str = ""


@dataclass(frozen=True)
class FrontMatter:
    """The front matter keys of one kind of file (a part's _part.md, a chapter)."""

    name: str  # how messages name the file: "a part's _part.md"
    keys: tuple[FrontKey, ...]

    @property
    def names(self) -> list[str]:
        """The names of its keys, in order."""
        return [k.name for k in self.keys]

    def allowed(self, name: str) -> tuple[str, ...]:
        """The values the key accepts (an empty tuple: any text)."""
        return next(k.allowed for k in self.keys if k.name == name)


PART = FrontMatter("a part's _part.md", (
    FrontKey("title", "The part's title.", "Quand l'exécution s'effondre", required=True),
    FrontKey("subtitle", "A subtitle, under the title.", "Troisième partie"),
    FrontKey("summary", "One or two sentences on the part, on its opening page.",
             "Ce qui vient après."),
    FrontKey("url", "The part's address elsewhere (http:// or https://): the web "
             "edition links to it while the part has no page of its own.",
             "https://example.org/partie-3"),
    FrontKey("status", "A forthcoming part is announced, its chapters left out.", "forthcoming",
             allowed=PART_STATUSES,
             default_text="published if the folder has chapters, else forthcoming"),
    FrontKey("hero", "An image atop the part's opening page, in every edition.",
             "assets/thumbnail.jpg"),
    FrontKey("identifier", "The identifier of the part's own volume.", "urn:isbn:9782000000001",
             default_text="a UUID made from the book's title and the part's folder"),
    FrontKey("cover", "The volume's own front cover (a series), used as made, as [book] cover "
             "is for the book.", "assets/cover-3.jpg",
             default_text="the book's cover, else one drawn"),
))


FRONT = FrontMatter("a file of manuscript/front/", (
    FrontKey("role", "What the file is, from the EPUB vocabulary.", "dedication", required=True,
             allowed=FRONT_ROLES),
    FrontKey("title", "Its title, when its first `#` heading should not be (a dedication "
             "and an epigraph have none: the title names them in the contents of the EPUB).",
             "Remerciements", default_text="the `#` heading, else the role's name"),
))


BACK = FrontMatter("a file of manuscript/back/", (
    FrontKey("role", "What the file is, from the EPUB vocabulary.", "appendix", required=True,
             allowed=BACK_ROLES),
    FrontKey("title", "Its title, when its first `#` heading should not be.", "Sources",
             default_text="the `#` heading, else the role's name"),
))


CHAPTER = FrontMatter("a chapter", (
    FrontKey("title", "The chapter's title, when its first `#` heading should not be.",
             "Un titre plus court", default_text="the chapter's `#` heading"),
))
