"""Protection of the people tables MPS receives over a school year, planned once and checked by the attack.

The MPS reports break people down by age band, gender, race and student status in the district's
semester reports (each semester), by race in the quarterly reports (each quarter) and in the annual report
(by race, for the disparity table); school packets and monthly briefs do not (their small populations, adding
up to the semester, would give the hidden counts back). The plan covers every such table of the school year at
once, fall, spring, the quarters and the year, since each year's releases together tie them (the year is the
semesters plus the rest; each semester and quarter is the sum of the pieces the periods' ends cut the year
into), and it assumes the attacker knows every count that is not broken down by a person's
attributes (key figures, per-school and per-month totals), and every release of the ledger whose
periods overlap the year (`ledger`: what MPS already has).

Steps: the contract's rules (`privacy.suppress_counts`) per table; then, in every table they leave
a `*` in, one more of its shown cells hidden, drawn by a hash keyed with the workspace's secret and
the table's counts (so an attacker who knows the contract's rules cannot tell which `*` are the
rules' and narrow the hidden counts by the pattern alone, and the same counts always draw the same
cells); then the attack: every hidden count, every rest of a population (the year less its
semesters, all actions less those at schools taking part) and every change since a ledger entry
whose range is under half the minimum cell, or exact, gets hidden the printed cells that must move
for it to move far enough (`attack.widening`: least change, same period first); a count that no
further suppression can protect takes its table out of the release. Repeat until the attack finds
nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import itertools
import json
import math
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from sro_reporting.disclosure.layout import period
from sro_reporting.disclosure.ledger import Entry
from sro_reporting.disclosure.model import (
    ALL,
    BY_PERIOD,
    Key,
    Model,
    add_grid_sums,
    add_places,
    adds_over_periods,
    as_in,
    change,
    grid_keys,
    now,
    protected_rest,
    sensitive,
)
from sro_reporting.disclosure.privacy import SUPPRESSED, TOTAL, suppress_counts
from sro_reporting.measures import people
from sro_reporting.params import SchoolYear, Span
from sro_reporting.periods import quarter_span
from sro_reporting.reading.dataset import DataSet

ELSEWHERE = ((BY_PERIOD, "not at a school taking part"),)
DISPARITY_COLUMNS = ("arrest", "citation")
# A quarter's people tables: actions by race only. Each table a quarter adds ties every period's through the pieces
# the quarters cut the semesters into: with age band, gender and offense too the demo's plan took six times as long,
# with use of force too seven times, and the semesters lost their use of force by race and by student status.
QUARTER_TABLES = ("actions_by_race",)
MAX_ROUNDS = 500


def quarters(year: SchoolYear) -> list[Span]:
    """Return the school year's quarters (July-September first), each with its quarterly report."""
    return [quarter_span(int(year.school_year[:4]), q) for q in range(1, 5)]


def planned(year: SchoolYear, span: Span, table: str = "") -> bool:
    """Return whether the plan covers a period's people tables, or the one named: the semesters' and the year's, and
    a quarter's `QUARTER_TABLES`."""
    if span in quarters(year):
        return table in ("", *QUARTER_TABLES)
    return span in (*year.semesters.values(), year.year_span)


def pieces(spans: list[Span]) -> list[Span]:
    """Return the pieces the periods' ends cut their union into, in order: each period is the sum of those inside it.

    >>> from sro_reporting.params import load_school_year
    >>> year = load_school_year("2025-26")
    >>> [f"{p.start:%b %d}-{p.end:%b %d}" for p in pieces([year.semesters["spring"], *quarters(year)[2:]])]
    ['Jan 01-Jan 25', 'Jan 26-Mar 31', 'Apr 01-Jun 12', 'Jun 13-Jun 30']
    """
    cuts = sorted({s.start for s in spans} | {s.end + dt.timedelta(days=1) for s in spans})
    found = [Span(start=a, end=b - dt.timedelta(days=1)) for a, b in itertools.pairwise(cuts)]
    return [p for p in found if any(_inside(p, s) for s in spans)]


def _inside(inner: Span, outer: Span) -> bool:
    """Return whether a period lies inside another."""
    return outer.start <= inner.start and inner.end <= outer.end


