"""Hours worked and coverage: the weekday school-hours window (III.A), the Act 12 floor, reach (III.B)."""

from __future__ import annotations

import pandas as pd

from sro_reporting.frames import measures
from sro_reporting.params import SchoolYear, Span
from sro_reporting.periods import in_span


def _clock(text: str) -> pd.Timedelta:
    """Return `HH:MM` as a time since midnight."""
    hours, minutes = text.split(":")
    return pd.Timedelta(hours=int(hours), minutes=int(minutes))


def shift_times(shifts: pd.DataFrame) -> pd.DataFrame:
    """Return shifts with `start` and `end` timestamps (an end before the start is the next day) and `hours`."""
    day = shifts["shift_date"]
    start = day + shifts["start_time"]
    end = day + shifts["end_time"]
    end = end.where(end > start, end + pd.Timedelta(days=1))
    return shifts.assign(start=start, end=end, hours=(end - start).dt.total_seconds() / 3600)


def window_overlaps(shifts: pd.DataFrame, year: SchoolYear) -> pd.DataFrame:
    """Return, per shift and day whose school-hours window it overlaps, the hours inside that window.

    The shifts need `start` and `end`; a shift past midnight can overlap the next day's window.

    >>> import datetime as dt
    >>> year = SchoolYear(school_year="2025-26", semesters={"fall": Span(start=dt.date(2025, 9, 1),
    ...     end=dt.date(2025, 9, 30))})
    >>> shifts = shift_times(pd.DataFrame({"officer_id": ["A"], "shift_date": pd.to_datetime(["2025-09-07"]),
    ...     "start_time": pd.to_timedelta(["23:00:00"]), "end_time": pd.to_timedelta(["08:30:00"])}))
    >>> window_overlaps(shifts, year)[["officer_id", "day", "hours"]].values.tolist()  # Sunday into Monday
    [['A', Timestamp('2025-09-08 00:00:00'), 1.0]]
    """
    open_, close = (_clock(t) for t in year.school_hours)
    parts = []
    for offset in (0, 1):
        day = shifts["shift_date"] + pd.Timedelta(days=offset)
        w_start, w_end = day + open_, day + close
        overlap = (shifts["end"].where(shifts["end"] < w_end, w_end)
                   - shifts["start"].where(shifts["start"] > w_start, w_start))
        parts.append(pd.DataFrame({"shift": shifts.index, "officer_id": shifts["officer_id"], "day": day,
                                   "hours": overlap.dt.total_seconds().clip(lower=0) / 3600}))
    out = pd.concat(parts, ignore_index=True)
    return out[out["hours"] > 0].reset_index(drop=True)


def _window_hours(shifts: pd.DataFrame, year: SchoolYear) -> pd.Series:
    """Return each shift's hours inside the weekday school-hours windows it overlaps (its date's and the next)."""
    found = window_overlaps(shifts, year)
    weekday = found[found["day"].dt.day_of_week < 5]
    return weekday.groupby("shift")["hours"].sum().reindex(shifts.index, fill_value=0.0)


def hours_by_officer(shifts: pd.DataFrame, year: SchoolYear, span: Span) -> pd.DataFrame:
    """Return per SRO: shifts, hours worked, hours in the weekday window and its share (III.A).

    >>> import pandas as pd, datetime as dt
    >>> from sro_reporting.params import SchoolYear
    >>> year = SchoolYear(school_year="2025-26", semesters={"fall": Span(start=dt.date(2025, 9, 1),
    ...     end=dt.date(2025, 9, 30))})
    >>> shifts = pd.DataFrame({"officer_id": ["A"], "shift_date": pd.to_datetime(["2025-09-02"]),
    ...     "start_time": pd.to_timedelta(["14:00:00"]), "end_time": pd.to_timedelta(["00:30:00"])})
    >>> hours_by_officer(shifts, year, year.semesters["fall"]).values.tolist()
    [['A', 1, 10.5, 2.5, 0.238]]
    """
    found = shift_times(shifts[in_span(shifts["shift_date"], span)])
    found = found.assign(window_hours=_window_hours(found, year))
    out = found.groupby("officer_id").agg(shifts=("hours", "size"), hours=("hours", "sum"),
                                           window_hours=("window_hours", "sum")).reset_index()
    out["share_in_window"] = (out["window_hours"] / out["hours"]).where(out["hours"] > 0)
    return out.round({"hours": 1, "window_hours": 1, "share_in_window": 3})


