"""Shared helpers: small hand-made data folders written as an export would be."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from sro_reporting.reading.tables import TABLES

# No test writes to a real ledger of what MPS has: every run of the suite (and the runs it starts) has its own.
os.environ["SRO_LEDGER"] = tempfile.mkdtemp(prefix="sro-test-ledger-")

SCHOOLS = pd.DataFrame({
    "school_id": ["0010", "0020", "0030", "0040"],
    "school_name": ["Alpha High", "Beta K-8", "Gamma Elementary", "Delta High"],
    "address": ["1017 N 12th Street", "2751 S. Lenox St, MKE", "1200 W Wells Avenue", "5000 W Capitol Dr"],
    "sro_participating": ["yes", "Y", "no", "true"],
    "participation_start": ["", "", "", "2025-09-01"],
    "participation_end": ["", "", "", ""],
})


def write_folder(folder: Path, **tables: pd.DataFrame | str) -> Path:
    """Write each table as `<name>.csv` (a frame, or raw text); missing tables get a header only."""
    folder.mkdir(parents=True, exist_ok=True)
    tables.setdefault("schools", SCHOOLS)
    for name, table in TABLES.items():
        if table.optional and name not in tables:
            continue
        content = tables.get(name)
        path = folder / f"{name}.csv"
        if content is None:
            path.write_text(",".join(c.name for c in table.columns if c.required) + "\n")
        elif isinstance(content, str):
            path.write_text(content)
        else:
            content.to_csv(path, index=False)
    return folder


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Keep each test's snapshots out of the project's cache, and its person-identifier key out of the workspace."""
    monkeypatch.setenv("SRO_CACHE", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("SRO_PERSON_KEY", str(tmp_path_factory.mktemp("key") / "person_key"))


# Values planted in the demo data that no output may carry: person columns in every table, a name in
# a coded column; and formulas in school names, which every CSV must neutralize.
PLANTED = {"student_name": "Zyxwv Plantedname", "dob": "2009-02-29x", "student_id": "S-98765-PLANT"}
PLANTED_NAME = "Qwerty Typedname"  # typed into a coded column: in MPD's data-quality log, never in the release
FORMULAS = ["=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3"]


def run_cli(data: Path, out: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `sro-report run` for the 2025-26 school year."""
    from sro_reporting.paths import project_root

    return subprocess.run([sys.executable, "-m", "sro_reporting.cli", "run", "--data", str(data), "--out", str(out),
                           "--school-year", "2025-26", *args], capture_output=True, text=True, cwd=project_root(),
                          check=False, env=env)


@pytest.fixture(scope="session")
def demo_copy(tmp_path_factory):
    """The demo data with person-identifying columns, a name and spreadsheet formulas planted."""
    from sro_reporting.demo import generator as demo

    folder = tmp_path_factory.mktemp("data")
    demo.write(folder)
    for csv in folder.glob("*.csv"):
        frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
        for column, value in PLANTED.items():
            frame[column] = value
        if csv.stem == "schools":
            part = frame.index[frame["sro_participating"].str.lower().isin(["true", "yes", "y", "1"])]
            frame.loc[part[1:len(FORMULAS) + 1], "school_name"] = FORMULAS  # not 0007's: tests name it
        if csv.stem == "enforcement":
            frame.loc[0, "subject_race"] = PLANTED_NAME
        frame.to_csv(csv, index=False)
    return folder


@pytest.fixture(scope="session")
def demo_run(demo_copy, tmp_path_factory):
    """One spring run on the planted demo data: the district's MPS reports, compliance, and two school packets."""
    out = tmp_path_factory.mktemp("out")
    district = run_cli(demo_copy, out, "--semester", "spring", "--report", "annual", "--report", "semester",
                       "--report", "monthly", "--report", "compliance", "--jobs", "2")
    schools = run_cli(demo_copy, out, "--semester", "spring", "--school", "0007", "--school", "0014", "--jobs", "2")
    return out, district, schools