@dataclass(frozen=True)
class View:
    """One printed people table: a breakdown of a period, whole or one column of it."""

    name: str  # the table's name in the report, e.g. actions_by_race or disparity_arrest
    period: str
    breakdown: str  # the `people.breakdowns` entry it shows
    column: str = ""  # one column of the breakdown (with the rows' total being that column), or all

    def frame(self, counts: pd.DataFrame) -> pd.DataFrame:
        """Return the counts this view prints, before suppression."""
        return counts[[self.column]] if self.column else counts


def semester_views(period: str, disparity: bool) -> list[View]:
    """Return the people tables of a semester report."""
    whole = [View(name, period, name) for name in
             ("actions_by_age_band", "actions_by_gender", "actions_by_race", "actions_by_offense",
              "use_of_force_by_age_band", "use_of_force_by_race", "use_of_force_by_student")]
    return whole + (disparity_views(period) if disparity else [])


def quarter_views(period: str) -> list[View]:
    """Return the people tables of a quarterly report (`QUARTER_TABLES`)."""
    return [View(name, period, name) for name in QUARTER_TABLES]


def year_views(period: str, disparity: bool) -> list[View]:
    """Return the people tables of the year's reports: the annual's offense types and disparity table's counts, and
    the 118.124 report's incidents by high school."""
    return [View("actions_by_offense", period, "actions_by_offense"),
            View("incidents_by_school", period, "incidents_118124")] + (disparity_views(period) if disparity else [])


def disparity_views(period: str) -> list[View]:
    """Return the columns of counts in a disparity table: arrests and citations by race, and enrollment."""
    return [*(View(f"disparity_{c}", period, "participating_by_race", c) for c in DISPARITY_COLUMNS),
            View("disparity_students", period, "enrolled")]


@dataclass
class Grid:
    """A breakdown of one period as cells: keys and values by (row label, column label), totals included."""

    breakdown: people.Breakdown
    period: str
    keys: dict[tuple[str, str], Key]
    values: dict[tuple[str, str], int]

    @classmethod
    def of(cls, b: people.Breakdown, period: str) -> Grid:
        """Return the cells of a breakdown."""
        cols = (b.columns, list(b.counts.columns)) if b.columns else None
        keys = grid_keys(dict(b.part), b.population, period, (b.rows, list(b.counts.index)), cols)
        full = suppress_counts(b.counts, 1)  # totals added; nothing hidden at a minimum cell of 1
        labels = {c: (c if b.columns else ALL) for c in full.columns}
        labels[TOTAL] = ALL
        values = {(r if r != TOTAL else ALL, labels[c]): int(v)
                  for r, row in zip(full.index, full.to_numpy()) for c, v in zip(full.columns, row)}
        return cls(b, period, keys, values)


@dataclass(frozen=True)
class Plan:
    """Which people counts the school year's MPS releases hide, and which tables they leave out."""

    min_cell: int
    hidden: frozenset[Key]
    omitted: frozenset[tuple[str, str]]  # (view name, period)
    rounds: int = 0
    moved: tuple[str, ...] = ()  # numbers MPS has that this release would move (a correction), in words

    def as_json(self) -> dict:
        """Return the plan as JSON-able values (the cache holds no pickle)."""
        return {"min_cell": self.min_cell, "rounds": self.rounds, "omitted": sorted(map(list, self.omitted)),
                "hidden": sorted([k.population, k.period, list(map(list, k.categories))] for k in self.hidden),
                "moved": list(self.moved)}

    @classmethod
    def from_json(cls, found: dict) -> Plan:
        """Return the plan `as_json` gave."""
        hidden = frozenset(Key(p, when, tuple(map(tuple, cats))) for p, when, cats in found["hidden"])
        return cls(int(found["min_cell"]), hidden, frozenset(map(tuple, found["omitted"])), int(found["rounds"]),
                   tuple(found.get("moved", ())))

    def shown(self, view: View, breakdown: people.Breakdown) -> pd.DataFrame | None:
        """Return a view's table as printed (with totals, `*` where hidden), or None when it is left out."""
        return self.shown_in(view, Grid.of(breakdown, view.period))

    def shown_in(self, view: View, grid: Grid) -> pd.DataFrame | None:
        """Return a view of a grid as printed, or None when it is left out."""
        if (view.name, view.period) in self.omitted:
            return None
        frame = view.frame(grid.breakdown.counts)
        hide = [(r, c) for r in [*frame.index, TOTAL] for c in [*frame.columns, TOTAL]
                if _view_key(grid, view, r, c) in self.hidden]
        return suppress_counts(frame, self.min_cell, hide)


