"""sro-reporting: the Milwaukee Police Department's School Resource Officer program reports."""

from __future__ import annotations

import importlib
import sys
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import TYPE_CHECKING

__version__ = "0.1.0"

MEASURES = ("activity", "annual", "call_times", "calls", "compliance", "disparity", "enforcement", "force",
            "people", "population", "staffing", "summary")
# The public names of modules that moved into a stage's package (issue 28): `sro.calls`,
# `from sro_reporting import calls` and `sro_reporting.privacy.suppress_counts` (the data contract) still work.
MOVED = {**{name: f"measures.{name}" for name in MEASURES}, "privacy": "disclosure.privacy",
         "reconcile": "running.reconcile"}

__all__ = ["DataSet", "__version__", "load", *MOVED]

if TYPE_CHECKING:
    from sro_reporting.reading.dataset import DataSet, load


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
    """`sro.load`, `sro.DataSet` and the measures (`sro.calls`), imported at first use: a command starts before pandas."""
    if name in ("DataSet", "load"):
        from sro_reporting.reading import dataset

        return getattr(dataset, name)
    if name in MOVED:
        return importlib.import_module(f"{__name__}.{MOVED[name]}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), "DataSet", "load", *MOVED])
