"""What a report notebook shows: title block, sections, captioned tables and charts.

Each table shown is also written as CSV under the run's `tables/` folder, from the same frame,
so every number in a PDF is in a CSV beside it. Notebooks call these and nothing else shows.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd

from sro_reporting.disclosure.layout import LAYOUTS, Layout
from sro_reporting.files import report_stem, write_csv, write_text
from sro_reporting.params import Audience, SchoolYear, Span, load_school_year
from sro_reporting.paths import project_root, resolve
from sro_reporting.periods import long_date
from sro_reporting.rendering.appendix import APPENDIX_HEADING, PAGE_END

matplotlib.use("Agg")
matplotlib.rcParams["text.parse_math"] = False  # chart text is plain text: a `$` in a school name prints as `$`

import matplotlib.pyplot as plt

from sro_reporting.rendering import charts

AUDIENCES = {
    "mps": "Milwaukee Public Schools (MPS)",
    "mpd_internal": "MPD internal: SRO supervisors and the Chief of Police",
}
AUDIENCE_SHORT = {"mps": "for MPS", "mpd_internal": "MPD internal"}
SYNTHETIC_MARK = "SYNTHETIC DEMO DATA"
SYNTHETIC_NOTE = ("Every school, officer, call and incident in this report is invented by the package's demo "
                  "generator. Nothing in it describes a real school, person or event.")
NOT_COLLECTED = "not collected"  # a count whose optional source table is absent: blank in its CSV, never 0
COLUMN_CHARS = (5, 36)  # the narrowest and widest a column's text is counted, in characters, for its width
FIXED_COLUMNS = 5  # a table of at most this many columns is laid out at widths from its text (`_colgroup`)
SHORT_TABLE = 30  # rows; a shorter table is kept on one page with its caption
SUPPRESSION_NOTE = ("* Suppressed: a count from 1 to {m1}, or a count hidden so that a suppressed "
                    "count cannot be worked out from the totals.")
_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_ISO_MONTH = re.compile(r"^\d{4}-\d{2}$")


def month_label(day: dt.date | str) -> str:
    """Return the month of a date (or of `YYYY-MM`) as text: March 2026.

    >>> month_label("2026-03"), month_label("2026-03-09")
    ('March 2026', 'March 2026')
    """
    if isinstance(day, str):
        day = dt.date.fromisoformat(day if len(day) > 7 else f"{day}-01")
    return f"{day:%B %Y}"


def period_label(span: Span) -> str:
    """Return a period as text: July 1, 2025 to June 30, 2026."""
    return f"{long_date(span.start)} to {long_date(span.end)}"


def readable_dates(text: str) -> str:
    """Return text with every ISO date written as a reader writes it.

    >>> readable_dates("IV.D.1: overdue, completed 2026-03-09 (due by 2025-09-13)")
    'IV.D.1: overdue, completed March 9, 2026 (due by September 13, 2025)'
    >>> readable_dates("school year 2025-26")
    'school year 2025-26'
    """
    def one(match: re.Match) -> str:
        try:
            return long_date(dt.date(*map(int, match.groups())))
        except ValueError:
            return match.group(0)

    return _ISO_DAY.sub(one, text)


def period_name(year: SchoolYear, span: Span, semester: str = "") -> str:
    """Return the period's name for titles: spring semester 2025-26, school year 2025-26, March 2026.

    >>> from sro_reporting.params import load_school_year
    >>> year = load_school_year("2025-26")
    >>> period_name(year, year.semesters["spring"], "spring"), period_name(year, year.year_span)
    ('spring semester 2025-26', 'school year 2025-26')
    >>> period_name(year, Span(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31)))
    'March 2026'
    >>> period_name(year, Span(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31)), "spring")
    'January-March 2026'
    """
    from sro_reporting.periods import quarter_name

    if semester and span == year.semesters.get(semester):
        return f"{semester} semester {year.school_year}"
    if span == year.year_span:
        return f"school year {year.school_year}"
    if quarter_name(span):
        return quarter_name(span)
    month_end = (pd.Timestamp(span.start) + pd.offsets.MonthEnd(0)).date()
    if span.start.day == 1 and span.end == month_end:
        return month_label(span.start)
    return period_label(span)


def _display(markup: str) -> None:
    """Show HTML in the notebook (a no-op outside IPython)."""
    from IPython.display import HTML, display

    display(HTML(markup))


def _e(text: object) -> str:
    """Return text escaped for HTML, quotes included."""
    return html.escape(str(text), quote=True)


@dataclass
class Report:
    """One report being made: what it is, for whom, for when, and where its tables go."""

    name: str
    title: str
    audience: Audience
    year: SchoolYear
    period: Span
    out_dir: Path
    stem: str = ""  # the report's file stem (`report_stem`): its tables go to `tables/<stem>/`
    subject: str = ""  # the school or officer a fanned-out report is about
    tables: list[Path] = field(default_factory=list)
    layouts: dict[str, dict] = field(default_factory=dict)  # by CSV name: what its counts count
    period_name: str = ""
    synthetic: bool = False  # made from the demo's synthetic data: marked on every page and in the title
    appendix_started: bool = False  # `appendix` was called: what follows is the appendix

    @property
    def table_dir(self) -> Path:
        """Return the folder for this report's CSVs: `tables/<stem>/` in the run's folder."""
        return self.out_dir / "tables" / self.stem

    @property
    def min_cell(self) -> int:
        """Return the smallest count shown in MPS-facing people tables."""
        return self.year.min_cell

    @property
    def doc_title(self) -> str:
        """Return the document's own title: report, school or officer, period, audience (and the demo mark).

        No two reports of a run share it; PDF viewers and browsers show it.

        >>> from sro_reporting.params import load_school_year
        >>> year = load_school_year("2025-26")
        >>> rep = Report("school", "End-of-Semester SRO Consultation Packet", "mps", year, year.semesters["spring"],
        ...              Path("."), subject="Aspen Ridge High School (0007)", period_name="spring semester 2025-26")
        >>> rep.doc_title
        'End-of-Semester SRO Consultation Packet: Aspen Ridge High School (0007), spring semester 2025-26, for MPS'
        """
        words = set(re.findall(r"\w+", self.subject.lower()))
        parts = [p for p in (self.subject, self.period_name) if p]
        if self.subject and set(re.findall(r"\w+", self.period_name.lower())) <= words:
            parts = [self.subject]  # the subject names the period already (a month)
        title = f"{self.title}: {', '.join(parts)}, {AUDIENCE_SHORT[self.audience]}" if parts else \
            f"{self.title}, {AUDIENCE_SHORT[self.audience]}"
        return f"{SYNTHETIC_MARK}: {title}" if self.synthetic else title

    def title_block(self, data, basis: str) -> None:
        """Show the title block: report, period, audience, generated date, data as-of, basis, prepared by.

        `data` is the report's `DataSet` (its as-of date, and whether it is the synthetic demo), or
        the as-of date alone.
        """
        from sro_reporting.periods import partial_note

        if hasattr(data, "as_of"):
            as_of, self.synthetic = data.as_of(), bool(getattr(data, "synthetic", False))
        else:
            as_of = data
        internal = self.audience == "mpd_internal"
        note = partial_note(self.period, as_of)
        rows = [("Period", period_label(self.period) + (f" ({note})" if note else "")),
                ("School year", self.year.school_year),
                ("Audience", AUDIENCES[self.audience]),
                ("Prepared under", basis),
                ("Data as of", long_date(as_of) if as_of else "no dated records"),
                ("Generated", long_date(dt.date.today()))]
        if self.year.prepared_by is not None:
            rows.append(("Prepared by", f"{self.year.prepared_by.unit}; {self.year.prepared_by.contact}"))
        meta = "".join(f'<tr><th scope="row">{_e(k)}</th><td>{_e(v)}</td></tr>' for k, v in rows)
        mark = '<p class="internal-mark">INTERNAL: MPD use only</p>' if internal else \
            '<p class="mps-mark">Prepared for Milwaukee Public Schools</p>'
        demo = (f'<p class="synthetic-mark">{SYNTHETIC_MARK}</p><p class="synthetic-note">{_e(SYNTHETIC_NOTE)}</p>'
                if self.synthetic else "")
        subject = f'<p class="subject">{_e(self.subject)}</p>' if self.subject else ""
        if as_of is not None and as_of < self.period.end:
            subject += (f'<p class="partial"><strong>Partial period:</strong> the data end on {long_date(as_of)}, '
                        f'before the period ends on {long_date(self.period.end)}; every count runs to '
                        f'{long_date(as_of)}.</p>')
        _display(f'<header class="title-block" data-doc-title="{_e(self.doc_title)}">{demo}{mark}'
                 f'<p class="agency">Milwaukee Police Department &middot; School Resource Officer Program</p>'
                 f'<h1 class="report-title">{_e(self.title)}</h1>{subject}'
                 f'<table class="meta">{meta}</table></header>')

    def section(self, heading: str, text: str = "", opening: str = "<h2>") -> None:
        """Show a section heading (opened by `opening`) with an optional paragraph."""
        para = f"<p>{_e(text)}</p>" if text else ""
        _display(f"{opening}{_e(heading)}</h2>{para}")

    def appendix(self, heading: str, text: str = "") -> None:
        """Start the report's appendix, after its methods: what follows is Table A1, A2 and, in the PDF, pages A-1, A-2.

        The PDF renders the appendix as a document of its own beside the body (a second core's work), then joins them.
        """
        if self.appendix_started:
            raise ValueError("a report has one appendix: give its parts headings of their own (`section`)")
        self.appendix_started = True
        self.section(heading, text, APPENDIX_HEADING + ">")

    def page_end(self) -> None:
        """End the print page here: what came before stands alone on it (the Chief's page one); the contents follow."""
        _display(PAGE_END)

    def definitions(self, terms: dict[str, str], heading: str = "Definitions") -> None:
        """Show the definitions the report uses."""
        _display(f"<h3>{_e(heading)}</h3>{definition_list(terms)}")

    def text(self, text: str) -> None:
        """Show a paragraph."""
        _display(f"<p>{_e(text)}</p>")

    def findings(self, sentences: list[str]) -> None:
        """Show the findings in words: the few things a reader should know, at the top of the report."""
        items = "".join(f"<li>{_e(s)}</li>" for s in sentences) or "<li>No records in this period.</li>"
        _display(f'<section class="findings" aria-labelledby="findings"><h2 id="findings">Findings</h2>'
                 f"<ul>{items}</ul></section>")

    def methods(self, blocks: list[tuple[str, str]]) -> None:
        """Show the definitions-and-methods page: a page of its own at the end, with headed blocks of markup."""
        body = "".join(f"<h3>{_e(heading)}</h3>{markup}" for heading, markup in blocks)
        _display(f'<section class="methods"><h2>Definitions and methods</h2>{body}</section>')

    def deliver(self, frame: pd.DataFrame, name: str, layout: Layout | None = None) -> Path:
        """Write `frame` to `tables/<name>.csv` without showing it (a data file for the reader).

        `layout` says what its counts count; it goes to `tables/<stem>/layouts.json` for the audit.
        """
        path = self.table_dir / f"{name}.csv"
        write_csv(frame, path)
        self.tables.append(path)
        if layout is not None:
            self.layouts[path.name] = layout.model_dump(exclude_defaults=True)
            write_text(self.table_dir / LAYOUTS, json.dumps(self.layouts, indent=1, sort_keys=True) + "\n")
        return path

    def table(self, frame: pd.DataFrame, name: str | None, caption: str, note: str = "",
              labels: dict[str, str] | None = None, group: list[str] | None = None,
              layout: Layout | None = None, blank: str = "", compact: bool = False) -> None:
        """Write `frame` to `tables/<name>.csv` and show it with a caption and note (`compact`: in smaller print, for
        a page that must hold it whole).

        Numbers are right-aligned, dates and months written out, the first column heads its row.
        With `group` (columns of `frame`), each group of rows sharing those values is a table of its
        own captioned with them, never split across pages; the CSV keeps every column. With no
        `name`, the table is shown only (a table of words, such as a glossary, has no CSV). `blank` is what a
        missing count reads in the report (`not collected`); its CSV cell stays blank.
        """
        frame = frame.drop(columns="row", errors="ignore")  # the library's row kind (`population.place_rows`)
        csv = self.deliver(frame, name, layout).name if name else ""
        shown = readable(frame)
        if blank:  # in the count columns: a blank label (a total row's school ID) stays blank
            counts = [c for c in frame.columns if frame[c].isna().all() or _numeric(frame[c])]
            shown[counts] = shown[counts].astype(object).where(frame[counts].notna(), blank)
        body = table_html(shown.rename(columns=labels or {}), caption, csv,
                          [(labels or {}).get(c, c) for c in group or []])
        note_html = f'<p class="table-note">{_e(note)}</p>' if note else ""
        empty = '<p class="table-note">No records in this period.</p>' if frame.empty else ""
        size = "short" if len(frame) <= SHORT_TABLE and not group else "long"  # a group's tables break between
        size += " compact" if compact else ""
        _display(f'<div class="table-wrap {size}">{body}{empty}{note_html}</div>')

    def figure(self, fig: plt.Figure, caption: str, source: str, alt: str) -> None:
        """Show a chart as a vector (SVG) figure with its text alternative, caption and source, then close it.

        `alt` states what the chart shows and its key numbers; a table of its values follows it.
        """
        if not alt.strip():
            raise ValueError(f"figure {caption!r} needs alt text stating what it shows and its key numbers")
        data = base64.b64encode(svg_bytes(fig)).decode()
        _display(f'<figure class="sro-figure"><img alt="{_e(alt)}" src="data:image/svg+xml;base64,{data}"/>'
                 f'<figcaption>{_e(caption)}<span class="source">Source: '
                 f'{_e(source)}</span></figcaption></figure>')

    def suppression_note(self) -> str:
        """Return the note under a suppressed table."""
        return SUPPRESSION_NOTE.format(m1=self.min_cell - 1)


def svg_bytes(fig: plt.Figure) -> bytes:
    """Return a chart as SVG (text drawn as paths, no date stamp, stable ids), and close it."""
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return buf.getvalue()


def definition_list(terms: dict[str, str]) -> str:
    """Return terms and their definitions as a definition list."""
    items = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in terms.items())
    return f'<dl class="definitions">{items}</dl>'


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a table as shown: `YYYY-MM` months by name (in a `month` column), ISO dates in text written out."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
            continue
        text = values.dropna()
        if str(column) == "month" and len(text) and text.map(lambda v: bool(_ISO_MONTH.match(str(v)))).all():
            out[column] = values.map(lambda v: month_label(v) if isinstance(v, str) else v)
        elif len(text) and text.map(lambda v: isinstance(v, str) and bool(_ISO_DAY.search(v))).any():
            out[column] = values.map(lambda v: readable_dates(v) if isinstance(v, str) else v)
    return out


def _numeric(values: pd.Series) -> bool:
    """Return whether a column holds numbers (suppressed `*` and `not collected` cells count as numbers)."""
    if pd.api.types.is_bool_dtype(values):
        return False
    if pd.api.types.is_numeric_dtype(values):
        return True
    shown = values.dropna()
    return bool(len(shown)) and shown.map(
        lambda v: (isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_)))
        or v in ("*", NOT_COLLECTED)).all()