def _view_key(grid: Grid, view: View, row: str, column: str) -> Key:
    """Return the key of a printed cell: a one-column view's Total column is that column."""
    col = view.column if view.column else (ALL if column == TOTAL else column)
    if not grid.breakdown.columns:
        col = ALL
    return grid.keys[(ALL if row == TOTAL else row, col)]


def _view_cells(grid: Grid, view: View) -> dict[Key, int]:
    """Return the sensitive cells a view prints, with their values (its Total row's too, where that breaks down by
    a protected dimension, as the 118.124 table's district totals of each kind do)."""
    frame = view.frame(grid.breakdown.counts)
    cells = {}
    for r in [*frame.index, TOTAL]:
        for c in [*frame.columns, TOTAL]:
            key = _view_key(grid, view, r, c)
            if sensitive(key):
                row = ALL if r == TOTAL else r
                cells[key] = grid.values[(row, key.get(grid.breakdown.columns) if grid.breakdown.columns else ALL)]
    return cells


def _like(b: people.Breakdown, whole: people.Breakdown) -> people.Breakdown:
    """Return a breakdown of part of a population with the rows and columns of the whole (absent ones zero)."""
    return b._replace(counts=b.counts.reindex(index=whole.counts.index, columns=whole.counts.columns, fill_value=0))


