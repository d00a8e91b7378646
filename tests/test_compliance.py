"""Compliance rules at their edges, on hand-made rows (issue: exactly three years, exactly 40 hours, ...)."""

import datetime as dt

import pandas as pd
import pytest

from sro_reporting import compliance
from sro_reporting.params import SchoolYear

T = pd.Timestamp


def officers(**over):
    base = {"officer_id": ["1"], "display_name": ["PO A"], "continuous_service_start": [T("2022-03-17")],
            "sro_start": [T("2025-03-17")], "sro_end": [pd.NaT], "attendance_rating": ["Excellent"],
            "sustained_juvenile_complaints": pd.array([0], dtype="Int64")}
    base.update({k: [v] if not isinstance(v, list) else v for k, v in over.items()})
    frame = pd.DataFrame(base)
    frame["sustained_juvenile_complaints"] = frame["sustained_juvenile_complaints"].astype("Int64")
    return frame


YEAR = SchoolYear.model_validate({
    "school_year": "2025-26", "semesters": {"fall": {"start": "2025-09-02", "end": "2026-01-23"},
                                            "spring": {"start": "2026-01-26", "end": "2026-06-12"}},
    "consultation_window_days": 30, "mou": {"signed": "2025-03-10", "expires": "2026-08-31"},
    "mou_warning_days": 90})


def test_exactly_three_years_of_service_is_enough():
    assert compliance.selection(officers()).empty


def test_one_day_short_of_three_years_is_a_breach():
    found = compliance.selection(officers(continuous_service_start=T("2022-03-18")))
    assert found["reason"].str.startswith("IV.B.1").tolist() == [True]


@pytest.mark.parametrize("rating, complaints, starts", [
    ("satisfactory", 0, ["IV.B.2: attendance rated satisfactory"]),
    (None, 0, ["IV.B.2: attendance rating not recorded"]),
    ("excellent", 1, ["IV.B.3: 1 sustained"]),
])
def test_attendance_and_complaints(rating, complaints, starts):
    found = compliance.selection(officers(attendance_rating=rating, sustained_juvenile_complaints=complaints))
    assert [r[:len(s)] for r, s in zip(found["reason"], starts)] == starts


def meetings(rows):
    return pd.DataFrame(rows, columns=["meeting_id", "meeting_date", "meeting_type", "school_id",
                                       "attendee_roles"]).assign(meeting_date=lambda f: pd.to_datetime(f["meeting_date"]))


def test_panel_missing_its_student_and_a_full_panel():
    found = compliance.panels(meetings([
        ("P1", "2025-02-01", "selection_panel", None, "mps_staff;community;mps_student;mpd"),
        ("P2", "2025-03-01", "selection_panel", None, "mps_staff;community;mpd;mpd"),
        ("P3", "2025-04-01", "selection_panel", None, "mps_staff;mps_staff;community;mps_student"),
    ]))
    assert found["meeting_id"].tolist() == ["P2", "P3"]
    assert found["reason"].tolist() == ["2 MPS representative(s) (3 required); no mps student", "no mpd"]


def training(rows):
    return pd.DataFrame(rows, columns=["officer_id", "course_code", "completion_date", "hours", "certificate_id"]) \
        .assign(completion_date=lambda f: pd.to_datetime(f["completion_date"]))


@pytest.mark.parametrize("rows, reasons", [
    pytest.param([("1", "NASRO_BASIC", "2025-09-13", 40.0, "C1")], [], id="exactly-40-hours-on-the-last-day"),
    pytest.param([("1", "NASRO_BASIC", "2025-09-14", 40.0, "C1")], ["IV.D.1: overdue"], id="one-day-late"),
    pytest.param([("1", "NASRO_BASIC", "2025-04-01", 39.5, "C1")], ["IV.D.1: course hours 39.5"], id="under-40"),
    pytest.param([("1", "NASRO_BASIC", "2025-04-01", 40.0, None)], ["IV.D.2: no certificate"], id="no-certificate"),
    pytest.param([], ["IV.D.1: missing"], id="missing"),
])
def test_nasro(rows, reasons):
    found = compliance.nasro(officers(), training(rows), window_days=180, as_of=dt.date(2026, 6, 30))
    assert [r[:len(s)] for r, s in zip(found["reason"], reasons)] == reasons and len(found) == len(reasons)


def test_nasro_not_due_yet_is_not_a_breach():
    found = compliance.nasro(officers(), training([]), window_days=180, as_of=dt.date(2025, 9, 12))
    assert found.empty


