"""Benchmark: make-book against the bare tools on the same manuscripts, in the same run.

    .venv/bin/python scripts/bench.py                 # 50 and 250 pages, and the series
    .venv/bin/python scripts/bench.py --pages 1000    # add sizes (or --pages 50,250,1000)

For each book — synthetic manuscripts of the chosen sizes (scripts/synthetic.py) and the
series of this repository — it measures:
- the bare tools a user would otherwise run, one edition after another: pandoc `-t epub3` for
  each EPUB, `pandoc --pdf-engine=weasyprint` for each PDF (a print and a screen PDF per
  edition, as make-book makes), pandoc `-t html5 -s` for each web page (the pandoc of the
  pypandoc-binary wheel, the venv's `weasyprint`);
- make-book: the cold build (no dist/, no cache), the no-op rebuild, the rebuild of the EPUBs
  and the web edition after one chapter was edited, and the full rebuild after an edit (and
  which PDFs it laid out again);
- scaling: the largest synthetic book's cold build again with one worker (`--jobs 1`), the
  speed-up of the cores against it, the serial fraction that speed-up implies (Amdahl's law)
  and the time it projects on 16 cores;
each with its wall time, CPU time and the peak memory of the whole process tree (the sum of
the resident sizes of the process and all its descendants, sampled every 50 ms).

It prints the tables and writes them, with the machine's description, between the markers of
docs/performance.md. Figures are ratios to what was measured in the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import edit, generate  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "performance.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
PAGE = os.sysconf("SC_PAGE_SIZE")


# ---------------------------------------------------------------------------------------------
# Measuring a command


@dataclass
class Run:
    """One command: wall seconds, CPU seconds of its process tree, peak memory (MB)."""

    seconds: float
    cpu: float
    peak_mb: float

    def __add__(self, other: Run) -> Run:
        return Run(self.seconds + other.seconds, self.cpu + other.cpu,
                   max(self.peak_mb, other.peak_mb))


ZERO = Run(0.0, 0.0, 0.0)


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def tree_rss(pid: int) -> int:
    """Bytes resident in pid and all its descendants (read from /proc: Linux only)."""
    tree, total, todo = _children(), 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/statm", "rb") as handle:
                total += int(handle.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
        todo += tree.get(current, [])
    return total


class Sampler(threading.Thread):
    """The peak of tree_rss(pid) while the command runs."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.stopped = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.05):
            self.peak = max(self.peak, tree_rss(self.pid))


def measure(command: Sequence[str | Path], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run command to its end; a failure stops the benchmark with the command's stderr."""
    env = clean_env() if env is None else env
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen([str(c) for c in command], cwd=cwd, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = Sampler(process.pid)
    sampler.start()
    _, stderr = process.communicate()
    seconds = time.perf_counter() - started
    sampler.stopped.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(map(str, command))}\n"
                         + stderr.decode("utf-8", "replace")[-3000:])
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # ru_maxrss is the largest single descendant: a floor when sampling missed a short peak.
    peak = max(sampler.peak, after.ru_maxrss * 1024 if after.ru_maxrss > before.ru_maxrss
               else 0)
    return Run(seconds, cpu, peak / 1e6)


# ---------------------------------------------------------------------------------------------
# The bare tools


@dataclass
class Edition:
    slug: str
    title: str
    files: list[Path]


def bare_editions(root: Path) -> list[Edition]:
    """The omnibus and one volume per part with chapters, as make-book makes them: each
    part's introduction (_part.md) then its chapters, in folder order."""
    manuscript = root / "manuscript"
    parts = sorted(p for p in manuscript.iterdir() if p.is_dir() and p.name[:2].isdigit())
    volumes, every = [], []
    for part in parts:
        chapters = sorted(p for p in part.glob("[0-9]*.md"))
        files = ([part / "_part.md"] if (part / "_part.md").exists() else []) + chapters
        every += files
        if chapters:
            volumes.append(Edition(f"volume-{part.name}", part.name, files))
    loose = sorted(manuscript.glob("[0-9]*.md"))
    return [Edition("omnibus", "Omnibus", every + loose)] + volumes


