"""Small frame builders and the tables' notation, shared by the measures and the disclosure."""

from __future__ import annotations

import pandas as pd

TOTAL = "Total"
SUPPRESSED = "*"  # a hidden cell, as contract section 5 writes it


def measures(rows: list[tuple[str, object]]) -> pd.DataFrame:
    """Return `measure, value` rows, keeping whole numbers whole beside rates and medians."""
    return pd.DataFrame(rows, columns=["measure", "value"], dtype=object)
