"""Issue 26, the Chief's and the safety director's asks: the school year to date against the same days of last year,
and the monthly brief's open items, on small hand-made data (a partial year, a prior year without data, an action
with no officer recorded, a force type only last year)."""

import datetime as dt

import pandas as pd
import pytest
from conftest import write_folder

import sro_reporting as sro
from sro_reporting import periods
from sro_reporting.measures import compliance, summary
from sro_reporting.params import SchoolYear, Span, load_school_year
from sro_reporting.rendering import appendix, findings, render
from sro_reporting.running.reconcile import reconcile

D = dt.date
THIS, LAST = load_school_year("2026-27"), load_school_year("2025-26")
CALLS = pd.DataFrame([
    ("c1", "2025-07-01 10:00", "0010"), ("c2", "2025-10-01 10:00", "0020"),  # the same days last year
    ("c3", "2025-12-01 10:00", "0010"),  # last year, after its same days: not compared
    ("c4", "2026-09-10 10:00", "0010"), ("c5", "2026-11-20 10:00", "0040"),  # this year; Nov 20 is the as-of date
], columns=["incident_number", "call_datetime", "school_id"]).assign(
    location="1 E NOWHERE AVE", nature_of_call="TRBL W/JUV", priority="2", disposition="ADVISED")
ENFORCEMENT = pd.DataFrame([
    ("e1", "arrest", "2025-09-15 10:00", "yes", "A"),
    ("e2", "citation", "2026-10-01 10:00", "yes", "A"), ("e3", "citation", "2026-10-02 10:00", "yes", ""),
    ("e4", "court_referral", "2026-10-03 10:00", "yes", ""),  # two actions with no officer recorded
    ("e5", "arrest", "2026-10-04 10:00", "no", "A"),  # not school-related
], columns=["action_id", "action_type", "action_datetime", "school_related", "officer_id"]).assign(school_id="0010")
FORCE = pd.DataFrame({"uof_id": ["u1", "u2", "u3"], "officer_id": ["A"] * 3,
                      "uof_datetime": ["2026-09-15 10:00", "2026-10-15 10:00", "2025-10-15 10:00"],
                      "force_type": ["Control hold", "Takedown", "Taser display"],  # taser display: last year only
                      "subject_injured": ["yes", "no", ""], "officer_injured": ["no", "yes", ""]})
OFFICERS = pd.DataFrame({"officer_id": ["A"], "continuous_service_start": ["2015-01-01"], "sro_start": ["2025-03-17"],
                         "shift_type": ["day"]})


def load(tmp_path, **over):
    """Return the data of a folder of the tables above, some replaced."""
    tables = {"calls_for_service": CALLS, "enforcement": ENFORCEMENT, "use_of_force": FORCE, "officers": OFFICERS,
              **over}
    return sro.load(write_folder(tmp_path, **tables), use_cache=False)


@pytest.mark.parametrize("span, before", [
    pytest.param(Span(start=D(2026, 7, 1), end=D(2026, 11, 20)), Span(start=D(2025, 7, 1), end=D(2025, 11, 20)),
                 id="partial-year"),
    pytest.param(Span(start=D(2027, 7, 1), end=D(2028, 2, 29)), Span(start=D(2026, 7, 1), end=D(2027, 2, 28)),
                 id="to-a-leap-day"),
])
def test_the_same_days_of_the_year_before(span, before):
    assert periods.same_days_year_before(span) == before


def test_a_partial_year_is_compared_with_the_same_days_of_the_year_before(tmp_path):
    data = load(tmp_path)
    assert summary.year_to_date_spans(THIS, data.as_of()) == (Span(start=D(2026, 7, 1), end=D(2026, 11, 20)),
                                                              Span(start=D(2025, 7, 1), end=D(2025, 11, 20)))
    got = summary.year_to_date(data, THIS).set_index("measure")[["current", "previous"]]
    expected = {  # by hand: c3 is after Nov 20, 2025; e5 is not school-related; u3 is last year's taser display
        "Calls for service": [2, 2], "School-related arrests": [0, 1], "School-related citations": [2, 0],
        "School-related court referrals": [1, 0], summary.ACTIONS: [3, 1], summary.WITH_SRO: [1, 1],
        summary.NO_OFFICER: [2, 0], "Use-of-force incidents": [2, 1], "Use of force: control hold": [1, 0],
        "Use of force: takedown": [1, 0], "Use of force: taser display": [0, 1], summary.SUBJECT_INJURED: [1, 0],
        summary.OFFICER_INJURED: [1, 0],
        "School days": [56, 56],  # Sep 1-Nov 20, 2026 less 3 days off; Sep 2-Nov 20, 2025 less 2 (parameter files)
        summary.UNDER_FLOOR: [56, 56],  # no shifts: every school day is under the floor
        "School days at the schools taking part": [168, 168],  # three schools take part on every one of them
    }
    assert {m: [int(v) for v in row] for m, row in got.iterrows()} == expected


@pytest.mark.parametrize("year, calls, blank", [
    pytest.param(LAST, CALLS, "all", id="prior-year-with-no-data"),
    pytest.param(THIS, CALLS[CALLS["incident_number"] != "c1"], "all", id="data-begin-inside-the-same-days"),
    pytest.param(THIS, CALLS, "none", id="data-reach-back"),
])
def test_the_year_before_is_blank_where_the_data_do_not_reach_back_to_it(tmp_path, year, calls, blank):
    data = load(tmp_path, calls_for_service=calls)
    previous = summary.year_to_date(data, year)["previous"]
    assert (previous.isna().all() if blank == "all" else previous.notna().all()), previous.tolist()


