"""`make-book check`: one tiny broken project per diagnostic code (tests/fixtures/diagnostics/
<CODE>/, its expected line in expected.txt), typography hints, EPUBCheck's findings."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, copy_project, require_tool

import make_book
from make_book.cli import main
from make_book.core.store import CACHE_VARIABLE
from make_book.lint.epubcheck import epubcheck
from make_book.lint.hints import hints, position
from make_book.read import reader

DIAGNOSTICS = FIXTURES / "diagnostics"
CODES = sorted(p.name for p in DIAGNOSTICS.iterdir() if p.is_dir())
# Findings of EPUBCheck itself: shown on a broken EPUB below, not by a manuscript.
FROM_EPUBCHECK = {"E090", "W090"}
# Findings of the preflight, on built print files (`check --print`): each shown on a
# deliberately wrong file in test_print.py.
FROM_PREFLIGHT = {"E080", "E081", "E082", "E083", "E084", "E085", "E086", "E087", "E088", "W080",
                  "W081"}


def check(*args: str) -> tuple[int, list[str], str]:
    result = CliRunner().invoke(main, ["check", *args])
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.stdout.splitlines(), result.stderr


@pytest.mark.parametrize("code", CODES)
def test_each_code_prints_its_located_line(code: str, monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    if code == "W011":  # a 2 MB chapter has no place in the repository: lower the bar
        monkeypatch.setattr(reader, "LARGE_CHAPTER_BYTES", 16)
    if code == "E021":  # nor a file that keeps pandoc busy for minutes: no time at all
        monkeypatch.setenv("MAKE_BOOK_PANDOC_TIMEOUT", "0")
        # An empty cache: the run's shared one may hold this text's conversion already.
        monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path))
    expected = (DIAGNOSTICS / code / "expected.txt").read_text(encoding="utf-8").strip()
    status, lines, _ = check(str(DIAGNOSTICS / code))
    assert [line for line in lines if line.startswith(expected + " ")], (expected, lines)
    # The fixture shows its own code and nothing else (but W004: the fixtures name no author),
    # and the exit code follows the severity.
    assert {line.split()[1] for line in lines} - ({"W004"} if code != "W004" else set()) \
        == {code}, lines
    assert status == (1 if code.startswith("E") else 0)


def test_every_code_in_the_source_has_a_fixture() -> None:
    source = Path(make_book.__file__).parent
    text = "\n".join(p.read_text(encoding="utf-8") for p in source.rglob("*.py"))
    emitted = set(re.findall(r"\"([EW]0\d\d)\"", text))
    assert emitted - set(CODES) - FROM_EPUBCHECK - FROM_PREFLIGHT == set(), \
        "add tests/fixtures/diagnostics/CODE"
    assert set(CODES) - emitted == set(), "a fixture for a code nothing emits any more"


def test_warnings_fail_with_strict_and_codes_can_be_ignored() -> None:
    fixture = str(DIAGNOSTICS / "W053")
    assert check(fixture)[0] == 0
    status, lines, _ = check(fixture, "--strict")
    assert status == 1 and lines
    status, lines, stderr = check(fixture, "--ignore", "w053,W004")
    assert (status, lines) == (0, [])
    assert "no problems found" in stderr


def test_every_pass_runs_and_findings_come_in_file_order(tmp_path: Path) -> None:
    """Every pass runs after one found errors (in a build too); check sorts what it found."""
    root = copy_project(FIXTURES / "mini", tmp_path / "book")
    first = root / "manuscript" / "01-first.md"
    first.write_text(first.read_text(encoding="utf-8").replace("assets/disc.png", "nope.png")
                     + "\nSee @fig:missing , and more.\n", encoding="utf-8")
    status, lines, stderr = check(str(root))
    assert status == 1
    codes = [line.split()[1] for line in lines]
    assert codes == ["E042", "E031", "W053"], lines  # images, xrefs, then the hint, by line
    assert lines[0].startswith("manuscript/01-first.md:9: E042 image not found")
    assert "2 errors, 1 warning" in stderr


def test_sample_project_is_clean_and_a_broken_build_table_is_located(tmp_path: Path) -> None:
    root = tmp_path / "book"
    assert CliRunner().invoke(main, ["init", str(root)]).exit_code == 0
    assert check(str(root))[:2] == (0, [])
    toml = root / "manuscript" / "book.toml"
    text = toml.read_text(encoding="utf-8").replace('formats = ["epub", "pdf", "html"]',
                                                    'formats = ["epub", "odt"]')
    toml.write_text(text, encoding="utf-8")
    line = text.splitlines().index('formats = ["epub", "odt"]') + 1
    status, lines, _ = check(str(root))
    assert status == 1
    assert lines == [f"manuscript/book.toml:{line}: E005 [build] formats: unknown format odt: "
                     "choose among epub, pdf, html, docx"]


# -- typography hints: what they must not say ---------------------------------------------------

QUIET = {
    "code and URLs": ('Use `x = "y` here, see https://example.org/a, and <b class="x">.', "en"),
    "attributes": ('![A disc.](a.png){#fig:a alt="The "disc" seen from above."}', "en"),
    "links before punctuation": ("See [the chapter](02-x.md), and @fig:disc.", "en"),
    "long quotation": ('"First paragraph of a quotation.\n\n"Second, which closes."', "en"),
    "Latin locution": ("A priori, rien. A fortiori, tout.", "fr"),
    "French spacing in French": ("Vraiment ? Oui : tout ; enfin !", "fr"),
    "French hints in English": ("The Etat of the coeur: A cat.", "en"),
    "moelle and coefficient": ("La moelle et le coefficient.", "fr"),
    "fenced code": ('```\nsay "unbalanced , x\n```', "en"),
}


@pytest.mark.parametrize("case", sorted(QUIET))
def test_hints_stay_quiet_on_correct_text(case: str) -> None:
    text, lang = QUIET[case]
    assert list(hints(text, lang)) == []


def test_hints_locate_each_problem() -> None:
    text = "# Titre\n\nA la fin, Ca va. Un voeu , etc...\n"
    found = [(h.code, position(text, h.offset)) for h in hints(text, "fr")]
    assert found == [("W051", (3, 1)), ("W051", (3, 11)), ("W052", (3, 21)),
                     ("W053", (3, 25)), ("W055", (3, 28))]
    messages = " ".join(h.message for h in hints(text, "fr"))
    assert "« À »" in messages and "« Ça »" in messages and "« vœu »" in messages


# -- EPUBCheck ------------------------------------------------------------------------------------


@pytest.fixture
def quick_java(monkeypatch: pytest.MonkeyPatch) -> None:
    """EPUBCheck runs for seconds: the JVM's quick compiler alone halves its CPU time."""
    require_tool("epubcheck", "EPUBCheck")
    monkeypatch.setenv("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")


