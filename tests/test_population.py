"""Participation and population (issue 12) on a small hand-made folder: one rule for every count at a
school, every table adding to its total, and loud failures instead of quiet zeros."""

import datetime as dt

import pandas as pd
import pytest
from conftest import write_folder
from typer.testing import CliRunner

import sro_reporting as sro
from sro_reporting.cli import app
from sro_reporting.measures import disparity, people, population, summary
from sro_reporting.measures.calls import response_times
from sro_reporting.measures.population import NO_SCHOOL, NOT_TAKING_PART, TOTAL, UNKNOWN_SCHOOL
from sro_reporting.params import load_school_year

YEAR = load_school_year("2025-26")
FALL, SPRING = YEAR.semesters["fall"], YEAR.semesters["spring"]
SCHOOLS = pd.DataFrame({
    "school_id": ["0007", "0014", "0021", "0099"],
    "school_name": ["Washington High", "Lincoln High", "Madison High", "Other K-8"],
    "address": ["100 N 1ST ST", "200 N 2ND ST", "300 N 3RD ST", "400 N 4TH ST"],
    "sro_participating": ["yes", "yes", "yes", "no"],
    "participation_start": ["2025-03-17", "2026-01-26", "2025-03-17", ""],  # 0014 joins for spring
    "participation_end": ["", "", "2026-01-23", ""],  # 0021 leaves after fall
})
CALLS = pd.DataFrame([
    ("c1", "2025-10-01 10:00", "0007"), ("c2", "2025-10-02 10:00", "0014"),  # 0014 before it joined
    ("c3", "2026-02-02 10:00", "0014"), ("c4", "2026-02-03 10:00", "0021"),  # 0021 after it left
    ("c5", "2026-02-04 10:00", "0099"),  # a school outside the program: not a program call
    ("c6", "2026-02-05 10:00", ""),  # links nowhere
], columns=["incident_number", "call_datetime", "school_id"]).assign(
    location="1 E NOWHERE AVE", nature_of_call="TRBL W/JUV", priority="2", disposition="ADVISED")
ENFORCEMENT = pd.DataFrame([
    ("e1", "arrest", "2025-10-01 10:00", "0014"), ("e2", "citation", "2026-02-02 10:00", "0014"),
    ("e3", "citation", "2026-02-02 10:00", ""), ("e4", "arrest", "2026-02-02 10:00", "0099"),
    ("e5", "arrest", "2026-02-02 10:00", "9999"),
], columns=["action_id", "action_type", "action_datetime", "school_id"]).assign(school_related="yes")
OFFICERS = pd.DataFrame({"officer_id": ["A"], "continuous_service_start": ["2015-01-01"],
                         "sro_start": ["2025-03-17"], "shift_type": ["day"]})
ACTIVITIES = pd.DataFrame([
    ("a1", "2025-10-01", "mentoring", "0014", ""), ("a2", "2026-02-02", "youth_referral", "0014", "yes"),
    ("a3", "2026-02-02", "education", "", ""), ("a4", "2026-02-02", "intervention", "0007", "no"),
], columns=["activity_id", "activity_date", "activity_type", "school_id", "in_lieu_of_citation"]).assign(officer_id="A")
FORCE = pd.DataFrame({"uof_id": ["u1"], "uof_datetime": ["2026-02-02 10:00"], "officer_id": ["A"],
                      "force_type": ["Control hold"], "school_id": ["0014"]})


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return write_folder(tmp_path_factory.mktemp("data"), schools=SCHOOLS, calls_for_service=CALLS,
                        enforcement=ENFORCEMENT, officers=OFFICERS, activities=ACTIVITIES, use_of_force=FORCE)


@pytest.fixture(scope="module")
def data(folder):
    return sro.load(folder, use_cache=False)


def rows(table, columns):
    return table.set_index("school_name")[columns].to_dict("index")


