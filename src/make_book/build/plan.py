"""The outputs of a build as jobs: each one carried over from the last build when what it is
made from has not changed, else rendered, several at a time (parallel.py).

What an output is made from, hashed into its key (cache.py):
- a PDF: the very HTML document WeasyPrint would lay out (so a volume that does not hold the
  edited chapter keeps its key), the files it can load (images, covers, styles, fonts) and
  make-book itself;
- an EPUB: the whole model after the transforms, the print PDF's page breaks for its page list,
  the same files and make-book;
- the web edition: the model, the files, and the EPUBs and PDFs it offers for download.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from make_book.assets.renditions import WEB_WIDTHS, epub_rendition, web_renditions
from make_book.build.fingerprint import model_digest, tool_fingerprint
from make_book.build.jobs import Job, run_jobs
from make_book.build.store import OutputStore
from make_book.core.artifacts import Artifact, find
from make_book.core.editions import Edition
from make_book.core.files import digest, sha256_file, tree_digest
from make_book.core.model import Book
from make_book.writers import WRITERS
from make_book.writers.context import BuildContext

Progress = Callable[[str], None]
WrapCover = Callable[[Book, Edition, BuildContext, Artifact], Artifact]


@dataclass
class Output:
    """An output in the staging folder: its record, and what it was made from."""

    artifact: Artifact
    key: str
    sha256: str
    reused: bool

    @property
    def path(self) -> Path:
        return self.artifact.path


class Outputs:
    """Plans, runs and records the outputs of one build."""

    def __init__(self, book: Book, chosen: list[Edition], formats: tuple[str, ...],
                 ctx: BuildContext, out: Path, store: OutputStore, wrap_cover: WrapCover,
                 say: Progress, covers: list[Job] | None = None) -> None:
        self.book, self.chosen, self.formats, self.ctx = book, chosen, formats, ctx
        self.out, self.store, self.wrap_cover, self.say = out, store, wrap_cover, say
        self.covers = covers or []  # the covers still to draw (pipeline.plan_covers)
        styles = book.root / "styles"
        # What every output may read besides the model: the project's styles and images, the
        # covers, the build's date, and make-book itself (code, templates, default styles).
        self.common = digest(
            tool_fingerprint(), repr(book.config), ctx.epoch,
            tree_digest(styles) if styles.is_dir() else "-",
            sorted(image.sha256 for image in book.images.values()),
            sorted((key, path.name) for key, path in ctx.covers.items()),
            # [fonts] may take system fonts, outside styles/: they count too.
            *([] if book.fonts is None else [[(str(f.path), f.path.stat().st_size,
                                               f.path.stat().st_mtime_ns)
                                              for f in book.fonts]]))
        self.model = model_digest(book) if {"epub", "html", "docx"} & set(formats) else ""

    # -- the plan -----------------------------------------------------------------------------

    def jobs(self) -> list[Job]:
        """Longest first (the omnibus's PDFs, once its cover is drawn), short ones last to
        fill the gaps; a job waits for the covers it shows."""
        drawn = {job.name for job in self.covers}

        def cover(*keys: str) -> tuple[str, ...]:
            return tuple(f"cover {key}" for key in keys if f"cover {key}" in drawn)

        jobs: list[Job] = []
        pdfs = [self._pdf_job(ed, cover(ed.key)) for ed in self.chosen] \
            if "pdf" in self.formats else []
        first = cover(self.chosen[0].key)
        jobs += [j for j in self.covers if j.name in first] + pdfs[:1]
        jobs += [j for j in self.covers if j.name not in first]
        if {"epub", "html"} & set(self.formats):
            jobs.append(Job("image renditions", self._renditions,
                            label="making the image renditions"))
        jobs += pdfs[1:]
        if "epub" in self.formats:
            # The print PDF's record (its page breaks) goes into the EPUB's page list.
            jobs += [Job(f"epub {ed.key}", partial(self._epub, ed), after=cover(ed.key),
                         uses=(f"pdf {ed.key}",) if pdfs else (),
                         label=f"writing EPUB: {ed.title}") for ed in self.chosen]
        if "docx" in self.formats:
            jobs += [Job(f"docx {ed.key}", partial(self._docx, ed),
                         label=f"writing DOCX: {ed.title}") for ed in self.chosen]
        if "html" in self.formats:
            offered = tuple(j.name for j in jobs if j.name.startswith(("pdf ", "epub ")))
            # Last, with the build to itself: in its own process (its image renditions are
            # made by a pool of threads). It shows every cover, drawn first.
            jobs.append(Job("html", self._html, after=tuple(sorted(drawn)), uses=offered,
                            label="writing the web edition", local=True))
        return jobs

    def run(self) -> list[Output]:
        """Every output, in the order the build reports them: for each edition its print
        PDF, screen PDF and wrap cover, then each EPUB, then the web edition."""
        results = run_jobs(self.jobs(), started=self.say)
        ordered: list[Output] = []
        for ed in self.chosen:
            ordered += results.get(f"pdf {ed.key}", [])
        for ed in self.chosen:
            ordered += results.get(f"epub {ed.key}", [])
        for ed in self.chosen:
            ordered += results.get(f"docx {ed.key}", [])
        ordered += results.get("html", [])
        return ordered

    def published(self, output: Output) -> Artifact:
        """The output's record once it is moved from the staging folder into out."""
        return output.artifact.moved(self.out / output.path.relative_to(self.ctx.staging))

    def remember(self, outputs: list[Output]) -> None:
        """Record, once published, the key, bytes and record of every output."""
        for output in outputs:
            self.store.remember(self.published(output), output.key, output.sha256)

    # -- the jobs -----------------------------------------------------------------------------

    def _carry_or_make(self, names: list[str], key: str,
                       make: Callable[[], list[Artifact]]) -> list[Output]:
        """Outputs made together (a file, the web edition's folder, an edition's two PDFs):
        all carried over from the last build with their records, else all made again."""
        staged = [self.ctx.staging / name for name in names]
        carried = [self.store.reuse(self.out / name, key, path)
                   for name, path in zip(names, staged, strict=True)]
        if all(c is not None for c in carried):
            return [Output(c, key, tree_digest(c.path), True) for c in carried if c]
        for path, copy in zip(staged, carried, strict=True):  # no half of a pair is kept
            if copy is not None:
                path.unlink()
        return [Output(a, key, tree_digest(a.path), False) for a in make()]

    def _pdf_job(self, ed: Edition, after: tuple[str, ...]) -> Job:
        """The print and screen PDFs of an edition (one layout for both), then its wrap
        cover, its spine sized by the print PDF's page count."""
        def run() -> list[Output]:
            from make_book.writers import pdf as pdf_writer

            # The very document the writer lays out, so that a volume that does not hold the
            # edited chapter keeps its key (rendering it takes milliseconds, the layout
            # seconds).
            source = pdf_writer.render_html(self.book, ed, self.ctx, {})
            key = digest(self.common, "pdf", ed.key, ed.identifier, source)
            names = [f"{ed.slug}.pdf", f"{ed.slug}-screen.pdf"]
            made = self._carry_or_make(
                names, key, lambda: WRITERS["pdf"](self.book, ed, self.ctx, []))
            printed = next(o for o in made if o.artifact.variant == "print")
            wrap = self.wrap_cover(self.book, ed, self.ctx, printed.artifact)
            # Made again at each build from its own cache; recorded for its bytes only.
            return [*made, Output(wrap, "", sha256_file(wrap.path), printed.reused)]

        return Job(f"pdf {ed.key}", run, after=after, label=f"writing PDF: {ed.title}")

    def _renditions(self) -> None:
        """Every image rendition the EPUBs and the web edition will copy, made before they
        need them and while the PDFs are laid out (renditions.py caches them by content)."""
        images = {image.name: image for ed in self.chosen for image in self.ctx.images_for(ed)}
        for image in images.values():
            if "epub" in self.formats:
                epub_rendition(image, self.ctx.cache)
            if "html" in self.formats:
                web_renditions(image, self.ctx.cache, WEB_WIDTHS)

    def _epub(self, ed: Edition, *made: list[Output]) -> list[Output]:
        """The edition's EPUB; made: the outputs of its PDF job, when PDFs are built."""
        printed = find([o.artifact for outputs in made for o in outputs], ed.key, "pdf",
                       "print")
        breaks = printed.page_breaks if printed is not None else None
        key = digest(self.common, "epub", ed.key, self.model,
                     json.dumps(breaks or {}, sort_keys=True))
        inputs = [printed] if printed is not None else []
        return self._carry_or_make([f"{ed.slug}.epub"], key,
                                   lambda: WRITERS["epub"](self.book, ed, self.ctx, inputs))

    def _docx(self, ed: Edition) -> list[Output]:
        """The edition's DOCX, for the editor."""
        key = digest(self.common, "docx", ed.key, self.model)
        return self._carry_or_make([f"{ed.slug}.docx"], key,
                                   lambda: WRITERS["docx"](self.book, ed, self.ctx, []))

    def _html(self, *made: list[Output]) -> list[Output]:
        """The web edition; made: the outputs of every PDF and EPUB job, offered for
        download."""
        offered = [o for outputs in made for o in outputs]
        key = digest(self.common, "html", self.chosen[0].key, self.model,
                     sorted((o.path.name, o.sha256) for o in offered))
        return self._carry_or_make(["html"], key, lambda: WRITERS["html"](
            self.book, self.chosen[0], self.ctx, [o.artifact for o in offered]))
