"""Periods: one definition of a report's period, its partial parts, its months and the period before."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from sro_reporting.params import SchoolYear, Span, load_school_year, previous_year

PERIOD_DEFINITION = (
    "A report's period runs from its first to its last day, both included. Months are calendar months "
    "clipped to the semester. A month the semester starts or ends in, or a period that runs past the "
    "data's as-of date, is partial and says so (\"partial: Jan 26-31\"). A period is compared with the one "
    "before over like days: a month with the same days of the month before (January 26-31 with December "
    "26-31, a whole month with the whole month before), a semester with the semester before, and a "
    "partial semester with as many days from the start of the semester before.")


class NoDataError(ValueError):
    """A report's period starts after the data's as-of date: there is nothing to count yet."""


def in_span(when: pd.Series, span: Span) -> pd.Series:
    """Return whether each timestamp falls on a day of the closed date range `span`."""
    day = when.dt.normalize()
    return (day >= pd.Timestamp(span.start)) & (day <= pd.Timestamp(span.end))


def month_of(day: dt.date) -> Span:
    """Return the calendar month of a day.

    >>> month_of(dt.date(2024, 2, 10)).end
    datetime.date(2024, 2, 29)
    """
    first = day.replace(day=1)
    return Span(start=first, end=(pd.Timestamp(first) + pd.offsets.MonthEnd(0)).date())


def whole_of(span: Span) -> Span:
    """Return the whole a period is part of: its calendar month when it lies in one month, else itself."""
    month = month_of(span.start)
    return month if span.end <= month.end else span


def covered(span: Span, as_of: dt.date | None) -> Span:
    """Return the part of a period the data cover: up to the as-of date; raise `NoDataError` when none.

    >>> covered(Span(start=dt.date(2026, 7, 1), end=dt.date(2027, 6, 30)), dt.date(2026, 11, 20)).end
    datetime.date(2026, 11, 20)
    """
    if as_of is None or as_of >= span.end:
        return span
    if as_of < span.start:
        raise NoDataError(f"the period starts on {span.start}, after the data's as-of date {as_of}: "
                          "there is nothing to report yet")
    return Span(start=span.start, end=as_of)


def short_span(span: Span) -> str:
    """Return a span as short text: `Jan 26-31`, `Sep 1-Nov 20, 2026`, `Dec 26, 2025-Jan 3, 2026`.

    >>> short_span(Span(start=dt.date(2026, 1, 26), end=dt.date(2026, 1, 31)))
    'Jan 26-31'
    >>> short_span(Span(start=dt.date(2026, 9, 1), end=dt.date(2026, 11, 20)))
    'Sep 1-Nov 20, 2026'
    """
    s, e = span.start, span.end
    if (s.year, s.month) == (e.year, e.month):
        return f"{s:%b} {s.day}-{e.day}" if s != e else f"{s:%b} {s.day}"
    if s.year == e.year:
        return f"{s:%b} {s.day}-{e:%b} {e.day}, {e.year}"
    return f"{s:%b} {s.day}, {s.year}-{e:%b} {e.day}, {e.year}"


def span_name(span: Span) -> str:
    """Return a period as a caption names it: `December 2025` for a whole month, else `Dec 26-31, 2025`.

    >>> span_name(Span(start=dt.date(2025, 12, 26), end=dt.date(2025, 12, 31)))
    'Dec 26-31, 2025'
    """
    if span == month_of(span.start):
        return f"{span.start:%B %Y}"
    text = short_span(span)
    return text if text.endswith(str(span.end.year)) else f"{text}, {span.end.year}"


def long_date(day: dt.date) -> str:
    """Return a date as a reader writes it: `March 15, 2026`."""
    return f"{day:%B} {day.day}, {day.year}"


def partial_note(span: Span, as_of: dt.date | None = None) -> str:
    """Return `partial: Jan 26-31` for a period short of its whole or past the as-of date, else ''.

    >>> partial_note(Span(start=dt.date(2026, 1, 26), end=dt.date(2026, 1, 31)))
    'partial: Jan 26-31'
    >>> partial_note(Span(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31)), dt.date(2026, 11, 20))
    ''
    >>> partial_note(Span(start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30)), dt.date(2026, 3, 15))
    'no data: the data end on March 15, 2026'
    """
    if as_of is not None and as_of < span.start:
        return f"no data: the data end on {long_date(as_of)}"
    part = covered(span, as_of)
    return "" if part == whole_of(span) else f"partial: {short_span(part)}"


def months(span: Span) -> list[Span]:
    """Return the calendar months of a span, clipped to it."""
    starts = pd.date_range(pd.Timestamp(span.start).replace(day=1), span.end, freq="MS")
    return [Span(start=max(s.date(), span.start),
                 end=min((s + pd.offsets.MonthEnd(0)).date(), span.end)) for s in starts]


def month_name(month: Span, as_of: dt.date | None = None) -> str:
    """Return a month's name, with its partial note: `January 2026 (partial: Jan 26-31)`."""
    note = partial_note(month, as_of)
    return f"{month.start:%B %Y}" + (f" ({note})" if note else "")


