"""The attack on a release: for each hidden cell, the smallest and largest value that every printed number allows.

Linear programming (HiGHS through scipy) over the model's sums, one connected group of unknown
cells at a time; each bound is rounded to the whole numbers counts are, and bounds that come
close to the rule are solved again as integer programs, so rounding cannot hide a narrower range.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from sro_reporting.disclosure.model import Key, Model

EPS = 1e-6


class InconsistentRelease(ValueError):
    """The printed numbers contradict each other: no count can satisfy every sum."""


def _components(model: Model, unknown: list[Key]) -> list[tuple[list[Key], list[tuple[Key, tuple[Key, ...]]]]]:
    """Return the groups of unknown cells tied by sums, each with its sums."""
    parent = {k: k for k in unknown}

    def find(k: Key) -> Key:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    sums = [(t, p) for t, p in model.all_sums() if any(k in parent for k in (t, *p))]
    for total, parts in sums:
        members = [k for k in (total, *parts) if k in parent]
        for other in members[1:]:
            parent[find(other)] = find(members[0])
    groups: dict[Key, list[Key]] = defaultdict(list)
    for k in unknown:
        groups[find(k)].append(k)
    by_group: dict[Key, list] = defaultdict(list)
    for total, parts in sums:
        first = next(k for k in (total, *parts) if k in parent)
        by_group[find(first)].append((total, parts))
    return [(keys, by_group[root]) for root, keys in groups.items()]


def _system(model: Model, keys: list[Key], sums: list) -> tuple[sp.csr_matrix, np.ndarray, Bounds]:
    """Return the equations `A x = b` of a group's sums and the bounds of its cells."""
    index = {k: i for i, k in enumerate(keys)}
    rows, cols, vals, rhs = [], [], [], []
    for r, (total, parts) in enumerate(sums):
        b = 0.0
        for key, sign in ((total, 1.0), *((p, -1.0) for p in parts)):
            if key in index:
                rows.append(r)
                cols.append(index[key])
                vals.append(sign)
            else:
                b -= sign * model.shown[key]
        rhs.append(b)
    matrix = sp.csr_matrix((vals, (rows, cols)), shape=(len(sums), len(keys)))
    low = np.array([model.bounds.get(k, (0.0, math.inf))[0] for k in keys])
    low = np.maximum(low, [1.0 if k in model.hidden else 0.0 for k in keys])
    high = np.array([model.bounds.get(k, (0.0, math.inf))[1] for k in keys])
    return matrix, np.array(rhs), Bounds(low, high)


def _extreme(matrix, rhs, bounds: Bounds, i: int, sense: float, integer: bool) -> float:
    """Return the smallest (sense 1) or largest (sense -1) value of cell `i`."""
    cost = np.zeros(matrix.shape[1])
    cost[i] = sense
    if integer:
        found = milp(cost, constraints=LinearConstraint(matrix, rhs, rhs), bounds=bounds,
                     integrality=np.ones(matrix.shape[1]))
        status = {0: 0, 2: 2, 3: 3}.get(found.status, found.status)
    else:
        found = linprog(cost, A_eq=matrix, b_eq=rhs, bounds=list(zip(bounds.lb, bounds.ub)), method="highs")
        status = found.status
    if status == 3:
        return math.inf * -sense
    if status == 2:
        raise InconsistentRelease("the printed numbers admit no whole counts: a sum and its parts disagree")
    if status != 0:
        raise RuntimeError(f"the solver stopped without an answer (status {status})")
    return float(found.fun) * sense


def ranges(model: Model, close_to: float = 0.0) -> pd.DataFrame:
    """Return each hidden cell's smallest and largest possible value, as whole numbers.

    `close_to`: ranges narrower than this (after rounding) are solved again in whole numbers.

    >>> from sro_reporting.disclosure.model import Key
    >>> m = Model()
    >>> total, a, b = (Key.of("p", "y", age=x) for x in ("*", "a", "b"))
    >>> m.show(total, 7); m.show(a, "*"); m.show(b, "*"); m.add_sum(total, [a, b])
    >>> ranges(m)[["cell", "low", "high"]].values.tolist()
    [['p y age=a', 1, 6], ['p y age=b', 1, 6]]
    """
    rows = []
    for keys, sums in _components(model, model.unknowns()):
        hidden = [i for i, k in enumerate(keys) if k in model.hidden]
        if not hidden:
            continue
        matrix, rhs, bounds = _system(model, keys, sums)
        for i in hidden:
            low = math.ceil(_extreme(matrix, rhs, bounds, i, 1.0, False) - EPS)
            high = _extreme(matrix, rhs, bounds, i, -1.0, False)
            high = high if math.isinf(high) else math.floor(high + EPS)
            if high - low < close_to:
                low = round(_extreme(matrix, rhs, bounds, i, 1.0, True))
                upper = _extreme(matrix, rhs, bounds, i, -1.0, True)
                high = upper if math.isinf(upper) else round(upper)
            rows.append((keys[i].label(), keys[i], low, high))
    out = pd.DataFrame(rows, columns=["cell", "key", "low", "high"])
    out["width"] = out["high"] - out["low"]
    return out.sort_values("cell").reset_index(drop=True)


def failures(found: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """Return the hidden cells the rule does not protect: pinned, or a range under half the minimum cell."""
    return found[(found["width"] < min_cell / 2) | (found["low"] == found["high"])]
