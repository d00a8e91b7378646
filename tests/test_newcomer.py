"""The analyst's week without traps (issue 27) and runs that own their workspace and processes (issue 23,
items 7 and 8): each point a small case, no kernel started unless the point is about kernels."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from conftest import write_folder
from typer.testing import CliRunner

import sro_reporting as sro
from sro_reporting import paths
from sro_reporting.cli import app
from sro_reporting.errors import RunError
from sro_reporting.params import load_school_year
from sro_reporting.periods import month_rows
from sro_reporting.reading import lookup
from sro_reporting.rendering.parameters import MODELS, ParameterError, check
from sro_reporting.running import processes, progress
from sro_reporting.running.batch import run_batch
from sro_reporting.running.lock import HOLDER, hold
from sro_reporting.running.plan import KINDS, Job, PlanError, select
from sro_reporting.running.processes import usable_cores
from sro_reporting.running.worker import WARM_UP_CODE

ROOT = Path(__file__).resolve().parents[1]


# 27.9 Platforms: every module imports where the POSIX-only modules and flags are absent (Windows).

POSIX_ONLY = ("fcntl", "termios", "tty", "pty", "resource", "pwd", "grp", "posix", "syslog")
WINDOWS_LACKS = ("O_NOFOLLOW", "O_DIRECTORY", "O_CLOEXEC", "pread", "pwrite", "nice", "getppid_", "killpg",
                 "setpgrp", "geteuid", "fork")
IMPORT_ALL = f"""
import importlib, os, pkgutil, sys
import sro_reporting
third = ("pandas", "pyarrow", "pyarrow.ipc", "numpy", "matplotlib.pyplot", "papermill", "nbconvert", "nbformat",
         "nbclient", "jupyter_client", "ipykernel", "weasyprint", "typer", "tqdm", "pydantic", "yaml", "scipy",
         "pandera.pandas", "highspy", "pikepdf", "filelock", "psutil", "traitlets", "zmq", "openpyxl",
         "python_calamine")
for name in third:  # the libraries have their own Windows code paths; what is tested here is this package's
    importlib.import_module(name)
for name in {POSIX_ONLY!r}:
    if name != "posix":
        sys.modules[name] = None  # `import fcntl` now raises ImportError, as on Windows
for name in {WINDOWS_LACKS!r}:
    if hasattr(os, name):
        delattr(os, name)
names = [m.name for m in pkgutil.walk_packages(sro_reporting.__path__, "sro_reporting.")]
for name in names:
    importlib.import_module(name)
