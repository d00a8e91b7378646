"""The quarterly report's measures on small hand-made frames: quarters, searches, complaints, SROs, training."""

import datetime as dt
import json
import re

import pandas as pd
import pytest

from sro_reporting import periods
from sro_reporting.measures import assignments, complaints, searches, training
from sro_reporting.params import SchoolYear, Span

T = pd.to_datetime
Q3 = Span(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))
YEAR = SchoolYear.model_validate({"school_year": "2025-26", "semesters": {
    "fall": {"start": "2025-09-02", "end": "2026-01-23"}, "spring": {"start": "2026-01-26", "end": "2026-06-12"}}})
SCHOOLS = pd.DataFrame({"school_id": ["1", "2", "3"], "school_name": ["A", "B", "C"],
                        "sro_participating": [True, True, False], "participation_start": [pd.NaT] * 3,
                        "participation_end": T([None, "2025-12-31", None])})


@pytest.mark.parametrize("text, quarter, span", [
    pytest.param("1", 1, ("2025-07-01", "2025-09-30"), id="number"),
    pytest.param("q2", 2, ("2025-10-01", "2025-12-31"), id="q-form"),
    pytest.param("Jan-Mar", 3, ("2026-01-01", "2026-03-31"), id="months"),
    pytest.param("apr-jun", 4, ("2026-04-01", "2026-06-30"), id="last"),
])
def test_quarters_of_the_school_year(text, quarter, span):
    assert periods.quarter_number(text) == quarter
    assert periods.quarter_span(2025, quarter) == Span(start=span[0], end=span[1])


@pytest.mark.parametrize("text", [pytest.param("5", id="five"), pytest.param("march", id="a-month")])
def test_a_bad_quarter_names_the_forms(text):
    with pytest.raises(ValueError, match="jan-mar"):
        periods.quarter_number(text)


def test_the_four_quarters_are_the_year_and_each_semester_makes_two():
    quarters = [periods.quarter_span(2025, q) for q in (1, 2, 3, 4)]
    assert sum(q.days for q in quarters) == 365 and quarters[0].start == dt.date(2025, 7, 1)
    assert [periods.semester_quarters(YEAR.semesters[s]) for s in ("fall", "spring")] == [[1, 2], [3, 4]]


def test_a_quarter_splits_into_semester_parts_that_cover_it():
    parts = periods.parts_by_semester(YEAR, Q3)
    assert parts["fall"] == [Span(start="2026-01-01", end="2026-01-23")]
    assert parts["spring"] == [Span(start="2026-01-26", end="2026-03-31")]
    assert parts["outside the semesters"] == [Span(start="2026-01-24", end="2026-01-25")]
    assert sum(s.days for p in parts.values() for s in p) == Q3.days


@pytest.mark.parametrize("as_of, label, end", [
    pytest.param(None, "October-December 2025", "2025-12-31", id="whole"),
    pytest.param(dt.date(2026, 1, 31), "October-December 2025, its first 31 days", "2025-10-31", id="partial"),
])
def test_the_quarter_before_over_like_days(as_of, label, end):
    assert periods.previous_quarter(Q3, as_of) == (label, Span(start="2025-10-01", end=end))


SEARCHES = pd.DataFrame({
    "search_datetime": T(["2026-01-05", "2026-01-06", "2026-02-01", "2026-03-31", "2026-04-01"]),
    "school_id": ["1", "1", "3", None, "1"],
    "search_type": ["PERSON", "PERSON", "PROPERTY", "VEHICLE", "PERSON"],
    "basis": ["CONSENT", None, "CONSENT", "PROBABLE_CAUSE", "CONSENT"],
    "found": ["NOTHING", "WEAPON", "NOTHING", "DRUGS", "DRUGS"],
})


@pytest.mark.parametrize("row, expected", [
    pytest.param("Nothing found", [1, 1, 0, 2], id="nothing"),
    pytest.param("Weapon", [1, 0, 0, 1], id="weapon"),
    pytest.param("Drugs", [0, 0, 1, 1], id="drugs-in-the-quarter-only"),
    pytest.param("Total", [2, 1, 1, 4], id="total"),
])
def test_searches_by_what_was_found_and_type(row, expected):
    table = searches.by_found(SEARCHES, Q3).set_index("found")
    assert list(table.columns) == ["Person", "Property", "Vehicle", "Total"]
    assert "Not recorded" not in table.index  # every search says what it found
    assert table.loc[row].tolist() == expected