class Family:
    """The school year's people tables: every period's grids, the printed views, and the model's sums."""

    def __init__(self, data: DataSet, year: SchoolYear) -> None:
        terms = [year.semesters[s] for s in ("fall", "spring") if s in year.semesters]
        disparity = data.provided("enrollment")
        self.terms, self.year = [period(s) for s in terms], period(year.year_span)
        self.quarters = [period(q) for q in quarters(year)]
        self.rest = f"{self.year} less {'+'.join(self.terms)}"  # as the audit names the year's rest
        self.grids: dict[tuple[str, str], Grid] = {}
        spans = {period(s): s for s in [*terms, *quarters(year), year.year_span]}
        for when, span in spans.items():
            tables = people.breakdowns(data, span)
            if when in self.quarters:
                tables = {name: tables[name] for name in QUARTER_TABLES}
            elif disparity:
                tables["participating_by_race"] = people.participating_by_race(data, span)
                tables["enrolled"] = people.enrolled(data, year, span)
            self.grids.update({(name, when): Grid.of(b, when) for name, b in tables.items()})
        self.grids[("incidents_118124", self.year)] = Grid.of(people.incidents_118124(data, year), self.year)
        self.views = [v for p in self.terms for v in semester_views(p, disparity)]
        self.views += [v for q in self.quarters for v in quarter_views(q)]
        self.views += year_views(self.year, disparity)
        self.sums: list[tuple[str, list[str], list[str]]] = []  # (whole, parts) of grid names and periods
        self.rests: set[tuple[str, str]] = set()
        # Public background: use of force by the grade band of its school, in the periods whose views break it down.
        self.places = {p: people.force_by_grade_band(data, spans[p]) for p in self.terms}
        self._add_rest()
        self._add_pieces(data, spans)
        if disparity:
            self._add_elsewhere()
        self.base = self._model()
        self.values = {key: grid.values[cell] for grid in self.grids.values() for cell, key in grid.keys.items()}

    def _derived(self, name: str, when: str, b: people.Breakdown, counts: pd.DataFrame) -> None:
        """Add a grid that no table prints, whose counts follow from printed ones: a rest the rule protects."""
        self.grids[(name, when)] = Grid.of(b._replace(counts=counts), when)
        self.rests.add((name, when))

    def _add_rest(self) -> None:
        """Add the grids of the year outside its semesters: the year's counts less the semesters' (of a population and
        part that add over periods)."""
        for (name, when), grid in list(self.grids.items()):
            counted = all((name, p) in self.grids for p in self.terms)  # the 118.124 incidents: the year's only
            if when == self.year and counted and adds_over_periods(grid.keys[(ALL, ALL)]):
                counts = grid.breakdown.counts - sum(self.grids[(name, p)].breakdown.counts for p in self.terms)
                self._derived(name, self.rest, grid.breakdown, counts)
                self.sums.append(((name, when), [(name, p) for p in [*self.terms, self.rest]]))

    def _add_pieces(self, data: DataSet, spans: dict[str, Span]) -> None:
        """Add the pieces the printed periods cut the year into, and tie each semester, quarter and the year's rest to
        its pieces, and each semester to the quarters inside it and their rest (of a population that adds over periods).

        A quarter is not inside a semester as a rule (January-March runs across both), so its tables tie to the
        semesters' through the pieces: counts no table prints and no rule protects (a piece is no population's rest),
        whose counts not broken down by a person the attacker is taken to know, as every such count.
        """
        names = [name for name, when in self.grids if when == self.quarters[0]
                 and adds_over_periods(self.grids[(name, self.year)].keys[(ALL, ALL)])]
        cut = {period(p): p for p in pieces(list(spans.values()))}
        for piece, span in cut.items():
            tables = people.breakdowns(data, span)
            for name in names:
                self.grids[(name, piece)] = Grid.of(_like(tables[name], self.grids[(name, self.year)].breakdown), piece)
        outside = [p for p, s in cut.items() if not any(_inside(s, spans[t]) for t in self.terms)]
        for name in names:
            for when in [*self.terms, *self.quarters]:
                self.sums.append(((name, when), [(name, p) for p, s in cut.items() if _inside(s, spans[when])]))
            if (name, self.rest) in self.grids:
                self.sums.append(((name, self.rest), [(name, p) for p in outside]))
            for term in self.terms:
                self._add_term_rest(name, term, [q for q in self.quarters if _inside(spans[q], spans[term])])

    def _add_term_rest(self, name: str, term: str, inner: list[str]) -> None:
        """Add a semester's rest outside the quarters inside it (the audit's name for it), which the rule protects."""
        if not inner:
            return
        whole = self.grids[(name, term)].breakdown
        counts = whole.counts - sum(_like(self.grids[(name, q)].breakdown, whole).counts for q in inner)
        rest = f"{term} less {'+'.join(inner)}"
        self._derived(name, rest, whole, counts)
        self.sums.append(((name, term), [(name, p) for p in [*inner, rest]]))

    def _add_elsewhere(self) -> None:
        """Add the actions not at a school taking part, by race: all of them less the disparity rates' counts.

        Not for the rest of the year: which schools take part differs by period, so the rest's parts do not add up.
        """
        for when in [*self.terms, self.year]:
            whole, part = self.grids[("actions_by_race", when)], self.grids[("participating_by_race", when)]
            rest = whole.breakdown.counts - part.breakdown.counts
            self._derived("elsewhere_by_race", when, whole.breakdown._replace(part=ELSEWHERE), rest)
            self.sums.append((("actions_by_race", when), [("participating_by_race", when), ("elsewhere_by_race", when)]))

    def _model(self) -> Model:
        """Return the model with every sum and every public (not broken down) count shown."""
        model = Model()
        for grid in self.grids.values():
            add_grid_sums(model, grid.keys)
            model.shown.update({key: grid.values[cell] for cell, key in grid.keys.items() if not sensitive(key)})
        for whole, parts in self.sums:  # cell by cell: the year is its parts, all actions are theirs
            for cell, key in self.grids[whole].keys.items():
                model.add_sum(key, [self.grids[p].keys[cell] for p in parts])
        for when, counts in self.places.items():
            ages, students = (self.grids[(f"use_of_force_by_{d}", when)].breakdown.counts.index for d in ("age_band",
                                                                                                          "student"))
            model.shown.update({Key.of(people.FORCE, when, grade_band=b): n for b, n in counts.items()})
            add_places(model, people.FORCE, when, counts, {b: b for b in counts}, students, ages)
        # A rest of none is a zero the attacker cannot be shown wrong on: only the others can break the rule.
        model.derived = {k for name in self.rests for cell, k in self.grids[name].keys.items()
                         if sensitive(k) and self.grids[name].values[cell] != 0}
        return model

    def published(self, omitted: frozenset) -> dict[Key, int]:
        """Return every sensitive cell printed by a view not left out, with its value."""
        cells = {}
        for view in self.views:
            if (view.name, view.period) not in omitted:
                cells.update(_view_cells(self.grids[(view.breakdown, view.period)], view))
        return cells

    def close(self, hidden: set[Key], omitted: frozenset, min_cell: int) -> set[Key]:
        """Return `hidden` grown until every printed view obeys the contract's rules (`suppress_counts`)."""
        hidden = set(hidden)
        changed = True
        while changed:
            changed = False
            for view in self.views:
                if (view.name, view.period) in omitted:
                    continue
                grid = self.grids[(view.breakdown, view.period)]
                shown = Plan(min_cell, frozenset(hidden), omitted).shown_in(view, grid)
                rows, cols = np.nonzero(shown.to_numpy() == SUPPRESSED)
                stars = {_view_key(grid, view, shown.index[r], shown.columns[c]) for r, c in zip(rows, cols)}
                new = {k for k in stars if sensitive(k)} - hidden
                if new:
                    hidden |= new
                    changed = True
        return hidden

    def model(self, hidden: set[Key], omitted: frozenset) -> Model:
        """Return what an attacker knows of the printed views."""
        model = self.base.copy()
        for key, value in self.published(omitted).items():
            model.show(key, SUPPRESSED if key in hidden else value)
        return model