@pytest.mark.epubcheck
def test_check_epub_runs_epubcheck_on_a_clean_book(tmp_path: Path, quick_java: None) -> None:
    root = copy_project(FIXTURES / "mini", tmp_path / "book")
    status, lines, stderr = check(str(root), "--epub", "--ignore", "W031")
    assert (status, lines) == (0, [])
    assert "running EPUBCheck" in stderr
    assert "no problems found (EPUBCheck included)" in stderr
    assert not (root / "dist").exists()  # the EPUBs were built aside


@pytest.mark.epubcheck
def test_epubcheck_findings_are_located_inside_the_epub(mini_book, tmp_path: Path,
                                                        quick_java: None) -> None:
    source = mini_book.file("*.epub")
    broken = tmp_path / source.name
    chapter = ""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(broken, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if not chapter and re.search(r"first\.xhtml$", item.filename):
                chapter = item.filename
                # An element XHTML does not have (error), a link with an unknown scheme (warning).
                data = data.replace(b"</body>", b'<blink>x</blink><p><a href="foo:bar">x</a>'
                                    b"</p></body>", 1)
            zout.writestr(item, data)
    assert chapter, "no chapter file named *first.xhtml in the EPUB"
    found = epubcheck([broken])
    assert {d.code for d in found} == {"E090", "W090"}, found
    for diagnostic in found:
        assert str(diagnostic.path) == f"{broken.name}/{chapter}"
        assert diagnostic.line and diagnostic.col
    error = next(d for d in found if d.code == "E090")
    assert "RSC-005" in error.message and "blink" in error.message
    warning = next(d for d in found if d.code == "W090")
    assert "HTM-025" in warning.message


def test_every_file_is_read_before_stopping(tmp_path):
    """Errors in two files and a warning in book.toml: one run of check names all three."""
    root = copy_project(FIXTURES / "parts", tmp_path)
    manuscript = root / "manuscript"
    part = manuscript / "01-debut" / "_part.md"
    part.write_text(part.read_text(encoding="utf-8").replace("status: published",
                                                             "status: bientôt"),
                    encoding="utf-8")
    chapter = manuscript / "02-suite" / "01-second.md"
    chapter.write_text("---\ntitle: [non fermé\n---\n" + chapter.read_text(encoding="utf-8"),
                       encoding="utf-8")
    toml = manuscript / "book.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace("[book]\n", "[book]\nsubtitel = 'x'\n"), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1
    codes = re.findall(r"^(\S+?):\d+(?::\d+)?: ([EW]\d{3})", result.output, re.M)
    assert ("manuscript/01-debut/_part.md", "E012") in codes, result.output
    assert ("manuscript/02-suite/01-second.md", "E011") in codes, result.output
    assert ("manuscript/book.toml", "W002") in codes, result.output
