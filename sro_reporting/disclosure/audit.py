"""The audit of an MPS release: it reads only the release folder, as MPS would, and attacks every hidden count.

It reads each CSV's numbers and, from the release's manifest, each CSV's layout (what every count
counts). Cells that count the same thing are one unknown; a total is the sum of its breakdown in
every dimension the release breaks it down by; a period is the sum of the printed periods inside
it and a rest; a rate with its base gives its count back within rounding, an index with the
reference rate gives its rate. Then, for each hidden count, linear (and, near the rule, integer)
programming finds the smallest and largest value all of that allows. The rule: no hidden count
is pinned, and each one's range spans at least half the minimum cell.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sro_reporting.disclosure.layout import Layout
from sro_reporting.disclosure.ledger import Entry, overlapping
from sro_reporting.disclosure.model import (
    ALL,
    Key,
    Model,
    add_places,
    adds_over_periods,
    as_in,
    change,
    now,
    protected_rest,
    sensitive,
)
from sro_reporting.disclosure.privacy import SUPPRESSED

MANIFEST = "manifest.json"
GRADE_BANDS = "grade_bands"  # the manifest's public background: each school's grade band, as MPS lists it
PLAIN = re.compile(r"\d{4}-\d{2}-\d{2}/\d{4}-\d{2}-\d{2}")  # a period as layouts write it: start/end
ELSEWHERE = "(not listed)"
LISTED_IN_FULL = ("age_band", "gender", "race", "student", "action_type", "offense")


@dataclass
class Release:
    """What the audit read of a release: the model, which files print each cell, and what it could not place."""

    model: Model = field(default_factory=Model)
    printed_in: dict[Key, set[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)  # printed numbers a correction moves
    grade_bands: dict[str, str] = field(default_factory=dict)  # public background: each school's grade band

    def record(self, key: Key, value: str, where: str) -> None:
        """Take one printed cell; a count printed twice with two values is a problem of the release."""
        try:
            self.model.show(key, value if value == SUPPRESSED else _number(value))
        except ValueError as exc:
            self.problems.append(f"{where}: {exc}")
        self.printed_in.setdefault(key, set()).add(where)


def _number(text: str) -> float | None:
    """Return a printed number, or None for a blank or hidden cell."""
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def _read_table(release: Release, frame: pd.DataFrame, name: str, layout: Layout) -> None:
    """Take every count, rate and index of one CSV."""
    needed = [layout.row_label, *layout.columns, *(r.column for r in layout.rates), *(i.column for i in layout.indices)]
    missing = [c for c in needed if c not in frame.columns]
    listed = set(frame[layout.row_label]) if layout.row_label in frame.columns else set()
    missing += [f"row {r!r}" for r in layout.rows if r not in listed and layout.rows]
    if missing:
        release.problems.append(f"{name}: its layout names {', '.join(missing)}, which the table lacks")
        return
    for _, row in frame.iterrows():
        for column in layout.columns:
            key, value = layout.key(row[layout.row_label], column), row[column].strip()
            if key is not None and (value == SUPPRESSED or _number(value) is not None):
                release.record(key, value, name)  # words in a count's place ("not taking part") say no count
    _read_rates(release, frame, layout)


def _read_rates(release: Release, frame: pd.DataFrame, layout: Layout) -> None:
    """Bound each count whose rate and base are printed, through indices where the reference rate is."""
    rows = frame.set_index(layout.row_label)
    rate_of = {r.column: r for r in layout.rates}
    for label, row in rows.iterrows():
        for rate in layout.rates:
            value = _number(row[rate.column])
            for index in (i for i in layout.indices if i.rate == rate.column and value is None):
                ratio, reference = _number(row[index.column]), _number(rows.loc[index.reference_row, rate.column]) \
                    if index.reference_row in rows.index else None
                if ratio is not None and reference is not None:
                    half = 0.5 * 10 ** -index.decimals
                    value = (ratio - half) * reference, (ratio + half) * reference
            base = _number(row[rate.base])
            if value is None or base is None:
                continue
            low, high = value if isinstance(value, tuple) else (value, value)
            half = 0.5 * 10 ** -rate_of[rate.column].decimals
            key = layout.key(label, rate.count)
            bound = ((low - half) * base / rate.per, (high + half) * base / rate.per)
            old = release.model.bounds.get(key, (0.0, float("inf")))
            release.model.bounds[key] = (max(old[0], bound[0]), min(old[1], bound[1]))


def _dimension_sums(model: Model) -> None:
    """Tie each total to its breakdown in every dimension the release breaks that population down by."""
    keys = set(model.shown) | set(model.unknowns())
    domains: dict[tuple[str, str], set[str]] = {}
    for key in keys:
        for dim, cat in key.categories:
            domains.setdefault((key.population, dim), set()).add(cat)
    totals = {k.with_(**{d: ALL}) for k in keys for d, _ in k.categories}
    while totals:
        total = totals.pop()
        for (population, dim), cats in domains.items():
            if population == total.population and total.get(dim) == ALL:
                # A release lists every category of a person's attributes and of action types; of
                # schools (or other parts of a population) only those it reports on.
                rest = [] if dim in LISTED_IN_FULL else [total.with_(**{dim: ELSEWHERE})]
                model.add_sum(total, [total.with_(**{dim: c}) for c in sorted(cats)] + rest)
                totals |= {total.with_(**{d: ALL}) for d, _ in total.categories} - keys
                keys.add(total)


def _background(model: Model, grade_bands: dict[str, str]) -> None:
    """Add each printed school's cells by student status and age band where the release breaks a population down by
    both, with its students in age bands its grade band does not hold bounded to zero (public background)."""
    keys = set(model.shown) | model.hidden
    found: dict[tuple[str, str, str], set[str]] = {}
    for key in keys:
        for dim in ("age_band", "student", "school"):
            if key.get(dim) != ALL and len(key.categories) == 1:
                found.setdefault((key.population, key.period, dim), set()).add(key.get(dim))
    for (population, period, dim), schools in found.items():
        ages, students = (found.get((population, period, d)) for d in ("age_band", "student"))
        if dim == "school" and ages and students and set(schools) & set(grade_bands):
            add_places(model, population, period, [*sorted(schools), ELSEWHERE], grade_bands, sorted(students),
                       sorted(ages), "school")


def _within(inner: str, outer: str) -> bool:
    """Return whether a printed period lies inside another (a rest, `X less Y`, is inside none)."""
    if not (PLAIN.fullmatch(inner) and PLAIN.fullmatch(outer)):
        return False
    a, b = inner.split("/"), outer.split("/")
    return inner != outer and b[0] <= a[0] and a[1] <= b[1]


def _period_sums(model: Model) -> None:
    """Tie each period to the printed periods inside it: the outer one is their sum and a rest.

    Not for a part of a population named by place ("at schools taking part"): which schools take part differs by
    period, so the year's count there is not the semesters' and a rest (a school that left after the fall counts
    in the year's and not in the spring's)."""
    keys = set(model.shown) | model.hidden
    groups: dict[Key, set[str]] = {}
    for key in keys:
        if PLAIN.fullmatch(key.period) and adds_over_periods(key):
            groups.setdefault(key.with_(period=""), set()).add(key.period)
    for base, periods in groups.items():
        for outer in periods:
            inner = sorted(p for p in periods if _within(p, outer))
            chosen = [p for p in inner if not any(_within(p, q) for q in inner)]
            if chosen and all(a.split("/")[1] < b.split("/")[0] for a, b in itertools.pairwise(chosen)):
                rest = base.with_(period=f"{outer} less {'+'.join(chosen)}")
                model.add_sum(base.with_(period=outer), [base.with_(period=p) for p in chosen] + [rest])


def _read_text(release: Release, tables: dict[str, tuple[str, Layout]], where: str = "") -> None:
    """Take every count of tables given as CSV text with their layouts."""
    for name, (text, layout) in tables.items():
        if text.strip():
            _read_table(release, pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False), where + name, layout)


def read_entry(release: Release, entry: Entry) -> None:
    """Take every count of a ledger entry, each marked as printed in that entry."""
    _read_text(release, entry.tables, f"ledger {entry.name[:12]}: ")


def _files(folder: Path, manifest: dict) -> list[str]:
    """Return what breaks the release's list of files: a file not listed, listed and gone, or changed since."""
    listed = {f["path"]: f["sha256"] for f in manifest.get("files", [])}
    there = {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST}
    problems = [f"{n}: in the release but not in its manifest" for n in sorted(set(there) - set(listed))]
    problems += [f"{n}: in the manifest but not in the release" for n in sorted(set(listed) - set(there))]
    problems += [f"{n}: changed since the run (its sha256 is not the manifest's)"
                 for n in sorted(set(there) & set(listed))
                 if hashlib.sha256(there[n].read_bytes()).hexdigest() != listed[n]]
    return problems


