"""One copy of each colour profile and picture in a PDF assembled from pieces.

Every piece carries its own copy of the output intent's ICC profile (each page's
transparency group names it) and of the pictures it shows; WeasyPrint writes each once in
one document. `share_streams` keeps one stream of each set of identical ones and points
every reference at it.
"""

from __future__ import annotations

import hashlib

import pikepdf

ObjGen = tuple[int, int]


def share_streams(pdf: pikepdf.Pdf) -> int:
    """Replaces identical ICC profiles and images (same bytes, same dictionary) by one;
    returns how many copies were dropped."""
    dropped = 0
    for _pass in range(3):  # an image's soft mask first, then the images that point at it
        canonical: dict[str, pikepdf.Object] = {}
        same: dict[ObjGen, pikepdf.Object] = {}
        for obj in pdf.objects:
            if not isinstance(obj, pikepdf.Stream) or not _shareable(obj):
                continue
            key = _signature(obj)
            first = canonical.setdefault(key, obj)
            if first.objgen != obj.objgen:
                same[obj.objgen] = first
        if not same:
            break
        for obj in list(pdf.objects):
            if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream, pikepdf.Array)):
                _repoint(obj, same)
        _repoint(pdf.trailer, same)
        dropped += len(same)
    return dropped


def _shareable(stream: pikepdf.Stream) -> bool:
    """An ICC profile or an image XObject."""
    return stream.get("/Subtype") == "/Image" or (
        "/N" in stream and ("/Alternate" in stream or "/Subtype" not in stream))


def _signature(stream: pikepdf.Stream) -> str:
    """The stream's bytes and dictionary (its references by object number)."""
    items = sorted((str(key), _text(value)) for key, value in stream.items()
                   if key != "/Length")
    digest = hashlib.sha256(stream.read_raw_bytes())
    digest.update(repr(items).encode())
    return digest.hexdigest()


def _text(value: pikepdf.Object) -> str:
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return f"ref{value.objgen}"
    return repr(value)


def _repoint(container: pikepdf.Object, same: dict[ObjGen, pikepdf.Object]) -> None:
    """Points the references of `container` and of its direct children at their copies'
    canonical stream."""
    if isinstance(container, pikepdf.Array):
        for index, value in enumerate(container):
            if isinstance(value, pikepdf.Object) and value.is_indirect:
                if value.objgen in same:
                    container[index] = same[value.objgen]
            elif isinstance(value, (pikepdf.Array, pikepdf.Dictionary)):
                _repoint(value, same)
        return
    for key in list(container.keys()):
        value = container[key]
        if isinstance(value, pikepdf.Object) and value.is_indirect:
            if value.objgen in same:
                container[key] = same[value.objgen]
        elif isinstance(value, (pikepdf.Array, pikepdf.Dictionary)):
            _repoint(value, same)
