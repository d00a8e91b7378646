"""The analyst's daily loop (issue 16): workspace, one report, checks before the batch, messages,
progress, the run's index, the notebook display, reproducible installs. Fast: no kernel starts here
(the batch tests in test_batch.py run the same paths end to end)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from conftest import write_folder
from typer.testing import CliRunner

import sro_reporting as sro
from sro_reporting import paths
from sro_reporting.cli import app
from sro_reporting.params import load_school_year
from sro_reporting.running import checks, index, progress
from sro_reporting.running.batch import run_report
from sro_reporting.running.manifest import SHAPING, library_versions
from sro_reporting.running.plan import KINDS, PlanError, month_semesters, notebook_code_hash

ROOT = Path(__file__).resolve().parents[1]
CITY_HEADER = "Call Number,Date/Time,Location,Police District,Nature of Call,Status\n"


def words(text: str) -> str:
    """Return CLI output with the error box's borders and line breaks folded into single spaces."""
    return re.sub(r"\s+", " ", re.sub(r"[\u2500-\u257f]", " ", text))


def cli(*args: str):
    return CliRunner().invoke(app, list(args))


# 1. "Unchanged" is decided by a notebook's code, and `make lab` opens the project root.

def test_saving_a_notebook_changes_nothing_but_its_code_does(tmp_path):
    nb = nbformat.read(ROOT / "notebooks" / "school.ipynb", as_version=4)
    before = tmp_path / "before.ipynb"
    nbformat.write(nb, before)
    saved = nbformat.read(before, as_version=4)
    saved.metadata["widgets"] = {"state": {}}
    saved.metadata["kernelspec"]["display_name"] = "Python 3 (ipykernel)"
    for n, cell in enumerate(c for c in saved.cells if c.cell_type == "code"):
        cell.execution_count = n + 1
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="run in JupyterLab\n")]
        cell.metadata["execution"] = {"iopub.status.busy": "2026-11-28T10:00:00Z"}
    after = tmp_path / "after.ipynb"
    nbformat.write(saved, after)
    assert notebook_code_hash(before) == notebook_code_hash(after)
    saved.cells[-1].source += "\nprint('one more line')"
    nbformat.write(saved, after)
    assert notebook_code_hash(before) != notebook_code_hash(after)


def test_make_lab_opens_the_project_root():
    recipe = subprocess.run(["make", "-n", "lab"], cwd=ROOT, capture_output=True, text=True, check=False).stdout
    line = next(x for x in recipe.splitlines() if "jupyter lab" in x)
    assert "--ServerApp.root_dir=." in line and "notebooks" not in line


def test_each_kind_needs_the_tables_its_notebook_requires():
    for name, kind in KINDS.items():
        source = "".join(c.source for c in nbformat.read(kind.notebook, as_version=4).cells)
        found = re.search(r"data\.require\(\[([^\]]*)\], \"" + name + r"\"\)", source)
        assert found, name
        assert tuple(re.findall(r'"([a-z_]+)"', found.group(1))) == kind.needs, name


# 2. The workspace: one documented setting, and a copy finds itself.

def test_a_copy_of_the_notebooks_named_as_the_workspace_finds_itself(tmp_path, monkeypatch):
    copy = tmp_path / "copy"
    (copy / "notebooks").mkdir(parents=True)
    (copy / "notebooks" / "explore.ipynb").write_text((ROOT / "notebooks" / "explore.ipynb").read_text())
    monkeypatch.setenv("SRO_WORKSPACE", str(copy))  # named, never found by walking up (issue 23, item 7)
    monkeypatch.delenv("SRO_PROJECT", raising=False)
    monkeypatch.delenv("SRO_CACHE", raising=False)
    monkeypatch.chdir(copy / "notebooks")  # where JupyterLab runs a notebook
    assert paths.workspace() == copy
    assert paths.demo_data_dir() == copy / "data" / "demo"
    assert paths.interactive_dir() == copy / "outputs" / "interactive"
    assert not paths.cache_dir().is_relative_to(copy)  # the cache is the user's own (issue 14), not the workspace's
    assert paths.notebooks_dir() == copy / "notebooks"
    assert paths.params_dir() == ROOT / "params"  # the copy has none: the checkout's
    assert load_school_year("2025-26").school_year == "2025-26"


