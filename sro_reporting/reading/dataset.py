"""One data set: every contract table read, checked and typed, the calls linked, and the problems.

`load(data_dir)` is the single way in, for report notebooks and analysts alike. It hashes each
input file, and keeps a cleaned snapshot (`reading.snapshot`) keyed by those hashes and the
package's code: a second load of the same files (another cell, another notebook) reads the
snapshot, not the exports. Where there is none, it parses each file, hashing the bytes again as
they are parsed (a large export streams from disk, never whole in memory): a file whose bytes
differ from those first hashed, or that changes while it is read, stops the load with `RunError`.
`load(snapshot=KEY)` reads one data version by its key and never the data folder: that is how
every report of a batch sees the same data.
`load(calls="linked")` keeps only the calls linked to a school, all that any report counts: on a
city-wide export of millions of calls that is a small share, so a report loads and counts much less.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from sro_reporting.errors import RunError
from sro_reporting.linking.schools import Located, link_calls, locate
from sro_reporting.paths import demo_data_dir, resolve
from sro_reporting.reading import snapshot as cache
from sro_reporting.reading.fingerprint import source_hash
from sro_reporting.reading.glyphs import missing_glyphs
from sro_reporting.reading.ids import restore_zeros
from sro_reporting.reading.lookup import KINDS as ENTITIES
from sro_reporting.reading.lookup import match
from sro_reporting.reading.parse import DateFormat, parse_column
from sro_reporting.reading.quality import combine, error_count, problem, problems_frame
from sro_reporting.reading.readers import LINE, RawTable, read_table
from sro_reporting.reading.sources import Source, changed, hash_sources, identity
from sro_reporting.reading.tables import TABLES
from sro_reporting.reading.validate import clean_table, id_hint, schema_frame

MAX_UNKNOWN_SHARE = 0.1  # a table whose given school_ids are more than this share unknown is an error
MIN_UNKNOWN = 3  # ... when at least this many are: one unknown ID of two is a typo, not a registry that differs
DATED = {"calls_for_service": "call_datetime", "enforcement": "action_datetime",
         "activities": "activity_date", "shifts": "shift_date", "use_of_force": "uof_datetime",
         "searches": "search_datetime", "complaints": "received_date"}
PLACED = ("enforcement", "activities", "use_of_force", "meetings", "searches", "assignments", "complaints")


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
    version: str = ""  # the snapshot key: input files' sha256, the package's code, the checks' settings
    synthetic: bool = False  # the folder holds SYNTHETIC_MARKER: reports say so on every page and in their title
    extent: dict[str, list[str]] = field(default_factory=dict)  # each dated table's first and last day, every row
    calls_scope: Literal["all", "linked"] = "all"  # "linked": only the calls linked to a school are in `calls`
    # Tables derived from these ones, made once for this object (`population.by_place`), each kept with the tables
    # it was made from: a table replaced since means it is made again. A copy of the data set starts without them.
    derived: dict[object, tuple[tuple[pd.DataFrame, ...], pd.DataFrame]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

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
        days = [dt.date.fromisoformat(last) for _, last in self.extent.values()]
        return max(days) if days else None

    def first_day(self, table: str) -> dt.date | None:
        """Return the day of a dated table's first record (of every row, whatever `calls_scope`)."""
        return dt.date.fromisoformat(self.extent[table][0]) if table in self.extent else None

    def linked_calls(self) -> DataSet:
        """Return the data set with only the calls linked to a school: all that any report counts."""
        if self.calls_scope == "linked":
            return self
        calls = self.calls
        tables = {**self.tables, "calls_for_service": calls[calls["linked_school_id"].notna()].reset_index(drop=True)}
        return dataclasses.replace(self, tables=tables, calls_scope="linked")

    def school(self, school_id: str):
        """Return one school's row; a clear error names the IDs there are where it is not found."""
        return self._row("schools", "school_id", school_id)

    def officer(self, officer_id: str):
        """Return one officer's roster row."""
        return self._row("officers", "officer_id", officer_id)

    def _row(self, table: str, column: str, value: str):
        """Return the row that `value` names: its ID (leading zeros and case aside) or its name (`lookup.match`)."""
        frame = self.tables[table]
        kind = next(k for k, (t, *_) in ENTITIES.items() if t == table)
        wanted = match(value, zip(frame[column], frame[ENTITIES[kind][2]].fillna(""), strict=True), kind)
        return next(frame[frame[column] == wanted].itertuples(index=False))

    def provided(self, name: str) -> bool:
        """Return whether an optional table was provided and is usable."""
        return bool(self.usable.get(name))

    def __repr__(self) -> str:
        from sro_reporting.reading import display

        return display.text(self)

    def _repr_html_(self) -> str:
        from sro_reporting.reading import display

        return display.html_summary(self)


