"""Reconciliation (issue 12): a whole spring run on a small tricky data set adds up, figures checked by hand,
and planted inconsistencies are found."""

import json
import shutil
import subprocess
import sys

import pandas as pd
import pytest
from conftest import write_folder

from sro_reporting.files import report_stem
from sro_reporting.measures.staffing import school_days
from sro_reporting.params import load_school_year
from sro_reporting.paths import project_root
from sro_reporting.running.reconcile import reconcile, reconcile_run

pytestmark = pytest.mark.slow
YEAR = load_school_year("2025-26")

SCHOOLS = pd.DataFrame({
    "school_id": ["0007", "0014", "0021", "0099"],
    "school_name": ["Washington High", "Lincoln High", "Madison High", "Other K-8"],
    "address": ["100 N 1ST ST", "200 N 2ND ST", "300 N 3RD ST", "400 N 4TH ST"],
    "sro_participating": ["yes", "yes", "yes", "no"],
    "participation_start": ["2025-03-17", "2026-03-02", "2025-03-17", ""],  # 0014 joins in the middle of spring
    "participation_end": ["", "", "2026-01-23", ""],  # 0021 leaves after fall
})
CALLS = pd.DataFrame([
    ("c01", "2025-08-15 10:00", "0007"),  # summer
    ("c02", "2025-10-06 10:00", "0007"), ("c03", "2025-10-07 10:00", "0021"),  # fall
    ("c04", "2026-01-20 10:00", "0007"),  # fall's January
    ("c05", "2026-01-27 10:00", "0007"),  # spring's January 26-31
    ("c06", "2026-02-10 10:00", "0014"),  # before 0014 joined: its February brief counts it elsewhere
    ("c07", "2026-03-10 10:00", "0014"), ("c08", "2026-03-11 10:00", "0021"),  # after 0021 left
    ("c09", "2026-04-15 10:00", "0099"),  # a school outside the program: no program call
    ("c10", "2026-06-10 10:00", "0007"), ("c11", "2026-06-20 10:00", "0007"),  # after the semester
], columns=["incident_number", "call_datetime", "school_id"]).assign(
    location="1 E NOWHERE AVE", nature_of_call="TRBL W/JUV", priority="2", disposition="ADVISED",
    dispatch_datetime="", arrival_datetime="")
CALLS.loc[CALLS["incident_number"] == "c05", ["dispatch_datetime", "arrival_datetime"]] = [
    "2026-01-27 10:03", "2026-01-27 09:00"]  # arrival before the call: not timed, an error in the log
ENFORCEMENT = pd.DataFrame([
    ("e1", "arrest", "2025-10-01 10:00", "yes", "0021"), ("e2", "citation", "2026-02-11 10:00", "yes", "0014"),
    ("e3", "arrest", "2026-03-12 10:00", "yes", "0007"), ("e4", "citation", "2026-03-12 11:00", "yes", ""),
    ("e5", "arrest", "2026-04-01 10:00", "yes", "0099"), ("e6", "arrest", "2026-04-02 10:00", "no", ""),
], columns=["action_id", "action_type", "action_datetime", "school_related", "school_id"]).assign(
    officer_id="A", subject_age="16", subject_race="B", subject_gender="M")
ACTIVITIES = pd.DataFrame([
    ("a1", "2025-11-05", "intervention", "0007", ""), ("a2", "2026-01-28", "mentoring", "0007", ""),
    ("a3", "2026-02-12", "youth_referral", "0014", "yes"), ("a4", "2026-03-13", "education", "", ""),
    ("a5", "2026-05-05", "intervention", "0021", "no"),
], columns=["activity_id", "activity_date", "activity_type", "school_id", "in_lieu_of_citation"]).assign(
    officer_id="A", hours="1.5", students_involved="3")
OFFICERS = pd.DataFrame({"officer_id": ["A", "B"], "display_name": ["PO Able", "PO Baker"],
                         "continuous_service_start": ["2015-01-01", "2022-08-19"],  # B: 1,095 days at assignment
                         "sro_start": ["2025-03-17", "2025-08-18"], "shift_type": ["day", "early_power"],
                         "attendance_rating": ["excellent"] * 2, "sustained_juvenile_complaints": ["0"] * 2})
