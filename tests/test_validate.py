"""Bad input: every problem in one pass, each with table, line, column, value and rule."""

import io

import pandas as pd
import pytest
from conftest import write_folder
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import sro_reporting as sro
from sro_reporting.cli import app

BAD_CALLS = (
    "Incident Number,CALL DATETIME,location,nature-of-call,priority,disposition,Student Name\n"
    "A1,2025-09-02 08:00,1017 N 12TH ST,TRBL W/JUV,2,advised,Jane Roe\n"       # line 2: good
    "A2,2025-13-02 08:00,1017 N 12TH ST,TRBL W/JUV,2,ADVISED,John Doe\n"       # line 3: bad datetime
    "A3,2025-09-02 08:00,1017 N 12TH ST,TRBL W/JUV,9,ADVISED,\n"               # line 4: priority out of range
    "A1,2025-09-02 09:00,1017 N 12TH ST,TRBL W/JUV,1,ADVISED,\n"               # line 5: duplicate id
    "A5,2025-09-02 09:00,,TRBL W/JUV,1,ADVISED,\n"                             # line 6: location blank
    "A6,2025-09-02 09:00,1017 N 12TH ST,TRBL W/JUV,two,ADVISED,\n"             # line 7: priority not a number
    "A7,2025-09-02 09:00,1017 N 12TH ST,TRBL W/JUV,1,ADVISED,x,extra\n"        # line 8: too many fields
    "A8,9/3/2025 1:05 PM,1017 N 12TH ST,TRBL W/JUV,,CLEARED,\n"                # line 9: good
)
BAD_ENFORCEMENT = pd.DataFrame({
    "action_id": ["E1", "E2", "E3", "E4"],
    "action_type": ["arrest", "warning", "citation", "arrest"],
    "action_datetime": ["2025-09-02 08:00"] * 4,
    "school_related": ["yes", "yes", "maybe", "yes"],
    "school_id": ["0010", "0010", "0010", ""],
    "subject_race": ["Martian", "B", "W", "H"],
    "subject_age": ["15", "15", "130", "16"],
    "DOB": ["2010-01-01"] * 4,
})


@pytest.fixture
def bad(tmp_path):
    return write_folder(tmp_path, calls_for_service=BAD_CALLS, enforcement=BAD_ENFORCEMENT)


EXPECTED = [
    # table, line, column, value, words in the rule
    ("calls_for_service", 1, "Student Name", "", "person-identifying column dropped"),
    ("calls_for_service", 3, "call_datetime", "2025-13-02 08:00", "not a date and time"),
    ("calls_for_service", 4, "priority", "9", "at most 6"),
    ("calls_for_service", 5, "incident_number", "A1", "duplicate incident_number"),
    ("calls_for_service", 6, "location", "", "required value is blank"),
    ("calls_for_service", 7, "priority", "two", "not a whole number"),
    ("calls_for_service", 8, "", "", "row has 8 fields but the header has 7"),
    ("enforcement", 1, "DOB", "", "person-identifying column dropped"),
    ("enforcement", 3, "action_type", "warning", "not a action_type code"),
    ("enforcement", 4, "school_related", "maybe", "not a yes/no value"),
    ("enforcement", 4, "subject_age", "130", "at most 120"),
    ("enforcement", 2, "subject_race", "Martian", "not a race code"),
    ("enforcement", 5, "school_id", "", "required when school_related is true"),
]


def test_every_problem_in_one_pass(bad):
    problems = sro.load(bad).problems
    for table, line, column, value, words in EXPECTED:
        hit = problems[(problems["table"] == table) & (problems["line"] == line)
                       & (problems["column"] == column)]
        assert len(hit) == 1, (table, line, column, problems.to_string())
        assert hit["value"].iloc[0] == value
        assert words in hit["rule"].iloc[0]


def test_rows_left_out_are_said_and_good_rows_kept(bad):
    data = sro.load(bad)
    assert data.calls["incident_number"].tolist() == ["A1", "A3", "A6", "A8"]
    assert data.calls.set_index("incident_number")["priority"].isna().to_dict() == {
        "A1": False, "A3": True, "A6": True, "A8": True}  # bad optional value read as blank
    assert data.calls["disposition"].tolist() == ["ADVISED", "ADVISED", "ADVISED", "CLEARED"]
    assert set(data.enforcement["action_id"]) == {"E1", "E4"}
    assert data.enforcement.set_index("action_id").loc["E1", "subject_race"] == "UNKNOWN"


def test_person_identifying_values_never_kept(bad):
    data = sro.load(bad)
    every = pd.concat([t.astype(str) for t in data.tables.values()], ignore_index=True)
    text = every.to_csv() + data.problems.to_csv()
    for planted in ("Jane Roe", "John Doe", "2010-01-01"):
        assert planted not in text


def test_validate_cli_text_and_csv(bad, tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["validate", "--data", str(bad)])
    assert result.exit_code == 1
    assert "calls_for_service.csv:3 call_datetime='2025-13-02 08:00'" in result.output
    result = runner.invoke(app, ["validate", "--data", str(bad), "--format", "csv"])
    assert result.exit_code == 1
    rows = pd.read_csv(io.StringIO(result.output), dtype=str, keep_default_na=False)
    assert list(rows.columns) == ["table", "line", "column", "value", "rule", "severity"]
    assert len(rows) >= len(EXPECTED)


