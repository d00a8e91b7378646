"""Small frame builders shared by the metric modules."""

from __future__ import annotations

import pandas as pd


def measures(rows: list[tuple[str, object]]) -> pd.DataFrame:
    """Return `measure, value` rows, keeping whole numbers whole beside rates and medians."""
    return pd.DataFrame(rows, columns=["measure", "value"], dtype=object)