def read(folder: Path) -> tuple[Release, dict[str, tuple[str, Layout]]]:
    """Read a release folder into the model an attacker would build; return it with the tables read."""
    release = Release()
    manifest = json.loads((folder / MANIFEST).read_text())
    release.problems += _files(folder, manifest)
    layouts = manifest.get("tables", {})
    release.grade_bands = dict(manifest.get(GRADE_BANDS, {}))
    tables = {}
    for path in sorted(folder.rglob("*.csv")):
        name = path.relative_to(folder).as_posix()
        if path.stat().st_size == 0:
            continue
        if name in layouts:
            tables[name] = (path.read_text(), Layout.model_validate(layouts[name]))
        elif (pd.read_csv(path, dtype=str, keep_default_na=False) == SUPPRESSED).any().any():
            release.problems.append(f"{name}: hidden cells in a table the release does not describe")
    _read_text(release, tables)
    return release, tables


def _disagree(release: Release, old: Release) -> list[Key]:
    """Return the cells two releases print differently: two numbers, or a zero beside a `*` (at least 1)."""
    moved = [k for k, v in old.model.shown.items() if release.model.shown.get(k, v) != v]
    return moved + sorted(k for k, v in old.model.shown.items() if v == 0 and k in release.model.hidden) \
        + sorted(k for k in old.model.hidden if release.model.shown.get(k) == 0)


