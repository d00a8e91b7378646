"""Disparity: arrests and citations per 1,000 enrolled students by race, and the relative rate index.

The relative rate index (OJJDP method) is a group's rate divided by White students' rate;
1.0 is parity. The base is the enrollment of the participating schools in the school year.
A group under 1% of that enrollment gets no index, as is usual practice.
"""

from __future__ import annotations

import pandas as pd

from sro_reporting.frames import SUPPRESSED
from sro_reporting.measures.enforcement import actions_in
from sro_reporting.params import Span
from sro_reporting.reading.codes import RACE

SMALL_GROUP = 0.01  # share of enrollment under which no index is given
DECIMALS = 1  # rates and indices are rounded once, from the exact values, to what the reports print
DEFINITION = (
    "Rate: school-related actions per 1,000 students enrolled at the participating schools. Relative "
    "rate index (OJJDP): a group's rate divided by White students' rate; 1.0 is parity. Groups under 1% "
    "of enrollment get no index. Actions whose person's race is unknown get no rate. The table counts only "
    "the actions at schools taking part, on the days they take part, whose enrollment is the base: its "
    "totals are smaller than the key figures', which count every school-related action of the period; the "
    "rest are in the rows after the schools in the table of every count at each school.")


def enrolled_rows(enrollment: pd.DataFrame, school_ids: list[str], school_year: str) -> pd.DataFrame:
    """Return the enrollment rows that count each student of the given schools in the school year once."""
    rows = enrollment[(enrollment["school_year"] == school_year) & enrollment["school_id"].isin(school_ids)]
    whole = rows[rows["gender"].isna()]  # a school's all-gender rows; else sum its gender rows
    parts = rows[~rows["school_id"].isin(whole["school_id"]) & rows["gender"].notna()]
    return pd.concat([whole, parts])


def enrollment_by_race(enrollment: pd.DataFrame, school_ids: list[str], school_year: str) -> pd.Series:
    """Return students enrolled at the given schools in the school year, by race code (all genders)."""
    counts = enrolled_rows(enrollment, school_ids, school_year).groupby("race")["students"].sum()
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
        rate = 1000 * out[column] / out["students"].where(out["students"] > 0)
        white = rate[out["race"] == "WHITE"].iloc[0]
        index = rate / white if pd.notna(white) and white > 0 else rate * float("nan")
        # Rounded once, here, to the one place the reports print: the PDF and the CSV show the same 17.2
        out[f"{action}_rate"] = rate.round(DECIMALS)
        out[f"{action}_rri"] = index.where(share >= SMALL_GROUP).round(DECIMALS)
    return out[out["race"] != "UNKNOWN"].reset_index(drop=True)


def _masked(values: pd.Series, known) -> list:
    """Return values with `*` where they exist but would give a hidden count back."""
    return [v if ok or pd.isna(v) else SUPPRESSED for v, ok in zip(values, known)]


def printed(table: pd.DataFrame, counts: dict[str, pd.Series]) -> pd.DataFrame:
    """Return the disparity table as printed, from `rates` and the counts as printed (`*` where hidden).

    `counts` holds students, arrests and citations by race label with a `Total` row. A rate is shown
    only where its count and its students are, so no hidden count can be worked back from it; an
    index only where its rate and White students' rate are. Unknown race and Total get no rate.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"race": ["BLACK", "WHITE"], "students": [500, 1000], "arrests": [40, 3],
    ...     "citations": [20, 30], "arrest_rate": [80.0, 3.0], "arrest_rri": [26.67, 1.0],
    ...     "citation_rate": [40.0, 30.0], "citation_rri": [1.33, 1.0]})
    >>> rows = ["Black or African American", "White", "Total"]
    >>> shown = printed(t, {"students": pd.Series([500, 1000, 1500], index=rows),
    ...     "arrests": pd.Series(["*", "*", 43], index=rows), "citations": pd.Series([20, 30, 50], index=rows)})
    >>> shown[["race", "arrests", "arrest_rate", "citation_rate", "citation_rri"]].values.tolist()
    [['Black or African American', '*', '*', 40.0, 1.33], ['White', '*', '*', 30.0, 1.0], ['Total', 43, nan, nan, nan]]
    """
    exact = table.assign(race=table["race"].map(RACE.label)).set_index("race").reindex(counts["students"].index)
    out = pd.DataFrame({"race": counts["students"].index, "students": counts["students"].to_numpy()})
    white = RACE.label("WHITE")
    for action, column in (("arrest", "arrests"), ("citation", "citations")):
        known = ((counts[column] != SUPPRESSED) & (counts["students"] != SUPPRESSED)).to_numpy()
        white_known = bool(known[list(counts[column].index).index(white)]) if white in counts[column].index else False
        out[column] = counts[column].to_numpy()
        out[f"{action}_rate"] = _masked(exact[f"{action}_rate"], known)
        out[f"{action}_rri"] = _masked(exact[f"{action}_rri"], known & white_known)
    order = ["race", "students", "arrests", "arrest_rate", "arrest_rri", "citations", "citation_rate", "citation_rri"]
    return out[order]
