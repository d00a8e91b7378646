"""What each number of a released table counts: the layout a report writes beside a table, for the audit.

A table's cell counts a population in a period, broken down by the categories its row and its
column add. The audit reads these layouts from the release's manifest and the numbers from the
CSVs, and needs nothing else: it does not trust the code that made the tables.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from sro_reporting.disclosure.model import ALL, Key
from sro_reporting.disclosure.privacy import TOTAL
from sro_reporting.params import Span

LAYOUTS = "layouts.json"  # beside a report's CSVs: each CSV's layout, by file name


class Frozen(BaseModel):
    """A frozen layout part that refuses unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Part(Frozen):
    """What a row or a column adds to its cells' key: population, period and categories (`*` = all)."""

    population: str | None = None
    period: str | None = None
    categories: dict[str, str] = {}


class Rate(Frozen):
    """A column of rates: count per `per` of base, rounded to `decimals`."""

    column: str
    count: str
    base: str
    per: float = 1000.0
    decimals: int = 2


class Index(Frozen):
    """A column of indices: a row's rate divided by the reference row's rate, rounded to `decimals`."""

    column: str
    rate: str
    reference_row: str
    decimals: int = 2


class Layout(Frozen):
    """How to read the counts of one CSV: its row labels, its count columns, its rates."""

    population: str = ""
    period: str = ""
    categories: dict[str, str] = {}  # categories every cell of the table shares (e.g. a school)
    row_label: str  # the CSV column holding each row's label
    row_dimension: str = ""  # the dimension of the row labels; blank: rows are listed in `rows`
    rows: dict[str, Part] = {}  # by row label, when rows are measures rather than categories
    columns: dict[str, Part]  # the CSV columns holding counts, and what each adds
    rates: list[Rate] = []
    indices: list[Index] = []

    def periods(self) -> set[str]:
        """Return every period a count of the table is of."""
        found = {self.period, *(p.period for p in (*self.rows.values(), *self.columns.values()))}
        return {p for p in found if p and "/" in p}

    def key(self, row: str, column: str) -> Key | None:
        """Return the key of the cell at a row label and a count column (None for a row not listed)."""
        parts = [Part(population=self.population, period=self.period, categories=self.categories)]
        if self.row_dimension:
            parts.append(Part(categories={self.row_dimension: ALL if row == TOTAL else row}))
        elif row in self.rows:
            parts.append(self.rows[row])
        else:
            return None
        parts.append(self.columns[column])
        population = next(p.population for p in reversed(parts) if p.population)
        period = next(p.period for p in reversed(parts) if p.period)
        categories = {k: v for p in parts for k, v in p.categories.items()}
        return Key.of(population, period, **categories)


def period(span: Span) -> str:
    """Return a period as layouts write it: `2026-01-26/2026-06-12`."""
    return f"{span.start}/{span.end}"
