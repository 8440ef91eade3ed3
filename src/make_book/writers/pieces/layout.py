"""The PDF writer in pieces: an edition's print and screen PDFs from units laid out side by
side in worker processes, each kept under the hash of its HTML, so that a rebuild lays out
only the units whose HTML or printed numbers changed.

Rounds, until nothing moves (at most MAX_ROUNDS):
- the PDF source is made (writers/pdf.render_html) with the words kept whole so far and the
  index's pages, and cut into units (units.py);
- each unit gets the numbers it prints of the others (numbers.py) from the page counts known:
  of this build's layouts, or of the last build's for a unit unchanged since; a unit whose
  numbers are certain is laid out and drawn as soon as they are: a worker reports a unit's
  count once it is laid out, before drawing it (schedule.py), so that the next unit is laid
  out with its first folio while the last is drawn; a unit whose numbers rest on a count not
  known yet (a forward reference) is laid out for its count alone, and only when no count
  is on its way; a unit laid out and drawn with the same HTML before is not laid out;
- the hyphenation defects the units still report (runs and rectos' feet are mended inside
  each layout: writers/hyphen_inline.py) give the next round's words kept whole, in those
  units alone, and the laid-out pages give the index its pages.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import weasyprint

from make_book.assets.fonts import font_files
from make_book.core.artifacts import Artifact
from make_book.core.editions import Edition, back_matter
from make_book.core.log import log
from make_book.core.model import Book
from make_book.core.store import state_dir
from make_book.writers import pdf
from make_book.writers.context import BuildContext
from make_book.writers.fetcher import BookFetcher
from make_book.writers.hyphenation import Kept
from make_book.writers.locators import anchor_pages
from make_book.writers.pagination import BlockRef, folio_labels, page_starts
from make_book.writers.pieces import schedule, worker
from make_book.writers.pieces.assemble import FOREIGN, Part, assemble
from make_book.writers.pieces.history import VERSION, History, anchors_of
from make_book.writers.pieces.numbers import Known, numbers, starts
from make_book.writers.pieces.units import (
    SENTINEL_HTML,
    Unit,
    counter_rules,
    cut,
    numbers_css,
    with_css,
)
from make_book.writers.printing import gutter_css, print_options, stable_document_id, target
from make_book.writers.screen import screen_options
from make_book.writers.settle import HYPHEN_PASSES, left_note

MAX_ROUNDS = 8


def write(book: Book, edition: Edition, ctx: BuildContext,
          inputs: list[Artifact]) -> list[Artifact]:
    """Write `<slug>.pdf` and `<slug>-screen.pdf` into ctx.staging from the edition's
    units, as writers/pdf.write does from one document, and return their records."""
    del inputs  # a PDF builds on no other output
    store = ctx.cache / "pieces"
    store.mkdir(parents=True, exist_ok=True)
    history = History.load(state_dir(book.root), edition)
    variant = book.config.pdf.variant
    worker.SETTING = worker.Setting(
        book.root, font_files(book), ctx.epoch, edition.identifier.encode(),
        {"pdf_variant": variant, **print_options(book)}, screen_options(variant))
    start = pdf.body_start(book, edition)
    indexed = any(c.role == "index" for c in back_matter(book, edition))
    rounds = _Rounds(book, edition, ctx, store, history, start)
    with schedule.workers() as crew:
        units, pieces, anchors = rounds.run(crew, indexed)
        filler = _filler(units[0], store, crew.pool)
    history.save([u.key for u in units], pieces, rounds.wanted(units), rounds)
    return _write_files(book, edition, ctx, units, pieces, anchors, filler, start, rounds)


class _Rounds:
    """The rounds of one edition's layout (see the module's docstring)."""

    def __init__(self, book: Book, edition: Edition, ctx: BuildContext, store: Path,
                 history: History, start: str | None):
        self.book, self.edition, self.ctx, self.store = book, edition, ctx, store
        self.history, self.start = history, start
        self.units: list[Unit] = []
        self.kept = history.kept
        self.pages = history.pages
        self.gutter = history.gutter
        self.laid: list[str] = []  # the units laid out by this build, by key
        self.drawn: dict[str, worker.Piece] = {}  # job key → piece, of this build
        self.seen: dict[str, Known] = {}  # unit key → its last layout of this build
        self.passes = 0  # of hyphenation: rounds that added words to keep whole
        self.indexed = False

    def run(self, crew: schedule.Workers, indexed: bool
            ) -> tuple[list[Unit], list[worker.Piece], dict[str, BlockRef]]:
        self.indexed = indexed
        for _round in range(MAX_ROUNDS):
            anchors: dict[str, BlockRef] = {}
            source = pdf.render_html(self.book, self.edition, self.ctx, anchors,
                                     self.pages, self.gutter, self.kept)
            units = self.units = cut(source)
            rules = counter_rules(source)
            before = len(self.laid)
            laid = self._lay_out(units, rules, crew)
            state = "numbers guessed" if laid is None else "drawn" if laid[1] else "stopped"
            log.debug(f"pieces: round {_round}: laid out {self.laid[before:]}, {state}")
            if laid is None:
                continue  # some numbers were guesses: the next round knows more
            pieces, complete = laid
            gutter, new, wanted = self._next(pieces)
            if complete and gutter == self.gutter and not new and wanted == self.pages:
                log.debug(f"pieces: {len(units)} units, {len(self.laid)} laid out")
                return units, pieces, anchors
            if new:  # only the required defects' words: a unit without any is left alone
                self.kept, self.passes = self.kept | new, self.passes + 1
            self.gutter, self.pages = gutter, wanted
        raise RuntimeError(f"the PDF of {self.edition.key} did not settle in {MAX_ROUNDS} "
                           "rounds of layout")

    def _next(self, pieces: list[worker.Piece]
              ) -> tuple[str | None, frozenset[Kept], dict[str, int] | None]:
        """What the next round's source would be made with, from these layouts: the gutter
        for their page count, the words to keep whole they ask for (none after
        HYPHEN_PASSES), the index's pages."""
        total = sum(p.count + p.count % 2 for p in pieces[:-1]) + pieces[-1].count
        gutter, _note = gutter_css(self.book, total + 1)
        new = frozenset().union(*(p.asks(self.kept) for p in pieces))
        if self.passes >= HYPHEN_PASSES:
            new = frozenset()
        wanted = anchor_pages(_virtual(pieces), self.start) if self.indexed else None
        return gutter, new, wanted

    def _lay_out(self, units: list[Unit], rules: list[object], crew: schedule.Workers
                 ) -> tuple[list[worker.Piece], bool] | None:
        """Every unit laid out and drawn with its true numbers, and the pieces (None: a guess
        was made). Each count reported lets the units waiting on it go; a unit whose numbers
        are a guess is laid out for its count alone, and only when no worker is laying out
        anything whose count may make it certain. Once every count is known, a round whose
        gutter, kept words or index pages would change stops before drawing (False: not
        every piece is drawn)."""
        known: list[Known | None] = [None] * len(units)
        pieces: list[worker.Piece | None] = [None] * len(units)
        mine: dict[int, schedule.Job] = {}  # job number → job, in flight
        counting: set[int] = set()  # the jobs whose count has not come back
        mending: set[int] = set()  # units left undrawn: the next round mends them
        stopping, budget = False, MAX_ROUNDS * len(units)
        wanted_ids = self.wanted(units)
        sources: dict[tuple[object, ...], tuple[str, str]] = {}  # per unit and numbers
        absent: set[str] = set()  # keys the store does not hold
        while True:
            ready, unknown, final = self._jobs(units, rules, known, pieces, wanted_ids,
                                               sources, absent)
            if all(final):
                return [p for p in pieces if p is not None], True
            running = {job.unit: job.key for job in mine.values()}
            ready = [job for job in ready if running.get(job.unit) != job.key
                     and job.unit not in mending]
            unknown = [job for job in unknown if job.unit not in running]
            if not stopping and budget > 0:
                if crew.pool is None:  # one at a time, the certain ones first
                    ready, unknown = ([], []) if mine else (
                        ready[:1], [] if ready else unknown[:1])
                elif counting or ready or len(mine) >= crew.count:
                    unknown = []  # a count is on its way: it may make these certain
                else:
                    unknown = unknown[:1]
                for job in sorted(ready, key=lambda j: -len(j.source)) + unknown:
                    number = crew.submit(job, self.store)
                    self.laid.append(units[job.unit].key)
                    mine[number], budget = job, budget - 1
                    counting.add(number)
            if not mine:
                if stopping or mending and all(p is not None for p in pieces):
                    return pieces, False  # type: ignore[return-value]
                return None
            event = crew.next()
            job = mine.get(event.job)
            if job is None:
                continue  # of a job another round gave up on
            if event.job in counting:
                counting.discard(event.job)
                known[job.unit] = Known(event.piece.count,
                                        anchors_of(event.piece, wanted_ids), True)
                self.seen[units[job.unit].key] = known[job.unit]  # type: ignore[assignment]
            if event.counted:
                continue
            del mine[event.job]
            pieces[job.unit] = event.piece
            if job.draw and event.piece.print_pdf is None:
                mending.add(job.unit)
            elif job.draw:
                self.drawn[job.key] = event.piece
                _store(self.store, job.key, event.piece)
            if not stopping and all(p is not None for p in pieces):
                gutter, new, pages = self._next(pieces)  # type: ignore[arg-type]
                stopping = gutter != self.gutter or bool(new) or pages != self.pages

    def _jobs(self, units: list[Unit], rules: list[object], known: list[Known | None],
              pieces: list[worker.Piece | None], wanted_ids: set[str],
              sources: dict[tuple[object, ...], tuple[str, str]], absent: set[str]
              ) -> tuple[list[schedule.Job], list[schedule.Job], list[bool]]:
        """From what is known: the units whose numbers are certain and not yet drawn with
        them, those whose count is not known (the body's first, in book order), and for each
        unit whether it is drawn with its numbers (found in this build or the store: its
        piece put in `pieces`)."""
        guessed = [self.seen.get(u.key) or self.history.known(u) for u in units]
        best = [k if k is not None else g for k, g in zip(known, guessed, strict=True)]
        ready, unknown, final = [], [], []
        mend = self.kept if self.passes < HYPHEN_PASSES else None
        for k, (unit, nums) in enumerate(zip(units, numbers(units, best, self.start),
                                             strict=True)):
            made = sources.get((k, nums.folio, nums.labels))
            if made is None:  # the HTML and its hash once per unit and numbers, not per event
                source = with_css(_foreign(unit), numbers_css(
                    rules, nums.folio, dict(nums.labels), FOREIGN))
                made = sources[k, nums.folio, nums.labels] = (source, self._key(source))
            source, key = made
            piece = self.drawn.get(key)
            if piece is None and key not in absent:  # the store read once per key
                piece = _stored(self.store, key)
                if piece is None:
                    absent.add(key)
            final.append(piece is not None)
            if piece is not None:
                self.drawn[key] = pieces[k] = piece
                known[k] = Known(piece.count, anchors_of(piece, wanted_ids), True)
            elif nums.certain:
                ready.append(schedule.Job(k, source, key, True, mend))
            elif known[k] is None:
                unknown.append(schedule.Job(k, source, key, False))
        # The body's counts first: its folios rest on them, the front matter's on its own.
        first_body = next((k for k, u in enumerate(units) if self.start in u.ids), 0)
        unknown.sort(key=lambda job: (job.unit < first_body, job.unit))
        return ready, unknown, final

    def wanted(self, units: list[Unit]) -> set[str]:
        """The ids whose pages the numbers rest on: links' targets and the text's start."""
        return {t for unit in units for t in unit.targets} | {self.start or ""}

    def _key(self, source: str) -> str:
        setting = worker.SETTING
        assert setting is not None
        signature = json.dumps([VERSION, weasyprint.__version__, setting.print_options,
                                setting.screen_options, source], sort_keys=True, default=str)
        return hashlib.sha256(signature.encode()).hexdigest()