def school_days(year: SchoolYear, span: Span) -> pd.DatetimeIndex:
    """Return the school days of `span`: weekdays inside a semester, less the year's days off.

    >>> import datetime as dt
    >>> from sro_reporting.params import SchoolYear
    >>> year = SchoolYear(school_year="2025-26", days_off=[dt.date(2025, 9, 3)],
    ...     semesters={"fall": Span(start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 7))})
    >>> [d.day for d in school_days(year, year.semesters["fall"])]
    [1, 2, 4, 5]
    """
    days = pd.DatetimeIndex([])
    for term in year.semesters.values():
        start, end = max(term.start, span.start), min(term.end, span.end)
        if start <= end:
            days = days.union(pd.bdate_range(start, end))
    return days.difference(pd.DatetimeIndex(pd.to_datetime(list(year.days_off))))


def on_duty(shifts: pd.DataFrame, year: SchoolYear, span: Span) -> pd.DataFrame:
    """Return per school day the SROs on duty in school hours and whether that is under the floor.

    An SRO is on duty on a day when a shift overlaps that day's school-hours window at all: a shift
    past midnight counts for the next day when it reaches into that day's window.

    >>> import pandas as pd, datetime as dt
    >>> from sro_reporting.params import SchoolYear
    >>> year = SchoolYear(school_year="2025-26", sro_floor=2,
    ...     semesters={"fall": Span(start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 2))})
    >>> shifts = pd.DataFrame({"officer_id": ["A", "B"], "shift_date": pd.to_datetime(["2025-09-01"] * 2),
    ...     "start_time": pd.to_timedelta(["07:30:00", "17:00:00"]),
    ...     "end_time": pd.to_timedelta(["16:30:00", "23:00:00"])})
    >>> on_duty(shifts, year, year.semesters["fall"])[["sros_on_duty", "below_floor"]].values.tolist()
    [[1, True], [0, True]]
    """
    days = school_days(year, span)
    near = shifts["shift_date"].isin(days) | (shifts["shift_date"] + pd.Timedelta(days=1)).isin(days)
    found = window_overlaps(shift_times(shifts[near]), year)
    found = found[found["day"].isin(days)]
    counts = found.groupby("day")["officer_id"].nunique().reindex(days, fill_value=0)
    out = counts.rename("sros_on_duty").rename_axis("date").reset_index()
    out["floor"] = year.sro_floor
    out["below_floor"] = out["sros_on_duty"] < year.sro_floor
    return out.astype({"sros_on_duty": "int64"})


def below_floor(duty: pd.DataFrame) -> pd.DataFrame:
    """Return only the days of an `on_duty` table with fewer SROs on duty than the floor."""
    out = duty[duty["below_floor"]].drop(columns="below_floor")
    return out.assign(date=out["date"].dt.date).reset_index(drop=True)


def days_below_floor(shifts: pd.DataFrame, year: SchoolYear, span: Span) -> pd.DataFrame:
    """Return only the school days with fewer SROs on duty than the floor (Act 12)."""
    return below_floor(on_duty(shifts, year, span))


