"""The author stylesheets of a unit parsed once per worker process: every unit of an edition
carries the edition's whole `<style>` (fonts, pdf.css, the folios' rules), which WeasyPrint
would parse again for each unit and each round, a tenth of a second or more each time.

WeasyPrint parses each `<style>` into a `CSS` object in `weasyprint.css.find_stylesheets`.
While `parsed_once` is active, that module's `CSS` is a function that hands back the object
parsed from the same text before, and gives the document the counter styles and colour
profiles that parsing it would have added to the document's (its page rules are its own: the
cascade reads each sheet's).
A stylesheet with cascade layers is parsed each time (the layers' order is the document's).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import weasyprint
import weasyprint.css

# Stylesheets kept per process: an edition's own, and the numbers' rules of its units.
LIMIT = 256


@dataclass
class _Parsed:
    sheet: weasyprint.CSS
    font_config: Any
    counter_styles: dict[str, Any]
    color_profiles: dict[str, Any]


@contextmanager
def parsed_once(cache: dict[tuple[str, str | None, str | None], _Parsed]) -> Iterator[None]:
    """Within the block, WeasyPrint's author stylesheets come from `cache` (a dict the caller
    keeps, one per font configuration) when their text, base URL and media were seen."""
    original = weasyprint.css.CSS

    def css(*args: Any, string: str | None = None, font_config: Any = None,
            page_rules: list[Any] | None = None, counter_style: Any = None,
            color_profiles: dict[str, Any] | None = None, layers: list[Any] | None = None,
            **options: Any) -> weasyprint.CSS:
        shared = (page_rules, counter_style, color_profiles, layers)
        if args or string is None or any(s is None for s in shared):
            return original(*args, string=string, font_config=font_config,
                            page_rules=page_rules, counter_style=counter_style,
                            color_profiles=color_profiles, layers=layers, **options)
        assert page_rules is not None and counter_style is not None
        assert color_profiles is not None and layers is not None
        key = (string, options.get("base_url"), options.get("media_type"))
        known = cache.get(key)
        if known is not None and known.font_config is font_config:
            counter_style.update(known.counter_styles)
            color_profiles.update(known.color_profiles)
            return known.sheet
        rules, counters, profiles = len(page_rules), set(counter_style), set(color_profiles)
        before = list(layers)
        sheet = original(string=string, font_config=font_config, page_rules=page_rules,
                         counter_style=counter_style, color_profiles=color_profiles,
                         layers=layers, **options)
        if layers != before:
            return sheet
        # The sheet's own page rules, not the document's list (which holds those of the
        # document's other sheets too): the cascade reads each sheet's rules.
        sheet.page_rules = page_rules[rules:]
        if len(cache) >= LIMIT:
            cache.pop(next(iter(cache)))
        cache[key] = _Parsed(sheet, font_config,
                             {k: counter_style[k] for k in set(counter_style) - counters},
                             {k: color_profiles[k] for k in set(color_profiles) - profiles})
        return sheet

    weasyprint.css.CSS = css
    try:
        yield
    finally:
        weasyprint.css.CSS = original
