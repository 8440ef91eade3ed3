"""What a writer made: one record per file (or the web edition's folder), handed on by the
build to whatever needs it (the EPUB the print PDF's page breaks, the web edition every EPUB
and PDF it offers, a release the description of each file), so that no step has to read a
meaning back out of a file name.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Where the print edition turns its pages: chapter key → [(page label, block index)], block
# index -1 being the chapter's start (pagination.py).
PageBreaks = dict[str, list[tuple[str, int]]]


@dataclass(frozen=True)
class Artifact:
    """One output of a writer and what is known of it without opening it."""

    edition: str  # the edition's key: "omnibus" or "part-N"
    format: str  # "epub", "pdf", "html" or "docx"
    variant: str | None  # "print", "screen" or "cover" for a PDF, "web" for the site
    path: Path
    pages: int | None = None  # PDFs only
    page_breaks: PageBreaks | None = None  # the print PDF only, for the EPUB's page list
    notes: tuple[str, ...] = ()  # what the writer changed on its own, said to the user

    def moved(self, path: Path) -> Artifact:
        """The same record for the file at its new place (staging → dist/)."""
        return dataclasses.replace(self, path=path)

    def record(self) -> dict[str, Any]:
        """The record without its path, as JSON: the output store keeps it with the file,
        so that an output carried over to the next build comes back with it."""
        return {"edition": self.edition, "format": self.format, "variant": self.variant,
                "pages": self.pages, "page_breaks": self.page_breaks, "notes": list(self.notes)}

    @classmethod
    def from_record(cls, data: object, path: Path) -> Artifact | None:
        """The artifact `record()` described, at path; None for anything else (a store
        written by another version, or damaged)."""
        if not isinstance(data, dict):
            return None
        try:
            breaks = data.get("page_breaks")
            return cls(
                edition=str(data["edition"]), format=str(data["format"]),
                variant=None if data["variant"] is None else str(data["variant"]), path=path,
                pages=None if data.get("pages") is None else int(data["pages"]),
                # JSON turned the (label, index) pairs into lists.
                page_breaks=None if breaks is None else {
                    str(key): [(str(label), int(index)) for label, index in marks]
                    for key, marks in breaks.items()},
                notes=tuple(str(note) for note in data.get("notes") or ()))
        except (KeyError, TypeError, ValueError, AttributeError):
            return None


def find(artifacts: list[Artifact], edition: str, format: str,
         variant: str | None) -> Artifact | None:
    """The artifact of this edition, format and variant among artifacts, if there is one."""
    return next((a for a in artifacts if (a.edition, a.format, a.variant)
                 == (edition, format, variant)), None)
