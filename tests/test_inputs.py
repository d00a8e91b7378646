"""Hostile and unlucky inputs: files that change while read or cannot be read, bad IDs, workbooks that bomb."""

import dataclasses
import datetime as dt
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

import sro_reporting as sro
from conftest import SCHOOLS, write_folder
from sro_reporting.cli import app
from sro_reporting.errors import RunError
from sro_reporting.reading import readers, sources, workbook
from sro_reporting.reading.readers import read_table
from sro_reporting.reading.tables import SCHOOLS as SCHOOLS_TABLE
from sro_reporting.reading.validate import clean_table


def test_a_file_that_changes_while_read_stops_the_load_and_caches_nothing(tmp_path, monkeypatch):
    folder = write_folder(tmp_path / "data")
    read = sources.read_source

    def and_then_changed(path):
        found = read(path)
        if path.name == "schools.csv":
            with path.open("a") as fh:
                fh.write("0099,Late,1 N 1ST ST,Y,,\n")
        return found

    monkeypatch.setattr(sources, "read_source", and_then_changed)
    with pytest.raises(RunError, match=r"input file .*schools.csv changed while it was read"):
        sro.load(folder)
    assert not any(p.name.startswith("snapshot-") for p in Path(os.environ["SRO_CACHE"]).iterdir())
    result = CliRunner().invoke(app, ["validate", "--data", str(folder)])
    assert result.exit_code == 2 and "changed while it was read" in result.output


@pytest.mark.parametrize("name", ["schools.csv", "calls_for_service.csv"])
def test_bytes_parsed_that_differ_from_those_hashed_stop_the_load(tmp_path, monkeypatch, name):
    """The parse hashes what it reads again (a large export streams from disk): the two hashes must agree."""
    folder = write_folder(tmp_path / "data")
    read = sources.read_source
    monkeypatch.setattr(sources, "read_source", lambda path: dataclasses.replace(read(path), sha256="0" * 64)
                        if path.name == name else read(path))
    with pytest.raises(RunError, match=rf"input file .*{name} changed while it was read"):
        sro.load(folder)


def test_files_hashed_ahead_are_read_once_and_hash_as_the_run_hashes_them(tmp_path, monkeypatch):
    folder = write_folder(tmp_path / "data")
    (folder / "notes.csv").write_text("not a table\n")
    expected = {name: s.sha256 for name, s in sources.hash_sources(folder).items()}
    monkeypatch.setattr(sources, "_HASHED", {})
    digests = []
    monkeypatch.setattr(sources.hashlib, "sha256", lambda real=sources.hashlib.sha256: digests.append(1) or real())
    ahead = sources.hash_ahead(folder)
    assert {name: s.sha256 for name, s in sources.hash_sources(folder).items()} == expected  # waits for `ahead`
    ahead.join()
    assert len(digests) == len(expected)  # each table's file once, by one thread or the other; notes.csv never


def test_a_file_hashed_by_a_relative_folder_is_known_by_its_full_path_too(tmp_path, monkeypatch):
    """`make report` names the demo folder `data/demo`; a run's load names it in full."""
    folder = write_folder(tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sources, "_HASHED", {})
    digests = []
    monkeypatch.setattr(sources.hashlib, "sha256", lambda real=sources.hashlib.sha256: digests.append(1) or real())
    relative = sources.hash_sources(Path("data"))
    assert sources.hash_sources(folder.resolve()).keys() == relative.keys() and len(digests) == len(relative)


def test_hashing_ahead_a_folder_that_cannot_be_read_leaves_the_error_to_the_run(tmp_path):
    sources.hash_ahead(tmp_path / "missing").join()
    with pytest.raises(RunError, match="missing"):
        sources.hash_sources(tmp_path / "missing")


