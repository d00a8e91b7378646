"""A corpus of messy exports: each is read correctly or gives a clear problem; none crashes."""

import pandas as pd
import pytest

import sro_reporting as sro
from sro_reporting.reading import readers
from sro_reporting.reading.readers import read_table
from sro_reporting.reading.tables import SCHOOLS, TABLES
from sro_reporting.reading.validate import clean_table

HEADER = "school_id,school_name,address,sro_participating\n"


def load_schools(tmp_path, content: bytes | str, name="schools.csv"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return clean_table(read_table(path, SCHOOLS))


def rules(problems):
    return [(p.line, p.column, p.rule) for p in problems.itertuples()]


def test_bom_is_ignored(tmp_path):
    clean, problems = load_schools(tmp_path, "\ufeff" + HEADER + "001,A,1 N 1ST ST,Y\n")
    assert clean["school_id"].tolist() == ["001"] and problems.empty


def test_cp1252_is_read_with_a_warning(tmp_path):
    clean, problems = load_schools(tmp_path, (HEADER + "001,Escuela Saint Ignácio,1 N 1ST ST,Y\n").encode("cp1252"))
    assert clean["school_name"].tolist() == ["Escuela Saint Ignácio"]
    assert problems["rule"].str.contains("not UTF-8").tolist() == [True]


def test_cp1252_far_into_a_large_file_is_found_too(tmp_path):
    rows = "".join(f"{i:06d},School {i},{i} N 1ST ST,Y\n" for i in range(60_000))  # past Arrow's first block
    clean, problems = load_schools(tmp_path, (HEADER + rows + "999999,Ignácio,1 N 1ST ST,Y\n").encode("cp1252"))
    assert clean["school_name"].iloc[-1] == "Ignácio" and len(clean) == 60_001
    assert problems["rule"].str.contains("not UTF-8").tolist() == [True]


def test_bom_and_windows_line_endings_read_as_plain_utf8(tmp_path):
    plain = HEADER + "001,A,1 N 1ST ST,Y\n002,\"B, with a comma\",2 N 1ST ST,N\n"
    expected, _ = load_schools(tmp_path, plain)
    clean, problems = load_schools(tmp_path, ("\ufeff" + plain).replace("\n", "\r\n"))
    pd.testing.assert_frame_equal(clean, expected)
    assert problems.empty


def test_line_breaks_inside_quoted_values_across_arrows_blocks_are_read_whole(tmp_path):
    """Arrow's fast path gives up on them (its chunker cannot see quotes); the exact path reads every row."""
    rows = "".join(f'{i:06d},"School\n{i}",{i} N 1ST ST,Y\n' if i % 7 == 0 else f"{i:06d},S{i},{i} N 1ST ST,Y\n"
                   for i in range(320_000))  # over the block Arrow parses at a time (`readers.BLOCK`)
    clean, problems = load_schools(tmp_path, HEADER + rows)
    assert len(HEADER + rows) > readers.BLOCK and len(clean) == 320_000 and problems.empty
    assert clean["school_name"].iloc[7] == "School\n7" and clean["_line"].iloc[-1] == 320_001


def test_ragged_long_row_left_out_with_its_line(tmp_path):
    clean, problems = load_schools(tmp_path, HEADER + "001,A,1 N 1ST ST,Y\n002,B,2 N 1ST ST,Y,extra\n003,C,3 N 1ST ST,N\n")
    assert clean["school_id"].tolist() == ["001", "003"]
    assert clean["_line"].tolist() == [2, 4]
    assert rules(problems) == [(3, "", "row has 5 fields but the header has 4; row left out")]


def test_short_row_reads_missing_fields_as_blank(tmp_path):
    clean, problems = load_schools(tmp_path, HEADER + "001,A,1 N 1ST ST\n")
    assert clean.empty
    assert rules(problems) == [(2, "sro_participating", "required value is blank; row left out")]


def test_quoted_newline_keeps_spreadsheet_line_numbers(tmp_path):
    text = HEADER + '001,"A\nAnnex",1 N 1ST ST,Y\n002,B,2 N 1ST ST,maybe\n'
    clean, problems = load_schools(tmp_path, text)
    assert clean["school_name"].tolist() == ["A\nAnnex"]
    assert [p.line for p in problems.itertuples()] == [3]  # the second record is spreadsheet row 3


def test_stray_quote_inside_a_field(tmp_path):
    clean, problems = load_schools(tmp_path, HEADER + '001,St. Mary"s,1 N 1ST ST,Y\n')
    assert clean["school_name"].tolist() == ['St. Mary"s'] and problems.empty


def test_unterminated_quote_is_a_clear_file_error(tmp_path):
    _, problems = load_schools(tmp_path, HEADER + '001,"A,1 N 1ST ST,Y\n002,B,2 N 1ST ST,Y\n')
    assert len(problems) >= 1
    assert problems["severity"].eq("error").all()


@pytest.mark.parametrize("content, words", [
    pytest.param("", "file is empty", id="empty-file"),
    pytest.param("\n\n", "file is empty", id="blank-lines-only"),
])
def test_empty_files(tmp_path, content, words):
    clean, problems = load_schools(tmp_path, content)
    assert clean.empty and words in problems["rule"].iloc[0]


def test_header_only_file_is_an_empty_table(tmp_path):
    clean, problems = load_schools(tmp_path, HEADER)
    assert clean.empty and problems.empty


def test_columns_in_another_order_and_case(tmp_path):
    text = "SRO Participating, Address ,School-Name,SCHOOL ID\nyes,1 N 1ST ST,A,001\n"
    clean, problems = load_schools(tmp_path, text)
    assert clean[["school_id", "school_name", "address"]].values.tolist() == [["001", "A", "1 N 1ST ST"]]
    assert problems.empty


def test_a_field_as_long_as_a_spreadsheet_cell_is_read(tmp_path):
    clean, problems = load_schools(tmp_path, HEADER + f"001,{'X' * 32_767},1 N 1ST ST,Y\n")
    assert len(clean["school_name"].iloc[0]) == 32_767 and problems.empty


@pytest.mark.parametrize("column, row, kept", [
    pytest.param("school_name", "001,{big},1 N 1ST ST,Y", [], id="required-row-left-out"),
    pytest.param("zip", "001,A,1 N 1ST ST,Y,{big}", ["001"], id="optional-read-as-blank"),
])
def test_a_field_longer_than_a_spreadsheet_cell_is_an_error(tmp_path, column, row, kept):
    clean, problems = load_schools(tmp_path, HEADER.strip() + ",zip\n" + row.format(big="X" * 200_000) + "\n")
    assert clean["school_id"].tolist() == kept
    assert rules(problems)[0][:2] == (2, column) and "longer than 32,767 characters" in rules(problems)[0][2]
    assert len(problems["value"].iloc[0]) <= 200


def test_long_bad_value_is_shortened_in_the_log(tmp_path):
    _, problems = load_schools(tmp_path, HEADER + f"001,A,1 N 1ST ST,{'Q' * 5000}\n")
    assert len(problems["value"].iloc[0]) <= 200


def test_excel_serial_and_text_dates_in_one_column(tmp_path):
    text = "school_id,school_name,address,sro_participating,participation_start\n" \
           "001,A,1 N 1ST ST,Y,2025-09-02\n002,B,2 N 1ST ST,Y,9/2/2025\n003,C,3 N 1ST ST,Y,45902\n"
    clean, problems = load_schools(tmp_path, text)
    assert clean["participation_start"].dt.strftime("%Y-%m-%d").fillna("").tolist() == ["2025-09-02", "2025-09-02", ""]
    assert rules(problems)[1:] == [(4, "participation_start",
                                    "not a date (expected YYYY-MM-DD or M/D/YYYY); read as blank")]
    assert rules(problems)[0][:2] == (3, "participation_start") and "fit both" in rules(problems)[0][2]
    assert "date_format: M/D" in rules(problems)[0][2]  # nothing decides 9/2/2025: an error asking for the order


def test_xlsx_first_sheet_with_real_dates(tmp_path):
    frame = pd.DataFrame({"School ID": ["001", "002"], "school_name": ["A", "B"],
                          "address": ["1 N 1ST ST", "2 N 1ST ST"], "sro_participating": [True, False],
                          "participation_start": [pd.Timestamp("2025-09-02"), None]})
    path = tmp_path / "schools.xlsx"
    frame.to_excel(path, index=False)
    clean, problems = clean_table(read_table(path, SCHOOLS))
    assert clean["school_id"].tolist() == ["001", "002"]
    assert clean["sro_participating"].tolist() == [True, False]
    assert str(clean["participation_start"].iloc[0].date()) == "2025-09-02"
    assert problems.empty


def test_duplicate_ids_keep_the_first(tmp_path):
    clean, problems = load_schools(tmp_path, HEADER + "001,A,1 N 1ST ST,Y\n001,B,2 N 1ST ST,Y\n001,C,3 N 1ST ST,Y\n")
    assert clean["school_name"].tolist() == ["A"]
    assert [p.line for p in problems.itertuples()] == [3, 4]
    assert problems["rule"].str.contains("first on line 2").all()


def test_interleaved_duplicates_name_their_own_first_line_and_blanks_are_not_duplicates(tmp_path):
    rows = ["002,A,1 N 1ST ST,Y", "001,B,2 N 1ST ST,Y", ",C,3 N 1ST ST,Y", "002,D,4 N 1ST ST,Y",
            ",E,5 N 1ST ST,Y", "001,F,6 N 1ST ST,Y"]
    clean, problems = load_schools(tmp_path, HEADER + "\n".join(rows) + "\n")
    assert clean["school_name"].tolist() == ["A", "B"]
    found = {(p.line, p.rule.split(";")[0], p.rule.split("(")[-1].split(")")[0]) for p in problems.itertuples()}
    assert found == {(5, "duplicate school_id", "first on line 2"), (7, "duplicate school_id", "first on line 3"),
                     (4, "required value is blank", "required value is blank; row left out"),
                     (6, "required value is blank", "required value is blank; row left out")}


def test_city_public_call_layout(tmp_path):
    (tmp_path / "calls_for_service.csv").write_text(
        "Call Number,Date/Time,Location,Police District,Nature of Call,Status\n"
        "253001234,9/2/2025 8:05:00 AM,\"1017 N 12TH ST,MKE\",3,TRBL W/JUV,Advised\n")
    (tmp_path / "schools.csv").write_text(HEADER + "001,A,1017 N 12th Street,Y\n")
    data = sro.load(tmp_path)
    call = data.calls.iloc[0]
    assert call["incident_number"] == "253001234" and call["disposition"] == "ADVISED"
    assert str(call["call_datetime"]) == "2025-09-02 08:05:00" and pd.isna(call["priority"])
    assert call["link_type"] == "on_property" and call["linked_school_id"] == "001"


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_table_reads_header_only_and_garbage(tmp_path, name):
    table = TABLES[name]
    path = tmp_path / f"{name}.csv"
    path.write_text(",".join(table.names) + "\n" + ",".join(["??"] * len(table.names)) + "\n")
    clean, problems = clean_table(read_table(path, table))
    assert problems["severity"].isin(["error", "warning", "info"]).all()
    required = [c for c in table.columns if c.required and c.kind not in ("str",)]
    assert clean.empty == bool(required)


def test_an_integer_too_long_for_any_count_is_a_clear_problem(tmp_path):
    from sro_reporting.reading.tables import ENFORCEMENT

    path = tmp_path / "enforcement.csv"
    path.write_text("action_id,action_type,action_datetime,school_related,subject_age\n"
                    "E1,arrest,2025-09-02 08:00,yes,9223372036854775296\n")
    clean, problems = clean_table(read_table(path, ENFORCEMENT))
    assert clean["subject_age"].isna().tolist() == [True]
    assert rules(problems) == [(2, "subject_age", "not a whole number; read as blank")]