def test_searches_by_basis_keep_not_recorded_apart():
    table = searches.by_basis(SEARCHES, Q3).set_index("basis")
    assert table.loc["Consent", "Total"] == 2 and table.loc["Not recorded", "Total"] == 1
    assert table.loc["Warrant", "Total"] == 0


def test_searches_at_each_school_and_elsewhere_add_to_the_total():
    table = searches.by_school(SEARCHES, SCHOOLS, Q3).set_index("school_name")
    assert table.loc["A", ["PERSON", "total"]].tolist() == [2, 2]
    assert table.loc["At a school not taking part in the period", "PROPERTY"] == 1
    assert table.loc["No school recorded", "VEHICLE"] == 1
    assert table.loc["Total", "total"] == 4 and "B" not in table.index  # B left at the end of December


COMPLAINTS = pd.DataFrame({
    "received_date": T(["2025-11-20", "2026-01-10", "2026-02-01", "2026-03-15", "2026-04-02"]),
    "category": ["FORCE", "FORCE", "BIAS", "CONDUCT", "FORCE"],
    "source": ["FPC", "FPC", "MPS", "MPD", "FPC"],
    "status": ["CLOSED", "CLOSED", "OPEN", "CLOSED", "OPEN"],
    "finding": ["SUSTAINED", None, None, "UNFOUNDED", None],
    "closed_date": T(["2026-01-20", "2026-03-01", None, "2026-04-20", None]),
})


@pytest.mark.parametrize("row, expected", [
    pytest.param("Use of force", [1, 2, 0], id="one-received-two-closed"),
    pytest.param("Bias", [1, 0, 1], id="still-open"),
    pytest.param("Conduct", [1, 0, 1], id="closed-after-the-quarter-is-open-at-its-end"),
    pytest.param("Total", [3, 2, 2], id="total"),
])
def test_complaints_received_closed_and_open_by_category(row, expected):
    table = complaints.by_category(COMPLAINTS, Q3).set_index("category")
    assert table.loc[row].tolist() == expected


def test_complaints_without_closing_dates_are_not_collected_not_zero():
    table = complaints.by_category(COMPLAINTS.assign(closed_date=pd.NaT), Q3).set_index("category")
    assert table.loc["Total", "received"] == 3
    assert table["closed"].isna().all() and table["open_at_end"].isna().all()


def test_complaints_by_source_and_by_finding():
    source = complaints.received_by_source(COMPLAINTS, Q3).set_index("source")["received"]
    assert source["Fire and Police Commission"] == 1 and source["Total"] == 3
    finding = complaints.closed_by_finding(COMPLAINTS, Q3).set_index("finding")["closed"]
    assert finding["Sustained"] == 1 and finding["Not recorded"] == 1 and finding["Total"] == 2


ROSTER = pd.DataFrame({"officer_id": ["X", "X", "Y", "Z"], "school_id": ["1", "2", "1", "1"],
                       "assigned_from": T(["2025-08-01", "2025-08-01", "2025-10-15", "2025-07-01"]),
                       "assigned_to": T([None, None, None, "2025-08-31"])})
ACTS = pd.DataFrame({"officer_id": ["X", "X", "Y", "Y", "W"], "school_id": ["1", "2", "1", "1", "3"],
                     "activity_date": T(["2025-10-01", "2025-10-01", "2025-10-20", "2025-10-21", "2025-10-21"])})
Q2 = Span(start=dt.date(2025, 10, 1), end=dt.date(2025, 12, 31))


@pytest.mark.parametrize("roster, school, expected", [
    pytest.param(ROSTER, "A", [2, 2, 3], id="roster-and-log"),
    pytest.param(ROSTER, "B", [1, 1, 1], id="one-sro"),
    pytest.param(ROSTER, "Total", [2, 2, 3], id="district-counts-each-once"),
    pytest.param(None, "A", [None, 2, 3], id="no-roster-is-blank-not-zero"),
])
def test_sros_per_school(roster, school, expected):
    table = assignments.per_school(roster, ACTS, SCHOOLS, Q2).set_index("school_name")
    got = table.loc[school, ["sros_assigned", "sros_logged", "days_with_sro"]].tolist()
    assert [None if pd.isna(v) else v for v in got] == expected


def test_training_completed_in_the_quarter():
    courses = pd.DataFrame({"officer_id": ["X", "X", "Y", "Y"],
                            "course_code": ["NASRO_BASIC", "FERPA", "FERPA", "PBIS"],
                            "completion_date": T(["2026-01-05", "2026-03-31", "2026-02-01", "2026-04-01"]),
                            "hours": pd.array([40.0, 4.0, None, 2.0], dtype="Float64")})
    table = training.completed(courses, Q3).set_index("course")
    assert table.loc["Student records (FERPA)", ["completions", "officers"]].tolist() == [2, 2]
    assert table.loc["Total"].tolist() == [3, 2, 44.0]


