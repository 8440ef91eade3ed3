"""The structure trees of the units' tagged PDFs merged into the assembled PDF: one
/StructTreeRoot whose one /Document holds the units' structure in order, one /ParentTree
numbered anew (each page's /StructParents, each annotation's /StructParent), the role and
class maps and the ID tree of all units, and /MarkInfo.

What it rests on: qpdf copies an object of a source PDF once per target, so that the
struct elements copied here with `copy_foreign` point (/Pg, an /OBJR's /Obj) at the pages
and annotations that `pages.append`/`pages.extend` copied before. A page copied otherwise
(appended twice, say) is still found: by its place in the part, as are its annotations.
"""

from __future__ import annotations

from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name

ObjGen = tuple[int, int]


@dataclass
class StructPart:
    """A tagged PDF whose pages went into the target: its pages `pages` (indices into
    `pdf.pages`, in that order; all of them when None) appended one after the other from the
    target's page `first` on."""

    pdf: pikepdf.Pdf
    first: int
    pages: list[int] | None = None


def merge_structure(target: pikepdf.Pdf, parts: list[StructPart]) -> None:
    """Give `target` one structure tree made of the trees of `parts`, in order.

    The first /Document met at the top of a part's tree becomes the document's; the top
    elements of the parts after it go into it (a /Document's kids, spliced), so that a
    screen reader reads one document. Struct elements of the pages left out of a part (and
    their marked content, their links) are dropped, as is an element left empty by that.
    Pages of `target` in no part lose their /StructParents (none of an untagged filler page).
    On a clash of role map, class map or ID tree entries the first part's wins. Marked
    content in form XObjects (/Stm, an XObject's /StructParents) is not renumbered:
    WeasyPrint writes none.
    """
    tagged = [part for part in parts if "/StructTreeRoot" in part.pdf.Root]
    if not tagged:
        return
    root = target.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    # As WeasyPrint numbers them: page n is number n, the annotations come after the pages;
    # written as one flat /Nums array, as WeasyPrint writes it.
    parent_tree: dict[int, pikepdf.Object] = {}
    index_of = {page.objgen: n for n, page in enumerate(target.pages)}
    tops: list[pikepdf.Object] = []  # the root's kids
    document: pikepdf.Object | None = None
    role_map: dict[str, pikepdf.Object] = {}
    class_map: dict[str, pikepdf.Object] = {}
    ids: dict[str, pikepdf.Object] = {}
    numbered: set[ObjGen] = set()  # the target's pages given their new /StructParents
    next_key = len(target.pages)  # the next annotation's
    for part in tagged:
        pages, annots = _placed(target, part)
        tree = target.copy_foreign(part.pdf.Root.StructTreeRoot)
        roles = tree.get("/RoleMap", Dictionary())
        kept: set[ObjGen] = set()
        # A later part's /Document gives its kids to the document's, which stands for it in
        # the part's parent tree; a top element other than a /Document goes in as it is.
        replaced: dict[ObjGen, pikepdf.Object] = {}
        for element in _kids(tree):
            if not isinstance(element, Dictionary) or not _prune(element, None, pages,
                                                                 annots, kept):
                continue
            if _is_document(element, roles) and document is not None:
                _splice(element, document)
                replaced[element.objgen] = document
            elif document is not None:
                element.P = document
                _kids_array(document).append(element)
            else:
                element.P = root  # not the part's root any more, which is left behind
                tops.append(element)
                if _is_document(element, roles):
                    document = element
        old = (dict(pikepdf.NumberTree(tree.ParentTree).items())
               if "/ParentTree" in tree else {})
        for page in pages.values():
            if page.objgen not in numbered:
                numbered.add(page.objgen)
                next_key = _renumber(page, index_of[page.objgen], old, replaced, kept,
                                     parent_tree, next_key)
        for name, value in roles.items():
            role_map.setdefault(name, value)
        for name, value in tree.get("/ClassMap", Dictionary()).items():
            class_map.setdefault(name, value)
        if "/IDTree" in tree:
            for name, element in pikepdf.NameTree(tree.IDTree).items():
                if element.objgen in kept:
                    ids.setdefault(name, replaced.get(element.objgen, element))
    for page in target.pages:
        if page.objgen not in numbered:  # in no part: no number is its (nothing in `old`)
            _renumber(page.obj, index_of[page.objgen], {}, {}, set(), parent_tree, next_key)
    root.K = Array(tops)
    root.ParentTree = target.make_indirect(Dictionary(Nums=Array(
        [item for key in sorted(parent_tree) for item in (key, parent_tree[key])])))
    root.ParentTreeNextKey = max(parent_tree, default=-1) + 1
    if role_map:
        root.RoleMap = Dictionary(role_map)
    if class_map:
        root.ClassMap = Dictionary(class_map)
    if ids:
        id_tree = pikepdf.NameTree.new(target)
        for name in sorted(ids):
            id_tree[name] = ids[name]
        root.IDTree = id_tree.obj
    target.Root.StructTreeRoot = root
    mark = target.Root.get("/MarkInfo", Dictionary())
    mark.Marked = True
    target.Root.MarkInfo = mark
    for key in ("/Lang", "/ViewerPreferences"):
        if key not in target.Root and key in tagged[0].pdf.Root:
            target.Root[key] = copied(target, tagged[0].pdf.Root[key])


