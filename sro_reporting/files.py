"""Writing output files: whole or not at all, never through a symlink, CSV cells that stay text, safe names.

Every file a run writes goes through here. A file is written under a fresh random name in its
folder (created exclusively, so a planted link at that name is refused) and renamed over the
final name: a reader never sees half a file, and a symlink at the final name is replaced, not
followed.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

import pandas as pd

# OWASP CSV injection: a cell starting with these is a formula to Excel, LibreOffice and Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NAME_LENGTH = 80  # characters of a file or folder name made from an ID, before its hash


def write_bytes(path: Path, data: bytes) -> Path:
    """Write `data` to `path` atomically (temporary file in the same folder, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_text(path: Path, text: str) -> Path:
    """Write UTF-8 text to `path` atomically."""
    return write_bytes(path, text.encode())


def neutralize(value: object) -> object:
    """Return a text cell that a spreadsheet would run as a formula with a leading `'`; numbers as they are.

    >>> [neutralize(v) for v in ["=HYPERLINK(1)", "@SUM(A1)", "-3.5", "+cmd|' /C calc'!A0", "Alpha", 7]]
    ["'=HYPERLINK(1)", "'@SUM(A1)", '-3.5', "'+cmd|' /C calc'!A0", 'Alpha', 7]
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    try:
        float(value)
        return value  # a signed number written as text is a number, not a formula
    except ValueError:
        return "'" + value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return `frame` with every text cell and header neutralized (numeric columns untouched)."""
    text = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])
            and not pd.api.types.is_bool_dtype(frame[c])]
    out = frame.assign(**{str(c): frame[c].map(neutralize) for c in text}) if text else frame
    return out.rename(columns=lambda c: neutralize(c) if isinstance(c, str) else c)


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write a table as UTF-8 CSV atomically, its text cells safe to open in a spreadsheet."""
    return write_text(path, safe_frame(frame).to_csv(index=False, lineterminator="\n"))


def safe_name(text: str) -> str:
    """Return a file-name part made from an ID: unique per ID, lower case, at most ~90 characters.

    An ID that is already lower-case letters, digits and hyphens is used as it is; any other gets
    a short hash of the original, so `ab7` and `AB7`, or `X-1` and `X_1`, never share a name.

    >>> safe_name("0007"), safe_name("ab7"), safe_name("AB7"), safe_name("X_1")
    ('0007', 'ab7', 'ab7-96b231cd', 'x-1-97e232ca')
    """
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:NAME_LENGTH] or "id"
    if slug == text:
        return slug
    return f"{slug}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"


def report_stem(name: str, school_year: str, semester: str = "", entity: str = "") -> str:
    """Return the file stem of a report's outputs: kind, period and the entity's ID, never a name.

    >>> report_stem("school", "2025-26", "spring", "0007"), report_stem("annual", "2025-26")
    ('school-2025-26-spring-0007', 'annual-2025-26')
    """
    period = f"{school_year}-{semester}" if semester else school_year
    return "-".join(p for p in (name, period, safe_name(entity) if entity else "") if p)
