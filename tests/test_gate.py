"""The gate before a report (issue 23, item 1): a report whose key input lost its rows or its IDs is not made."""

import json

import pandas as pd
import pytest
from conftest import run_cli, write_folder

import sro_reporting as sro
from sro_reporting.params import InputGate
from sro_reporting.running import gate
from sro_reporting.running.plan import KINDS

LIMITS = InputGate(max_share=0.05, min_rows=10)
DAYS = [f"2026-03-{d:02d}" for d in range(2, 14)]  # twelve days of the spring semester
OFFICERS = pd.DataFrame({"officer_id": ["004100", "004200"], "continuous_service_start": ["2015-01-01"] * 2,
                         "sro_start": ["2025-03-17"] * 2, "shift_type": ["day"] * 2})
ACTIVITIES = pd.DataFrame({"activity_id": [f"a{n}" for n in range(12)], "officer_id": ["004100", "004200"] * 6,
                           "activity_date": DAYS, "activity_type": "intervention", "school_id": "0010"})
ENFORCEMENT = pd.DataFrame({"action_id": [f"e{n}" for n in range(12)], "action_type": "arrest",
                            "action_datetime": [f"{d} 10:00" for d in DAYS], "school_related": "yes",
                            "school_id": ["0010", "0020"] * 6, "officer_id": ["004100", "004200"] * 6})
CALLS = pd.DataFrame({"incident_number": [f"c{n}" for n in range(12)],
                      "call_datetime": [f"2026-03-{d} 10:00" for d in range(13, 25)], "location": "1017 N 12th Street",
                      "nature_of_call": "TRBL W/JUV", "disposition": "ADVISED", "school_id": "0010"})
SHIFTS = pd.DataFrame({"officer_id": ["004100", "004200"] * 6, "shift_date": DAYS, "start_time": "07:30",
                       "end_time": "16:30"})
TABLES = {"officers": OFFICERS, "activities": ACTIVITIES, "enforcement": ENFORCEMENT, "calls_for_service": CALLS,
          "shifts": SHIFTS}


def day_month_year(days: pd.Series) -> pd.Series:
    return pd.to_datetime(days).dt.strftime("%d/%m/%Y %H:%M")


def broken(table: str, column: str, change) -> dict[str, pd.DataFrame]:
    frame = TABLES[table].copy()
    frame[column] = change(frame[column])
    return {**TABLES, table: frame}


def load(tmp_path, tables: dict[str, pd.DataFrame]):
    return sro.load(write_folder(tmp_path / "data", **tables), use_cache=False)


@pytest.mark.parametrize("tables, kind, expected", [
    pytest.param(TABLES, "officer", "", id="clean-data-passes"),
    pytest.param(TABLES, "school", "", id="clean-data-passes-the-packet"),
    # What reading cannot mend (two-digit years, day-first dates and lost zeros it mends, tests/test_exports.py):
    pytest.param(broken("activities", "activity_date", lambda s: "last week"), "officer",
                 "activities.activity_date: 12 of 12 (100%) rows left out as unreadable", id="dates-of-no-kind"),
    pytest.param(broken("enforcement", "officer_id", lambda s: "X" + s), "officer",
                 "enforcement.officer_id: 12 of 12 (100%) values not in officers (first 'X",
                 id="officer-ids-of-another-registry"),
    pytest.param(broken("enforcement", "school_id", lambda s: "X" + s), "school",
                 "enforcement.school_id: 12 of 12 (100%) values not in schools (first 'X",
                 id="school-ids-of-another-registry"),
    pytest.param(broken("calls_for_service", "call_datetime", lambda s: s.str.replace(r"^\d{4}", "2996", regex=True)), "annual",
                 "calls_for_service.call_datetime: 12 of 12 (100%) rows left out", id="calls-dated-2996"),
    pytest.param(broken("activities", "officer_id", lambda s: "X" + s), "officer",
                 "activities.officer_id: 12 of 12 (100%) rows left out as unreadable; likely cause: IDs not in "
                 "officers", id="activities-of-no-officer"),
    pytest.param(broken("activities", "activity_date", lambda s: pd.to_datetime(s).dt.strftime("%m/%d/%Y")
                        .str.replace("03/13/2026", "03/02/2026")), "officer",
                 "activities.activity_date: dates fit both month first and day first", id="date-order-undecided"),
])
def test_the_gate_names_table_column_share_and_cause(tmp_path, tables, kind, expected):
    reason = gate.check(KINDS[kind].stands_on, KINDS[kind].keys, load(tmp_path, tables), LIMITS)
    assert reason.startswith(expected) and (reason == "") == (expected == ""), reason


