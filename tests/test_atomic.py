"""Atomic builds: whatever stops a build (an error in a writer, Ctrl-C, a killed process),
dist/ stays exactly as the last good build left it, and the next build succeeds without a
clean."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, copy_project, snapshot

from make_book.build import output
from make_book.build.output import publish, staging_dir
from make_book.build.pipeline import build
from make_book.core.files import write_atomic
from make_book.writers import WRITERS


def last_good(root: Path) -> dict[str, str]:
    """A dist/ as a previous build left it, under the names this build would overwrite."""
    dist = root / "dist"
    (dist / "html").mkdir(parents=True)
    for name in ("essais-en-trois-parties.pdf", "essais-en-trois-parties-screen.pdf",
                 "essais-en-trois-parties.epub", "a-small-book.epub", "html/index.html"):
        (dist / name).write_bytes(f"last good {name}".encode())
    return snapshot(dist)


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if "-staging-" in p.name)


@pytest.mark.parametrize("stop", [RuntimeError("a writer failed"), KeyboardInterrupt()])
def test_a_build_stopped_in_a_writer_changes_nothing(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     stop: BaseException) -> None:
    """The web edition's writer fails after the EPUB was written to staging."""
    root = copy_project(FIXTURES / "mini", tmp_path / "book")
    before = last_good(root)
    staged: list[str] = []

    def broken(book, edition, ctx, inputs):  # noqa: ANN001, ANN202
        staged.extend(p.name for p in ctx.staging.iterdir())
        raise stop

    monkeypatch.setitem(WRITERS, "html", broken)
    with pytest.raises(type(stop)):
        build(root, formats=("epub", "html"))
    assert "a-small-book.epub" in staged, "nothing was staged: the test proves nothing"
    assert snapshot(root / "dist") == before
    assert leftovers(root) == []


def _wait_for_staged_file(root: Path, process: subprocess.Popen[str],
                          timeout: float = 240) -> None:
    """Until the build has written a first output into its staging folder."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        for folder in root.glob(".dist-staging-*"):
            if any(p.suffix == ".pdf" for p in folder.iterdir()):
                return
        time.sleep(0.05)
    process.kill()
    pytest.fail("the build never staged a PDF")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill"])
def test_an_interrupted_build_leaves_dist_and_the_next_build_succeeds(
        tmp_path: Path, sig: signal.Signals) -> None:
    root = copy_project(FIXTURES / "parts", tmp_path / "book")
    before = last_good(root)
    exe = Path(sys.executable).parent / "make-book"
    process = subprocess.Popen([str(exe), "build", str(root), "--format", "pdf,epub"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for_staged_file(root, process)
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=120)
    assert "Traceback" not in stderr
    assert snapshot(root / "dist") == before
    if sig == signal.SIGINT:
        assert process.returncode == 130, stderr
        assert "interrupted: dist/ is as the last good build left it" in stderr
        assert leftovers(root) == []
    else:
        assert process.returncode == -sig
        assert leftovers(root), "a killed build cannot clean up: expected its staging"
    # The next build, without a clean: the cache the stopped one left is usable.
    result = build(root, formats=("pdf", "epub"), edition="part-2")
    assert {p.name for p in result.outputs} >= {"essais-en-trois-parties-2-suite.pdf",
                                                "essais-en-trois-parties-2-suite.epub"}
    assert leftovers(root) == [], "the staging folder of the killed build is still there"
    after = snapshot(root / "dist")
    assert {k: v for k, v in after.items() if k in before} == before  # not rebuilt: untouched


def test_leftovers_of_dead_builds_go_those_of_running_builds_stay(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    (out / "html").mkdir(parents=True)
    dead = tmp_path / ".dist-staging-999999999-abc"  # no such process
    old_style = tmp_path / ".dist-staging-xyz"  # no process id: an older make-book's
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        running = tmp_path / f".dist-staging-{sleeper.pid}-def"
        for folder in (dead, old_style, running):
            folder.mkdir()
            (folder / "half.pdf").write_bytes(b"half")
        # A swap killed between its two renames: the old web edition is set aside, no new one.
        aside = out / ".html-old-999999999-x"
        (aside / "html").mkdir(parents=True)
        (aside / "html" / "index.html").write_text("old site", encoding="utf-8")
        (out / "html").rmdir()
        with staging_dir(out) as staging:
            assert staging.name.startswith(f".dist-staging-{os.getpid()}-")
            assert not dead.exists() and not old_style.exists()
            assert running.exists()
            assert (out / "html" / "index.html").read_text(encoding="utf-8") == "old site"
            assert not aside.exists()
        assert not staging.exists()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_ctrl_c_during_publish_waits_for_the_last_rename(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    staged, out = tmp_path / "staged", tmp_path / "dist"
    (staged / "html").mkdir(parents=True)
    (out / "html").mkdir(parents=True)
    for name in ("a.epub", "b.pdf", "c.pdf", "html/index.html"):
        (staged / name).write_bytes(b"new")
        (out / name).write_bytes(b"old")
    replace = os.replace
    calls: list[str] = []

    def interrupted(source, dest) -> None:  # noqa: ANN001
        if not calls:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C after the first rename began
        calls.append(str(dest))
        replace(source, dest)

    monkeypatch.setattr(output.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        publish(staged, out)
    assert snapshot(out) == {n: hashlib.sha256(b"new").hexdigest()
                             for n in ("a.epub", "b.pdf", "c.pdf", "html/index.html")}
    assert sorted(p.name for p in out.iterdir()) == ["a.epub", "b.pdf", "c.pdf", "html"]


def test_write_atomic_keeps_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    path = tmp_path / "cover.jpg"
    path.write_bytes(b"old")
    with pytest.raises(TypeError):
        write_atomic(path, "not bytes")  # type: ignore[arg-type]
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["cover.jpg"]
