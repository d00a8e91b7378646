"""Report metrics on small frames with hand-worked answers."""

import datetime as dt

import pandas as pd
import pytest

from sro_reporting.measures import activity, calls, enforcement, staffing, summary
from sro_reporting.params import SchoolYear, Span

T = pd.Timestamp
YEAR = SchoolYear.model_validate({
    "school_year": "2025-26", "semesters": {"fall": {"start": "2025-09-01", "end": "2025-09-05"},
                                            "spring": {"start": "2026-01-26", "end": "2026-01-30"}},
    "days_off": ["2025-09-03"], "sro_floor": 2})
WEEK = Span(start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 7))


def shifts(rows):
    frame = pd.DataFrame(rows, columns=["officer_id", "shift_date", "start_time", "end_time"])
    return frame.assign(shift_date=pd.to_datetime(frame["shift_date"]),
                        start_time=pd.to_timedelta(frame["start_time"] + ":00"),
                        end_time=pd.to_timedelta(frame["end_time"] + ":00"))


SHIFTS = shifts([
    ("A", "2025-09-01", "07:30", "16:30"),  # 9 h, all in the window
    ("A", "2025-09-02", "14:00", "00:30"),  # past midnight: 10.5 h, 2.5 h in the window
    ("B", "2025-09-01", "17:00", "23:00"),  # 6 h, none in the window: not on duty
    ("B", "2025-09-02", "06:00", "08:00"),  # 2 h, 0.5 h in the window: on duty
    ("B", "2025-09-06", "08:00", "12:00"),  # Saturday: 4 h, none in the weekday window
])


def test_hours_cross_midnight_and_window_share():
    out = staffing.hours_by_officer(SHIFTS, YEAR, WEEK).set_index("officer_id")
    assert out.loc["A"].tolist() == [2, 19.5, 11.5, round(11.5 / 19.5, 3)]
    assert out.loc["B"].tolist() == [3, 12.0, 0.5, round(0.5 / 12, 3)]


def test_school_days_skip_days_off_and_weekends():
    days = staffing.school_days(YEAR, WEEK)
    assert [d.day for d in days] == [1, 2, 4, 5]


def test_on_duty_and_days_below_floor():
    duty = staffing.on_duty(SHIFTS, YEAR, WEEK)
    assert duty["sros_on_duty"].tolist() == [1, 2, 0, 0]  # Sept 1: only A; Sept 2: both; 4 and 5: none
    below = staffing.days_below_floor(SHIFTS, YEAR, WEEK)
    assert [d.day for d in below["date"]] == [1, 4, 5]


def test_schools_reached_counts_distinct_schools():
    acts = pd.DataFrame({"officer_id": ["A", "A", "A", "B"], "school_id": ["1", "1", "2", None],
                         "activity_date": pd.to_datetime(["2025-09-01"] * 4)})
    assert staffing.schools_reached(acts, WEEK).values.tolist() == [["A", 2]]


def test_alternatives_rate():
    acts = pd.DataFrame({"activity_date": pd.to_datetime(["2025-09-01"] * 4),
                         "activity_type": ["youth_referral", "youth_referral", "intervention", "mentoring"],
                         "in_lieu_of_citation": pd.array([True, False, True, None], dtype="boolean")})
    enf = pd.DataFrame({"action_datetime": pd.to_datetime(["2025-09-02"] * 5),
                        "school_related": pd.array([True, True, False, True, True], dtype="boolean"),
                        "action_type": ["citation", "arrest", "citation", "citation", "citation"],
                        "officer_id": ["A", "A", "A", None, None]})
    out = activity.alternatives(acts, enf, WEEK).set_index("measure")["value"]
    # issue 26: 2 alternatives logged by SROs against the 1 school-related citation with an SRO recorded:
    # 2 / (2 + 1) = 66.7 %; the 2 citations with no officer are shown but not in the rate (not 2 / 5 = 40.0 %)
    assert out.tolist() == [2, 2, 3, 1, 2, 66.7]


