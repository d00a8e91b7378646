"""Turning text cells into typed values: one parser per column kind, each naming its rule."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sro_reporting.reading.tables import Column

Parsed = tuple[pd.Series, pd.Series]  # typed values, mask of cells that broke the rule

DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y")
DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M",
    "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M",
)
# The two shapes exports write most, read by Arrow in one vectorized pass: ISO with every part in
# range (the first four formats above), and the city's own `02/06/2023 03:59:34 PM`.
ISO_DATETIME = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[ T]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$"
CITY_DATETIME = r"^(0[1-9]|1[0-2])/(0[1-9]|[12]\d|3[01])/\d{4} (0[1-9]|1[0-2]):[0-5]\d:[0-5]\d [AP]M$"
CITY_FORMAT = "%m/%d/%Y %I:%M:%S %p"
TRUE = {"true", "yes", "y", "1", "1.0"}
FALSE = {"false", "no", "n", "0", "0.0"}

RULES = {
    "str": "text",
    "int": "not a whole number",
    "float": "not a number",
    "bool": "not a yes/no value (expected true/false, yes/no, y/n or 1/0)",
    "date": "not a date (expected YYYY-MM-DD or M/D/YYYY)",
    "datetime": "not a date and time (expected YYYY-MM-DD HH:MM[:SS] or M/D/YYYY H:MM[:SS] [AM|PM])",
    "time": "not a time of day (expected HH:MM)",
}


def _with_formats(text: pd.Series, formats: tuple[str, ...]) -> pd.Series:
    """Parse with each format in turn, each only on the cells still unparsed."""
    out = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[us]")
    todo = np.flatnonzero(text.notna().to_numpy())
    for fmt in formats:
        if not len(todo):
            break
        got = pd.to_datetime(text.iloc[todo], format=fmt, errors="coerce").astype("datetime64[us]").to_numpy()
        out[todo] = got
        todo = todo[np.isnat(got)]
    return pd.Series(out, index=text.index)


def parse_str(text: pd.Series) -> Parsed:
    """Keep text as written, trimmed; blank is missing."""
    return text, pd.Series(False, index=text.index)


def parse_int(text: pd.Series) -> Parsed:
    """Parse whole numbers (`3` or `3.0`); one too long to hold exactly is not a number here."""
    ok = text.isna() | text.str.fullmatch(r"[+-]?\d{1,15}(\.0*)?").fillna(False).astype(bool)
    values = pd.to_numeric(text.where(ok), errors="coerce")
    return values.round().astype("Int64"), ~ok


def parse_float(text: pd.Series) -> Parsed:
    """Parse decimal numbers; infinities and NaN spelled out are not numbers."""
    values = pd.to_numeric(text, errors="coerce").astype("Float64")
    bad = (values.isna() | ~np.isfinite(values.fillna(0).astype(float))) & text.notna()
    return values.where(~bad), bad


def parse_bool(text: pd.Series) -> Parsed:
    """Parse true/false, yes/no, y/n, 1/0 in any case; blank is unknown."""
    lower = text.str.lower()
    values = pd.Series(pd.NA, index=text.index, dtype="boolean")
    values[lower.isin(TRUE).fillna(False)] = True
    values[lower.isin(FALSE).fillna(False)] = False
    return values, values.isna() & text.notna()


def parse_date(text: pd.Series) -> Parsed:
    """Parse `YYYY-MM-DD` or `M/D/YYYY` (a workbook's midnight time is allowed)."""
    values = _with_formats(text.str.replace(r"[ T]00:00(:00)?$", "", regex=True), DATE_FORMATS)
    return values, values.isna() & text.notna()


def _matching(cells: pa.Array, shape: str) -> np.ndarray:
    """Return which cells match a regular expression."""
    return pc.fill_null(pc.match_substring_regex(cells, shape), False).to_numpy(zero_copy_only=False)


def _iso(cells: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Return the ISO-shaped cells and Arrow's strict reading of them (none if Arrow refuses one, e.g. Feb 30)."""
    shaped = _matching(cells, ISO_DATETIME)
    try:
        return shaped, pc.cast(cells.filter(shaped), pa.timestamp("us")).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:
        return np.zeros(len(cells), dtype=bool), np.array([], dtype="datetime64[us]")


def _city(cells: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Return the cells in the city's form that name a real day, and their values."""
    upper = pc.utf8_upper(cells)
    shaped = _matching(upper, CITY_DATETIME)
    text = upper.filter(shaped)
    read = pc.strptime(text, format=CITY_FORMAT, unit="us", error_is_null=True)
    # Arrow rolls a day past the month's end over (02/30 reads as March 2); the day must survive.
    day = pc.cast(pc.utf8_slice_codeunits(text, 3, 5), pa.int64())
    real = pc.fill_null(pc.equal(pc.day(read), day), False).to_numpy(zero_copy_only=False)
    shaped[np.flatnonzero(shaped)[~real]] = False
    return shaped, read.filter(pa.array(real)).to_numpy(zero_copy_only=False)


def parse_datetime(text: pd.Series) -> Parsed:
    """Parse the contract's datetime forms, local time with no zone.

    Cells in ISO form, and in the city's `02/06/2023 03:59:34 PM`, are read by Arrow in one pass,
    many times faster on a CAD export of a million calls; the others take the format-by-format path,
    which reads what it can and leaves the rest for the log. If Arrow refuses an ISO cell
    (February 30, year 0), every ISO cell takes that path.
    """
    cells = pa.array(text.array, pa.string())
    values = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[us]")
    done = np.zeros(len(text), dtype=bool)
    for reader in (_iso, _city):  # the two shapes never overlap
        found, read = reader(cells)
        values[found] = read
        done |= found
    values[~done] = _with_formats(text[~done], DATETIME_FORMATS).to_numpy()  # %p and T match in any case
    out = pd.Series(values, index=text.index)
    return out, out.isna() & text.notna()


def parse_time(text: pd.Series) -> Parsed:
    """Parse `HH:MM` (or `HH:MM:SS`) into a time since midnight."""
    parts = text.str.extract(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$").astype("Float64")
    ok = (parts[0] < 24) & (parts[1] < 60) & (parts[2].fillna(0) < 60)
    seconds = parts[0] * 3600 + parts[1] * 60 + parts[2].fillna(0)
    values = pd.to_timedelta(seconds.where(ok).astype(float), unit="s")
    return values, values.isna() & text.notna()


def parse_code(text: pd.Series, column: Column) -> Parsed:
    """Map code variants to the column's code set."""
    codes, invalid = column.codes.encode(text)
    if column.keep_blank:
        codes = codes.where(text.notna())
    return codes, invalid


def parse_codelist(text: pd.Series, column: Column) -> Parsed:
    """Map each `;`-separated item to the column's code set."""
    items = text.str.split(";").explode().str.strip()
    items = items[items.notna() & (items != "")]
    codes, invalid = column.codes.encode(items)
    joined = codes.groupby(level=0).agg(lambda s: ";".join(s.dropna()))
    bad = invalid.groupby(level=0).any().reindex(text.index, fill_value=False)
    return joined.reindex(text.index).astype("str"), bad


PARSERS: dict[str, Callable[[pd.Series], Parsed]] = {
    "str": parse_str, "int": parse_int, "float": parse_float, "bool": parse_bool,
    "date": parse_date, "datetime": parse_datetime, "time": parse_time,
}


def rule(column: Column) -> str:
    """Return the words for the rule a bad cell of this column broke."""
    if column.codes is not None:
        shown = ", ".join(column.codes.codes)
        return f"not a {column.codes.name} code (expected one of: {shown}, or a listed variant)"
    return RULES[column.kind]


def _parse_kind(text: pd.Series, column: Column) -> Parsed:
    """Parse text cells by the column's kind."""
    if column.kind == "code":
        return parse_code(text, column)
    if column.kind == "codelist":
        return parse_codelist(text, column)
    return PARSERS[column.kind](text)


def parse_column(text: pd.Series, column: Column) -> Parsed:
    """Parse one text column into its contract type; blank cells are missing."""
    text = text.astype("str").str.strip().replace("", np.nan)
    if column.upper:
        text = text.str.upper()
    if column.kind in ("str", "datetime"):  # nothing to parse, or pandas parses each distinct value once itself
        return _parse_kind(text, column)
    # Codes, flags and numbers repeat: a million priorities are seven values, each parsed once.
    codes, distinct = pd.factorize(text, use_na_sentinel=False)
    values, bad = _parse_kind(pd.Series(distinct, dtype="str"), column)
    return values.take(codes).set_axis(text.index), bad.take(codes).set_axis(text.index)