def _combine(release: Release, entries: list[Entry], apart: frozenset[str] = frozenset()) -> list[str]:
    """Add what MPS already has; return the names of the entries that count other records (corrections).

    An entry whose printed numbers all agree with the release's is read as the same records: its cells
    are the release's cells. An entry that disagrees (a correction), or is named in `apart`, counts records
    of its own: its cells are kept apart, and each cell's change between the two is an unknown the rule
    protects.
    """
    corrections = []
    for entry in entries:
        old = Release()
        read_entry(old, entry)
        moved = _disagree(release, old) or (entry.name in apart)
        rename = (lambda k: k) if not moved else (lambda k, e=entry.name: as_in(k, e))
        for key, value in old.model.shown.items():
            if moved:
                release.model.shown[rename(key)] = value
            else:
                release.model.show(key, value)
        for key in old.model.hidden:
            if rename(key) not in release.model.shown:
                release.model.hidden.add(rename(key))
        for key, bound in old.model.bounds.items():
            release.model.bounds[rename(key)] = bound
        for key, where in old.printed_in.items():
            release.printed_in.setdefault(rename(key), set()).update(where)
        if moved:
            corrections.append(entry.name)
            release.moved += [f"{k.label()}: {_printed(old, k)} in ledger entry {entry.name[:12]}, "
                              f"{_printed(release, k)} now" for k in sorted(_disagree(release, old))]
    return corrections


def _printed(release: Release, key: Key) -> str:
    """Return a cell as printed: its number, or `*`."""
    return "*" if key in release.model.hidden else str(release.model.shown[key])


def _changes(model: Model, entries: list[str]) -> None:
    """Tie each cell of a correction to the same cell now: now = then + a change, the change a derived unknown."""
    keys = set(model.shown) | set(model.unknowns())
    for entry in entries:
        tag = as_in(Key("", ""), entry).population
        for key in [k for k in keys if k.population.endswith(tag)]:
            if (current := now(key)) in keys:
                moved = change(current, entry)
                model.add_sum(current, [key, moved])
                model.signed.add(moved)
                if protected_rest(current):
                    model.derived.add(moved)


def model_of(release: Release, entries: list[Entry], apart: frozenset[str] = frozenset()) -> Model:
    """Return the attacker's model of a release read with what MPS already has: sums, rests and changes."""
    corrections = _combine(release, entries, apart)
    model = release.model
    _period_sums(model)
    _dimension_sums(model)
    _background(model, release.grade_bands)
    _changes(model, corrections)
    model.derived |= {k for k in model.unknowns() if k not in model.hidden and protected_rest(k) and _rest(k)}
    return model


def _rest(key: Key) -> bool:
    """Return whether a cell is the rest of a population: the part no table lists, or a period's rest."""
    return " less " in key.period or any(c == ELSEWHERE for _, c in key.categories)