def test_the_workspace_setting_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("SRO_WORKSPACE", str(tmp_path))
    monkeypatch.chdir(ROOT)
    assert paths.workspace() == tmp_path.resolve() and paths.demo_data_dir() == tmp_path.resolve() / "data" / "demo"
    monkeypatch.delenv("SRO_WORKSPACE")
    monkeypatch.setenv("SRO_PROJECT", str(tmp_path))  # the older name still works
    assert paths.workspace() == tmp_path.resolve()
    result = cli("workspace")
    assert result.exit_code == 0 and str(tmp_path.resolve()) in result.output and "SRO_WORKSPACE" in result.output


# 3. One report: typed `run_report`, entity options at the command line.

def test_run_report_refuses_unknown_names_and_requires_the_entity(tmp_path):
    with pytest.raises(TypeError, match="school"):
        run_report("school", tmp_path, "2025-26", "spring", school="0014")  # the typo of the issue
    with pytest.raises(PlanError, match="school_id"):
        run_report("school", tmp_path, "2025-26", "spring")
    with pytest.raises(PlanError, match="officer_id"):
        run_report("officer", tmp_path, "2025-26", "spring")
    with pytest.raises(PlanError, match="takes no school_id"):
        run_report("annual", tmp_path, "2025-26", school_id="0007")
    with pytest.raises(PlanError, match="semester"):
        run_report("school", tmp_path, "2025-26", school_id="0007")
    with pytest.raises(PlanError, match="unknown report"):
        run_report("schools", tmp_path, "2025-26", "spring", school_id="0007")


def test_run_report_names_the_schools_there_are(tmp_path):
    folder = write_folder(tmp_path / "data")
    with pytest.raises(PlanError, match=r"--school 9999: no participating school .* there are: 0010, 0020, 0040"):
        run_report("school", tmp_path / "out", "2025-26", "spring", data_dir=folder, school_id="9999")


def test_month_semesters():
    year = load_school_year("2025-26")
    assert month_semesters(year, "2026-03") == ["spring"]
    with pytest.raises(PlanError, match="YYYY-MM"):
        month_semesters(year, "03/2026")


@pytest.mark.parametrize(("args", "expected"), [
    pytest.param(["--school", "0007"], "--school picks a school report, made per semester: add --semester fall or "
                 "--semester spring", id="school-without-semester"),
    pytest.param(["--semester", "spring", "--report", "annual", "--school", "0007"],
                 "--school picks one school report; add --report school, or leave --report out",
                 id="school-with-another-report"),
    pytest.param(["--month", "2026-13"], "--month takes the form YYYY-MM, for example --month 2026-03",
                 id="bad-month"),
    pytest.param(["--month", "2026-01"], "school days in fall and spring of 2025-26; add --semester",
                 id="month-in-two-semesters"),
])
def test_entity_options_say_what_to_type(tmp_path, args, expected):
    folder = write_folder(tmp_path / "data")
    result = cli("run", "--data", str(folder), "--out", str(tmp_path / "out"), "--school-year", "2025-26", *args)
    assert result.exit_code == 2 and expected in words(result.output), result.output


# 4. Checks before the batch.

def test_missing_tables_stop_the_run_before_any_notebook(tmp_path):
    folder = write_folder(tmp_path / "data")
    for name in ("calls_for_service", "activities", "meetings"):
        (folder / f"{name}.csv").unlink()
    (folder / "mpd_calls_2026.csv").write_text(CITY_HEADER + "1,9/2/2025 8:05:00 AM,1017 N 12TH ST,3,TRBL W/JUV,Advised\n")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "sro_reporting.cli", "run", "--data", str(folder), "--out", str(out),
                             "--school-year", "2025-26", "--semester", "spring"],
                            capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode == 2, result.stderr
    lines = [x.strip() for x in result.stderr.splitlines()]
    missing = [x for x in lines if re.match(r"(calls_for_service|activities|meetings):", x)]
    assert len(missing) == 3, result.stderr  # one message per missing table, not per report
    calls = next(x for x in missing if x.startswith("calls_for_service"))
    assert "needed by semester, school, monthly" in calls
    assert "mpd_calls_2026.csv has the city's public call layout" in calls and "calls_for_service.csv" in calls
    assert "no report was started" in result.stderr
    assert not list(out.rglob("*.ipynb")) and "loading" not in result.stderr


