"""The record of an edition's last layout in pieces, read only by the version that wrote it."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from make_book.writers.pieces import history
from make_book.writers.pieces.history import History
from make_book.writers.pieces.worker import PageFacts, Piece


def test_a_history_of_another_version_is_not_read(tmp_path: Path) -> None:
    """Its kept words came from another way of mending the hyphenation: applied, they would
    give other bytes than a build from nothing."""
    edition = SimpleNamespace(identifier="urn:uuid:test")
    rounds = SimpleNamespace(kept=frozenset(), pages=None, gutter="", laid=["c1"])
    first = History.load(tmp_path, edition)
    assert first.data == {}
    first.save(["c1"], [Piece([PageFacts({}, [], 800.0, False)], [])], set(), rounds)
    assert History.load(tmp_path, edition).data["laid_out"] == ["c1"]
    written = first.path.read_text(encoding="utf-8")
    assert f'"version": "{history.VERSION}"' in written
    first.path.write_text(written.replace(history.VERSION, "pieces-1"), encoding="utf-8")
    assert History.load(tmp_path, edition).data == {}
