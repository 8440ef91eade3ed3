"""Line balancing of the covers' texts (assets/lettering.balanced_lines): the fewest lines
that fit, then the most even, found by pruning to the breaks a setting in that many lines can
use: checked against every break set of short texts."""

from __future__ import annotations

import itertools
import random

import pytest

from make_book.assets import lettering


def _width(_font: object, text: str) -> int:
    """A made-up measure: a few units a letter, narrow and wide ones."""
    return sum(3 if ch in "il '" else 7 if ch in "mwMW" else 5 for ch in text)


def _settings(words: list[str], width: float) -> list[list[str]]:
    """Every way of breaking the words into lines that fit."""
    found = []
    for cuts in itertools.product((False, True), repeat=len(words) - 1):
        lines, current = [], [words[0]]
        for word, cut in zip(words[1:], cuts, strict=True):
            if cut:
                lines.append(" ".join(current))
                current = [word]
            else:
                current.append(word)
        lines.append(" ".join(current))
        if all(_width(None, line) <= width for line in lines):
            found.append(lines)
    return found


@pytest.mark.parametrize("seed", range(40))
def test_balanced_lines_are_the_fewest_then_the_most_even(seed: int,
                                                          monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(lettering, "text_width", _width)
    rng = random.Random(seed)
    words = ["".join(rng.choice("abcdeilmnorstuw") for _ in range(rng.randint(1, 9)))
             for _ in range(rng.randint(1, 11))]
    width = max(_width(None, w) for w in words) + rng.randint(0, 60)
    got = lettering.balanced_lines(words, None, width)  # type: ignore[arg-type]
    settings = _settings(words, width)
    fewest = min(len(s) for s in settings)
    cost = min(sum((width - _width(None, line)) ** 2 for line in s)
               for s in settings if len(s) == fewest)
    assert " ".join(got) == " ".join(words)
    assert len(got) == fewest
    assert sum((width - _width(None, line)) ** 2 for line in got) == cost
    assert all(_width(None, line) <= width for line in got)