def month_rows(span: Span, as_of: dt.date | None = None) -> pd.DataFrame:
    """Return one row per month of a span the data reach: `month` (YYYY-MM), `covered` (whole month or the
    partial note), `days`. A month that starts after the as-of date is left out: it has no data, and a row of
    zeros would read as a whole month with nothing in it.

    >>> month_rows(Span(start=dt.date(2026, 1, 26), end=dt.date(2026, 2, 28))).values.tolist()
    [['2026-01', 'partial: Jan 26-31', 6], ['2026-02', 'whole month', 28]]
    >>> month_rows(Span(start=dt.date(2026, 1, 26), end=dt.date(2026, 4, 30)), dt.date(2026, 3, 15)).values.tolist()
    [['2026-01', 'partial: Jan 26-31', 6], ['2026-02', 'whole month', 28], ['2026-03', 'partial: Mar 1-15', 15]]
    """
    rows = [(f"{m.start:%Y-%m}", partial_note(m, as_of) or "whole month", covered(m, as_of).days)
            for m in months(span) if as_of is None or as_of >= m.start]
    return pd.DataFrame(rows, columns=["month", "covered", "days"])


def previous_month(span: Span) -> Span:
    """Return the like days of the month before: a whole month for a whole month, else the same days.

    January 26-31 gives December 26-31; the days are clipped to the month before's length.

    >>> previous_month(Span(start=dt.date(2026, 1, 26), end=dt.date(2026, 1, 31)))
    Span(start=datetime.date(2025, 12, 26), end=datetime.date(2025, 12, 31))
    >>> previous_month(Span(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))).end
    datetime.date(2026, 2, 28)
    """
    before = month_of(span.start.replace(day=1) - dt.timedelta(days=1))
    if span == whole_of(span):
        return before
    last = before.end.day
    return Span(start=before.start.replace(day=min(span.start.day, last)),
                end=before.start.replace(day=min(span.end.day, last)))


def year_before(day: dt.date) -> dt.date:
    """Return the same calendar day one year earlier; February 29 gives February 28.

    >>> year_before(dt.date(2026, 11, 20)), year_before(dt.date(2028, 2, 29))
    (datetime.date(2025, 11, 20), datetime.date(2027, 2, 28))
    """
    leap = (day.month, day.day) == (2, 29)
    return day.replace(year=day.year - 1, day=28 if leap else day.day)


def same_days_year_before(span: Span) -> Span:
    """Return the same calendar days one year earlier: a year to date is compared with them, so a part year
    is compared with as much of the year before.

    >>> same_days_year_before(Span(start=dt.date(2026, 7, 1), end=dt.date(2026, 11, 20)))
    Span(start=datetime.date(2025, 7, 1), end=datetime.date(2025, 11, 20))
    """
    return Span(start=year_before(span.start), end=year_before(span.end))


def previous_semester(year: SchoolYear, semester: str, as_of: dt.date | None = None) -> tuple[str, Span] | None:
    """Return the label and span of the semester before, or None where no parameter file has it.

    When this semester is partial (the data end inside it), the semester before is taken for as many
    days from its start.
    """
    if semester == "spring":
        label, before = f"fall {year.school_year}", year.semesters["fall"]
    else:
        try:
            earlier = load_school_year(previous_year(year.school_year))
        except FileNotFoundError:
            return None
        label, before = f"spring {earlier.school_year}", earlier.semesters["spring"]
    now = year.semesters[semester]
    part = covered(now, as_of)
    if part == now:
        return label, before
    days = min(part.days, before.days)
    return f"{label}, its first {days} days", Span(start=before.start,
                                                   end=before.start + dt.timedelta(days=days - 1))


def outside_semesters(year: SchoolYear) -> list[Span]:
    """Return the parts of the school year's period outside every semester (summer, breaks between).

    >>> year = SchoolYear(school_year="2025-26", semesters={"fall": Span(start=dt.date(2025, 9, 2),
    ...     end=dt.date(2026, 1, 23)), "spring": Span(start=dt.date(2026, 1, 26), end=dt.date(2026, 6, 12))})
    >>> [short_span(s) for s in outside_semesters(year)]
    ['Jul 1-Sep 1, 2025', 'Jan 24-25', 'Jun 13-30']
    """
    days = pd.date_range(year.year_span.start, year.year_span.end)
    for term in year.semesters.values():
        days = days[(days < pd.Timestamp(term.start)) | (days > pd.Timestamp(term.end))]
    runs = (days.to_series().diff() != pd.Timedelta(days=1)).cumsum()
    return [Span(start=group.iloc[0].date(), end=group.iloc[-1].date())
            for _, group in days.to_series().groupby(runs.to_numpy())]


QUARTER_DEFINITION = (
    "A quarter is three calendar months of the school year: July-September (quarter 1), October-December (2), "
    "January-March (3) and April-June (4). A semester's batch makes the quarters of the half of the school year it "
    "starts in (fall: quarters 1 and 2; spring: 3 and 4). A quarter the data end inside is made up to the data's "
    "as-of date and says so (\"partial: Oct 1-Nov 20, 2026\"); a quarter that starts after it is not made. A "
    "quarter is compared with the quarter before over like days.")
