"""What the last build of an edition learnt of its units, kept in the project's state folder
for the next: a unit whose HTML is unchanged gets its numbers from it at once, and a rebuild
lays out only what moved."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from make_book.core.editions import Edition
from make_book.core.store import state_dir
from make_book.writers.hyphenation import Kept
from make_book.writers.pieces import worker
from make_book.writers.pieces.numbers import Known
from make_book.writers.pieces.units import Unit

# Part of every unit's cache key, and of the history: bump it when what a unit's PDF holds
# changes (a history of another version is not read: its kept words would be applied).
# 2: hyphenation mended as the pages are made (writers/hyphen_inline.py).
VERSION = "pieces-2"


class History:
    """What the last build of this edition learnt: each unit's count and anchors (by the
    unit's key), the words kept whole, the index's pages and the gutter."""

    def __init__(self, path: Path, data: dict[str, object]):
        self.path = path
        self.data = data

    @classmethod
    def load(cls, state: Path, edition: Edition) -> History:
        """The project's record of the edition's last build (in its own state folder, not
        the content cache that other books may share): empty when there is none."""
        name = hashlib.sha256(edition.identifier.encode()).hexdigest()[:20]
        path = state / "pieces" / f"history-{name}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        ours = isinstance(data, dict) and data.get("version") == VERSION
        return cls(path, data if ours else {})

    def known(self, unit: Unit) -> Known | None:
        entry = self.data.get("units", {}).get(unit.key)
        if not isinstance(entry, dict):
            return None
        return Known(int(entry["count"]), dict(entry["anchors"]), certain=True)

    @property
    def kept(self) -> frozenset[Kept]:
        return frozenset(Kept(*item) for item in self.data.get("kept", []))

    @property
    def pages(self) -> dict[str, int] | None:
        return self.data.get("pages")

    @property
    def gutter(self) -> str:
        return str(self.data.get("gutter", ""))

    def save(self, keys: list[str], pieces: list[worker.Piece], wanted: set[str],
             rounds: Any) -> None:
        """Keep, for the next build, each unit's count and the anchors of `wanted` (by the
        unit's key) and what the rounds learnt (`rounds`: their kept words, index pages,
        gutter and the units they laid out)."""
        self.data = {
            "units": {key: {"count": piece.count, "anchors": anchors_of(piece, wanted)}
                      for key, piece in zip(keys, pieces, strict=True)},
            "kept": sorted(dataclasses.astuple(k) for k in rounds.kept),
            "pages": rounds.pages, "gutter": rounds.gutter, "laid_out": rounds.laid,
            "version": VERSION}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)


def anchors_of(piece: worker.Piece, wanted: set[str]) -> dict[str, int]:
    """The page of the unit where each of `wanted` is (its first page, for a split box)."""
    found: dict[str, int] = {}
    for index, page in enumerate(piece.pages):
        for name in page.anchors:
            if name in wanted:
                found.setdefault(name, index)
    return found



def laid_out(root: Path, edition: Edition) -> list[str]:
    """The keys of the units the last build of `edition` in project `root` laid out (a
    unit's key is its first element's id: the chapter's, the part's)."""
    return list(History.load(state_dir(root), edition).data.get("laid_out", []))
