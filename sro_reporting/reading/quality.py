"""The data-quality log: every problem found in the inputs, one row each."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from sro_reporting.files import write_csv as write_safe_csv
from sro_reporting.reading.tables import TABLES

QUALITY_COLUMNS = ["table", "line", "column", "value", "rule", "severity"]
ROWS = "rows"  # beside them in the frame: the rows a record stands for (1, or the count of a record of many)
MAX_RECORDS = 100_000  # problems of one rule in one column listed row by row; the rest are one record that counts them
SEVERITIES = ("error", "warning", "info")


def problems_frame(records: list[dict] | None = None) -> pd.DataFrame:
    """Return problem records as a frame with the contract's columns, in file order."""
    return _typed(pd.DataFrame.from_records(records or [], columns=QUALITY_COLUMNS))


def problems_at(table: str, lines: pd.Series, column: str, values: pd.Series | str, rule: str | pd.Series,
                severity: str = "error") -> pd.DataFrame:
    """Return one problem per cell of `column` at `lines` (values and rules aligned with them, or one for all).

    Built as text columns straight away (no Python string per cell), and past `MAX_RECORDS` cells the rest are one
    record counting them (its `rows`), with the rule of the first: a log of millions of rows stays small.
    """
    lines = lines.reset_index(drop=True)
    rest = lines.iloc[MAX_RECORDS:]
    n = min(len(lines), MAX_RECORDS)

    def text(cells: pd.Series | str, size: int = n) -> pd.Series:
        if isinstance(cells, str):
            return pd.Series(pd.arrays.ArrowStringArray(pa.repeat(pa.scalar(cells, pa.large_string()), size)),
                             dtype="str")
        cells = cells.iloc[:size]
        return pd.Series(cells.to_numpy() if isinstance(cells.dtype, pd.CategoricalDtype) else cells.array,
                         dtype="str").reset_index(drop=True)

    frame = pd.DataFrame({"table": text(table), "line": pd.array(lines.iloc[:n].to_numpy(), dtype="Int64"),
                          "column": text(column), "value": text(values).fillna(""), "rule": text(rule),
                          "severity": text(severity), ROWS: np.ones(n, dtype=np.int64)})
    if len(rest):
        first = rule if isinstance(rule, str) else str(rule.iloc[MAX_RECORDS])
        frame = pd.concat([frame, pd.DataFrame({
            "table": [table], "line": pd.array([rest.iloc[0]], dtype="Int64"), "column": [column], "value": [""],
            "rule": [f"{first} ({len(rest):,} more rows like this, lines {rest.iloc[0]:,} to {rest.iloc[-1]:,}, "
                     "counted in this one record)"], "severity": [severity], ROWS: [len(rest)]})], ignore_index=True)
    return _typed(frame)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a problems frame with the log's column types."""
    frame["line"] = pd.array(frame["line"], dtype="Int64")
    frame["value"] = frame["value"].astype("str").str.slice(0, 200)
    frame[ROWS] = frame[ROWS].fillna(1).astype("int64") if ROWS in frame else np.ones(len(frame), dtype=np.int64)
    return frame.astype({c: "str" for c in ("table", "column", "rule", "severity")})


def problem(table: str, line: int | None, column: str, value: object, rule: str,
            severity: str = "error") -> dict:
    """Return one problem record."""
    return {"table": table, "line": line, "column": column,
            "value": "" if value is None or value is pd.NA else str(value),
            "rule": rule, "severity": severity}