def input_hashes(data_dir: Path) -> list[tuple[str, str]]:
    """Return each table's input file in the folder as (table, sha256), in table order."""
    return sorted((name, source.sha256) for name, source in hash_sources(data_dir).items())


def _still_as_read(sources: dict[str, Source]) -> None:
    """Raise `RunError` naming the first input file that changed since it was read."""
    for source in sources.values():
        try:
            now = identity(source.path.stat())
        except OSError:
            now = ()
        if now != source.identity:
            raise changed(source.path)


def _key(sources: dict[str, Source], synthetic: bool, max_unknown_share: float = MAX_UNKNOWN_SHARE,
         date_format: DateFormat | None = None) -> str:
    """Return a snapshot key over the files' names and contents, the package's source and the checks' settings."""
    key = hashlib.sha256(f"{source_hash()}:{max_unknown_share!r}:{synthetic}:{date_format}".encode())
    for name, source in sorted(sources.items()):
        key.update(f"{name}:{source.path.name}:{source.sha256}".encode())
    return key.hexdigest()[:24]


def _dangling(name: str, ids: pd.Series, known: pd.Series, share: float) -> list[dict]:
    """Return an error when more than `share` of a table's given school_ids are not in schools, with a hint."""
    given = ids.dropna()
    unknown = given[~given.isin(known)]
    if not len(given) or len(unknown) <= share * len(given) or len(unknown) < MIN_UNKNOWN:
        return []
    outcome = ("those calls are linked by their address instead, where it is a school's" if name == "calls_for_service"
               else "their rows count for no school")
    return [problem(name, None, "school_id", unknown.iloc[0],
                    f"{len(unknown):,} of {len(given):,} school_id values ({100 * len(unknown) / len(given):.0f}%) "
                    f"are not in schools, more than the {100 * share:g}% allowed; {outcome}. "
                    + id_hint(unknown, known))]


def _cross_checks(tables: dict[str, pd.DataFrame], max_unknown_share: float = MAX_UNKNOWN_SHARE,
                  files: dict[str, str] | None = None) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Apply the rules that span tables or columns; return the tables and the problems."""
    tables, restored = restore_zeros(tables, files or {})
    found = []
    officers = set(tables["officers"]["officer_id"])
    for name in ("activities", "assignments"):  # an officer's record of days at schools needs the officer
        rows = tables[name]
        orphan = ~rows["officer_id"].isin(officers)
        if len(officers) or len(rows):
            found += [problem(name, line, "officer_id", oid, "officer_id not in officers; row left out")
                      for line, oid in zip(rows.loc[orphan, LINE], rows.loc[orphan, "officer_id"])]
            tables[name] = rows[~orphan].reset_index(drop=True)
    for name in ("searches", "complaints"):
        t = tables[name]
        bad = t["officer_id"].notna() & ~t["officer_id"].isin(officers)
        found += [problem(name, line, "officer_id", oid, "officer_id not in officers", "warning")
                  for line, oid in zip(t.loc[bad, LINE], t.loc[bad, "officer_id"])]
    assigned = tables["assignments"]
    backwards = assigned["assigned_to"].notna() & (assigned["assigned_to"] < assigned["assigned_from"])
    found += [problem("assignments", line, "assigned_to", str(day.date()), "before assigned_from; row left out")
              for line, day in zip(assigned.loc[backwards, LINE], assigned.loc[backwards, "assigned_to"])]
    tables["assignments"] = assigned[~backwards].reset_index(drop=True)
    told = tables["complaints"]
    early = told["closed_date"].notna() & (told["closed_date"] < told["received_date"])
    found += [problem("complaints", line, "closed_date", str(day.date()), "before received_date; read as blank")
              for line, day in zip(told.loc[early, LINE], told.loc[early, "closed_date"])]
    tables["complaints"] = told.assign(closed_date=told["closed_date"].mask(early))
    enf = tables["enforcement"]
    no_school = enf["school_related"].fillna(False) & enf["school_id"].isna()
    found += [problem("enforcement", line, "school_id", "",
                      "required when school_related is true; not counted for any school")
              for line in enf.loc[no_school, LINE]]
    known = set(tables["schools"]["school_id"])
    for name in PLACED if known else ():  # else schools is said
        t = tables[name]
        bad = t["school_id"].notna() & ~t["school_id"].isin(known)
        found += [problem(name, line, "school_id", sid, "school_id not in schools", "warning")
                  for line, sid in zip(t.loc[bad, LINE], t.loc[bad, "school_id"])]
    for name in ("calls_for_service", *PLACED) if known else ():
        found += _dangling(name, tables[name]["school_id"], tables["schools"]["school_id"], max_unknown_share)
    meet = tables["meetings"]
    lacking = (meet["meeting_type"] == "semester_consultation") & meet["school_id"].isna()
    found += [problem("meetings", line, "school_id", "",
                      "required for a semester_consultation; not counted for any school")
              for line in meet.loc[lacking, LINE]]
    return tables, combine([restored, problems_frame(found)])


def _extent(tables: dict[str, pd.DataFrame]) -> dict[str, list[str]]:
    """Return each dated table's first and last day, where it has any."""
    found = {t: (tables[t][c].min(), tables[t][c].max()) for t, c in DATED.items() if len(tables[t])}
    return {t: [first.date().isoformat(), last.date().isoformat()]
            for t, (first, last) in found.items() if pd.notna(first)}