def small_counts(release: Release, min_cell: int) -> list[str]:
    """Return every count of people printed from 1 to `min_cell - 1`: the contract hides them all."""
    return [f"{k.label()} in {', '.join(sorted(release.printed_in.get(k, ())))}: printed as {v}, under {min_cell}"
            for k, v in sorted(release.model.shown.items()) if sensitive(k) and 0 < v < min_cell
            and not any(w.startswith("ledger ") for w in release.printed_in.get(k, ()))]


def _apart(folder: Path, entries: list[Entry]) -> frozenset[str]:
    """Return the entries that agree with the release cell by cell but not as a whole: other records.

    No count satisfies the release and such an entry read as the same records, so MPS too knows it for a
    correction. Each entry is tried in turn with those before it.
    """
    from sro_reporting.disclosure.attack import consistent

    def fits(some: list[Entry], apart: frozenset[str]) -> bool:
        return consistent(model_of(read(folder)[0], some, apart))

    apart: frozenset[str] = frozenset()
    for i, entry in enumerate(entries):
        if not fits(entries[: i + 1], apart):
            apart |= {entry.name}
    return apart


def _whole(bound: float) -> str:
    """Return a bound as a count is written: `3`, not `3.0` (a column with a missing bound is of floats)."""
    return str(int(bound)) if bound == bound and abs(bound) != float("inf") else str(bound)


def audit(folder: Path, min_cell: int, ledger: list[Entry] = ()) -> tuple[pd.DataFrame, list[str]]:
    """Return every hidden and derived cell's range with the files that print it, and what breaks the rule.

    `ledger`: the releases MPS already has; those whose periods overlap the release's are read with it.
    """
    from sro_reporting.disclosure.attack import InconsistentRelease, consistent, failures, ranges  # HiGHS

    release, tables = read(folder)
    periods = {p for _, layout in tables.values() for p in layout.periods()}
    entries = overlapping([e for e in ledger if e.tables != tables], periods)
    release.problems += small_counts(release, min_cell)
    model = model_of(release, entries)
    if entries and not consistent(model):
        release, _ = read(folder)
        release.problems += small_counts(release, min_cell)
        model = model_of(release, entries, _apart(folder, entries))
    try:
        # brief: a derived count that can be zero gets no largest value; the rule cannot fail on it (`failures`).
        found = ranges(model, close_to=min_cell / 2 + 1, brief=True)
    except InconsistentRelease as exc:
        return pd.DataFrame(columns=["cell", "kind", "low", "high", "width", "files"]), [*release.problems, str(exc)]
    found["files"] = found["key"].map(lambda k: ", ".join(sorted(release.printed_in.get(k, ()))) or "(derived)")
    broken = [("derived " if r.kind == "derived" else "") + f"{r.cell} in {r.files}: "
              + (f"pinned at {_whole(r.low)}" if r.low == r.high else f"{_whole(r.low)} to {_whole(r.high)}")
              for r in failures(found, min_cell).itertuples()]
    if broken and release.moved:
        broken.append("a correction: it moves published numbers (" + "; ".join(release.moved) + ")")
    return found.drop(columns="key"), release.problems + broken


def by_report(found: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """Return per report (folder of its tables, or ledger entry) and in all: the hidden and derived counts, those
    pinned (at a count other than zero), the narrowest range of a hidden count, and those that break the rule."""
    from sro_reporting.disclosure.attack import failures

    rows = found.assign(broken=found.index.isin(failures(found, min_cell).index))
    rows = rows.assign(report=rows["files"].str.split(", ")).explode("report")
    rows["report"] = rows["report"].str.extract(r"^((?:ledger \w+: )?tables/[^/]+)/", expand=False) \
        .fillna(rows["report"].where(rows["kind"] == "derived", "tables")).str.replace("tables/", "", regex=False)
    rows = pd.concat([rows, rows.drop_duplicates("cell").assign(report="all")])
    rows["pinned"] = (rows["width"] == 0) & (rows["low"] != 0)
    rows["hidden_width"] = rows["width"].where(rows["kind"] == "hidden")
    out = rows.groupby("report", sort=False).agg(
        hidden=("kind", lambda k: int((k == "hidden").sum())), derived=("kind", lambda k: int((k == "derived").sum())),
        pinned=("pinned", "sum"), narrowest=("hidden_width", "min"), broken=("broken", "sum"))
    return out.reset_index()