def _renumber(page: pikepdf.Object, number: int, old: dict[int, pikepdf.Object],
               replaced: dict[ObjGen, pikepdf.Object], kept: set[ObjGen],
               parent_tree: dict[int, pikepdf.Object], key: int) -> int:
    """Give `page` the number `number` and its annotations the numbers from `key` on in
    `parent_tree`, with the entries their numbers had in `old`, the part's parent tree;
    the next annotation's key."""
    holders = [(page, "/StructParents")] + [
        (annot, "/StructParent") for annot in page.get("/Annots", [])
        if isinstance(annot, Dictionary)]
    for holder, name in holders:
        if name not in holder:
            continue
        was = int(holder[name])
        entry = _entry(old[was], replaced, kept) if was in old else None
        if entry is None:
            del holder[name]  # a stale number: better none than another page's elements
            continue
        if holder is page:
            parent_tree[number] = entry
            holder[name] = number
        else:
            parent_tree[key] = entry
            holder[name] = key
            key += 1
    return key


def _entry(value: pikepdf.Object, replaced: dict[ObjGen, pikepdf.Object],
           kept: set[ObjGen]) -> pikepdf.Object | None:
    """A parent tree entry (an element, or a page's array of them by MCID) with the
    elements `replaced`, and those not `kept` made null (they would keep pages left out)."""
    if isinstance(value, Array):
        return Array([_entry(item, replaced, kept) for item in value])
    if isinstance(value, Dictionary) and value.is_indirect:
        if value.objgen in replaced:
            return replaced[value.objgen]
        return value if value.objgen in kept else None
    return value


def _placed(target: pikepdf.Pdf, part: StructPart
            ) -> tuple[dict[ObjGen, pikepdf.Object], dict[ObjGen, pikepdf.Object]]:
    """The part's pages and annotations in `target`: by the object-number of their copy by
    `copy_foreign` (what the copied struct elements point at), the page or annotation in
    `target`'s page tree (the same object when the page was appended once)."""
    indices = part.pages if part.pages is not None else range(len(part.pdf.pages))
    pages: dict[ObjGen, pikepdf.Object] = {}
    annots: dict[ObjGen, pikepdf.Object] = {}
    for n, index in enumerate(indices):
        page = target.pages[part.first + n].obj
        copy = target.copy_foreign(part.pdf.pages[index].obj)
        pages[copy.objgen] = page
        for old, new in zip(copy.get("/Annots", []), page.get("/Annots", []), strict=False):
            annots[old.objgen] = new
    return pages, annots


def _prune(element: pikepdf.Object, page: pikepdf.Object | None,
           pages: dict[ObjGen, pikepdf.Object], annots: dict[ObjGen, pikepdf.Object],
           kept: set[ObjGen]) -> bool:
    """Point `element` and its descendants at the pages in the target (`page`: the parent's
    page, which an element without /Pg inherits) and drop what is on pages left out;
    whether `element` stays (it had kids and lost them all: it does not)."""
    if "/Pg" in element:
        page = pages.get(element.Pg.objgen)
        if page is None:
            del element["/Pg"]  # it would keep a page left out in the file
        else:
            element.Pg = page
    kids = _kids(element)
    staying: list[pikepdf.Object] = []
    for kid in kids:
        if not isinstance(kid, Dictionary):  # an MCID, on the element's page
            if page is not None:
                staying.append(kid)
        elif kid.get("/Type") in ("/MCR", "/OBJR"):
            on = pages.get(kid.Pg.objgen) if "/Pg" in kid else page
            if on is None:
                continue
            if "/Pg" in kid:
                kid.Pg = on
            if "/Obj" in kid and kid.Obj.objgen in annots:
                kid.Obj = annots[kid.Obj.objgen]
            staying.append(kid)
        elif _prune(kid, page, pages, annots, kept):
            staying.append(kid)
    if kids and not staying:
        return False
    if "/K" in element:
        element.K = Array(staying)
    kept.add(element.objgen)
    return True


def _splice(source: pikepdf.Object, document: pikepdf.Object) -> None:
    """`source`'s kids appended to `document`'s, each carrying the page it is on (an MCID
    on `source`'s page becomes a marked-content reference to it)."""
    kids = _kids_array(document)
    for kid in _kids(source):
        if not isinstance(kid, Dictionary):
            kid = Dictionary(Type=Name.MCR, Pg=source.Pg, MCID=kid)
        elif kid.get("/Type") in ("/MCR", "/OBJR"):
            if "/Pg" not in kid and "/Pg" in source:
                kid.Pg = source.Pg
        else:
            kid.P = document
        kids.append(kid)


def copied(target: pikepdf.Pdf, value: pikepdf.Object) -> pikepdf.Object:
    """`value`, of another PDF, in `target` (`copy_foreign` takes only indirect objects)."""
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return target.copy_foreign(value)
    if isinstance(value, Dictionary):
        return Dictionary({key: copied(target, item) for key, item in value.items()})
    if isinstance(value, Array):
        return Array([copied(target, item) for item in value])
    return value


def _kids(node: pikepdf.Object) -> list[pikepdf.Object]:
    """A struct element's (or the root's) kids as a list: /K is one kid or an array."""
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _kids_array(element: pikepdf.Object) -> pikepdf.Object:
    """`element`'s /K made an array (if it was not) and returned, to append to."""
    if not isinstance(element.get("/K"), Array):
        element.K = Array(_kids(element))
    return element.K


def _is_document(element: pikepdf.Object, roles: pikepdf.Object) -> bool:
    """Whether `element` is a /Document, by its own type or the part's role map."""
    kind = element.get("/S")
    return kind == Name.Document or (kind is not None and roles.get(str(kind)) == Name.Document)