def test_validate_clean_folder_exits_zero(tmp_path):
    folder = write_folder(tmp_path)
    assert CliRunner().invoke(app, ["validate", "--data", str(folder)]).exit_code == 0


def test_missing_required_column_names_expected_and_found(tmp_path):
    folder = write_folder(tmp_path, schools="school_id,school_name\n1,A\n")
    problems = sro.load(folder).problems
    rule = problems.loc[problems["column"] == "address", "rule"].iloc[0]
    assert "expected 'address'" in rule and "found: school_id, school_name" in rule


def test_missing_table_is_an_error_for_the_report_that_needs_it(tmp_path):
    folder = write_folder(tmp_path)
    (folder / "enforcement.csv").unlink()
    data = sro.load(folder)
    with pytest.raises(sro.reading.dataset.MissingInputError, match="report 'annual' needs table.*enforcement"):
        data.require(["schools", "enforcement"], "annual")


def test_a_name_the_chart_font_cannot_draw_is_a_warning(tmp_path):
    from conftest import SCHOOLS

    schools = SCHOOLS.assign(school_name=["Alpha High", "Escuela 学校", "Gamma Elementary", "Delta High"])
    problems = sro.load(write_folder(tmp_path, schools=schools)).problems
    found = problems[problems["rule"].str.startswith("characters not in the report font")]
    assert found[["table", "line", "column", "severity"]].values.tolist() == [["schools", 3, "school_name", "warning"]]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.from_regex(r"[+-]?0*[0-9]{1,20}", fullmatch=True), st.text(max_size=3)), max_size=30))
def test_the_uniqueness_check_agrees_with_pandas_whatever_the_ids_look_like(ids):
    from sro_reporting.reading.validate import _all_distinct

    values = pd.Series(ids, dtype="str").dropna()
    found = _all_distinct(values)
    expected = ~values.duplicated(keep=False)
    assert (found is True and expected.all()) or (found is not True and found.tolist() == expected.tolist())


def test_whole_number_ids_with_leading_zeros_are_told_apart():
    from sro_reporting.reading.validate import _all_distinct

    assert _all_distinct(pd.Series(["7", "07", "007"], dtype="str")) is True
    assert _all_distinct(pd.Series(["12", "5", "12"], dtype="str")).tolist() == [False, True, False]


def test_validate_leads_with_a_summary_and_writes_every_problem_to_a_file(tmp_path):
    rows = "".join(f"C{i},2025-13-{i:02d} 08:00,1017 N 12TH ST,TRBL W/JUV,2,ADVISED\n" for i in range(1, 61))
    folder = write_folder(tmp_path / "data", calls_for_service="incident_number,call_datetime,location,"
                          "nature_of_call,priority,disposition\n" + rows)
    detail = tmp_path / "detail.csv"
    result = CliRunner().invoke(app, ["validate", "--data", str(folder), "--detail", str(detail)])
    assert result.exit_code == 1
    first, cause = result.output.splitlines()[:2]
    assert first == ("ERROR   calls_for_service.csv call_datetime: not a date and time (expected YYYY-MM-DD "
                     "HH:MM[:SS] or M/D/YYYY H:MM[:SS] [AM|PM]); row left out (60 lines; "
                     "line 2 '2025-13-01 08:00'; line 3 '2025-13-02 08:00'; line 4 '2025-13-03 08:00')")
    assert cause.strip().startswith("likely cause: dates in another form")
    assert "calls_for_service.csv:5 " not in result.output  # 60 problems: the lines are in the file only
    written = pd.read_csv(detail, dtype=str, keep_default_na=False)
    assert len(written) == 60 and f"Every problem (60 lines): {detail}" in result.output


def test_validate_csv_is_safe_to_open_in_a_spreadsheet(tmp_path):
    folder = write_folder(tmp_path / "data", calls_for_service="incident_number,call_datetime,location,"
                          "nature_of_call,priority,disposition\nC1,=HYPERLINK(\"http://x\"),1 N 1ST ST,TRBL W/JUV,2,"
                          "ADVISED\n")
    result = CliRunner().invoke(app, ["validate", "--data", str(folder), "--format", "csv"])
    rows = pd.read_csv(io.StringIO(result.output), dtype=str, keep_default_na=False)
    assert rows.loc[rows["column"] == "call_datetime", "value"].tolist() == ["'=HYPERLINK(\"http://x\")"]


def test_past_a_hundred_thousand_problems_of_one_rule_the_rest_are_one_counted_record(monkeypatch):
    from sro_reporting.reading import quality

    monkeypatch.setattr(quality, "MAX_RECORDS", 3)
    found = quality.problems_at("calls_for_service", pd.Series([2, 3, 4, 5, 6, 9]), "incident_number",
                                pd.Series(["A"] * 6, dtype="str"), "duplicate incident_number; row left out")
    assert found["line"].tolist() == [2, 3, 4, 5] and found["rows"].tolist() == [1, 1, 1, 3]
    assert found["rule"].iloc[-1] == ("duplicate incident_number; row left out (3 more rows like this, lines 5 to 9, "
                                      "counted in this one record)")
    assert quality.summarize(found)["count"].tolist() == [6]