def test_every_count_at_a_school_taking_part_and_the_rest_in_rows_of_their_own(data):
    table = population.by_place(data, SPRING)
    assert table["school_name"].tolist() == ["Washington High", "Lincoln High", NOT_TAKING_PART, UNKNOWN_SCHOOL,
                                             NO_SCHOOL, TOTAL]
    got = rows(table, ["calls", "arrests", "citations", "activities", "youth_referrals", "alternatives",
                       "use_of_force"])
    assert got["Lincoln High"] == {"calls": 1, "arrests": 0, "citations": 1, "activities": 1, "youth_referrals": 1,
                                   "alternatives": 1, "use_of_force": 1}
    assert got[NOT_TAKING_PART]["calls"] == 1  # at Madison after it left; the call at Other K-8 is no program call
    assert (got[NOT_TAKING_PART]["arrests"], got[UNKNOWN_SCHOOL]["arrests"], got[NO_SCHOOL]["citations"]) == (1, 1, 1)
    assert got[TOTAL] == {"calls": 2, "arrests": 2, "citations": 2, "activities": 3, "youth_referrals": 1,
                          "alternatives": 1, "use_of_force": 1}
    counts = table[list(population.MEASURES)]
    assert (counts.iloc[:-1].sum() == counts.iloc[-1]).all()  # every column adds to its total


@pytest.mark.parametrize("span", [FALL, SPRING, YEAR.year_span])
def test_the_totals_are_the_total_row_of_every_place(data, span):
    """The key figures count every record without placing it: the same numbers as the table of places."""
    total = population.by_place(data, span).set_index("school_name").loc[TOTAL, list(population.MEASURES)]
    assert population.totals(data, span) == {m: int(v) for m, v in total.items()}
    assert population.totals(data, SPRING)["arrests"] == 2  # by hand: e4 outside the program, e5 unknown school


def test_a_school_that_joined_counts_nothing_before_its_semester_and_says_not_taking_part(data):
    fall = population.by_place(data, FALL)
    assert fall["school_name"].tolist()[:2] == ["Washington High", "Madison High"]
    assert rows(fall, ["calls", "arrests", "activities"])[NOT_TAKING_PART] == {"calls": 1, "arrests": 1,
                                                                               "activities": 1}
    packet = summary.compare(summary.key_figures(data, YEAR, SPRING, "0014"),
                             summary.key_figures(data, YEAR, FALL, "0014")).set_index("measure")
    assert packet.loc["Calls for service", ["current", "previous", "change", "change_pct"]].tolist() == [
        1, "not taking part", pd.NA, None]  # NA, not None: the CSV's column of changes stays whole numbers
    assert packet.loc["School-related arrests", "previous"] == "not taking part"  # calls and arrests alike
    assert packet.loc["School days", "previous"] == 88  # not a count at the school


def test_the_annual_counts_a_school_only_on_its_days_and_states_its_join_and_leave(data):
    """Contract v3: c2, e1 and a1 at Lincoln before it joined, c4 at Madison after it left, count as not taking part."""
    year = population.by_place(data, YEAR.year_span)
    got = rows(year, ["participation", "calls", "arrests", "activities"])
    assert got["Lincoln High"] == {"participation": "joined 2026-01-26", "calls": 1, "arrests": 0, "activities": 1}
    assert got["Madison High"] == {"participation": "left 2026-01-23", "calls": 0, "arrests": 0, "activities": 0}
    assert rows(year, ["calls", "arrests", "activities"])[NOT_TAKING_PART] == {"calls": 2, "arrests": 2,
                                                                                "activities": 1}
    assert got["Washington High"]["participation"] == "whole period"
    parts = summary.by_part_of_year(data, YEAR).set_index("measure")
    assert (parts[["fall", "spring", "outside the semesters"]].sum(axis=1) == parts["year"]).all()
    assert parts.loc["Calls for service"].tolist() == [2, 2, 0, 4]


def test_the_district_average_is_over_the_schools_taking_part_only(data):
    out = summary.district_comparison(data, SPRING, "0007").set_index("measure")
    assert out.loc["SRO activities logged"].tolist() == [1, 1.0]  # (1 + 1) / 2 schools; not 3 / 2
    assert out.loc["Calls for service"].tolist() == [0, 0.5]


def test_ids_that_lost_their_leading_zeros_are_restored_with_one_line(tmp_path):
    excel = ENFORCEMENT.assign(school_id=["14", "14", "", "7", "7"])
    folder = write_folder(tmp_path, schools=SCHOOLS, enforcement=excel, officers=OFFICERS)
    data = sro.load(folder, use_cache=False)
    said = data.problems[(data.problems["table"] == "enforcement") & (data.problems["column"] == "school_id")
                         & ~data.problems["rule"].str.startswith("required when school_related")]
    assert said["severity"].tolist() == ["warning"]
    assert said["rule"].iloc[0].startswith("4 school_id value(s) had lost their leading zeros ('14' for '0014')")
    assert data.enforcement["school_id"].dropna().tolist() == ["0014", "0014", "0007", "0007"]
    population.require_matched(data, ["calls_for_service", "enforcement"], "annual")


