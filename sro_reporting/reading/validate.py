"""Checking a table against the contract: parse every cell, run the pandera schema, keep the good rows.

Rows are never dropped silently. A bad or blank value in a required column leaves the row out,
and the log says so; a bad value in an optional column is read as blank (or the code set's
unknown code) and the row is kept; both are errors in the log. Before a cell is parsed, it is
checked for what no value may be: longer than a spreadsheet cell can hold, or, in an ID column
(whose values name files and folders), longer than `ID_LENGTH` or holding a control character.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc

from sro_reporting.reading.parse import DateFormat, cell_bytes, parse_column, rewritten, rule, slashed, text_bytes
from sro_reporting.reading.quality import combine, problems_at
from sro_reporting.reading.readers import LINE, RawTable
from sro_reporting.reading.tables import Column, Table

UNDECIDED = "read month first (M/D/YYYY), no report made from it"  # a date column no value decides (`running.gate`)

if TYPE_CHECKING:  # pandera is imported where a table is checked: a report's kernel reads checked data only
    import pandera.pandas as pa

# A call's later times follow it in this order, within a day; else its response times are read as blank.
ORDERED_TIMES = {"calls_for_service": ("call_datetime", ("dispatch_datetime", "arrival_datetime", "cleared_datetime"))}
LONGEST_CALL = pd.Timedelta(days=1)

PLAUSIBLE = (pd.Timestamp("1950-01-01"), pd.Timestamp("2099-12-31 23:59:59"))  # a date outside is a typo
MAX_CELL = 32_767  # characters: a spreadsheet cell's limit, so no value anyone typed is longer
ID_LENGTH = 64  # characters of an ID
# Control characters (NUL, line breaks, ...) and invisible ones that reorder or hide text.
CONTROL = "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]"
DTYPES = {
    "str": "str", "int": "Int64", "float": "Float64", "bool": "boolean",
    "date": "datetime64[us]", "datetime": "datetime64[us]", "time": "timedelta64[ns]",
    "code": "str", "codelist": "str",
}


def _checks(column: Column) -> list[pa.Check]:
    """Return the value checks of a column (ranges; code sets are checked while parsing)."""
    import pandera.pandas as pa

    checks = []
    if column.min is not None:
        checks.append(pa.Check.ge(column.min, error=f"must be at least {column.min:g}"))
    if column.max is not None:
        checks.append(pa.Check.le(column.max, error=f"must be at most {column.max:g}"))
    return checks




LONGEST_NUMBER = 18  # digits an int64 always holds


def _as_numbers(cells: pyarrow.ChunkedArray) -> np.ndarray | None:
    """Return IDs as whole numbers where every one is written as one (digits only, no leading zero), so that two
    IDs are equal exactly when their numbers are; else None."""
    for chunk in cells.chunks:
        offsets, data = text_bytes(chunk)
        lengths = np.diff(offsets)
        if (lengths < 1).any() or (lengths > LONGEST_NUMBER).any():
            return None
        digits = cell_bytes(chunk) - np.uint8(ord("0"))  # below "0" wraps round to over 9
        if (digits > 9).any() or ((data[offsets[:-1]] == ord("0")) & (lengths > 1)).any():
            return None
    return pc.cast(cells, pyarrow.int64()).to_numpy()


def _all_distinct(values: pd.Series) -> bool | pd.Series:
    """Return True where no value repeats (blanks left out), else which values repeat.

    A CAD export's incident numbers are whole numbers: sorted as such, a million of them are checked several
    times faster, and with less memory, than as text (pandera's own check, or Arrow's count of distinct values).
    """
    cells = pyarrow.chunked_array(pyarrow.array(values.array))
    numbers = _as_numbers(cells)
    if numbers is not None:
        distinct = not (np.diff(np.sort(numbers)) == 0).any()
    else:
        distinct = pc.count_distinct(cells).as_py() == len(values)
    return True if distinct else ~values.duplicated(keep=False)


def schema(table: Table) -> pa.DataFrameSchema:
    """Return the pandera schema of a parsed table."""
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {c.name: pa.Column(DTYPES[c.kind], checks=_checks(c), nullable=True, required=True)
         for c in table.columns},
        strict=False,
        name=table.name,
    )


def _fallback(column: Column) -> str | None:
    """Return the value a bad cell of an optional column is read as: its unknown code, or blank."""
    if column.codes is not None and not column.keep_blank:
        return column.codes.blank
    return None


def _outcome(column: Column) -> str:
    """Return what happens to a row whose value in this column is bad."""
    if column.required:
        return "row left out"
    return f"read as {_fallback(column) or 'blank'}"


def is_id(column: Column) -> bool:
    """Return whether a column holds IDs (`school_id`, `incident_number`, ...): they may name files."""
    return column.kind == "str" and (column.name.endswith("_id") or column.name == "incident_number")


def shown(value: str) -> str:
    """Return a value for the log with its control characters written out, at most 200 characters.

    >>> print(shown("0007\\x00; rm"))
    0007\\x00; rm
    """
    return re.sub(CONTROL, lambda m: m.group().encode("unicode_escape").decode(), value[:200])


def _printable_ascii(cells: pyarrow.ChunkedArray) -> bool:
    """Return whether the text's bytes are all printable ASCII, where no control or invisible character can be."""
    for chunk in cells.chunks:
        found = cell_bytes(chunk)
        if ((found < 0x20) | (found >= 0x7F)).any():
            return False
    return True


