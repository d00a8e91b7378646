"""A report's appendix as a PDF document of its own, rendered beside the body and joined to it.

The appendix (`Report.appendix`, after the methods) holds the long per-school tables: in the annual
report they are most of the pages and most of WeasyPrint's time. Rendered as a second document, on a
second core, its pages are numbered A-1, A-2 (so neither document waits for the other's page count),
and the two tagged PDFs are joined into one: pages, structure tree, bookmarks and page labels.
"""

from __future__ import annotations

import html
import io
import re

APPENDIX_HEADING = '<h2 class="appendix"'
_MAIN = '<main class="report">'
# The running header and footer of the body come from its title block (`string-set` in print.css); the
# appendix document has none, so it sets the same strings from the body's text.
_RUNNING = {"doctitle": r'<h1 class="report-title">(.*?)</h1>',
            "audience": r'<p class="(?:internal|mps)-mark">(.*?)</p>',
            "synthetic": r'<p class="synthetic-mark">(.*?)</p>'}
_PAGES = '@page { @bottom-right { content: string(synthetic) "Page A-" counter(page) " of A-" counter(pages); } }\n'
_CONTENTS = 'nav.toc .toc-appendix::after { content: leader(".") "A-1"; }\n'  # the body's entry for the appendix


def _css_string(text: str) -> str:
    """Return text as a CSS string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _running_strings(page: str) -> str:
    """Return the CSS that gives the appendix's pages the body's running header and footer."""
    found = []
    for name, pattern in _RUNNING.items():
        match = re.search(pattern, page, re.DOTALL)
        if match:
            text = html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()
            found.append(f"{name} {_css_string(text + ('  · ' if name == 'synthetic' else ''))}")
    return f"main.report {{ string-set: {', '.join(found)}; }}\n" if found else ""


def split(page: str) -> tuple[str, str | None]:
    """Return a finished print page as the body's document and the appendix's (None where there is no appendix).

    The body's contents list keeps the appendix's entry, as text with its first page (A-1), not a link.
    """
    start = page.find(APPENDIX_HEADING)
    if start < 0:
        return page, None
    body_from, body_to = page.index(_MAIN) + len(_MAIN), page.rindex("</main>")
    anchor = re.match(r'<h2 class="appendix" id="([^"]+)"', page[start:])
    body = page[:start] + page[body_to:]
    if anchor:
        body = re.sub(rf'<a href="#{anchor.group(1)}">(.*?)</a>', r'<span class="toc-appendix">\1</span>', body)
    head = page[:body_from].replace("</style>", _PAGES + _running_strings(page[:start]) + "</style>", 1)
    return body.replace("</style>", _CONTENTS + "</style>", 1), head + page[start:]


def join(body: bytes, appendix: bytes) -> bytes:
    """Return one tagged PDF: the body's pages, then the appendix's (labelled A-1, A-2), with one structure tree."""
    import pikepdf

    out, extra = pikepdf.open(io.BytesIO(body)), pikepdf.open(io.BytesIO(appendix))
    first = len(out.pages)
    offset = _parent_tree_end(out)
    out.pages.extend(extra.pages)
    for page in out.pages[first:]:  # the copies: their marked content now indexes the joined parent tree
        page.StructParents = int(page.StructParents) + offset
        for annotation in page.get("/Annots", []):
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + offset
    _join_structure(out, extra, offset)
    _join_outline(out, extra, first)
    out.Root.PageLabels = pikepdf.Dictionary(Nums=[0, pikepdf.Dictionary(S=pikepdf.Name.D), first,
                                                   pikepdf.Dictionary(S=pikepdf.Name.D, P=pikepdf.String("A-"))])
    written = io.BytesIO()
    out.save(written, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return written.getvalue()


def _parent_tree_end(pdf) -> int:
    """Return the first key after every key of a PDF's structure parent tree."""
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    return max(int(nums[i]) for i in range(0, len(nums), 2)) + 1


def _document(pdf):
    """Return the Document element at the root of a PDF's structure tree."""
    import pikepdf

    kids = pdf.Root.StructTreeRoot.K
    return kids[0] if isinstance(kids, pikepdf.Array) else kids


def _join_structure(out, extra, offset: int) -> None:
    """Append the appendix's structure elements under the body's Document element, and their parent tree entries."""
    import pikepdf

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


def _join_outline(out, extra, first: int) -> None:
    """Add the appendix's bookmarks beside the body's section bookmarks, pointing at the joined pages."""
    import pikepdf

    pages = {page.objgen: i for i, page in enumerate(extra.pages)}

    def copy(item) -> pikepdf.OutlineItem:
        where = item.destination
        index = first + pages[where[0].objgen] if isinstance(where, pikepdf.Array) and len(where) else first
        new = pikepdf.OutlineItem(item.title, index)
        new.children.extend(copy(child) for child in item.children)
        return new

    with extra.open_outline() as source, out.open_outline() as target:
        items = [copy(item) for item in source.root]
        (target.root[-1].children if len(target.root) == 1 else target.root).extend(items)