def test_ids_of_another_registry_are_an_error_with_a_hint(tmp_path):
    other = ENFORCEMENT.assign(school_id=["X14", "X14", "", "X7", "X7"])
    folder = write_folder(tmp_path, schools=SCHOOLS, enforcement=other, officers=OFFICERS)
    data = sro.load(folder, use_cache=False)
    error = data.problems[(data.problems["table"] == "enforcement") & (data.problems["severity"] == "error")
                          & data.problems["rule"].str.contains("are not in schools")]
    assert error["rule"].str.startswith("4 of 4 school_id values (100%) are not in schools").tolist() == [True]
    assert "same school registry" in error["rule"].iloc[0]
    assert CliRunner().invoke(app, ["validate", "--data", str(folder)]).exit_code == 1
    with pytest.raises(population.UnmatchedInputError, match="none of the 4 school_id values in enforcement"):
        population.require_matched(data, ["calls_for_service", "enforcement"], "annual")


def test_a_few_unknown_ids_are_warnings_and_the_share_is_configurable(data, folder):
    def unknown(problems):
        found = problems[(problems["table"] == "enforcement") & problems["rule"].str.contains("not in schools")]
        return found["severity"].value_counts().to_dict()

    # 1 of 4 given IDs unknown: 25 % > 10 %, but fewer than MIN_UNKNOWN (3) IDs: a typo, not another registry
    assert unknown(data.problems) == {"warning": 1}
    assert unknown(sro.load(folder, use_cache=False, max_unknown_share=0.5).problems) == {"warning": 1}


def test_calls_that_link_nowhere_fail_the_report(tmp_path):
    data = sro.load(write_folder(tmp_path, schools=SCHOOLS, calls_for_service=CALLS.assign(school_id="")),
                    use_cache=False)
    with pytest.raises(population.UnmatchedInputError, match="none of the 6 calls for service links to a school"):
        population.require_matched(data, ["calls_for_service"], "monthly")


def test_impossible_times_are_errors_and_the_call_is_not_timed(tmp_path):
    times = pd.DataFrame([
        ("2025-10-01 10:05", "2025-10-01 09:59"),  # line 2: arrival before dispatch
        ("", "2025-10-02 09:00"),  # line 3: arrival before the call (10:00): -60 minutes
        ("2025-10-03 09:00", "2025-10-03 10:10"),  # line 4: dispatch before the call
        ("2026-10-04 10:05", "2026-10-04 10:10"),  # line 5: a year later
        ("2025-10-05 10:02", "2025-10-05 10:09"),  # line 6: good
    ], columns=["dispatch_datetime", "arrival_datetime"])
    calls = pd.concat([CALLS.head(1)] * 5, ignore_index=True).assign(
        incident_number=[f"t{i}" for i in range(5)], call_datetime=[f"2025-10-0{i + 1} 10:00" for i in range(5)],
        **times)
    data = sro.load(write_folder(tmp_path, schools=SCHOOLS, calls_for_service=calls), use_cache=False)
    found = data.problems[data.problems["table"] == "calls_for_service"]
    blank = "; the call's response times read as blank"
    assert found[["line", "column", "rule", "severity"]].values.tolist() == [
        [2, "arrival_datetime", "before dispatch_datetime" + blank, "error"],
        [3, "arrival_datetime", "before call_datetime" + blank, "error"],
        [4, "dispatch_datetime", "before call_datetime" + blank, "error"],
        [5, "arrival_datetime", "more than a day after call_datetime" + blank, "error"],
        [5, "dispatch_datetime", "more than a day after call_datetime" + blank, "error"]]
    assert data.calls["arrival_datetime"].notna().tolist() == [False, False, False, False, True]
    assert len(data.calls) == 5  # the calls themselves still count
    found = population.program_calls(data.calls, data.schools, FALL)
    assert response_times(found)[["priority", "calls", "timed"]].values.tolist() == [["2", 5, 1], ["All", 5, 1]]