def clean_env(jobs: int | None = None) -> dict[str, str]:
    """The environment of a measured command: no shared content cache (a cold build must find
    nothing made) and, with jobs, that many make-book processes."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKE_BOOK_CACHE", "MAKE_BOOK_JOBS")}
    if jobs is not None:
        env["MAKE_BOOK_JOBS"] = str(jobs)
    return env


def bare_tools(root: Path, pandoc: str, weasyprint: str) -> Run:
    """What a user would run without make-book, one command after another."""
    out = root / "bare"
    shutil.rmtree(out, ignore_errors=True)
    (out / "html").mkdir(parents=True)
    total = ZERO
    common = ["--file-scope", "--from", "markdown", "-M", "lang=fr", "--resource-path", root]
    for ed in bare_editions(root):
        meta = ["-M", f"title={ed.title}"]
        total += measure([pandoc, *common, *meta, "--to", "epub3", "-o",
                          out / f"{ed.slug}.epub", *ed.files], root)
        for pdf in (f"{ed.slug}.pdf", f"{ed.slug}-screen.pdf"):  # print, then screen
            total += measure([pandoc, *common, *meta, f"--pdf-engine={weasyprint}", "-o",
                              out / pdf, *ed.files], root)
    for page in bare_editions(root)[0].files:  # the web edition: one page per file
        total += measure([pandoc, "--from", "markdown", "--to", "html5", "-s", "-M",
                          f"title={page.stem}", "-M", "lang=fr", "-o",
                          out / "html" / f"{page.parent.name}-{page.stem}.html", page], root)
    return total


# ---------------------------------------------------------------------------------------------
# make-book


def make_book_command(src: Path | None) -> list[str]:
    """make-book run by this interpreter; from another checkout's src/ with --src."""
    if src is None:
        return [sys.executable, "-m", "make_book.cli"]
    code = f"import sys; sys.path.insert(0, {str(src)!r}); from make_book.cli import main; main()"
    return [sys.executable, "-c", code]


def output_keys(root: Path) -> dict[str, str]:
    try:
        data = json.loads((root / ".cache/make-book/outputs.json").read_text("utf-8"))
        return {Path(k).name: v["key"] for k, v in data["outputs"].items()}
    except (OSError, ValueError, KeyError):
        return {}


@dataclass
class Result:
    name: str
    pages: int
    editions: int
    bare: Run
    cold: Run
    noop: Run | None = None
    edit_light: Run | None = None
    edit_full: Run | None = None
    redone: list[str] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)
    pdfs: int = 0
    serial: Run | None = None  # the cold build with one worker


@dataclass
class Scaling:
    """A cold build with one worker against the same build with `workers`."""

    one: Run
    many: Run
    workers: int

    @property
    def speedup(self) -> float:
        return self.one.seconds / self.many.seconds

    @property
    def serial_fraction(self) -> float:
        """Amdahl's serial fraction s from speed-up S on n workers: S = 1 / (s + (1 - s) / n)."""
        n = self.workers
        if n < 2:
            return 1.0
        return min(1.0, max(0.0, (n / self.speedup - 1) / (n - 1)))

    def projected(self, cores: int) -> float:
        """Seconds Amdahl's law projects for the build on `cores` workers."""
        s = self.serial_fraction
        return self.one.seconds * (s + (1 - s) / cores)


def print_pages(dist: Path) -> int:
    """Pages of the omnibus's print PDF."""
    from pypdf import PdfReader

    omnibus = min((p for p in dist.glob("*.pdf")
                   if not p.stem.endswith(("-screen", "-cover"))), key=lambda p: len(p.name))
    return len(PdfReader(omnibus).pages)


