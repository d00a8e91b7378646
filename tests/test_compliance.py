"""Compliance rules at their edges, on hand-made rows (issue: exactly three years, exactly 40 hours, ...)."""

import datetime as dt

import pandas as pd
import pytest

from sro_reporting.measures import compliance
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


def test_one_day_short_of_three_years_reads_in_days_not_as_three_years():
    found = compliance.selection(officers(continuous_service_start=T("2022-03-18")))  # 1,095 days at 2025-03-17
    assert found["reason"].tolist() == [
        "IV.B.1: 1,095 days of uninterrupted service at assignment; 3 years (1,096 days from 2022-03-18) required"]
    assert "3.0 years" not in found["reason"].iloc[0]


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
    assert found["reason"].tolist() == ["2 MPS representative(s) (3 required); no MPS student", "no MPD officer"]


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


def test_nasro_not_due_yet_is_listed_as_not_yet_due():
    found = compliance.nasro(officers(), training([]), window_days=180, as_of=dt.date(2025, 9, 12))
    assert found[["status", "reason"]].values.tolist() == [["not yet due", "IV.D.1: not yet due, due by 2025-09-13"]]


def test_a_completion_dated_after_the_check_date_is_not_used():
    rows = [("1", "NASRO_BASIC", "2026-12-01", 40.0, "C1")]  # after the check date 2026-11-20
    found = compliance.nasro(officers(), training(rows), 180, dt.date(2026, 11, 20), dt.date(2026, 7, 20))
    assert found[["status", "reason"]].values.tolist() == [[
        "breach", ("IV.D.1: missing, due by 2025-09-13 (a completion dated 2026-12-01, after the check date "
                  "2026-11-20, is not used)")]]
    on_the_day = compliance.nasro(officers(), training(rows), 180, dt.date(2026, 12, 1))
    assert on_the_day["reason"].tolist() == ["IV.D.1: overdue, completed 2026-12-01 (due by 2025-09-13)"]


@pytest.mark.parametrize("sro_end, as_of, status", [
    pytest.param(pd.NaT, dt.date(2026, 11, 20), "breach", id="certificate-still-missing-after-the-effective-date"),
    pytest.param(pd.NaT, dt.date(2026, 6, 30), "baseline", id="checked-before-the-effective-date"),
    pytest.param(T("2026-06-12"), dt.date(2026, 11, 20), "baseline", id="officer-left-before-the-effective-date"),
])
def test_a_missing_certificate_is_a_breach_only_while_it_lasts_past_the_effective_date(sro_end, as_of, status):
    rows = [("1", "NASRO_BASIC", "2025-04-01", 40.0, None)]
    found = compliance.nasro(officers(sro_end=sro_end), training(rows), 180, as_of, dt.date(2026, 7, 20))
    assert found[["status", "reason"]].values.tolist() == [[status, "IV.D.2: no certificate on file"]]


def test_a_month_with_no_meeting():
    held = meetings([(f"M{m}", f"2025-{m:02d}-10", "mps_safety_monthly", None, None) for m in (9, 10, 12)]
                    + [(f"N{m}", f"2026-{m:02d}-10", "mps_safety_monthly", None, None) for m in range(1, 7)])
    found = compliance.monthly_meetings(held, YEAR, as_of=dt.date(2026, 6, 30))
    assert found["month"].tolist() == ["2025-11"]


def test_2025_events_before_the_instructions_effective_date_are_a_baseline():
    effective = dt.date(2026, 7, 20)
    held = meetings([("P1", "2025-10-14", "selection_panel", None, "mps_staff;community;mpd")])
    assert compliance.panels(held, YEAR.year_span, effective)["status"].tolist() == ["baseline"]
    months = compliance.monthly_meetings(meetings([]), YEAR, dt.date(2026, 11, 20), effective)
    assert set(months["status"]) == {"baseline"} and len(months) == 10  # September 2025 to June 2026
    later = YEAR.model_copy(update={"semesters": {"fall": YEAR.semesters["fall"].model_copy(
        update={"start": dt.date(2026, 8, 31), "end": dt.date(2026, 9, 30)})}})
    assert compliance.monthly_meetings(meetings([]), later, dt.date(2026, 11, 20), effective)[
        ["month", "status"]].values.tolist() == [["2026-08", "breach"], ["2026-09", "breach"]]
    officer = officers(continuous_service_start=T("2024-01-01"))  # a 2025 selection: baseline
    assert compliance.selection(officer, effective)["status"].tolist() == ["baseline"]


