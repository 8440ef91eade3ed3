"""`make-book init DIR [--lang TAG]`: a new project with a sample manuscript that builds as it is.

The sample is written in the book's language where make-book has one (English, French,
German), else in English; its book.toml names the language asked for, so that the labels,
quotation marks and hyphenation are that language's from the first build.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from string import Template

from make_book.core.diagnostics import MakeBookError
from make_book.core.locales import LANG_TAG, base_language, strings, supported

# Files shipped under another name: package data leaves dot-files out of wheels.
RENAMED = {"gitignore": ".gitignore"}
# Files holding $title, $lang, $author or $date, filled in at creation.
TEMPLATED = ("manuscript/book.toml", "README.md")
SAMPLES = ("en", "fr", "de")


def sample_language(lang: str) -> str:
    """The language of the sample manuscript for a book in `lang`."""
    return base_language(lang) if base_language(lang) in SAMPLES else "en"


def init(target: Path, title: str | None, lang: str = "en") -> list[Path]:
    """Copy the sample project into target (absent or empty); return the files written."""
    if not LANG_TAG.fullmatch(lang):
        raise MakeBookError(f"--lang must be a language tag such as en, fr, de or pt-BR, not "
                            f"{lang!r}")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise MakeBookError(f"{target} already exists and is not empty: give a new folder "
                            f"(make-book init {target.name}-2)")
    t = strings(lang)
    values = {"title": title or t["sample_title"], "lang": lang, "author": t["sample_author"],
              "date": dt.date.today().isoformat()}
    template = resources.files("make_book") / "init_template"
    written: list[Path] = []
    for folder in ("common", sample_language(lang)):
        written += _copy(template / folder, target, values)
    return sorted(written)


def _copy(source: Traversable, target: Path, values: dict[str, str]) -> list[Path]:
    written: list[Path] = []
    with resources.as_file(source) as folder:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            relative = path.relative_to(folder)
            if "__pycache__" in relative.parts:
                continue
            dest = target / RENAMED.get(relative.as_posix(), relative.as_posix())
            dest.parent.mkdir(parents=True, exist_ok=True)
            if relative.as_posix() in TEMPLATED:
                toml = dest.name == "book.toml"
                filled = {k: json.dumps(v, ensure_ascii=False) if toml and k != "date" else v
                          for k, v in values.items()}
                dest.write_text(Template(path.read_text(encoding="utf-8")).safe_substitute(
                    filled), encoding="utf-8")
            else:
                shutil.copyfile(path, dest)
            written.append(dest)
    return written


__all__ = ["init", "sample_language", "supported"]
