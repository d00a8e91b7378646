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

import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sro_reporting.disclosure.layout import Layout
from sro_reporting.disclosure.model import ALL, Key, Model
from sro_reporting.disclosure.privacy import SUPPRESSED

MANIFEST = "manifest.json"
ELSEWHERE = "(not listed)"
LISTED_IN_FULL = ("age_band", "gender", "race", "student", "action_type", "offense")


@dataclass
class Release:
    """What the audit read of a release: the model, which files print each cell, and what it could not place."""

    model: Model = field(default_factory=Model)
    printed_in: dict[Key, set[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

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


def _read_table(release: Release, path: Path, name: str, layout: Layout) -> None:
    """Take every count, rate and index of one CSV."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
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


def _within(inner: str, outer: str) -> bool:
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
        if "/" in key.period and key.get("place") == ALL:
            groups.setdefault(key.with_(period=""), set()).add(key.period)
    for base, periods in groups.items():
        for outer in periods:
            inner = sorted(p for p in periods if _within(p, outer))
            chosen = [p for p in inner if not any(_within(p, q) for q in inner)]
            if chosen and all(a.split("/")[1] < b.split("/")[0] for a, b in itertools.pairwise(chosen)):
                rest = base.with_(period=f"{outer} less {'+'.join(chosen)}")
                model.add_sum(base.with_(period=outer), [base.with_(period=p) for p in chosen] + [rest])


def read(folder: Path) -> Release:
    """Read a release folder into the model an attacker would build."""
    release = Release()
    manifest = json.loads((folder / MANIFEST).read_text())
    layouts = manifest.get("tables", {})
    for path in sorted(folder.rglob("*.csv")):
        name = path.relative_to(folder).as_posix()
        if path.stat().st_size == 0:
            continue
        if name in layouts:
            _read_table(release, path, name, Layout.model_validate(layouts[name]))
        elif (pd.read_csv(path, dtype=str, keep_default_na=False) == SUPPRESSED).any().any():
            release.problems.append(f"{name}: hidden cells in a table the release does not describe")
    _period_sums(release.model)
    _dimension_sums(release.model)
    return release


def audit(folder: Path, min_cell: int) -> tuple[pd.DataFrame, list[str]]:
    """Return every hidden cell's range with the files that print it, and what breaks the rule."""
    from sro_reporting.disclosure.attack import InconsistentRelease, failures, ranges  # HiGHS: only to attack

    release = read(folder)
    try:
        found = ranges(release.model, close_to=min_cell / 2 + 1)
    except InconsistentRelease as exc:
        return pd.DataFrame(columns=["cell", "low", "high", "width", "files"]), [*release.problems, str(exc)]
    found["files"] = found["key"].map(lambda k: ", ".join(sorted(release.printed_in.get(k, ()))))
    broken = [f"{r.cell} in {r.files}: " + (f"pinned at {r.low}" if r.low == r.high else f"{r.low} to {r.high}")
              for r in failures(found, min_cell).itertuples()]
    return found.drop(columns="key"), release.problems + broken


def by_report(found: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """Return per report (folder of its tables) the hidden cells, those pinned, and the narrowest range."""
    rows = found.assign(report=found["files"].str.split(", ")).explode("report")
    rows["report"] = rows["report"].str.extract(r"^tables/([^/]+)/", expand=False).fillna("tables")
    out = rows.groupby("report").agg(hidden=("cell", "size"), pinned=("width", lambda w: int((w == 0).sum())),
                                     narrowest=("width", "min"),
                                     under_rule=("width", lambda w: int((w < min_cell / 2).sum())))
    return out.reset_index()

