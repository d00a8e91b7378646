"""Disparity: arrests and citations per 1,000 enrolled students by race, and the relative rate index.

The relative rate index (OJJDP method) is a group's rate divided by White students' rate;
1.0 is parity. The base is the enrollment of the participating schools in the school year.
A group under 1% of that enrollment gets no index, as is usual practice.
"""

from __future__ import annotations

import pandas as pd

from sro_reporting.enforcement import actions_in
from sro_reporting.params import Span
from sro_reporting.privacy import SUPPRESSED, suppress_counts
from sro_reporting.reading.codes import RACE

SMALL_GROUP = 0.01  # share of enrollment under which no index is given
DEFINITION = (
    "Rate: school-related actions per 1,000 students enrolled at the participating schools. Relative "
    "rate index (OJJDP): a group's rate divided by White students' rate; 1.0 is parity. Groups under 1% "
    "of enrollment get no index. Actions whose person's race is unknown get no rate.")


def enrollment_by_race(enrollment: pd.DataFrame, school_ids: list[str], school_year: str) -> pd.Series:
    """Return students enrolled at the given schools in the school year, by race code (all genders)."""
    rows = enrollment[(enrollment["school_year"] == school_year) & enrollment["school_id"].isin(school_ids)]
    whole = rows[rows["gender"].isna()]  # a school's all-gender rows; else sum its gender rows
    parts = rows[~rows["school_id"].isin(whole["school_id"]) & rows["gender"].notna()]
    counts = pd.concat([whole, parts]).groupby("race")["students"].sum()
    return counts.reindex(list(RACE.codes), fill_value=0).astype("int64")


def rates(enforcement: pd.DataFrame, enrollment: pd.DataFrame, school_ids: list[str], school_year: str,
          span: Span) -> pd.DataFrame:
    """Return per race: students, arrests, citations, rates per 1,000 and the index against White.

    >>> import pandas as pd, datetime as dt
    >>> enr = pd.DataFrame({"school_id": ["1", "1"], "school_year": ["2025-26"] * 2,
    ...     "race": ["BLACK", "WHITE"], "gender": [None, None], "students": [500, 1000]})
    >>> enf = pd.DataFrame({"action_datetime": pd.to_datetime(["2025-09-02"] * 3),
    ...     "school_related": [True] * 3, "school_id": ["1"] * 3, "action_type": ["arrest"] * 3,
    ...     "subject_race": ["BLACK", "BLACK", "WHITE"]})
    >>> t = rates(enf, enr, ["1"], "2025-26", Span(start=dt.date(2025, 7, 1), end=dt.date(2026, 6, 30)))
    >>> t.set_index("race").loc["BLACK", ["arrest_rate", "arrest_rri"]].tolist()
    [4.0, 4.0]
    """
    students = enrollment_by_race(enrollment, school_ids, school_year)
    found = actions_in(enforcement, span)
    found = found[found["school_id"].isin(school_ids)]
    counts = pd.crosstab(found["subject_race"], found["action_type"])
    counts = counts.reindex(index=list(RACE.codes), columns=["arrest", "citation"], fill_value=0)
    out = pd.DataFrame({"race": list(RACE.codes), "students": students.to_numpy(),
                        "arrests": counts["arrest"].to_numpy(), "citations": counts["citation"].to_numpy()})
    share = out["students"] / max(int(out["students"].sum()), 1)
    for action, column in (("arrest", "arrests"), ("citation", "citations")):
        rate = (1000 * out[column] / out["students"].where(out["students"] > 0)).round(2)
        white = rate[out["race"] == "WHITE"].iloc[0]
        out[f"{action}_rate"] = rate
        index = rate / white if pd.notna(white) and white > 0 else rate * float("nan")
        out[f"{action}_rri"] = index.where(share >= SMALL_GROUP).round(2)
    return out[out["race"] != "UNKNOWN"].reset_index(drop=True)


def suppressed(table: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """Return a `rates` table for MPS: students, arrests and citations each suppressed as one column
    with its total (`suppress_counts`), and a rate or index shown as `*` wherever its count or its
    students are, so a hidden count cannot be worked back from a rate; every index is `*` where
    White students' count is, since each index divides by their rate.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"race": ["BLACK", "WHITE"], "students": [500, 1000], "arrests": [40, 3],
    ...     "citations": [20, 30], "arrest_rate": [80.0, 3.0], "arrest_rri": [26.67, 1.0],
    ...     "citation_rate": [40.0, 30.0], "citation_rri": [1.33, 1.0]})
    >>> suppressed(t, 10)[["race", "arrests", "arrest_rate", "citations"]].values.tolist()
    [['Black or African American', '*', '*', 20], ['White', '*', '*', 30], ['Total', 43, nan, 50]]
    """
    labelled = table.assign(race=table["race"].map(RACE.label)).set_index("race")
    shown = pd.DataFrame({c: suppress_counts(labelled[[c]], min_cell)[c]
                          for c in ("students", "arrests", "citations")})
    for action, column in (("arrest", "arrests"), ("citation", "citations")):
        hidden = (shown[column] == SUPPRESSED) | (shown["students"] == SUPPRESSED)
        white = RACE.label("WHITE")
        for measure, mask in (("rate", hidden), ("rri", hidden | bool(hidden.get(white, False)))):
            values = labelled[f"{action}_{measure}"].reindex(shown.index).astype(object)
            shown[f"{action}_{measure}"] = values.where(~mask | values.isna(), SUPPRESSED)
    order = ["students", "arrests", "arrest_rate", "arrest_rri", "citations", "citation_rate", "citation_rri"]
    return shown[order].rename_axis("race").reset_index()
