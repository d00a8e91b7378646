"""Two tagged PDFs made apart (a report's body and its appendix) joined into one PDF/UA-1 document.

The appendix's pages follow the body's, labelled A-1, A-2; its structure elements go under the body's
Document element, their parent-tree keys moved past the body's; its bookmarks sit beside the body's
sections; its font subsets get tags of their own (each document named its subsets from the font alone).
"""

from __future__ import annotations

import hashlib
import io

import pikepdf


def join(body: bytes, appendix: bytes) -> bytes:
    """Return one tagged PDF: the body's pages, then the appendix's (labelled A-1, A-2), with one structure tree."""
    out, extra = pikepdf.open(io.BytesIO(body)), pikepdf.open(io.BytesIO(appendix))
    first, offset = len(out.pages), _parent_tree_end(out)
    out.pages.extend(extra.pages)
    renamed: set[tuple[int, int]] = set()
    for page in out.pages[first:]:  # the copies: their marked content now indexes the joined parent tree
        page.StructParents = int(page.StructParents) + offset
        for annotation in page.get("/Annots", []):
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + offset
        _retag_fonts(page.obj.get("/Resources"), renamed)
    _join_structure(out, extra, offset)
    _join_outline(out, extra, first)
    out.Root.PageLabels = pikepdf.Dictionary(Nums=[0, pikepdf.Dictionary(S=pikepdf.Name.D), first,
                                                   pikepdf.Dictionary(S=pikepdf.Name.D, P=pikepdf.String("A-"))])
    written = io.BytesIO()
    out.save(written, object_stream_mode=pikepdf.ObjectStreamMode.generate, deterministic_id=True)
    return written.getvalue()


def _parent_tree_end(pdf: pikepdf.Pdf) -> int:
    """Return the first key after every key of a PDF's structure parent tree."""
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    return max(int(nums[i]) for i in range(0, len(nums), 2)) + 1


def _document(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    """Return the Document element at the root of a PDF's structure tree."""
    kids = pdf.Root.StructTreeRoot.K
    return kids[0] if isinstance(kids, pikepdf.Array) else kids


def _join_structure(out: pikepdf.Pdf, extra: pikepdf.Pdf, offset: int) -> None:
    """Append the appendix's structure elements under the body's Document element, and their parent tree entries."""
    nums, extra_nums = out.Root.StructTreeRoot.ParentTree.Nums, extra.Root.StructTreeRoot.ParentTree.Nums
    for i in range(0, len(extra_nums), 2):
        value = extra_nums[i + 1]
        nums.append(int(extra_nums[i]) + offset)
        nums.append(pikepdf.Array([out.copy_foreign(e) for e in value]) if isinstance(value, pikepdf.Array)
                    else out.copy_foreign(value))
    document, extra_document = _document(out), _document(extra)
    kids = extra_document.K if isinstance(extra_document.K, pikepdf.Array) else [extra_document.K]
    for kid in kids:
        copied = out.copy_foreign(kid)
        if isinstance(copied, pikepdf.Dictionary) and "/P" in copied:
            copied.P = document
        document.K.append(copied)
    if "/ParentTreeNextKey" in out.Root.StructTreeRoot:
        out.Root.StructTreeRoot.ParentTreeNextKey = _parent_tree_end(out)


def _retag(name: str) -> str:
    """Return a subset font's name (`ABCDEF+Font`) with a tag of its own for the appendix's subset."""
    tag, plus, font = name.lstrip("/").partition("+")
    if not plus:
        return name
    letters = "".join(chr(ord("A") + b % 26) for b in hashlib.sha256(f"appendix {tag}".encode()).digest()[:6])
    return f"/{letters}+{font}"


def _retag_fonts(resources: pikepdf.Dictionary | None, done: set[tuple[int, int]]) -> None:
    """Give the subset fonts of some resources (and of their forms) the appendix's tags: ISO 32000 asks different
    subsets in one file for different tags, and the body's subsets have the same names."""
    if resources is None:
        return
    for font in resources.get("/Font", {}).values():
        if font.objgen in done:
            continue
        done.add(font.objgen)
        for part in [font, *font.get("/DescendantFonts", [])]:
            part.BaseFont = pikepdf.Name(_retag(str(part.BaseFont)))
            if "/FontDescriptor" in part:
                part.FontDescriptor.FontName = pikepdf.Name(_retag(str(part.FontDescriptor.FontName)))
    for form in resources.get("/XObject", {}).values():
        if form.get("/Subtype") == "/Form" and form.objgen not in done:
            done.add(form.objgen)
            _retag_fonts(form.get("/Resources"), done)


def _join_outline(out: pikepdf.Pdf, extra: pikepdf.Pdf, first: int) -> None:
    """Add the appendix's bookmarks beside the body's sections (under the title, where it heads them all)."""
    pages = {page.objgen: i for i, page in enumerate(extra.pages)}

    def copy(item: pikepdf.OutlineItem) -> pikepdf.OutlineItem:
        where = item.destination
        if isinstance(where, pikepdf.Array) and len(where):  # the page joined, at the same place on it
            where = pikepdf.Array([out.pages[first + pages[where[0].objgen]].obj, *where[1:]])
        else:
            where = first
        new = pikepdf.OutlineItem(item.title, where)
        new.is_closed = item.is_closed
        new.children.extend(copy(child) for child in item.children)
        return new

    with extra.open_outline() as source, out.open_outline() as target:
        items = [copy(item) for item in source.root]
        titled = len(target.root) == 1 and len(target.root[0].children)  # one title over every section
        (target.root[0].children if titled else target.root).extend(items)