def test_a_missing_column_is_caught_from_the_header(tmp_path):
    folder = write_folder(tmp_path / "data", enforcement="action_id,action_datetime\n")
    messages = checks.check_files(folder, ["annual"])
    assert messages == [("enforcement: enforcement.csv lacks required column(s) action_type, school_related "
                         "(found: action_id, action_datetime); needed by annual.")]


def test_a_call_file_by_another_name_is_named_in_a_hint(tmp_path):
    folder = write_folder(tmp_path / "data")
    (folder / "calls_for_service.csv").unlink()
    (folder / "CAD export 2026.xlsx").write_bytes(b"not really a workbook")
    assert "Is CAD export 2026.xlsx the call export? Name it calls_for_service.csv" in checks.call_download_hint(folder)


def test_validate_with_reports_checks_their_tables(tmp_path):
    folder = write_folder(tmp_path / "data")
    for name in ("officers", "training"):
        (folder / f"{name}.csv").unlink()
    assert cli("validate", "--data", str(folder)).exit_code == 0  # missing tables alone are warnings
    result = cli("validate", "--data", str(folder), "--report", "annual")
    assert result.exit_code == 0 and "Every table that annual need(s) is there." in result.output
    result = cli("validate", "--data", str(folder), "--report", "compliance", "--report", "annual")
    assert result.exit_code == 1
    assert "MISSING officers: no file officers.csv or officers.xlsx" in result.output and "needed by compliance." in result.output
    assert "2 table(s) missing for compliance, annual." in result.output


def test_the_public_layout_says_what_it_cannot_give(tmp_path):
    folder = write_folder(tmp_path / "data", calls_for_service=CITY_HEADER
                          + '253001234,9/2/2025 8:05:00 AM,"1017 N 12TH ST,MKE",3,TRBL W/JUV,Advised\n')
    limits = checks.data_limits(sro.load(folder), ["annual"])
    assert any("No call priorities" in x and "not recorded" in x for x in limits)
    assert any("no response times" in x for x in limits)
    assert any("enrollment" in x for x in limits)
    result = cli("validate", "--data", str(folder), "--report", "annual")
    assert "note: No call priorities in calls_for_service" in result.output


# 5. Messages that say what to type instead.

@pytest.mark.parametrize(("args", "expected"), [
    pytest.param(["--school-year", "2025/26"], "write the school year as YYYY-YY: --school-year 2025-26", id="slash"),
    pytest.param(["--school-year", "2025-2026"], "--school-year 2025-26", id="four-digits"),
    pytest.param(["--school-year", "2025"], "--school-year 2025-26", id="one-year"),
    pytest.param(["--school-year", "2025-26", "--semester", "--report", "annual"],
                 "--semester needs fall or spring before the next option (it read '--report' as the semester): "
                 "for example --semester spring --report annual", id="semester-without-value"),
    pytest.param(["--school-year", "2025-26", "--semester", "autumn"], "type --semester fall or --semester spring",
                 id="semester-unknown"),
    pytest.param(["--school-year", "2025-26", "--report", "anual"], "unknown report(s) anual; expected: annual",
                 id="report-typo"),
])
def test_messages_say_what_to_type(tmp_path, args, expected):
    folder = write_folder(tmp_path / "data")
    result = cli("run", "--data", str(folder), "--out", str(tmp_path / "out"), *args)
    assert result.exit_code == 2 and expected in words(result.output), result.output


