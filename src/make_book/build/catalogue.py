"""A catalogue: many books built side by side, one CI job per book (or per edition of a long
one), each job reusing make-book's cache under a key made of its inputs' hash.

`catalogue.toml` lists project folders, relative to the file:

    [[book]]
    path = "books/essai"          # a project folder (one holding manuscript/book.toml)
    name = "essai"                # the job's name (default: the slug of the book's title)
    split = true                  # one job per edition (the omnibus and each volume)
    editions = ["omnibus", "part-3"]  # or these editions only, one job each
    strict = true                 # release --strict (the preflight of the print files)

`matrix()` expands it into the jobs of a GitHub Actions matrix; `cache_key()` is the digest a
job's cache is stored under: make-book itself (its files and the libraries' versions,
fingerprint.py), every file of the project (names and contents, never modification times or
the folder it is checked out in), the release version and what the job builds.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from make_book.build.fingerprint import tool_fingerprint
from make_book.build.release import release_version
from make_book.core.config import load_config, load_settings
from make_book.core.diagnostics import BookError, Diagnostic, line_of
from make_book.core.editions import editions
from make_book.core.files import tree_digest
from make_book.core.names import slugify
from make_book.core.settings_schema import check_edition

KEYS = ("path", "name", "split", "editions", "strict")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")  # usable in an artifact's and a key's name
# Never inputs of a build: what builds write (dist/ or [build] out, the cache) and what
# version control keeps (.git) or an editor leaves (hidden files).
NOT_INPUTS = ("dist",)


@dataclass(frozen=True)
class Job:
    """One job of the matrix: a book, or one edition of it ("all": the whole book,
    released)."""

    job: str  # unique in the catalogue: the book's name, with the edition when split
    book: str
    path: str  # the project folder, relative to the catalogue's folder (POSIX)
    edition: str
    strict: bool


def matrix(catalogue: Path) -> dict[str, list[dict[str, Any]]]:
    """The catalogue as a GitHub Actions matrix, `{"include": [job, …]}`, in its order; every
    mistake in it is one BookError naming the file and line (E100–E102)."""
    text, data = _read(catalogue)
    entries = data.get("book")
    if not isinstance(entries, list) or not entries or not all(
            isinstance(e, dict) for e in entries):
        raise _error("E101", "the catalogue lists no book: add a [[book]] table with a "
                     "`path`", catalogue, line_of(text, "book"))
    lines = _entry_lines(text, len(entries))
    problems: list[Diagnostic] = []
    jobs: list[Job] = []
    seen: set[str] = set()
    for entry, line in zip(entries, lines, strict=True):
        try:
            made = _jobs(entry, catalogue, text, line)
        except BookError as exc:
            problems += exc.diagnostics
            continue
        for job in made:
            if job.job in seen:
                problems.append(_diagnostic(
                    "E101", f"a second job named {job.job!r}: give this book a `name` of "
                    "its own", catalogue, line))
            seen.add(job.job)
        jobs += made
    if problems:
        raise BookError(problems, catalogue.parent)
    return {"include": [asdict(job) for job in jobs]}


def cache_key(root: Path, edition: str = "all") -> str:
    """The sha256 a job's cache is kept under: make-book and its libraries, every file of the
    project at root (relative names and contents), SOURCE_DATE_EPOCH, the release version
    and the edition. The same at every checkout, in any folder, with any file dates."""
    root = root.resolve()
    hasher = hashlib.sha256(f"make-book catalogue 1\n{tool_fingerprint()}\n".encode())
    hasher.update(f"epoch:{os.environ.get('SOURCE_DATE_EPOCH', '')}\n".encode())
    hasher.update(f"edition:{edition}\n".encode())
    if edition == "all":  # a release: its files are named after the version
        hasher.update(f"version:{release_version(root)}\n".encode())
    skipped = {root / name for name in NOT_INPUTS} | {_out_folder(root)}
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        if entry.name.startswith(".") or entry in skipped:
            continue
        hasher.update(f"{entry.name}\0{tree_digest(entry)}\n".encode())
    return hasher.hexdigest()


def _out_folder(root: Path) -> Path:
    """Where builds of the book write when [build] out names a folder of the project (an
    output, not an input); root/dist otherwise."""
    try:
        settings, _report = load_settings(root / "manuscript" / "book.toml", keep_going=True)
    except BookError:
        return root / "dist"  # the build reports book.toml's errors; its bytes are hashed
    out = settings["build"].get("out")
    return (root / out).resolve() if out else root / "dist"


def _read(catalogue: Path) -> tuple[str, dict[str, Any]]:
    try:
        text = catalogue.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _error("E100", "no such catalogue file", catalogue) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _error("E100", f"the catalogue cannot be read: {exc}", catalogue) from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+)", str(exc))
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise _error("E100", f"invalid TOML: {reason}", catalogue,
                     int(match.group(1)) if match else None) from None


def _entry_lines(text: str, count: int) -> list[int | None]:
    """The line of each `[[book]]` header; None for books written inline."""
    found = [i for i, line in enumerate(text.splitlines(), 1)
             if re.match(r"\s*\[\[\s*book\s*\]\]", line)]
    return found if len(found) == count else [None] * count


def _line_in(text: str, start: int | None, key: str) -> int | None:
    """The line of `key =` in the book table starting at line `start`."""
    if start is None:
        return None
    for number, line in enumerate(text.splitlines()[start:], start + 1):
        if re.match(r"\s*\[", line):
            break
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number
    return start


def _jobs(entry: dict[str, Any], catalogue: Path, text: str, line: int | None) -> list[Job]:
    """The jobs of one [[book]] table."""
    problems = []
    for key in entry:
        if key not in KEYS:
            near = difflib.get_close_matches(key, KEYS, n=1)
            hint = f": did you mean `{near[0]}`?" if near else f" (known: {', '.join(KEYS)})"
            problems.append(_diagnostic("E101", f"unknown key `{key}` in [[book]]{hint}",
                                        catalogue, _line_in(text, line, key)))
    path = entry.get("path")
    if not isinstance(path, str) or not path.strip():
        problems.append(_diagnostic("E101", "a [[book]] without `path` (the project folder, "
                                    "relative to the catalogue)", catalogue, line))
        raise BookError(problems)
    for key, kind in (("split", bool), ("strict", bool), ("name", str)):
        if key in entry and not isinstance(entry[key], kind):
            problems.append(_diagnostic("E101", f"`{key}` must be "
                                        f"{'true or false' if kind is bool else 'a string'}",
                                        catalogue, _line_in(text, line, key)))
    wanted = entry.get("editions")
    if wanted is not None and (not isinstance(wanted, list) or not wanted):
        problems.append(_diagnostic("E101", "`editions` must be a list such as "
                                    '["omnibus", "part-1"]', catalogue,
                                    _line_in(text, line, "editions")))
        wanted = None
    for item in wanted or []:
        try:
            check_edition(str(item))
        except ValueError as exc:
            problems.append(_diagnostic("E101", str(exc), catalogue,
                                        _line_in(text, line, "editions")))
    folder = (catalogue.parent / path).resolve()
    if not (folder / "manuscript" / "book.toml").is_file():
        problems.append(_diagnostic(
            "E102", f"{path}: no such book (a project folder holds manuscript/book.toml)"
            if folder.is_dir() else f"{path}: no such folder", catalogue,
            _line_in(text, line, "path")))
    if problems:
        raise BookError(problems)
    name = entry.get("name") or _title_slug(folder)
    if not NAME.match(name):
        raise BookError(_diagnostic("E101", f"`name` {name!r} cannot name a job: use letters, "
                                    "digits and . _ -", catalogue, _line_in(text, line, "name")))
    relative = Path(os.path.relpath(folder, catalogue.parent.resolve())).as_posix()
    strict = bool(entry.get("strict", False))
    if wanted:
        chosen = [check_edition(str(item)) for item in wanted]
    elif entry.get("split"):
        chosen = _editions_of(folder)
    else:
        return [Job(name, name, relative, "all", strict)]
    return [Job(f"{name}-{edition}", name, relative, edition, strict)
            for edition in dict.fromkeys(chosen)]


def _title_slug(folder: Path) -> str:
    try:
        config, _report = load_config(folder / "manuscript" / "book.toml")
    except BookError as exc:
        raise exc.with_root(folder) from None
    return slugify(config.title)


def _editions_of(folder: Path) -> list[str]:
    """The editions the book at folder is published as: its manuscript is read for them
    (which parts are published), and its errors stop the expansion."""
    from make_book.read.reader import read_book  # pandoc's wrapper: only for a split book

    try:
        book, report = read_book(folder)
    except BookError as exc:
        raise exc.with_root(folder) from None
    if report.errors:
        raise BookError(report.errors, folder)
    return [edition.key for edition in editions(book)]


def _diagnostic(code: str, message: str, path: Path, line: int | None = None) -> Diagnostic:
    return Diagnostic(code, message, path, line)


def _error(code: str, message: str, path: Path, line: int | None = None) -> BookError:
    return BookError(_diagnostic(code, message, path, line), path.parent)
