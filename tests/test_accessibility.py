"""Every report kind, made from the demo data, is accessible: PDF/UA-1 by page-validation, WCAG 2.1 AA by axe-core.

One report of each kind (and the compliance report's MPS extract) is made in one warm kernel, the way
the batch makes them; a known-bad PDF proves the PDF check fails. The layout checks read WeasyPrint's
laid-out pages: no group split across pages, no heading left at the foot of a page.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from accessibility import axe_violations, missing_tools, pdf_ua_failures
from pypdf import PdfReader

from sro_reporting.demo import generator as demo
from sro_reporting.params import load_school_year
from sro_reporting.paths import demo_data_dir
from sro_reporting.reading.dataset import SYNTHETIC_MARKER, load
from sro_reporting.rendering import appendix, render
from sro_reporting.rendering.report import SYNTHETIC_MARK
from sro_reporting.running.kernels import WARM
from sro_reporting.running.kernelspec import kernel_name
from sro_reporting.running.plan import KINDS, make_job
from sro_reporting.running.protection import prepare
from sro_reporting.running.worker import execute

pytestmark = pytest.mark.slow
JOBS = [  # (kind, stem suffix, extra parameters): one report of each kind
    ("annual", "", {}), ("semester", "", {}), ("school", "0007", {"school_id": "0007"}),
    ("officer", "004100", {"officer_id": "004100"}),
    ("monthly", "2026-03", {"period_start": "2026-03-01", "period_end": "2026-03-31"}),
    ("quarterly", "q3", {"quarter": "3"}), ("compliance", "", {}), ("compliance", "mps", {"audience": "mps"}),
    ("dpi-118124", "mps", {"audience": "mps"}),
]


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    """One report of each kind made from the demo data, in one warm kernel; return the output folder."""
    data = demo_data_dir()
    if not (data / SYNTHETIC_MARKER).exists():
        data = tmp_path_factory.mktemp("demo")
        demo.write(data)
    out = tmp_path_factory.mktemp("reports")
    year = load_school_year("2025-26")
    base = {"data_dir": str(data.resolve()), "out_dir": str(out)}
    prepare(load(data, date_format=year.date_format), year, tmp_path_factory.mktemp("ledger"))  # as a run does first
    try:
        for kind, suffix, extra in JOBS:
            job = make_job(KINDS[kind], year, "spring", base, suffix, extra=extra)
            result = execute(job, out, kernel_name())
            assert result["status"] == "ok", (job.stem, result["error"])
    finally:
        WARM.close()
    return out


def _pdfs(out: Path) -> list[Path]:
    return sorted(out.glob("*.pdf"))


def test_every_kind_made_as_pdf_and_html(reports):
    assert len(_pdfs(reports)) == len(JOBS)
    for pdf in _pdfs(reports):
        assert pdf.with_suffix(".html").exists(), pdf.name


def test_every_pdf_passes_pdf_ua_1(reports):
    for pdf in _pdfs(reports):
        assert pdf_ua_failures(pdf) == [], pdf.name


def test_a_known_bad_pdf_fails_the_check(tmp_path):
    """An untagged PDF (what every report was before PDF/UA) fails the same check."""
    from weasyprint import HTML

    bad = tmp_path / "untagged.pdf"
    HTML(string='<html><title>x</title><h1>Report</h1><img src="data:image/svg+xml;base64,'
                'PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4="/><a href="#x">x</a></html>').write_pdf(bad)
    failures = pdf_ua_failures(bad)
    assert failures and any("PDFUA1-TAGGED-DOCUMENT" in f or "STRUCT-TREE" in f for f in failures)


def test_weasyprint_accessibility_errors_stop_the_render():
    """WeasyPrint logs an error for an image without alt text or a page without a language: no PDF is made."""
    with pytest.raises(render.AccessibilityError, match="alt"):
        render.html_to_pdf('<html lang="en"><title>x</title><img src="data:image/svg+xml;base64,'
                           'PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4="/></html>')
    with pytest.raises(render.AccessibilityError, match="lang"):
        render.html_to_pdf("<html><title>x</title><p>x</p></html>")


def _structure(pdf: Path) -> list[dict]:
    """Return every structure element of a tagged PDF, in document order."""
    reader = PdfReader(pdf)
    found, todo = [], [reader.trailer["/Root"]["/StructTreeRoot"]]
    while todo:
        node = todo.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if node.get("/Type") == "/StructElem":
                found.append(node)
            kids = node.get("/K")
            kids = kids.get_object() if hasattr(kids, "get_object") else kids
            todo.extend(reversed(kids) if isinstance(kids, list) else [kids] if isinstance(kids, dict) else [])
        elif isinstance(node, list):
            todo.extend(reversed(node))
    return found


def test_pdf_structure_headers_scoped_no_spans_figures_described_headings_in_order(reports):
    for pdf in _pdfs(reports):
        elements = _structure(pdf)
        tags = [e["/S"] for e in elements]
        assert "/Table" in tags and "/H1" in tags, pdf.name
        for e in elements:
            attrs = e.get("/A", {})
            attrs = attrs.get_object() if hasattr(attrs, "get_object") else attrs
            if e["/S"] == "/TH":
                assert attrs.get("/Scope") in ("/Column", "/Row"), pdf.name
            if e["/S"] in ("/TH", "/TD"):
                assert "/ColSpan" not in attrs and "/RowSpan" not in attrs, pdf.name
            if e["/S"] == "/Figure":
                assert len(str(e.get("/Alt", ""))) > 40, pdf.name
        levels = [int(t[2]) for t in tags if re.fullmatch(r"/H[1-6]", t)]
        assert levels[0] == 1 and levels.count(1) == 1, pdf.name
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), (pdf.name, levels)
        root = PdfReader(pdf).trailer["/Root"]
        assert root["/Lang"] == "en" and root["/MarkInfo"]["/Marked"]


def test_titles_are_specific_unique_and_marked_synthetic(reports):
    titles = {pdf.name: PdfReader(pdf).metadata.title for pdf in _pdfs(reports)}
    assert len(set(titles.values())) == len(titles), titles
    for name, title in titles.items():
        assert title.startswith(f"{SYNTHETIC_MARK}: ") and ("for MPS" in title or "MPD internal" in title), title
        html_title = re.search(r"<title>(.*?)</title>", (reports / name).with_suffix(".html").read_text()).group(1)
        assert html_title.replace("&amp;", "&") == title
    assert "Amberbrook High School (0007), spring semester 2025-26" in titles["school-2025-26-spring-0007.pdf"]


def test_synthetic_mark_on_every_page(reports):
    for pdf in _pdfs(reports):
        for number, page in enumerate(PdfReader(pdf).pages, 1):
            assert SYNTHETIC_MARK in page.extract_text(), (pdf.name, number)


def test_html_reports_have_no_axe_violations_at_wcag_21_aa(reports):
    lacking = missing_tools()
    assert not lacking, lacking
    for page in sorted(reports.glob("*.html")):
        violations = axe_violations(page)
        assert violations == [], (page.name, violations)


def test_html_reports_are_self_contained(reports):
    for page in sorted(reports.glob("*.html")):
        text = page.read_text()
        assert "<script" not in text and "http://" not in text.replace("http://www.w3.org", "")
        assert not re.search(r'(src|href)="(?!data:|#)', text), page.name
        assert '<html lang="en">' in text and "<main" in text and "<h1" in text


def test_findings_at_the_top_and_every_number_in_a_csv(reports):
    """Each report opens with 3-5 findings; every number in a sentence is a value of its row in findings.csv."""
    for csv in reports.rglob("findings.csv"):
        found = pd.read_csv(csv, dtype=str)
        for _, rows in found.groupby("finding"):
            sentence = rows["sentence"].iloc[0]
            text = re.sub(r"[A-Z][a-z]+ \d{1,2}, \d{4}", "", sentence)  # a date is checked as its ISO value below
            text = re.sub(r"\b\d{4}-\d{2}\b|Act 12|118\.124|948\.605\(2\)|[A-Z][a-z]+ \d{4}\b|\(\d{4}\)|\bIV\.[A-Z]|"
                          r"III\.[A-Z](\.\d)?", "", text)  # section numbers of the instruction and statutes
            values = {v.replace(",", "") for v in rows["value"]} | {f"{float(v):.1f}" for v in rows["value"]
                                                                  if re.fullmatch(r"-?\d+(\.\d+)?", v)}
            for number in re.findall(r"\d[\d,]*(?:\.\d+)?", text):
                assert number.replace(",", "") in values, (csv, sentence, number)
        assert 1 <= found["finding"].nunique() <= 5, csv
    for page in sorted(reports.glob("*.html")):
        text = page.read_text()
        assert text.index('class="findings"') < text.index("<h2", text.index("</header>") + 1) + 200, page.name


def test_dates_and_months_written_out(reports):
    for pdf in _pdfs(reports):
        text = "\n".join(p.extract_text() for p in PdfReader(pdf).pages)
        assert not re.search(r"\b20\d\d-\d\d-\d\d\b", text), (pdf.name, re.findall(r"\b20\d\d-\d\d-\d\d\b", text)[:3])
        assert not re.search(r"\b20\d\d-(0[1-9]|1[0-2])\b(?!-)", text.replace("2025-26", "").replace("2026-27", "")), \
            pdf.name
        assert "on_property" not in text and "calls_for_service" not in text, pdf.name


def _laid_out(stem: str, reports: Path):
    """Return WeasyPrint's pages of a report's print markup: the body's, then the appendix's."""
    from weasyprint import HTML

    nb = nbformat.read(reports / f"{stem}.ipynb", as_version=4)
    parts = appendix.split(render.finish(render._exporter().markup(nb), "print"))
    return [page for part in parts if part for page in HTML(string=part, base_url=str(render.TEMPLATES)).render().pages]


def _boxes(box):
    yield box
    for child in getattr(box, "children", []):
        yield from _boxes(child)


def _main_children(page) -> list:
    """Return the boxes of the report's top-level parts (headings, tables, figures...) on one page."""
    for box in _boxes(page._page_box):
        if getattr(box, "element_tag", None) == "main":
            return [c for c in box.children if getattr(c, "element", None) is not None]
    return []


@pytest.mark.parametrize("stem", ["semester-2025-26-spring", "school-2025-26-spring-0007"])
def test_layout_groups_whole_headings_kept_with_what_follows(reports, stem):
    pages_of, laid_out = {}, _laid_out(stem, reports)
    for number, page in enumerate(laid_out):
        for box in _boxes(page._page_box):
            element = getattr(box, "element", None)
            if getattr(box, "element_tag", None) == "table" and "in-group" in element.get("class", ""):
                pages_of.setdefault(id(element), set()).add(number)
        parts = _main_children(page)
        if number < len(laid_out) - 1 and parts:
            assert parts[-1].element_tag not in ("h2", "h3"), (stem, number + 1, "a heading alone at the foot")
    assert pages_of and all(len(p) == 1 for p in pages_of.values()), (stem, "a group split across pages")


def test_numbers_right_aligned_and_rows_headed(reports):
    text = (reports / "semester-2025-26-spring.html").read_text()
    assert '<td class="num">' in text and '<th scope="col" class="num">' in text and '<th scope="row"' in text
    assert "colspan" not in text and "rowspan" not in text