def bench_book(name: str, root: Path, chapter: Path, tools: dict[str, str],
               src: Path | None) -> Result:
    """Bare tools, then make-book cold, no-op and after edits, on the project at root."""
    mb = make_book_command(src)
    say(f"{name}: the bare tools")
    bare = bare_tools(root, tools["pandoc"], tools["weasyprint"])
    for leftover in ("dist", ".cache"):
        shutil.rmtree(root / leftover, ignore_errors=True)
    say(f"{name}: make-book, cold")
    cold = measure([*mb, "build", root], root)
    dist = root / "dist"
    result = Result(name, print_pages(dist), len(bare_editions(root)), bare, cold)
    say(f"{name}: make-book, nothing changed")
    result.noop = measure([*mb, "build", root], root)
    keys = output_keys(root)
    edit(chapter, 1)
    say(f"{name}: make-book, one chapter edited (all formats)")
    result.edit_full = measure([*mb, "build", root], root)
    after = output_keys(root)
    pdfs = sorted(p.name for p in dist.glob("*.pdf") if not p.name.endswith("-cover.pdf"))
    result.pdfs = len(pdfs)
    # Without a record (a make-book that keeps none), every PDF was laid out again.
    result.redone = [n for n in pdfs if not keys or keys.get(n) != after.get(n)]
    result.expected = holding(dist, chapter, pdfs)
    edit(chapter, 2)
    say(f"{name}: make-book, one chapter edited (EPUB and web edition)")
    result.edit_light = measure([*mb, "build", root, "--format", "epub,html"], root)
    return result


def cold_serial(name: str, root: Path, src: Path | None) -> Run:
    """The cold build of the project at root again, with one worker."""
    for leftover in ("dist", ".cache"):
        shutil.rmtree(root / leftover, ignore_errors=True)
    say(f"{name}: make-book, cold, one worker")
    return measure([*make_book_command(src), "build", root], root, clean_env(jobs=1))


def holding(dist: Path, chapter: Path, pdfs: list[str]) -> list[str]:
    """The PDFs that hold chapter: the omnibus's and its part's volume's (make-book names a
    volume `<omnibus>-<n>-<part slug>`)."""
    omnibus = min((p.stem for p in dist.glob("*.epub")), key=len)
    number, slug = chapter.parent.name.split("-", 1)
    volume = f"{omnibus}-{int(number)}-{slug}"
    return [n for n in pdfs if n.removesuffix(".pdf").removesuffix("-screen")
            in (omnibus, volume)]


