"""Rates per enrolled student at each school, with exact intervals that say how sure a small school's rate is.

A count of events in a school year is read as Poisson; its exact (Garwood) interval is from the
gamma distribution, so a school with 2 arrests among 300 students gets a wide interval, not a
misleadingly precise rate.
"""

from __future__ import annotations

import pandas as pd
from scipy.stats import gamma

from sro_reporting.measures.disparity import enrolled_rows

LEVEL = 0.95  # the intervals' confidence level
PER = 1000  # rates per this many enrolled students
DECIMALS = 1
DEFINITION = (
    f"Rate: school-related arrests and citations per {PER:,} students enrolled at the school in the school year. "
    f"Low and high: the exact {LEVEL:.0%} interval of the rate (Poisson, Garwood): the range of rates that would "
    "give the count seen without surprise. A small school's interval is wide: its rate says less than a large "
    "school's. A school with no enrollment given gets no rate.")


def poisson_interval(count: int, level: float = LEVEL) -> tuple[float, float]:
    """Return the exact (Garwood) interval of a Poisson mean seen as `count`.

    >>> tuple(round(x, 3) for x in poisson_interval(0)), tuple(round(x, 3) for x in poisson_interval(5))
    ((0.0, 3.689), (1.623, 11.668))
    """
    tail = (1 - level) / 2
    low = 0.0 if count == 0 else float(gamma.ppf(tail, count))
    return low, float(gamma.ppf(1 - tail, count + 1))


def students_by_school(enrollment: pd.DataFrame, school_ids: list[str], school_year: str) -> pd.Series:
    """Return students enrolled at each of the given schools in the school year (NA where none is given)."""
    counts = enrolled_rows(enrollment, school_ids, school_year).groupby("school_id")["students"].sum()
    return counts.reindex(school_ids).astype("Int64")


def by_school(counts: pd.DataFrame, students: pd.Series, per: int = PER) -> pd.DataFrame:
    """Return each school's arrests and citations per `per` students with the exact interval.

    `counts`: school_id, school_name, arrests, citations (one row per school); `students`: by school_id.

    >>> counts = pd.DataFrame({"school_id": ["1", "2"], "school_name": ["A", "B"], "arrests": [3, 0],
    ...     "citations": [2, 0]})
    >>> t = by_school(counts, pd.Series([500, None], index=["1", "2"], dtype="Int64"))
    >>> t[["students", "actions", "rate", "low", "high"]].values.tolist()[0]
    [500, 5, 10.0, 3.2, 23.3]
    """
    out = counts[["school_id", "school_name", "arrests", "citations"]].reset_index(drop=True)
    out.insert(2, "students", out["school_id"].map(students).astype("Int64"))
    out["actions"] = out["arrests"] + out["citations"]
    bounds = pd.DataFrame([poisson_interval(int(n)) for n in out["actions"]], columns=["low", "high"])
    base = out["students"].astype("Float64").where(out["students"] > 0) / per
    out["rate"] = (out["actions"] / base).round(DECIMALS)
    out["low"], out["high"] = (bounds["low"] / base).round(DECIMALS), (bounds["high"] / base).round(DECIMALS)
    return out.astype({"rate": "Float64", "low": "Float64", "high": "Float64"})