def _clean_calls(raw: RawTable, schools: pd.DataFrame,
                 date_format: DateFormat | None = None) -> tuple[pd.DataFrame, pd.DataFrame, Located]:
    """Clean the calls and, in a thread meanwhile, locate them (`locate`: the costly part of linking them).

    The locations are parsed as `clean_table` parses them, before any row is left out; the kept rows' codes are
    then taken by line (lines increase down the file). A kept row's location is that parse's, as the column is
    required: a cell that breaks a rule leaves its row out rather than being read as blank.
    """
    text, lines = raw.frame["location"], raw.frame[LINE].to_numpy()
    column = raw.table.column("location")
    with ThreadPoolExecutor(1) as side:
        locating = side.submit(lambda: locate(parse_column(text, column)[0], schools))
        clean, found = clean_table(raw, date_format)
        codes, by_place = locating.result()
    return clean, found, (codes[np.searchsorted(lines, clean[LINE].to_numpy())], by_place)


def _read(data_dir: Path, sources: dict[str, Source], key: str,
          max_unknown_share: float = MAX_UNKNOWN_SHARE, after_read: Callable[[], object] = lambda: None,
          date_format: DateFormat | None = None) -> DataSet:
    """Check and link every table of `data_dir`, parsing the very bytes hashed in `sources`; call `after_read`
    once the largest file is read."""
    tables, usable, listed, problems, located = {}, {}, [], [], None
    largest = max(sources, key=lambda name: sources[name].identity[2], default=None)
    for name, table in TABLES.items():
        source = sources.get(name)
        if source is None:
            tables[name], usable[name] = schema_frame(table), False
            if not table.optional:
                problems.append(problems_frame([problem(
                    name, None, "", "",
                    f"file missing (expected {name}.csv or {name}.xlsx); reports that need it fail",
                    "error" if name == "schools" else "warning")]))
            continue
        raw = read_table(source.path, table)
        if raw.sha256 and raw.sha256 != source.sha256:
            raise changed(source.path)
        if name == largest:
            after_read()
        if name == "calls_for_service" and raw.readable and table.column("location").required:
            tables[name], found, located = _clean_calls(raw, tables["schools"], date_format)
        else:
            tables[name], found = clean_table(raw, date_format)
        usable[name] = raw.readable
        problems.append(found)
        listed.append(InputFile(name, str(source.path), source.sha256, len(raw.frame)))
    tables, crossed = _cross_checks(tables, max_unknown_share, {n: s.path.name for n, s in sources.items()})
    tables["calls_for_service"], linking = link_calls(tables["calls_for_service"], tables["schools"], located)
    return DataSet(data_dir, tables, usable, listed, combine([*problems, crossed, linking, missing_glyphs(tables)]),
                   key, (data_dir / SYNTHETIC_MARKER).exists(), _extent(tables))


PROBLEMS = "_problems"  # the problems' frame in a snapshot, beside the tables
UNLINKED_NICE = 19  # the unlinked calls are written on whatever the reports leave of the cores
UNLINKED = "_unlinked_calls"  # the calls linked to no school: a snapshot of their own, which a report never reads


def _unlinked_key(key: str) -> str:
    return f"{key}{cache.PART}unlinked"