print(len(names))
"""


def test_every_module_imports_without_posix_only_modules():
    result = subprocess.run([sys.executable, "-c", IMPORT_ALL], capture_output=True, text=True, check=False,
                            timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    assert int(result.stdout) > 40


def test_no_module_of_the_package_names_fcntl():
    assert not [p for p in (ROOT / "sro_reporting").rglob("*.py") if "fcntl" in p.read_text()]


# 23.7 One workspace, stated: never found by walking up.

def planted_parent(tmp_path: Path) -> Path:
    """A parent folder with a planted compliance notebook and a 2025-26 parameter file of min_cell 1."""
    (tmp_path / "notebooks").mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("open('PWNED', 'w').write('x')")])
    nbformat.write(nb, tmp_path / "notebooks" / "compliance.ipynb")
    (tmp_path / "params").mkdir()
    text = (ROOT / "params" / "2025-26.yaml").read_text().replace("min_cell: 10", "min_cell: 1")
    (tmp_path / "params" / "2025-26.yaml").write_text(text)
    below = tmp_path / "a" / "b"
    below.mkdir(parents=True)
    return below


def test_a_planted_parent_folder_is_not_the_workspace(tmp_path, monkeypatch):
    below = planted_parent(tmp_path)
    monkeypatch.delenv("SRO_WORKSPACE", raising=False)
    monkeypatch.delenv("SRO_PROJECT", raising=False)
    monkeypatch.chdir(below)
    assert paths.workspace() == ROOT
    assert paths.notebooks_dir() == ROOT / "notebooks" and paths.params_dir() == ROOT / "params"
    assert load_school_year("2025-26").min_cell == 10


def test_the_workspace_is_given_by_option_or_variable_and_printed(tmp_path, monkeypatch):
    below = planted_parent(tmp_path)
    monkeypatch.setenv("SRO_WORKSPACE", "")  # blank is unset; the option's setting is undone after the test
    monkeypatch.delenv("SRO_PROJECT", raising=False)
    monkeypatch.chdir(below)
    result = CliRunner().invoke(app, ["--workspace", str(tmp_path), "workspace"])
    assert result.exit_code == 0 and f"workspace:        {tmp_path.resolve()}  ($SRO_WORKSPACE)" in result.output
    monkeypatch.setenv("SRO_WORKSPACE", "")
    result = CliRunner().invoke(app, ["--workspace", str(tmp_path / "nowhere"), "workspace"])
    assert result.exit_code == 2 and "no such folder" in result.output
    folder = write_folder(tmp_path / "data")
    (folder / "calls_for_service.csv").unlink()  # the run starts, says its workspace, and stops at the checks
    result = CliRunner().invoke(app, ["run", "--data", str(folder), "--out", str(tmp_path / "out"),
                                      "--school-year", "2025-26"])
    assert result.exit_code == 2
    assert result.output.startswith(f"workspace: {ROOT} (the checkout the package was installed from)\n")


# 23.8 Processes end with their run.

@pytest.mark.parametrize("jobs", [pytest.param("0", id="zero"), pytest.param("-5", id="negative"),
                                  pytest.param("10000", id="more-than-cores")])
def test_jobs_beyond_the_cores_are_refused(tmp_path, jobs):
    result = CliRunner().invoke(app, ["run", "--data", str(tmp_path), "--out", str(tmp_path / "out"),
                                      "--school-year", "2025-26", "--jobs", jobs])
    assert result.exit_code == 2 and f"--jobs takes 1 to {usable_cores()} (the cores of this machine)" in \
        " ".join(result.output.split()), result.output
    with pytest.raises(RunError, match="--jobs takes 1 to"):
        run_batch(tmp_path, tmp_path / "out", "2025-26", None, None, int(jobs))


def test_a_run_ends_what_a_killed_run_left(tmp_path):
    mark = "deadbeef00112233"
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"],
                               env={**os.environ, processes.RUN_ENV: mark})
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"],
                             env={**os.environ, processes.RUN_ENV: "another-run"})
    try:
        dead = {"pid": 2**22 + 1, "created": 0.0, "host": socket.gethostname(), "started": "x", "run": mark}
        (tmp_path / HOLDER).write_text(json.dumps(dead))
        with hold(tmp_path):
            pass
        assert sleeper.wait(timeout=5) is not None  # ended by the run that took the folder over
        assert other.poll() is None  # another run's process is not this one's to end
    finally:
        for process in (sleeper, other):
            process.kill()
            process.wait()


def test_workers_and_kernels_die_with_a_killed_run(tmp_path):
    from sro_reporting.demo import generator as demo

    demo.write(tmp_path / "data")
    run = subprocess.Popen([sys.executable, "-m", "sro_reporting.cli", "run", "--data", str(tmp_path / "data"), "--out",
                            str(tmp_path / "out"), "--school-year", "2025-26", "--report", "compliance",
                            "--jobs", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    parent = psutil.Process(run.pid)
    started = time.monotonic()
    family: list[psutil.Process] = []
    while time.monotonic() - started < 120:
        family = parent.children(recursive=True)
        if sum("ipykernel" in " ".join(p.cmdline()) for p in family if p.is_running()) >= 1:
            break
        time.sleep(0.2)
    assert family, "the run started no worker"
    run.kill()
    run.wait()
    time.sleep(5)
    left = [p for p in family if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not left, [" ".join(p.cmdline())[:80] for p in left]


# 27.2 Notebook parameters typed and checked; the exporters refuse a failed notebook.

def parameter_cell(kind: str) -> dict:
    """Return the names and values of a report notebook's parameters cell."""
    nb = nbformat.read(ROOT / "notebooks" / f"{kind}.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    found: dict = {}
    exec(cell.source, {}, found)  # noqa: S102 - the project's own notebook
    return found


@pytest.mark.parametrize("kind", list(MODELS))
def test_each_notebook_checks_exactly_its_parameters(kind):
    assert set(parameter_cell(kind)) == set(MODELS[kind].model_fields)
    source = "".join(c.source for c in nbformat.read(ROOT / "notebooks" / f"{kind}.ipynb", as_version=4).cells)
    assert f'globals().update(parameters.check("{kind}", globals()))' in source


def test_papermill_numbers_stay_text_and_find_the_school(tmp_path):
    from papermill.cli import _resolve_type

    folder = write_folder(tmp_path / "data")
    given = {**parameter_cell("school"), "data_dir": str(folder), "school_id": _resolve_type("0010")}
    assert given["school_id"] == 10  # what papermill makes of -p school_id 0010
    assert check("school", given)["school_id"] == "0010"
    assert check("school", {**given, "school_id": "alpha high"})["school_id"] == "0010"
    assert check("officer", {**parameter_cell("officer"), "officer_id": 4100, "snapshot": "v"})["officer_id"] == "4100"


@pytest.mark.parametrize(("change", "message"), [
    pytest.param({"shool_id": "0010"}, "the school notebook has no parameter 'shool_id'; did you mean school_id?",
                 id="misspelt-name"),
    pytest.param({"semester": "autumn"}, "parameter semester = 'autumn': Input should be 'fall' or 'spring'",
                 id="wrong-value"),
    pytest.param({"school_id": "Alpah Hihg"}, "parameter school_id: no school with the ID or name 'Alpah Hihg'; "
                 "did you mean Alpha High (0010)", id="mistyped-school"),
])
def test_a_wrong_parameter_stops_with_one_line_naming_it(tmp_path, change, message):
    given = {**parameter_cell("school"), "data_dir": str(write_folder(tmp_path / "data")), **change}
    with pytest.raises(ParameterError) as caught:
        check("school", given)
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


def nbconvert(tmp_path: Path, nb, to: str) -> subprocess.CompletedProcess:
    nbformat.write(nb, tmp_path / "made.ipynb")
    return subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", to, str(tmp_path / "made.ipynb")],
                          capture_output=True, text=True, check=False, timeout=120, cwd=tmp_path)


