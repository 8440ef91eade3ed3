"""Write docs/configuration.md from the declarations of src/make_book/core/settings_schema.py
(tests/test_config_docs.py fails while the file is out of date).

    .venv/bin/python scripts/make_config_docs.py
"""

from __future__ import annotations

from pathlib import Path

from make_book.core.config_docs import markdown_reference

DOCS = Path(__file__).resolve().parent.parent / "docs" / "configuration.md"


def main() -> int:
    DOCS.write_text(markdown_reference(), encoding="utf-8")
    print(f"wrote {DOCS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