def _save(data: DataSet, unlinked_later: bool = False) -> None:
    """Write the data set's snapshot under its version, and the calls linked to no school in a snapshot apart.

    With `unlinked_later`, those calls (most of a city-wide export) are written by a thread: a batch's
    reports read the first snapshot only, so they need not wait for it (`snapshot.written` waits).
    """
    meta = {"usable": data.usable, "files": [dataclasses.asdict(f) for f in data.files], "synthetic": data.synthetic,
            "extent": data.extent}
    linked = data.calls["linked_school_id"].notna()
    cache.save(data.version, {**data.tables, "calls_for_service": data.calls[linked], PROBLEMS: data.problems}, meta)
    rest = {UNLINKED: (data.calls, ~linked.to_numpy())}  # most of the calls: written without a copy of them
    if not unlinked_later:
        cache.save(_unlinked_key(data.version), rest, {})
        return
    cache.in_background(cache.save_quietly, _unlinked_key(data.version), rest, {}, nice=UNLINKED_NICE)


def _restore(key: str, data_dir: Path, calls: str) -> DataSet | None:
    """Return the data set of snapshot `key`, or None where it is not in the cache (or fails its checks)."""
    found = cache.load(key)
    rest = cache.load(_unlinked_key(key)) if found is not None and calls == "all" else None
    if found is None or (calls == "all" and rest is None):
        return None
    frames, meta = found
    problems = frames.pop(PROBLEMS)
    if rest is not None:  # every call again, in file order
        both = pd.concat([frames["calls_for_service"], rest[0][UNLINKED]], ignore_index=True)
        frames["calls_for_service"] = both.sort_values(LINE, kind="stable").reset_index(drop=True)
    files = [InputFile(**f) for f in meta["files"]]
    files = [dataclasses.replace(f, path=str(data_dir / Path(f.path).name)) for f in files]
    return DataSet(data_dir, frames, meta["usable"], files, problems, key, bool(meta.get("synthetic")),
                   meta["extent"], "linked" if rest is None else "all")


# Data sets already loaded in this process, by version and scope: a warm kernel loads each once.
_LOADED: dict[tuple[str, str], DataSet] = {}


def load(data_dir: str | Path | None = None, *, snapshot: str = "", use_cache: bool = True,
         remember: bool = True, max_unknown_share: float = MAX_UNKNOWN_SHARE,
         calls: Literal["all", "linked"] = "all", unlinked_later: bool = False,
         after_read: Callable[[], object] = lambda: None, date_format: DateFormat | None = None) -> DataSet:
    """Load a data folder (default: the demo data) as one checked, linked `DataSet`.

    `max_unknown_share`: the share of a table's school_ids that may be unknown to schools before
    that is an error (IDs that lost their leading zeros in Excel are the usual cause).

    With `snapshot` (a `DataSet.version`), return that data version from the cache and never read
    the folder: a batch's reports all see the data its parent read. The result is shared by every
    load of the same version in this process: treat its tables as read-only (pandas copy-on-write
    makes a changed copy of a frame, not a changed original). `remember=False` leaves it out of
    that sharing (the batch's parent, which only plans); `use_cache=False` neither reads nor
    writes the cache (`validate`). `calls="linked"` keeps only the calls linked to a school (what
    report notebooks load: every count they make is of those); the data's extent stays that of all.
    `unlinked_later` writes the snapshot of the calls linked to no school in the background (a batch's
    parent, whose reports never read them; `snapshot.written` waits for it). `after_read` is called once the
    largest input file is read, or once the data come from the cache: a batch starts its kernels then, since
    Arrow reads a large file on every core. `date_format` (`M/D` or `D/M`) says how dates with slashes are written
    where the data cannot tell (the school year's parameter `date_format`); without it each file's values decide.
    """
    directory = resolve(data_dir, demo_data_dir()).resolve()
    if snapshot:
        data = _LOADED.get((snapshot, calls)) or _restore(snapshot, directory, calls)
        if data is None:
            raise RunError(f"data version {snapshot} is not in the cache folder {cache.folder()}; "
                           "run the batch again")
    else:
        if not directory.is_dir():
            raise RunError(f"data folder {directory} does not exist"
                           " (run `make report` or `sro-report demo-data DIR` for the demo)")
        sources = hash_sources(directory)
        key = _key(sources, (directory / SYNTHETIC_MARKER).exists(), max_unknown_share, date_format)
        data = (_LOADED.get((key, calls)) or _restore(key, directory, calls)) if use_cache else None
        if data is None:
            data = _read(directory, sources, key, max_unknown_share, after_read, date_format)
            _still_as_read(sources)
            if use_cache:
                _save(data, unlinked_later)
        else:
            after_read()
    data = data.linked_calls() if calls == "linked" else data
    if remember and use_cache:
        _LOADED[(data.version, calls)] = data
    return data

