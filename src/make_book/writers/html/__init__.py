"""The web edition: a static site rendered from the model with Jinja2."""

from __future__ import annotations

from make_book.writers.html.site import BODY_WIDTHS, write

__all__ = ["BODY_WIDTHS", "write"]
