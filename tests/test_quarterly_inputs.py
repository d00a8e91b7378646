"""The v3 optional inputs (searches, assignments, complaints): read, checked and logged like the others."""

import pandas as pd
import pytest
from conftest import write_folder

import sro_reporting as sro

OFFICERS = pd.DataFrame({"officer_id": ["0001", "0002"], "continuous_service_start": ["2015-01-01"] * 2,
                         "sro_start": ["2025-03-17"] * 2, "shift_type": ["day"] * 2})
SEARCHES = pd.DataFrame({
    "search_id": ["S1", "S2", "S3", "S1"],
    "search_datetime": ["2025-09-02 08:00", "9/3/2025 1:05 PM", "2025-09-04 10:00", "2025-09-05 10:00"],
    "school_id": ["0010", "0010", "0099", "0010"],
    "officer_id": ["0001", "0001", "0009", "0002"],
    "search_type": ["person", "LOCKER", "Vehicle", "PERSON"],
    "basis": ["probable cause", "", "hunch", "CONSENT"],
    "found": ["NOTHING", "weapon", "", "DRUGS"],
})
ASSIGNMENTS = pd.DataFrame({"officer_id": ["0001", "0009", "0002"], "school_id": ["0010", "0010", "0020"],
                            "assigned_from": ["2025-08-25", "2025-08-25", "2025-10-01"],
                            "assigned_to": ["", "", "2025-09-01"]})
COMPLAINTS = pd.DataFrame({
    "complaint_id": ["C1", "C2", "C3"], "received_date": ["2025-09-02", "2025-09-10", "2025-10-01"],
    "officer_id": ["0001", "", "0002"], "school_id": ["0010", "", "0020"],
    "category": ["force", "RUDE", "BIAS"], "source": ["Fire and Police Commission", "MPS", "MPD"],
    "status": ["CLOSED", "OPEN", "closed"], "finding": ["SUSTAINED", "", "not sustained"],
    "closed_date": ["2025-10-15", "", "2025-09-20"],
})


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = write_folder(tmp_path_factory.mktemp("v3"), officers=OFFICERS, searches=SEARCHES,
                          assignments=ASSIGNMENTS, complaints=COMPLAINTS)
    return sro.load(folder, use_cache=False)


def problems(data, table):
    found = data.problems[data.problems["table"] == table]
    return {(int(r.line) if pd.notna(r.line) else None, r.column, r.value): r.rule for r in found.itertuples()}


@pytest.mark.parametrize("line, column, value, words", [
    pytest.param(3, "search_type", "LOCKER", "not a search_type code", id="unknown-search-type-row-left-out"),
    pytest.param(4, "basis", "hunch", "not a search_basis code", id="unknown-basis-read-as-blank"),
    pytest.param(5, "search_id", "S1", "duplicate search_id", id="duplicate-id"),
    pytest.param(4, "officer_id", "0009", "officer_id not in officers", id="unknown-officer-warned"),
    pytest.param(4, "school_id", "0099", "school_id not in schools", id="unknown-school-warned"),
])
def test_searches_are_checked_with_line_column_and_rule(data, line, column, value, words):
    assert words in problems(data, "searches")[(line, column, value)]


def test_searches_keep_codes_and_blanks(data):
    s = data.searches.set_index("search_id")
    assert list(s.index) == ["S1", "S3"]
    assert s.loc["S1", "search_type"] == "PERSON" and s.loc["S1", "basis"] == "PROBABLE_CAUSE"
    assert s.loc["S3", "search_type"] == "VEHICLE" and pd.isna(s.loc["S3", "basis"]) and pd.isna(s.loc["S3", "found"])


@pytest.mark.parametrize("line, column, value, words", [
    pytest.param(3, "officer_id", "0009", "officer_id not in officers; row left out", id="officer-not-on-roster"),
    pytest.param(4, "assigned_to", "2025-09-01", "before assigned_from; row left out", id="ends-before-it-starts"),
])
def test_assignments_need_an_officer_and_an_order(data, line, column, value, words):
    assert words in problems(data, "assignments")[(line, column, value)]
    assert data.assignments["officer_id"].tolist() == ["0001"]


def test_complaints_codes_and_closing_dates(data):
    assert "not a complaint_category code" in problems(data, "complaints")[(3, "category", "RUDE")]
    assert "before received_date" in problems(data, "complaints")[(4, "closed_date", "2025-09-20")]
    c = data.complaints.set_index("complaint_id")
    assert list(c.index) == ["C1", "C3"]
    assert c.loc["C1", "source"] == "FPC" and c.loc["C3", "finding"] == "NOT_SUSTAINED"
    assert pd.isna(c.loc["C3", "closed_date"])


def test_optional_tables_absent_are_not_provided_and_no_problem(tmp_path):
    data = sro.load(write_folder(tmp_path), use_cache=False)
    assert not any(data.provided(t) for t in ("searches", "assignments", "complaints", "enrollment"))
    assert not data.problems["table"].isin(["searches", "assignments", "complaints"]).any()


def test_the_demo_writes_the_v3_tables_consistent_with_its_officers_and_schools():
    data = sro.load()
    for name in ("searches", "assignments", "complaints"):
        assert data.provided(name) and len(data.tables[name]) > 0
        assert not data.problems["table"].eq(name).any()
        assert data.tables[name]["officer_id"].dropna().isin(data.officers["officer_id"]).all()
        assert data.tables[name]["school_id"].dropna().isin(data.schools["school_id"]).all()
    assert data.searches["search_datetime"].max().date() <= data.as_of()
