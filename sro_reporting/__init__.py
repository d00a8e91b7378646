"""sro-reporting: the Milwaukee Police Department's School Resource Officer program reports."""

from __future__ import annotations

import ast
import importlib
import sys
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

__version__ = "0.1.0"

MEASURES = ("activity", "annual", "call_times", "calls", "compliance", "disparity", "enforcement", "force",
            "people", "population", "staffing", "summary")
# The public names of modules that moved into a stage's package (issue 28): `sro.calls`,
# `from sro_reporting import calls` and `sro_reporting.privacy.suppress_counts` (the data contract) still work.
MOVED = {**{name: f"measures.{name}" for name in MEASURES}, "privacy": "disclosure.privacy",
         "reconcile": "running.reconcile"}

# What `import sro_reporting as sro` shows: a name, and the module that holds it (a module's own name for a module).
SURFACE = {
    "load": "sro_reporting.reading.dataset", "DataSet": "sro_reporting.reading.dataset",
    "load_school_year": "sro_reporting.params", "run_report": "sro_reporting.running.batch",
    "periods": "sro_reporting.periods", "params": "sro_reporting.params",
    **{name: f"sro_reporting.measures.{name}" for name in (*MEASURES, "searches", "complaints", "assignments",
                                                           "training", "offenses", "rates")},
    "charts": "sro_reporting.rendering.charts",
}

__all__ = ["__version__", "contents", *SURFACE]

if TYPE_CHECKING:
    from sro_reporting import params, periods
    from sro_reporting.measures import (
        activity,
        annual,
        assignments,
        call_times,
        calls,
        complaints,
        compliance,
        disparity,
        enforcement,
        force,
        offenses,
        people,
        population,
        rates,
        searches,
        staffing,
        summary,
        training,
    )
    from sro_reporting.params import load_school_year
    from sro_reporting.reading.dataset import DataSet, load
    from sro_reporting.rendering import charts
    from sro_reporting.running.batch import run_report


class _MovedModules:
    """Import a moved module under its old name too (`import sro_reporting.calls`), as the same module object.

    A finder and loader by protocol: `importlib.abc` would cost a command 40 ms of imports at start.
    """

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> ModuleSpec | None:
        """Return a spec for an old name of a moved module, None for any other."""
        parent, _, name = fullname.rpartition(".")
        return ModuleSpec(fullname, self) if parent == __name__ and name in MOVED else None

    def create_module(self, spec: ModuleSpec) -> ModuleType:
        """Return the module at its new home."""
        return importlib.import_module(f"{__name__}.{MOVED[spec.name.rpartition('.')[2]]}")

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the module ran at its new home."""


if not any(isinstance(finder, _MovedModules) for finder in sys.meta_path):
    sys.meta_path.append(_MovedModules())


def __getattr__(name: str) -> object:
    """Import a name of `SURFACE` (or an old module name) at its first use: a command starts before pandas."""
    if name in MOVED and name not in SURFACE:
        return importlib.import_module(f"{__name__}.{MOVED[name]}")
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
