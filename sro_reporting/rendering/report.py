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
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd

from sro_reporting.disclosure.layout import LAYOUTS, Layout
from sro_reporting.files import report_stem, write_csv, write_text
from sro_reporting.params import Audience, SchoolYear, Span, load_school_year
from sro_reporting.paths import project_root, resolve

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import seaborn as sns

AUDIENCES = {
    "mps": "Milwaukee Public Schools (MPS)",
    "mpd_internal": "MPD internal: SRO supervisors and the Chief of Police",
}
FIGURE_DPI = 144  # sharp at US Letter width, small enough to embed quickly
SHORT_TABLE = 30  # rows; a shorter table is kept on one page with its caption
SUPPRESSION_NOTE = ("* Suppressed: a count from 1 to {m1}, or a count hidden so that a suppressed "
                    "count cannot be worked out from the totals.")


def long_date(day: dt.date) -> str:
    """Return a date as a reader writes it: July 1, 2025."""
    return f"{day:%B} {day.day}, {day.year}"


def month_label(day: dt.date | str) -> str:
    """Return the month of a date as text: March 2026."""
    day = dt.date.fromisoformat(day) if isinstance(day, str) else day
    return f"{day:%B %Y}"


def period_label(span: Span) -> str:
    """Return a period as text: July 1, 2025 to June 30, 2026."""
    return f"{long_date(span.start)} to {long_date(span.end)}"


def _display(markup: str) -> None:
    """Show HTML in the notebook (a no-op outside IPython)."""
    from IPython.display import HTML, display

    display(HTML(markup))


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

    @property
    def table_dir(self) -> Path:
        """Return the folder for this report's CSVs: `tables/<stem>/` in the run's folder."""
        return self.out_dir / "tables" / self.stem

    @property
    def min_cell(self) -> int:
        """Return the smallest count shown in MPS-facing people tables."""
        return self.year.min_cell

    def title_block(self, as_of: dt.date | None, basis: str) -> None:
        """Show the title block: report, period, audience, generated date, data as-of, basis."""
        internal = self.audience == "mpd_internal"
        rows = [("Period", period_label(self.period)), ("School year", self.year.school_year),
                ("Audience", AUDIENCES[self.audience]),
                ("Prepared under", basis),
                ("Data as of", long_date(as_of) if as_of else "no dated records"),
                ("Generated", long_date(dt.date.today()))]
        meta = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
        mark = '<div class="internal-mark">INTERNAL: MPD use only</div>' if internal else \
            '<div class="mps-mark">Prepared for Milwaukee Public Schools</div>'
        subject = f'<div class="subject">{html.escape(self.subject)}</div>' if self.subject else ""
        _display(f'<header class="title-block">{mark}<div class="agency">Milwaukee Police '
                 f'Department &middot; School Resource Officer Program</div>'
                 f'<h1 class="report-title">{html.escape(self.title)}</h1>{subject}'
                 f'<table class="meta">{meta}</table></header>')

    def section(self, heading: str, text: str = "") -> None:
        """Show a section heading with an optional paragraph."""
        para = f"<p>{html.escape(text)}</p>" if text else ""
        _display(f"<h2>{html.escape(heading)}</h2>{para}")

    def definitions(self, terms: dict[str, str], heading: str = "Definitions") -> None:
        """Show the definitions the report uses."""
        items = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in terms.items())
        _display(f'<h3>{html.escape(heading)}</h3><dl class="definitions">{items}</dl>')

    def text(self, text: str) -> None:
        """Show a paragraph."""
        _display(f"<p>{html.escape(text)}</p>")

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

    def table(self, frame: pd.DataFrame, name: str, caption: str, note: str = "",
              labels: dict[str, str] | None = None, group: list[str] | None = None,
              layout: Layout | None = None) -> None:
        """Write `frame` to `tables/<name>.csv` and show it with a caption and note.

        With `group` (columns of `frame`), rows sharing those values are shown under one heading
        row instead of repeating them on every row; the CSV keeps every column.
        """
        path = self.deliver(frame, name, layout)
        body = table_html(frame.rename(columns=labels or {}), caption, path.name,
                          [(labels or {}).get(c, c) for c in group or []])
        note_html = f'<p class="table-note">{html.escape(note)}</p>' if note else ""
        empty = '<p class="table-note">No records in this period.</p>' if frame.empty else ""
        size = "short" if len(frame) <= SHORT_TABLE else "long"
        _display(f'<div class="table-wrap {size}">{body}{empty}{note_html}</div>')

    def figure(self, fig: plt.Figure, caption: str, source: str) -> None:
        """Show a chart as a captioned figure with its data source, then close it."""
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=FIGURE_DPI, bbox_inches="tight")
        plt.close(fig)
        data = base64.b64encode(buf.getvalue()).decode()
        _display(f'<figure class="sro-figure"><img alt="{html.escape(caption)}" src="data:image/png;base64,{data}"/>'
                 f'<figcaption>{html.escape(caption)}<span class="source">Source: '
                 f'{html.escape(source)}</span></figcaption></figure>')

    def suppression_note(self) -> str:
        """Return the note under a suppressed table."""
        return SUPPRESSION_NOTE.format(m1=self.min_cell - 1)


