"""The batch end to end on the demo data: outputs, manifest, failures kept apart, privacy, re-runs."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from conftest import PLANTED
from pypdf import PdfReader

from sro_reporting.paths import project_root

pytestmark = pytest.mark.slow


def run(data: Path, out: Path, *args: str, workspace: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **({"SRO_WORKSPACE": str(workspace)} if workspace else {})}
    return subprocess.run([sys.executable, "-m", "sro_reporting.cli", "run", "--data", str(data), "--out", str(out),
                           "--school-year", "2025-26", *args], capture_output=True, text=True, cwd=project_root(),
                          check=False, env=env)


def copy_workspace(folder: Path) -> Path:
    """A workspace of the project's notebooks and parameter files, to change without touching the project's."""
    shutil.copytree(project_root() / "params", folder / "params")
    shutil.copytree(project_root() / "notebooks", folder / "notebooks")
    return folder


@pytest.fixture(scope="module")
def batch(demo_run):
    out, result, _ = demo_run
    return out / "internal", result


def test_every_report_made_and_listed(batch):
    out, result = batch
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    stems = [o["stem"] for o in manifest["outputs"]]
    assert "annual-2025-26" in stems and "semester-2025-26-spring" in stems
    assert "compliance-2025-26" in stems and "compliance-2025-26-mps" in stems
    assert sum(s.startswith("monthly-") for s in stems) == 6
    for o in manifest["outputs"]:
        assert o["status"] == "ok" and (out / o["pdf"]).exists() and (out / o["notebook"]).exists()
        assert o["audience"] in ("mps", "mpd_internal") and o["parameters"]["school_year"] == "2025-26"
    assert {i["table"] for i in manifest["inputs"]} >= {"schools", "calls_for_service", "enforcement"}
    assert all(len(i["sha256"]) == 64 and i["rows"] > 0 for i in manifest["inputs"])


def test_every_total_adds_up_across_the_reports(batch):
    from sro_reporting.running.reconcile import reconcile_run

    out, _ = batch
    found = reconcile_run(out)  # months to the semester, the semester to the year, III.F, compliance
    assert found.empty, found.to_string()
    assert found.attrs["checks"] > 500


def test_contract_tables_exist_with_contract_columns(batch):
    out, _ = batch
    calls = pd.read_csv(out / "tables" / "calls_by_priority_disposition.csv", dtype=str)
    assert list(calls.columns) == ["school_id", "school_name", "priority", "disposition", "calls"]
    arrests = pd.read_csv(out / "tables" / "arrests_citations_by_school.csv", dtype=str)
    assert list(arrests.columns) == ["school_id", "school_name", "arrests", "citations"]
    quality = pd.read_csv(out / "data_quality.csv", dtype=str)
    assert list(quality.columns) == ["table", "line", "column", "value", "rule", "severity"]


def _texts(out: Path, pattern: str = "*"):
    for path in out.rglob(pattern):
        if path.suffix == ".pdf":
            yield path, "\n".join(page.extract_text() for page in PdfReader(path).pages)
        elif path.is_file():
            yield path, path.read_text(errors="replace")


def test_no_planted_person_value_in_any_output(batch):
    out, result = batch
    for path, text in [*_texts(out), (Path("stderr"), result.stderr), (Path("stdout"), result.stdout)]:
        for value in PLANTED.values():
            assert value not in text, f"{value!r} found in {path}"


def test_officer_names_only_in_internal_reports(batch, demo_copy):
    out, _ = batch
    names = pd.read_csv(demo_copy / "officers.csv")["display_name"]
    manifest = json.loads((out / "manifest.json").read_text())
    mps = [o["stem"] for o in manifest["outputs"] if o["audience"] == "mps"]
    for stem in mps:
        for path, text in [*_texts(out, f"{stem}.*"), *_texts(out / "tables" / stem)]:
            assert not any(n in text for n in names), path
    internal = dict(_texts(out, "compliance-2025-26.pdf"))
    assert any(n in next(iter(internal.values())) for n in names)
    assert "INTERNAL" in next(iter(internal.values()))


def test_executed_notebooks_have_no_errors_or_stderr(batch):
    out, _ = batch
    for nb in out.glob("*.ipynb"):
        cells = json.loads(nb.read_text())["cells"]
        for cell in cells:
            for output in cell.get("outputs", []):
                assert output["output_type"] != "error" and output.get("name") != "stderr", (nb, output)


def test_pdfs_have_no_code_or_nan(batch):
    out, _ = batch
    for path, text in _texts(out, "*.pdf"):
        assert "import sro_reporting" not in text and "rep.table(" not in text, path
        assert "NaN" not in text and "<NA>" not in text and "Traceback" not in text, path


def test_summary_index_and_library_versions(batch):
    out, result = batch
    manifest = json.loads((out / "manifest.json").read_text())
    assert re.search(r"(\d+) reports: \1 made, 0 unchanged, 0 failed\.", result.stderr)  # the first run: all made
    assert f"Outputs: {out.parent.resolve()}" in result.stderr
    assert re.search(r"\[\d+/\d+\] monthly-2025-26-spring-2026-03: ok", result.stderr)  # not a terminal: one line each
    assert {"pandas", "pyarrow", "weasyprint", "matplotlib", "papermill", "nbconvert"} <= set(manifest["libraries"])
    assert manifest["run_key"] and manifest["limits"] == []
    page = (out.parent / "index.html").read_text()
    for o in manifest["outputs"]:
        assert f'href="internal/{o["stem"]}.pdf"' in page and f'href="internal/tables/{o["stem"]}/"' in page
        if o["audience"] == "mps":
            assert f'href="mps/{o["stem"]}.pdf"' in page
    for href in re.findall(r'href="([^"#]+)"', page):
        assert (out.parent / href).exists(), href


def test_rerun_skips_unchanged_reports(batch, demo_copy):
    out, _ = batch  # the shared run's last step again: every report, kept and picked, is unchanged
    result = run(demo_copy, out.parent, "--semester", "spring", "--school", "0007", "--school", "0014")
    assert result.returncode == 0
    manifest = json.loads((out / "manifest.json").read_text())
    n = len(manifest["outputs"])
    assert n == 12 and all(o["skipped"] for o in manifest["outputs"])
    assert f"{n} reports: 0 made, {n} unchanged, 0 failed." in result.stderr


def test_a_failing_report_does_not_stop_the_others(demo_copy, tmp_path):
    workspace = copy_workspace(tmp_path / "workspace")
    failing = nbformat.read(workspace / "notebooks" / "semester.ipynb", as_version=4)
    failing.cells.insert(3, nbformat.v4.new_code_cell('raise LookupError("no such table in this export")'))
    nbformat.write(failing, workspace / "notebooks" / "semester.ipynb")
    result = run(demo_copy, tmp_path / "out", "--semester", "spring", "--report", "semester", "--report", "annual",
                 workspace=workspace)
    out = tmp_path / "out" / "internal"
    assert result.returncode == 1
    manifest = {o["stem"]: o for o in json.loads((out / "manifest.json").read_text())["outputs"]}
    failed = manifest["semester-2025-26-spring"]
    assert failed["status"] == "failed" and failed["error"]["ename"] == "LookupError"
    assert "no such table" in failed["error"]["evalue"] and failed["error"]["cell"] is not None
    assert not (out / "semester-2025-26-spring.pdf").exists()
    assert "papermill-error-cell-tag" in (out / "semester-2025-26-spring.ipynb").read_text()
    assert manifest["annual-2025-26"]["status"] == "ok"
    assert "FAILED semester-2025-26-spring" in result.stderr
    page = (tmp_path / "out" / "index.html").read_text()
    assert f"Cell {failed['error']['cell']}: LookupError: no such table in this export" in page
    assert 'href="internal/semester-2025-26-spring.ipynb"' in page


def test_one_school_at_the_command_line_and_saving_notebooks_remakes_nothing(demo_copy, tmp_path):
    workspace = copy_workspace(tmp_path / "workspace")
    out = tmp_path / "out"
    result = run(demo_copy, out, "--semester", "spring", "--school", "0007", workspace=workspace)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "internal" / "manifest.json").read_text())
    assert [o["stem"] for o in manifest["outputs"]] == ["school-2025-26-spring-0007"]
    assert "1 report: 1 made, 0 unchanged, 0 failed." in result.stderr
    # JupyterLab saves the notebook with outputs and new metadata, and a scratch notebook appears beside it.
    saved = nbformat.read(workspace / "notebooks" / "school.ipynb", as_version=4)
    saved.metadata["widgets"] = {}
    for n, cell in enumerate(saved.cells):
        if cell.cell_type == "code":
            cell.execution_count, cell.outputs = n, [nbformat.v4.new_output("stream", name="stdout", text="x")]
    nbformat.write(saved, workspace / "notebooks" / "school.ipynb")
    nbformat.write(nbformat.v4.new_notebook(), workspace / "notebooks" / "scratch.ipynb")
    result = run(demo_copy, out, "--semester", "spring", "--school", "0007", workspace=workspace)
    assert result.returncode == 0 and "1 report: 0 made, 1 unchanged, 0 failed." in result.stderr, result.stderr
    result = run(demo_copy, out, "--semester", "spring", "--school", "9999", workspace=workspace)
    assert result.returncode == 2 and "--school no school with the ID or name '9999'; did you mean" in result.stderr
    assert re.search(r"did you mean [^(]+ \(\d{4}\)", result.stderr)  # names with their IDs (issue 27)


def test_bad_arguments_exit_2(tmp_path, demo_copy):
    result = run(demo_copy, tmp_path / "o", "--report", "nonsense")
    assert result.returncode == 2 and "unknown report" in result.stderr
    result = subprocess.run([sys.executable, "-m", "sro_reporting.cli", "run", "--data", str(demo_copy), "--out",
                             str(tmp_path / "o"), "--school-year", "1999-00"], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 2 and "no parameter file" in result.stderr


def test_mps_outputs_carry_aggregates_only(batch, demo_copy):
    out, _ = batch
    ids = set(pd.read_csv(demo_copy / "enforcement.csv", dtype=str)["action_id"])
    ids |= set(pd.read_csv(demo_copy / "calls_for_service.csv", dtype=str)["incident_number"].head(5000))
    ids |= set(pd.read_csv(demo_copy / "use_of_force.csv", dtype=str)["uof_id"])
    manifest = json.loads((out / "manifest.json").read_text())
    for o in manifest["outputs"]:
        if o["audience"] != "mps":
            continue
        for path, text in [*_texts(out, f"{o['stem']}.*"), *_texts(out / "tables" / o["stem"])]:
            words = set(text.replace('"', " ").replace(",", " ").split())
            assert not words & ids, (path, sorted(words & ids)[:5])
