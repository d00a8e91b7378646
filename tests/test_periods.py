"""Periods (issue 12): partial months and years labelled, and compared with like days before."""

import datetime as dt

import pytest

from sro_reporting import periods
from sro_reporting.params import Span, load_school_year

D = dt.date


def span(a: str, b: str) -> Span:
    return Span(start=D.fromisoformat(a), end=D.fromisoformat(b))


@pytest.mark.parametrize("period, as_of, note", [
    pytest.param(span("2026-01-26", "2026-01-31"), None, "partial: Jan 26-31", id="month-clipped-to-the-semester"),
    pytest.param(span("2026-06-01", "2026-06-12"), None, "partial: Jun 1-12", id="june-to-the-semester-end"),
    pytest.param(span("2026-03-01", "2026-03-31"), D(2026, 11, 20), "", id="whole-month"),
    pytest.param(span("2026-11-01", "2026-11-30"), D(2026, 11, 20), "partial: Nov 1-20", id="month-past-the-as-of-date"),
    pytest.param(span("2026-07-01", "2027-06-30"), D(2026, 11, 20), "partial: Jul 1-Nov 20, 2026",
                 id="unfinished-year"),
    pytest.param(span("2025-07-01", "2026-06-30"), D(2026, 11, 20), "", id="finished-year"),
    pytest.param(span("2025-12-26", "2026-01-03"), None, "", id="across-the-new-year-is-its-own-whole"),
])
def test_partial_note(period, as_of, note):
    assert periods.partial_note(period, as_of) == note


@pytest.mark.parametrize("period, before", [
    pytest.param(span("2026-01-26", "2026-01-31"), span("2025-12-26", "2025-12-31"), id="jan-26-31-with-dec-26-31"),
    pytest.param(span("2026-06-01", "2026-06-12"), span("2026-05-01", "2026-05-12"), id="jun-1-12-with-may-1-12"),
    pytest.param(span("2026-03-01", "2026-03-31"), span("2026-02-01", "2026-02-28"), id="whole-month-with-whole-month"),
    pytest.param(span("2026-02-01", "2026-02-28"), span("2026-01-01", "2026-01-31"), id="february-with-all-of-january"),
    pytest.param(span("2026-03-29", "2026-03-31"), span("2026-02-28", "2026-02-28"), id="clipped-to-a-short-month"),
    pytest.param(span("2026-11-01", "2026-11-20"), span("2026-10-01", "2026-10-20"), id="partial-to-the-as-of-date"),
])
def test_previous_month_is_like_days(period, before):
    assert periods.previous_month(period) == before


def test_a_partial_semester_is_compared_with_as_many_days_of_the_one_before():
    year = load_school_year("2026-27")
    label, before = periods.previous_semester(year, "fall", D(2026, 11, 20))
    # fall 2026 from September 1 to November 20 is 81 days: spring 2026 from January 26, 81 days
    assert before == span("2026-01-26", "2026-04-16") and label == "spring 2025-26, its first 81 days"
    assert periods.previous_semester(year, "fall", D(2027, 3, 1)) == ("spring 2025-26", span("2026-01-26", "2026-06-12"))


def test_month_rows_list_every_month_the_data_reach_with_its_days():
    rows = periods.month_rows(span("2026-09-01", "2026-12-18"), D(2026, 11, 20))
    assert rows.values.tolist() == [["2026-09", "whole month", 30], ["2026-10", "whole month", 31],
                                    ["2026-11", "partial: Nov 1-20", 20]]  # December: no data, so no row


def test_a_period_after_the_data_is_an_error_not_zeros():
    with pytest.raises(periods.NoDataError, match="after the data's as-of date 2026-11-20"):
        periods.covered(span("2027-01-25", "2027-06-11"), D(2026, 11, 20))


def test_the_year_outside_its_semesters_with_the_semesters_is_every_day():
    year = load_school_year("2025-26")
    parts = [*year.semesters.values(), *periods.outside_semesters(year)]
    assert sum(p.days for p in parts) == year.year_span.days == 365
