"""Reading one table file as text: encoding, malformed rows, column names, person identifiers."""

from __future__ import annotations

import codecs
import datetime as dt
import difflib
import hashlib
import io
import math
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc
import pyarrow.csv

from sro_reporting.reading import pseudonym
from sro_reporting.reading.quality import combine, problem, problems_at, problems_frame
from sro_reporting.reading.sources import SNIFF, file_kind
from sro_reporting.reading.tables import PERSON_IDENTIFYING, Table
from sro_reporting.reading.workbook import read_first_sheet

LINE = "_line"  # spreadsheet row number of each record (header = 1)
BLOCK = 1 << 23  # bytes of CSV Arrow parses at a time: chunks of about 50,000 rows, which the parsers take as they are
_BLANK = re.compile(rb"(\xef\xbb\xbf)?\s*")  # what an empty file may hold
_SKIPPED = re.compile(r"Skipping line (\d+): expected (\d+) fields, saw (\d+)")
MAX_WHOLE = 512 << 20  # bytes of a file read whole (a workbook, or a CSV that is not UTF-8 or has a ragged row)
REFUSED = {
    "xls": "an old Excel workbook (.xls), not a CSV or .xlsx file; save it as .xlsx or CSV (UTF-8)",
    "binary": "not a CSV or workbook: its first bytes hold NUL characters (a binary or damaged file)",
}


@dataclass(frozen=True)
class RawTable:
    """A table read as text, one column per contract column found, and what reading it found."""

    table: Table
    path: Path | None
    frame: pd.DataFrame
    problems: pd.DataFrame
    readable: bool = True
    sha256: str = ""  # of the bytes parsed: the caller checks they are the bytes it hashed before


def normalize_name(name: object) -> str:
    """Return a header as the contract compares it: trimmed, lower case, spaces/hyphens/slashes as `_`."""
    return re.sub(r"[\s\-/]+", "_", str(name).strip().lower())


