"""The stages' layering (pyproject.toml's import-linter contracts) holds, and an import that climbs back up breaks it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint(project: Path) -> subprocess.CompletedProcess[str]:
    """Run the contracts of `project`'s pyproject.toml on its own copy of the package, in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(project)}
    return subprocess.run([LINT_IMPORTS, "--no-cache"], cwd=project, env=env, capture_output=True, text=True)


def test_the_layers_hold() -> None:
    """Every contract is kept by the tree as it is."""
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


CLIMBS = "no stage imports one above it"


@pytest.mark.parametrize(("module", "planted", "broken", "named"), [
    pytest.param("measures/calls.py", "from sro_reporting.rendering import charts", CLIMBS,
                 "sro_reporting.measures.calls -> sro_reporting.rendering.charts", id="a-measure-imports-rendering"),
    pytest.param("reading/readers.py", "from sro_reporting.measures import summary", CLIMBS,
                 "sro_reporting.reading.readers -> sro_reporting.measures.summary", id="reading-imports-a-measure"),
    pytest.param("paths.py", "from sro_reporting.running import plan", CLIMBS,
                 "sro_reporting.paths -> sro_reporting.running.plan", id="plumbing-imports-running"),
    pytest.param("measures/annual.py", "from sro_reporting.measures import population", "No import cycles",
                 ".population -> .annual", id="a-cycle-between-two-measures"),
])
def test_an_import_that_climbs_back_up_breaks_a_contract(tmp_path: Path, module: str, planted: str, broken: str,
                                                         named: str) -> None:
    """The contracts fail on a copy of the package with one planted import (the tree is never touched)."""
    shutil.copytree(ROOT / "sro_reporting", tmp_path / "sro_reporting", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with open(tmp_path / "sro_reporting" / module, "a", encoding="utf-8") as file:
        file.write(f"\n{planted}  # planted by the test\n")
    result = lint(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{broken}" in result.stdout and "BROKEN" in result.stdout
    assert named in result.stdout


def test_the_public_names_from_before_the_layout_still_import() -> None:
    """`sro.load`, the measures by their old names and `sro_reporting.privacy.suppress_counts` (the data contract)."""
    import sro_reporting as sro
    import sro_reporting.calls
    from sro_reporting import summary
    from sro_reporting.disclosure import privacy
    from sro_reporting.measures import calls
    from sro_reporting.privacy import suppress_counts

    assert sro_reporting.calls is calls and sro.calls is calls
    assert summary is sro.summary and summary.__name__ == "sro_reporting.measures.summary"
    assert suppress_counts is privacy.suppress_counts and sro.privacy is privacy
    assert callable(sro.load)
