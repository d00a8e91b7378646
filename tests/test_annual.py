"""III.F tables on small tricky data, through the same load path the reports use."""

import datetime as dt

import pandas as pd
from conftest import write_folder

import sro_reporting as sro
from sro_reporting.measures import population
from sro_reporting.measures.annual import (
    arrests_citations_by_school,
    calls_by_priority_disposition,
    disposition_by_priority,
)
from sro_reporting.measures.calls import by_school_priority
from sro_reporting.params import Span

YEAR = Span(start=dt.date(2025, 7, 1), end=dt.date(2026, 6, 30))

CALLS = pd.DataFrame([
    # incident, when, location, priority, disposition, school_id
    ("c1", "2025-07-01 00:00", "1017 N 12TH ST", "1", "advised ", ""),       # first minute of the period
    ("c2", "6/30/2026 11:59 PM", "1017 N 12th Street, MKE", "1", "ADVISED", ""),  # last minute
    ("c3", "2025-06-30 23:59", "1017 N 12TH ST", "1", "ADVISED", ""),       # before the period
    ("c4", "2026-07-01 00:00", "1017 N 12TH ST", "1", "ADVISED", ""),       # after the period
    ("c5", "2025-10-01T10:00", "1017 N 12TH ST", "", "Report Taken", ""),   # priority not recorded
    ("c6", "2025-10-01 10:00", "1200 W WELLS AVE", "2", "ADVISED", ""),     # school not participating
    ("c7", "2025-08-15 10:00", "5000 W CAPITOL DR", "2", "ADVISED", ""),    # before the school joins: not its call
    ("c8", "2025-10-01 10:00", "2700 BLOCK S LENOX ST", "3", "Gone On Arrival", ""),  # adjacent
    ("c9", "2025-10-01 10:00", "1 E SOMEWHERE AVE", "6", "CITED", "0020"),  # premise
    ("c10", "2025-10-01 10:00", "9000 N 99TH ST", "4", "ADVISED", ""),      # no school
], columns=["incident_number", "call_datetime", "location", "priority", "disposition", "school_id"]
).assign(nature_of_call="TRBL W/JUV")

ENFORCEMENT = pd.DataFrame([
    ("e1", "arrest", "2025-09-10 10:00", "yes", "0010"),
    ("e2", "Citation", "2025-09-10 10:00", "Y", "0010"),
    ("e3", "citation", "2025-09-10 10:00", "no", "0010"),       # not school-related
    ("e4", "court_referral", "2025-09-10 10:00", "1", "0010"),  # neither arrest nor citation
    ("e5", "arrest", "2025-09-10 10:00", "true", "0030"),       # school not participating
    ("e6", "arrest", "2026-07-01 00:00", "true", "0020"),       # after the period
    ("e7", "ARREST", "6/30/2026 3:00 PM", "TRUE", "0020"),      # last day, another spelling
], columns=["action_id", "action_type", "action_datetime", "school_related", "school_id"])


def _data(tmp_path):
    return sro.load(write_folder(tmp_path, calls_for_service=CALLS, enforcement=ENFORCEMENT))


def test_calls_by_priority_disposition(tmp_path):
    data = _data(tmp_path)
    table = calls_by_priority_disposition(data.calls, data.schools, YEAR)
    assert list(table.columns) == ["school_id", "school_name", "priority", "disposition", "calls"]
    assert table.values.tolist() == [
        ["0010", "Alpha High", "1", "ADVISED", 2],
        ["0010", "Alpha High", "not recorded", "REPORT TAKEN", 1],
        ["0020", "Beta K-8", "3", "GONE ON ARRIVAL", 1],
        ["0020", "Beta K-8", "6", "CITATION ISSUED", 1],  # CITED: a variant in the code set
    ]


def test_arrests_citations_lists_every_participating_school(tmp_path):
    data = _data(tmp_path)
    table = arrests_citations_by_school(data.enforcement, data.schools, YEAR)
    assert table.values.tolist() == [["0010", "Alpha High", 1, 1], ["0020", "Beta K-8", 1, 0],
                                     ["0040", "Delta High", 0, 0]]


def test_a_school_that_left_before_the_period_is_not_listed(tmp_path):
    schools = write_folder(tmp_path / "s", calls_for_service=CALLS, enforcement=ENFORCEMENT)
    frame = pd.read_csv(schools / "schools.csv", dtype=str, keep_default_na=False)
    frame.loc[frame["school_id"] == "0020", "participation_end"] = "2025-06-30"
    frame.to_csv(schools / "schools.csv", index=False)
    data = sro.load(schools)
    table = arrests_citations_by_school(data.enforcement, data.schools, YEAR)
    assert table["school_id"].tolist() == ["0010", "0040"]


def test_reading_layouts_add_up(tmp_path):
    data = _data(tmp_path)
    by_priority = by_school_priority(population.program_calls(data.calls, data.schools, YEAR), data.schools, YEAR)
    assert by_priority.set_index("school_name")["total"].to_dict() == {
        "Alpha High": 3, "Beta K-8": 2, "Delta High": 0, population.NOT_TAKING_PART: 1,
        population.UNKNOWN_SCHOOL: 0, population.NO_SCHOOL: 0, population.TOTAL: 6}
    assert population.totals(data, YEAR)["calls"] == 6  # issue 26: the per-school table adds to the key figure
    wide = disposition_by_priority(calls_by_priority_disposition(data.calls, data.schools, YEAR))
    assert int(wide["total"].sum()) == 5  # III.F: the schools taking part only (c7 came before Delta joined)