def _foreign(unit: Unit) -> str:
    """The unit's HTML with its links to other units written to FOREIGN:id."""
    source = unit.source
    for name in unit.targets:
        source = source.replace(f'href="#{name}"', f'href="{FOREIGN}{name}"')
    return source


def _stored(store: Path, key: str) -> worker.Piece | None:
    """A unit laid out and drawn by an earlier build, if its files are all there."""
    facts = store / f"{key}.facts"
    try:
        piece = pickle.loads(facts.read_bytes())  # noqa: S301 - the build's own cache
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    if not isinstance(piece, worker.Piece) or not all(
            p is not None and p.is_file() for p in (piece.print_pdf, piece.screen_pdf)):
        return None
    return piece


def _store(store: Path, key: str, piece: worker.Piece) -> None:
    """Keep a drawn unit's facts beside its PDFs, for the next build."""
    tmp = store / f"{key}.facts.tmp"
    tmp.write_bytes(pickle.dumps(piece))
    os.replace(tmp, store / f"{key}.facts")


def _filler(first: Unit, store: Path, pool: ProcessPoolExecutor | None) -> worker.Piece:
    """A page with nothing on it and, after it, WeasyPrint's own blank verso of the book (no
    folio, no running head; the bleed and marks of its pages): the verso goes after a unit of
    odd length, and the two pages carry the edition's metadata, of this build."""
    head = first.source[:first.source.index("<body>")]
    # Its pages: the empty one, the verso, the page the second <div> opens (never used) and
    # the sentinel's two, which the worker drops.
    source = (head + '<body><div></div><div style="break-before: right">'
              f'<div style="height: 1px"></div>{SENTINEL_HTML}</div></body></html>')
    setting = worker.SETTING
    assert setting is not None
    key = hashlib.sha256(json.dumps([VERSION, "filler", setting.epoch, source, str(
        setting.identifier), setting.print_options, setting.screen_options],
        sort_keys=True, default=str).encode()).hexdigest()
    piece = _stored(store, key)
    if piece is None:
        call = (source, store / key)
        piece = worker.lay_out(*call) if pool is None else pool.submit(
            worker.lay_out, *call).result()
        _store(store, key, piece)
    return piece