def test_data_dictionary_outside_the_repository(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("data-dictionary")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "sro-report data-dictionary data-dictionary.md" in words(result.output)
    assert cli("data-dictionary", "dictionary.md").exit_code == 0 and (tmp_path / "dictionary.md").exists()
    assert "| column |" in cli("data-dictionary", "-").output or "calls_for_service" in cli("data-dictionary", "-").output


# 6. Progress and summary.

def test_the_bar_names_the_reports_being_made():
    stream = io.StringIO()
    bar_progress = progress.Progress(stream, tty=True)
    with bar_progress.reports(["annual-2025-26", "school-2025-26-spring-0007", "school-2025-26-spring-0014"], 2) as bar:
        assert bar.making() == ["annual-2025-26", "school-2025-26-spring-0007"]
        assert "making annual-2025-26, school-2025-26-spring-0007" in stream.getvalue()
        bar.done("annual-2025-26", "ok")
        assert "making school-2025-26-spring-0007, school-2025-26-spring-0014" in stream.getvalue()


def test_loading_ticks_on_a_terminal_and_logs_elsewhere(tmp_path):
    folder = write_folder(tmp_path / "data")
    stream = io.StringIO()
    with progress.Progress(stream, tty=True).loading(folder):
        import time
        time.sleep(0.7)
    assert re.search(r"loading .* \(\d+ files, [\d.]+ MB\): \d s", stream.getvalue())
    assert "done in" in stream.getvalue()
    stream = io.StringIO()
    with progress.Progress(stream, tty=False).loading(folder):
        pass
    assert stream.getvalue().startswith("loading ")


def test_summary_counts_made_unchanged_failed_and_says_where(tmp_path):
    outputs = [{"stem": "a", "status": "ok", "skipped": False, "error": None, "notebook": "a.ipynb"},
               {"stem": "b", "status": "ok", "skipped": True, "error": None, "notebook": "b.ipynb"},
               {"stem": "c", "status": "failed", "skipped": False, "notebook": "c.ipynb",
                "error": {"cell": 3, "ename": "KeyError", "evalue": "'x'"}}]
    text = progress.summary(outputs, {"errors": 1, "warnings": 2}, tmp_path, io.StringIO())
    assert "3 reports: 1 made, 1 unchanged, 1 failed." in text
    assert "FAILED c: KeyError: 'x' (cell 3; see internal/c.ipynb)" in text
    assert f"Outputs: {tmp_path.resolve()}" in text and "index.html" in text


# 7. The run's index.

class Page(HTMLParser):
    """Collect what an accessibility check looks at."""

    def __init__(self) -> None:
        super().__init__()
        self.tags, self.attrs, self.text, self._in = [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.append((tag, dict(attrs)))
        self._in.append(tag)

    def handle_endtag(self, tag):
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data):
        self.text.append((self._in[-1] if self._in else "", data))


def test_index_lists_reports_by_audience_with_links_and_the_failing_cell(tmp_path):
    internal = tmp_path / "internal"
    (internal / "tables" / "annual-2025-26").mkdir(parents=True)
    (internal / "tables" / "annual-2025-26" / "key_figures.csv").write_text("a\n1\n")
    for name in ("manifest.json", "data_quality.csv", "annual-2025-26.pdf", "annual-2025-26.html", "annual-2025-26.ipynb", "officer-2025-26-spring-004100.ipynb"):
        (internal / name).write_text("x")
    (tmp_path / "mps").mkdir()
    (tmp_path / "mps" / "annual-2025-26.pdf").write_text("x")
    manifest = {
        "package_version": "0.1.0", "finished": "2026-11-28T10:00:00-06:00",
        "parameters": {"school_year": "2025-26", "semester": "spring"},
        "data_quality": {"errors": 2, "warnings": 5},
        "limits": ["No call priorities in calls_for_service."],
        "outputs": [
            {"stem": "annual-2025-26", "report": "annual", "subject": "", "audience": "mps", "status": "ok",
             "skipped": True, "notebook": "annual-2025-26.ipynb", "parameters": {"school_year": "2025-26"}},
            {"stem": "officer-2025-26-spring-004100", "report": "officer", "subject": "Officer 004100",
             "audience": "mpd_internal", "status": "failed", "skipped": False,
             "notebook": "officer-2025-26-spring-004100.ipynb",
             "parameters": {"school_year": "2025-26", "semester": "spring", "officer_id": "004100"},
             "error": {"cell": 2, "ename": "MissingInputError", "evalue": "report 'officer' needs table(s) shifts"}},
        ]}
    path = index.write(tmp_path, manifest)
    page = Page()
    page.feed(path.read_text())
    html_attrs = dict(page.attrs)["html"]
    assert html_attrs["lang"] == "en" and "title" in page.tags and "h1" in page.tags
    assert page.tags.count("caption") == 2 and page.tags.count("table") == 2
    assert all(a.get("scope") in ("col", "row") for t, a in page.attrs if t == "th")
    headings = [d.strip() for t, d in page.text if t in ("h1", "h2", "h3") and d.strip()]
    assert headings[:2] == ["SRO program reports, Spring semester 2025-26", "Summary"]
    assert "For Milwaukee Public Schools" in headings and "MPD internal" in headings
    assert headings.index("Failed reports") < headings.index("For Milwaukee Public Schools")
    links = [a["href"] for t, a in page.attrs if t == "a"]
    for href in ("internal/annual-2025-26.pdf", "internal/annual-2025-26.html", "internal/tables/annual-2025-26/",
                 "mps/annual-2025-26.pdf", "internal/officer-2025-26-spring-004100.ipynb", "internal/manifest.json",
                 "internal/data_quality.csv"):
        assert href in links, href
    for href in links:
        assert href.startswith("#") or (tmp_path / href).exists() or href == "mps/", href
    text = " ".join(d for _, d in page.text)
    assert "Cell 2: MissingInputError: report 'officer' needs table(s) shifts" in text
    assert "Unchanged" in text and "School year 2025-26" in text and "November 28, 2026 at 10:00" in text
    assert "No call priorities in calls_for_service." in text


# 8. The notebook display.

def test_dataset_shows_a_short_summary(tmp_path):
    folder = write_folder(tmp_path / "data")
    (folder / "training.csv").unlink()
    data = sro.load(folder)
    text = repr(data)
    assert text.startswith("DataSet from ") and len(text.splitlines()) <= len(data.tables) + 3
    assert re.search(r"schools\s+4\s+schools.csv", text) and "training" in text and "file missing" in text
    assert re.search(r"Problems: \d+ errors, \d+ warnings, \d+ infos", text)
    markup = data._repr_html_()
    assert "<caption>Tables</caption>" in markup and "<th scope='col'>Rows</th>" in markup
    assert "<td style='white-space:normal'>file missing; reports that need it fail</td>" in markup


# 10. Reproducible installs.

def test_environment_yml_is_in_step_with_the_lock():
    result = subprocess.run([sys.executable, str(ROOT / "requirements" / "environment.py"), "--check"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    text = (ROOT / "environment.yml").read_text()
    assert "conda-forge" in text and "- pango" in text and "- weasyprint=" in text and "-r requirements/lock.txt" in text


def test_the_lock_pins_every_package_with_hashes_and_make_installs_from_it():
    lock = (ROOT / "requirements" / "lock.txt").read_text()
    entries = re.split(r"\n(?=[A-Za-z])", lock.split("\n", 2)[2].strip())
    assert len(entries) > 50
    for entry in entries:
        assert re.match(r"[A-Za-z0-9_.-]+==\S+", entry) and "--hash=sha256:" in entry, entry[:80]
    for name in SHAPING:
        assert re.search(rf"^{name}==", lock, re.MULTILINE | re.IGNORECASE), name
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes -r $(LOCK)" in makefile and "\nlock:" in makefile


def test_the_installed_versions_are_the_locked_ones():
    locked = dict(re.findall(r"^([A-Za-z0-9_.-]+)==([^\s;\\]+)", (ROOT / "requirements" / "lock.txt").read_text(),
                             re.MULTILINE))
    installed = library_versions()
    for name in SHAPING:
        assert installed[name] == locked[name], name
    assert installed["python"].startswith(f"{sys.version_info.major}.{sys.version_info.minor}")


def test_the_index_period_labels():
    assert index.period_label({"school_year": "2025-26", "semester": "fall"}) == "Fall semester 2025-26"


def test_workspace_env_is_documented():
    readme = (ROOT / "README.md").read_text()
    assert "SRO_WORKSPACE" in readme and "sro-report workspace" in readme
    assert os.environ.get("SRO_CACHE")  # conftest keeps snapshots apart


def test_readme_states_the_set_up_per_platform():
    readme = (ROOT / "README.md").read_text()
    setup = readme[readme.index("## Set-up"):readme.index("## The command line")]
    for words_ in ("Pango", "Linux", "macOS", "Windows", "conda env create -f environment.yml",
                   "pip install --require-hashes -r requirements/lock.txt", "make lock", "not run here"):
        assert words_ in setup, words_