def small_notebook(error: bool = False):
    cell = nbformat.v4.new_code_cell("1 / 0" if error else "print('ok')")
    cell.outputs = [nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="division by zero",
                                           traceback=[])] if error else [
        nbformat.v4.new_output("stream", name="stdout", text="ok\n")]
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb.metadata["language_info"] = {"name": "python"}
    return nb


@pytest.mark.parametrize("to", ["sro_pdf", "sro_html"])
def test_the_exporters_refuse_a_failed_notebook_in_one_line(tmp_path, to):
    result = nbconvert(tmp_path, small_notebook(error=True), to)
    assert result.returncode != 0 and sorted(p.name for p in tmp_path.iterdir()) == ["made.ipynb"]
    assert "the notebook failed (cell 0: ZeroDivisionError: division by zero)" in result.stderr
    assert "Traceback" not in result.stderr


def test_sro_html_names_its_file_html(tmp_path):
    result = nbconvert(tmp_path, small_notebook(), "sro_html")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "made.html").is_file() and not (tmp_path / "made").exists()


# 27.3 --school and --officer take an ID or a name, and answer before the data are loaded.

@pytest.mark.parametrize(("typed", "expected"), [
    pytest.param("0010", "0010", id="id"), pytest.param("10", "0010", id="no-leading-zeros"),
    pytest.param("000010", "0010", id="more-leading-zeros"), pytest.param("DELTA high", "0040", id="name-any-case"),
])
def test_a_school_is_found_by_id_or_name(tmp_path, typed, expected):
    assert lookup.find(write_folder(tmp_path / "data"), "school", typed) == expected