@pytest.mark.parametrize("school_year, semester, expected", [
    pytest.param("2025-26", "fall", [("q1", "July-September 2025"), ("q2", "October-December 2025")], id="fall"),
    pytest.param("2025-26", "spring", [("q3", "January-March 2026"), ("q4", "April-June 2026")], id="spring"),
    pytest.param("2026-27", "fall", [("q1", "July-September 2026"), ("q2", "October-December 2026")],
                 id="data-end-inside-q2-it-is-made-partial"),
    pytest.param("2026-27", "spring", [], id="quarters-after-the-data-end-are-not-made"),
])
def test_a_semester_batch_makes_the_quarters_of_its_half_year(school_year, semester, expected):
    import sro_reporting as sro
    from sro_reporting.params import load_school_year
    from sro_reporting.running.plan import KINDS, _entities

    data = sro.load()  # the demo data: as of November 20, 2026
    found = _entities(KINDS["quarterly"], data, load_school_year(school_year).semesters[semester])
    assert [(suffix, subject) for suffix, subject, _ in found] == expected


@pytest.mark.parametrize("args, words", [
    pytest.param(["--quarter", "5"], "is not a quarter", id="no-such-quarter"),
    pytest.param(["--quarter", "1", "--quarter", "jan-mar"], "quarters of one semester", id="two-halves"),
    pytest.param(["--quarter", "3", "--semester", "fall"], "quarters of one semester", id="not-the-semester's"),
])
def test_the_quarter_option_says_what_to_type(tmp_path, args, words):
    from typer.testing import CliRunner

    from sro_reporting.cli import app

    result = CliRunner().invoke(app, ["run", "--data", str(tmp_path), "--out", str(tmp_path / "out"),
                                      "--school-year", "2025-26", *args])
    assert result.exit_code == 2 and words in result.output


# Issue 25 item 6: blank is not zero.

def test_a_measure_whose_table_is_absent_is_blank_never_zero(tmp_path):
    from conftest import write_folder

    import sro_reporting as sro
    from sro_reporting.measures.summary import quarter_figures

    data = sro.load(write_folder(tmp_path), use_cache=False)  # no searches, assignments, complaints, enrollment
    figures = quarter_figures(data, YEAR, Q3).set_index("measure")["value"]
    assert figures[["Searches", "Complaints received", "Complaints closed"]].isna().all()
    assert figures["Training courses completed"] == 0  # the training table is there, with no course in Q3
    assert figures["School-related arrests"] == 0


def test_not_collected_is_printed_and_blank_in_the_csv(tmp_path, monkeypatch):
    from sro_reporting.rendering import report
    from sro_reporting.rendering.report import Report

    shown = []
    monkeypatch.setattr(report, "_display", shown.append)
    rep = Report("quarterly", "T", "mps", YEAR, Q3, tmp_path, stem="q")
    frame = pd.DataFrame({"school_id": ["1", None], "school_name": ["A", "Total"],
                          "sros_assigned": pd.array([None, None], dtype="Int64"), "days": [3, 3]})
    rep.table(frame, "sros_by_school", "SROs", blank="not collected")
    assert (tmp_path / "tables" / "q" / "sros_by_school.csv").read_text().splitlines()[1:] == ["1,A,,3", ",Total,,3"]
    assert shown[0].count("not collected") == 2  # the two counts, not the total row's blank school ID
    assert shown[0].count('<td class="num">not collected</td>') == 2  # aligned as the counts it stands for


def _report(root, stem, report, period, key, parts=None, **parameters):
    """Write a report's key figures (with their layout) and, for a quarter, its parts, as a run would."""
    folder = root / stem
    folder.mkdir(parents=True)
    pd.DataFrame({"measure": list(key), "current": list(key.values())}).to_csv(folder / "key_figures.csv", index=False)
    (folder / "layouts.json").write_text(json.dumps({"key_figures.csv": {
        "row_label": "measure", "columns": {"current": {"period": period}}}}))
    if parts is not None:
        pd.DataFrame({"measure": list(key), **parts, "quarter": list(key.values())}).to_csv(
            folder / "key_figures_by_part_of_quarter.csv", index=False)
    return {"stem": stem, "report": report, "status": "ok", "parameters": {"school_year": "2025-26", **parameters}}