QUARTER_MONTHS = {1: "July-September", 2: "October-December", 3: "January-March", 4: "April-June"}
QUARTER_WORDS = {"jul-sep": 1, "oct-dec": 2, "jan-mar": 3, "apr-jun": 4}


def quarter_number(text: str) -> int:
    """Return a school-year quarter written `3`, `q3` or `jan-mar`; raise `ValueError` showing the forms.

    >>> quarter_number("Q3"), quarter_number("jan-mar"), quarter_number(" 1 ")
    (3, 3, 1)
    """
    word = str(text).strip().lower()
    if word.lstrip("q") in ("1", "2", "3", "4"):
        return int(word.lstrip("q"))
    if word in QUARTER_WORDS:
        return QUARTER_WORDS[word]
    raise ValueError(f"{text!r} is not a quarter: write 1 to 4 (quarters of the school year, 1 = July-September) "
                     f"or one of {', '.join(QUARTER_WORDS)}")


def quarter_span(first_year: int, quarter: int) -> Span:
    """Return quarter 1-4 of the school year that starts in July of `first_year`.

    >>> quarter_span(2025, 3)
    Span(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 3, 31))
    """
    month = (7 + 3 * (quarter - 1) - 1) % 12 + 1
    start = dt.date(first_year + (month < 7), month, 1)
    return Span(start=start, end=(pd.Timestamp(start) + pd.offsets.MonthEnd(3)).date())


def quarter_of(span: Span) -> int | None:
    """Return the school-year quarter a span is exactly, else None.

    >>> quarter_of(Span(start=dt.date(2025, 10, 1), end=dt.date(2025, 12, 31)))
    2
    >>> quarter_of(month_of(dt.date(2025, 10, 1))) is None
    True
    """
    first = span.start.year - (span.start.month < 7)
    found = [q for q in QUARTER_MONTHS if quarter_span(first, q) == span]
    return found[0] if found else None


def quarter_name(span: Span) -> str:
    """Return a quarter's name, `January-March 2026`, or '' where the span is not a quarter."""
    return f"{QUARTER_MONTHS[quarter_of(span)]} {span.start.year}" if quarter_of(span) else ""


def semester_quarters(semester: Span) -> list[int]:
    """Return the quarters a semester's batch makes: those of the half of the school year it starts in.

    >>> semester_quarters(Span(start=dt.date(2025, 9, 2), end=dt.date(2026, 1, 23)))
    [1, 2]
    >>> semester_quarters(Span(start=dt.date(2026, 1, 26), end=dt.date(2026, 6, 12)))
    [3, 4]
    """
    return [1, 2] if semester.start.month >= 7 else [3, 4]


def previous_quarter(span: Span, as_of: dt.date | None = None) -> tuple[str, Span]:
    """Return the label and span of the quarter before, for as many days from its start where this one is partial.

    >>> previous_quarter(Span(start=dt.date(2025, 7, 1), end=dt.date(2025, 9, 30)), dt.date(2025, 7, 10))
    ('April-June 2025, its first 10 days', Span(start=datetime.date(2025, 4, 1), end=datetime.date(2025, 4, 10)))
    """
    day = span.start - dt.timedelta(days=1)
    before = quarter_span(day.year - (day.month < 7), (day.month - 7) % 12 // 3 + 1)
    label, part = quarter_name(before), covered(span, as_of)
    if part == span:
        return label, before
    days = min(part.days, before.days)
    return f"{label}, its first {days} days", Span(start=before.start, end=before.start + dt.timedelta(days=days - 1))


def parts_by_semester(year: SchoolYear, span: Span) -> dict[str, list[Span]]:
    """Return a period's days in each semester and outside the semesters, as the annual's parts name them.

    >>> year = SchoolYear(school_year="2025-26", semesters={"fall": Span(start=dt.date(2025, 9, 2),
    ...     end=dt.date(2026, 1, 23)), "spring": Span(start=dt.date(2026, 1, 26), end=dt.date(2026, 6, 12))})
    >>> {k: [short_span(s) for s in v] for k, v in parts_by_semester(year, quarter_span(2025, 3)).items()}
    {'fall': ['Jan 1-23'], 'spring': ['Jan 26-Mar 31, 2026'], 'outside the semesters': ['Jan 24-25']}
    """
    days = pd.date_range(span.start, span.end)
    parts: dict[str, list[Span]] = {}
    for name, term in year.semesters.items():
        inside = days[(days >= pd.Timestamp(term.start)) & (days <= pd.Timestamp(term.end))]
        parts[name] = [Span(start=inside[0].date(), end=inside[-1].date())] if len(inside) else []
        days = days.difference(inside)
    runs = (days.to_series().diff() != pd.Timedelta(days=1)).cumsum()
    parts["outside the semesters"] = [Span(start=g.iloc[0].date(), end=g.iloc[-1].date())
                                      for _, g in days.to_series().groupby(runs.to_numpy())]
    return parts
