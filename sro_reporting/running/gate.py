"""The gate before a report: the tables it stands on kept their rows, and their IDs match (issue 23).

A report whose key input lost most of its rows to unreadable values (dates written `08/18/25`), or
whose IDs match nothing (`4100` against the roster's `004100`), would print zeros that are not true.
Each kind of report declares the tables it stands on and the IDs that must match (`running.plan`);
the gate reads the loaded data set and its problems frame, before any report is handed to a kernel,
and gives one line for a report that cannot be made: the table, the column, the share and the
likely cause. The limits are the school year's `input_gate` parameters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from sro_reporting.params import InputGate
from sro_reporting.reading.dataset import DataSet
from sro_reporting.reading.validate import UNDECIDED, id_hint

LEFT_OUT = "row left out"  # how the data-quality log says a row is not counted (contract section 1)
ERROR_NAME = "InputGateError"  # the failure's name in the manifest, the summary and the index
TWO_DIGIT_YEAR = re.compile(r"^\d{1,2}/\d{1,2}/\d{2}(\s|$)")
LOST_ZEROS = "lost their leading zeros"  # `id_hint`'s words where that is the cause
DAY_FIRST = re.compile(r"^(1[3-9]|2\d|3[01])/\d{1,2}/\d{4}")


@dataclass(frozen=True)
class Match:
    """A column whose given (non-blank) values must be found in the same column of another table."""

    table: str
    column: str
    against: str


def too_many(part: int, whole: int, limits: InputGate) -> bool:
    """Return whether `part` of `whole` is too many lost: more than the share and the minimum, or all of them.

    >>> limits = InputGate(max_share=0.05, min_rows=10)
    >>> too_many(1, 2, limits), too_many(2, 2, limits), too_many(10, 100, limits), too_many(9, 10, limits)
    (False, True, True, False)
    """
    return part > 0 and (part == whole or (part >= limits.min_rows and part > limits.max_share * whole))


def share(part: int, whole: int) -> str:
    """Return `part of whole (p%)` as a line says it.

    >>> share(17037, 17037), share(1, 3), share(1196, 1199)
    ('17,037 of 17,037 (100%)', '1 of 3 (33%)', '1,196 of 1,199 (99.7%)')
    """
    percent = 100 * part / whole
    shown = f"{percent:.0f}"
    return f"{part:,} of {whole:,} ({f'{percent:.1f}' if shown in ('0', '100') and part not in (0, whole) else shown}%)"


def date_cause(values: pd.Series) -> str:
    """Return the likely cause of unreadable dates from examples of them, or ''.

    >>> date_cause(pd.Series(["08/18/25"])), date_cause(pd.Series(["25/01/2026 10:00"]))[:33]
    ("two-digit years ('08/18/25'): save the dates as YYYY-MM-DD or M/D/YYYY", 'dates written day first (DD/MM/YY')
    """
    text = values.dropna().astype("str")
    if text.str.match(TWO_DIGIT_YEAR).mean() > 0.5:
        return f"two-digit years ({text.iloc[0]!r}): save the dates as YYYY-MM-DD or M/D/YYYY"
    first = text[text.str.match(DAY_FIRST)]
    if len(first):
        return (f"dates written day first (DD/MM/YYYY, {first.iloc[0]!r}), which M/D/YYYY cannot read past day 12: "
                "save the dates as YYYY-MM-DD")
    return ""


def rows_lost(data: DataSet, table: str, limits: InputGate) -> str:
    """Return the line for a table that lost too many rows to unreadable values or unmatched IDs, or ''."""
    problems = data.problems
    out = problems[(problems["table"] == table) & (problems["severity"] == "error")
                   & problems["rule"].str.contains(LEFT_OUT, regex=False)]
    lost = out["line"].nunique()
    whole = len(data.tables[table]) + lost
    if not too_many(lost, whole, limits):
        return ""
    column = out.groupby("column")["line"].nunique().idxmax()
    worst = out[out["column"] == column]
    rule = worst["rule"].mode().iloc[0]
    cause = date_cause(worst["value"]) or _unmatched_cause(data, table, column, worst["value"], rule) \
        or f"{rule} (first {worst['value'].iloc[0]!r}, line {worst['line'].iloc[0]})"
    return f"{table}.{column}: {share(lost, whole)} rows left out as unreadable; likely cause: {cause}"


def _unmatched_cause(data: DataSet, table: str, column: str, values: pd.Series, rule: str) -> str:
    """Return the hint for rows left out because their ID is not in the table it refers to, or ''."""
    reference = next((name for name in data.tables if f"not in {name}" in rule), None)
    if reference is None or column not in data.tables[reference].columns:
        return ""
    return f"IDs not in {reference}: {id_cause(values, data.tables[reference][column], table, reference)}"


def id_cause(unknown: pd.Series, known: pd.Series, table: str, against: str) -> str:
    """Return why IDs match nothing: zeros lost in a spreadsheet where that is it, else two sources.

    >>> id_cause(pd.Series(["4100"]), pd.Series(["004100"]), "enforcement", "officers")[:48]
    'They look like IDs that lost their leading zeros'
    >>> id_cause(pd.Series(["X"]), pd.Series(["004100"]), "enforcement", "officers")
    'check that enforcement and officers come from the same system and period.'
    """
    hint = id_hint(unknown, known)
    return hint if LOST_ZEROS in hint else f"check that {table} and {against} come from the same system and period."


def unmatched(data: DataSet, match: Match, limits: InputGate) -> str:
    """Return the line for a column whose given IDs too often match nothing in the table they refer to, or ''."""
    given = data.tables[match.table][match.column].dropna()
    known = data.tables[match.against][match.column]
    unknown = given[~given.isin(known)]
    if not too_many(len(unknown), len(given), limits):
        return ""
    return (f"{match.table}.{match.column}: {share(len(unknown), len(given))} values not in {match.against} "
            f"(first {unknown.iloc[0]!r}); likely cause: {id_cause(unknown, known, match.table, match.against)}")


def undecided(data: DataSet, table: str) -> str:
    """Return the line for a table with a date column whose order no value decides (no `date_format`), or ''."""
    problems = data.problems
    rows = problems[(problems["table"] == table) & (problems["severity"] == "error")
                    & problems["rule"].str.contains(UNDECIDED, regex=False)]
    return "; ".join(f"{table}.{r.column}: {r.rule}" for r in rows.drop_duplicates("column").itertuples())


def check(tables: tuple[str, ...], keys: tuple[Match, ...], data: DataSet, limits: InputGate) -> str:
    """Return why a report that stands on these tables and keys cannot be made from `data`, or '' when it can.

    Only tables the data set has are checked: a missing one is the run's check before (`running.checks`).
    """
    found = [rows_lost(data, name, limits) for name in tables if name in data.tables]
    found += [undecided(data, name) for name in tables if name in data.tables]
    found += [unmatched(data, key, limits) for key in keys if {key.table, key.against} <= set(data.tables)]
    lines = [line for line in found if line]
    return "; ".join(lines)
