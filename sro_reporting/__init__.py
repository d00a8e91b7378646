"""sro-reporting: the Milwaukee Police Department's School Resource Officer program reports.

Start with `data = sro.load()` (the demo data; `sro.load("path/to/exports")` for real ones) and a
school year, `year = sro.load_school_year("2025-26")`; a period is `year.semesters["spring"]` or
`year.year_span`. Then, each a module with a line of its own in `sro.contents()`:

- periods, population, params: what a period is, which schools it lists, what every count covers;
- the measures: annual, calls, call_times, enforcement, activity, people, force, staffing,
  disparity, summary, compliance;
- charts: the house charts (seaborn's theme for exploring: `sro.charts.explore_theme()`);
- run_report: make one report as the batch does.

Everything is imported at first use, so `sro-report` starts before pandas is imported.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import TYPE_CHECKING

__version__ = "0.1.0"

# What `import sro_reporting as sro` shows: a name, and the module that holds it (a module's own name for a module).
SURFACE = {
    "load": "sro_reporting.reading.dataset", "DataSet": "sro_reporting.reading.dataset",
    "load_school_year": "sro_reporting.params", "run_report": "sro_reporting.running.batch",
    "periods": "sro_reporting.periods", "population": "sro_reporting.population", "params": "sro_reporting.params",
    "annual": "sro_reporting.annual", "calls": "sro_reporting.calls", "call_times": "sro_reporting.call_times",
    "enforcement": "sro_reporting.enforcement", "activity": "sro_reporting.activity", "people": "sro_reporting.people",
    "force": "sro_reporting.force", "staffing": "sro_reporting.staffing", "disparity": "sro_reporting.disparity",
    "summary": "sro_reporting.summary", "compliance": "sro_reporting.compliance",
    "charts": "sro_reporting.rendering.charts",
}

__all__ = ["__version__", "contents", *SURFACE]

if TYPE_CHECKING:
    from sro_reporting import (
        activity, annual, call_times, calls, compliance, disparity, enforcement, force, params, people, periods,
        population, staffing, summary)
    from sro_reporting.params import load_school_year
    from sro_reporting.reading.dataset import DataSet, load
    from sro_reporting.rendering import charts
    from sro_reporting.running.batch import run_report


def __getattr__(name: str) -> object:
    """Import a name of `SURFACE` at its first use: a command starts before pandas is imported."""
    if name not in SURFACE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}; `sro.contents()` lists what it has")
    module = importlib.import_module(SURFACE[name])
    found = module if module.__name__.rsplit(".", 1)[-1] == name else getattr(module, name)
    globals()[name] = found
    return found


def __dir__() -> list[str]:
    return sorted({"__version__", "contents", *SURFACE})


def _first_line(module: str, name: str) -> str:
    """Return the first line of a name's docstring, read from its source (nothing is imported)."""
    path = Path(__file__).parent.joinpath(*module.split(".")[1:]).with_suffix(".py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    if module.rsplit(".", 1)[-1] != name:
        tree = next(n for n in tree.body if getattr(n, "name", None) == name)
    return (ast.get_docstring(tree) or "").split("\n", 1)[0]


def contents() -> dict[str, str]:
    """Return what `sro` holds, each name with the first line of its documentation."""
    return {name: _first_line(module, name) for name, module in SURFACE.items()}
