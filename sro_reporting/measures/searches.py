"""Searches by SROs (contract v3, section 3a): by type, by basis and by what was found, at each school."""

from __future__ import annotations

import pandas as pd

from sro_reporting.measures.population import TOTAL, place, place_rows
from sro_reporting.params import Span
from sro_reporting.periods import in_span
from sro_reporting.reading.codes import SEARCH_BASIS, SEARCH_FOUND, SEARCH_TYPE, CodeSet

NOT_RECORDED = "Not recorded"
DEFINITION = ("A search of a person, of property (a bag, a locker) or of a vehicle by an SRO, one row per "
              "search as MPD records it. \"Found\": what the search found; \"Nothing found\" and \"Not recorded\" "
              "are told apart.")


def searches_in(searches: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return the searches dated in `span`."""
    return searches[in_span(searches["search_datetime"], span)]


def _labels(values: pd.Series, codes: CodeSet) -> pd.Series:
    """Return each code's plain-English label; a blank is `Not recorded`."""
    return values.map(codes.label).astype("str").fillna(NOT_RECORDED)


def crosstab(searches: pd.DataFrame, span: Span, column: str, codes: CodeSet) -> pd.DataFrame:
    """Return the period's searches by a coded column (rows, every code and `Not recorded`) and type, with totals.

    >>> import datetime as dt
    >>> s = pd.DataFrame({"search_datetime": pd.to_datetime(["2026-01-05"] * 3), "search_type": ["PERSON"] * 2
    ...     + ["VEHICLE"], "found": ["DRUGS", None, "DRUGS"]})
    >>> t = crosstab(s, Span(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31)), "found", SEARCH_FOUND)
    >>> t.set_index("found").loc[["Drugs", "Not recorded", "Total"]].values.tolist()
    [[1, 0, 1, 2], [1, 0, 0, 1], [2, 0, 1, 3]]
    """
    found = searches_in(searches, span)
    rows = [codes.label(c) for c in codes.codes] + [NOT_RECORDED]
    types = [SEARCH_TYPE.label(c) for c in SEARCH_TYPE.codes]
    table = pd.crosstab(_labels(found[column], codes), _labels(found["search_type"], SEARCH_TYPE))
    table = table.reindex(index=rows, columns=types, fill_value=0).astype("int64")
    if NOT_RECORDED not in set(_labels(found[column], codes)):
        table = table.drop(index=NOT_RECORDED)  # a column always filled needs no such row
    table[TOTAL] = table.sum(axis=1)
    table.loc[TOTAL] = table.sum()
    return table.rename_axis(index=column, columns=None).reset_index()


def by_found(searches: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return the period's searches by what was found and by type."""
    return crosstab(searches, span, "found", SEARCH_FOUND)


def by_basis(searches: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return the period's searches by their legal basis and by type."""
    return crosstab(searches, span, "basis", SEARCH_BASIS)


def by_school(searches: pd.DataFrame, schools: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return the period's searches by type at each school taking part, in the rows for the rest, and in total.

    >>> import datetime as dt
    >>> s = pd.DataFrame({"search_datetime": pd.to_datetime(["2026-01-05"] * 2), "search_type": ["PERSON", "PROPERTY"],
    ...     "school_id": ["1", None]})
    >>> schools = pd.DataFrame({"school_id": ["1"], "school_name": ["A"], "sro_participating": [True],
    ...     "participation_start": [pd.NaT], "participation_end": [pd.NaT]})
    >>> t = by_school(s, schools, Span(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31)))
    >>> t[["school_name", "PERSON", "PROPERTY", "total"]].values.tolist()[::3]
    [['A', 1, 0, 1], ['No school recorded', 0, 1, 1]]
    """
    found = searches_in(searches, span)
    wide = pd.crosstab(place(found["school_id"], found["search_datetime"], schools, span), found["search_type"])
    wide = wide.reindex(columns=list(SEARCH_TYPE.codes), fill_value=0)
    return place_rows(wide.assign(total=wide.sum(axis=1)), schools, span)
