"""Find a school or an officer by what an analyst typed: an ID (leading zeros and case aside) or a name.

Used before any data are loaded (`sro-report run --school`, a notebook's `school_id`): only the small
`schools` or `officers` file is read. Where nothing matches, the message suggests the closest names,
each with its ID.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

from sro_reporting.reading.tables import TABLES

# What an entity option looks up: its table, its ID column, its name column, and what it is called.
KINDS = {"school": ("schools", "school_id", "school_name", "school"),
         "officer": ("officers", "officer_id", "display_name", "officer")}
SUGGESTIONS = 3


class LookupProblem(ValueError):
    """What an analyst typed names no school or officer; the message says which ones are closest."""


def _id_key(value: str) -> str:
    return value.strip().upper().lstrip("0") or "0"


def _name_key(value: str) -> str:
    return " ".join(value.casefold().split())


def match(typed: object, rows: Iterable[tuple[str, str]], kind: str = "school") -> str:
    """Return the ID of the one row (ID, name) that `typed` names; raise `LookupProblem` with the closest.

    >>> rows = [("0007", "Alpha High"), ("0014", "Beta K-8"), ("0140", "Beta Middle")]
    >>> match(14, rows), match("007", rows), match("alpha high", rows), match("Beta K-8", rows)
    ('0014', '0007', '0007', '0014')
    >>> match("Beta", rows)
    Traceback (most recent call last):
    ...
    sro_reporting.reading.lookup.LookupProblem: no school with the ID or name 'Beta'; did you mean Beta K-8 (0014), Beta Middle (0140)?
    """
    text = str(typed).strip()
    rows = [(str(i), str(n) if n is not None else "") for i, n in rows]
    for key, column in ((lambda v: v.strip(), 0), (_id_key, 0), (_name_key, 1)):
        found = {row[0] for row in rows if key(row[column]) == key(text)}
        if len(found) == 1:
            return found.pop()
    raise LookupProblem(f"no {kind} with the ID or name {text!r}; {_closest(text, rows)}")


def _closest(text: str, rows: list[tuple[str, str]]) -> str:
    """Return the suggestion: the closest names (each with its ID), or a few of those there are."""
    if not rows:
        return "there are none"
    labels = {(f"{n} ({i})" if n else i): (i, n) for i, n in rows}
    wanted = _name_key(text)

    def score(label: str) -> float:
        school_id, name = labels[label]
        by_name = max(difflib.SequenceMatcher(None, wanted, _name_key(name)).ratio(),
                      1.0 if wanted and wanted in _name_key(name) else 0.0) if name else 0.0
        return max(by_name, difflib.SequenceMatcher(None, _id_key(text), _id_key(school_id)).ratio())

    close = [label for label in sorted(labels, key=score, reverse=True)[:SUGGESTIONS] if score(label) >= 0.5]
    if close:
        return f"did you mean {', '.join(close)}?"
    return f"there are {len(rows)}, for example {', '.join(list(labels)[:SUGGESTIONS])}"


def roster(data_dir: Path, kind: str) -> list[tuple[str, str]]:
    """Return (ID, name) of every school or officer in a data folder, reading only that one small file."""
    from sro_reporting.reading.readers import read_table
    from sro_reporting.reading.sources import find_file

    table, id_column, name_column, _ = KINDS[kind]
    path = find_file(Path(data_dir), TABLES[table])
    if path is None:
        raise FileNotFoundError(f"no {table}.csv or {table}.xlsx in {data_dir}, to look up a {kind} in")
    frame = read_table(path, TABLES[table]).frame
    return list(zip(frame[id_column].astype(str), frame[name_column].fillna("").astype(str), strict=True))


def find(data_dir: Path, kind: str, typed: object) -> str:
    """Return the ID of the school or officer that `typed` names in a data folder (see `match`)."""
    return match(typed, roster(data_dir, kind), KINDS[kind][3])