def _drawn(family: Family, hidden: set[Key], secret: bytes) -> set[Key]:
    """Return `hidden` and one more shown cell of each printed view that hides any, drawn by a keyed hash.

    The hash is keyed by the workspace's secret and reads the view's counts, not the input files: the same
    counts draw the same cells, whatever the bytes they were read from.
    """
    out = set(hidden)
    for view in family.views:
        cells = _view_cells(family.grids[(view.breakdown, view.period)], view)
        shown = sorted(k for k, v in cells.items() if v > 0 and k not in hidden)
        if shown and any(k in hidden for k in cells):
            content = json.dumps([view.name, view.period, sorted((k.label(), v) for k, v in cells.items())])
            digest = hmac.new(secret, content.encode(), hashlib.sha256).digest()
            out.add(shown[int.from_bytes(digest[:8], "big") % len(shown)])
    return out


def _printing(family: Family, keys: set[Key], had: set[Key]) -> set[tuple[str, str]]:
    """Return the views that print any of `keys`, but where MPS already has the cell (leaving it out hides nothing)."""
    return {(v.name, v.period) for v in family.views
            if keys & (set(_view_cells(family.grids[(v.breakdown, v.period)], v)) - had)}


def _quarters_first(views: set[tuple[str, str]], quarters: list[str]) -> set[tuple[str, str]]:
    """Return the quarters' views among those that could be left out, where any: a quarter's table goes before the
    semester's or the year's it ties to (the next round's attack tells whether that was enough)."""
    return {v for v in views if v[1] in quarters} or views


def _cost(period: str, key: Key) -> float:
    """Return what moving a printed cell costs to protect a count of `period`: a cell of another period twice as much,
    since its `*` goes into another report."""
    return 1.0 if key.period == period else 2.0


def plan(data: DataSet, year: SchoolYear, entries: tuple[Entry, ...] = (), secret: bytes = b"") -> Plan:
    """Return the protection of the school year's MPS people tables, with what MPS already has (`entries` of the
    ledger). `secret` keys the draw (the workspace's). One draw: a table is left out only where no hiding of any
    printed cell protects a count (`attack.widening`), which no other draw changes."""
    return _plan(Family(data, year), year, entries, secret + b":0")


