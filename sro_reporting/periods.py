"""Periods: whether a record falls in one, the months of a semester, the period before."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from sro_reporting.params import SchoolYear, Span, load_school_year, previous_year


def in_span(when: pd.Series, span: Span) -> pd.Series:
    """Return whether each timestamp falls on a day of the closed date range `span`."""
    day = when.dt.normalize()
    return (day >= pd.Timestamp(span.start)) & (day <= pd.Timestamp(span.end))


def months(span: Span) -> list[Span]:
    """Return the calendar months of a span, clipped to it."""
    starts = pd.date_range(pd.Timestamp(span.start).replace(day=1), span.end, freq="MS")
    return [Span(start=max(s.date(), span.start),
                 end=min((s + pd.offsets.MonthEnd(0)).date(), span.end)) for s in starts]


def previous_month(span: Span) -> Span:
    """Return the calendar month before the month `span` starts in."""
    end = span.start.replace(day=1) - dt.timedelta(days=1)
    return Span(start=end.replace(day=1), end=end)


def previous_semester(year: SchoolYear, semester: str) -> tuple[str, Span] | None:
    """Return the label and span of the semester before, or None where no parameter file has it."""
    if semester == "spring":
        return f"fall {year.school_year}", year.semesters["fall"]
    try:
        before = load_school_year(previous_year(year.school_year))
    except FileNotFoundError:
        return None
    return f"spring {before.school_year}", before.semesters["spring"]
