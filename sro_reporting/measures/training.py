"""Training completed by SROs in a period (IV.D, IV.E), by course."""

from __future__ import annotations

import pandas as pd

from sro_reporting.measures.population import TOTAL
from sro_reporting.params import Span
from sro_reporting.periods import in_span
from sro_reporting.reading.codes import COURSE_CODE


def completed(training: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return per course the completions dated in the period, the officers who completed it and the hours; a total.

    The total counts each officer once, whatever the courses.

    >>> import datetime as dt
    >>> t = pd.DataFrame({"officer_id": ["A", "A", "B"], "course_code": ["FERPA", "PBIS", "FERPA"],
    ...     "completion_date": pd.to_datetime(["2026-01-05", "2026-02-05", "2026-04-05"]),
    ...     "hours": pd.array([4.0, 2.5, 4.0], dtype="Float64")})
    >>> out = completed(t, Span(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))).set_index("course")
    >>> out.loc[["Student records (FERPA)", "Bullying", "Total"]].to_dict("list")
    {'completions': [1, 0, 2], 'officers': [1, 0, 1], 'hours': [4.0, 0.0, 6.5]}
    """
    found = training[in_span(training["completion_date"], span)]
    courses = found.assign(course=found["course_code"].map(COURSE_CODE.label))
    out = courses.groupby("course").agg(completions=("officer_id", "size"), officers=("officer_id", "nunique"),
                                        hours=("hours", "sum"))
    out = out.reindex([COURSE_CODE.label(c) for c in COURSE_CODE.codes]).fillna(0)
    out.loc[TOTAL] = [len(found), found["officer_id"].nunique(), float(found["hours"].sum())]
    out = out.astype({"completions": "int64", "officers": "int64", "hours": "float64"}).round({"hours": 1})
    return out.rename_axis("course").reset_index()
