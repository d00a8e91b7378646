"""Executed notebook to PDF/UA-1 and to accessible HTML: nbconvert with the project's template.

One conversion gives the report's markup; the PDF is that markup with the print style, rendered
by WeasyPrint as tagged PDF/UA-1 (US Letter, running header and page numbers as artifacts); the
HTML is the same markup with the screen style, one self-contained file (charts inline as SVG).
Registered as the nbconvert exporters `sro_pdf` and `sro_html`, so `jupyter nbconvert --to sro_pdf
x.ipynb` works too. No code, no prompts, no scripts, no CDN links.

WeasyPrint logs an error for what PDF/UA forbids (an image without alt text, a page without a
language); rendering raises `AccessibilityError` on any of them, so no inaccessible PDF is written.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import multiprocessing
import re
import sys
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from nbconvert.exporters import HTMLExporter
from traitlets import default

from sro_reporting.rendering import appendix
from sro_reporting.rendering.glossary import ABBREVIATIONS
from sro_reporting.rendering.join import join

TEMPLATES = Path(__file__).parent / "templates"
STYLES = TEMPLATES / "sro_pdf"
CSS = STYLES / "report.css"  # shared by print and screen
PRINT_CSS = STYLES / "print.css"
SCREEN_CSS = STYLES / "screen.css"
CSS_SLOT = "/*sro-css*/"
CONTENTS_FROM = 5  # section headings; a report with this many gets a contents list
PDF_VARIANT = "pdf/ua-1"
PARALLEL_FROM = 40_000  # characters of an appendix's page: a shorter one renders after the body, in this process


class AccessibilityError(RuntimeError):
    """WeasyPrint found something PDF/UA forbids in a report (an image without alt text, no language)."""


class FailedNotebookError(ValueError):
    """A notebook that holds an error is no report: its PDF would be the error banner."""


def first_error(nb: nbformat.NotebookNode) -> str | None:
    """Return the first error a notebook's outputs hold, as one line (cell number, name, value), or None."""
    for number, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return f"cell {number}: {output.get('ename')}: {output.get('evalue')}"
    return None


def refuse_failed(nb: nbformat.NotebookNode, log: logging.Logger | None = None) -> None:
    """Stop where a notebook holds an error: one line and exit 1 at `jupyter nbconvert`, else the exception."""
    if (error := first_error(nb)) is None:
        return
    message = f"the notebook failed ({error}); fix it and run it again, no report is written"
    from nbconvert.nbconvertapp import NbConvertApp

    if NbConvertApp.initialized() and log is not None:  # the command line: one line, not nbconvert's traceback
        log.error(message)
        raise SystemExit(1)
    raise FailedNotebookError(message)


@functools.cache
def style(medium: str) -> str:
    """Return the report's CSS for `print` (the PDF) or `screen` (the HTML file)."""
    extra = PRINT_CSS if medium == "print" else SCREEN_CSS
    return CSS.read_text() + "\n" + extra.read_text()


class SroHtmlExporter(HTMLExporter):
    """Accessible HTML of a report notebook: outputs only, one file, the screen style."""

    export_from_notebook = "SRO report HTML"
    medium = "screen"

    @default("template_name")
    def _template_name_default(self) -> str:
        return "sro_pdf"

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".html"

    @default("template_file")
    def _template_file_default(self) -> str:
        return "index.html.j2"

    @default("extra_template_basedirs")
    def _extra_dirs_default(self) -> list[str]:
        return [str(TEMPLATES)]

    @default("exclude_input")
    def _exclude_input_default(self) -> bool:
        return True

    @default("exclude_input_prompt")
    def _exclude_input_prompt_default(self) -> bool:
        return True

    @default("exclude_output_prompt")
    def _exclude_output_prompt_default(self) -> bool:
        return True

    def markup(self, nb, resources=None, **kw) -> str:
        """Return the report's markup with a slot for its style (one conversion serves PDF and HTML)."""
        from nbconvert.exporters.templateexporter import TemplateExporter
        from nbconvert.filters.highlight import Highlight2HTML
        from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

        # HTMLExporter's own step re-parses the page with BeautifulSoup to give every image without alt text a
        # generic one; skipped: an image without a description must fail (WeasyPrint's error), and it was slow.
        resources = self._init_resources(resources or {})
        resources["sro_css"] = CSS_SLOT
        self.register_filter("highlight_code", Highlight2HTML(pygments_lexer="ipython3", parent=self))
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources))
        markup, _ = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return markup

    def from_notebook_node(self, nb, resources=None, **kw):
        refuse_failed(nb, self.log)
        resources = resources or {}
        body = finish(self.markup(nb, resources, **kw), self.medium)
        resources["output_extension"] = ".html"
        return body, resources