def schools_reached(activities: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return per SRO the number of distinct schools with at least one logged activity (III.B).

    >>> import pandas as pd, datetime as dt
    >>> acts = pd.DataFrame({"officer_id": ["A", "A", "A"], "school_id": ["1", "2", "2"],
    ...     "activity_date": pd.to_datetime(["2025-09-02"] * 3)})
    >>> schools_reached(acts, Span(start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 30))).values.tolist()
    [['A', 2]]
    """
    found = activities[in_span(activities["activity_date"], span) & activities["school_id"].notna()]
    out = found.groupby("officer_id")["school_id"].nunique().rename("schools_reached").reset_index()
    return out.astype({"schools_reached": "int64"})


def per_sro(shifts: pd.DataFrame, activities: pd.DataFrame, year: SchoolYear, span: Span) -> pd.DataFrame:
    """Return per SRO with shifts or activities: shifts, hours, hours in the window, share, schools reached."""
    hours = hours_by_officer(shifts, year, span)
    reach = schools_reached(activities, span)
    out = hours.merge(reach, on="officer_id", how="outer")
    out = out.fillna({"schools_reached": 0, "shifts": 0, "hours": 0.0, "window_hours": 0.0})
    return out.astype({"shifts": "int64", "schools_reached": "int64"})


def hours_summary(sros: pd.DataFrame) -> pd.DataFrame:
    """Return SROs with shifts, hours worked, the share in the weekday window and median schools reached.

    >>> import pandas as pd
    >>> sros = pd.DataFrame({"shifts": [2, 0], "hours": [19.5, 0.0], "window_hours": [11.5, 0.0],
    ...     "schools_reached": [3, 1]})
    >>> hours_summary(sros)["value"].tolist()
    [1, 19.5, 59.0, 2.0]
    """
    hours = float(sros["hours"].sum())
    return measures([
        ("SROs with shifts", int((sros["shifts"] > 0).sum())),
        ("Hours worked", round(hours, 1)),
        ("Share of hours in the weekday school-hours window (%)",
         round(100 * float(sros["window_hours"].sum()) / hours, 1) if hours else None),
        ("Median schools reached per SRO", float(sros["schools_reached"].median()) if len(sros) else None),
    ])


def school_presence(activities: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return per school the days with an SRO activity, the SROs seen and the hours logged.

    >>> import pandas as pd, datetime as dt
    >>> acts = pd.DataFrame({"officer_id": ["A", "B", "A"], "school_id": ["1", "1", "1"], "hours": [1.0, 2.0, 0.5],
    ...     "activity_date": pd.to_datetime(["2025-09-02", "2025-09-02", "2025-09-03"])})
    >>> school_presence(acts, Span(start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 30))).values.tolist()
    [['1', 2, 2, 3.5]]
    """
    found = activities[in_span(activities["activity_date"], span) & activities["school_id"].notna()]
    out = found.groupby("school_id").agg(days_with_sro=("activity_date", "nunique"),
                                         sros=("officer_id", "nunique"),
                                         hours_logged=("hours", "sum")).reset_index()
    return out.astype({"days_with_sro": "int64", "sros": "int64"}).round({"hours_logged": 1})


def sros_at_school(activities: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return each SRO who logged an activity in `activities` (one school's), with the days and hours logged.

    >>> import pandas as pd, datetime as dt
    >>> acts = pd.DataFrame({"officer_id": ["A", "B", "A"], "hours": [1.0, 2.0, 0.5],
    ...     "activity_date": pd.to_datetime(["2025-09-02", "2025-09-02", "2025-09-03"])})
    >>> sros_at_school(acts, Span(start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 30))).values.tolist()
    [['A', 2, 1.5], ['B', 1, 2.0]]
    """
    found = activities[in_span(activities["activity_date"], span)]
    out = found.groupby("officer_id").agg(days=("activity_date", "nunique"), hours=("hours", "sum")).reset_index()
    return out.sort_values(["days", "officer_id"], ascending=[False, True]).reset_index(drop=True).astype(
        {"days": "int64"}).round({"hours": 1})


def weekday_window(year: SchoolYear) -> str:
    """Return the school-hours window as text: weekdays 07:30-16:30."""
    return f"weekdays {year.school_hours[0]}-{year.school_hours[1]}"



def active_officers(officers: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return the SROs assigned to the program on some day of the span."""
    started = officers["sro_start"] <= pd.Timestamp(span.end)
    not_ended = officers["sro_end"].isna() | (officers["sro_end"] >= pd.Timestamp(span.start))
    return officers[started & not_ended].sort_values("officer_id").reset_index(drop=True)