SCHOOLS = pd.DataFrame({"school_id": ["A", "B", "C"], "school_name": ["A", "B", "C"],
                        "sro_participating": [True, True, True], "participation_start": [pd.NaT] * 3,
                        "participation_end": [pd.NaT] * 3})


def test_consultation_window_edges():
    held = meetings([("1", "2025-12-24", "semester_consultation", "A", None),   # 30 days before fall's end
                     ("2", "2025-12-23", "semester_consultation", "B", None)])  # 31 days before: too early
    found = compliance.consultations(held, SCHOOLS, YEAR, as_of=dt.date(2026, 3, 1))
    assert found[["semester", "school_id"]].fillna("").values.tolist() == [["fall", "B"], ["fall", "C"], ["spring", ""]]
    assert found["status"].tolist() == ["breach", "breach", "not yet due"]


@pytest.mark.parametrize("as_of, expected", [
    pytest.param(dt.date(2026, 6, 30), [["fall", "A"], ["fall", "B"], ["fall", "C"], ["spring", ""]],
                 id="spring-window-open-on-june-30-not-yet-due"),
    pytest.param(dt.date(2026, 7, 12), [["fall", "A"], ["fall", "B"], ["fall", "C"], ["spring", "B"], ["spring", "C"]],
                 id="spring-assessed-once-its-window-closes"),
])
def test_spring_consultations_are_assessed_once_their_window_closes(as_of, expected):
    held = meetings([("1", "2026-06-20", "semester_consultation", "A", None)])
    found = compliance.consultations(held, SCHOOLS, YEAR, as_of, dt.date(2026, 7, 20))
    assert found[["semester", "school_id"]].fillna("").values.tolist() == expected
    assert set(found.loc[found["semester"] == "fall", "status"]) == {"baseline"}  # closed 2026-02-22


@pytest.mark.parametrize("as_of, renewed, expected", [
    pytest.param(dt.date(2026, 6, 1), False, [], id="91-days-left"),
    pytest.param(dt.date(2026, 6, 30), False, [["warning", ("expires on 2026-08-31, 62 days after the check date "
                                                "2026-06-30 (warning at 90 days)")]], id="62-days-left-is-a-warning"),
    pytest.param(dt.date(2026, 11, 20), False, [["warning", ("expired on 2026-08-31, before the check date 2026-11-20; "
                                                 "no later MOU signed by then is in the parameter files")]],
                 id="checked-after-it-expired-with-no-renewal"),
    pytest.param(dt.date(2026, 11, 20), True, [], id="checked-after-the-renewal-was-signed"),
    pytest.param(dt.date(2026, 6, 30), True, [["warning", ("expires on 2026-08-31, 62 days after the check date "
                                               "2026-06-30 (warning at 90 days)")]], id="renewal-not-yet-signed"),
])
def test_mou_near_its_end_is_a_warning_not_a_breach(as_of, renewed, expected):
    """Issue 26: no "expires August 31, 2026" on a report checked November 20 after the next MOU was signed."""
    later = YEAR.mou.model_copy(update={"signed": dt.date(2026, 8, 20), "expires": dt.date(2028, 6, 30)})
    found = compliance.mou(YEAR, as_of, YEAR.year_span, dt.date(2026, 7, 20), later=later if renewed else None)
    assert found[["status", "reason"]].values.tolist() == expected
    summary = compliance.summary({"V": found})
    assert summary[["breaches", "status"]].values.tolist() == [[0, "warning" if expected else "kept"]]


