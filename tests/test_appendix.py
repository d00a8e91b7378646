"""A report's appendix renders as a document of its own and is joined to the body: one tagged PDF/UA-1 file.

The markup here is what the report template writes (title block, sections, an appendix after them).
"""

from __future__ import annotations

import io

import pikepdf
import pytest
from accessibility import pdf_ua_failures
from pypdf import PdfReader

from sro_reporting.rendering import appendix, render
from sro_reporting.rendering.report import SYNTHETIC_MARK


def _markup(audience_mark: str, tables: int, with_appendix: bool = True) -> str:
    """Return report markup as the template writes it: title block, six sections, then (maybe) an appendix."""
    rows = "".join(f'<tr><th scope="row">ROW {r}</th><td class="num">{r}</td><td class="num">{r * 2}</td></tr>'
                   for r in range(10))
    groups = "".join(f'<table class="sro-table in-group"><caption>School {t:04d}</caption><thead><tr>'
                     f'<th scope="col">Disposition</th><th scope="col" class="num">1</th>'
                     f'<th scope="col" class="num">Total</th></tr></thead><tbody>{rows}</tbody></table>'
                     for t in range(tables))
    sections = "".join(f"<h2>Section {i}</h2><p>Text of section {i}.</p>" for i in range(1, 7))
    extra = (f'<h2 class="appendix">Appendix A. Calls by school</h2><div class="table-wrap long">'
             f'<div class="table-group" role="group" aria-label="Calls by school"><p class="group-title">Calls by '
             f'school</p>{groups}</div></div>') if with_appendix else ""
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/><title>x</title><style>{render.CSS_SLOT}'
            f'</style></head><body><main class="report"><header class="title-block" data-doc-title="A &amp; B report">'
            f'<p class="synthetic-mark">{SYNTHETIC_MARK}</p>{audience_mark}<h1 class="report-title">A &amp; B '
            f'"report"</h1></header>{sections}{extra}</main></body></html>')


INTERNAL = '<p class="internal-mark">INTERNAL: MPD use only</p>'


def _texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _tags(element) -> list[str]:
    """Return the structure types under an element, in document order."""
    kids = element.get("/K")
    kids = kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
    return [str(element.S)] + [tag for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/S" in kid
                               for tag in _tags(kid)]


def test_a_report_without_an_appendix_is_one_document():
    page = render.finish(_markup(INTERNAL, 0, with_appendix=False), "print")
    assert appendix.split(page) == (page, None)


def test_the_body_footer_says_an_appendix_follows():
    """Issue 26: "Page 1 of 11" on a 19-page file; the body's count does not include the appendix, and says so."""
    body, extra = appendix.split(render.finish(_markup(INTERNAL, 3), "print"))
    assert '" of " counter(pages) " + appendix A"' in body and "+ appendix" not in extra


def test_split_keeps_the_body_and_gives_the_appendix_the_running_header_and_its_own_pages():
    body, extra = appendix.split(render.finish(_markup(INTERNAL, 3), "print"))
    assert "Appendix A." not in body.split("</nav>")[1] and "School 0000" not in body
    assert '<span class="toc-appendix">Appendix A. Calls by school</span>' in body  # listed, not a dead link
    assert '<a href="#section-7">' not in body and "<header" not in extra and "School 0002" in extra
    assert 'doctitle "A & B \\"report\\""' in extra and 'audience "INTERNAL: MPD use only"' in extra
    assert f'synthetic "{SYNTHETIC_MARK}  \u00b7  "' in extra and '"Page A-" counter(page)' in extra


