"""The manuscript folder read into the book model; Markdown converted by pandoc, cached."""
