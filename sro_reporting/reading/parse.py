"""Turning text cells into typed values: one parser per column kind, each naming its rule."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

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
# The shapes exports write most, read straight from the text's bytes (`fixed_width_datetimes`):
# ISO with seconds or without, and the city feed's `02/06/2023 03:59:34 PM`. Each maps a field to
# its first byte; `sep` to the bytes that must be there.
FIXED_SHAPES = (
    {"width": 19, "year": 0, "month": 5, "day": 8, "hour": 11, "minute": 14, "second": 17,
     "sep": {4: b"-", 7: b"-", 10: b" T", 13: b":", 16: b":"}},
    {"width": 16, "year": 0, "month": 5, "day": 8, "hour": 11, "minute": 14,
     "sep": {4: b"-", 7: b"-", 10: b" T", 13: b":"}},
    {"width": 22, "year": 6, "month": 0, "day": 3, "hour": 11, "minute": 14, "second": 17, "ampm": 20,
     "sep": {2: b"/", 5: b"/", 10: b" ", 13: b":", 16: b":", 19: b" ", 21: b"Mm"}},
)
CHUNK = 1 << 16  # cells read at once
SURE_YEARS = (1900, 2100)  # outside them the exact path decides (year 0, 9999: what pandas can hold)
DateFormat = Literal["M/D", "D/M"]
SLASHED = r"^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?:\D|$)"  # a date written with slashes, at a cell's start
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


@dataclass(frozen=True)
class Slashed:
    """How a column writes its dates with slashes: which order its values allow, and an example of each finding."""

    day_first: str = ""  # a value that can only be day first (`13/07/2025`), if any
    month_first: str = ""  # a value that can only be month first (`07/13/2025`), if any
    either: str = ""  # a value that reads as two different days either way (`03/07/2025`), if any
    two_digit_year: str = ""  # a value with a two-digit year (`08/18/25`), if any

    @property
    def order(self) -> DateFormat | Literal["both", "either", ""]:
        """Return the order the values show: M/D, D/M, both (they disagree), either (none tells) or "" (none)."""
        if self.day_first and self.month_first:
            return "both"
        return "D/M" if self.day_first else "M/D" if self.month_first else "either" if self.either else ""


def slashed(text: pd.Series) -> Slashed:
    """Return how a column's dates with slashes are written, from its distinct first ten characters.

    >>> slashed(pd.Series(["13/07/2025", "03/07/2025 8:00", "2025-01-01"])).order
    'D/M'
    >>> slashed(pd.Series(["08/18/25"]))
    Slashed(day_first='', month_first='08/18/25', either='', two_digit_year='08/18/25')
    """
    heads = pd.Series(pd.unique(text.dropna().astype("str").str.slice(0, 10)), dtype="str")
    parts = heads.str.extract(SLASHED).dropna()
    if parts.empty:
        return Slashed()
    first, second = parts[0].astype(int), parts[1].astype(int)
    values = heads[parts.index]

    def example(mask: pd.Series) -> str:
        return str(values[mask].iloc[0]) if mask.any() else ""

    return Slashed(example((first > 12) & (second <= 12)), example((second > 12) & (first <= 12)),
                   example((first <= 12) & (second <= 12) & (first != second)), example(parts[2].str.len() == 2))


def rewritten(text: pd.Series, day_first: bool, two_digit_year: bool) -> pd.Series:
    """Return dates with slashes rewritten month first with four-digit years (`13/07/25` day first: `07/13/2025`).

    >>> rewritten(pd.Series(["13/07/25 8:00", "2025-01-02"]), True, True).tolist()
    ['07/13/2025 8:00', '2025-01-02']
    """
    cells = pa.array(text.astype("str").array)
    if day_first:
        cells = pc.replace_substring_regex(cells, pattern=r"^(\d{1,2})/(\d{1,2})/", replacement=r"\2/\1/")
    if two_digit_year:  # 20YY: every record of the program is from this century (a span check catches the rest)
        cells = pc.replace_substring_regex(cells, pattern=r"^(\d{1,2}/\d{1,2}/)(\d{2})(\D|$)",
                                           replacement=r"\120\2\3")  # RE2: `\1`, then 20
    return pd.Series(pd.arrays.ArrowStringArray(cells), index=text.index, dtype="str")


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


def text_bytes(cells: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Return a text array's offsets (one per cell and one past the last) and the bytes they index, uncopied."""
    offsets_type = np.int64 if pa.types.is_large_string(cells.type) else np.int32
    if not len(cells):
        return np.zeros(1, offsets_type), np.zeros(0, np.uint8)
    offsets = np.frombuffer(cells.buffers()[1], dtype=offsets_type)[cells.offset:cells.offset + len(cells) + 1]
    data = cells.buffers()[2]
    return offsets, np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)


def cell_bytes(cells: pa.Array) -> np.ndarray:
    """Return the bytes of a text array's cells, end to end (none of its buffer's others)."""
    offsets, data = text_bytes(cells)
    return data[offsets[0]:offsets[-1]]


