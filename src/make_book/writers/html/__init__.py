"""The web edition: a static site rendered from the model with Jinja2."""

from __future__ import annotations

from make_book.writers.html.site import write

__all__ = ["write"]
