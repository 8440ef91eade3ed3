"""The DOCX writer, for the editor: the edition as the model has it (cross-references
resolved, figures and tables numbered, citations formatted, its bibliography), converted by
pandoc with a reference document styled like the book.

The model's HTML goes to pandoc's JSON through pandoc's HTML reader; the notes, which that
reader does not know, are put in as pandoc notes here, and pandoc's DOCX writer makes them
Word footnotes. The index is left out: its locators are the printed book's.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import zipfile
from html import escape
from typing import Any

import pypandoc
from lxml import etree

from make_book.assets.renditions import print_source
from make_book.core.artifacts import Artifact
from make_book.core.diagnostics import MakeBookError
from make_book.core.editions import Edition, documents
from make_book.core.locales import ordinal_part
from make_book.core.model import Book, Chapter
from make_book.core.store import cache_dir
from make_book.writers.common import (
    Linker,
    body_copy,
    inner_html,
    kept_notes,
    shift_headings,
)
from make_book.writers.context import BuildContext
from make_book.writers.reference_docx import reference_docx

NOTE_CLASS = "mb-note"  # a note's body in the document handed to pandoc


def write(book: Book, edition: Edition, ctx: BuildContext,
          inputs: list[Artifact]) -> list[Artifact]:
    """Write `<slug>.docx` into ctx.staging and return its record."""
    document = edition_html(book, edition)
    ast = json.loads(_pandoc(["--from", "html", "--to", "json"], document.encode("utf-8")))
    notes_to_pandoc(ast)
    meta = ast.setdefault("meta", {})
    meta["title"] = {"t": "MetaInlines", "c": [{"t": "Str", "c": edition.title}]}
    if book.config.authors:
        meta["author"] = {"t": "MetaList", "c": [
            {"t": "MetaInlines", "c": [{"t": "Str", "c": a}]} for a in book.config.authors]}
    meta["lang"] = {"t": "MetaString", "c": book.config.lang}
    out = ctx.staging / f"{edition.slug}.docx"
    reference = reference_docx(book, cache_dir(book.root))
    _pandoc(["--from", "json", "--to", "docx", "--reference-doc", str(reference),
             "--output", str(out)], json.dumps(ast).encode("utf-8"),
            env_epoch=ctx.epoch)
    out.write_bytes(normalise_docx(out.read_bytes(), ctx.epoch))
    return [Artifact(edition.key, "docx", None, out)]


def edition_html(book: Book, edition: Edition) -> str:
    """The edition as one HTML document: parts as first-level headings (and chapters as
    second-level ones when the book has parts), each note's body after its call."""
    docs = [d for d in documents(book, edition)
            if d.chapter is None or d.chapter.meta.get("role") != "index"]
    linker = Linker(docs, "", single_file=True)
    shift = 1 if book.has_parts else 0
    out = [f'<html lang="{escape(book.config.lang)}"><body>']
    for doc in docs:
        if doc.kind == "part":
            part = doc.part
            assert part is not None
            label = ordinal_part(book.config.lang, part.number)
            out.append(f'<h1 id="{part.key}">{escape(label)}: {escape(doc.title)}</h1>')
            if part.intro is not None:
                out.append(_body(book, part.intro, linker, shift))
            continue
        chapter = doc.chapter
        assert chapter is not None
        level = 1 + shift if chapter.part is not None else 1
        out.append(f'<h{level} id="{chapter.key}">{escape(doc.title)}</h{level}>')
        out.append(_body(book, chapter, linker, shift))
    out.append("</body></html>")
    return "\n".join(out)


def _body(book: Book, chapter: Chapter, linker: Linker, shift: int) -> str:
    """A chapter's body for pandoc: images as files, each note in a div after its call's
    paragraph (notes_to_pandoc moves it into the call)."""
    body = body_copy(chapter.body, "docx")
    linker.relink(body)
    shift_headings(body, shift)
    for img in body.iter("img"):
        name = img.get("src", "").removeprefix("images/")
        image = next((i for i in book.images.values() if i.name == name), None)
        if image is not None:
            img.set("src", str(print_source(image, cache_dir(book.root)).resolve()))
    for note in kept_notes(chapter.notes, body):
        holder = etree.SubElement(body, "div", {"class": NOTE_CLASS, "id": f"mbn-{note.id}"})
        copy = body_copy(note.body)
        linker.relink(copy)
        holder.text = copy.text
        for child in copy:
            holder.append(child)
    for call in body.find_class("noteref"):
        call.set("href", "#mbn-" + call.get("href", "").split("#")[-1])
    return inner_html(body)


def notes_to_pandoc(ast: dict[str, Any]) -> None:
    """Replace each note call (a link to a note's div) by a pandoc Note holding the div's
    blocks, and drop the divs, in place."""
    bodies: dict[str, list[Any]] = {}

    def take(blocks: list[Any]) -> list[Any]:
        kept = []
        for block in blocks:
            if block.get("t") == "Div" and NOTE_CLASS in block["c"][0][1]:
                bodies[block["c"][0][0]] = block["c"][1]
                continue
            kept.append(block)
        return kept

    ast["blocks"] = take(ast["blocks"])
    pending: list[Any] = [ast["blocks"]]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if node.get("t") == "Div":
                node["c"][1] = take(node["c"][1])
            pending.extend(v for v in node.values() if isinstance(v, (list, dict)))
            continue
        for i, item in enumerate(node):
            if isinstance(item, dict) and item.get("t") == "Link":
                target = item["c"][2][0]
                if target.startswith("#") and target[1:] in bodies:
                    node[i] = {"t": "Note", "c": bodies[target[1:]]}
                    continue
            if isinstance(item, (list, dict)):
                pending.append(item)


def _pandoc(args: list[str], data: bytes, env_epoch: int | None = None) -> str:
    env = dict(os.environ)
    if env_epoch is not None:
        env["SOURCE_DATE_EPOCH"] = str(env_epoch)  # the same bytes from build to build
    done = subprocess.run([pypandoc.get_pandoc_path(), *args], input=data, capture_output=True,
                          timeout=600, check=False, env=env)
    if done.returncode != 0:
        raise MakeBookError("pandoc could not write the DOCX: "
                            + " ".join(done.stderr.decode("utf-8", "replace").split()))
    return done.stdout.decode("utf-8")


def normalise_docx(data: bytes, epoch: int) -> bytes:
    """The same bytes at every build: pandoc's entries in its order, each with one fixed
    date and the same permissions (pandoc's headers vary with the process that runs it)."""
    stamp = dt.datetime.fromtimestamp(max(epoch, 315532800), dt.UTC).timetuple()[:6]
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            info = zipfile.ZipInfo(name, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name), compresslevel=9)
    return out.getvalue()
