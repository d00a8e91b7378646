"""The table model of a release: every count as a cell, what is shown of it, and the sums that tie cells.

A cell is identified by a `Key`: a population, a period, and the categories it is broken down by
(a dimension left out is "all"). Two tables that print the same key print the same number, so an
attacker reads them as one unknown. A cell is *shown* (its exact value is known), *hidden*
(printed as `*`: a whole number of at least 1, since zeros are shown as zeros), or *free* (never
printed: a whole number of at least 0, tied to the rest only through sums). A free cell may be
*derived*: a count of people no table prints but the release gives by subtraction (the rest of a
population, a change between two releases), which the rule protects like a hidden one. A change
between releases is *signed* (it may be negative).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

ALL = "*"
AS_IN, CHANGE = " [as in ", " [change since "
PUBLIC = ("students enrolled",)  # populations whose breakdowns are public background
STOCKS = ("students enrolled",)  # populations counted at a time, not over it: a year is not its semesters' sum
# The parts of a population by place do not add over periods: a school that takes part for one semester takes
# part in the year, so its other semester's actions are at a school taking part in the year and in neither semester.
BY_PERIOD = "place"


def adds_over_periods(key: Key) -> bool:
    """Return whether a cell's period is the sum of the periods inside it."""
    return now(key).population not in STOCKS and key.get(BY_PERIOD) == ALL
# What the rule protects: a person's attributes, an offense type (which can name a child too) and, in the 118.124
# table of incidents by high school, the high school (a place elsewhere is public: `place`, a school's key figures).
PERSON_DIMENSIONS = ("age_band", "gender", "race", "student", "offense", "high_school")


# Public background (issue 24): the age bands a school's students can be in, by its grade band as MPS lists it. The
# grades' usual ages with a year's margin either way (a child held back or started early; special education to 21 at
# a high school), so a bound no real student breaks: K-8 and middle schools hold no student of 17 or over, an
# elementary school none of 15 or over, a high school none under 12. An unknown age band is held everywhere.
HELD_AGE_BANDS = {
    "Elementary": ("0-11", "12-14", "unknown"),
    "Middle School": ("0-11", "12-14", "15-16", "unknown"),
    "K-8": ("0-11", "12-14", "15-16", "unknown"),
    "High School": ("12-14", "15-16", "17", "18+", "unknown"),
}
STUDENT = "Student"  # the student status whose ages a school's grade band bounds


@dataclass(frozen=True, order=True)
class Key:
    """A cell: population, period (`start/end` in ISO dates), and its categories by dimension."""

    population: str
    period: str
    categories: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.population, self.period, self.categories)))

    def __hash__(self) -> int:  # kept: the attack looks keys up in dictionaries millions of times a plan
        return self._hash

    @classmethod
    def of(cls, population: str, period: str, **categories: str) -> Key:
        """Return the key of a cell; a category given as `*` (all) is left out."""
        return cls(population, period, tuple(sorted((d, c) for d, c in categories.items() if c != ALL)))

    def get(self, dimension: str) -> str:
        """Return the key's category in a dimension, `*` where it covers all."""
        return dict(self.categories).get(dimension, ALL)

    def with_(self, **changes: str) -> Key:
        """Return the key with some dimensions (or `period`) changed; `*` removes a dimension."""
        period = changes.pop("period", self.period)
        merged = {**dict(self.categories), **changes}
        return Key.of(self.population, period, **merged)

    def label(self) -> str:
        """Return the key as a reader writes it: `actions 2026-01-26/2026-06-12 age_band=17`."""
        parts = [self.population, self.period, *(f"{d}={c}" for d, c in self.categories)]
        return " ".join(parts)


@dataclass
class Model:
    """What an attacker knows: shown values, hidden cells, free cells and the sums between them."""

    shown: dict[Key, int] = field(default_factory=dict)
    hidden: set[Key] = field(default_factory=set)
    sums: dict[Key, tuple[Key, ...]] = field(default_factory=dict)  # total -> its parts (one way to add it up)
    extra_sums: list[tuple[Key, tuple[Key, ...]]] = field(default_factory=list)
    bounds: dict[Key, tuple[float, float]] = field(default_factory=dict)  # ranges known from rates
    derived: set[Key] = field(default_factory=set)  # free cells the rule protects (rests, changes)
    signed: set[Key] = field(default_factory=set)  # free cells that may be negative (changes)

    def show(self, key: Key, value: object) -> None:
        """Record a printed cell: its value, or `*` for a hidden one."""
        if isinstance(value, str) and value.strip() == "*":
            if key not in self.shown:
                self.hidden.add(key)
            return
        number = int(value)
        if number != value:
            raise ValueError(f"{key.label()} is printed as {value}, not a whole number")
        if self.shown.get(key, number) != number:
            raise ValueError(f"{key.label()} is printed as both {self.shown[key]} and {number}")
        self.shown[key] = number
        self.hidden.discard(key)

    def add_sum(self, total: Key, parts: Iterable[Key]) -> None:
        """Record that `total` is the sum of `parts`."""
        parts = tuple(parts)
        if not parts or parts == (total,):
            return
        if total in self.sums and set(self.sums[total]) != set(parts):
            self.extra_sums.append((total, parts))
        else:
            self.sums[total] = parts

    def all_sums(self) -> list[tuple[Key, tuple[Key, ...]]]:
        """Return every sum recorded."""
        return [*self.sums.items(), *self.extra_sums]

    def unknowns(self) -> list[Key]:
        """Return every cell whose value is not shown: hidden ones and free ones, in a fixed order."""
        found = set(self.hidden)
        for total, parts in self.all_sums():
            found.update(k for k in (total, *parts) if k not in self.shown)
        found.update(k for k in self.bounds if k not in self.shown)
        found.update(k for k in self.derived if k not in self.shown)
        return sorted(found)

    def copy(self) -> Model:
        """Return an independent copy."""
        return Model(dict(self.shown), set(self.hidden), dict(self.sums), list(self.extra_sums), dict(self.bounds),
                     set(self.derived), set(self.signed))


