"""« Did you mean … » for a label and an image path that do not exist."""

from __future__ import annotations

from pathlib import Path

from conftest import FIXTURES, copy_project, run_cli


def test_a_misspelt_label_and_image_path_name_the_ones_meant(tmp_path: Path) -> None:
    root = copy_project(FIXTURES / "mini", tmp_path / "book")
    chapter = root / "manuscript" / "01-first.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(
        "assets/disc.png", "assets/disk.png").replace("@fig:disc", "@fig:disk"),
        encoding="utf-8")
    done = run_cli("check", str(root))
    assert done.returncode == 1
    assert "E031 reference to unknown label `@fig:disk`: did you mean `@fig:disc`?" \
        in done.stdout, done.stdout
    assert "E042 image not found: `assets/disk.png`" in done.stdout
    assert "did you mean `assets/disc.png`?" in done.stdout
