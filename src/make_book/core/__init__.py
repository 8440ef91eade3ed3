"""The lowest layer: diagnostics, configuration, locales, the book model and its editions."""