FORCE = pd.DataFrame({"uof_id": ["u1"], "uof_datetime": ["2026-03-12 10:00"], "officer_id": ["A"],
                      "force_type": ["Control hold"], "school_id": ["0007"], "subject_age": ["16"]})
TOPICS = ["MPS_CODE_OF_CONDUCT", "MPS_THREAT_ID", "MPS_SECURITY_EOP", "SECLUSION_RESTRAINT", "FERPA", "BULLYING",
          "RESTORATIVE_PRACTICES", "PBIS"]
TRAINING = pd.DataFrame(
    [(o, "NASRO_BASIC", "2025-09-01", "40", f"C-{o}") for o in "AB"]
    + [("A", t, "2025-04-01", "4", "") for t in TOPICS],  # B has no MPS training: a breach after July 20, 2026
    columns=["officer_id", "course_code", "completion_date", "hours", "certificate_id"])
MEETINGS = pd.DataFrame(
    [(f"M{d:%m}", f"{d:%Y-%m}-10", "mps_safety_monthly", "", "") for d in pd.date_range("2025-09-01", "2026-06-01",
                                                                                      freq="MS")]
    + [("C1", "2026-01-20", "semester_consultation", "0007", ""), ("C2", "2026-06-10", "semester_consultation", "0007", "")],
    columns=["meeting_id", "meeting_date", "meeting_type", "school_id", "attendee_roles"])


def shift_rows() -> pd.DataFrame:
    """A works every school day; B works Sunday nights 23:00-08:30 in spring, into Monday's school hours."""
    days = school_days(YEAR, YEAR.year_span)
    a = pd.DataFrame({"officer_id": "A", "shift_date": days.strftime("%Y-%m-%d"), "start_time": "07:30",
                      "end_time": "16:30"})
    sundays = pd.date_range("2026-01-25", "2026-06-07", freq="W-SUN")
    b = pd.DataFrame({"officer_id": "B", "shift_date": sundays.strftime("%Y-%m-%d"), "start_time": "23:00",
                      "end_time": "08:30"})
    return pd.concat([a, b], ignore_index=True)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    data = write_folder(tmp_path_factory.mktemp("data"), schools=SCHOOLS, calls_for_service=CALLS,
                        enforcement=ENFORCEMENT, activities=ACTIVITIES, officers=OFFICERS, use_of_force=FORCE,
                        training=TRAINING, meetings=MEETINGS, shifts=shift_rows())
    out = tmp_path_factory.mktemp("out")
    result = subprocess.run([sys.executable, "-m", "sro_reporting.cli", "run", "--data", str(data), "--out", str(out),
                             "--school-year", "2025-26", "--semester", "spring", "--jobs", "2"],
                            capture_output=True, text=True, cwd=project_root(), check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return out / "internal"


def table(out, stem, name):
    folder = out / "tables" / stem
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)


def figures(out, stem, name="key_figures", column="current"):
    frame = table(out, stem, name)
    return dict(zip(frame["measure"], frame[column]))


def test_every_report_of_the_run_adds_up(run):
    manifest = json.loads((run / "manifest.json").read_text())
    assert len(manifest["outputs"]) == 18 and {o["status"] for o in manifest["outputs"]} == {"ok"}  # 2 quarters, 2 118.124
    found = reconcile_run(run)
    assert found.empty, found.to_string()
    assert found.attrs["checks"] > 400


def test_the_semester_figures_as_computed_by_hand(run):
    key = figures(run, "semester-2025-26-spring")
    # calls c05, c06, c07, c08 (Madison, after it left, in its own row), c10; c09 is at a school outside the program
    assert [key[m] for m in ("Calls for service", "School-related arrests", "School-related citations",
                             "SRO activities logged", "Youth referrals", "Alternatives to citation",
                             "Use-of-force incidents", "School days")] == ["5", "2", "2", "4", "1", "1", "1", "94"]
    place = table(run, "semester-2025-26-spring", "key_figures_by_school").set_index("school_name")
    assert place.loc["Lincoln High", ["participation", "calls", "citations", "activities"]].tolist() == [
        "joined 2026-03-02", "1", "0", "0"]  # contract v3: only c07 is from its days in the program
    # c06 (Lincoln before it joined), c08 (Madison after it left); e5 at Other K-8; a3 (Lincoln before), a5 (Madison after)
    assert place.loc["At a school not taking part in the period", ["calls", "arrests", "activities"]].tolist() == [
        "2", "1", "2"]
    assert place.loc["No school recorded", ["citations", "activities"]].tolist() == ["1", "1"]
    duty = table(run, "semester-2025-26-spring", "days_below_floor").set_index("date")
    assert duty.loc["2026-02-02", "sros_on_duty"] == "2" and duty.loc["2026-02-03", "sros_on_duty"] == "1"


