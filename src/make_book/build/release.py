"""A release: a clean build of every edition and format, with versioned names, checksums and
a manifest, in `dist/release/<version>/`.

Two releases of the same sources are byte-identical: the build is reproducible, the web
edition's zip has sorted entries with the book's date and fixed permissions, and the manifest
and SHA256SUMS are written in a fixed order.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from make_book import __version__
from make_book.build.output import publish
from make_book.build.pipeline import FORMATS, build, source_epoch
from make_book.core.artifacts import Artifact
from make_book.core.config import load_config
from make_book.core.diagnostics import BookError, MakeBookError, Report
from make_book.core.editions import Edition, editions
from make_book.core.files import COMPRESSED_SUFFIXES
from make_book.core.model import Book
from make_book.core.settings_schema import VERSION

Progress = Callable[[str], None]

SUMS = "SHA256SUMS"
MANIFEST = "manifest.json"
MEDIA_TYPES = {"epub": "application/epub+zip", "pdf": "application/pdf",
               "html": "application/zip",
               "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
# Already compressed: deflating them again only costs time.
_STORED = COMPRESSED_SUFFIXES | {".epub", ".pdf", ".zip", ".gz"}
_ZIP_EPOCH_MIN = 315532800  # 1980-01-01, the earliest date a zip entry can hold


@dataclass(frozen=True)
class ReleaseFile:
    """One published file, as manifest.json describes it."""

    name: str
    edition: str  # "omnibus" or "part-N"
    title: str
    format: str  # epub, pdf, html
    variant: str | None  # print, screen or cover for a PDF, web for the zipped web edition
    media_type: str
    size: int
    sha256: str
    pages: int | None  # PDFs only
    words: int | None  # the edition's text; None for a cover


def make_release(root: Path, version: str | None = None, strict: bool = False,
                 progress: Progress | None = None, out: Path | None = None,
                 vet: Callable[[Book, list[Artifact]], Report] | None = None) -> Path:
    """Build every edition and format of the book at root into `out/<version>/` (out defaults
    to root/dist/release) and return that folder; a book with errors (or, when strict, with
    warnings) is refused with a BookError and the folder is left as it was. `vet` adds its
    findings on the built files to the build's (the preflight, which lives above the build:
    `release --strict` passes it)."""
    say = progress or (lambda _message: None)
    root = root.resolve()
    version = version or release_version(root)
    if not VERSION.match(version):
        raise MakeBookError(f"release version {version!r} cannot name files: use letters, "
                            "digits and . _ + - (such as 1.0.0)")
    releases = (out or root / "dist" / "release").resolve()
    releases.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{version}-staging-", dir=releases))
    try:
        # A build of its own, into a folder of its own: dist/ plays no part in a release.
        result = build(root, work / "build", FORMATS, "all", progress, strict)
        report = result.report
        if vet is not None and not report.errors:  # the print files against their printer
            assert result.book is not None
            report.items += vet(result.book, result.artifacts).items
        if report.errors or (strict and report.warnings):
            raise BookError(report.errors or report.warnings, root)
        assert result.book is not None
        say("writing the release files")
        folder = work / "release" / version
        folder.mkdir(parents=True)
        epoch = source_epoch(result.book)
        files = _collect(result.book, result.artifacts, folder, version, epoch)
        unlisted = sorted(p.name for p in (work / "build").iterdir() if p.name != "html")
        if unlisted:
            raise MakeBookError("internal error: the build wrote files it did not report: "
                                + ", ".join(unlisted))
        _write_manifest(folder, result.book, version, files)
        _write_sums(folder)
        # The book's date on every file too, so that even a tar of the folder repeats.
        for path in folder.iterdir():
            os.utime(path, (epoch, epoch))
        publish(work / "release", releases)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return releases / version


def release_version(root: Path) -> str:
    """The git tag at HEAD (without a leading v), else [book] version, else the book's date."""
    tag = git_tag(root)
    if tag:
        return tag
    try:
        config, _report = load_config(root / "manuscript" / "book.toml")
    except BookError as exc:
        raise exc.with_root(root) from None
    if config.version:
        return config.version
    if config.date:
        return config.date
    raise MakeBookError("no release version: tag the commit (git tag v1.0.0), set [book] "
                        "version or date in book.toml, or pass --version")


