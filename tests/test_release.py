"""The MPS release: one folder of what may leave MPD, and nothing else (contract v2 section 4)."""

import hashlib
import json
import re
import subprocess
import sys

import pandas as pd
import pytest
from conftest import PLANTED_NAME
from pypdf import PdfReader

from sro_reporting.files import neutralize, safe_frame

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def release(demo_run, demo_copy):
    """The shared spring run on the demo data with a name, person columns and formulas planted."""
    out, district, schools = demo_run
    assert district.returncode == 0 and schools.returncode == 0, district.stderr + schools.stderr
    return out, demo_copy


def _text(path):
    if path.suffix == ".pdf":
        return "\n".join(page.extract_text() for page in PdfReader(path).pages)
    return path.read_text(errors="replace")


def test_release_holds_reports_tables_and_its_manifest_only(release):
    out, _ = release
    files = [p for p in (out / "mps").rglob("*") if p.is_file()]
    assert {p.suffix for p in files} <= {".pdf", ".html", ".csv", ".json"}
    assert [p.name for p in files if p.suffix == ".json"] == ["manifest.json"]
    assert not any(p.name == "data_quality.csv" for p in files)
    internal = json.loads((out / "internal" / "manifest.json").read_text())
    mps = {o["stem"] for o in internal["outputs"] if o["audience"] == "mps"}
    pdfs = {p.stem for p in files if p.suffix == ".pdf"}
    assert pdfs == mps and not any(s.startswith("officer-") for s in pdfs)
    assert {"school-2025-26-spring-0007", "school-2025-26-spring-0014"} <= pdfs
    assert (out / "mps" / "tables" / "calls_by_priority_disposition.csv").exists()
    assert (out / "mps" / "tables" / "arrests_citations_by_school.csv").exists()


def test_release_manifest_lists_every_file_with_its_sha256(release):
    out, _ = release
    manifest = json.loads((out / "mps" / "manifest.json").read_text())
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    found = {p.relative_to(out / "mps").as_posix() for p in (out / "mps").rglob("*") if p.is_file()}
    assert set(listed) == found - {"manifest.json"}
    for path, sha in listed.items():
        assert hashlib.sha256((out / "mps" / path).read_bytes()).hexdigest() == sha, path


def test_release_has_no_names_ids_paths_or_raw_values(release):
    out, data = release
    officers = pd.read_csv(data / "officers.csv", dtype=str)
    names = set(officers["display_name"].dropna())
    ids = set(officers["officer_id"])
    for path in (out / "mps").rglob("*"):
        if not path.is_file():
            continue
        text = _text(path)
        assert PLANTED_NAME not in text, path
        assert not any(n in text for n in names), path
        assert str(out) not in text and str(data) not in text and "/home/" not in text, path
        assert "site-packages" not in text and "Traceback" not in text, path
        assert not re.search(r"\b[A-Za-z]+Warning: ", text), path  # a Python warning, not the word in a finding
        words = set(text.replace('"', " ").replace(",", " ").split())  # the compliance extract's too: SRO 1, ...
        assert not words & ids, (path, sorted(words & ids)[:3])
        assert not any(n in path.as_posix() for n in names)


def test_release_quality_summary_has_counts_not_values(release):
    out, _ = release
    summary = pd.read_csv(out / "mps" / "data_quality_summary.csv", dtype=str)
    assert list(summary.columns) == ["table", "column", "rule", "severity", "problems"]
    assert "subject_race" in set(summary["column"])


def test_every_release_csv_cell_is_safe_in_a_spreadsheet(release):
    out, _ = release
    for csv in (out / "mps").rglob("*.csv"):
        frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
        for column in frame.columns:
            for value in frame[column]:
                assert not value.startswith(("=", "+", "@", "\t", "\r")) or value.startswith("'"), (csv, value)
                assert not (value.startswith("-") and not value.lstrip("-").replace(".", "").isdigit()), (csv, value)
    arrests = pd.read_csv(out / "mps" / "tables" / "arrests_citations_by_school.csv", dtype=str)
    assert "'=HYPERLINK(\"http://x\",\"y\")" in set(arrests["school_name"])


@pytest.mark.parametrize("value, expected", [
    pytest.param("=1+1", "'=1+1", id="equals"),
    pytest.param("-12", "-12", id="negative-number"),
    pytest.param("-1e3", "-1e3", id="signed-exponent-is-a-number"),
    pytest.param("-x", "'-x", id="minus-text"),
    pytest.param("\tcalc", "'\tcalc", id="tab"),
    pytest.param("Alpha High", "Alpha High", id="plain"),
])
def test_neutralize(value, expected):
    assert neutralize(value) == expected