def table_html(shown: pd.DataFrame, caption: str, csv_name: str, group: list[str]) -> str:
    """Return a table's markup: caption, column headers, rows headed by their first cell; numbers right-aligned.

    With `group`, one table per group, captioned with the group's values, under one numbered title:
    no cell spans rows or columns, so the tagged PDF and a screen reader read a plain grid.

    >>> frame = pd.DataFrame({"School": ["A", "B"], "Calls": [1, 1500]})
    >>> print(table_html(frame, "Calls", "calls.csv", []).split("</thead>")[1])
    <tbody><tr><th scope="row">A</th><td class="num">1</td></tr><tr><th scope="row">B</th><td class="num">1,500</td></tr></tbody></table>
    >>> print(table_html(frame, "Calls", "calls.csv", ["School"]).split("</caption>")[0])
    <div class="table-group" role="group" aria-label="Calls"><p class="group-title">Calls</p><table class="sro-table fixed in-group" data-csv="calls.csv"><caption>A
    """
    numeric = {c for c in shown.columns if _numeric(shown[c])}
    cells = shown.map(_cell)
    columns = [c for c in cells.columns if c not in group]
    head = "".join(f'<th scope="col"{_num(c in numeric)}>{_e(c)}</th>' for c in columns)
    flags = [c in numeric for c in columns]
    csv = f' data-csv="{_e(csv_name)}"' if csv_name else ""
    fixed = len(columns) <= FIXED_COLUMNS
    head = f"{_colgroup(cells[columns]) if fixed else ''}<thead><tr>{head}</tr></thead>"
    kind = "sro-table fixed" if fixed else "sro-table"
    if not group:
        return (f'<table class="{kind}"{csv}><caption>{_e(caption)}</caption>'
                f'{head}<tbody>{_rows(cells[columns], flags)}</tbody></table>')
    tables = [f'<table class="{kind} in-group"{csv}><caption>{_e(" · ".join(key))}</caption>'
              f'{head}<tbody>{_rows(rows[columns], flags)}</tbody></table>'
              for key, rows in cells.groupby(group, sort=False)]
    return (f'<div class="table-group" role="group" aria-label="{_e(caption)}">'
            f'<p class="group-title">{_e(caption)}</p>{"".join(tables)}</div>')


