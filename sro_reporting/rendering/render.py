"""Executed notebook to PDF: nbconvert HTML with the project's template, then WeasyPrint.

Registered as the nbconvert exporter `sro_pdf`, so `jupyter nbconvert --to sro_pdf x.ipynb`
works too. No code, no prompts, no CDN links; US Letter with running header and page numbers.
"""

from __future__ import annotations

import functools
import logging
import re
from pathlib import Path

import nbformat
from nbconvert.exporters import HTMLExporter
from traitlets import default

TEMPLATES = Path(__file__).parent / "templates"
CSS = TEMPLATES / "sro_pdf" / "report.css"
CONTENTS_FROM = 5  # section headings; a report with this many gets a contents list


class SroHtmlExporter(HTMLExporter):
    """HTML of a report notebook: outputs only, in the project's print style."""

    export_from_notebook = None

    @default("template_name")
    def _template_name_default(self) -> str:
        return "sro_pdf"

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

    def from_notebook_node(self, nb, resources=None, **kw):
        resources = resources or {}
        resources["sro_css"] = CSS.read_text()
        markup, resources = super().from_notebook_node(nb, resources, **kw)
        return add_contents(markup), resources


class SroPdfExporter(SroHtmlExporter):
    """PDF of a report notebook, rendered by WeasyPrint."""

    export_from_notebook = "SRO report PDF"

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".pdf"

    def from_notebook_node(self, nb, resources=None, **kw):
        markup, resources = super().from_notebook_node(nb, resources, **kw)
        resources["output_extension"] = ".pdf"
        return html_to_pdf(markup), resources


def add_contents(markup: str, min_sections: int = CONTENTS_FROM) -> str:
    """Give each section heading an anchor and, on a long report, list them after the title block."""
    headings = []

    def anchor(match: re.Match) -> str:
        headings.append(match.group(1))
        return f'<h2 id="section-{len(headings)}">{match.group(1)}</h2>'

    markup = re.sub(r"<h2>(.*?)</h2>", anchor, markup)
    if len(headings) < min_sections or "</header>" not in markup:
        return markup
    items = "".join(f'<li><a href="#section-{i}">{text}</a></li>' for i, text in enumerate(headings, 1))
    nav = f'<nav class="toc"><div class="toc-title">Contents</div><ol>{items}</ol></nav>'
    return markup.replace("</header>", "</header>" + nav, 1)


def html_to_pdf(markup: str) -> bytes:
    """Render report HTML to PDF bytes."""
    # WeasyPrint logs harmless "Ignored CSS" notes for its own needs; the report's warnings are ours.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    from weasyprint import HTML

    return HTML(string=markup, base_url=str(TEMPLATES)).write_pdf()


@functools.cache
def _exporter() -> SroPdfExporter:
    """Return this process's exporter: its templates are compiled once."""
    return SroPdfExporter()


def warm_up() -> None:
    """Import nbconvert and WeasyPrint, compile the templates and load the fonts, before the first report."""
    _exporter()
    html_to_pdf(f'<style>{CSS.read_text()}</style><p class="table-note">SRO</p>')


def render_pdf(notebook: Path | nbformat.NotebookNode, pdf: Path) -> Path:
    """Render an executed notebook (a file, or one in memory) to a PDF, through a temporary name."""
    nb = notebook if isinstance(notebook, nbformat.NotebookNode) else nbformat.read(notebook, as_version=4)
    body, _ = _exporter().from_notebook_node(nb)
    tmp = pdf.with_name(f".{pdf.name}.tmp")
    tmp.write_bytes(body)
    tmp.replace(pdf)
    return pdf