def test_the_quarters_by_hand_add_to_the_spring_semester(run):
    # January-March: c04 (January 20, in the fall semester), c05-c08 (spring); April-June: c10 (spring), c11 (after it)
    parts = {q: table(run, f"quarterly-2025-26-spring-{q}", "key_figures_by_part_of_quarter").set_index("measure")
             for q in ("q3", "q4")}
    assert parts["q3"].loc["Calls for service", ["fall", "spring", "outside the semesters", "quarter"]].tolist() == [
        "1", "4", "0", "5"]
    assert parts["q4"].loc["Calls for service", ["spring", "outside the semesters", "quarter"]].tolist() == [
        "1", "1", "2"]
    spring = figures(run, "semester-2025-26-spring")["Calls for service"]
    assert int(parts["q3"].loc["Calls for service", "spring"]) + int(parts["q4"].loc["Calls for service", "spring"]) \
        == int(spring) == 5


def test_the_partial_january_brief_is_labelled_and_compared_with_like_days(run):
    key = table(run, "monthly-2025-26-spring-2026-01", "key_figures").set_index("measure")
    assert key.loc["Calls for service", ["current", "previous", "change", "change_pct"]].tolist() == [
        "1", "0", "1", "small base"]  # January 26-31 against December 26-31
    assert key.loc["School days", ["current", "previous"]].tolist() == ["5", "0"]
    times = table(run, "monthly-2025-26-spring-2026-01", "response_times").set_index("priority")
    assert times.loc["All", ["calls", "timed", "median_response_min"]].tolist() == ["1", "0", ""]
    feb = table(run, "monthly-2025-26-spring-2026-02", "key_figures")
    assert dict(zip(feb["measure"], feb["current"]))["Calls for service"] == "1"  # at Lincoln before it joined
    months = table(run, "semester-2025-26-spring", "calls_by_month")
    assert months[["month", "covered", "calls"]].values.tolist() == [
        ["2026-01", "partial: Jan 26-31", "1"], ["2026-02", "whole month", "1"], ["2026-03", "whole month", "2"],
        ["2026-04", "whole month", "0"], ["2026-05", "whole month", "0"], ["2026-06", "partial: Jun 1-12", "1"]]


def test_the_packets_say_not_taking_part_and_average_over_schools(run):
    joined = table(run, "school-2025-26-spring-0014", "key_figures").set_index("measure")
    assert joined.loc["Calls for service", ["current", "previous"]].tolist() == ["1", "not taking part"]  # c07 only
    assert joined.loc["School-related citations", ["current", "previous"]].tolist() == ["0", "not taking part"]
    average = table(run, "school-2025-26-spring-0007", "district_comparison").set_index("measure")
    assert average.loc["Calls for service", ["this_school", "district_average"]].tolist() == ["2", "1.5"]
    assert average.loc["SRO activities logged", "district_average"] == "0.5"  # (1 + 0) / 2, not 4 / 2


def test_the_annual_and_compliance_as_computed_by_hand(run):
    parts = table(run, "annual-2025-26", "key_figures_by_part_of_year").set_index("measure")
    assert parts.loc["Calls for service"].tolist() == ["3", "5", "2", "10"]  # c09 is no program call
    iiif = table(run, "annual-2025-26", "arrests_citations_by_school")
    assert iiif.values.tolist() == [["0007", "Washington High", "1", "0"], ["0014", "Lincoln High", "0", "0"],
                                    ["0021", "Madison High", "1", "0"]]  # e2 came before Lincoln joined
    summary = table(run, "compliance-2025-26", "summary").set_index("section")
    assert summary.loc["IV.B", ["baseline", "status"]].tolist() == ["1", "baseline only"]  # B: 1,095 days
    # The data end on June 20, 2026, before the instruction took effect: B's missing MPS topics are a baseline
    assert summary.loc["IV.E", ["breaches", "baseline", "status"]].tolist() == ["0", "1", "baseline only"]
    assert summary.loc["III.A / Act 12", ["breaches", "status"]].tolist() == ["182", "breached"]  # a statute
    assert summary.loc["V", ["breaches", "warnings", "status"]].tolist() == ["0", "1", "warning"]  # 72 days left
    left_out = table(run, "compliance-2025-26-mps", "left_out")
    assert left_out["section"].tolist() == ["IV.B", "all"]


