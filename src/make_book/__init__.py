"""make-book: a folder of Markdown chapters in, EPUB 3, PDF and HTML editions out."""

__version__ = "0.1.0"
