"""One data set: every contract table read, checked and typed, the calls linked, and the problems.

`load(data_dir)` is the single way in, for report notebooks and analysts alike. It keeps a
cleaned snapshot keyed by the files' sha256 and the package version, so a second load of the
same folder (another cell, another notebook of the batch) costs a file read, not a re-check.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import pickle
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sro_reporting.linking.schools import link_calls
from sro_reporting.paths import cache_dir, demo_data_dir, resolve
from sro_reporting.reading.fingerprint import file_sha256, source_hash
from sro_reporting.reading.glyphs import missing_glyphs
from sro_reporting.reading.quality import combine, error_count, problem, problems_frame
from sro_reporting.reading.readers import LINE, find_file, read_table
from sro_reporting.reading.tables import TABLES
from sro_reporting.reading.validate import clean_table, id_hint, schema_frame

MAX_UNKNOWN_SHARE = 0.1  # a table whose given school_ids are more than this share unknown is an error
DATED = {"calls_for_service": "call_datetime", "enforcement": "action_datetime",
         "activities": "activity_date", "shifts": "shift_date", "use_of_force": "uof_datetime"}


SYNTHETIC_MARKER = "SYNTHETIC_DEMO_DATA.txt"  # written by the demo generator: the folder's data are invented


class MissingInputError(RuntimeError):
    """A report needs a table that the data folder lacks or that cannot be used."""


@dataclass(frozen=True)
class InputFile:
    """One input file as the manifest lists it."""

    table: str
    path: str
    sha256: str
    rows: int


@dataclass
class DataSet:
    """Every table of a data folder, typed and checked; `calls` carries each call's school link."""

    data_dir: Path
    tables: dict[str, pd.DataFrame]
    usable: dict[str, bool]
    files: list[InputFile]
    problems: pd.DataFrame = field(default_factory=problems_frame)
    synthetic: bool = False  # the folder holds SYNTHETIC_MARKER: reports say so on every page and in their title

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    @property
    def calls(self) -> pd.DataFrame:
        """Return the calls for service with `linked_school_id` and `link_type`."""
        return self.tables["calls_for_service"]

    @property
    def error_count(self) -> int:
        """Return how many problems are errors."""
        return error_count(self.problems)

    def without_tables(self) -> DataSet:
        """Return the data set's files and problems only: what a run's manifest needs, without the memory."""
        return dataclasses.replace(self, tables={}, usable={})

    def require(self, names: list[str] | tuple[str, ...], report: str) -> None:
        """Raise `MissingInputError` naming each table `report` needs that is missing or unusable."""
        missing = [n for n in names if not self.usable.get(n)]
        if missing:
            raise MissingInputError(
                f"report {report!r} needs table(s) {', '.join(missing)}, which are missing or "
                f"lack required columns in {self.data_dir} (see data_quality.csv)")

    def as_of(self) -> dt.date | None:
        """Return the date of the newest dated record: the data's as-of date."""
        days = [self.tables[t][c].max() for t, c in DATED.items() if len(self.tables[t])]
        days = [d for d in days if pd.notna(d)]
        return max(days).date() if days else None

    def school(self, school_id: str):
        """Return one school's row; a clear error names the IDs there are where it is not found."""
        return self._row("schools", "school_id", school_id)

    def officer(self, officer_id: str):
        """Return one officer's roster row."""
        return self._row("officers", "officer_id", officer_id)

    def _row(self, table: str, column: str, value: str):
        found = self.tables[table][self.tables[table][column] == value]
        if found.empty:
            known = ", ".join(self.tables[table][column].head(8))
            raise KeyError(f"{column} {value!r} is not in {table} (first ones there: {known})")
        return next(found.itertuples(index=False))

    def provided(self, name: str) -> bool:
        """Return whether an optional table was provided and is usable."""
        return bool(self.usable.get(name))

    def __repr__(self) -> str:
        from sro_reporting.reading import display

        return display.text(self)

    def _repr_html_(self) -> str:
        from sro_reporting.reading import display

        return display.html_summary(self)


def _files(data_dir: Path) -> dict[str, tuple[Path, str]]:
    """Return each table's file in the folder with its sha256."""
    return {name: (p, file_sha256(p)) for name, t in TABLES.items()
            if (p := find_file(data_dir, t)) is not None}


def _key(files: dict[str, tuple[Path, str]], max_unknown_share: float = MAX_UNKNOWN_SHARE) -> str:
    """Return a snapshot key over the files' names and contents, the package's source and the checks' settings."""
    key = hashlib.sha256(f"{source_hash()}:{max_unknown_share!r}".encode())
    for name, (path, sha) in sorted(files.items()):
        key.update(f"{name}:{path.name}:{sha}".encode())
    return key.hexdigest()[:24]


def _dangling(name: str, ids: pd.Series, known: pd.Series, share: float) -> list[dict]:
    """Return an error when more than `share` of a table's given school_ids are not in schools, with a hint."""
    given = ids.dropna()
    unknown = given[~given.isin(known)]
    if not len(given) or len(unknown) <= share * len(given):
        return []
    return [problem(name, None, "school_id", unknown.iloc[0],
                    f"{len(unknown):,} of {len(given):,} school_id values ({100 * len(unknown) / len(given):.0f}%) "
                    f"are not in schools, more than the {100 * share:g}% allowed; their rows count for no school. "
                    + id_hint(unknown, known))]