def _suspect(text: pd.Series, column: Column) -> bool:
    """Return whether any cell may be unusable, in one pass over the column (most columns have none).

    A cell's characters are at most its bytes, so the bytes' lengths (read off the offsets) clear most columns.
    """
    cells = pyarrow.chunked_array(pyarrow.array(text.array))
    longest = pc.max(pc.binary_length(cells)).as_py() or 0
    if longest > MAX_CELL or (is_id(column) and longest > ID_LENGTH):
        longest = pc.max(pc.utf8_length(cells)).as_py() or 0
    return longest > MAX_CELL or (is_id(column) and (longest > ID_LENGTH or (
        not _printable_ascii(cells) and bool(pc.any(pc.match_substring_regex(cells, CONTROL)).as_py()))))


def _unusable(text: pd.Series, column: Column) -> pd.Series | None:
    """Return why each cell cannot be used at all (NaN where it can), or None where every cell can."""
    if not _suspect(text, column):
        return None
    length = text.str.len()
    why = np.where(length > MAX_CELL, f"longer than {MAX_CELL:,} characters (a spreadsheet cell's limit)", None)
    if is_id(column):
        trimmed = text.str.strip()
        why = np.where(pd.isna(why) & (trimmed.str.len() > ID_LENGTH),
                       f"not a usable ID: longer than {ID_LENGTH} characters", why)
        why = np.where(pd.isna(why) & trimmed.str.contains(CONTROL, regex=True).fillna(False).astype(bool),
                       "not a usable ID: holds a control or invisible character", why)
    if pd.isna(why).all():
        return None
    return pd.Series(why, index=text.index, dtype="str")


def _parse_one(raw: pd.DataFrame, table: Table, column: Column,
               text: pd.Series | None = None) -> tuple[pd.Series, list[pd.DataFrame], pd.Series]:
    """Parse one column (or `text`, its cells rewritten); return its values, its problems and its bad cells (a clean
    column costs its parse only)."""
    text = raw[column.name] if text is None else text
    unusable = _unusable(text, column)
    unfit = pd.Series(False, index=raw.index) if unusable is None else unusable.notna()
    values, bad = parse_column(text.where(~unfit, "") if unusable is not None else text, column)
    problems = []
    if unusable is not None:
        problems.append(problems_at(table.name, raw.loc[unfit, LINE], column.name,
                                    raw.loc[unfit, column.name].map(shown),
                                    unusable[unfit] + f"; {_outcome(column)}"))
        bad = bad | unfit
    if column.codes is not None and column.codes.other is not None and (bad & ~unfit).any():
        unknown = bad & ~unfit  # free text never leaves MPD: it becomes the set's other code, its text logged here
        problems.append(problems_at(table.name, raw.loc[unknown, LINE], column.name, raw.loc[unknown, column.name],
                                    f"not in the {column.codes.name} code set; read as {column.codes.other}",
                                    "warning"))
        values, bad = values.where(~unknown, column.codes.other), bad & ~unknown
    if column.kind in ("date", "datetime"):  # checked here: the text of a datetime column is let go once parsed
        far = (values < PLAUSIBLE[0]) | (values > PLAUSIBLE[1])
        if far.any():
            problems.append(problems_at(table.name, raw.loc[far, LINE], column.name, raw.loc[far, column.name],
                                        f"outside the plausible span of dates ({PLAUSIBLE[0]:%Y-%m-%d} to "
                                        f"{PLAUSIBLE[1]:%Y-%m-%d}); {_outcome(column)}"))
            values, bad, unfit = values.mask(far), bad | far, unfit | far
    if not bad.any():
        return values, problems, bad
    if not column.required and _fallback(column) is not None:
        values = values.where(~bad, _fallback(column))
    parsed = bad & ~unfit
    problems.append(problems_at(table.name, raw.loc[parsed, LINE], column.name, raw.loc[parsed, column.name],
                                f"{rule(column)}; {_outcome(column)}"))
    return values, problems, bad


