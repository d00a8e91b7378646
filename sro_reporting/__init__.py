"""sro-reporting: the Milwaukee Police Department's School Resource Officer program reports."""

__version__ = "0.1.0"

from sro_reporting.reading.dataset import DataSet, load

__all__ = ["DataSet", "__version__", "load"]