def _byte_columns(cells: pa.Array, rows: np.ndarray, width: int) -> list[np.ndarray]:
    """Return, for the given rows of a text array, one array per byte position (each cell `width` bytes)."""
    offsets, data = text_bytes(cells)
    first, end = int(offsets[rows[0]]), int(offsets[rows[-1] + 1])
    if end - first == width * len(rows):  # end to end (the blanks between take no bytes): a view, not a copy
        view = data[first:end].reshape(-1, width)
        return [view[:, i] for i in range(width)]
    starts = offsets[rows].astype(np.int64)
    return [data[starts + i] for i in range(width)]


def _number(columns: list[np.ndarray], first: int, digits: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the number written in `digits` bytes from `first`, and whether they are all digits."""
    value, ok = np.zeros(len(columns[0]), np.int32), np.ones(len(columns[0]), bool)
    for i in range(first, first + digits):
        digit = columns[i] - np.uint8(ord("0"))  # below "0" wraps round to over 9
        ok &= digit <= 9
        value = value * 10 + digit
    return value, ok


def _any_of(column: np.ndarray, allowed: bytes) -> np.ndarray:
    """Return which bytes are one of `allowed`."""
    return np.logical_or.reduce([column == b for b in allowed])


def _read_shape(columns: list[np.ndarray], shape: dict) -> tuple[np.ndarray, np.ndarray]:
    """Return which cells are surely of `shape` with every part in range, and their values."""
    year, ok = _number(columns, shape["year"], 4)
    parts = {}
    for name in ("month", "day", "hour", "minute", "second"):
        parts[name], fine = _number(columns, shape[name], 2) if name in shape else (np.zeros_like(year), True)
        ok &= fine
    for at, allowed in shape["sep"].items():
        ok &= _any_of(columns[at], allowed)
    hour = parts["hour"]
    if "ampm" in shape:
        marker = columns[shape["ampm"]] | 0x20  # lower case
        ok &= _any_of(marker, b"ap") & (hour >= 1) & (hour <= 12)
        hour = hour % 12 + np.where(marker == ord("p"), 12, 0)
    ok &= (year >= SURE_YEARS[0]) & (year <= SURE_YEARS[1]) & (parts["month"] >= 1) & (parts["month"] <= 12)
    ok &= (hour <= 23) & (parts["minute"] <= 59) & (parts["second"] <= 59) & (parts["day"] >= 1)
    month = ((year - 1970) * 12 + parts["month"] - 1).astype("datetime64[M]")
    ok &= parts["day"] <= ((month + 1).astype("datetime64[D]") - month.astype("datetime64[D]")).astype(np.int64)
    seconds = (hour * 60 + parts["minute"]) * 60 + parts["second"].astype(np.int64)
    values = month.astype("datetime64[D]") + (parts["day"] - 1).astype("timedelta64[D]")
    return ok, values.astype("datetime64[us]") + seconds.astype("timedelta64[s]")


def _fixed_width_chunk(cells: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Return which cells of one Arrow array are in one of `FIXED_SHAPES`, and their values."""
    found = np.zeros(len(cells), bool)
    values = np.full(len(cells), np.datetime64("NaT"), "datetime64[us]")
    lengths = pc.fill_null(pc.binary_length(cells), 0).to_numpy(zero_copy_only=False)
    for shape in FIXED_SHAPES:
        rows = np.flatnonzero(lengths == shape["width"])
        if len(rows):
            ok, read = _read_shape(_byte_columns(cells, rows, shape["width"]), shape)
            found[rows[ok]], values[rows[ok]] = True, read[ok]
    return found, values


def _blocks(cells: pa.Array | pa.ChunkedArray) -> Iterator[pa.Array]:
    """Yield the cells in arrays of `CHUNK / 2` to `CHUNK` cells (the last may be fewer), so the byte columns stay in
    the processor's cache and numpy's calls are few: a chunk of that size as it is, smaller ones joined (a copy, one
    block at a time), a larger one cut."""
    group, size = [], 0
    for chunk in cells.chunks if isinstance(cells, pa.ChunkedArray) else [cells]:
        for start in range(0, len(chunk), CHUNK):
            group.append(chunk.slice(start, CHUNK))
            size += len(group[-1])
            if size >= CHUNK // 2:
                yield _joined(group)
                group, size = [], 0
    if group:
        yield _joined(group)


def _joined(arrays: list[pa.Array]) -> pa.Array:
    return arrays[0] if len(arrays) == 1 else pa.concat_arrays(arrays)


def fixed_width_datetimes(cells: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """Return which cells are in one of `FIXED_SHAPES` with every part in range, and their values.

    A vectorized read of the text's bytes: a CAD export's four columns of 2.5 million datetimes
    take about a second, where the format-by-format path takes minutes. A cell it is not sure of
    (another shape, a part out of range, a year outside `SURE_YEARS`) is left for the exact path.

    >>> found, values = fixed_width_datetimes(pa.array(["02/06/2023 03:59:34 PM", "2026-02-30 10:00", None]))
    >>> found.tolist(), str(values[0])
    ([True, False, False], '2023-02-06T15:59:34.000000')
    """
    parts = [_fixed_width_chunk(block) for block in _blocks(cells)] \
        or [(np.zeros(0, bool), np.zeros(0, "datetime64[us]"))]
    return np.concatenate([f for f, _ in parts]), np.concatenate([v for _, v in parts])


def _padded(cells: pa.Array) -> pa.Array:
    """Return M/D/YYYY h:mm cells with one-digit month, day and hour padded (`9/2/2025 8:05`: `09/02/2025 08:05`)."""
    for pattern, replacement in ((r"^(\d)/", r"0\1/"), (r"^(\d\d)/(\d)/", r"\1/0\2/"), (r" (\d):", r" 0\1:")):
        cells = pc.replace_substring_regex(cells, pattern=pattern, replacement=replacement)
    return cells


def parse_datetime(text: pd.Series) -> Parsed:
    """Parse the contract's datetime forms, local time with no zone.

    The shapes exports write most are read by `fixed_width_datetimes`, the city's form with or
    without its leading zeros; the other cells take the format-by-format path, which reads what it
    can and leaves the rest for the log.
    """
    cells = pa.array(text.array)  # as pandas holds it (large_string): a cast would copy the column
    found, values = fixed_width_datetimes(cells)
    rest = np.flatnonzero(~found & text.notna().to_numpy())
    if len(rest):
        again, read = fixed_width_datetimes(_padded(cells.take(rest)))
        found[rest[again]], values[rest[again]] = True, read[again]
    values[~found] = _with_formats(text[~found], DATETIME_FORMATS).to_numpy()  # %p and T match in any case
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
    items = text.str.split(";").explode().astype("str").str.strip()  # a column blank throughout explodes to floats
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


ASCII_SPACE = np.zeros(256, bool)
ASCII_SPACE[[0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20]] = True  # as Arrow trims them
MAY_BE_SPACE = ASCII_SPACE | (np.arange(256) >= 0x80)  # a byte of a character that may be Unicode white space
MAY_BE_LOWER = (np.arange(256) >= ord("a")) & (np.arange(256) <= ord("z")) | (np.arange(256) >= 0x80)


def _changes(cells: pa.ChunkedArray, upper: bool) -> tuple[bool, bool, bool]:
    """Return whether tidying may trim a cell, may change a letter's case, and finds a blank, read off the
    bytes alone: a cell starting or ending with what may be white space, a byte that may be a lower-case letter."""
    trim = lower = blank = False
    for chunk in (c for c in cells.chunks if len(c)):
        offsets, data = text_bytes(chunk)
        filled = offsets[1:] > offsets[:-1]
        blank = blank or not filled.all()
        ends = np.concatenate([data[offsets[:-1][filled]], data[offsets[1:][filled] - 1]])
        trim = trim or bool(MAY_BE_SPACE[ends].any())
        lower = lower or (upper and bool(MAY_BE_LOWER[cell_bytes(chunk)].any()))
    return trim, lower, blank


def _blank_as_missing(cells: pa.Array) -> pa.Array:
    """Return text with the empty cells missing: a new validity bitmap over the same bytes, not a copy of them."""
    valid = pc.and_(pc.is_valid(cells), pc.not_equal(pc.binary_length(cells), 0))
    if cells.offset or valid.offset:  # a slice's bitmap would not line up with its bytes
        return pc.if_else(valid, cells, pa.scalar(None, cells.type))
    return pa.Array.from_buffers(cells.type, len(cells), [valid.buffers()[1], *cells.buffers()[1:]])


def _tidy(text: pd.Series, upper: bool) -> pd.Series:
    """Return cells trimmed, blank as missing, upper case where asked: the column itself where that changes nothing.

    A clean column of a large export then shares its memory with the text read, instead of a copy.
    """
    cells = pa.chunked_array(pa.array(text.array))  # as pandas holds it: no copy
    trim, lower, blank = _changes(cells, upper)
    tidy = cells
    for step in [*([pc.utf8_trim_whitespace] if trim else []), *([pc.utf8_upper] if lower else [])]:
        changed = step(tidy)
        if not pc.all(pc.fill_null(pc.equal(changed, tidy), True)).as_py():
            tidy = changed
    if (blank or trim) and pc.any(pc.equal(tidy, "")).as_py():
        tidy = pa.chunked_array([_blank_as_missing(chunk) for chunk in tidy.chunks], tidy.type)
    return text if tidy is cells else pd.Series(pd.arrays.ArrowStringArray(tidy), index=text.index, dtype="str")


def parse_column(text: pd.Series, column: Column) -> Parsed:
    """Parse one text column into its contract type; blank cells are missing."""
    text = _tidy(text.astype("str"), column.upper)
    if column.kind in ("str", "datetime"):  # nothing to parse, or pandas parses each distinct value once itself
        return _parse_kind(text, column)
    # Codes, flags and numbers repeat: a million priorities are seven values, each parsed once.
    codes, distinct = pd.factorize(text, use_na_sentinel=False)
    values, bad = _parse_kind(pd.Series(distinct, dtype="str"), column)
    return values.take(codes).set_axis(text.index), bad.take(codes).set_axis(text.index)