def _first_line(raw: pd.DataFrame, name: str, start: str) -> pd.Series:
    """Return the line of the first cell of a column that starts with `start`."""
    return raw.loc[raw[name].str.startswith(start).fillna(False).astype(bool), LINE].iloc[:1]


def _date_texts(raw: pd.DataFrame, table: Table,
                date_format: DateFormat | None) -> tuple[dict[str, pd.Series], list[pd.DataFrame]]:
    """Return the date columns whose cells are rewritten month first with four-digit years, and what was decided.

    One order for the whole file, never mixed: `date_format` where given; else day first where a column's values
    can only be day first (`13/07/2025`) and none can only be month first; else month first, as the contract says.
    A column no value of the file decides (`03/07/2025`, no day above 12, none in another column either) is an error
    without `date_format`, once per column: its rows are kept, read month first, and the run stops before reports.
    Values that read the same both ways (`03/03/2025`) decide nothing and ask nothing.
    """
    found = {c.name: slashed(raw[c.name]) for c in table.columns if c.kind in ("date", "datetime")}
    orders = {f.order for f in found.values()}
    day_first = date_format == "D/M" or (date_format is None and "D/M" in orders and not orders & {"M/D", "both"})
    ask = "set date_format (M/D or D/M) in the school year's parameters (validate: --date-format)"
    texts, problems = {}, []
    for name, f in found.items():
        if not (f.order or f.two_digit_year):
            continue

        def note(example: str, words: str, severity: str = "warning") -> None:
            problems.append(problems_at(table.name, _first_line(raw, name, example), name, example, words, severity))

        if date_format is None and f.order == "both":
            note(f.day_first, f"dates written both day first ({f.day_first!r}) and month first ({f.month_first!r}) "
                              f"in one column; read month first, as the contract says: {ask}", "error")
        elif date_format is None and day_first:
            why = f"{f.day_first!r} can only be" if f.day_first else "the file's other dates are"
            note(f.day_first or f.either, f"dates written day first ({why} day first): the column is read day "
                                          "first (D/M/YYYY)")
        elif date_format is None and f.order == "either" and "M/D" in orders:
            note(f.either, f"dates fit both month first and day first (no day above 12, as {f.either!r}); read month "
                           "first (M/D/YYYY), as the file's other dates are")
        elif date_format is None and f.order == "either":  # nothing decides: an error, rows kept, read M/D
            note(f.either, f"dates fit both month first and day first (no day above 12, as {f.either!r}) and no "
                           f"value decides; {UNDECIDED}: set "
                           f"`date_format: M/D` (or `D/M`) in params/<year>.yaml, or `validate --date-format M/D`",
                 "error")
        if f.two_digit_year:
            note(f.two_digit_year, f"two-digit years read as 20YY ({f.two_digit_year!r}); dates outside "
                                   f"{PLAUSIBLE[0]:%Y} to {PLAUSIBLE[1]:%Y} are errors")
        if day_first or f.two_digit_year:
            texts[name] = rewritten(raw[name], day_first, bool(f.two_digit_year))
    return texts, problems