def test_a_month_with_no_meeting():
    held = meetings([(f"M{m}", f"2025-{m:02d}-10", "mps_safety_monthly", None, None) for m in (9, 10, 12)]
                    + [(f"N{m}", f"2026-{m:02d}-10", "mps_safety_monthly", None, None) for m in range(1, 7)])
    found = compliance.monthly_meetings(held, YEAR, as_of=dt.date(2026, 6, 30))
    assert found["month"].tolist() == ["2025-11"]


def test_consultation_window_edges():
    schools = pd.DataFrame({"school_id": ["A", "B", "C"], "school_name": ["A", "B", "C"],
                            "sro_participating": [True, True, True], "participation_start": [pd.NaT] * 3,
                            "participation_end": [pd.NaT] * 3})
    held = meetings([("1", "2025-12-24", "semester_consultation", "A", None),   # 30 days before fall's end
                     ("2", "2025-12-23", "semester_consultation", "B", None)])  # 31 days before: too early
    found = compliance.consultations(held, schools, YEAR, as_of=dt.date(2026, 3, 1))
    assert found["school_id"].tolist() == ["B", "C"] and set(found["semester"]) == {"fall"}


@pytest.mark.parametrize("as_of, reason", [
    (dt.date(2026, 6, 1), None), (dt.date(2026, 6, 2), "expires in 90 days"), (dt.date(2026, 9, 1), "expired")])
def test_mou(as_of, reason):
    found = compliance.mou(YEAR, as_of)
    assert (found["reason"].iloc[0][:len(reason)] if reason else None) == (reason if reason else None) \
        and len(found) == (1 if reason else 0)


def test_training_gaps_name_the_topics():
    rows = [("1", code, "2025-04-01", 4.0, None) for code in compliance.MPS_TOPICS if code != "FERPA"]
    found = compliance.training_gaps(officers(), training(rows))
    assert found["reason"].tolist() == ["IV.E.1: missing FERPA"]


def test_a_clean_data_set_shows_a_clean_report(tmp_path):
    from conftest import SCHOOLS, write_folder

    import sro_reporting as sro

    year = YEAR.model_copy(update={"sro_floor": 1, "mou": YEAR.mou.model_copy(update={"expires": dt.date(2030, 1, 1)})})
    officers_csv = pd.DataFrame({"officer_id": ["01"], "continuous_service_start": ["2015-01-01"],
                                 "sro_start": ["2025-03-17"], "shift_type": ["day"],
                                 "attendance_rating": ["excellent"], "sustained_juvenile_complaints": ["0"]})
    training_csv = pd.DataFrame([("01", code, "2025-04-01", "40" if code == "NASRO_BASIC" else "4",
                                  "C-1" if code == "NASRO_BASIC" else "")
                                 for code in ["NASRO_BASIC", *compliance.MPS_TOPICS]],
                                columns=["officer_id", "course_code", "completion_date", "hours", "certificate_id"])
    monthly = [(f"M{m}", f"{d:%Y-%m}-10", "mps_safety_monthly", "", "")
               for m, d in enumerate(pd.date_range("2025-09-01", "2026-06-01", freq="MS"))]
    participating = SCHOOLS.loc[SCHOOLS["sro_participating"] != "no", "school_id"]
    consults = [(f"C{s}{t}", day, "semester_consultation", s, "") for s in participating
                for t, day in (("f", "2026-01-20"), ("s", "2026-06-10"))]
    panel = [("P1", "2025-02-01", "selection_panel", "", "mps_staff;community;mps_student;mpd")]
    meetings_csv = pd.DataFrame(monthly + consults + panel,
                                columns=["meeting_id", "meeting_date", "meeting_type", "school_id", "attendee_roles"])
    days = pd.bdate_range("2025-09-01", "2026-06-12")
    shifts_csv = pd.DataFrame({"officer_id": "01", "shift_date": days.strftime("%Y-%m-%d"),
                               "start_time": "07:30", "end_time": "16:30"})
    data = sro.load(write_folder(tmp_path, officers=officers_csv, training=training_csv, meetings=meetings_csv,
                                 shifts=shifts_csv))
    assert data.error_count == 0, data.problems
    found = compliance.check_all(data, year, year.year_span, dt.date(2026, 6, 30))
    assert {k: len(v) for k, v in found.items()} == {k: 0 for k in found}
    assert set(compliance.summary(found)["status"]) == {"kept"}