def plant(out, tmp_path, stem, name, row, column, value):
    """Copy the run's tables and change one cell of one table; return the copy's tables folder."""
    tables = tmp_path / "tables"
    shutil.copytree(out / "tables", tables)
    folder = tables / stem
    frame = pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
    key = frame.columns[1] if frame.columns[0] == "school_id" else frame.columns[0]
    frame.loc[frame[key] == row, column] = value
    frame.to_csv(folder / f"{name}.csv", index=False)
    return tables


@pytest.mark.parametrize("stem, name, row, column, value, check", [
    pytest.param("semester-2025-26-spring", "key_figures_by_school", "Lincoln High", "calls", "3", "breakdown",
                 id="a-school-row-off-its-total"),
    pytest.param("semester-2025-26-spring", "actions_by_school", "No school recorded", "citation", "0", "breakdown",
                 id="the-no-school-row-dropped"),
    pytest.param("semester-2025-26-spring", "key_figures", "SRO activities logged", "current", "5", "key figure",
                 id="a-key-figure-off-its-table"),
    pytest.param("monthly-2025-26-spring-2026-03", "key_figures", "Calls for service", "current", "3",
                 "months to semester", id="a-month-off-the-semester"),
    pytest.param("school-2025-26-spring-0014", "key_figures", "Calls for service", "current", "2",
                 "packets to district", id="a-packet-off-its-district-row"),
    pytest.param("school-2025-26-spring-0007", "district_comparison", "Calls for service", "district_average", "2.5",
                 "packets to district", id="a-district-average-with-the-rest"),
    pytest.param("annual-2025-26", "key_figures_by_part_of_year", "Calls for service", "spring", "4",
                 "parts of the year", id="a-semester-off-the-year"),
    pytest.param("annual-2025-26", "arrests_citations_by_school", "Madison High", "arrests", "0", "III.F",
                 id="iii-f-off-its-key-figures"),
    pytest.param(report_stem("officer", "2025-26", "spring", "A"), "by_month", "Mar 2026", "activities", "2", "officers to district",
                 id="an-officer-month-off-the-district"),
    pytest.param("compliance-2025-26-mps", "summary", "IV.E", "breaches", "1", "compliance",
                 id="the-extract-off-the-internal-report"),
])
def test_a_planted_inconsistency_is_found(run, tmp_path, stem, name, row, column, value, check):
    tables = plant(run, tmp_path, stem, name, row, column, value)
    found = reconcile(tables, json.loads((run / "manifest.json").read_text())["outputs"])
    assert not found.empty and check in set(found["check"]), found.to_string()


def test_suppressed_cells_are_unknown_not_wrong(run, tmp_path):
    tables = plant(run, tmp_path, "semester-2025-26-spring", "actions_by_school", "Lincoln High", "arrest", "*")
    assert reconcile(tables, json.loads((run / "manifest.json").read_text())["outputs"]).empty


def test_an_annual_on_ids_of_another_registry_fails_instead_of_showing_zeros(tmp_path):
    excel = ENFORCEMENT.assign(school_id="X" + ENFORCEMENT["school_id"])  # IDs that lost their zeros are restored
    data = write_folder(tmp_path / "data", schools=SCHOOLS, calls_for_service=CALLS, enforcement=excel,
                        officers=OFFICERS)
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "sro_reporting.cli", "run", "--data", str(data), "--out", str(out),
                             "--school-year", "2025-26", "--report", "annual", "--jobs", "1"],
                            capture_output=True, text=True, cwd=project_root(), check=False)
    assert result.returncode == 1, result.stdout + result.stderr
    annual = json.loads((out / "internal" / "manifest.json").read_text())["outputs"][0]
    assert annual["status"] == "failed" and annual["error"]["ename"] == "InputGateError"  # before any kernel
    assert annual["error"]["cell"] is None
    assert "enforcement.school_id" in annual["error"]["evalue"] and "not in schools" in annual["error"]["evalue"]
    assert not (out / "internal" / "annual-2025-26.pdf").exists()