def _is_utf8(data: bytes) -> bool:
    """Return whether bytes are valid UTF-8, checked a megabyte at a time (no copy of a large file)."""
    decoder, view = codecs.getincrementaldecoder("utf-8")(), memoryview(data)
    try:
        for start in range(0, len(data), 1 << 20):
            decoder.decode(view[start:start + (1 << 20)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _utf8(data: bytes) -> tuple[bytes, str | None]:
    """Return a file's bytes as UTF-8 with `\\n` line endings and, when it was not UTF-8, its encoding."""
    data, encoding = data.removeprefix(codecs.BOM_UTF8), None
    if not _is_utf8(data):
        data, encoding = data.decode("cp1252", errors="replace").encode(), "cp1252"
    # One line ending for the parser: a bare carriage return (old Mac files, or inside a quoted
    # field) would otherwise start a record of its own.
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return data, encoding


def _head(path: Path) -> bytes:
    """Return a file's first bytes."""
    with path.open("rb") as fh:
        return fh.read(SNIFF)


def _whole(path: Path) -> bytes:
    """Return a file's bytes; ValueError where it is too large to read whole."""
    size = path.stat().st_size
    if size > MAX_WHOLE:
        raise ValueError(f"file of {size:,} bytes is too large to read whole (at most {MAX_WHOLE:,}); "
                         "save it as CSV in UTF-8 without ragged rows, which is read as it streams")
    return path.read_bytes()


def _lines_after_skips(n_rows: int, skipped: list[int]) -> np.ndarray:
    """Return each kept record's spreadsheet row, given the rows the parser skipped."""
    lines = np.arange(n_rows, dtype=np.int64) + 2
    for s in sorted(skipped):
        lines[lines >= s] += 1
    return lines


class _Hashing(io.RawIOBase):
    """A file read through once: the sha256 of the bytes read, and whether one was a carriage return."""

    def __init__(self, raw: io.BufferedReader) -> None:
        super().__init__()
        self.raw, self.digest, self.carriage_return = raw, hashlib.sha256(), False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self.raw.readinto(buffer)
        chunk = memoryview(buffer)[:count]
        self.digest.update(chunk)
        self.carriage_return = self.carriage_return or b"\r" in chunk.tobytes()
        return count


def _read_with_arrow(source, names: list[str]) -> pd.DataFrame:
    """Read a CSV (bytes, or a file) as text columns with Arrow, every cell as written: the fast path, several
    times quicker than the exact one on a large export; it stops at the first ragged row or bad UTF-8."""
    options = pyarrow.csv.ConvertOptions(column_types=dict.fromkeys(names, pyarrow.large_string()),
                                         strings_can_be_null=False)
    table = pyarrow.csv.read_csv(source, pyarrow.csv.ReadOptions(block_size=BLOCK), convert_options=options)
    return pd.DataFrame({label: pd.Series(pd.arrays.ArrowStringArray(table.column(i)), dtype="str", copy=False)
                         for i, label in enumerate(_header(names, list(range(len(names)))))})


def _newlines(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the frame with line breaks inside values written `\\n`, as the exact path reads them."""
    for column in frame.columns:
        cells = pyarrow.chunked_array(pyarrow.array(frame[column].array))
        if pc.any(pc.match_substring(cells, "\r")).as_py():
            fixed = pc.replace_substring_regex(cells, pattern="\r\n?", replacement="\n")
            frame[column] = pd.Series(pd.arrays.ArrowStringArray(fixed), index=frame.index, dtype="str")
    return frame


def _stream_csv(path: Path) -> tuple[pd.DataFrame, str] | None:
    """Read a UTF-8 CSV file with Arrow as it streams from disk, hashing its bytes on the way (the whole file is
    never in memory); return the frame and the sha256, or None where the exact path must read it."""
    try:
        names = pyarrow.csv.open_csv(str(path)).schema.names  # the header, off the first block
        with path.open("rb") as fh:
            reader = _Hashing(fh)
            frame = _read_with_arrow(pyarrow.PythonFile(reader, mode="r"), names)
            reader.read()  # to the end: the hash is of the whole file
    except pyarrow.ArrowInvalid:
        return None  # not UTF-8, ragged or empty: the exact path tells which
    frame = _newlines(frame) if reader.carriage_return else frame
    frame[LINE] = np.arange(len(frame), dtype=np.int64) + 2
    return frame, reader.digest.hexdigest()


def _read_csv(data: bytes, path: Path, name: str, kind: str = "text") -> tuple[pd.DataFrame, list[dict]]:
    """Read a CSV's bytes as text; ragged long rows are reported and left out."""
    problems = []
    if kind.startswith("utf-16"):
        data = data.decode("utf-16" if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else kind,
                           errors="replace").encode()
        problems.append(problem(name, None, "", path.name, "file is UTF-16 (as Excel's Unicode text); read as such",
                                "info"))
    data, encoding = _utf8(data)
    if encoding:
        problems.append(problem(name, None, "", path.name,
                                "file is not UTF-8; read as Windows-1252 (cp1252)", "warning"))
    try:
        buffer = pyarrow.py_buffer(data)
        frame = _read_with_arrow(buffer, pyarrow.csv.open_csv(buffer).schema.names)
        frame[LINE] = np.arange(len(frame), dtype=np.int64) + 2
        return frame, problems
    except pyarrow.ArrowInvalid:
        pass  # the exact path below names every ragged row by its line (or finds the file empty)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = pd.read_csv(io.BytesIO(data), encoding="utf-8", dtype=str, keep_default_na=False,
                            on_bad_lines="warn", skip_blank_lines=True)
    skipped = []
    for w in caught:
        for line, expected, saw in _SKIPPED.findall(str(w.message)):
            skipped.append(int(line))
            problems.append(problem(
                name, int(line), "", "",
                f"row has {saw} fields but the header has {expected}; row left out"))
    frame[LINE] = _lines_after_skips(len(frame), skipped)
    return frame, problems


def cell_text(value: object) -> str:
    """Return a workbook cell as the text a CSV export would hold (whole numbers without `.0`, times to the second).

    >>> [cell_text(v) for v in [None, "0007", 3.0, 2.5, True, dt.date(2025, 9, 2), dt.time(7, 30)]]
    ['', '0007', '3', '2.5', 'True', '2025-09-02 00:00:00', '07:30:00']
    >>> cell_text(dt.datetime(2025, 9, 2, 8, 4, 59, 999_999))
    '2025-09-02 08:05:00'
    """
    if value is None or isinstance(value, str):
        return value or ""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.time) and value.microsecond:  # a float day fraction, off by a hair
        base = dt.datetime.combine(dt.date(2000, 1, 1), value) if isinstance(value, dt.time) else value
        base = (base + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
        value = base.time() if isinstance(value, dt.time) else base
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    return str(value)


def _texts(column: tuple) -> np.ndarray:
    """Return a column of workbook cells as text (a column of text as it is)."""
    if set(map(type, column)) == {str}:
        return np.array(column, dtype=object)
    return np.array(list(map(cell_text, column)), dtype=object)


def _header(cells: list[str], indexes: list[int]) -> list[str]:
    """Return column names as pandas would give them: blank as `Unnamed: N`, repeats with `.1`, `.2`."""
    names, seen = [], {}
    for text, index in zip(cells, indexes):
        name = text or f"Unnamed: {index}"
        count = seen.get(name, 0)
        seen[name] = count + 1
        names.append(f"{name}.{count}" if count else name)
    return names


def _read_xlsx(data: bytes) -> pd.DataFrame:
    """Read the first sheet of a workbook as text; each record's line is its row in the sheet."""
    sheet = read_first_sheet(data)
    width = len(sheet.column_indexes)
    rows = sheet.rows if {len(r) for r in sheet.rows} <= {width} else [r + [None] * (width - len(r)) for r in sheet.rows]
    columns = [_texts(column) for column in zip(*rows)]
    filled = np.zeros(len(sheet.rows), dtype=bool)
    for column in columns:
        filled |= column != ""
    at = np.flatnonzero(filled)
    if not len(at):
        raise pd.errors.EmptyDataError("no header row")
    lines = np.asarray(sheet.row_numbers, dtype=np.int64)
    used = [i for i, c in enumerate(columns) if c[at[0]] != "" or (c[at[1:]] != "").any()]
    names = _header([columns[i][at[0]] for i in used], [sheet.column_indexes[i] for i in used])
    frame = pd.DataFrame({name: pd.array(columns[i][at[1:]], dtype="str") for name, i in zip(names, used)})
    frame[LINE] = lines[at[1:]]
    return frame


def _known_names(table: Table) -> set[str]:
    """Return every header name the table knows: its columns, their aliases, and the person columns it drops."""
    return set(table.names) | set(table.aliases) | PERSON_IDENTIFYING


def _headerless(frame: pd.DataFrame, table: Table) -> bool:
    """Return whether no header on line 1 is a name the table knows: line 1 is then a record, not a header."""
    return not any(normalize_name(c) in _known_names(table) for c in frame.columns if c != LINE)


def probable_column(name: str, missing: list[str]) -> str | None:
    """Return the missing contract column a header most likely meant (`School` for `school_id`), if any.

    >>> probable_column("school", ["school_id", "district"]), probable_column("notes", ["school_id"])
    ('school_id', None)
    """
    prefixed = [m for m in missing if m.startswith(name + "_") or name.startswith(m + "_")]
    close = difflib.get_close_matches(name, missing, n=1, cutoff=0.8)
    return (prefixed or close or [None])[0]


def _rename(frame: pd.DataFrame, table: Table) -> tuple[pd.DataFrame, list[dict]]:
    """Map headers to contract names, drop person-identifying and extra columns; name a likely misnamed column."""
    problems, keep, extra = [], {}, []
    wanted = set(table.names)
    for original in frame.columns:
        if original == LINE:
            continue
        name = normalize_name(original)
        if name in pseudonym.IDENTIFIERS and pseudonym.COLUMN in wanted and pseudonym.COLUMN not in keep.values():
            keep[original] = pseudonym.COLUMN
            problems.append(problem(table.name, 1, str(original), "",
                                    "person identifier replaced on read by a keyed hash (person_key)", "info"))
            continue
        if name in PERSON_IDENTIFYING or name in pseudonym.IDENTIFIERS:
            problems.append(problem(table.name, 1, str(original), "",
                                    "person-identifying column dropped on read", "info"))
            continue
        canonical = name if name in wanted else table.aliases.get(name)
        if canonical is None:
            extra.append(original)
        elif canonical in keep.values() and name != canonical:
            problems.append(problem(table.name, 1, str(original), "",
                                    f"alias of `{canonical}`, which is present; ignored", "info"))
        elif canonical in keep.values():
            problems.append(problem(table.name, 1, str(original), "",
                                    "duplicate column; the first one is used", "warning"))
        else:
            keep[original] = canonical
    missing = [c for c in table.names if c not in keep.values()]
    for original in extra:
        meant = probable_column(normalize_name(original), missing)
        problems.append(problem(table.name, 1, str(original), "", "column not in the data contract; ignored", "info")
                        if meant is None else
                        problem(table.name, 1, str(original), "", f"column not in the data contract, probably meant as "
                                f"`{meant}` (which is missing): rename the header to {meant} to use it; ignored",
                                "warning"))
    out = frame[[*keep, LINE]].rename(columns=keep)
    if pseudonym.COLUMN in out.columns:  # the raw identifier goes no further than this line
        out[pseudonym.COLUMN] = pseudonym.keyed(out[pseudonym.COLUMN], pseudonym.secret())
    return out, problems


def _missing_columns(frame: pd.DataFrame, table: Table) -> list[dict]:
    """Return one error per required column that the file lacks, naming what it has."""
    found = [c for c in frame.columns if c != LINE]
    return [
        problem(table.name, 1, col.name, "",
                f"required column missing (expected {col.name!r}; found: {', '.join(found) or 'none'})")
        for col in table.columns if col.required and col.name not in frame.columns
    ]


def _read_file(path: Path, table: Table, data: bytes | None) -> tuple[pd.DataFrame, list[dict], str]:
    """Read a table file (or its bytes) as text, of the kind its content says (not its name); return it, its
    problems and the sha256 of the bytes read."""
    kind = file_kind(data[:SNIFF] if data is not None else _head(path))
    if kind in REFUSED:
        raise ValueError(REFUSED[kind])
    named = "xlsx" if path.suffix.lower() == ".xlsx" else "csv"
    problems = []
    if (kind == "xlsx") != (named == "xlsx"):
        problems.append(problem(table.name, None, "", path.name,
                                f"file is {'a workbook (.xlsx)' if kind == 'xlsx' else 'text (CSV)'} though named "
                                f".{named}; read as {'a workbook' if kind == 'xlsx' else 'CSV'}", "warning"))
    streamed = _stream_csv(path) if data is None and kind == "text" else None
    if streamed is not None:
        frame, sha256 = streamed
        return frame, problems, sha256
    data = _whole(path) if data is None else data
    if kind == "xlsx":
        frame = _read_xlsx(data)
    else:
        frame, found = _read_csv(data, path, table.name, kind)
        problems += found
    return frame, problems, hashlib.sha256(data).hexdigest()


def _blank_rows(frame: pd.DataFrame, table: Table) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Leave out rows with every cell empty (the `,,,,` rows a spreadsheet saves below its data), one `info` each."""
    filled = np.zeros(len(frame), dtype=bool)
    for column in frame.columns:
        if column != LINE:
            filled |= pc.fill_null(pc.greater(pc.binary_length(pyarrow.array(frame[column].array)), 0),
                                   False).to_numpy(zero_copy_only=False)
    if filled.all():
        return frame, problems_frame()
    found = problems_at(table.name, frame.loc[~filled, LINE], "", "", "blank row (every cell empty); left out", "info")
    return frame[filled].reset_index(drop=True), found


def read_table(path: Path, table: Table, data: bytes | None = None) -> RawTable:
    """Read one table file (or its bytes, read already) as text with its spreadsheet line numbers and problems."""
    try:
        frame, problems, sha256 = _read_file(path, table, data)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, OSError) as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if isinstance(exc, pd.errors.EmptyDataError):
            size = len(data) if data is not None else path.stat().st_size
            head = data[:SNIFF] if data is not None else _head(path)
            message = "file is empty (no header row)" if size <= SNIFF and _BLANK.fullmatch(head) \
                else f"no header row in its {size:,} bytes"
        found = problems_frame([problem(table.name, None, "", path.name,
                                        f"file cannot be read: {message}")])
        return RawTable(table, path, pd.DataFrame(columns=[*table.names, LINE]), found, False)
    if _headerless(frame, table):
        found = problems_frame([*problems, problem(
            table.name, 1, "", "", "no header row: no name on line 1 is a column of the data contract, so line 1 "
            f"looks like a record (its values are not shown here); add the header row ({', '.join(table.names)})")])
        return RawTable(table, path, pd.DataFrame(columns=[*table.names, LINE]), found, False, sha256)
    frame, blank = _blank_rows(frame, table)
    frame, renamed = _rename(frame, table)
    missing = _missing_columns(frame, table)
    for col in table.names:
        if col not in frame.columns:
            frame[col] = ""
    frame = frame[[*table.names, LINE]]
    return RawTable(table, path, frame, combine([problems_frame(problems + renamed + missing), blank]), not missing,
                    sha256)