def test_joined_pdf_is_one_tagged_document_with_appendix_pages_a1_and_passes_pdf_ua(tmp_path):
    pdf = render.print_pdf(_markup(INTERNAL, 12))
    texts = _texts(pdf)
    joined = pikepdf.open(io.BytesIO(pdf))
    labels = [page.label for page in joined.pages]
    first = labels.index("A-1")
    assert first >= 1 and labels[first:] == [f"A-{i}" for i in range(1, len(labels) - first + 1)]
    assert all("INTERNAL: MPD use only" in t and SYNTHETIC_MARK in t for t in texts)  # every page, appendix too
    assert f"Page A-1 of A-{len(labels) - first}" in texts[first] and f"Page 1 of {first}" in texts[0]
    assert "Table A1. Calls by school" in texts[first] and "School 0011" in texts[-1]
    headings = [tag for tag in _tags(joined.Root.StructTreeRoot.K[0]) if tag.startswith("/H")]
    assert headings == ["/H1"] + ["/H2"] * 7  # one tree: the appendix's heading after the body's
    with joined.open_outline() as outline:
        entries = [item.title for item in outline.root[0].children]
    assert entries[-1] == "Appendix A. Calls by school"
    (tmp_path / "joined.pdf").write_bytes(pdf)
    assert pdf_ua_failures(tmp_path / "joined.pdf") == []


def test_a_long_appendix_renders_in_a_second_process_with_the_same_pages():
    markup = _markup(INTERNAL, 40)
    assert len(appendix.split(render.finish(markup, "print"))[1]) > render.PARALLEL_FROM  # the forked path
    assert _texts(render.print_pdf(markup, parallel=True)) == _texts(render.print_pdf(markup))


def test_an_appendix_that_breaks_pdf_ua_stops_the_render_from_the_second_process():
    markup = _markup(INTERNAL, 40).replace("</h2><div class", '</h2><img src="data:image/svg+xml;base64,'
                                           'PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4="/><div class', 1)
    assert "<img" in appendix.split(render.finish(markup, "print"))[1]  # in the appendix, rendered by the child
    with pytest.raises(render.AccessibilityError, match="alt"):
        render.print_pdf(markup, parallel=True)


def _fonts(page: pikepdf.Page) -> set[str]:
    return {str(font.BaseFont) for font in page.Resources.Font.values()}


def test_the_appendix_keeps_its_own_font_subsets_apart_from_the_bodys():
    """Each document names its subsets from the font alone; joined, the appendix's subsets get tags of their own."""
    joined = pikepdf.open(io.BytesIO(render.print_pdf(_markup(INTERNAL, 3))))
    body, extra = _fonts(joined.pages[0]), _fonts(joined.pages[-1])
    assert body and extra and not body & extra
    assert {name.split("+")[1] for name in body} >= {name.split("+")[1] for name in extra}  # the same fonts


def test_links_between_body_and_appendix_become_text_and_bookmarks_keep_their_place():
    markup = _markup(INTERNAL, 2).replace("<p>Text of section 1.</p>", '<p>See <a href="#school">a school</a>.</p>')
    markup = markup.replace("<caption>School 0000</caption>", '<caption id="school">School 0000</caption>')
    markup = markup.replace('</h2><div class="table-wrap long">',
                            '</h2><p>As in <a href="#section-2">section 2</a>.</p><div class="table-wrap long">')
    body, extra = appendix.split(render.finish(markup, "print"))
    assert "<span>a school</span>" in body and "<span>section 2</span>" in extra
    joined = pikepdf.open(io.BytesIO(render.print_pdf(markup)))
    with joined.open_outline() as outline:
        entry = outline.root[0].children[-1]
    assert entry.title.startswith("Appendix A") and str(entry.destination[1]) == "/XYZ"


def test_markup_without_the_reports_main_is_one_document():
    page = '<html lang="en"><title>x</title><h2 class="appendix">Appendix A</h2><p>x</p></html>'
    assert appendix.split(page) == (page, None)


def test_a_report_has_one_appendix(tmp_path):
    from sro_reporting.params import load_school_year
    from sro_reporting.rendering.report import Report

    year = load_school_year("2025-26")
    rep = Report("annual", "Annual", "mps", year, year.year_span, tmp_path)
    rep.appendix("Appendix A. One")
    with pytest.raises(ValueError, match="one appendix"):
        rep.appendix("Appendix B. Two")