def test_an_unreadable_input_is_exit_2_with_the_file_and_why(tmp_path):
    top = Path(tempfile.mkdtemp())  # others may enter: the run below is another user where this is root
    try:
        os.chmod(top, 0o755)
        folder = write_folder(top / "data")
        os.chmod(folder, 0o755)
        for p in folder.iterdir():
            os.chmod(p, 0o644)
        os.chmod(folder / "enforcement.csv", 0o000)
        as_other = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
        if subprocess.run([*as_other, sys.executable, "-c", "import sro_reporting"], capture_output=True,
                          check=False, cwd=top).returncode != 0:
            pytest.skip("another user cannot run this checkout's Python")
        result = subprocess.run([*as_other, sys.executable, "-m", "sro_reporting.cli", "validate", "--data",
                                 str(folder)], capture_output=True, text=True, check=False, cwd=top,
                                env={**os.environ, "HOME": str(top)})
        assert result.returncode == 2, result.stderr
        assert result.stderr.strip() == f"error: cannot read {folder / 'enforcement.csv'}: Permission denied"
    finally:
        shutil.rmtree(top)


ID_ROWS = [
    pytest.param("00\x0007", "holds a control or invisible character", id="nul"),
    pytest.param("0007\x1b[31m", "holds a control or invisible character", id="escape-sequence"),
    pytest.param("00\u202e70", "holds a control or invisible character", id="bidi-override"),
    pytest.param("0" * 65, "longer than 64 characters", id="too-long"),
    pytest.param("X" * 300, "longer than 64 characters", id="longer-than-a-file-name"),
]


@pytest.mark.parametrize("bad_id, words", ID_ROWS)
def test_a_bad_id_is_a_problem_with_its_line_and_the_row_left_out(tmp_path, bad_id, words):
    path = tmp_path / "schools.csv"
    frame = SCHOOLS.assign(school_id=["0010", bad_id, "0030", "0040"])
    frame.to_csv(path, index=False)
    clean, problems = clean_table(read_table(path, SCHOOLS_TABLE))
    assert clean["school_id"].tolist() == ["0010", "0030", "0040"]
    hit = problems.iloc[0]
    assert (hit["line"], hit["column"], hit["severity"]) == (3, "school_id", "error")
    assert words in hit["rule"] and hit["rule"].endswith("row left out") and "\x00" not in hit["value"]


@pytest.mark.parametrize("long_id", ["0" * 64, "é" * 64], ids=["ascii", "two-bytes-a-character"])
def test_a_64_character_id_is_fine(tmp_path, long_id):
    path = tmp_path / "schools.csv"
    SCHOOLS.assign(school_id=[long_id, "0020", "0030", "0040"]).to_csv(path, index=False)
    clean, problems = clean_table(read_table(path, SCHOOLS_TABLE))
    assert len(clean) == 4 and problems.empty


def test_a_2gb_sized_file_of_nothing_is_not_called_empty(tmp_path):
    path = tmp_path / "schools.csv"
    path.write_bytes(b"\x00" * 4096)
    _, problems = clean_table(read_table(path, SCHOOLS_TABLE))
    assert "file is empty" not in problems["rule"].iloc[0]
    path.write_bytes(b"\n\n")
    _, problems = clean_table(read_table(path, SCHOOLS_TABLE))
    assert "file is empty" in problems["rule"].iloc[0]


