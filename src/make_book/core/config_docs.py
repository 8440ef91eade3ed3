"""docs/configuration.md, written from the declarations of settings_schema.py.

scripts/make_config_docs.py writes the file; tests/test_config_docs.py fails when the file and
the declarations disagree, so that the reference never describes keys the code does not have.
"""

from __future__ import annotations

import datetime as dt

from make_book.core.front_matter import BACK, CHAPTER, FRONT, PART, FrontMatter
from make_book.core.settings_schema import TABLES, TRIM_PRESETS_MM, Key, toml_literal

REGENERATE = ".venv/bin/python scripts/make_config_docs.py"
_TYPE_NAMES = {str: "string", list: "list of strings", bool: "boolean", float: "number",
               int: "number", dt.date: "date"}
_ANY_TEXT = "a string"  # what the messages say of a free text key: "any text" in the docs


def markdown_reference() -> str:
    """The whole configuration reference, as Markdown: every table and key of book.toml, the
    trim presets, and the front matter keys of parts and chapters."""
    lines = [
        "# Configuration",
        "",
        f"<!-- Made from src/make_book/core/settings_schema.py by `{REGENERATE}`: "
        "edit the declarations there, not this file. -->",
        "",
        "A project's settings are in `manuscript/book.toml`, in the tables below; only "
        "`title` and `lang` of `[book]` are required. A value a key does not accept is an "
        "error that names its line (E005), and so is a missing required key (E006); an "
        "unknown table or key is a warning (W001, W002) that names the one probably meant.",
        "",
        "```toml",
        *_toml_example(["book"], required_only=True),
        "```",
        "",
    ]
    for table in TABLES.values():
        lines += [f"## [{table.name}]", "", table.description, "",
                  "| Key | Type | Default | Accepts | Description |",
                  "| --- | --- | --- | --- | --- |"]
        lines += [_key_row(key) for key in table.keys]
        lines += ["", "```toml", *_toml_example([table.name]), "```", ""]
    lines += [
        "## Trim presets",
        "",
        "`[pdf] trim` takes one of these names (in any case), or a width and a height such as "
        '`"120mm x 190mm"` or `"6in x 9in"` (units mm, cm or in).',
        "",
        "| Preset | Width (mm) | Height (mm) |",
        "| --- | --- | --- |",
        *(f"| `{name}` | {_number(width)} | {_number(height)} |"
          for name, (width, height) in TRIM_PRESETS_MM.items()),
        "",
        "## Front matter",
        "",
        "A part's `_part.md` and a chapter may begin with a YAML block between two `---` "
        "lines; every value is text. An unknown key is a warning (W010) that names the one "
        "probably meant.",
        "",
    ]
    for kind, title in ((PART, "A part's `_part.md`"), (CHAPTER, "A chapter"),
                        (FRONT, "Front matter: `manuscript/front/NN-slug.md`"),
                        (BACK, "Back matter: `manuscript/back/NN-slug.md`")):
        lines += _front_matter(kind, title)
    return "\n".join(lines).rstrip("\n") + "\n"


def _key_row(key: Key) -> str:
    """One row of a table's reference: key, type, default, what it accepts, description."""
    types = " or ".join(dict.fromkeys(_TYPE_NAMES[t] for t in key.types))
    if key.allowed:
        accepts = ", ".join(f"`{toml_literal(v)}`" for v in key.allowed)
    else:
        accepts = "any text" if key.expected == _ANY_TEXT else key.expected
    cells = [f"`{key.name}`", types, _default(key), accepts, key.description]
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _default(key: Key) -> str:
    """The default as the docs show it: required, a literal as written in book.toml, or
    the key's own words when the default is made (the identifier from the title)."""
    if key.required:
        return "required"
    if key.default_text:
        return key.default_text
    return "none" if key.default is None else f"`{toml_literal(key.default)}`"


def _toml_example(tables: list[str], required_only: bool = False) -> list[str]:
    """A book.toml holding each key of these tables set to its example value."""
    lines: list[str] = []
    for name in tables:
        lines += [""] if lines else []
        lines.append(f"[{name}]")
        lines += [f"{k.name} = {k.example}" for k in TABLES[name].keys
                  if k.required or not required_only]
    return lines


def _front_matter(kind: FrontMatter, title: str) -> list[str]:
    """The reference of one kind of front matter: a table of its keys and a YAML example."""
    lines = [f"### {title}", "", "| Key | Default | Accepts | Description |",
             "| --- | --- | --- | --- |"]
    for key in kind.keys:
        default = "required" if key.required else key.default_text or "none"
        accepts = ", ".join(f"`{v}`" for v in key.allowed) or "any text"
        cells = [f"`{key.name}`", default, accepts, key.description]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    lines += ["", "```yaml", "---", *(f"{k.name}: {k.example}" for k in kind.keys), "---",
              "```", ""]
    return lines


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|")


def _number(value: float) -> str:
    """148.0 → 148, 152.4 → 152.4: a size as a reader writes it."""
    return f"{value:g}"