class SroPdfExporter(SroHtmlExporter):
    """Tagged PDF/UA-1 of a report notebook, rendered by WeasyPrint."""

    export_from_notebook = "SRO report PDF"
    medium = "print"

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".pdf"

    def from_notebook_node(self, nb, resources=None, **kw):
        refuse_failed(nb, self.log)
        resources = resources or {}
        markup = self.markup(nb, resources, **kw)
        resources["output_extension"] = ".pdf"
        return print_pdf(markup), resources


def finish(markup: str, medium: str) -> str:
    """Return the page for a medium: its style, its specific title, section anchors and contents.

    >>> page = '<title>x</title><style>/*sro-css*/</style><header class="title-block" data-doc-title="A &amp; B">'
    >>> finish(page, "screen").split("<style>")[0]
    '<title>A &amp; B</title>'
    """
    markup = markup.replace(CSS_SLOT, style(medium), 1)
    title = re.search(r'<header class="title-block"[^>]*\bdata-doc-title="([^"]*)"', markup)
    if title:
        markup = re.sub(r"<title>.*?</title>", lambda _: f"<title>{title.group(1)}</title>", markup, count=1,
                        flags=re.DOTALL)
    return add_contents(spell_out(markup))


_TAG = re.compile(r"(<[^>]*>)")
_UNREAD = re.compile(r"<(/?)(style|script|title|nav|head)\b", re.IGNORECASE)  # text no reader reads as prose


def spell_out(markup: str, abbreviations: dict[str, str] = ABBREVIATIONS) -> str:
    """Return the page with each abbreviation spelt out where its text first uses it, unless spelt out there.

    >>> spell_out('<main><p>MPD CAD export.</p><p>CAD again. NASRO_BASIC</p></main>')
    '<main><p>MPD computer-aided dispatch (CAD) export.</p><p>CAD again. NASRO_BASIC</p></main>'
    """
    parts, seen, unread = _TAG.split(markup), set(), 0
    inside = "<main" not in markup
    for i, part in enumerate(parts):
        if part.startswith("<"):
            inside = inside or part.startswith("<main")
            tag = _UNREAD.match(part)
            unread += (-1 if tag.group(1) else 1) if tag and not part.endswith("/>") else 0
            continue
        if not inside or unread:
            continue
        for short, words in abbreviations.items():
            found = None if short in seen else re.search(rf"(?<![\w-]){short}(?![\w-])", part)
            if found:
                seen.add(short)
                if words.lower() not in part.lower():
                    part = f"{part[:found.start()]}{words} ({short}){part[found.end():]}"
        parts[i] = part
    return "".join(parts)


def add_contents(markup: str, min_sections: int = CONTENTS_FROM) -> str:
    """Give each section heading an anchor and, on a long report, list them after the title block, or after the
    page that stands alone where the report opens with one (`Report.page_end`)."""
    headings = []

    def anchor(match: re.Match) -> str:
        headings.append(match.group(2))
        return f'<h2{match.group(1) or ""} id="section-{len(headings)}">{match.group(2)}</h2>'

    markup = re.sub(rf"<h2( {appendix.APPENDIX_CLASS})?>(.*?)</h2>", anchor, markup)
    if len(headings) < min_sections or "</header>" not in markup:
        return markup
    items = "".join(f'<li><a href="#section-{i}">{text}</a></li>' for i, text in enumerate(headings, 1))
    nav = f'<nav class="toc" aria-label="Contents"><p class="toc-title">Contents</p><ol>{items}</ol></nav>'
    after = appendix.PAGE_END if appendix.PAGE_END in markup else "</header>"
    return markup.replace(after, after + nav, 1)


