"""sro-reporting: the Milwaukee Police Department's School Resource Officer program reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

__all__ = ["DataSet", "__version__", "load"]

if TYPE_CHECKING:
    from sro_reporting.reading.dataset import DataSet, load


def __getattr__(name: str) -> object:
    """`sro.load` and `sro.DataSet`, imported at first use: a command starts before pandas is imported."""
    if name in ("DataSet", "load"):
        from sro_reporting.reading import dataset

        return getattr(dataset, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), "DataSet", "load"])