def _attacked(family: Family, hidden: set[Key], omitted: frozenset,
              entries: tuple[Entry, ...]) -> tuple[Model, list, set[Key], set[Key]]:
    """Return the attacker's model of the printed views with the ledger's entries, the numbers a correction moves,
    and the cells MPS already has from the same records, printed (hiding them now protects nothing) and hidden.

    An entry's cells that the year's tables hold are read into the model (the audit reads the rest of it): where
    every one of them is as counted now, as the same cells; where some differ (a correction), as cells of their
    own with the year's sums, each tied to the cell now by a change the rule protects.
    """
    from sro_reporting.disclosure.audit import Release, read_entry

    model, moved, had, kept_hidden = family.model(hidden, omitted), [], set(), set()
    for entry in entries:
        old = Release()
        read_entry(old, entry)
        printed = {k: v for k, v in old.model.shown.items() if k in family.values}
        stars = {k for k in old.model.hidden if k in family.values}
        # A `*` is at least 1: one where the count is now 0 is a moved number too.
        differ = sorted([k for k, v in printed.items() if family.values[k] != v]
                        + [k for k in stars if family.values[k] == 0])
        moved += [f"{k.label()}: {printed.get(k, '*')} in ledger entry {entry.name[:12]}, {family.values[k]} now"
                  for k in differ]
        if not differ:
            for key, value in printed.items():
                model.show(key, value)
            had |= set(printed)
            kept_hidden |= stars
            model.hidden |= {k for k in stars if k not in model.shown}
            continue
        for total, parts in family.base.all_sums():
            model.add_sum(as_in(total, entry.name), [as_in(p, entry.name) for p in parts])
        model.shown.update({as_in(k, entry.name): v for k, v in printed.items()})
        model.hidden |= {as_in(k, entry.name) for k in stars}
        for key in family.values:
            model.add_sum(key, [as_in(key, entry.name), change(key, entry.name)])
            model.signed.add(change(key, entry.name))
            if protected_rest(key):
                model.derived.add(change(key, entry.name))
    return model, moved, had, kept_hidden


def _plan(family: Family, year: SchoolYear, entries: tuple[Entry, ...], secret: bytes) -> Plan:
    """Return the protection with the cells drawn by `secret`, grown until the attack finds nothing."""
    from sro_reporting.disclosure.attack import failures, ranges, widening  # HiGHS: only where a plan is made

    omitted: frozenset[tuple[str, str]] = frozenset()
    hidden = _drawn(family, family.close(set(), omitted, year.min_cell), secret)
    given: set[Key] = set()  # counts MPS's own releases already fail to protect: no hiding now can
    for rounds in range(1, MAX_ROUNDS + 1):
        hidden = family.close(hidden, omitted, year.min_cell)
        model, moved, had, kept_hidden = _attacked(family, hidden, omitted, entries)
        if kept_hidden - hidden:  # a `*` MPS has stays a `*`: a re-release never prints what an earlier one hid
            hidden |= kept_hidden
            continue
        bad = failures(ranges(model, close_to=year.min_cell / 2 + 1, brief=True), year.min_cell)
        bad = bad[~bad["key"].isin(given)]
        if bad.empty:
            lost = [f"{k.label()}: not protected by any table this release could hide" for k in sorted(given)]
            return Plan(year.min_cell, frozenset(hidden), omitted, rounds, tuple(moved + lost))
        cells, touched, started = {k: v for k, v in family.published(omitted).items() if k not in had}, set(), omitted
        for row in bad.itertuples():
            lines = [(t, p) for t, p in model.all_sums() if now(row.key) == t or now(row.key) in p]
            if any(k in touched for t, p in lines for k in (t, *p)):
                continue  # a cell hidden this round may already widen this one
            picks = widening(model, row.key, {k: v for k, v in cells.items() if k not in model.hidden and v > 0},
                             (row.low, row.high), math.ceil(year.min_cell / 2), partial(_cost, now(row.key).period))
            if picks:
                hidden |= picks
                touched |= picks
                continue
            # The table that prints the count; for a count no table prints (a rest), those printing its lines.
            leave = _quarters_first((_printing(family, {now(row.key)}, had | kept_hidden)
                                     or _printing(family, {k for t, p in lines for k in (t, *p)}, had | kept_hidden))
                                    - omitted, family.quarters)
            if leave:
                omitted = omitted | leave
                touched.add(row.key)
            elif omitted == started:  # else a table left out this round may print it: the next round's attack decides
                given.add(row.key)  # the audit will fail the release on it: it is withheld
    raise RuntimeError(f"disclosure protection did not settle in {MAX_ROUNDS} rounds")