def _cross_checks(tables: dict[str, pd.DataFrame],
                  max_unknown_share: float = MAX_UNKNOWN_SHARE) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Apply the rules that span tables or columns; return the tables and the problems."""
    found = []
    officers = set(tables["officers"]["officer_id"])
    acts = tables["activities"]
    orphan = ~acts["officer_id"].isin(officers)
    if len(officers) or len(acts):
        found += [problem("activities", line, "officer_id", oid,
                          "officer_id not in officers; row left out")
                  for line, oid in zip(acts.loc[orphan, LINE], acts.loc[orphan, "officer_id"])]
        tables["activities"] = acts[~orphan].reset_index(drop=True)
    enf = tables["enforcement"]
    no_school = enf["school_related"].fillna(False) & enf["school_id"].isna()
    found += [problem("enforcement", line, "school_id", "",
                      "required when school_related is true; not counted for any school")
              for line in enf.loc[no_school, LINE]]
    known = set(tables["schools"]["school_id"])
    for name in ("enforcement", "activities", "use_of_force", "meetings"):
        t = tables[name]
        bad = t["school_id"].notna() & ~t["school_id"].isin(known)
        found += [problem(name, line, "school_id", sid, "school_id not in schools", "warning")
                  for line, sid in zip(t.loc[bad, LINE], t.loc[bad, "school_id"])]
    for name in ("calls_for_service", "enforcement", "activities", "use_of_force", "meetings"):
        found += _dangling(name, tables[name]["school_id"], tables["schools"]["school_id"], max_unknown_share)
    meet = tables["meetings"]
    lacking = (meet["meeting_type"] == "semester_consultation") & meet["school_id"].isna()
    found += [problem("meetings", line, "school_id", "",
                      "required for a semester_consultation; not counted for any school")
              for line in meet.loc[lacking, LINE]]
    return tables, problems_frame(found)


def _read(data_dir: Path, files: dict[str, tuple[Path, str]], max_unknown_share: float = MAX_UNKNOWN_SHARE) -> DataSet:
    """Read, check and link every table of `data_dir`."""
    tables, usable, listed, problems = {}, {}, [], []
    for name, table in TABLES.items():
        path, sha = files.get(name, (None, ""))
        if path is None:
            tables[name], usable[name] = schema_frame(table), False
            if not table.optional:
                problems.append(problems_frame([problem(
                    name, None, "", "",
                    f"file missing (expected {name}.csv or {name}.xlsx); reports that need it fail",
                    "error" if name == "schools" else "warning")]))
            continue
        raw = read_table(path, table)
        tables[name], found = clean_table(raw)
        usable[name] = raw.readable
        problems.append(found)
        listed.append(InputFile(name, str(path), sha, len(raw.frame)))
    tables, crossed = _cross_checks(tables, max_unknown_share)
    tables["calls_for_service"], linking = link_calls(tables["calls_for_service"], tables["schools"])
    return DataSet(data_dir, tables, usable, listed, combine([*problems, crossed, linking, missing_glyphs(tables)]))


# Data sets already loaded in this process, by snapshot: a warm kernel loads each folder once.
_LOADED: dict[Path, DataSet] = {}


def load(data_dir: str | Path | None = None, *, use_cache: bool = True, remember: bool = True,
         max_unknown_share: float = MAX_UNKNOWN_SHARE) -> DataSet:
    """Load a data folder (default: the demo data) as one checked, linked `DataSet`.

    `max_unknown_share`: the share of a table's school_ids that may be unknown to schools before
    that is an error (IDs that lost their leading zeros in Excel are the usual cause).

    The result is shared by every load of the same files in this process: treat its tables as
    read-only (pandas copy-on-write makes a changed copy of a frame, not a changed original).
    `remember=False` leaves it out of that sharing (the batch's parent, which only plans).
    """
    directory = resolve(data_dir, demo_data_dir()).resolve()
    if not directory.is_dir():
        raise FileNotFoundError(f"data folder {directory} does not exist"
                                " (run `make report` or `sro-report demo-data DIR` for the demo)")
    files = _files(directory)
    snapshot = cache_dir() / f"dataset-{_key(files, max_unknown_share)}.pkl"
    if not use_cache:
        return _marked(_read(directory, files, max_unknown_share), directory)
    if snapshot in _LOADED:
        return _marked(_LOADED[snapshot], directory)
    if snapshot.exists():
        with snapshot.open("rb") as fh:
            data = pickle.load(fh)
        data.data_dir = directory
    else:
        data = _read(directory, files, max_unknown_share)
        _write_snapshot(data, snapshot)
    if remember:
        _LOADED[snapshot] = data
    return _marked(data, directory)


def _marked(data: DataSet, directory: Path) -> DataSet:
    """Return the data set flagged synthetic where its folder carries the demo's marker file."""
    data.synthetic = (directory / SYNTHETIC_MARKER).exists()
    return data


def _write_snapshot(data: DataSet, snapshot: Path) -> None:
    """Write the cleaned data set, through a temporary name so no reader sees half a snapshot."""
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    tmp = snapshot.with_suffix(f".{id(data)}.tmp")
    with tmp.open("wb") as fh:
        pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(snapshot)