def _parse(raw: pd.DataFrame, table: Table,
           date_format: DateFormat | None = None) -> tuple[pd.DataFrame, list[pd.DataFrame], pd.Series]:
    """Parse every column; return the typed frame, the problems and the rows to leave out.

    The text of each column of datetimes is let go from `raw` once read and checked (nothing after needs it:
    the schema has no check on them): in a large export it is a third of the memory.
    """
    typed = {}  # columns gathered first: a frame grown column by column copies its blocks as it goes
    texts, problems = _date_texts(raw, table, date_format)
    drop, times = pd.Series(False, index=raw.index), _CallTimes(table, len(raw))
    for column in table.columns:
        values, found, bad = _parse_one(raw, table, column, texts.pop(column.name, None))
        problems += found
        if column.required:
            blank = values.isna() & ~bad
            if blank.any():
                problems.append(problems_at(table.name, raw.loc[blank, LINE], column.name, "",
                                            "required value is blank; row left out"))
            drop |= bad | blank
        typed[column.name] = values
        problems += times.see(column.name, values, raw)
        if column.kind == "datetime":
            del raw[column.name]
    times.blank(typed)
    typed[LINE] = raw[LINE]
    return pd.DataFrame(typed, index=raw.index, copy=False), problems, drop


def _schema_failures(typed: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Run the pandera schema lazily and return its failure cases (empty when none)."""
    from pandera.errors import SchemaErrors

    try:
        schema(table).validate(typed, lazy=True, inplace=True)  # no copy of a large table (nothing is coerced)
    except SchemaErrors as exc:
        return exc.failure_cases
    return pd.DataFrame(columns=["column", "check", "failure_case", "index"])


def _apply_failures(typed: pd.DataFrame, raw: pd.DataFrame, table: Table,
                    failures: pd.DataFrame) -> tuple[list[pd.DataFrame], pd.Series]:
    """Turn pandera failures into log rows; blank bad optional values, mark rows to leave out."""
    outside = failures["index"].isna() | ~failures["column"].isin(table.names)
    if outside.any():
        raise AssertionError(f"schema failure outside the data: {failures[outside].iloc[0].to_dict()}")
    problems, drop = [], pd.Series(False, index=typed.index)
    for (name, check), cases in failures.groupby(["column", "check"], sort=False):
        column = table.column(name)
        rows, text = pd.Index(cases["index"].astype("int64").unique()), f"{check}; {_outcome(column)}"
        if column.required:
            drop[rows] = True
        else:
            typed.loc[rows, name] = pd.NA
        problems.append(problems_at(table.name, raw.loc[rows, LINE], name, raw.loc[rows, name], text))
    return problems, drop


class _CallTimes:
    """A call's later times checked as each is parsed (`ORDERED_TIMES`): one out of order, or over a day after the
    call, is logged with its text, and that call's later times are read as blank at the end (`blank`).

    So an impossible time (arrival before dispatch before the call) never reaches a median; and checked as
    they are parsed, the times' text need not be kept for the log once each is read.
    """

    def __init__(self, table: Table, rows: int) -> None:
        self.table = table.name
        self.first, self.later = ORDERED_TIMES.get(table.name, ("", ()))
        order = [c.name for c in table.columns if c.name in (self.first, *self.later)]
        if order and order != [self.first, *self.later]:
            raise AssertionError(f"{table.name}'s times are not in their order in the contract: {order}")
        self.latest, self.latest_at = np.full(rows, np.datetime64("NaT"), "datetime64[us]"), np.zeros(rows, np.int8)
        self.called, self.bad = self.latest, np.zeros(rows, bool)

    def see(self, name: str, values: pd.Series, raw: pd.DataFrame) -> list[pd.DataFrame]:
        """Check one parsed column of times against those before it; return its log rows."""
        if name == self.first:
            self.called = self.latest = values.to_numpy()
            return []
        if name not in self.later:
            return []
        when = values.to_numpy()
        outcome, problems = "the call's response times read as blank", []
        early = ~np.isnat(when) & ~np.isnat(self.latest) & (when < self.latest)
        late = ~np.isnat(when) & ~early & (when - self.called > LONGEST_CALL.to_timedelta64())
        if early.any():
            before = np.array([self.first, *self.later])[self.latest_at[early]]
            problems.append(problems_at(self.table, raw.loc[early, LINE], name, raw.loc[early, name],
                                        "before " + pd.Series(before, index=raw.index[early]) + f"; {outcome}"))
        if late.any():
            problems.append(problems_at(self.table, raw.loc[late, LINE], name, raw.loc[late, name],
                                        f"more than a day after {self.first}; {outcome}"))
        self.bad |= early | late
        given = ~np.isnat(when)
        at = np.int8(self.later.index(name) + 1)
        self.latest, self.latest_at = np.where(given, when, self.latest), np.where(given, at, self.latest_at)
        return problems

    def blank(self, typed: dict[str, pd.Series]) -> None:
        """Read the later times of every call found impossible as blank."""
        for name in self.later if self.bad.any() else ():
            typed[name] = typed[name].mask(self.bad)


def _duplicates(typed: pd.DataFrame, raw: pd.DataFrame, table: Table) -> tuple[list[pd.DataFrame], pd.Series]:
    """Return a problem for each row repeating an earlier row's unique ID, and those rows to leave out.

    Checked here, not by pandera: its failure cases are a frame of Python objects, one row per copy, which for an
    export of millions of repeated rows took gigabytes.
    """
    problems, drop = [], pd.Series(False, index=typed.index)
    for column in (c for c in table.columns if c.unique):
        if _all_distinct(typed[column.name]) is True:
            continue
        rows, text = _repeats(typed[column.name], raw[LINE])
        drop[rows] = True
        problems.append(problems_at(table.name, raw.loc[rows, LINE], column.name, raw.loc[rows, column.name], text))
    return problems, drop


def _repeats(values: pd.Series, lines: pd.Series) -> tuple[pd.Index, pd.Series]:
    """Return the rows repeating an earlier row's value, and for each the rule naming that row's line.

    >>> ids = pd.Series(["a", "b", "a", None, None, "a"], name="id")
    >>> rows, rule = _repeats(ids, pd.Series([2, 3, 4, 5, 6, 7]))
    >>> list(rows), rule[0]
    ([2, 5], 'duplicate id; must be unique (first on line 2); row left out')
    """
    codes, _ = pd.factorize(values)  # codes are numbered in order of first appearance; blank is -1
    seen_before = np.maximum.accumulate(np.concatenate([[-1], codes[:-1]]))
    first = codes > seen_before  # a first appearance is the first code larger than all before it
    first_line = lines.to_numpy()[first]  # indexed by code
    repeat = (codes >= 0) & ~first
    firsts, which = np.unique(first_line[codes[repeat]], return_inverse=True)  # one text a first line, not a row
    rule = pd.Categorical.from_codes(which, [f"duplicate {values.name}; must be unique (first on line {line}); "
                                             "row left out" for line in firsts])
    return values.index[repeat], pd.Series(rule)


def clean_table(raw: RawTable, date_format: DateFormat | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the table's good rows, typed, and every problem found in it (`date_format`: how its dates with slashes
    are written, where the data cannot tell).

    It uses the raw table up: the text of its datetime columns is let go as they are parsed.
    """
    if not raw.readable:
        return schema_frame(raw.table), raw.problems
    typed, parsed, drop = _parse(raw.frame, raw.table, date_format)
    failures = _schema_failures(typed, raw.table)
    checked, drop_more = _apply_failures(typed, raw.frame, raw.table, failures)
    repeated, drop_repeats = _duplicates(typed, raw.frame, raw.table)
    keep = ~(drop | drop_more | drop_repeats)
    clean = (typed if keep.all() else typed[keep]).reset_index(drop=True)  # no copy of a clean export
    return clean, combine([raw.problems, *parsed, *checked, *repeated])


def schema_frame(table: Table) -> pd.DataFrame:
    """Return an empty frame with the table's typed columns."""
    frame = pd.DataFrame({c.name: pd.Series(dtype=DTYPES[c.kind]) for c in table.columns})
    frame[LINE] = pd.Series(dtype="int64")
    return frame


def id_hint(unknown: pd.Series, known: pd.Series) -> str:
    """Return what to do about IDs that are not in the registry; names lost leading zeros where that is the cause.

    >>> id_hint(pd.Series(["7", "14"]), pd.Series(["0007", "0014"]))[:65]
    "They look like IDs that lost their leading zeros ('7' for '0007')"
    """
    by_digits = {k.lstrip("0"): k for k in known.dropna()}
    stripped = unknown.dropna().str.lstrip("0")
    lost = stripped.isin(by_digits) & ~unknown.dropna().isin(known)
    if len(lost) and lost.mean() > 0.5:
        example = unknown.dropna()[lost].iloc[0]
        return (f"They look like IDs that lost their leading zeros ({example!r} for "
                f"{by_digits[example.lstrip('0')]!r}), as Excel does when it reads an ID column as numbers: "
                "export the table again as CSV from the source system, or format the column as Text before "
                "saving the workbook, so that every ID keeps its zeros.")
    return "Check that this table and schools come from the same school registry."