def test_a_table_that_begins_after_the_same_days_is_blank_for_them_alone(tmp_path):
    data = load(tmp_path, enforcement=ENFORCEMENT[ENFORCEMENT["action_id"] != "e1"])  # actions begin in 2026
    got = summary.year_to_date(data, THIS).set_index("measure")["previous"]
    assert got[summary.ACTIONS] is pd.NA and got[summary.NO_OFFICER] is pd.NA and int(got["Calls for service"]) == 2


def test_the_chief_findings_quote_the_table(tmp_path):
    values = summary.year_to_date(load(tmp_path), THIS).set_index("measure")["current"]
    assert findings.force_by_type(values).sentence == (
        "SROs used force 2 times, most often control hold and takedown (1 each): 1 subject and 1 officer injured.")
    assert findings.officer_recorded(3, 1, 2).sentence == (
        "Of 3 school-related actions, 1 had an SRO recorded as the officer and 2 no officer.")
    assert findings.no_prior_year("school year 2024-25", D(2025, 7, 1)).figures == {"Data begin": "2025-07-01"}


def test_the_chief_page_reconciles(tmp_path):
    """The run's check finds a page one whose parts do not add up: here, one action too few with no officer."""
    folder = tmp_path / "tables" / "compliance-2026-27"
    folder.mkdir(parents=True)
    table = summary.year_to_date(load(tmp_path / "data"), THIS)
    table.to_csv(folder / "year_to_date.csv", index=False)
    pd.DataFrame({"date": [f"2026-09-{d:02d}" for d in range(1, 57)]}).to_csv(folder / "findings_iii_a.csv")
    outputs = [{"stem": "compliance-2026-27", "report": "compliance", "parameters": {}}]
    assert reconcile(tmp_path / "tables", outputs).empty
    table.loc[table["measure"] == summary.NO_OFFICER, "current"] = 1
    table.to_csv(folder / "year_to_date.csv", index=False)
    found = reconcile(tmp_path / "tables", outputs)
    assert found[["item", "expected", "found"]].values.tolist() == [["actions by officer recorded", 3, 2]]


def test_the_contents_follow_the_page_that_stands_alone():
    page = "<main><header>T</header><h2>A</h2>" + appendix.PAGE_END + "".join(f"<h2>{h}</h2>" for h in "BCDE")
    done = render.add_contents(page)
    assert done.index('<nav class="toc"') > done.index(appendix.PAGE_END) > done.index("</header>")


YEAR = SchoolYear.model_validate({
    "school_year": "2025-26", "consultation_window_days": 30,
    "semesters": {"fall": {"start": "2025-09-02", "end": "2026-01-23"},  # window Dec 24, 2025 to Feb 22, 2026
                  "spring": {"start": "2026-01-26", "end": "2026-06-12"}}})  # window May 13 to July 12, 2026
SCHOOLS = pd.DataFrame({"school_id": ["1", "2", "3"], "school_name": ["A", "B", "C"], "sro_participating": [True] * 3,
                        "participation_start": [pd.NaT] * 3,
                        "participation_end": pd.to_datetime([None, None, "2026-01-23"])})  # C leaves after fall
MEETINGS = pd.DataFrame({"meeting_type": "semester_consultation", "school_id": ["1", "2", "3", "3"],
                         "meeting_date": pd.to_datetime(["2026-01-15", "2026-02-20", "2026-02-25", "2026-05-20"])})


@pytest.mark.parametrize("on, owed", [
    pytest.param(D(2025, 12, 1), [], id="no-window-open-yet"),
    pytest.param(D(2026, 1, 31), [("fall", "2", "due"), ("fall", "3", "due")], id="fall-window-open"),
    pytest.param(D(2026, 3, 31), [("fall", "3", "overdue")], id="held-after-the-window-does-not-count"),
    pytest.param(D(2026, 5, 31), [("fall", "3", "overdue"), ("spring", "1", "due"), ("spring", "2", "due")],
                 id="a-school-that-left-owes-no-spring-consultation"),
])
def test_consultations_owed_as_the_compliance_check_counts_them(on, owed):
    found = compliance.consultations_owed(MEETINGS, SCHOOLS, YEAR, on)
    assert list(found[["semester", "school_id", "state"]].itertuples(index=False, name=None)) == owed


def test_open_items_count_the_schools_owing_and_name_the_next_meeting():
    owed = compliance.consultations_owed(MEETINGS, SCHOOLS, YEAR, D(2026, 5, 31))
    items = compliance.open_items(owed, D(2026, 6, 15))
    assert items[["schools", "due", "state"]].values.tolist() == [
        [1, D(2026, 2, 22), "overdue"], [2, D(2026, 7, 12), "due"], [pd.NA, D(2026, 6, 15), "scheduled"]]


@pytest.mark.parametrize("after, expected", [
    pytest.param(D(2026, 3, 31), D(2026, 4, 15), id="this-year"),
    pytest.param(D(2026, 6, 20), D(2026, 7, 18), id="from-the-next-year-file"),
    pytest.param(D(2027, 6, 30), None, id="none-scheduled"),
])
def test_the_next_meeting_comes_from_the_parameter_files(after, expected):
    assert compliance.next_meeting(LAST, after) == expected
