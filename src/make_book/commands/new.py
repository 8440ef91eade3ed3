"""`make-book new part|chapter TITLE`: the next numbered folder or file, named from the title."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from make_book.core.diagnostics import fail
from make_book.core.names import slugify

_NUMBERED = re.compile(r"^(\d+)-")
_FORTHCOMING = re.compile(r"^status:\s*[\"']?forthcoming\b", re.M)


def _front(path: Path) -> str:
    """The front matter block of a _part.md ('' when there is none or no file)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
    return text.split("\n---", 1)[0] if text.startswith("---") else ""


def _next_number(entries: list[Path]) -> tuple[int, int]:
    """(next number, digits to write it with): one past the highest, as wide as the widest."""
    numbers = [(int(m.group(1)), len(m.group(1))) for e in entries
               if (m := _NUMBERED.match(e.name))]
    if not numbers:
        return 1, 2
    return max(n for n, _ in numbers) + 1, max(2, max(width for _, width in numbers))


def _manuscript(root: Path) -> Path:
    manuscript = root / "manuscript"
    if not manuscript.is_dir():
        raise fail("E001", f"no manuscript/ folder in {root}", root,
                   hint="run it in a project folder, give one with --project, or start one "
                   "with `make-book init DIR`")
    return manuscript


def _parts(manuscript: Path) -> list[Path]:
    return sorted((p for p in manuscript.iterdir() if p.is_dir() and _NUMBERED.match(p.name)),
                  key=lambda p: int(_NUMBERED.match(p.name).group(1)))  # type: ignore[union-attr]


def _chapters(folder: Path) -> list[Path]:
    return [p for p in folder.glob("*.md") if _NUMBERED.match(p.name)]


def new_part(root: Path, title: str) -> Path:
    """Create manuscript/NN-slug/_part.md; return its path."""
    manuscript = _manuscript(root)
    if _chapters(manuscript):
        raise fail("E013", "this book keeps its chapters directly in manuscript/: a part folder "
                   "next to them is an error", manuscript,
                   hint="move the chapters into a first part folder (NN-slug/ with a _part.md) "
                   "before adding a part")
    number, width = _next_number(_parts(manuscript))
    folder = manuscript / f"{number:0{width}d}-{slugify(title)}"
    folder.mkdir()
    path = folder / "_part.md"
    front = yaml.safe_dump({"title": title}, allow_unicode=True, sort_keys=False)
    # No `status:` yet: a part without chapters is forthcoming, and published once it has some.
    path.write_text(f"---\n{front}---\n", encoding="utf-8")
    return path


def new_chapter(root: Path, title: str, part: int | None = None) -> Path:
    """Create the next NN-slug.md in the last part (or part `part`), or in manuscript/ for a
    book without parts; return its path."""
    manuscript = _manuscript(root)
    parts = _parts(manuscript)
    if part is not None:
        chosen = [p for p in parts if int(_NUMBERED.match(p.name).group(1)) == part]  # type: ignore[union-attr]
        if not chosen:
            names = ", ".join(p.name for p in parts) or "none"
            raise fail("E015", f"no part {part} in manuscript/ (parts: {names})", manuscript,
                       hint="create it with `make-book new part TITLE`")
        folder = chosen[0]
    else:
        # The last part being written: a part that says `status: forthcoming` hides its
        # chapters from every edition, so it is only chosen with --part.
        open_parts = [p for p in parts if not _FORTHCOMING.search(_front(p / "_part.md"))]
        folder = (open_parts or parts)[-1] if parts else manuscript
    number, width = _next_number(_chapters(folder))
    path = folder / f"{number:0{width}d}-{slugify(title)}.md"
    heading = " ".join(title.split())
    path.write_text(f"# {heading}\n\n", encoding="utf-8")
    return path
