"""The analyst's week without traps (issue 27) and runs that own their workspace and processes (issue 23,
items 7 and 8): each point a small case, no kernel started unless the point is about kernels."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
from typer.testing import CliRunner

from sro_reporting import paths
from sro_reporting.cli import app
from sro_reporting.params import load_school_year

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
         "pandera.pandas", "highspy", "pikepdf", "filelock", "traitlets", "zmq", "openpyxl", "python_calamine")
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
    result = CliRunner().invoke(app, ["run", "--data", str(tmp_path / "nodata"), "--out", str(tmp_path / "out"),
                                      "--school-year", "2025-26"])
    assert result.output.startswith(f"workspace: {ROOT} (the checkout the package was installed from)")