def test_demographics_count_people_per_action():
    enf = pd.DataFrame({
        "action_datetime": pd.to_datetime(["2025-09-02"] * 4), "school_related": [True] * 4,
        "action_type": ["arrest", "arrest", "citation", "court_referral"],
        "subject_race": ["BLACK", "BLACK", "UNKNOWN", "WHITE"], "subject_gender": ["M", "F", "U", "M"],
        "subject_age": pd.array([17, 16, None, 12], dtype="Int64")})
    race = enforcement.demographics(enf, WEEK, "race")
    assert race.loc["Black or African American"].tolist() == [2, 0, 0]
    assert race.loc["Unknown"].tolist() == [0, 1, 0]
    assert int(race.to_numpy().sum()) == 4
    age = enforcement.demographics(enf, WEEK, "age_band")
    assert age.loc[["12-14", "15-16", "17", "unknown"]].to_numpy().tolist() == [[0, 0, 1], [1, 0, 0], [1, 0, 0], [0, 1, 0]]


def test_response_times_count_timed_calls_per_priority_and_all():
    found = pd.DataFrame({
        "priority_label": ["1", "1", "1", "not recorded"],
        "call_datetime": [T("2025-09-01 08:00")] * 4,
        "dispatch_datetime": [T("2025-09-01 08:02"), T("2025-09-01 08:04"), pd.NaT, T("2025-09-01 08:10")],
        "arrival_datetime": [T("2025-09-01 08:10"), T("2025-09-01 08:20"), pd.NaT, T("2025-09-01 08:30")],
    })
    out = calls.response_times(found).set_index("priority")
    assert out.loc["1", ["calls", "timed"]].tolist() == [3, 2]  # two timed: too few for a median
    assert pd.isna(out.loc["1", "median_response_min"])
    assert out.loc["All", ["calls", "timed"]].tolist() == [4, 3]


def test_per_sro_joins_hours_and_reach_with_zeros():
    acts = pd.DataFrame({"officer_id": ["A", "A", "C"], "school_id": ["1", "2", "3"],
                         "activity_date": pd.to_datetime(["2025-09-01"] * 3)})
    out = staffing.per_sro(SHIFTS, acts, YEAR, WEEK).set_index("officer_id")
    assert out.loc["A", ["shifts", "hours", "window_hours", "schools_reached"]].tolist() == [2, 19.5, 11.5, 2]
    assert out.loc["B", ["shifts", "schools_reached"]].tolist() == [3, 0]
    assert out.loc["C", ["shifts", "hours", "schools_reached"]].tolist() == [0, 0.0, 1]  # activities, no shifts
    summary = staffing.hours_summary(out)["value"].tolist()
    assert summary == [2, 31.5, round(100 * 12 / 31.5, 1), 1.0]


# Issue 12: a shift past midnight counts for the day whose school-hours window it overlaps.
SUNDAY = SchoolYear.model_validate({
    "school_year": "2025-26", "semesters": {"fall": {"start": "2025-09-01", "end": "2025-09-12"}}, "sro_floor": 2})


def test_a_sunday_night_shift_counts_on_monday():
    late = shifts([
        ("A", "2025-09-07", "23:00", "08:30"),  # Sunday 23:00 to Monday 08:30: Monday 07:30-08:30 in the window
        ("B", "2025-09-08", "07:30", "16:30"),  # Monday, all day
        ("A", "2025-09-08", "23:00", "06:00"),  # Monday night to Tuesday 06:00: before Tuesday's window
        ("B", "2025-09-09", "07:30", "16:30"),
    ])
    duty = staffing.on_duty(late, SUNDAY, Span(start=dt.date(2025, 9, 8), end=dt.date(2025, 9, 9)))
    assert duty["sros_on_duty"].tolist() == [2, 1]  # Monday: A and B; Tuesday: B only
    below = staffing.days_below_floor(late, SUNDAY, Span(start=dt.date(2025, 9, 8), end=dt.date(2025, 9, 9)))
    assert below["date"].tolist() == [dt.date(2025, 9, 9)]
    hours = staffing.hours_by_officer(late, SUNDAY, Span(start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 30)))
    a = hours.set_index("officer_id").loc["A"]
    assert a[["shifts", "hours", "window_hours"]].tolist() == [2, 16.5, 1.0]  # 9.5 h + 7 h; one hour Monday
    assert a["share_in_window"] == round(1 / 16.5, 3)


def test_a_friday_night_shift_into_saturday_is_not_in_a_window():
    late = shifts([("A", "2025-09-05", "23:00", "08:30")])
    assert staffing.hours_by_officer(late, SUNDAY, WEEK)["window_hours"].tolist() == [0.0]