def _virtual(pieces: list[worker.Piece], filler: worker.Piece | None = None,
             end: bool = False) -> SimpleNamespace:
    """The book's pages as one document of page facts (anchors, bookmarks): what
    pagination.py and locators.py read of a WeasyPrint document. A blank verso follows a
    unit of odd length but the last (and the last too when `end`: an even count)."""
    blank = filler.pages[1] if filler is not None else worker.PageFacts({}, [], 0, True)
    pages: list[worker.PageFacts] = []
    for index, piece in enumerate(pieces):
        pages += piece.pages
        if piece.count % 2 and (index < len(pieces) - 1 or end):
            pages.append(blank)
    return SimpleNamespace(pages=pages)


def _write_files(book: Book, edition: Edition, ctx: BuildContext, units: list[Unit],
                 pieces: list[worker.Piece], anchors: dict[str, BlockRef],
                 filler: worker.Piece, start: str | None, rounds: _Rounds) -> list[Artifact]:
    """Assemble the print and screen PDFs and return their records."""
    del units  # the pieces hold what the files need
    fonts = font_files(book) if book.fonts is None else [f.path for f in book.fonts]
    book_pages = _virtual(pieces, filler)
    labels = folio_labels(book_pages, start)
    left = []
    for piece, begin in zip(pieces, starts([Known(p.count, {}, True) for p in pieces]),
                            strict=True):
        left += [dataclasses.replace(d, line=dataclasses.replace(d.line, page=begin + d.line.page))
                 for d in piece.required]
    _gutter, note = gutter_css(book, len(book_pages.pages) + 1)
    notes = tuple(filter(None, [note if rounds.gutter else None, left_note(left, labels)]))
    breaks = page_starts(book_pages, anchors, labels)
    even = target(book).even_pages
    printed_pages = _virtual(pieces, filler, end=even)
    assert filler.print_pdf is not None and filler.screen_pdf is not None
    parts = []
    for index, piece in enumerate(pieces):
        assert piece.print_pdf is not None
        parts.append(Part(piece.print_pdf, list(range(piece.count))))
        if piece.count % 2 and (index < len(pieces) - 1 or even):
            parts.append(Part(filler.print_pdf, [1]))
    printed_labels = labels + [str(int(labels[-1]) + 1) if labels[-1].isdigit() else ""
                               ] * (len(printed_pages.pages) - len(labels))
    printed = ctx.staging / f"{edition.slug}.pdf"
    # The metadata of this build (its dates) comes from the filler: the units may have been
    # drawn by an earlier one.
    assemble([Part(filler.print_pdf, []), *parts], printed, fonts, printed_labels,
             [(p.bookmarks, p.height) for p in printed_pages.pages], tagged=True,
             cache=ctx.cache)
    cover = _cover(book, edition, ctx)
    screen_parts = [Part(cover, [0])]
    shown = [pdf.locale(book)["cover"]]
    marks: list[tuple[list[object], float]] = [([], pieces[0].pages[0].height)]
    at = 0
    for piece in pieces:
        assert piece.screen_pdf is not None
        screen_parts.append(Part(piece.screen_pdf, list(range(piece.screen_pages))))
        for page in piece.pages:
            if not page.blank:
                shown.append(labels[at])
                marks.append((page.bookmarks, page.height))
            at += 1
        at += piece.count % 2
    screen = ctx.staging / f"{edition.slug}-screen.pdf"
    assemble([Part(filler.screen_pdf, []), *screen_parts], screen, fonts, shown, marks,
             tagged=True, cache=ctx.cache)
    cover.unlink()  # a part of the screen PDF, not an output
    log.debug(f"pieces: {edition.key}: {len(rounds.laid)} units laid out")
    return [Artifact(edition.key, "pdf", "print", printed, len(printed_pages.pages), breaks,
                     notes),
            Artifact(edition.key, "pdf", "screen", screen, len(shown))]


def _cover(book: Book, edition: Edition, ctx: BuildContext) -> Path:
    """The screen edition's cover page as a tagged PDF of its own."""
    setting = worker.SETTING
    assert setting is not None
    fetcher = BookFetcher(book.root, font_files(book))
    cover = weasyprint.HTML(string=pdf.cover_html(book, edition, ctx), base_url=str(book.root),
                            url_fetcher=fetcher).render(font_config=ctx.font_config,
                                                        stylesheets=[])
    path = ctx.staging / f".{edition.slug}-cover.pdf"
    with stable_document_id(setting.identifier):
        cover.write_pdf(path, uncompressed_pdf=False, pdf_identifier=setting.identifier,
                        **setting.screen_options)
    return path