@pytest.mark.parametrize("q4_spring, found", [
    pytest.param(4, [], id="quarters-add-to-the-semester"),
    pytest.param(5, [("quarters to semester", "semester", "Calls for service (2 quarters, spring)", 9, 10)],
                 id="one-call-too-many-is-found"),
])
def test_the_quarters_that_cover_a_semester_add_to_it(tmp_path, q4_spring, found):
    from sro_reporting.running.reconcile import reconcile

    calls = "Calls for service"
    outputs = [
        _report(tmp_path, "semester", "semester", "2026-01-26/2026-06-12", {calls: 9}, semester="spring"),
        _report(tmp_path, "q3", "quarterly", "2026-01-01/2026-03-31", {calls: 8},
                {"fall": [2], "spring": [5], "outside the semesters": [1]}, semester="spring", quarter="3"),
        _report(tmp_path, "q4", "quarterly", "2026-04-01/2026-06-30", {calls: q4_spring + 1},
                {"spring": [q4_spring], "outside the semesters": [1]}, semester="spring", quarter="4"),
    ]
    result = reconcile(tmp_path, outputs)
    assert [tuple(r) for r in result[["check", "report", "item", "expected", "found"]].itertuples(index=False)] == found
    assert result.attrs["checks"] >= 5


def test_quarters_that_leave_part_of_a_semester_out_are_not_checked_against_it(tmp_path):
    from sro_reporting.running.reconcile import reconcile

    outputs = [
        _report(tmp_path, "semester", "semester", "2025-09-02/2026-01-23", {"Calls for service": 99}, semester="fall"),
        _report(tmp_path, "q1", "quarterly", "2025-07-01/2025-09-30", {"Calls for service": 3},
                {"fall": [2], "outside the semesters": [1]}, semester="fall", quarter="1"),
        _report(tmp_path, "q2", "quarterly", "2025-10-01/2025-12-31", {"Calls for service": 4},
                {"fall": [4]}, semester="fall", quarter="2"),
    ]
    assert reconcile(tmp_path, outputs).empty  # January 1-23 of the fall semester is in quarter 3, not made here


@pytest.mark.parametrize("report, kwargs, words", [
    pytest.param("quarterly", {"quarter": "9"}, "is not a quarter", id="no-such-quarter"),
    pytest.param("semester", {"quarter": 3}, "takes no quarter", id="a-semester-takes-no-quarter"),
    pytest.param("quarterly", {}, "quarter=3", id="the-quarter-is-required"),
])
def test_run_report_asks_for_a_quarter_in_words(report, kwargs, words):
    from sro_reporting.running.batch import run_report
    from sro_reporting.running.plan import PlanError

    with pytest.raises(PlanError, match=words):
        run_report(report, semester="spring", **kwargs)


def test_a_partial_quarter_counts_no_day_after_the_data_end_under_the_floor(tmp_path, monkeypatch):
    import sro_reporting as sro
    from sro_reporting.params import load_school_year
    from sro_reporting.rendering import report, sections
    from sro_reporting.rendering.report import Report

    monkeypatch.setattr(report, "_display", lambda markup: None)
    data, year = sro.load(), load_school_year("2026-27")  # the demo data end on November 20, 2026
    span = periods.quarter_span(2026, 2)
    rep = Report("quarterly", "T", "mps", year, span, tmp_path, stem="q2")
    sections.district_findings(rep, data, span, None)
    text = (tmp_path / "tables" / "q2" / "findings.csv").read_text()
    assert "of 35 school days" in text  # October 1 to November 20, as the key figures count them
    assert not re.search(r"November 2[1-9]|November 30|December|2026-11-2[1-9]|2026-12", text)


@pytest.mark.parametrize("audience, span, tables, expected", [
    pytest.param("mps", Q3, ("actions_by_race",), True, id="mps-quarter-race"),
    pytest.param("mps", Q3, ("actions_by_gender",), False, id="mps-quarter-gender-left-to-the-semester"),
    pytest.param("mps", Q3, ("use_of_force_by_race", "use_of_force_by_student"), False, id="mps-quarter-force"),
    pytest.param("mps", YEAR.semesters["spring"], ("actions_by_gender",), True, id="mps-semester"),
    pytest.param("mpd_internal", Q3, ("actions_by_gender",), True, id="internal-exact"),
])
def test_the_quarterly_breaks_people_down_where_the_plan_covers_the_table(tmp_path, audience, span, tables, expected):
    from sro_reporting.rendering import protected
    from sro_reporting.rendering.report import Report

    rep = Report("quarterly", "T", audience, YEAR, span, tmp_path, stem="q")
    assert protected.breaks_down(rep, span) and protected.breaks_down(rep, span, tables=tables) == expected
