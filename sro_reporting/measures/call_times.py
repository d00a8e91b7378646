"""When calls come: in school hours on a school day, or at other times (evenings, nights, weekends, breaks).

Many calls to school addresses are not school-day calls (a building's alarms, the neighbourhood at
night), so the reports split the calls at participating schools by when they came. School days and
school hours are the parameter file's (`staffing.school_days`, `school_hours`): a call is in school
hours when it comes on a school day at or after the opening time and before the closing time.
"""

from __future__ import annotations

import pandas as pd

from sro_reporting.measures.staffing import school_days
from sro_reporting.params import SchoolYear, Span

IN_HOURS = "School hours on a school day"
SCHOOL_DAY_OTHER = "School day, outside school hours"
NO_SCHOOL = "Weekend, holiday, break or summer"
WHEN = (IN_HOURS, SCHOOL_DAY_OTHER, NO_SCHOOL)


def when(calls: pd.DataFrame, year: SchoolYear, span: Span) -> pd.Series:
    """Return for each call when it came: one of `WHEN`.

    >>> import datetime as dt
    >>> year = SchoolYear(school_year="2025-26", school_hours=("07:30", "16:30"),
    ...     semesters={"fall": Span(start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 30))})
    >>> calls = pd.DataFrame({"call_datetime": pd.to_datetime(
    ...     ["2025-09-02 07:30", "2025-09-02 16:30", "2025-09-06 10:00"])})  # Tuesday twice, then a Saturday
    >>> when(calls, year, year.semesters["fall"]).tolist()
    ['School hours on a school day', 'School day, outside school hours', 'Weekend, holiday, break or summer']
    """
    days = school_days(year, span)
    at = calls["call_datetime"]
    on_school_day = at.dt.normalize().isin(days)
    opens, closes = (pd.Timedelta(f"{t}:00") for t in year.school_hours)
    clock = at - at.dt.normalize()
    in_hours = on_school_day & (clock >= opens) & (clock < closes)
    out = pd.Series(NO_SCHOOL, index=calls.index, dtype="str")
    out[on_school_day] = SCHOOL_DAY_OTHER
    out[in_hours] = IN_HOURS
    return out


def split(calls: pd.DataFrame, year: SchoolYear, span: Span) -> pd.DataFrame:
    """Return calls by when they came, each with its share of all calls (%), every row listed.

    >>> import datetime as dt
    >>> year = SchoolYear(school_year="2025-26", semesters={"fall": Span(start=dt.date(2025, 9, 1),
    ...     end=dt.date(2025, 9, 30))})
    >>> calls = pd.DataFrame({"call_datetime": pd.to_datetime(["2025-09-02 09:00", "2025-09-02 23:00"])})
    >>> split(calls, year, year.semesters["fall"])[["calls", "share_pct"]].values.tolist()
    [[1.0, 50.0], [1.0, 50.0], [0.0, 0.0]]
    """
    counts = when(calls, year, span).value_counts().reindex(list(WHEN), fill_value=0)
    total = int(counts.sum())
    out = counts.rename("calls").rename_axis("when").reset_index()
    out["share_pct"] = (100 * out["calls"] / total).round(1) if total else 0.0
    return out.astype({"calls": "int64"})


def by_school(calls: pd.DataFrame, year: SchoolYear, span: Span) -> pd.DataFrame:
    """Return per school (calls with `school_id`, `school_name`): calls in school hours, at other times, share other.

    >>> import datetime as dt
    >>> year = SchoolYear(school_year="2025-26", semesters={"fall": Span(start=dt.date(2025, 9, 1),
    ...     end=dt.date(2025, 9, 30))})
    >>> calls = pd.DataFrame({"school_id": ["1", "1"], "school_name": ["A", "A"],
    ...     "call_datetime": pd.to_datetime(["2025-09-02 09:00", "2025-09-06 23:00"])})
    >>> by_school(calls, year, year.semesters["fall"]).values.tolist()
    [['1', 'A', 1, 1, 2, 50.0]]
    """
    found = calls.assign(in_hours=when(calls, year, span) == IN_HOURS)
    out = found.groupby(["school_id", "school_name"]).agg(
        school_hours=("in_hours", "sum"), total=("in_hours", "size")).reset_index()
    out.insert(3, "other_times", out["total"] - out["school_hours"])
    out["other_share_pct"] = (100 * out["other_times"] / out["total"]).round(1)
    return out.astype({"school_hours": "int64", "other_times": "int64", "total": "int64"})