def _colgroup(cells: pd.DataFrame) -> str:
    """Return each column's width, in proportion to its longest text (a bold header by its longest word) and padding.

    Print lays a table of a few columns out at these widths (`table-layout: fixed`): WeasyPrint's automatic layout
    measured every cell twice and took a quarter of a report's rendering. Every table of a group gets the same
    widths. Wider tables keep the automatic layout, which fits each header's longest word.
    """
    def longest(column: str) -> int:
        words = max((math.ceil(1.2 * len(w)) for w in str(column).split()), default=1)
        text = cells[column].map(len).max() if len(cells) else 0
        return min(max(words, text, COLUMN_CHARS[0]), COLUMN_CHARS[1]) + 2

    sizes = [longest(c) for c in cells.columns]
    return "<colgroup>" + "".join(f'<col style="width: {100 * n / sum(sizes):.1f}%">' for n in sizes) + "</colgroup>"


def _num(numeric: bool) -> str:
    return ' class="num"' if numeric else ""


def _rows(cells: pd.DataFrame, numeric: list[bool]) -> str:
    """Return table rows of text cells, each headed by its first cell."""
    out = []
    for values in cells.itertuples(index=False):
        first, *rest = values
        out.append(f'<tr><th scope="row"{_num(numeric[0])}>{_e(first)}</th>'
                   + "".join(f"<td{_num(n)}>{_e(v)}</td>" for v, n in zip(rest, numeric[1:])) + "</tr>")
    return "".join(out)


