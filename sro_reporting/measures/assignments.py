"""SROs per school (contract v3, section 3a): who was assigned to each school, who served it and on how many days.

The roster (`assignments`) says who was assigned; the activity log says who was there and on which days. Where
MPD gives no roster, the SROs of a school are those who logged an activity there.
"""

from __future__ import annotations

import pandas as pd

from sro_reporting.linking.schools import participating
from sro_reporting.measures.population import TOTAL
from sro_reporting.params import Span
from sro_reporting.periods import in_span

DEFINITION = ("SROs assigned: officers on MPD's roster of SROs per school for some day of the period. SROs who "
              "logged activity: officers who logged at least one activity at the school in the period. Days with "
              "an SRO: days on which at least one SRO logged an activity at the school. District: each officer "
              "and each day counted once, however many schools.")


def assigned_in(assignments: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return the assignments that cover some day of `span` (an open end runs on)."""
    ends = assignments["assigned_to"].isna() | (assignments["assigned_to"] >= pd.Timestamp(span.start))
    return assignments[(assignments["assigned_from"] <= pd.Timestamp(span.end)) & ends]


def per_school(assignments: pd.DataFrame | None, activities: pd.DataFrame, schools: pd.DataFrame,
               span: Span) -> pd.DataFrame:
    """Return per school taking part: SROs assigned, SROs who logged activity there, days with an SRO; a district row.

    `assignments` None (no roster given): the assigned column is blank, not zero. The district row counts each
    officer and each day once.

    >>> import datetime as dt
    >>> schools = pd.DataFrame({"school_id": ["1", "2"], "school_name": ["A", "B"], "sro_participating": [True] * 2,
    ...     "participation_start": [pd.NaT] * 2, "participation_end": [pd.NaT] * 2})
    >>> roster = pd.DataFrame({"officer_id": ["X", "X", "Y"], "school_id": ["1", "2", "1"],
    ...     "assigned_from": pd.to_datetime(["2025-08-01"] * 2 + ["2026-01-01"]), "assigned_to": pd.NaT})
    >>> acts = pd.DataFrame({"officer_id": ["X", "X", "Y"], "school_id": ["1", "2", "1"],
    ...     "activity_date": pd.to_datetime(["2025-09-02", "2025-09-02", "2025-09-03"])})
    >>> span = Span(start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 30))
    >>> per_school(roster, acts, schools, span)[["school_name", "sros_assigned", "sros_logged", "days_with_sro"]
    ...     ].values.tolist()
    [['A', 1, 2, 2], ['B', 1, 1, 1], ['Total', 1, 2, 2]]
    """
    part = participating(schools, span.start, span.end)[["school_id", "school_name"]]
    acts = activities[in_span(activities["activity_date"], span) & activities["school_id"].isin(part["school_id"])]
    logged = acts.groupby("school_id").agg(sros_logged=("officer_id", "nunique"),
                                           days_with_sro=("activity_date", "nunique"))
    totals = {"sros_logged": acts["officer_id"].nunique(), "days_with_sro": acts["activity_date"].nunique()}
    out = part.set_index("school_id")
    if assignments is None:
        out["sros_assigned"] = pd.NA
        totals["sros_assigned"] = pd.NA
    else:
        roster = assigned_in(assignments, span)
        roster = roster[roster["school_id"].isin(part["school_id"])]
        out["sros_assigned"] = roster.groupby("school_id")["officer_id"].nunique()
        totals["sros_assigned"] = roster["officer_id"].nunique()
    out = out.join(logged).fillna({"sros_logged": 0, "days_with_sro": 0})
    out.loc[TOTAL] = {"school_name": TOTAL, **totals}
    out = out.reset_index()
    out.loc[out["school_name"] == TOTAL, "school_id"] = pd.NA
    if assignments is not None:
        out["sros_assigned"] = out["sros_assigned"].fillna(0)
    counts = ["sros_assigned", "sros_logged", "days_with_sro"]
    return out[["school_id", "school_name", *counts]].astype({c: "Int64" for c in counts})