def _xlsx(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


def _rezip(data: bytes, sheet_xml) -> bytes:
    """Return the workbook with its first sheet's XML changed by `sheet_xml(xml) -> xml`."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as packed:
        for info in source.infolist():
            body = source.read(info.filename)
            packed.writestr(info.filename, sheet_xml(body) if info.filename == "xl/worksheets/sheet1.xml" else body)
    return out.getvalue()


TYPED = pd.DataFrame({
    "school_id": ["001", "002", "003"], "school_name": ["A", "B", "C"], "address": ["1 N 1ST ST"] * 3,
    "sro_participating": [True, False, "maybe"], "latitude": [43.0, 43.5, "north"],
    "participation_start": [dt.datetime(2025, 9, 2), dt.datetime(2025, 9, 1, 23, 59, 59, 999_999), "9/2/2025"],
})


def test_calamine_and_openpyxl_give_the_same_table_and_problems(tmp_path, monkeypatch):
    path = tmp_path / "schools.xlsx"
    path.write_bytes(_xlsx(TYPED))
    fast = clean_table(read_table(path, SCHOOLS_TABLE))

    def refuse(data):
        raise ValueError("calamine cannot read this one")

    monkeypatch.setattr(workbook, "_calamine", refuse)
    slow = clean_table(read_table(path, SCHOOLS_TABLE))
    pd.testing.assert_frame_equal(fast[0], slow[0])
    pd.testing.assert_frame_equal(fast[1], slow[1])
    assert fast[0]["school_id"].tolist() == ["001", "002"]
    assert fast[0]["participation_start"].dt.strftime("%Y-%m-%d").tolist() == ["2025-09-02"] * 2
    assert {(p.line, p.column, p.severity) for p in fast[1].itertuples()} == {
        (4, "sro_participating", "error"), (4, "latitude", "error"), (4, "participation_start", "error")}  # 9/2/2025


def test_workbook_lines_are_sheet_rows_past_blank_rows(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["school_id", "school_name", "address", "sro_participating"])
    sheet.append(["001", "A", "1 N 1ST ST", "Y"])
    sheet.append([])
    sheet.append(["002", "B", "2 N 1ST ST", "maybe"])
    book.save(tmp_path / "schools.xlsx")
    clean, problems = clean_table(read_table(tmp_path / "schools.xlsx", SCHOOLS_TABLE))
    assert clean["school_id"].tolist() == ["001"] and problems["line"].tolist() == [4]


def test_a_zip_bomb_is_refused_before_it_unpacks(tmp_path):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as packed:
        packed.writestr("xl/worksheets/sheet1.xml", b"<c>" + b"0" * (200 << 20))
    (tmp_path / "schools.xlsx").write_bytes(bomb.getvalue())
    raw = read_table(tmp_path / "schools.xlsx", SCHOOLS_TABLE)
    assert not raw.readable and "refused as a zip bomb" in raw.problems["rule"].iloc[0]
    assert len(bomb.getvalue()) < 300_000


@pytest.mark.parametrize("stray", [
    pytest.param('<c r="XFD3" t="inlineStr"><is><t>stray</t></is></c>', id="last-column"),
    pytest.param('<c r="A1048576" t="inlineStr"><is><t>stray</t></is></c>', id="last-row"),
    pytest.param("<c\n  r = 'XFD3' t=\"inlineStr\"><is><t>stray</t></is></c>", id="last-column-written-oddly"),
])
def test_a_sparse_sheet_reads_fast_with_its_lines(tmp_path, stray):
    frame = pd.DataFrame({"school_id": [f"{i:04d}" for i in range(2000)], "school_name": "A",
                          "address": "1 N 1ST ST", "sro_participating": "Y"})

    def plant(xml: bytes) -> bytes:
        if "XFD3" in stray:  # at the end of row 3
            end = xml.rindex(b"</row>", 0, xml.index(b'<row r="4"'))
            return xml[:end] + stray.encode() + xml[end:]
        return xml.replace(b"</sheetData>", f'<row r="1048576">{stray}</row></sheetData>'.encode())

    (tmp_path / "schools.xlsx").write_bytes(_rezip(_xlsx(frame), plant))
    started = time.perf_counter()
    clean, problems = clean_table(read_table(tmp_path / "schools.xlsx", SCHOOLS_TABLE))
    assert time.perf_counter() - started < 20  # 108 s through openpyxl, or out of memory, before
    assert len(clean) == 2000 and clean["_line"].iloc[-1] == 2001
    if "1048576" in stray:
        assert problems[problems["severity"] == "error"]["line"].tolist() == [1048576] * 3
    else:
        assert problems["rule"].str.contains("not in the data contract").sum() == 1


def test_a_damaged_workbook_is_a_clear_problem(tmp_path):
    (tmp_path / "schools.xlsx").write_bytes(b"PK\x03\x04 not really")
    raw = read_table(tmp_path / "schools.xlsx", SCHOOLS_TABLE)
    assert not raw.readable and "not a workbook" in raw.problems["rule"].iloc[0]


def test_cell_text_is_what_a_csv_export_holds():
    assert readers.cell_text(dt.datetime(2025, 9, 2)) == "2025-09-02 00:00:00"
    assert readers.cell_text(float("nan")) == "nan" and readers.cell_text(1e20) == "100000000000000000000"
