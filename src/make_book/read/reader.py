"""Read the manuscript folder into the Book model: book.toml, parts, chapters, front matter."""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import yaml

from make_book.assets.font_roles import resolve_fonts
from make_book.assets.fonts import default_faces
from make_book.core.config import load_config
from make_book.core.diagnostics import BookError, Report, fail
from make_book.core.front_matter import BACK, CHAPTER, FRONT, PART, SINGLE_ROLES, FrontMatter
from make_book.core.locales import strings
from make_book.core.model import Book, Chapter, Part
from make_book.core.names import stable_uuid
from make_book.core.settings_schema import suggestion
from make_book.core.store import cache_dir
from make_book.core.workers import worker_count
from make_book.read.bibliography import citeproc_args, load_bibliography
from make_book.read.markdown import Citeproc, to_html
from make_book.read.yaml_errors import explain, located

_NUMBERED = re.compile(r"^(\d+)-([\w.-]+?)(\.md)?$")
_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)?(---|\.\.\.)[ \t]*(\n|\Z)", re.S)
LARGE_CHAPTER_BYTES = 2_000_000
# C0 controls but tab and newlines, and the two non-characters XML 1.0 excludes.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def read_text(path: Path, report: Report | None = None) -> str:
    """A manuscript file as text; a non-UTF-8 file is an error naming the offending byte.
    Characters no XML document may hold (controls, U+FFFE) are removed with a warning, since
    every EPUB page is XML."""
    if not path.is_file():  # a folder or a named pipe (reading one would never end)
        raise fail("E019", "not a regular file: a chapter must be a Markdown text file", path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise fail("E010", f"not UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start} "
                   f"(column {col})", path, line, hint="save the file as UTF-8") from None
    found = _NOT_XML.search(text)
    if found is not None:
        if report is not None:
            line = text.count("\n", 0, found.start()) + 1
            report.warn("W012", f"character U+{ord(found.group()):04X} removed (it cannot "
                        "appear in an e-book)", path, line)
        text = _NOT_XML.sub("", text)
    return text


def check_fonts(root: Path, report: Report) -> None:
    """The files of styles/fonts/ must be fonts: every edition embeds them and the web edition
    converts them, so a damaged one is a located error (in report) here, not a failure in a
    writer."""
    folder = root / "styles" / "fonts"
    if not folder.is_dir():
        return
    from fontTools.ttLib import TTFont  # deferred: only a project with fonts of its own pays for it

    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in (".otf", ".ttf", ".woff", ".woff2"):
            continue
        try:
            with TTFont(path, lazy=True) as font:
                font["head"], font["cmap"], font["name"]  # noqa: B018  # parsed on access
        except Exception as exc:  # fontTools raises many kinds on damaged data
            report.error("E048", f"font `{path.name}` cannot be read ({exc}): use an "
                         "OpenType or TrueType file", path)


def check_contained(root: Path) -> None:
    """Every entry of manuscript/ and styles/ must lie inside the project folder: a symbolic
    link leading out of it (to ~/.ssh, /etc) is refused, never read nor copied into an
    edition. Links that stay inside are followed, each folder once."""
    inside = root.resolve()
    report = Report()
    seen: set[Path] = set()
    pending = [root / "manuscript", root / "styles"]
    while pending:
        path = pending.pop()
        if not (path.exists() or path.is_symlink()):
            if path.is_symlink():
                report.error("E019", "broken symbolic link", path)
            continue
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            report.error("E019", "symbolic link that cannot be followed (a loop?)", path)
            continue
        if not real.is_relative_to(inside):
            report.error("E019", f"symbolic link to {real}, outside the project folder: "
                         "refused", path, hint="copy the file into the project instead")
        elif path.is_dir() and real not in seen:
            seen.add(real)
            pending.extend(sorted(path.iterdir(), reverse=True))
    report.raise_if_errors()


class Front(NamedTuple):
    """A Markdown file split: its front matter, its body, the lines before the body, and
    whether the front matter could be read (False after an E011)."""

    data: dict[str, Any]
    body: str
    offset: int
    valid: bool = True


def split_front_matter(text: str, path: Path, kind: FrontMatter, report: Report) -> Front:
    """Split text into front matter and body; kind declares the keys (settings_schema.PART
    or CHAPTER).

    A front matter that is not valid YAML is an error in the report, and the file is read as
    if it had none: its body still counts (its images, its labels), so that one run finds
    every mistake and a reference to one of its labels is not reported unknown elsewhere.
    `valid` says whether it was."""
    match = _FRONT.match(text)
    if not match:
        return Front({}, text, 0)
    block = match.group(1) or ""
    lines = text.count("\n", 0, match.end())
    body = text[match.end():]
    try:
        data = yaml.safe_load(block) or {}
    except yaml.YAMLError as exc:
        message, line, col = located(explain(exc, block), 2)  # the block starts on line 2
        report.error("E011", f"invalid YAML front matter: {message}", path, line, col)
        return Front({}, body, lines, valid=False)
    if not isinstance(data, dict):
        report.error("E011", "front matter must be a mapping of `key: value` lines", path, 2)
        return Front({}, body, lines, valid=False)
    allowed = kind.names
    other = CHAPTER if kind is PART else PART
    for key in data:
        if key not in allowed:
            guess = suggestion(str(key), allowed, {other.name: other.names})
            report.warn("W010", f"unknown front matter key `{key}` ignored"
                        + (f": {guess}" if guess else ""), path, _front_line(block, str(key)),
                        hint=f"the front matter keys of {kind.name}: " + ", ".join(allowed))
    for key, value in list(data.items()):
        if key in allowed and value is not None and not isinstance(value, str):
            report.error("E012", f"front matter `{key}` must be text, not {value!r}", path,
                         _front_line(block, str(key)))
            del data[key]
    return Front(data, body, lines)


def _front_line(block: str, key: str) -> int | None:
    for number, line in enumerate(block.splitlines(), 2):
        if line.startswith(f"{key}:"):
            return number
    return None


def _numbered(entries: list[Path]) -> list[tuple[int, str, Path]]:
    found = []
    for path in entries:
        match = _NUMBERED.match(path.name)
        if match:
            found.append((int(match.group(1)), match.group(2), path))
    return sorted(found)


def read_book(root: Path) -> tuple[Book, Report]:
    """Read root/manuscript into a Book and the report of what was found.

    Errors of book.toml and of the files are in the report, every file read before: a file
    that cannot be read at all (not UTF-8, pandoc failed) is left out of the model, a front
    matter that is not YAML leaves its body in (split_front_matter), so that the passes that
    follow check what they can. Only what leaves no book to read raises a BookError: no
    manuscript/, a link out of the project, book.toml unreadable, no chapters."""
    manuscript = root / "manuscript"
    if not manuscript.is_dir():
        raise fail("E001", f"no manuscript/ folder in {root}", root,
                   hint="run make-book from a project folder, or name it: make-book build PATH")
    check_contained(root)  # before anything is read: a refused file must never be
    config, report = load_config(manuscript / "book.toml", keep_going=True)
    check_fonts(root, report)
    bibliography = load_bibliography(root, config)
    citeproc: Citeproc | None = None
    if bibliography is not None:
        citeproc = (tuple(citeproc_args(bibliography, config.lang)), bibliography.fingerprint)
    entries = sorted(manuscript.iterdir())
    part_dirs = [e for e in _numbered([p for p in entries if p.is_dir()])]
    loose = [e for e in _numbered([p for p in entries if p.suffix == ".md"])]
    jobs: list[Chapter] = []
    parts: list[Part] = []
    if part_dirs and loose:
        raise BookError([*report.items, *fail(
            "E013", "chapter files next to part folders: put each chapter in a part",
            loose[0][2]).diagnostics])
    if part_dirs:
        for number, slug, folder in part_dirs:
            part = _collected(report, _read_part, number, slug, folder, config.title, report,
                              jobs)
            if part is not None:
                parts.append(part)
    elif loose:
        part = Part(number=1, slug="book", title=config.title, implicit=True,
                    identifier=config.identifier)
        part.chapters = _read_chapters(loose, part, report)
        jobs.extend(part.chapters)
        parts.append(part)
    else:
        raise BookError([*report.items, *fail(
            "E014", "the manuscript has no chapters: add NN-slug.md files or NN-slug/ part "
            "folders", manuscript).diagnostics])
    front = _read_matter(manuscript / "front", FRONT, "f", config.lang, report)
    back = _read_matter(manuscript / "back", BACK, "b", config.lang, report)
    jobs.extend(front + back)
    _collected(report, _convert_all, jobs, cache_dir(root), citeproc)
    # A title may be in a front matter that could not be read: no E018 on top of its E011.
    unreadable = {d.path for d in report.errors if d.code == "E011"}
    report.items = [d for d in report.items if d.code != "E018" or d.path not in unreadable]
    # A file pandoc could not convert has no body to walk: it leaves the model (its error
    # is in the report, and the build stops after the passes).
    for part in parts:
        part.chapters = [c for c in part.chapters if c.body is not None]
        if part.intro is not None and part.intro.body is None:
            part.intro = None
    front = [c for c in front if c.body is not None]
    back = [c for c in back if c.body is not None]
    book = Book(root=root, config=config, parts=parts, front=front, back=back,
                bibliography=bibliography)
    if config.fonts.given():  # without [fonts], the default set as it always was
        book.fonts = resolve_fonts(root, config.fonts, default_faces(root),
                                   manuscript / "book.toml", report)
    for index, chapter in enumerate(book.chapters(), 1):
        chapter.number = index
    return book, report


T = TypeVar("T")


def _collected(report: Report, read: Callable[..., T], *args: object) -> T | None:
    """read(*args), its errors added to the report instead of raised (None then)."""
    try:
        return read(*args)
    except BookError as exc:
        report.items.extend(exc.diagnostics)
        return None


def _read_chapters(files: list[tuple[int, str, Path]], part: Part, report: Report
                   ) -> list[Chapter]:
    read = [_collected(report, _read_chapter, path, slug, part, i, report)
            for i, (_, slug, path) in enumerate(files, 1)]
    return [chapter for chapter in read if chapter is not None]


def _read_part(number: int, slug: str, folder: Path, book_title: str, report: Report,
               jobs: list[Chapter]) -> Part:
    index = folder / "_part.md"
    if not index.is_file():
        raise fail("E015", "part folder without _part.md (it needs at least `title:`)", folder)
    text = read_text(index, report)
    front, body, offset, valid = split_front_matter(text, index, PART, report)
    # No E016 when the front matter or its title was already refused (E011, E012).
    line = _front_line(text.partition("\n")[2], "title")
    refused = any(d.code == "E012" and d.path == index and d.line == line
                  for d in report.errors)
    if not front.get("title") and valid and not refused:
        report.error("E016", "_part.md needs a `title:` in its front matter", index, 1)
    files = [p for p in sorted(folder.glob("*.md")) if p.name != "_part.md"]
    chapters = _numbered(files)
    status = front.get("status") or ("published" if chapters else "forthcoming")
    statuses = PART.allowed("status")
    if status not in statuses:
        report.error("E012", f"status must be {' or '.join(f'`{s}`' for s in statuses)}, "
                     f"not {status!r}",
                     index, _front_line(text.partition("\n")[2], "status"))
        status = "published" if chapters else "forthcoming"  # its chapters are checked too
    url = front.get("url")
    if url and not re.match(r"https?://[^\s]+$", url.strip(), re.I):  # printed as a link
        report.error("E012", f"url must be an http:// or https:// address, not {url!r}", index,
                     _front_line(text.partition("\n")[2], "url"))
    if status == "published" and not chapters:
        report.error("E017", "a published part has no chapters: add NN-slug.md files, or set "
                     "`status: forthcoming`", index)
    # A part without a title (reported) is named by its folder meanwhile: its chapters are
    # still read, so their labels are known to the rest of the book.
    part = Part(number=number, slug=slug, title=front.get("title") or slug, status=status,
                subtitle=front.get("subtitle"), summary=front.get("summary"),
                url=front.get("url"), source=index,
                identifier=front.get("identifier") or stable_uuid(book_title, slug))
    part.hero_path = front.get("hero")  # type: ignore[attr-defined]  # resolved by images pass
    part.cover_path = front.get("cover")  # type: ignore[attr-defined]  # and so is this
    if body.strip():
        part.intro = Chapter(source=index, slug=f"{slug}-intro", title=part.title, body=None,  # type: ignore[arg-type]
                             line_offset=offset, text=body, key=f"p{number}-0", part=part)
        jobs.append(part.intro)
    if status == "published":
        part.chapters = _read_chapters(chapters, part, report)
        jobs.extend(part.chapters)
    return part


def _read_matter(folder: Path, kind: FrontMatter, prefix: str, lang: str, report: Report
                 ) -> list[Chapter]:
    """The files of manuscript/front/ or back/, in order, each with its `role:` (E022 when
    missing or unknown, E023 when a role that a book has once is given twice)."""
    if not folder.is_dir():
        return []
    files = _numbered([p for p in sorted(folder.iterdir()) if p.suffix == ".md"])
    roles = kind.allowed("role")
    found: list[Chapter] = []
    first: dict[str, Path] = {}
    letters = iter("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    for index, (_, slug, path) in enumerate(files, 1):
        text = read_text(path, report)
        front, body, offset, valid = split_front_matter(text, path, kind, report)
        if not valid:  # its E011 is reported: a role it may hold cannot be read
            continue
        role = front.get("role")
        line = _front_line(text.partition("\n")[2], "role") if role else 1
        if role not in roles:
            said = f"unknown role `{role}`" if role else "no `role:` in its front matter"
            guess = suggestion(str(role), list(roles), {}) if role else ""
            report.error("E022", f"{said}{': ' + guess if guess else ''}; a file of "
                         f"{folder.name}/ is one of {', '.join(roles)}", path, line,
                         hint="start the file with ---, role: " + roles[0] + ", ---")
            continue
        if role in SINGLE_ROLES and role in first:
            report.error("E023", f"a second `{role}`: the book has one, in "
                         f"{first[role].name}", path, line,
                         hint="put both texts in one file, or give this one another role")
            continue
        first.setdefault(role, path)
        chapter = Chapter(source=path, slug=slug, title=front.get("title") or "",
                          body=None, line_offset=offset, text=body,  # type: ignore[arg-type]
                          key=f"{prefix}{index}", role=role,
                          meta={**front, "role_title": strings(lang)[f"role_{role}"]})
        if role == "appendix":
            chapter.letter = next(letters, None)
        found.append(chapter)
    return found


def _read_chapter(path: Path, slug: str, part: Part, index: int, report: Report) -> Chapter:
    text = read_text(path, report)
    if len(text.encode()) > LARGE_CHAPTER_BYTES:
        report.warn("W011", f"very large chapter ({len(text.encode()) // 1024} KiB): conversion "
                    "may take minutes; consider splitting it", path)
    front, body, offset = split_front_matter(text, path, CHAPTER, report)[:3]
    key = f"c{part.number}-{index}" if not part.implicit else f"c{index}"
    chapter = Chapter(source=path, slug=slug, title=front.get("title") or "", body=None,  # type: ignore[arg-type]
                      line_offset=offset, text=body, key=key, part=part, meta=front)
    return chapter


def _convert_all(chapters: list[Chapter], cache: Path, citeproc: Citeproc | None) -> None:
    """Run pandoc once per file, in parallel threads (each call is its own process); a text
    converted by an earlier build is taken from the cache (cache.pandoc_html)."""
    def convert(chapter: Chapter) -> None:
        chapter.body = to_html(chapter.text, chapter.source, chapter.line_offset, cache,
                               citeproc)

    errors: list[BookError] = []
    with ThreadPoolExecutor(max_workers=worker_count()) as pool:
        for future in [pool.submit(convert, c) for c in chapters]:
            try:
                future.result()
            except BookError as exc:
                errors.append(exc)
    for chapter in chapters:
        if chapter.body is not None:
            try:
                _take_title(chapter)
            except BookError as exc:
                errors.append(exc)
    if errors:
        raise BookError([d for e in errors for d in e.diagnostics])


def _take_title(chapter: Chapter) -> None:
    """The chapter's `#` heading is its title: move it out of the body into the model."""
    if chapter.part is not None and chapter is chapter.part.intro:
        return
    first = chapter.body.find("h1")
    if first is None and not chapter.title and chapter.role is not None:
        # A dedication or an epigraph has no heading: its role names it in the contents.
        chapter.title = str(chapter.meta["role_title"])
    if first is not None:
        if not chapter.title:
            chapter.title = " ".join(first.text_content().split())
        if first.get("id"):
            chapter.meta["heading_id"] = first.get("id")
        # Index terms of the title (the title is text from here on): the index pass marks
        # them at the chapter's start.
        terms = [dict(span.attrib, text=" ".join(span.text_content().split()))
                 for span in first.iter("span")
                 if "index" in (span.get("class") or "").split() or span.get("data-index")
                 or span.get("data-see") or span.get("data-seealso")]
        if terms:
            chapter.meta["title_terms"] = terms
        parent = first.getparent()
        if first.tail and first.tail.strip():
            previous = first.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + first.tail
            else:
                parent.text = (parent.text or "") + first.tail
        parent.remove(first)
    if not chapter.title:
        raise fail("E018", "chapter has no title: start it with a `# Title` line or give "
                   "`title:` in its front matter", chapter.source, chapter.line_offset + 1)