@pytest.mark.parametrize(("args", "message"), [
    pytest.param(["--school", "Alfa Hig"], "--school no school with the ID or name 'Alfa Hig'; did you mean "
                 "Alpha High (0010)", id="typo"),
    pytest.param(["--school", "Beta"], "did you mean Beta K-8 (0020)", id="part-of-a-name"),
    pytest.param(["--officer", "Sgt Smiht"], "--officer no officer with the ID or name 'Sgt Smiht'; did you mean "
                 "Sgt Smith (004100)", id="officer-typo"),
])
def test_a_name_not_found_suggests_the_closest_before_loading(tmp_path, args, message):
    folder = write_folder(tmp_path / "data", officers="officer_id,display_name,unit\n004100,Sgt Smith,SRO\n"
                          "004200,Ofc Jones,SRO\n")
    (folder / "calls_for_service.csv").write_text("not, a, table, anyone, reads\n" * 10)
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "sro_reporting.cli", "run", "--data", str(folder), "--out",
                             str(tmp_path / "out"), "--school-year", "2025-26", "--semester", "spring", *args],
                            capture_output=True, text=True, check=False, timeout=60, cwd=ROOT)
    assert result.returncode == 2 and message in " ".join(result.stderr.split()), result.stderr
    assert "loading" not in result.stderr and time.perf_counter() - started < 5


# 27.5 Messages that lead: where the data end, no empty month listed as whole, how to add a year.

def test_a_month_past_the_data_says_where_they_end():
    year = load_school_year("2025-26")
    jobs = [Job(KINDS["monthly"], f"monthly-{m}", entity=m) for m in ("2026-02", "2026-03")]
    with pytest.raises(PlanError, match=r"--month 2026-04: the data end on March 15, 2026; the last month with data "
                                        r"is 2026-03"):
        select(jobs, {"month": ["2026-04"]}, year, "spring", dt.date(2026, 3, 15))


def test_no_month_after_the_data_is_listed_as_whole():
    span = load_school_year("2025-26").semesters["spring"]
    rows = month_rows(span, dt.date(2026, 3, 15))
    assert rows["month"].iloc[-1] == "2026-03" and rows["covered"].iloc[-1] == "partial: Mar 1-15"
    assert not ((rows["days"] == 0) | (rows["covered"].str.contains("whole") & (rows["month"] > "2026-03"))).any()


def test_a_missing_year_says_how_to_add_it_and_new_year_adds_it(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match=r"`sro-report new-year 2031-32`"):
        load_school_year("2031-32")
    params = tmp_path / "params"
    params.mkdir()
    (params / "2026-27.yaml").write_text((ROOT / "params" / "2026-27.yaml").read_text())
    monkeypatch.setenv("SRO_WORKSPACE", str(tmp_path))
    result = CliRunner().invoke(app, ["new-year", "2027-28"])
    assert result.exit_code == 0 and "set its semesters and days off" in result.output, result.output
    made = load_school_year("2027-28")
    assert made.semesters["fall"].start == dt.date(2027, 9, 1) and made.min_cell == 10
    assert made.mou == load_school_year("2026-27").mou  # the MOU is a signed document: it stays
    again = CliRunner().invoke(app, ["new-year", "2027-28"])
    assert again.exit_code == 2 and "is there already" in again.output


# 27.6 Progress that works anywhere: plain lines with elapsed time, and a time left from measured times.

def test_plain_logs_give_each_report_its_time_the_elapsed_and_what_is_left():
    stream = io.StringIO()
    stems = ["school-2025-26-spring-0007", "school-2025-26-spring-0014", "school-2025-26-spring-0021"]
    with progress.Progress(stream, tty=False).reports(stems, 1) as bar:
        assert bar.left() is None  # nothing measured yet: no guess
        bar.done(stems[0], "ok", 10.0)
        bar.done(stems[1], "ok", 20.0)
    lines = stream.getvalue().splitlines()
    assert re.fullmatch(r"\[1/3\] school-2025-26-spring-0007: ok in 10\.0 s; 0:\d\d elapsed, about 0:20 left",
                        lines[0]), lines
    assert re.fullmatch(r"\[2/3\] school-2025-26-spring-0014: ok in 20\.0 s; 0:\d\d elapsed, about 0:15 left",
                        lines[1]), lines


@pytest.mark.parametrize(("expected", "workers", "left"), [
    pytest.param({"annual-2025-26": 120, "school-2025-26-spring-0007": 12}, 2, 66, id="last-run-times-two-workers"),
    pytest.param({"annual-2025-26": 120}, 1, None, id="a-kind-not-yet-timed"),
])
def test_the_time_left_is_the_measured_work_shared_by_the_workers(expected, workers, left):
    bar = progress.Progress(io.StringIO(), tty=False).reports(["annual-2025-26", "school-2025-26-spring-0007"],
                                                              workers, expected)
    assert bar.left() == left


