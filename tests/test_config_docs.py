"""docs/configuration.md is made from the declarations of settings_schema.py: it must say what
the code accepts, and its examples must be what the loader accepts."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import REPO

from make_book.core.config import load_config
from make_book.core.config_docs import REGENERATE, markdown_reference
from make_book.core.front_matter import CHAPTER, PART
from make_book.core.settings_schema import TABLES, TRIM_PRESETS_MM

DOCS = REPO / "docs" / "configuration.md"


def test_configuration_reference_is_up_to_date() -> None:
    assert DOCS.read_text(encoding="utf-8") == markdown_reference(), (
        f"docs/configuration.md is out of date with settings_schema.py: run `{REGENERATE}`")


def test_reference_names_every_table_key_and_preset() -> None:
    text = markdown_reference()
    for table in TABLES.values():
        assert f"## [{table.name}]" in text
        for key in table.keys:
            assert f"| `{key.name}` |" in text and f"\n{key.name} = {key.example}\n" in text
    for name in TRIM_PRESETS_MM:
        assert f"| `{name}` |" in text
    for kind in (PART, CHAPTER):
        for key in kind.keys:
            assert f"\n{key.name}: {key.example}\n" in text


def test_the_examples_of_the_reference_are_accepted(tmp_path: Path) -> None:
    examples = re.findall(r"```toml\n(.*?)```", markdown_reference(), re.S)
    toml = tmp_path / "manuscript" / "book.toml"
    toml.parent.mkdir()
    toml.write_text("\n".join(examples[1:]), encoding="utf-8")  # the first: the least book
    config, report = load_config(toml)
    assert report.items == []
    assert (config.pdf.trim, config.pdf.variant, config.series) == (
        "6x9in", "pdf/ua-1", "Intelligence abondante")
