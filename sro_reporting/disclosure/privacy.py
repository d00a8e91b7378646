"""Disclosure control for MPS-facing tables of people (contract section 5)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from sro_reporting.frames import SUPPRESSED, TOTAL


def _lines(n_rows: int, n_cols: int) -> list[tuple[list[tuple[int, int]], tuple[int, int]]]:
    """Return every line of a table with totals as (its cells, its total): rows, then columns."""
    rows = [([(i, j) for j in range(n_cols)], (i, n_cols)) for i in range(n_rows + 1)]
    cols = [([(i, j) for i in range(n_rows)], (n_rows, j)) for j in range(n_cols + 1)]
    return rows + cols


def _complement(values: np.ndarray, hidden: np.ndarray, n_rows: int, n_cols: int) -> None:
    """Hide more cells until no line with a shown total has exactly one hidden cell."""
    changed = True
    while changed:
        changed = False
        for cells, total in _lines(n_rows, n_cols):
            if hidden[total] or sum(hidden[c] for c in cells) != 1:
                continue
            others = [c for c in cells if not hidden[c] and values[c] > 0]
            target = min(others, key=lambda c: values[c]) if others else total
            hidden[target] = True
            changed = True


def suppress_counts(counts: pd.DataFrame, min_cell: int = 10,
                    hide: Iterable[tuple[object, object]] = ()) -> pd.DataFrame:
    """Return `counts` with Total row and column, small counts and their complements shown as `*`.

    1. A count, total or grand total from 1 to `min_cell - 1` is `*`, and so is every non-zero cell
       named in `hide` as (row, column) labels, `Total` included: the release's own protection
       (`sro_reporting.disclosure`) hides more cells than one table's rules know of.
    2. Wherever a row or column with a shown total has exactly one `*` among its cells, the
       smallest other non-zero shown cell of that line becomes `*` too, or, where the line has
       none, its total does; repeated until no such line is left (Total row and column included).
    3. Zeros and every other count are shown exactly.

    >>> t = pd.DataFrame({"a": [12, 15], "b": [3, 0], "c": [20, 11]}, index=["r0", "r1"])
    >>> suppress_counts(t)
            a  b   c Total
    r0      *  *  20    35
    r1     15  0  11    26
    Total   *  *  31    61
    >>> suppress_counts(t, hide=[("r1", "c")])
           a  b   c Total
    r0     *  *   *    35
    r1     *  0   *    26
    Total  *  *  31    61
    """
    values = counts.to_numpy()
    if values.size and (not np.issubdtype(values.dtype, np.integer) and
                        not np.all(np.equal(np.mod(values.astype(float), 1), 0))):
        raise ValueError("counts must be whole numbers")
    values = values.astype(np.int64)
    if (values < 0).any():
        raise ValueError("counts must not be negative")
    n_rows, n_cols = values.shape
    full = np.zeros((n_rows + 1, n_cols + 1), dtype=np.int64)
    full[:n_rows, :n_cols] = values
    full[:n_rows, n_cols] = values.sum(axis=1)
    full[n_rows, :] = full[:n_rows, :].sum(axis=0)
    hidden = (full >= 1) & (full <= min_cell - 1)
    rows, cols = [*counts.index, TOTAL], [*counts.columns, TOTAL]
    for row, col in hide:
        i, j = rows.index(row), cols.index(col)
        hidden[i, j] |= full[i, j] > 0
    _complement(full, hidden, n_rows, n_cols)
    shown = np.where(hidden, SUPPRESSED, full.astype(object)).astype(object)
    shown[~hidden] = [int(v) for v in full[~hidden]]
    out = pd.DataFrame(shown, index=rows, columns=cols, dtype=object)
    out.index.name, out.columns.name = counts.index.name, counts.columns.name
    return out