def test_a_terminal_bar_shows_no_guess_of_its_own():
    stream = io.StringIO()
    stems = ["annual-2025-26", "school-2025-26-spring-0007"]
    with progress.Progress(stream, tty=True).reports(stems, 2, {"annual-2025-26": 90, stems[1]: 10}) as bar:
        bar.done(stems[1], "ok", 10.0)
    text = stream.getvalue()
    assert "about 1:30 left" in text and "<" not in text.split("about")[0].split("|")[-1]


# 27.4 A library surface you can see, imported lazily; rows after the schools say what they are.

MEASURES = ("annual", "calls", "call_times", "enforcement", "activity", "people", "force", "staffing", "disparity",
            "summary", "compliance")


def test_the_package_lists_its_surface_with_a_line_each_and_imports_nothing_heavy():
    code = ("import sys, sro_reporting as sro\nnames = dir(sro)\nlines = sro.contents()\n"
            "print('pandas' in sys.modules, sorted(names) == names)\n"
            "print(all(lines[n] for n in names if n in sro.SURFACE), len(lines))\n"
            "print(sro.periods.__name__, sro.population.by_place.__name__, sro.charts.__name__)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    first, second, third = result.stdout.split("\n")[:3]
    assert first == "False True"  # `dir` and `contents` import nothing: a command starts before pandas
    assert second.startswith("True ")
    assert third == "sro_reporting.periods by_place sro_reporting.rendering.charts"
    for name in ("load", "DataSet", "load_school_year", "run_report", "periods", "population", "charts", *MEASURES):
        assert name in dir(sro), name


def test_merging_two_school_tables_by_school_id_is_safe_with_row(tmp_path):
    folder = write_folder(tmp_path / "data")
    data, span = sro.load(folder), load_school_year("2025-26").year_span
    places = sro.population.by_place(data, span)
    actions = sro.enforcement.by_school(data.enforcement, data.schools, span)
    assert places["row"].tolist() == ["school"] * 3 + ["elsewhere"] * 3 + ["total"]
    merged = places[places["row"] == "school"].merge(actions[actions["row"] == "school"], on="school_id")
    assert len(merged) == 3
    assert len(places.merge(actions, on=["school_id", "school_name", "row"])) == len(places)


def test_the_data_dictionary_documents_the_library():
    text = (ROOT / "docs" / "data-dictionary.md").read_text()
    section = text[text.index("## The library"):]
    for name in ("load", "periods", "population", "charts", *MEASURES):
        assert f"| `sro.{name}` |" in section, name
    assert "`by_place`" in section and 'row == "school"' in section


# 27.8 Seaborn for analysts, matplotlib alone in the reports.

def test_report_kernels_import_no_seaborn():
    report_imports = "\n".join(
        line for kind in MODELS for cell in nbformat.read(ROOT / "notebooks" / f"{kind}.ipynb", as_version=4).cells
        for line in cell.source.splitlines() if line.startswith(("import sro_reporting", "from sro_reporting")))
    code = (f"{WARM_UP_CODE}\n{report_imports}\nimport sro_reporting.rendering.render, sro_reporting.running.kernels\n"
            "import sys\nprint('seaborn' in sys.modules, 'scipy.stats' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "False"


def test_explore_uses_seaborn_with_the_house_theme_and_age_bands_show_citations_only():
    source = "\n".join(c.source for c in nbformat.read(ROOT / "notebooks" / "explore.ipynb", as_version=4).cells)
    assert "import seaborn as sns" in source and "sro.charts.explore_theme()" in source
    assert "sns.displot(" in source and "hue=" in source and 'col="school"' in source
    assert 'by_age[["citation"]]' in source


def test_the_explore_theme_is_the_house_style():
    import matplotlib as mpl

    with mpl.rc_context():
        sro.charts.explore_theme()
        assert mpl.rcParams["axes.prop_cycle"].by_key()["color"][:3] == sro.charts.PALETTE[:3]
        assert mpl.rcParams["svg.hashsalt"] == "sro-reporting"


# 27.1 and 27.7 The README: three commands from a clone to one school's packet, every claim checked.

README = (ROOT / "README.md").read_text()


def section(title: str) -> str:
    start = README.index(f"## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end if end != -1 else None]


def code_blocks(text: str, language: str = "sh") -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, re.DOTALL)


def quick_start() -> list[str]:
    return [line for line in code_blocks(section("Quick start"))[0].splitlines() if line.strip()]


def test_the_quick_start_is_three_commands_and_the_first_two_put_sro_report_on_the_path():
    first, second, third = quick_start()
    assert first == "make report" and second == ". .venv/bin/activate" and third.startswith("sro-report run ")
    assert subprocess.run(["make", "-n", "report"], cwd=ROOT, capture_output=True, check=False).returncode == 0
    found = subprocess.run(["bash", "-c", f"{second} && command -v sro-report papermill jupyter"], cwd=ROOT,
                           capture_output=True, text=True, check=False)
    assert found.stdout.split() == [str(ROOT / ".venv" / "bin" / name) for name in ("sro-report", "papermill",
                                                                                        "jupyter")], found.stderr


def documented_commands() -> list[list[str]]:
    text = section("Everyday commands") + section("Quick start")
    found = [shlex.split(c) for c in re.findall(r"`(sro-report [^`]*)`", text)]
    found += [shlex.split(line) for block in code_blocks(section("Quick start")) for line in block.splitlines()
              if line.startswith("sro-report")]
    return found


@pytest.mark.parametrize("words", documented_commands(), ids=lambda w: " ".join(w[1:3]))
def test_every_documented_command_parses(words):
    """Each command and option is there: an unknown one fails the parse before `--help` is acted on."""
    result = CliRunner().invoke(app, [w for w in words[1:] if w != "..."] + ["--help"])
    assert result.exit_code == 0, result.output


@pytest.mark.slow
def test_the_third_command_re_makes_one_school_as_written(tmp_path):
    from sro_reporting.demo import generator as demo

    demo.write(tmp_path / "data" / "demo")
    result = subprocess.run(["bash", "-c", f". {ROOT}/.venv/bin/activate && {quick_start()[2]}"], cwd=tmp_path,
                            capture_output=True, text=True, check=False, timeout=600)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "outputs" / "demo" / "internal" / "school-2025-26-spring-0007.pdf").is_file()
    assert "1 report: 1 made" in result.stderr


@pytest.mark.slow
def test_the_papermill_and_nbconvert_commands_work_as_written(tmp_path):
    (tmp_path / "notebooks").symlink_to(ROOT / "notebooks")
    for line in code_blocks(section("Notebooks and the library"))[0].splitlines():
        command = line.split("#")[0].strip()
        result = subprocess.run(["bash", "-c", f". {ROOT}/.venv/bin/activate && {command}"], cwd=tmp_path,
                                capture_output=True, text=True, check=False, timeout=600)
        assert result.returncode == 0, (command, result.stderr[-2000:])
    assert (tmp_path / "school.pdf").is_file()


def test_the_readme_names_every_module_and_is_short():
    layout = section("Layout")
    missing = [p.relative_to(ROOT / "sro_reporting").as_posix() for p in (ROOT / "sro_reporting").rglob("*.py")
               if p.name != "__init__.py" and f"`{p.name}`" not in layout]
    assert not missing
    assert len(README) < 16_000 and "## Speed" not in README
    assert "benchmarks/annual_scale.py" in (ROOT / "docs" / "performance.md").read_text()


@pytest.mark.slow
def test_the_release_holds_what_the_readme_says(demo_run):
    out, district, schools = demo_run
    assert district.returncode == 0 and schools.returncode == 0, district.stderr + schools.stderr
    kinds = {p.suffix for p in (out / "mps").rglob("*") if p.is_file()}
    assert kinds == {".pdf", ".html", ".csv", ".json"}
    said = section("The release: what goes to MPS")
    assert "as PDF and as HTML, their CSV tables" in said and "`manifest.json`" in said
    assert (out / "mps" / "data_quality_summary.csv").is_file() and (out / "mps" / "tables").is_dir()