def test_mou_gap_is_a_breach_after_the_effective_date_and_an_earlier_mou_counts():
    year = YEAR.model_copy(update={"school_year": "2026-27", "period": None,
                                   "mou": YEAR.mou.model_copy(update={"signed": dt.date(2026, 8, 20),
                                                                      "expires": dt.date(2028, 6, 30)})})
    found = compliance.mou(year, dt.date(2026, 11, 20), year.year_span, dt.date(2026, 7, 20))
    assert found[["status", "reason"]].values.tolist() == [["breach", "no MOU in force from 2026-07-01 to 2026-08-19"]]
    assert compliance.mou(year, dt.date(2026, 11, 20), year.year_span, dt.date(2026, 7, 20), earlier=YEAR.mou).empty


def test_the_mps_extract_names_what_it_leaves_out_and_why():
    left_out = compliance.extract_omissions()
    assert left_out["section"].tolist() == ["IV.B", "all"]
    assert left_out["why"].str.len().min() > 20
    findings = {"IV.B": compliance.selection(officers(attendance_rating="satisfactory")), "V": compliance.mou(
        YEAR, dt.date(2026, 1, 1))}
    assert compliance.summary(findings, "mps")["section"].tolist() == ["V"]
    assert compliance.summary(findings, "mpd_internal")["section"].tolist() == ["IV.B", "V"]


def test_training_gaps_name_the_topics():
    rows = [("1", code, "2025-04-01", 4.0, None) for code in compliance.MPS_TOPICS if code != "FERPA"]
    found = compliance.training_gaps(officers(), training(rows), 180, dt.date(2026, 11, 20), dt.date(2026, 7, 20))
    assert found[["status", "reason"]].values.tolist() == [["breach", "IV.E.1: missing FERPA"]]
    assert compliance.training_gaps(officers(), training(rows), 180, dt.date(2025, 9, 1))["status"].tolist() == [
        "not yet due"]


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
    found = compliance.check_all(data, year, year.year_span, dt.date(2026, 7, 12),  # every window closed
                                 dpi_made=dt.date(2026, 7, 1))
    assert {k: len(v) for k, v in found.items()} == {k: 0 for k in found}
    assert set(compliance.summary(found)["status"]) == {"kept"}


def test_a_packet_lists_only_the_consultations_that_count_for_its_semester():
    meetings = pd.DataFrame({"meeting_id": ["M1", "M2", "M3", "M4", "M5"],
                             "meeting_type": ["semester_consultation", "semester_consultation", "semester_consultation",
                                              "mps_safety_monthly", "semester_consultation"],
                             "school_id": ["0007"] * 5,
                             "meeting_date": pd.to_datetime(["2025-12-23", "2025-12-24", "2026-02-22", "2026-01-10",
                                                             "2026-06-09"])})
    held = compliance.consultations_held(meetings, YEAR.semesters["fall"], 30, dt.date(2026, 11, 20))
    assert held["meeting_id"].tolist() == ["M2", "M3"]  # Dec 24 and Feb 22: 30 days either side of Jan 23
    assert compliance.consultations_held(meetings, YEAR.semesters["fall"], 30, dt.date(2026, 2, 1))[
        "meeting_id"].tolist() == ["M2"]  # not yet held on the check date


@pytest.mark.parametrize(("as_of", "made", "expected"), [
    pytest.param(dt.date(2026, 7, 31), None, ["not yet due"], id="not-made-on-the-due-date"),
    pytest.param(dt.date(2026, 8, 1), None, ["breach"], id="not-made-after-the-due-date"),
    pytest.param(dt.date(2026, 8, 1), dt.date(2026, 7, 31), [], id="made-on-the-due-date"),
    pytest.param(dt.date(2026, 9, 1), dt.date(2026, 8, 3), ["breach"], id="made-late"),
])
def test_dpi_118124_due_july_31(as_of, made, expected):
    assert compliance.dpi_118124(YEAR, as_of, made)["status"].tolist() == expected


@pytest.mark.parametrize("where", [pytest.param(".", id="in-the-folder"),
                                   pytest.param(".sro-staging/job", id="from-a-staging-folder-in-the-run")])
def test_made_on_finds_the_118124_pdf(tmp_path, where):
    (tmp_path / "dpi-118124-2025-26.pdf").write_bytes(b"%PDF")
    folder = (tmp_path / where).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    assert compliance.made_on(folder, "dpi-118124-2025-26.pdf") == dt.date.today()
    assert compliance.made_on(folder, "dpi-118124-2026-27.pdf") is None