def test_an_enrollment_table_of_no_readable_row_stops_the_annual_not_the_packet(tmp_path):
    enrollment = pd.DataFrame({"school_id": ["0010", "0020"], "school_year": "2025-26", "race": "B",
                               "students": ["many", "lots"]})
    data = load(tmp_path, {**TABLES, "enrollment": enrollment})
    assert gate.check(KINDS["annual"].stands_on, KINDS["annual"].keys, data, LIMITS).startswith(
        "enrollment.students: 2 of 2 (100%) rows left out as unreadable")
    assert gate.check(KINDS["school"].stands_on, KINDS["school"].keys, data, LIMITS) == ""


def test_day_first_dates_are_read_whole_so_the_gate_has_nothing_to_stop(tmp_path):
    """DD/MM/YYYY is read day first for the whole column (days 20 and 21 only fit so): no row lost, none misread."""
    days = pd.Series([f"2026-03-{d:02d} 10:00" for d in (*range(1, 11), 20, 21)])
    calls = CALLS.assign(call_datetime=day_month_year(days))
    data = load(tmp_path, {**TABLES, "calls_for_service": calls})
    assert gate.check(("calls_for_service",), (), data, InputGate(max_share=0.05, min_rows=2)) == ""
    assert (data.tables["calls_for_service"]["call_datetime"].dt.month == 3).all()


@pytest.mark.parametrize("part, whole, expected", [
    pytest.param(1, 2, False, id="one-of-two-is-no-rate"),
    pytest.param(2, 2, True, id="every-row-lost-always-fails"),
    pytest.param(9, 20, False, id="under-the-minimum-count"),
    pytest.param(10, 200, False, id="at-the-share-not-over-it"),
    pytest.param(11, 200, True, id="over-the-share-and-the-minimum"),
    pytest.param(0, 0, False, id="an-empty-table-lost-nothing"),
])
def test_too_many(part, whole, expected):
    assert gate.too_many(part, whole, LIMITS) is expected


def test_one_bad_row_of_twelve_is_logged_not_fatal(tmp_path):
    activities = ACTIVITIES.copy()
    activities.loc[0, "activity_date"] = "last week"
    data = load(tmp_path, {**TABLES, "activities": activities})
    assert gate.check(KINDS["officer"].stands_on, KINDS["officer"].keys, data, LIMITS) == ""
    assert len(data.activities) == 11


@pytest.mark.slow
def test_officer_reports_on_unreadable_dates_fail_before_any_kernel_with_one_line(tmp_path):
    tables = broken("activities", "activity_date", lambda s: "last week")
    data = write_folder(tmp_path / "data", **tables)
    out = tmp_path / "out"
    (out / "internal").mkdir(parents=True)
    (out / "internal" / "officer-2025-26-spring-004100.pdf").write_bytes(b"%PDF of other data")
    result = run_cli(data, out, "--semester", "spring", "--report", "officer", "--jobs", "1")
    assert result.returncode == 1, result.stderr
    failed = [line for line in result.stderr.splitlines() if line.startswith("FAILED")]
    assert len(failed) == 1 and failed[0].startswith(
        "FAILED 2 reports (officer-2025-26-spring-004100, officer-2025-26-spring-004200): InputGateError: "
        "activities.activity_date: 12 of 12 (100%) rows left out as unreadable; likely cause: not a date"), failed
    assert failed[0].endswith("(no report started)"), failed
    manifest = json.loads((out / "internal" / "manifest.json").read_text())
    for entry in manifest["outputs"]:
        assert entry["status"] == "failed" and entry["error"]["cell"] is None and entry["files"] == {}
        assert entry["error"]["ename"] == "InputGateError" and "activities.activity_date" in entry["error"]["evalue"]
    assert not list((out / "internal").glob("*.pdf")) and not list((out / "internal").glob("*.ipynb"))


def test_run_report_refuses_a_report_of_zeros_before_starting_a_kernel(tmp_path):
    from sro_reporting.running.batch import BatchError, run_report

    tables = broken("enforcement", "officer_id", lambda s: "X" + s)
    data = write_folder(tmp_path / "data", **tables)
    with pytest.raises(BatchError, match=r"officer-2025-26-spring-004100 cannot be made: enforcement.officer_id: "
                                         r"12 of 12 \(100%\) values not in officers"):
        run_report("officer", tmp_path / "out", "2025-26", "spring", data_dir=data, officer_id="004100")
    assert not (tmp_path / "out" / "officer-2025-26-spring-004100.pdf").exists()
