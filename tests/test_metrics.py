"""Report metrics on small frames with hand-worked answers."""

import datetime as dt

import pandas as pd

from sro_reporting import activity, calls, enforcement, staffing
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
    enf = pd.DataFrame({"action_datetime": pd.to_datetime(["2025-09-02"] * 3),
                        "school_related": pd.array([True, True, False], dtype="boolean"),
                        "action_type": ["citation", "arrest", "citation"]})
    out = activity.alternatives(acts, enf, WEEK).set_index("measure")["value"]
    # 2 alternatives, 1 school-related citation: 2 / (2 + 1) = 66.7 %
    assert out.tolist() == [2, 2, 1, 66.7]


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


def test_response_times_median_and_timed_count():
    found = pd.DataFrame({
        "priority_label": ["1", "1", "1", "not recorded"],
        "call_datetime": [T("2025-09-01 08:00")] * 4,
        "dispatch_datetime": [T("2025-09-01 08:02"), T("2025-09-01 08:04"), pd.NaT, T("2025-09-01 08:10")],
        "arrival_datetime": [T("2025-09-01 08:10"), T("2025-09-01 08:20"), pd.NaT, T("2025-09-01 08:30")],
    })
    out = calls.response_times(found).set_index("priority")
    assert out.loc["1", ["calls", "timed", "median_dispatch_min", "median_response_min"]].tolist() == [3, 2, 3.0, 15.0]
    assert out.loc["not recorded", "median_response_min"] == 30.0


def test_per_sro_joins_hours_and_reach_with_zeros():
    acts = pd.DataFrame({"officer_id": ["A", "A", "C"], "school_id": ["1", "2", "3"],
                         "activity_date": pd.to_datetime(["2025-09-01"] * 3)})
    out = staffing.per_sro(SHIFTS, acts, YEAR, WEEK).set_index("officer_id")
    assert out.loc["A", ["shifts", "hours", "window_hours", "schools_reached"]].tolist() == [2, 19.5, 11.5, 2]
    assert out.loc["B", ["shifts", "schools_reached"]].tolist() == [3, 0]
    assert out.loc["C", ["shifts", "hours", "schools_reached"]].tolist() == [0, 0.0, 1]  # activities, no shifts
    summary = staffing.hours_summary(out)["value"].tolist()
    assert summary == [2, 31.5, round(100 * 12 / 31.5, 1), 1.0]