# ---------------------------------------------------------------------------------------------
# Report


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    memory = next((int(line.split()[1]) // 1024 // 1024 for line in
                   Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    return (f"{cpu}, {os.cpu_count()} cores, {memory} GB; {platform.platform()}; "
            f"Python {platform.python_version()}")


def versions(pandoc: str) -> str:
    import weasyprint

    first = subprocess.run([pandoc, "--version"], capture_output=True, text=True,
                           check=True).stdout.splitlines()[0]
    return f"{first}, WeasyPrint {weasyprint.__version__}"


def pct(part: Run | None, whole: Run) -> str:
    return f"{part.seconds:.1f} s ({100 * part.seconds / whole.seconds:.1f} %)" if part else "–"


def report(results: list[Result], tools: dict[str, str], loads: tuple[str, str],
           workers: int) -> str:
    lines = [f"Measured {dt.date.today().isoformat()} on {machine()}; {versions(tools['pandoc'])};"
             f" make-book with {workers} processes. Load average before and after the run: "
             f"{loads[0]} / {loads[1]} (other processes running on the machine slow both "
             "sides alike).", "",
             "### Cold build against the bare tools", "",
             "| book | print pages | editions | bare tools | make-book | ratio | CPU bare / "
             "make-book | peak memory bare / make-book |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in results:
        lines.append(
            f"| {r.name} | {r.pages} | {r.editions} | {r.bare.seconds:.1f} s | "
            f"{r.cold.seconds:.1f} s | **{r.cold.seconds / r.bare.seconds:.2f}** | "
            f"{r.bare.cpu:.0f} s / {r.cold.cpu:.0f} s | "
            f"{r.bare.peak_mb:.0f} MB / {r.cold.peak_mb:.0f} MB |")
    lines += ["", "### Rebuilds (share of make-book's cold build)", "",
              "| book | nothing changed | one chapter edited: EPUB + web | one chapter edited:"
              " everything | PDFs laid out again |", "| --- | ---: | ---: | ---: | --- |"]
    for r in results:
        redone = ", ".join(f"`{n}`" for n in r.redone) or "none"
        exact = "exactly those holding the chapter" if sorted(r.redone) == sorted(
            r.expected) else f"expected {', '.join(r.expected)}"
        lines.append(f"| {r.name} | {pct(r.noop, r.cold)} | {pct(r.edit_light, r.cold)} | "
                     f"{pct(r.edit_full, r.cold)} | {len(r.redone)} of {r.pdfs}: {exact} "
                     f"({redone}) |")
    named = {r.name: r for r in results}
    small, large = named.get("250 pages"), named.get("1000 pages")
    if small and large:
        growth = large.cold.seconds / small.cold.seconds
        lines += ["", "### Growth", "",
                  f"1,000 pages against 250: cold build ×{growth:.2f}"
                  f" (target ≤ 4.2), bare tools ×{large.bare.seconds / small.bare.seconds:.2f};"
                  f" peak memory of the 1,000-page build {large.cold.peak_mb:.0f} MB "
                  "(target < 2,000 MB)."]
    for r in results:
        if r.serial is None:
            continue
        scale = Scaling(r.serial, r.cold, workers)
        lines += ["", f"### Scaling ({r.name}, cold)", "",
                  "| workers | wall | CPU | peak memory |", "| ---: | ---: | ---: | ---: |",
                  f"| 1 | {r.serial.seconds:.1f} s | {r.serial.cpu:.0f} s | "
                  f"{r.serial.peak_mb:.0f} MB |",
                  f"| {workers} | {r.cold.seconds:.1f} s | {r.cold.cpu:.0f} s | "
                  f"{r.cold.peak_mb:.0f} MB |", "",
                  f"Speed-up with {workers} workers: ×{scale.speedup:.2f} (target ≥ 1.7 on two "
                  f"cores); serial fraction by Amdahl's law {scale.serial_fraction:.2f}; "
                  f"projected on 16 cores: {scale.projected(16):.1f} s."]
    return "\n".join(lines) + "\n"


def write_doc(text: str) -> None:
    """Replace what lies between the markers of docs/performance.md (the rest is prose)."""
    doc = DOC.read_text(encoding="utf-8") if DOC.exists() else f"# Performance\n\n{START}\n{END}\n"
    if START not in doc or END not in doc:
        doc += f"\n{START}\n{END}\n"
    head, rest = doc.split(START, 1)
    _, tail = rest.split(END, 1)
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(f"{head}{START}\n{text}{END}{tail}", encoding="utf-8")


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", default="50,250",
                        help="sizes of the synthetic books in pages, comma-separated "
                        "(default 50,250; 50,250,1000 for the growth figures)")
    parser.add_argument("--no-series", action="store_true", help="skip the repository's book")
    parser.add_argument("--src", type=Path, help="run make-book from this src/ folder (to "
                        "compare with another checkout)")
    parser.add_argument("--work", type=Path, help="where the books are made (kept); default: a "
                        "temporary folder, removed at the end")
    parser.add_argument("--no-doc", action="store_true", help="print only; leave "
                        "docs/performance.md alone")
    parser.add_argument("--no-scaling", action="store_true", help="skip the largest book's "
                        "cold build with one worker")
    args = parser.parse_args(argv)
    pages = sorted({int(p) for p in args.pages.split(",")})
    import pypandoc

    tools = {"pandoc": pypandoc.get_pandoc_path(),
             "weasyprint": str(Path(sys.executable).with_name("weasyprint"))}
    work = args.work or Path(tempfile.mkdtemp(prefix="make-book-bench-"))
    loads = (" ".join(f"{x:.1f}" for x in os.getloadavg()), "")
    results = []
    try:
        for size in pages:
            root = work / f"book-{size}"
            shutil.rmtree(root, ignore_errors=True)
            say(f"writing a {size}-page manuscript")
            chapters = generate(root, size)
            results.append(bench_book(f"{size} pages", root, chapters[len(chapters) // 2],
                                      tools, args.src))
            if size == pages[-1] and not args.no_scaling:
                results[-1].serial = cold_serial(results[-1].name, root, args.src)
        if not args.no_series:
            root = work / "series"
            shutil.rmtree(root, ignore_errors=True)
            for name in ("manuscript", "assets"):
                shutil.copytree(REPO / name, root / name)
            chapter = sorted((root / "manuscript").glob("*/0*.md"))[0]
            results.append(bench_book("the series", root, chapter, tools, args.src))
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    loads = (loads[0], " ".join(f"{x:.1f}" for x in os.getloadavg()))
    text = report(results, tools, loads, len(os.sched_getaffinity(0)))
    print(text)
    if not args.no_doc:
        write_doc(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
