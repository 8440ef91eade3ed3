"""The PDF laid out in pieces: each unit of an edition (the front pages, the contents, a part
page, a chapter, a matter item) laid out as its own WeasyPrint document in a worker process,
kept under its content's hash, and the units' PDFs assembled into one per edition."""