def _cell(value: object) -> str:
    """Return a cell as shown: thousands separators, one decimal, dates written out, blank for missing."""
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "Yes" if value else "No"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        return f"{float(value):,.1f}"
    if isinstance(value, (pd.Timestamp, dt.date)):
        return long_date(value)
    return str(value)


def style_charts() -> None:
    """Set the house chart style (`charts.STYLE`): colour-blind-safe palette, plain text (a `$` prints as `$`), SVG."""
    plt.rcParams.update(charts.STYLE)


def start(name: str, title: str, school_year: str, audience: Audience, out_dir: str | Path = "",
          period_start: str = "", period_end: str = "", subject: str = "",
          semester: str = "", stem: str = "") -> Report:
    """Check a notebook's parameters and return its `Report` (the cell after `parameters`).

    `stem` is the run's file stem of the report (`plan.make_job`); blank, the kind and period's.
    """
    year = load_school_year(school_year)
    span = year.semesters[semester] if semester else year.year_span
    if period_start or period_end:
        span = Span(start=period_start or span.start, end=period_end or span.end)
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}; got {audience!r}")
    folder = resolve(out_dir, project_root() / "outputs" / "interactive")
    style_charts()
    return Report(name, title, audience, year, span, folder, stem or report_stem(name, school_year, semester),
                  subject, period_name=period_name(year, span, semester))
