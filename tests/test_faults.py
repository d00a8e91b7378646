"""Fault injection in the batch: a dying kernel, an unwritable folder; and determinism."""

import json
import os
import shutil
import subprocess
import sys

import nbformat
import pytest

from sro_reporting.demo import generator as demo
from sro_reporting.paths import project_root

pytestmark = pytest.mark.slow


def run(data, out, *args, env=None):
    return subprocess.run([sys.executable, "-m", "sro_reporting.cli", "run", "--data", str(data), "--out", str(out),
                           "--school-year", "2025-26", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, check=False)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("data")
    demo.write(folder)
    return folder


def test_a_dying_kernel_fails_its_report_and_the_next_gets_a_new_kernel(tmp_path, data):
    project = tmp_path / "project"
    shutil.copytree(project_root() / "params", project / "params")
    shutil.copytree(project_root() / "notebooks", project / "notebooks")
    (project / "pyproject.toml").write_text("")
    dying = nbformat.read(project / "notebooks" / "annual.ipynb", as_version=4)
    dying.cells.insert(2, nbformat.v4.new_code_cell("import os\nos._exit(1)"))
    nbformat.write(dying, project / "notebooks" / "annual.ipynb")
    out = tmp_path / "out"
    result = run(data, out, "--report", "annual", "--report", "compliance", "--jobs", "1",
                 env={"SRO_PROJECT": str(project)})
    assert result.returncode == 1, result.stderr
    outputs = {o["stem"]: o for o in json.loads((out / "internal" / "manifest.json").read_text())["outputs"]}
    assert outputs["annual-2025-26"]["status"] == "failed"
    assert "DeadKernel" in outputs["annual-2025-26"]["error"]["ename"] or "died" in outputs["annual-2025-26"]["error"]["evalue"]
    assert outputs["compliance-2025-26"]["status"] == "ok" and outputs["compliance-2025-26-mps"]["status"] == "ok"
    assert not (out / "internal" / "annual-2025-26.pdf").exists()


def test_an_unwritable_output_folder_is_a_clear_error(tmp_path, data):
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = run(data, blocker / "out", "--report", "annual")
    assert result.returncode == 2 and "cannot be written" in result.stderr


def test_two_runs_give_identical_tables_and_manifests(tmp_path, data):
    outs = [tmp_path / "a" / "internal", tmp_path / "b" / "internal"]
    for out in outs:
        assert run(data, out.parent, "--report", "annual", "--report", "compliance").returncode == 0
    tables = [sorted(p.relative_to(o / "tables") for p in (o / "tables").rglob("*.csv")) for o in outs]
    assert tables[0] == tables[1] and tables[0]
    for rel in tables[0]:
        assert (outs[0] / "tables" / rel).read_bytes() == (outs[1] / "tables" / rel).read_bytes(), rel
    assert (outs[0] / "data_quality.csv").read_bytes() == (outs[1] / "data_quality.csv").read_bytes()

    def stable(out):
        manifest = json.loads((out / "manifest.json").read_text())
        for key in ("started", "finished"):
            manifest.pop(key)
        manifest["parameters"].pop("out_dir")
        for o in manifest["outputs"]:
            o.pop("seconds")
            o["parameters"].pop("out_dir")
            o.pop("key")
            o["files"] = {path: sha for path, sha in o["files"].items() if path.startswith("tables/")}
        # The second run reads the plan the first kept, and the ledger the first run's release went into.
        for key in ("plan", "ledger_entry"):
            manifest["release"].pop(key)
        return manifest
    assert stable(outs[0]) == stable(outs[1])
