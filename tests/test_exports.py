"""Real exports read as they are, or refused in one line (issue 23): file kinds, damaged files, links, headers."""

import io
import struct
import zipfile

import pandas as pd
import pytest
from conftest import SCHOOLS, write_folder
from typer.testing import CliRunner

import sro_reporting as sro
from sro_reporting.cli import app
from sro_reporting.errors import RunError
from sro_reporting.params import load_school_year
from sro_reporting.reading.readers import read_table
from sro_reporting.reading.tables import CALLS
from sro_reporting.reading.tables import SCHOOLS as SCHOOLS_TABLE
from sro_reporting.reading.validate import clean_table

SHEET = "xl/worksheets/sheet1.xml"


def _xlsx(frame: pd.DataFrame = SCHOOLS, stored: bool = False) -> bytes:
    """Return a workbook of `frame`, its sheet stored (not deflated) where asked."""
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    if not stored:
        return buffer.getvalue()
    source, out = zipfile.ZipFile(buffer), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as packed:
        for info in source.infolist():
            packed.writestr(info.filename, source.read(info.filename),
                            zipfile.ZIP_STORED if info.filename == SHEET else zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _sheet_data(data: bytes) -> tuple[zipfile.ZipInfo, int]:
    """Return the sheet's zip entry and where its packed bytes start."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(SHEET)
    names = struct.unpack("<HH", data[info.header_offset + 26:info.header_offset + 30])
    return info, info.header_offset + 30 + sum(names)


def _bad_crc(data: bytes) -> bytes:
    data = _xlsx(stored=True)
    info, start = _sheet_data(data)
    at = data.index(b"Alpha", start)
    return data[:at] + b"Alphb" + data[at + 5:]


def _bad_deflate(data: bytes) -> bytes:
    info, start = _sheet_data(data)
    return data[:start] + b"\xff" * 8 + data[start + 8:]


def _under_declared(data: bytes) -> bytes:
    """Return the workbook with its sheet's unpacked size declared as 10 bytes in both of its headers."""
    info, _ = _sheet_data(data)
    size = struct.pack("<I", info.file_size)
    local = info.header_offset + 22
    data = data[:local] + struct.pack("<I", 10) + data[local + 4:]
    central = data.rindex(SHEET.encode()) - 46 + 24  # the central directory's entry, after every local one
    assert data[central:central + 4] == size
    return data[:central] + struct.pack("<I", 10) + data[central + 4:]


@pytest.mark.parametrize("damage, words", [
    pytest.param(_bad_crc, "fails its checksum (bad CRC)", id="bad-crc"),
    pytest.param(_bad_deflate, "cannot be unpacked", id="bad-deflate-stream"),
    pytest.param(lambda d: d[:len(d) // 2], "not a zip archive, or it is cut short", id="truncated"),
    pytest.param(_under_declared, "unpacks to more than its header declares", id="headers-under-declare"),
])
def test_a_damaged_workbook_is_one_problem_never_a_traceback(tmp_path, damage, words):
    (tmp_path / "schools.xlsx").write_bytes(damage(_xlsx()))
    raw = read_table(tmp_path / "schools.xlsx", SCHOOLS_TABLE)
    assert not raw.readable and len(raw.problems) == 1
    assert words in raw.problems["rule"].iloc[0] and raw.problems["rule"].iloc[0].startswith("file cannot be read")


def test_validate_reports_every_damaged_file_and_exits_one(tmp_path):
    folder = write_folder(tmp_path / "data")
    (folder / "schools.csv").unlink()
    (folder / "schools.xlsx").write_bytes(_bad_crc(b""))
    (folder / "enforcement.csv").unlink()
    (folder / "enforcement.xlsx").write_bytes(_bad_deflate(_xlsx()))
    result = CliRunner().invoke(app, ["validate", "--data", str(folder)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "schools.xlsx" in result.output and "enforcement.xlsx" in result.output


@pytest.mark.parametrize("content, words", [
    pytest.param("school_year: [2025-26\n", r"not valid YAML \(line 2", id="bad-yaml"),
    pytest.param("school_year: 2025-26\n", "parameter file", id="fields-missing"),
])
def test_a_bad_parameter_file_is_one_line(tmp_path, content, words):
    (tmp_path / "2025-26.yaml").write_text(content)
    with pytest.raises(ValueError, match=words) as found:
        load_school_year("2025-26", tmp_path)
    assert "\n" not in str(found.value)


def test_a_file_of_nul_bytes_is_refused_from_its_first_bytes(tmp_path, monkeypatch):
    path = tmp_path / "schools.csv"
    path.write_bytes(b"\x00" * (1 << 20))
    monkeypatch.setattr("sro_reporting.reading.readers._whole", lambda p: pytest.fail("read whole"))
    raw = read_table(path, SCHOOLS_TABLE)
    assert not raw.readable and "NUL characters" in raw.problems["rule"].iloc[0]


def test_a_workbook_named_csv_is_read_as_a_workbook(tmp_path):
    (tmp_path / "schools.csv").write_bytes(_xlsx())
    clean, problems = clean_table(read_table(tmp_path / "schools.csv", SCHOOLS_TABLE))
    assert clean["school_id"].tolist() == ["0010", "0020", "0030", "0040"]
    assert problems["rule"].tolist() == ["file is a workbook (.xlsx) though named .csv; read as a workbook"]


@pytest.mark.parametrize("content", [pytest.param(lambda: _xlsx(), id="a-workbook"),
                                     pytest.param(lambda: SCHOOLS.to_csv(index=False).encode("utf-16"), id="utf-16")])
def test_the_run_s_header_check_reads_a_file_by_its_content_not_its_name(tmp_path, content):
    """Before a run loads anything, a workbook or a UTF-16 export named .csv is not refused for its header's bytes."""
    from sro_reporting.running.checks import check_files, header

    (tmp_path / "schools.csv").write_bytes(content())
    assert header(tmp_path / "schools.csv") is None  # left to the load, which reads by content
    assert not [m for m in check_files(tmp_path, ["school"]) if m.startswith("schools")]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"], ids=["with-bom", "without-bom"])
def test_utf16_is_read_as_utf16(tmp_path, encoding):
    path = tmp_path / "schools.csv"
    path.write_bytes("school_id,school_name,address,sro_participating\n0010,Café,1 N 1ST ST,Y\n".encode(encoding))
    clean, problems = clean_table(read_table(path, SCHOOLS_TABLE))
    assert clean[["school_id", "school_name"]].values.tolist() == [["0010", "Café"]]
    assert problems["severity"].tolist() == ["info"] and "UTF-16" in problems["rule"].iloc[0]


def test_trailing_blank_rows_are_skipped_with_one_line(tmp_path):
    path = tmp_path / "schools.csv"
    path.write_text("school_id,school_name,address,sro_participating\n0010,A,1 N 1ST ST,Y\n,,,\n,,,\n")
    clean, problems = clean_table(read_table(path, SCHOOLS_TABLE))
    assert clean["school_id"].tolist() == ["0010"]
    assert rules(problems) == [(3, "info", "blank row (every cell empty); left out"),
                               (4, "info", "blank row (every cell empty); left out")]


def rules(problems):
    return [(p.line, p.severity, p.rule) for p in problems.itertuples()]


def test_a_headerless_file_is_named_as_such_and_its_first_record_never_logged(tmp_path):
    path = tmp_path / "schools.csv"
    path.write_text("0010,Kayla Zyxwv,1 N 1ST ST,Y\n0020,B,2 N 1ST ST,N\n")
    raw = read_table(path, SCHOOLS_TABLE)
    assert not raw.readable and len(raw.problems) == 1
    assert raw.problems["rule"].iloc[0].startswith("no header row") and "Zyxwv" not in raw.problems.to_csv()


def test_a_column_named_close_to_a_contract_one_is_named_in_a_warning(tmp_path):
    path = tmp_path / "calls_for_service.csv"
    path.write_text("incident_number,call_datetime,location,nature_of_call,disposition,School\n"
                    "A1,2025-09-02 08:00,1 N 1ST ST,TRBL W/JUV,ADVISED,0010\n")
    raw = read_table(path, CALLS)
    hit = raw.problems[raw.problems["column"] == "School"].iloc[0]
    assert hit["severity"] == "warning" and "probably meant as `school_id`" in hit["rule"]


def test_a_linked_data_file_is_refused(tmp_path):
    folder = write_folder(tmp_path / "data")
    outside = tmp_path / "secret.csv"
    outside.write_text("Kayla Zyxwv,2009-01-01\n")
    (folder / "enforcement.csv").unlink()
    (folder / "enforcement.csv").symlink_to(outside)
    with pytest.raises(RunError, match="is a link"):
        sro.load(folder, use_cache=False)
    result = CliRunner().invoke(app, ["validate", "--data", str(folder)])
    assert result.exit_code == 2 and "Zyxwv" not in result.output


ACTIVITIES_HEADER = "activity_id,officer_id,activity_date,activity_type\n"


def _activities(tmp_path, dates: list[str], date_format=None):
    from sro_reporting.reading.tables import ACTIVITIES

    path = tmp_path / "activities.csv"
    path.write_text(ACTIVITIES_HEADER + "".join(f"A{i},0101,{d},education\n" for i, d in enumerate(dates)))
    return clean_table(read_table(path, ACTIVITIES), date_format)


@pytest.mark.parametrize("dates, date_format, read, severities", [
    pytest.param(["13/07/2025", "01/07/2025"], None, ["2025-07-13", "2025-07-01"], ["warning"],
                 id="day-first-column-read-day-first-throughout"),
    pytest.param(["07/13/2025", "07/01/2025"], None, ["2025-07-13", "2025-07-01"], [], id="month-first-as-contract"),
    pytest.param(["08/18/25", "8/19/25"], None, ["2025-08-18", "2025-08-19"], ["warning"], id="two-digit-years"),
    pytest.param(["03/07/2025", "04/07/2025"], None, ["2025-03-07", "2025-04-07"], ["error"],
                 id="ambiguous-column-is-an-error-naming-date_format"),
    pytest.param(["03/07/2025", "04/07/2025"], "M/D", ["2025-03-07", "2025-04-07"], [], id="ambiguous-by-params-M/D"),
    pytest.param(["03/07/2025", "04/07/2025"], "D/M", ["2025-07-03", "2025-07-04"], [], id="ambiguous-by-params-D/M"),
    pytest.param(["03/07/2025", "07/13/2025"], None, ["2025-03-07", "2025-07-13"], [],
                 id="decided-by-one-value-no-error"),
    pytest.param(["03/03/2026", "1/1/2026"], None, ["2026-03-03", "2026-01-01"], [], id="same-both-ways-no-error"),
    pytest.param(["13/07/2025", "07/13/2025"], None, ["2025-07-13"], ["error", "error"],
                 id="both-orders-in-one-column-is-an-error"),
])
def test_date_order_is_decided_per_column_never_mixed(tmp_path, dates, date_format, read, severities):
    clean, problems = _activities(tmp_path, dates, date_format)
    assert clean["activity_date"].dt.strftime("%Y-%m-%d").tolist() == read
    assert sorted(problems["severity"]) == sorted(severities), problems.to_string()
    if "error" in severities and date_format is None and len(severities) == 1:  # one per file and column, with the fix
        rule = problems["rule"].iloc[0]
        assert problems["column"].tolist() == ["activity_date"] and "date_format: M/D" in rule, rule
        assert "--date-format" in rule and problems["value"].iloc[0] == "03/07/2025"


def test_day_first_call_times_are_all_read_day_first_and_response_times_follow(tmp_path):
    path = tmp_path / "calls_for_service.csv"
    path.write_text("incident_number,call_datetime,location,nature_of_call,disposition,dispatch_datetime\n"
                    "C1,01/07/2025 08:00,1 N 1ST ST,TRBL W/JUV,ADVISED,01/07/2025 08:05\n"
                    "C2,13/07/2025 09:00,1 N 1ST ST,TRBL W/JUV,ADVISED,13/07/2025 09:04\n")
    clean, problems = clean_table(read_table(path, CALLS))
    assert clean["call_datetime"].dt.strftime("%Y-%m-%d %H:%M").tolist() == ["2025-07-01 08:00", "2025-07-13 09:00"]
    assert clean["dispatch_datetime"].notna().all()
    assert set(problems["severity"]) == {"warning"} and set(problems["column"]) == {"call_datetime",
                                                                                    "dispatch_datetime"}


@pytest.mark.parametrize("when", ["1900-01-01 08:00", "2999-09-02 08:00"], ids=["1900", "2999"])
def test_a_date_outside_the_plausible_span_is_an_error(tmp_path, when):
    path = tmp_path / "calls_for_service.csv"
    path.write_text("incident_number,call_datetime,location,nature_of_call,disposition\n"
                    f"C1,{when},1 N 1ST ST,TRBL W/JUV,ADVISED\nC2,2025-09-02 08:00,1 N 1ST ST,TRBL W/JUV,ADVISED\n")
    clean, problems = clean_table(read_table(path, CALLS))
    assert clean["incident_number"].tolist() == ["C2"]
    assert rules(problems) == [(2, "error", "outside the plausible span of dates (1950-01-01 to 2099-12-31); "
                                            "row left out")]


def _ids_folder(tmp_path, schools_ids, enforcement_ids, officer_ids=("004100",), roster=("004100",)):
    schools = SCHOOLS.assign(school_id=schools_ids)
    enforcement = pd.DataFrame({"action_id": [f"E{i}" for i in range(len(enforcement_ids))],
                                "action_type": "arrest", "action_datetime": "2025-09-02 08:00",
                                "school_related": "yes", "school_id": enforcement_ids,
                                "officer_id": (list(officer_ids) * len(enforcement_ids))[:len(enforcement_ids)]})
    officers = pd.DataFrame({"officer_id": list(roster), "continuous_service_start": "2015-01-01",
                             "sro_start": "2025-03-17", "shift_type": "day"})
    return write_folder(tmp_path / "data", schools=schools, enforcement=enforcement, officers=officers)


def test_ids_that_lost_their_zeros_are_restored_from_the_registry_with_one_line(tmp_path):
    folder = _ids_folder(tmp_path, ["0010", "0020", "0030", "0040"], ["10", "20", "0010", "20"], ["4100"])
    data = sro.load(folder, use_cache=False)
    assert data.enforcement["school_id"].tolist() == ["0010", "0020", "0010", "0020"]
    assert data.enforcement["officer_id"].tolist() == ["004100"] * 4
    said = data.problems[data.problems["rule"].str.contains("leading zeros")]
    assert {(p.column, p.severity, p.rule.split(" (")[0]) for p in said.itertuples()} == {
        ("school_id", "warning", "3 school_id value(s) had lost their leading zeros"),
        ("officer_id", "warning", "4 officer_id value(s) had lost their leading zeros")}
    assert data.error_count == 0


def test_a_registry_that_lost_its_zeros_is_named(tmp_path):
    folder = _ids_folder(tmp_path, ["10", "20", "30", "40"], ["0010", "0020"])
    data = sro.load(folder, use_cache=False)
    hit = data.problems[(data.problems["table"] == "schools") & (data.problems["severity"] == "error")]
    assert hit["rule"].iloc[0].startswith("schools.csv lost the leading zeros of its school_id values ('10' where "
                                          "enforcement.csv has '0010')")


def test_zeros_are_not_guessed_where_two_registry_ids_share_the_digits(tmp_path):
    folder = _ids_folder(tmp_path, ["0010", "010", "0030", "0040"], ["10"])
    data = sro.load(folder, use_cache=False)
    assert data.enforcement["school_id"].tolist() == ["10"]
    hit = data.problems[data.problems["rule"].str.contains("match more than one ID")]
    assert hit["severity"].tolist() == ["error"] and "enforcement.csv" in hit["rule"].iloc[0]


def test_one_unknown_school_id_of_two_is_a_row_warning_not_a_table_error(tmp_path):
    folder = _ids_folder(tmp_path, ["0010", "0020", "0030", "0040"], ["0010", "0099"])
    data = sro.load(folder, use_cache=False)
    assert data.error_count == 0
    assert data.problems[data.problems["column"] == "school_id"]["rule"].tolist() == ["school_id not in schools"]


def test_a_registry_of_whole_numbers_of_different_lengths_is_a_warning(tmp_path):
    folder = _ids_folder(tmp_path, ["7", "14", "105", "1234"], ["7"])
    data = sro.load(folder, use_cache=False)
    hit = data.problems[data.problems["table"] == "schools"]
    assert hit["severity"].tolist() == ["warning"] and "('7', '1234')" in hit["rule"].iloc[0]
    assert "'0007'" in hit["rule"].iloc[0]


def test_a_2gb_file_of_nul_bytes_is_refused_without_reading_it_whole(tmp_path):
    import time

    folder = write_folder(tmp_path / "data")
    with (folder / "enforcement.csv").open("wb") as fh:
        fh.truncate(2 << 30)  # sparse: no disk used, but 2 GiB to read
    started = time.perf_counter()
    data = sro.load(folder, use_cache=False)
    assert time.perf_counter() - started < 15  # hashing it whole alone took 29 s
    hit = data.problems[data.problems["table"] == "enforcement"]
    assert hit["severity"].tolist() == ["error"] and "NUL characters" in hit["rule"].iloc[0]


def test_a_damaged_schools_file_is_said_once_not_as_every_school_id_unknown(tmp_path):
    folder = write_folder(tmp_path / "data", enforcement=pd.DataFrame({
        "action_id": ["E1", "E2", "E3"], "action_type": "arrest", "action_datetime": "2025-09-02 08:00",
        "school_related": "yes", "school_id": ["0010", "0020", "0030"]}))
    (folder / "schools.csv").unlink()
    (folder / "schools.xlsx").write_bytes(_bad_deflate(_xlsx()))
    data = sro.load(folder, use_cache=False)
    errors = data.problems[data.problems["severity"] == "error"]
    assert errors["table"].tolist() == ["schools"], errors.to_string()


def test_a_sheet_over_the_cell_limit_is_refused_with_a_hint(tmp_path, monkeypatch):
    from sro_reporting.reading import workbook

    monkeypatch.setattr(workbook, "MAX_CELLS", 10)  # 4,000,000 in use: read within about 1 GiB (3.98 M: 646 MB)
    (tmp_path / "schools.xlsx").write_bytes(_xlsx())
    raw = read_table(tmp_path / "schools.xlsx", SCHOOLS_TABLE)
    assert not raw.readable and "save it as CSV" in raw.problems["rule"].iloc[0]
