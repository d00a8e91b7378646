"""The release's guide: how to read every file and column MPS receives, as a CSV table (issue 26).

The contract allows only PDFs (and HTML), CSV tables and the manifest in `mps/`, so the guide a parent or a
reporter asked for ("what `*`, a blank and each column mean") is a table: `how_to_read.csv`, with `file,
column, meaning`. It is made from the release's own manifest (its reports, layouts and minimum cell), never from
an export's free text, and holds no date: a re-run of the same records hands over the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sro_reporting.disclosure.layout import Layout, Part
from sro_reporting.files import write_csv
from sro_reporting.running.plan import KINDS

NAME = "how_to_read.csv"
EVERY_TABLE = "(every table)"
SYNTHETIC = ("SYNTHETIC DEMO DATA: every school, officer, call and incident in this release is invented by the "
             "package's demo generator; nothing in it describes a real person, school or event")


def rows(manifest: dict, synthetic: bool) -> pd.DataFrame:
    """Return the guide of a release from its manifest: one row per file, and per column of each table of counts."""
    found = [("(this release)", "", _about(manifest))] + ([("(this release)", "synthetic", SYNTHETIC)]
                                                           if synthetic else [])
    found += [(EVERY_TABLE, "* (star)", f"a count from 1 to {manifest['min_cell'] - 1}, or a larger count hidden so "
               "that a small one cannot be worked out from totals, other tables or earlier releases"),
              (EVERY_TABLE, "(blank)", "not collected: MPD's export held no records of the kind; it is not 0"),
              (EVERY_TABLE, "0", "zero: no record of the kind"),
              (EVERY_TABLE, "Total", "the sum of the row or column, hidden cells included")]
    found += [(f"{r['stem']}.pdf", "", f"{_title(r)} (PDF/UA-1, tagged for screen readers); the .html file of the "
               "same name is the same report as a web page") for r in manifest.get("reports", [])]
    found += [("data_quality_summary.csv", "", "how many problems MPD's checks found in its exports, by table, column "
               "and kind of problem: counts only, no record, value or name"),
              ("manifest.json", "", "every file with its size and SHA-256, what each table counts (its layout), the "
               "schools' public grade bands and the summary of the disclosure audit")]
    for path, layout in sorted(manifest.get("tables", {}).items()):
        found += _columns(path, Layout.model_validate(layout))
    return pd.DataFrame(found, columns=["file", "column", "meaning"])


def _title(report: dict) -> str:
    """Return a report's title, with its subject (a school's name) where it has one."""
    kind = KINDS.get(report["report"])
    title = kind.title if kind and kind.title else report["report"]
    return f"{title}: {report['subject']}" if report.get("subject") else title


def _about(manifest: dict) -> str:
    """Return what the release is and the period it covers."""
    parameters = manifest.get("parameters", {})
    semester = f", {parameters['semester']} semester" if parameters.get("semester") else ""
    return f"{manifest['release']}: school year {parameters.get('school_year')}{semester}"


def _columns(path: str, layout: Layout) -> list[tuple[str, str, str]]:
    """Return a table's columns in words: its row labels, then what each count column counts."""
    rows = f"one row per {_words(layout.row_dimension)}" if layout.row_dimension else "the measure each row counts"
    base = Part(population=layout.population, period=layout.period, categories=layout.categories)
    counts = [(path, name, _count(base, part)) for name, part in layout.columns.items()]
    return [(path, layout.row_label, rows), *counts]


def _count(base: Part, part: Part) -> str:
    """Return what a column's cells count: the population, its categories and the period."""
    population = part.population or base.population or "the rows' measure"
    categories = {**base.categories, **part.categories}
    period = part.period or base.period
    said = "; ".join(f"{_words(d)} {_words(c)}" for d, c in categories.items())
    return f"count of {population}" + (f" ({said})" if said else "") + (f", {_period(period)}" if period else "")


def _words(code: str) -> str:
    return code.replace("_", " ")


def _period(period: str) -> str:
    start, _, end = period.partition("/")
    return f"from {start} to {end}, both included"


def write(folder: Path, manifest: dict, synthetic: bool) -> Path:
    """Write the guide into a staged release."""
    return write_csv(rows(manifest, synthetic), folder / NAME)