class _Collect(logging.Handler):
    """Keep the error records WeasyPrint logs while one document renders."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _weasyprint_errors():
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


def _table_scopes(document, pdf) -> None:
    """Give each table header cell its scope: a column in the table's head, a row in its body.

    WeasyPrint 70 tags `th` as TH but leaves out the scope PDF/UA asks screen readers to use.
    """
    import pydyf

    elements = {}
    for obj in pdf.objects:
        if isinstance(obj, dict) and obj.get("Type") == "/StructElem":
            elements[obj.number] = obj

    def parent(element: dict) -> dict | None:
        ref = element.get("P")  # b"12 0 R"
        return elements.get(int(bytes(ref).split()[0])) if ref is not None else None

    for element in elements.values():
        if element.get("S") != "/TH":
            continue
        row = parent(element)
        group = parent(row) if row is not None else None
        scope = "/Column" if group is not None and group.get("S") == "/THead" else "/Row"
        if "A" not in element:
            element["A"] = pydyf.Dictionary({"O": "/Table"})
        element["A"]["Scope"] = scope


def html_to_pdf(markup: str) -> bytes:
    """Render report HTML to tagged PDF/UA-1 bytes; raise `AccessibilityError` on what PDF/UA forbids."""
    # WeasyPrint logs harmless "Ignored CSS" notes for its own needs; its errors are collected below.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    from weasyprint import HTML

    with _weasyprint_errors() as errors:
        # The file identifier from the content, not the clock: the same report renders to the same bytes.
        pdf = HTML(string=markup, base_url=str(TEMPLATES)).write_pdf(
            pdf_variant=PDF_VARIANT, finisher=_table_scopes,
            pdf_identifier=hashlib.sha256(markup.encode()).hexdigest()[:32].encode())
    if errors:
        raise AccessibilityError("the report breaks PDF/UA: " + "; ".join(dict.fromkeys(errors)))
    return pdf


def print_pdf(markup: str, parallel: bool = False) -> bytes:
    """Render a report's markup to PDF/UA-1: the body and its appendix (if any) as two documents, joined.

    With `parallel` (a batch's worker, which has no other threads at work), a long appendix renders in a
    forked process while this one renders the body; elsewhere (a notebook's kernel, a Jupyter server) one
    after the other.
    """
    body, extra = appendix.split(finish(markup, "print"))
    if extra is None:
        return html_to_pdf(body)
    if not parallel or len(extra) < PARALLEL_FROM or sys.platform != "linux" or \
            multiprocessing.current_process().daemon:  # macOS and Windows cannot fork a renderer safely
        return join(html_to_pdf(body), html_to_pdf(extra))
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        with warnings.catch_warnings():  # the child only renders and exits: the worker's threads are idle
            warnings.filterwarnings("ignore", message=".*fork.*", category=DeprecationWarning)
            later = pool.submit(html_to_pdf, extra)
        return join(html_to_pdf(body), later.result())


@functools.cache
def _exporter() -> SroPdfExporter:
    """Return this process's exporter: its templates are compiled once."""
    return SroPdfExporter()


def warm_up() -> None:
    """Import nbconvert and WeasyPrint, compile the templates and load the fonts, before the first report."""
    _exporter()
    html_to_pdf(f'<html lang="en"><title>SRO</title><style>{style("print")}</style>'
                '<p class="table-note">SRO</p></html>')


def _notebook(notebook: Path | nbformat.NotebookNode) -> nbformat.NotebookNode:
    return notebook if isinstance(notebook, nbformat.NotebookNode) else nbformat.read(notebook, as_version=4)


def _write(path: Path, body: bytes) -> Path:
    """Write a file through a temporary name, so no partial file looks complete."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(body)
    tmp.replace(path)
    return path


def render_pdf(notebook: Path | nbformat.NotebookNode, pdf: Path) -> Path:
    """Render an executed notebook (a file, or one in memory) to a PDF/UA-1 file."""
    return _write(pdf, print_pdf(_exporter().markup(_notebook(notebook))))


def render_html(notebook: Path | nbformat.NotebookNode, page: Path) -> Path:
    """Render an executed notebook to one self-contained accessible HTML file (WCAG 2.1 AA)."""
    return _write(page, finish(_exporter().markup(_notebook(notebook)), "screen").encode())


def render_report(notebook: Path | nbformat.NotebookNode, pdf: Path, parallel: bool = False) -> tuple[Path, Path]:
    """Render an executed notebook to its PDF and, beside it, the same report as HTML; one conversion.

    `parallel`: as `print_pdf`."""
    markup = _exporter().markup(_notebook(notebook))
    page = pdf.with_suffix(".html")
    body = print_pdf(markup, parallel)  # first: an inaccessible report leaves no file at all
    _write(page, finish(markup, "screen").encode())
    return _write(pdf, body), page