def test_an_unfinished_year_is_marked_partial(tmp_path):
    later = pd.concat([CALLS, pd.DataFrame([("c9", "2026-09-10 10:00", "0007")],
                                           columns=["incident_number", "call_datetime", "school_id"])])
    more = sro.load(write_folder(tmp_path / "later", schools=SCHOOLS,
                                 calls_for_service=later.fillna({"location": "1 E NOWHERE AVE",
                                                                 "nature_of_call": "TRBL W/JUV", "priority": "2",
                                                                 "disposition": "ADVISED"})), use_cache=False)
    table = summary.by_school_year(more, load_school_year("2026-27"))
    assert list(table.columns) == ["measure", "2025-26", "2026-27 (partial: Jul 1-Sep 10, 2026)"]


def test_the_cover_of_an_unfinished_year_says_so(monkeypatch):
    from sro_reporting.rendering import report

    shown = []
    monkeypatch.setattr(report, "_display", shown.append)
    rep = report.Report("annual", "Annual", "mps", load_school_year("2026-27"),
                        load_school_year("2026-27").year_span, out_dir=None)
    rep.title_block(dt.date(2026, 11, 20), "III.F")
    assert "July 1, 2026 to June 30, 2027 (partial: Jul 1-Nov 20, 2026)" in shown[0]
    assert "the data end on November 20, 2026, before the period ends on June 30, 2027" in shown[0]


def test_a_list_column_blank_throughout_reads_as_blank(tmp_path):
    meetings = pd.DataFrame({"meeting_id": ["M1"], "meeting_date": ["2025-10-10"],
                             "meeting_type": ["mps_safety_monthly"], "attendee_roles": [""]})
    data = sro.load(write_folder(tmp_path, schools=SCHOOLS, meetings=meetings), use_cache=False)
    assert data.meetings["attendee_roles"].isna().tolist() == [True] and data.error_count == 0


def test_no_brief_is_planned_for_a_month_after_the_data(data):
    from sro_reporting.running.plan import KINDS, _entities

    assert data.as_of() == dt.date(2026, 2, 5)
    months = _entities(KINDS["monthly"], data, SPRING)
    assert [(suffix, extra["period_start"], extra["period_end"]) for suffix, _, extra in months] == [
        ("2026-01", "2026-01-26", "2026-01-31"), ("2026-02", "2026-02-01", "2026-02-28")]


def test_years_without_a_parameter_file_are_counted_july_to_june_without_school_days(tmp_path):
    before = pd.DataFrame([("c8", "2023-10-10 10:00", "0007"), ("c9", "2024-06-30 23:59", "0007")],
                          columns=["incident_number", "call_datetime", "school_id"])
    earlier = pd.concat([CALLS, before.assign(**CALLS.iloc[0][["location", "nature_of_call", "priority",
                                                                "disposition"]])])
    more = sro.load(write_folder(tmp_path / "earlier", schools=SCHOOLS, calls_for_service=earlier,
                                 enforcement=ENFORCEMENT), use_cache=False)
    table = summary.by_school_year(more, YEAR).set_index("measure")
    assert list(table.columns) == ["2023-24", "2024-25", "2025-26 (partial: Jul 1, 2025-Feb 5, 2026)"]  # no files: 23-24, 24-25
    assert table.loc["Calls for service"].tolist() == [2, 0, 4]  # c1-c4: 0007 and 0014 all year, 0021 after it left
    assert table.loc["School days"].isna().tolist() == [True, True, False]
    # Enforcement starts in October 2025: its counts before are not zeros but unknown.
    assert table.loc["School-related arrests"].isna().tolist() == [True, True, False]


def test_a_report_loads_only_the_linked_calls_and_counts_the_same(folder):
    every = sro.load(folder)
    linked = sro.load(folder, calls="linked")
    again = sro.load(snapshot=every.version, data_dir=folder, calls="linked")
    assert len(every.calls) == 6 and len(linked.calls) == len(again.calls) == 5  # c6 links nowhere
    assert linked.as_of() == every.as_of() and linked.first_day("calls_for_service") == dt.date(2025, 10, 1)
    for span in (FALL, SPRING, YEAR.year_span):
        assert population.by_place(linked, span).equals(population.by_place(every, span))
    assert summary.by_school_year(linked, YEAR).equals(summary.by_school_year(every, YEAR))
    from sro_reporting.reading import dataset
    dataset._LOADED.clear()
    restored = sro.load(snapshot=every.version, data_dir=folder)  # every call again, in file order
    assert restored.calls["incident_number"].tolist() == every.calls["incident_number"].tolist()