def test_safe_frame_leaves_numbers_alone():
    frame = pd.DataFrame({"n": [-3, 4], "t": ["@a", "b"]})
    assert safe_frame(frame).to_dict("list") == {"n": [-3, 4], "t": ["'@a", "b"]}


def test_release_passes_the_disclosure_audit_and_says_so(release):
    out, _ = release
    mps = json.loads((out / "mps" / "manifest.json").read_text())
    internal = json.loads((out / "internal" / "manifest.json").read_text())
    assert mps["audit"]["passed"] and mps["audit"]["hidden_cells"] > 0 and mps["audit"]["narrowest_range"] >= 5
    assert internal["release"]["audit"] == mps["audit"]
    assert all(name.endswith(".csv") for name in mps["tables"])
    result = subprocess.run([sys.executable, "-m", "sro_reporting.cli", "audit", str(out)], capture_output=True,
                            text=True, check=False)
    # Exit 0: no hidden count pinned or narrowed, no rest pinned from 1 to min_cell - 1 (a rest pinned at 0 or at
    # min_cell or more breaks no rule, and the summary counts it among the pinned).
    assert result.returncode == 0 and "narrowest range" in result.stdout, result.stdout + result.stderr


def test_audit_finds_the_leaks_of_tables_suppressed_one_at_a_time(release, tmp_path):
    import shutil

    import sro_reporting as sro
    from sro_reporting.disclosure.privacy import suppress_counts
    from sro_reporting.measures import people
    from sro_reporting.measures.enforcement import ACTION_LABELS
    from sro_reporting.params import load_school_year

    out, data = release
    shutil.copytree(out / "mps", tmp_path / "mps")
    tables = people.breakdowns(sro.load(data), load_school_year("2025-26").semesters["spring"])
    for name in ("actions_by_age_band", "actions_by_gender", "actions_by_race"):
        b = tables[name]
        frame = suppress_counts(b.counts, 10).rename(columns=ACTION_LABELS).rename_axis(b.counts.index.name)
        frame.reset_index().to_csv(tmp_path / "mps" / "tables" / "semester-2025-26-spring" / f"{name}.csv", index=False)
    result = subprocess.run([sys.executable, "-m", "sro_reporting.cli", "audit", str(tmp_path / "mps")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1 and "BROKEN" in result.stderr, result.stdout + result.stderr


def test_a_release_that_passes_is_recorded_in_the_tests_own_ledger(release):
    import os
    from pathlib import Path

    from sro_reporting.paths import workspace

    out, _ = release
    internal = json.loads((out / "internal" / "manifest.json").read_text())
    entry = Path(os.environ["SRO_LEDGER"]) / "entries" / f"{internal['release']['ledger_entry']}.json"
    assert entry.is_file() and workspace() not in entry.parents  # never the workspace's ledger
    assert "plan" not in json.loads((out / "mps" / "manifest.json").read_text())  # the run's manifest has it


def test_the_release_guide_says_what_a_star_a_blank_and_every_column_mean():
    from sro_reporting.running import guide

    layout = {"population": "school-related actions", "period": "2026-01-26/2026-06-12", "row_label": "Race",
              "row_dimension": "race", "columns": {"Arrests": {"categories": {"action_type": "arrest"}}, "Total": {}}}
    manifest = {"release": "MPD SRO data for MPS", "parameters": {"school_year": "2025-26", "semester": "spring"},
                "min_cell": 10, "reports": [{"stem": "semester-2025-26-spring", "report": "semester", "subject": ""}],
                "tables": {"tables/semester-2025-26-spring/actions_by_race.csv": layout}}
    found = guide.rows(manifest, synthetic=True)
    said = dict(zip(found["file"] + " | " + found["column"], found["meaning"]))
    assert said["(this release) | "] == "MPD SRO data for MPS: school year 2025-26, spring semester"
    assert said["(every table) | * (star)"].startswith("a count from 1 to 9, or a larger count hidden")
    assert said["(every table) | (blank)"].startswith("not collected")
    assert said["tables/semester-2025-26-spring/actions_by_race.csv | Race"] == "one row per race"
    assert said["tables/semester-2025-26-spring/actions_by_race.csv | Arrests"] == (
        "count of school-related actions (action type arrest), from 2026-01-26 to 2026-06-12, both included")
    assert said["semester-2025-26-spring.pdf | "].startswith("Semester report (PDF/UA-1")
    assert said["(this release) | synthetic"] == guide.SYNTHETIC
    assert guide.SYNTHETIC not in set(guide.rows(manifest, synthetic=False)["meaning"])
    assert not (found == "*").any().any()  # a bare star is a hidden count to the audit