def table_html(shown: pd.DataFrame, caption: str, csv_name: str, group: list[str]) -> str:
    """Return a table's markup: caption, header row, body rows; with `group`, one body per group under its heading.

    >>> frame = pd.DataFrame({"School": ["A", "B"], "Calls": [1, 1500]})
    >>> print(table_html(frame, "Calls", "calls.csv", ["School"]).split("</thead>")[1])
    <tbody class="group"><tr><th colspan="1">A</th></tr><tr><td>1</td></tr></tbody><tbody class="group">...
    >>> print(table_html(frame, "Calls", "calls.csv", []).split("</thead>")[1])
    <tbody><tr><td>A</td><td>1</td></tr><tr><td>B</td><td>1,500</td></tr></tbody></table>
    """
    cells = shown.map(_cell)
    columns = [c for c in cells.columns if c not in group]
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    if group:
        bodies = [f'<tbody class="group"><tr><th colspan="{len(columns)}">{html.escape(" · ".join(key))}</th></tr>'
                  f"{_rows(rows[columns])}</tbody>" for key, rows in cells.groupby(group, sort=False)]
    else:
        bodies = [f"<tbody>{_rows(cells)}</tbody>"]
    return (f'<table class="sro-table" data-csv="{html.escape(csv_name)}"><caption>{html.escape(caption)}</caption>'
            f'<thead><tr>{head}</tr></thead>{"".join(bodies)}</table>')


def _rows(cells: pd.DataFrame) -> str:
    """Return table rows of text cells."""
    return "".join("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in values) + "</tr>"
                   for values in cells.itertuples(index=False))


def _cell(value: object) -> str:
    """Return a cell as shown: thousands separators, one decimal, blank for missing."""
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "Yes" if value else "No"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        return f"{float(value):,.1f}"
    if isinstance(value, (pd.Timestamp, dt.date)):
        return f"{value:%Y-%m-%d}"
    return str(value)


def style_charts() -> None:
    """Set the house chart style: seaborn, colour-blind-safe palette."""
    sns.set_theme(style="whitegrid", palette="colorblind", font="DejaVu Sans",
                  rc={"figure.figsize": (7.0, 3.2), "axes.titlesize": 11, "axes.labelsize": 9,
                      "xtick.labelsize": 8, "ytick.labelsize": 8, "legend.fontsize": 8})


def start(name: str, title: str, school_year: str, audience: Audience, out_dir: str | Path = "",
          period_start: str = "", period_end: str = "", subject: str = "",
          semester: str = "", entity: str = "") -> Report:
    """Check a notebook's parameters and return its `Report` (the cell after `parameters`).

    `entity` is the ID the report is about (school, officer, month `YYYY-MM`, or `mps` for an extract).
    """
    year = load_school_year(school_year)
    span = year.semesters[semester] if semester else year.year_span
    if period_start or period_end:
        span = Span(start=period_start or span.start, end=period_end or span.end)
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}; got {audience!r}")
    folder = resolve(out_dir, project_root() / "outputs" / "interactive")
    style_charts()
    return Report(name, title, audience, year, span, folder, report_stem(name, school_year, semester, entity),
                  subject)