def test_a_period_placed_once_is_given_again_unchanged_and_made_again_from_a_replaced_table(data):
    """`by_place` is kept per data set and period (a school packet asks for its periods several times)."""
    import dataclasses

    first = population.by_place(data, SPRING)
    first.loc[0, "calls"] = 99  # the caller's copy: the kept table stays as made
    again = population.by_place(data, SPRING)
    assert again is not first and int(again.loc[0, "calls"]) != 99
    fewer = dataclasses.replace(data, tables={**data.tables, "calls_for_service": data.calls.iloc[:0]})
    assert int(population.by_place(fewer, SPRING).set_index("school_name").loc[TOTAL, "calls"]) == 0
    data.tables["calls_for_service"], kept = data.calls.iloc[:0], data.calls  # replaced in place, as an analyst may
    try:
        assert int(population.by_place(data, SPRING).set_index("school_name").loc[TOTAL, "calls"]) == 0
    finally:
        data.tables["calls_for_service"] = kept
    assert population.by_place(data, SPRING).equals(again)


def test_the_disparity_counts_follow_the_participation_windows(data):
    """Issue 26: e1 at Lincoln before it joined is no action at a school taking part, in the year as in the fall."""
    for span in (YEAR.year_span, FALL):
        counts = people.participating_by_race(data, span).counts.sum()
        assert (int(counts["arrest"]), int(counts["citation"])) == ((0, 1) if span == YEAR.year_span else (0, 0))
    assert "only the actions at schools taking part" in disparity.DEFINITION  # the table says whom it counts


def test_the_annual_says_what_came_before_a_school_joined_and_after_it_left(data):
    """Issue 26: the records the row "not taking part" holds for schools of the program, school by school."""
    table = population.outside_windows(data, YEAR.year_span)
    got = table[["school_id", "when", "calls", "arrests", "activities"]].values.tolist()
    assert got == [["0014", "before it joined 2026-01-26", 1, 1, 1], ["0021", "after it left 2026-01-23", 1, 0, 0]]
    assert population.outside_windows(data, SPRING, "0014").empty  # spring is all inside its window


def test_a_school_is_compared_per_100_students_with_schools_of_its_kind(tmp_path):
    """Issue 26, a principal's ask: K-8 with K-8 per 100 students, not an average over every school."""
    schools = SCHOOLS.assign(grade_band=["High School", "High School", "High School", "K-8"],
                             participation_start="", participation_end="", sro_participating=["yes"] * 4)
    enrollment = pd.DataFrame({"school_id": ["0007", "0014", "0021", "0099"], "school_year": "2025-26",
                               "race": "BLACK", "gender": "", "students": ["200", "600", "100", "50"]})
    calls = CALLS.assign(school_id=["0007", "0014", "0014", "0021", "0099", "0007"])
    data = sro.load(write_folder(tmp_path, schools=schools, calls_for_service=calls, enforcement=ENFORCEMENT,
                                 officers=OFFICERS, enrollment=enrollment), use_cache=False)
    out = summary.like_schools(data, YEAR, YEAR.year_span, "0007").set_index("measure")
    # 0007: 2 calls among 200 students = 1.0 per 100; the high schools: 5 calls among 900 = 0.6 (0099, a K-8, not)
    assert out.loc["Calls for service"].tolist() == [2, 1.0, 0.6]


def test_the_monthly_brief_trend_covers_every_month_so_far(data):
    """Issue 26, the safety director's ask: every month of the school year to this one, adding to the year."""
    feb = dt.date(2026, 2, 1), dt.date(2026, 2, 28)
    trend = summary.months_so_far(data, YEAR, population.Span(start=feb[0], end=feb[1]))
    assert trend["month"].tolist()[0] == "2025-07" and trend["month"].tolist()[-1] == "2026-02"
    assert trend["calls"].tolist() == [0, 0, 0, 2, 0, 0, 0, 2]  # c1, c2 in October; c3, c4 in February
    assert trend["arrests"].sum() == population.totals(data, population.Span(start=YEAR.year_span.start,
                                                                              end=feb[1]))["arrests"]