def response_rows(n_timed, extra=()):
    t = T("2025-09-01 08:00")
    rows = [("2", t, t + pd.Timedelta(minutes=2), t + pd.Timedelta(minutes=10))] * n_timed
    return pd.DataFrame([*rows, *extra], columns=["priority_label", "call_datetime", "dispatch_datetime",
                                                  "arrival_datetime"])


@pytest.mark.parametrize("found, expected", [
    pytest.param(response_rows(10), [["2", 10, 10, 2.0, 10.0, 10.0], ["All", 10, 10, 2.0, 10.0, 10.0]],
                 id="ten-timed-calls-get-medians"),
    pytest.param(response_rows(9), [["2", 9, 9, None, None, None], ["All", 9, 9, None, None, None]],
                 id="nine-timed-calls-get-none"),
    pytest.param(response_rows(1), [["2", 1, 1, None, None, None], ["All", 1, 1, None, None, None]],
                 id="no-90th-percentile-of-one-call"),
    pytest.param(response_rows(10, [("2", T("2025-09-01 08:00"), T("2025-09-01 09:00"), pd.NaT)]),
                 [["2", 11, 10, 2.0, 10.0, 10.0], ["All", 11, 10, 2.0, 10.0, 10.0]],
                 id="a-call-without-arrival-is-not-in-the-dispatch-median"),
])
def test_response_times_only_over_enough_timed_calls(found, expected):
    out = calls.response_times(found).astype(object)
    assert out.where(out.notna(), None).values.tolist() == expected


@pytest.mark.parametrize("now, before, pct", [
    pytest.param(4, 1, "small base", id="plus-300-percent-on-one-is-a-small-base"),
    pytest.param(12, 9, "small base", id="nine-is-a-small-base"),
    pytest.param(12, 10, 20.0, id="ten-is-enough"),
    pytest.param(5, 0, "small base", id="from-zero"),
])
def test_no_percent_change_on_a_small_base(now, before, pct):
    out = summary.compare(pd.DataFrame({"measure": ["x"], "value": [now]}),
                          pd.DataFrame({"measure": ["x"], "value": [before]}))
    assert out[["current", "previous", "change", "change_pct"]].values.tolist() == [[now, before, now - before, pct]]


def test_students_involved_are_counted_as_student_contacts():
    acts = pd.DataFrame({"activity_date": pd.to_datetime(["2025-09-01"] * 3), "activity_type": ["mentoring"] * 3,
                         "hours": [1.0] * 3, "students_involved": pd.array([3, 3, None], dtype="Int64")})
    out = activity.by_type(acts, WEEK).set_index("activity_type")
    assert "students_involved" not in out.columns and out.loc["mentoring", "student_contacts"] == 6
    assert "not a count of students" in activity.CONTACTS_DEFINITION


def test_the_duty_chart_axis_starts_at_zero():
    from sro_reporting.rendering.sections import duty_chart

    duty = staffing.on_duty(SHIFTS, YEAR, WEEK)
    fig = duty_chart(duty)
    assert fig.axes[0].get_ylim()[0] == 0


def test_a_rate_is_rounded_once_and_prints_as_its_csv():
    """Issue 26: 123 citations of 7,170 Hispanic students is 17.155 per 1,000: 17.2 in the CSV and the PDF alike."""
    from sro_reporting.measures import disparity
    from sro_reporting.rendering.report import _cell

    enrollment = pd.DataFrame({"school_id": ["1", "1"], "school_year": ["2025-26"] * 2, "race": ["HISPANIC", "WHITE"],
                               "gender": [None, None], "students": [7170, 1000]})
    enf = pd.DataFrame({"action_datetime": T("2025-09-02"), "school_related": True, "school_id": "1",
                        "action_type": "citation", "subject_race": ["HISPANIC"] * 123 + ["WHITE"] * 10})
    out = disparity.rates(enf, enrollment, ["1"], "2025-26", WEEK).set_index("race")
    assert out.loc["HISPANIC", "citation_rate"] == 17.2 and _cell(out.loc["HISPANIC", "citation_rate"]) == "17.2"
    assert out.loc["HISPANIC", "citation_rri"] == round(17.1548 / 10, 1)  # from the exact rates, not 17.2 / 10.0