def combine(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate problem frames and sort them by table and line."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return problems_frame()
    out = pd.concat(frames, ignore_index=True)
    out[ROWS] = out[ROWS].fillna(1).astype("int64") if ROWS in out else np.ones(len(out), dtype=np.int64)
    out = out.sort_values(["table", "line", "column"], kind="stable", na_position="first")
    return out.reset_index(drop=True)


def error_count(problems: pd.DataFrame) -> int:
    """Return how many problems are errors."""
    return int((problems["severity"] == "error").sum())


def write_csv(problems: pd.DataFrame, path: Path, root: Path | None = None) -> None:
    """Write the log as `data_quality.csv`, following no link below `root`."""
    write_safe_csv(problems[QUALITY_COLUMNS], path, root)


def format_text(problems: pd.DataFrame, files: dict[str, str] | None = None) -> str:
    """Return the log as lines an analyst reads: SEVERITY file:line column='value': rule."""
    if problems.empty:
        return "No problems found."
    lines = []
    for row in problems.itertuples(index=False):
        name = (files or {}).get(row.table, row.table)
        where = f"{name}:{row.line}" if pd.notna(row.line) else name
        col = f" {row.column}" if row.column else ""
        val = f"={row.value!r}" if row.value else ""
        lines.append(f"{row.severity.upper():7} {where}{col}{val}: {row.rule}")
    counts = problems["severity"].value_counts()
    summary = ", ".join(f"{counts.get(s, 0)} {s}s" for s in SEVERITIES)
    return "\n".join(lines + [f"{len(problems)} problems: {summary}."])


def summary(problems: pd.DataFrame) -> pd.DataFrame:
    """Return the number of problems per table and severity (rows: a record may count many)."""
    counts = pd.crosstab(problems["table"], problems["severity"], values=_rows(problems), aggfunc="sum").fillna(0)
    counts = counts.reindex(columns=list(SEVERITIES), fill_value=0)
    out = counts.rename(columns={s: f"{s}s" for s in SEVERITIES}).rename_axis(columns=None).reset_index()
    return out.astype({f"{s}s": "int64" for s in SEVERITIES})


def _rows(problems: pd.DataFrame) -> pd.Series:
    """Return the rows each record stands for (1 where the frame has no count)."""
    return problems[ROWS] if ROWS in problems else pd.Series(1, index=problems.index, dtype="int64")


def rule_kind(rule: str) -> str:
    """Return a rule without the values, lines and headers some rules quote: what may leave MPD.

    >>> rule_kind("duplicate action_id; must be unique (first on line 12); row left out")
    'duplicate action_id; must be unique; row left out'
    >>> rule_kind("file cannot be read: Expected 3 fields in line 5, saw 4")
    'file cannot be read'
    """
    text = re.sub(r"\s*\([^)]*\)", "", rule)
    text = re.sub(r":.*$", "", text)
    return re.sub(r"\d+", "N", text).strip()


# What most often causes a kind of problem, for the summary `validate` leads with: (words in the rule, cause).
CAUSES = (
    ("file cannot be read", "the file is damaged, cut short, or not a CSV or workbook: export it again"),
    ("no header row", "the export was saved without its header row"),
    ("required column missing", "a column renamed or left out of the export"),
    ("probably meant as", "a column renamed in the export"),
    ("not a date", "dates in another form than YYYY-MM-DD or M/D/YYYY (text, Excel serial numbers, or both day "
                   "first and month first in one column)"),
    ("dates written both", "dates day first and month first in one column"),
    ("outside the plausible span", "a typo in the year, or a placeholder date such as 1900-01-01"),
    ("before call_datetime", "usually call_datetime read wrongly or a CAD clock error; check that column first"),
    ("more than a day after", "usually call_datetime read wrongly or a CAD clock error; check that column first"),
    ("before dispatch_datetime", "CAD clock errors, or times typed by hand"),
    ("before arrival_datetime", "CAD clock errors, or times typed by hand"),
    ("required value is blank", "rows cut short, or a column left empty in the export"),
    ("duplicate", "the same records exported twice (two exports joined?)"),
    ("fields but the header has", "a value with an unquoted comma, or rows cut short"),
    ("lost their leading zeros", "Excel read an ID column as numbers"),
    ("lost the leading zeros", "Excel read an ID column as numbers"),
    ("not in schools", "IDs from another school registry, or a school missing from schools"),
    ("not in officers", "the roster is out of date, or IDs from another system"),
    ("code set", "free text typed in a coded column; the text stays in MPD's log only"),
    ("code (expected", "a spelling the code set does not know: add it to the export's lookup or fix the value"),
    ("not a yes/no value", "a spelling of yes or no the contract does not know"),
    ("not a whole number", "text or decimals in a column of whole numbers"),
    ("not a number", "text in a column of numbers"),
    ("must be at", "a value out of its range (a typo?)"),
    ("not UTF-8", "the file was saved in Windows' encoding; its accents may be wrong"),
    ("not in the data contract", "columns the package does not use; ignored"),
    ("person-identifying", "a column naming people; dropped as the file was read"),
)
EXAMPLES = 3  # lines shown for each kind of problem
ROOTS = ("file cannot be read", "no header row", "file missing", "required column missing")  # shown first: the rest
# of a table's problems may follow from them


def likely_cause(rule: str) -> str:
    """Return what most often causes a problem with this rule, or "" where no cause is on file.

    >>> likely_cause("not a date (expected YYYY-MM-DD or M/D/YYYY); row left out")[:30]
    'dates in another form than YYY'
    """
    return next((cause for words, cause in CAUSES if words in rule), "")


def summarize(problems: pd.DataFrame) -> pd.DataFrame:
    """Return the problems counted by table, column, kind of rule and severity, with three example lines and the
    likely cause, the most telling first: errors, then what concerns a whole file or column, then the most rows."""
    if problems.empty:
        return pd.DataFrame(columns=["table", "column", "rule", "severity", "count", "examples", "cause"])
    kinds = {rule: rule_kind(rule) for rule in problems["rule"].unique()}  # a few rules over many rows
    frame = problems.assign(kind=problems["rule"].map(kinds))
    rows = []
    for (table, column, kind, severity), group in frame.groupby(["table", "column", "kind", "severity"], sort=False):
        first = group.iloc[:EXAMPLES]
        examples = "; ".join(f"line {line}" + (f" {value!r}" if value else "")
                             for line, value in zip(first["line"], first["value"]) if pd.notna(line))
        rule = group["rule"].iloc[0] if len(group) == 1 or group["rule"].nunique() == 1 else kind
        rows.append({"table": table, "column": column, "rule": rule, "severity": severity,
                     "count": int(group[ROWS].sum()),
                     "examples": examples, "cause": likely_cause(group["rule"].iloc[0]),
                     "_root": kind.startswith(ROOTS),
                     "_whole": bool(group["line"].isna().all() or (group["line"] == 1).all())})
    out = pd.DataFrame(rows)
    out["_rank"] = out["severity"].map({s: i for i, s in enumerate(SEVERITIES)})
    out = out.sort_values(["_rank", "_root", "_whole", "count"], ascending=[True, False, False, False], kind="stable")
    return out.drop(columns=["_rank", "_root", "_whole"]).reset_index(drop=True)


def format_summary(problems: pd.DataFrame, files: dict[str, str] | None = None) -> str:
    """Return the summary `validate` leads with: per table, column and rule, the count, examples and likely cause."""
    if problems.empty:
        return "No problems found."
    lines = []
    for row in summarize(problems).itertuples(index=False):
        name = (files or {}).get(row.table, row.table)
        where = f"{name} {row.column}".strip()
        lines.append(f"{row.severity.upper():7} {where}: {row.rule} ({row.count:,} line{'s' * (row.count > 1)}"
                     + (f"; {row.examples}" if row.examples else "") + ")")
        if row.cause:
            lines.append(f"{'':8}likely cause: {row.cause}")
    counts = problems.groupby("severity")[ROWS].sum()
    return "\n".join(lines + [f"{int(problems[ROWS].sum()):,} problems: "
                               + ", ".join(f"{counts.get(s, 0):,} {s}s" for s in SEVERITIES) + "."])


def release_summary(problems: pd.DataFrame) -> pd.DataFrame:
    """Return problems counted by table, contract column, kind of rule and severity: no value, line or header.

    >>> p = problems_frame([problem("enforcement", 3, "subject_race", "Jane Doe", "not a race code (expected one of: "
    ...     "AIAN); read as UNKNOWN"), problem("enforcement", 1, "Jane Doe", "", "column not in the data contract; "
    ...     "ignored", "info")])
    >>> release_summary(p).values.tolist()
    [['enforcement', '', 'column not in the data contract; ignored', 'info', 1], \
['enforcement', 'subject_race', 'not a race code; read as UNKNOWN', 'error', 1]]
    """
    known = problems.apply(lambda p: p["table"] in TABLES and p["column"] in TABLES[p["table"]].names, axis=1) \
        if len(problems) else pd.Series(dtype=bool)
    frame = pd.DataFrame({"table": problems["table"], "column": problems["column"].where(known, ""),
                          "rule": problems["rule"].map(rule_kind), "severity": problems["severity"],
                          "problems": _rows(problems)})
    out = frame.groupby(["table", "column", "rule", "severity"])["problems"].sum().reset_index()
    return out.astype({"problems": "int64"})
