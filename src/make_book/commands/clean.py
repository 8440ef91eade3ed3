"""`make-book clean`: remove what builds leave in a project (dist/ and make-book's cache)."""

from __future__ import annotations

import shutil
from pathlib import Path

from make_book.core.diagnostics import fail


def clean(root: Path, out: Path | None = None) -> list[Path]:
    """Remove root/dist (or out, when inside the project) and root/.cache/make-book; return
    what was removed. Only a project folder is cleaned: nothing is deleted elsewhere."""
    root = root.resolve()
    if not (root / "manuscript").is_dir():
        raise fail("E001", f"no manuscript/ folder in {root}: not a make-book project, nothing "
                   "removed", root)
    targets = [root / "dist", root / ".cache" / "make-book"]
    if out is not None:
        out = out.resolve()
        kept = [root / name for name in ("manuscript", "assets", "styles")]
        if out.is_relative_to(root) and out != root and not any(
                out.is_relative_to(k) or k.is_relative_to(out) for k in kept):
            targets[0] = out
    removed = []
    for target in targets:
        if target.is_dir():
            shutil.rmtree(target)
            removed.append(target)
        elif target.exists():
            target.unlink()
            removed.append(target)
    cache = root / ".cache"
    if cache.is_dir() and not any(cache.iterdir()):
        cache.rmdir()
    return removed