def git_tag(root: Path) -> str | None:
    """`git describe --tags --exact-match` for a checkout at a tag (v1.2 → 1.2), else None.

    A checkout with uncommitted changes gets a `-dirty` suffix: it is not the tagged text."""
    try:
        done = subprocess.run(["git", "describe", "--tags", "--exact-match", "--dirty"],
                              cwd=root, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    tag = done.stdout.strip()
    if done.returncode != 0 or not tag:
        return None
    return tag[1:] if tag[:1] in "vV" and tag[1:2].isdigit() else tag


# The release's name for each kind of output, after `<slug>-<version>`, in the manifest's order.
SUFFIXES = {("epub", None): ".epub", ("pdf", "print"): ".pdf", ("pdf", "screen"): "-screen.pdf",
            ("pdf", "cover"): "-cover.pdf", ("docx", None): ".docx", ("html", "web"): "-web.zip"}


def _collect(book: Book, built: list[Artifact], folder: Path, version: str,
             epoch: int) -> list[ReleaseFile]:
    """Move the build's outputs into folder under versioned names (the web edition's folder
    zipped), each described from its record; an output of a kind or an edition the release
    does not know is a bug, not something to leave out of a release."""
    every = {ed.key: ed for ed in editions(book)}
    described: dict[str, ReleaseFile] = {}
    for artifact in built:
        kind = (artifact.format, artifact.variant)
        ed = every.get(artifact.edition)
        if kind not in SUFFIXES or ed is None:
            raise MakeBookError(f"internal error: the release does not know the build's "
                                f"output {artifact.path.name}")
        dest = folder / f"{ed.slug}-{version}{SUFFIXES[kind]}"
        if artifact.format == "html":
            zip_folder(artifact.path, dest, epoch)
        else:
            os.replace(artifact.path, dest)
        # A cover carries the title, not the text.
        words = None if artifact.variant == "cover" else edition_words(ed)
        described[dest.name] = _describe(dest, ed, artifact, words)
    # Editions in the book's order, then formats in SUFFIXES' order, the web edition last.
    order = {key: i for i, key in enumerate(every)}
    kinds = list(SUFFIXES)
    return sorted(described.values(),
                  key=lambda f: (f.format == "html", order[f.edition],
                                 kinds.index((f.format, f.variant))))


def _describe(path: Path, ed: Edition, artifact: Artifact, words: int | None) -> ReleaseFile:
    data = path.read_bytes()
    return ReleaseFile(name=path.name, edition=ed.key, title=ed.title, format=artifact.format,
                       variant=artifact.variant, media_type=MEDIA_TYPES[artifact.format],
                       size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                       pages=artifact.pages, words=words)


def edition_words(edition: Edition) -> int:
    """Words of an edition's text: part and chapter titles, introductions, chapters, notes.

    A word is a run of non-space characters holding a letter or digit, so French « ; » and
    dashes standing alone between spaces are not counted."""
    texts: list[str] = []
    for part in edition.parts:
        if not part.implicit:
            texts.append(part.title)
        chapters = ([part.intro] if part.intro else []) + part.chapters
        for chapter in chapters:
            texts.append(chapter.title)
            texts.append(chapter.body.text_content())
            texts.extend(note.body.text_content() for note in chapter.notes)
    return sum(1 for token in " ".join(texts).split() if any(c.isalnum() for c in token))


def zip_folder(folder: Path, dest: Path, epoch: int) -> None:
    """Zip folder's files (entries relative to it) so that the same files give the same bytes:
    sorted names, one timestamp (the book's), rw-r--r-- permissions, Unix as the system."""
    stamp = time.gmtime(max(epoch, _ZIP_EPOCH_MIN))[:6]
    files = sorted((p.relative_to(folder).as_posix(), p) for p in folder.rglob("*")
                   if p.is_file())
    with zipfile.ZipFile(dest, "w") as archive:
        for name, path in files:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3  # Unix, so that unzip honours external_attr
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            stored = path.suffix.lower() in _STORED
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes(), compresslevel=None if stored else 9)


def _write_manifest(folder: Path, book: Book, version: str, files: list[ReleaseFile]) -> None:
    config = book.config
    manifest = {
        "book": {"title": config.title, "subtitle": config.subtitle, "lang": config.lang,
                 "date": config.date, "identifier": config.identifier,
                 "authors": list(config.authors)},
        "version": version,
        "generator": f"make-book {__version__}",
        "files": [asdict(f) for f in files],
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    (folder / MANIFEST).write_text(text, encoding="utf-8")


def _write_sums(folder: Path) -> None:
    """SHA256SUMS in `sha256sum -c` format, for every file of the release but itself."""
    lines = []
    for path in sorted(folder.iterdir()):
        if path.name != SUMS:
            lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n")
    (folder / SUMS).write_text("".join(lines), encoding="utf-8")