def as_in(key: Key, entry: str) -> Key:
    """Return a cell as a ledger entry of other records (a correction's predecessor) counts it."""
    return Key(f"{key.population}{AS_IN}{entry[:12]}]", key.period, key.categories)


def change(key: Key, entry: str) -> Key:
    """Return the change of a cell since a ledger entry of other records: a signed unknown."""
    return Key(f"{key.population}{CHANGE}{entry[:12]}]", key.period, key.categories)


def now(key: Key) -> Key:
    """Return the cell of this release that a cell as in an entry, or its change since, stands for."""
    return Key(key.population.split(AS_IN)[0].split(CHANGE)[0], key.period, key.categories)


def sensitive(key: Key) -> bool:
    """Return whether a cell breaks people down by a person's attribute."""
    return any(key.get(d) != ALL for d in PERSON_DIMENSIONS)


def protected_rest(key: Key) -> bool:
    """Return whether the rule protects a cell no table prints: a count of people broken down by a person's
    attribute, but not of enrollment, which MPS publishes by school and race (public background)."""
    return sensitive(key) and now(key).population not in PUBLIC


def grid_keys(base: Mapping[str, str], population: str, period: str, rows: tuple[str, list[str]],
              columns: tuple[str, list[str]] | None) -> dict[tuple[str, str], Key]:
    """Return the keys of a two-way table and its totals by (row label, column label), `*` for totals."""
    row_dim, row_cats = rows
    col_dim, col_cats = columns if columns else ("", [])
    out = {}
    for r in [*row_cats, ALL]:
        for c in [*col_cats, ALL] if columns else [ALL]:
            cats = {**base, row_dim: r, **({col_dim: c} if columns else {})}
            out[(r, c)] = Key.of(population, period, **cats)
    return out


def add_grid_sums(model: Model, keys: dict[tuple[str, str], Key]) -> None:
    """Record a two-way table's sums: each row, each column and the grand total add up."""
    rows = sorted({r for r, _ in keys if r != ALL})
    cols = sorted({c for _, c in keys if c != ALL})
    for r in [*rows, ALL]:
        if cols:
            model.add_sum(keys[(r, ALL)], [keys[(r, c)] for c in cols])
    for c in [*cols, ALL]:
        model.add_sum(keys[(ALL, c)], [keys[(r, c)] for r in rows])


def unheld(population: str, period: str, place: str, grade_band: str, bands: Iterable[str],
           dimension: str = "school") -> list[Key]:
    """Return the cells of a place's students in age bands its grade band does not hold: zero, as public background
    says (none for a grade band MPS does not list)."""
    held = HELD_AGE_BANDS.get(grade_band)
    return [] if held is None else [Key.of(population, period, **{dimension: place}, student=STUDENT, age_band=b)
                                    for b in bands if b not in held]


def add_places(model: Model, population: str, period: str, places: Iterable[str], grade_bands: Mapping[str, str],
               students: Iterable[str], bands: Iterable[str], dimension: str = "grade_band") -> None:
    """Add each place's cells of a population by student status and age band, tied by sums to the place's count and
    to the breakdowns (the places cover the population); a place's students its grade band rules out are zero."""
    places, students, bands = list(places), list(students), list(bands)

    def key(place: str = ALL, student: str = ALL, band: str = ALL) -> Key:
        return Key.of(population, period, **{dimension: place}, student=student, age_band=band)

    for place in places:
        model.add_sum(key(place), [key(place, s) for s in students])
        for s in students:
            model.add_sum(key(place, s), [key(place, s, b) for b in bands])
        for b in bands:
            model.add_sum(key(place, band=b), [key(place, s, b) for s in students])
        model.bounds.update({k: (0.0, 0.0) for k in unheld(population, period, place, grade_bands.get(place, ""), bands,
                                                           dimension)})
    for s in students:
        model.add_sum(key(student=s), [key(place, s) for place in places])
    for b in bands:
        model.add_sum(key(band=b), [key(place, band=b) for place in places])
