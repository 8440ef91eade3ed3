"""`make-book init DIR`: a new project with a sample manuscript that builds as it is."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from importlib import resources
from pathlib import Path
from string import Template

from make_book.core.diagnostics import MakeBookError

# Files shipped under another name: package data leaves dot-files out of wheels.
RENAMED = {"gitignore": ".gitignore"}
# Files holding $title / $date, filled in at creation.
TEMPLATED = ("manuscript/book.toml", "README.md")


def init(target: Path, title: str) -> list[Path]:
    """Copy the sample project into target (absent or empty); return the files written."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise MakeBookError(f"{target} already exists and is not empty: give a new folder "
                            f"(make-book init {target.name}-2)")
    template = resources.files("make_book") / "init_template"
    written: list[Path] = []
    with resources.as_file(template) as source:
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            relative = path.relative_to(source)
            if "__pycache__" in relative.parts:
                continue
            dest = target / RENAMED.get(relative.as_posix(), relative.as_posix())
            dest.parent.mkdir(parents=True, exist_ok=True)
            if relative.as_posix() in TEMPLATED:
                text = Template(path.read_text(encoding="utf-8")).safe_substitute(
                    title=json.dumps(title, ensure_ascii=False)
                    if dest.name == "book.toml" else title,
                    date=dt.date.today().isoformat())
                dest.write_text(text, encoding="utf-8")
            else:
                shutil.copyfile(path, dest)
            written.append(dest)
    return written
