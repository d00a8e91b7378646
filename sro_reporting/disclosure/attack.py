"""The attack on a release: for each hidden cell, the smallest and largest value that every printed number allows.

Linear programming (HiGHS, through highspy) over the model's sums, one connected group of unknown
cells at a time; each bound is rounded to the whole numbers counts are, and bounds that come
close to the rule are solved again as integer programs, so rounding cannot hide a narrower range. The
planner asks the same sums which printed cells to hide for a count that fails (`widening`).
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import NamedTuple

import highspy
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.optimize import linprog

from sro_reporting.disclosure.model import Key, Model

EPS = 1e-6


class Bounds(NamedTuple):
    """Each cell's smallest and largest value before any sum is read."""

    lb: np.ndarray
    ub: np.ndarray


class InconsistentRelease(ValueError):
    """The printed numbers contradict each other: no count can satisfy every sum."""


def _components(model: Model, unknown: list[Key]) -> list[tuple[list[Key], list[tuple[Key, tuple[Key, ...]]]]]:
    """Return the groups of unknown cells tied by sums, each with its sums (groups in the order of their first
    cell in `unknown`, as `connected_components` numbers them)."""
    index = {k: i for i, k in enumerate(unknown)}
    sums, rows, cols = [], [], []
    for total, parts in model.all_sums():
        members = [index[k] for k in (total, *parts) if k in index]
        if members:
            sums.append(((total, parts), members[0]))
            rows += members[1:]
            cols += [members[0]] * (len(members) - 1)
    graph = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(unknown), len(unknown)))
    labels = connected_components(graph, directed=False)[1]
    groups: dict[int, list[Key]] = defaultdict(list)
    for key, label in zip(unknown, labels):
        groups[label].append(key)
    by_group: dict[int, list] = defaultdict(list)
    for one, first in sums:
        by_group[labels[first]].append(one)
    return [(keys, by_group[label]) for label, keys in groups.items()]


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
    low = np.array([model.bounds.get(k, (0.0, math.inf))[0] if k not in model.signed else -math.inf for k in keys])
    low = np.maximum(low, [1.0 if k in model.hidden else 0.0 if k not in model.signed else -math.inf for k in keys])
    high = np.array([model.bounds.get(k, (0.0, math.inf))[1] for k in keys])
    return matrix, np.array(rhs), Bounds(low, high)


class _Solver:
    """A group's sums loaded into HiGHS once: each bound after the first changes only the objective,
    so the solver starts from the last basis (a fresh `linprog` per bound took most of a plan's time)."""

    def __init__(self, matrix: sp.csr_matrix, rhs: np.ndarray, bounds: Bounds, integer: bool) -> None:
        self.highs, lp = highspy.Highs(), highspy.HighsLp()
        self.highs.setOptionValue("output_flag", False)
        if not integer:
            self.highs.setOptionValue("presolve", "off")  # tells unbounded from infeasible, and keeps the basis
            # Primal simplex: the last basis stays feasible for a new objective.
            self.highs.setOptionValue("simplex_strategy", 4)
        lp.num_col_, lp.num_row_ = matrix.shape[1], matrix.shape[0]
        lp.col_cost_, lp.col_lower_, lp.col_upper_ = np.zeros(matrix.shape[1]), bounds.lb, bounds.ub
        lp.row_lower_ = lp.row_upper_ = rhs
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = matrix.indptr, matrix.indices, matrix.data
        if integer:
            lp.integrality_ = [highspy.HighsVarType.kInteger] * matrix.shape[1]
        self.highs.passModel(lp)

    def extreme(self, i: int, sense: float) -> float:
        """Return the smallest (sense 1) or largest (sense -1) value of cell `i`."""
        self.highs.changeColCost(i, sense)
        self.highs.run()
        status, value = self.highs.getModelStatus(), self.highs.getInfo().objective_function_value
        self.highs.changeColCost(i, 0.0)
        if status == highspy.HighsModelStatus.kUnbounded:
            return math.inf * -sense
        if status == highspy.HighsModelStatus.kInfeasible:
            return self._again(i, sense)
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"the solver stopped without an answer ({self.highs.modelStatusToString(status)})")
        return value * sense

    def _again(self, i: int, sense: float) -> float:
        """Solve a bound found infeasible again from scratch, with presolve: a warm start can misjudge it."""
        fresh = highspy.Highs()
        fresh.setOptionValue("output_flag", False)
        fresh.passModel(self.highs.getLp())
        fresh.changeColCost(i, sense)
        fresh.run()
        status = fresh.getModelStatus()
        if status in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible):
            raise InconsistentRelease("the printed numbers admit no whole counts: a sum and its parts disagree")
        if status == highspy.HighsModelStatus.kUnbounded:
            return math.inf * -sense
        return fresh.getInfo().objective_function_value * sense


def _signature(system: tuple[sp.csr_matrix, np.ndarray, Bounds], hidden: list[int], close_to: float) -> bytes:
    """Return a digest of everything a group's ranges depend on."""
    matrix, rhs, bounds = system
    parts = (matrix.indptr, matrix.indices, matrix.data, rhs, bounds.lb, bounds.ub,
             np.array(hidden), np.array(close_to))
    return hashlib.sha256(b"|".join(np.ascontiguousarray(p).tobytes() for p in parts)).digest()


_SOLVED: dict[bytes, list[tuple[float, float]]] = {}  # a plan's next round meets again every group its new `*` missed
SOLVED_KEPT = 10_000


def _least_change(system: tuple[sp.csr_matrix, np.ndarray, Bounds], cells: list[int], values: np.ndarray,
                  weights: np.ndarray) -> np.ndarray | None:
    """Return a solution of a group's sums whose `cells` stray least from `values` (weighted), or None if none is."""
    matrix, rhs, bounds = system
    n, m = matrix.shape[1], len(cells)
    pick = sp.csr_matrix((np.ones(m), (np.arange(m), cells)), shape=(m, n))
    spread = sp.vstack([sp.hstack([pick, -sp.identity(m)]), sp.hstack([-pick, -sp.identity(m)])]).tocsr()
    found = linprog(np.r_[np.zeros(n), weights], A_ub=spread, b_ub=np.r_[values, -values],
                    A_eq=sp.hstack([matrix, sp.csr_matrix((matrix.shape[0], m))]).tocsr(), b_eq=rhs,
                    bounds=[*zip(bounds.lb, np.where(np.isinf(bounds.ub), None, bounds.ub)), *[(0, None)] * m],
                    method="highs")
    return found.x[:n] if found.status == 0 else None


def _zero_allowed(system: tuple[sp.csr_matrix, np.ndarray, Bounds], cells: list[int]) -> set[int]:
    """Return those of `cells` (signed) that are zero in one solution with the least total change: each of them
    can be zero, so its range holds zero. One linear program instead of two per cell."""
    found = _least_change(system, cells, np.zeros(len(cells)), np.ones(len(cells)))
    return set() if found is None else {c for c in cells if abs(found[c]) < 0.5}


def _reaches(lb: float, ub: float, found: tuple[float, float], need: int, derived: bool) -> list[tuple[float, float]]:
    """Return the values a cell in range `found` must be able to take to be protected, one range for each way: for a
    derived count, zero first (a range from zero breaks no rule), then `need` past either end of its range."""
    low, high = found
    ways = [(max(lb, low + need), ub), (lb, min(ub, high - need))]
    return [(lb, min(ub, 0.0)) if low > 0 else (max(lb, 0.0), ub), *ways] if derived else ways


def widening(model: Model, key: Key, printed: Mapping[Key, int], found: tuple[float, float], need: int,
             weight: Callable[[Key], float]) -> set[Key] | None:
    """Return the printed cells to hide so that `key` (in range `found` now) is protected: those a solution of every
    sum moves, at the least weighted change, with `key` `need` past one end of its range (or, derived, at zero).
    None where no hiding can.

    The cells that must move with `key` lie on cycles of sums through it, not always on its own lines: a high
    school's row of ones and zeros in the 118.124 table is widened only through the totals of other rows.
    """
    opened = model.copy()
    opened.hidden |= set(printed)
    for k in printed:
        opened.shown.pop(k, None)
    keys, sums = next(group for group in _components(opened, opened.unknowns()) if key in group[0])
    matrix, rhs, bounds = _system(opened, keys, sums)
    cells = [i for i, k in enumerate(keys) if k in printed]
    values = np.array([printed[keys[c]] for c in cells], dtype=float)
    weights = np.array([weight(keys[c]) for c in cells], dtype=float)
    i = keys.index(key)
    for at_least, at_most in _reaches(bounds.lb[i], bounds.ub[i], found, need, key in model.derived):
        if at_least > at_most:
            continue
        lb, ub = bounds.lb.copy(), bounds.ub.copy()
        lb[i], ub[i] = at_least, at_most
        solution = _least_change((matrix, rhs, Bounds(lb, ub)), cells, values, weights)
        moved = set() if solution is None else {keys[c] for c, v in zip(cells, values) if abs(solution[c] - v) > EPS}
        if moved:
            return moved
    return None


def _group_ranges(system: tuple[sp.csr_matrix, np.ndarray, Bounds], hidden: list[int],
                  close_to: float, from_zero: frozenset[int] = frozenset(),
                  signed: frozenset[int] = frozenset()) -> list[tuple[float, float]]:
    """Return the whole-number range of each hidden cell of one group (solved once per distinct group).

    A cell in `from_zero` whose smallest value is zero or less gets no largest value (NaN), and a cell in
    `signed` that can be zero no range at all (NaN, NaN): the rule asks no more of either.
    """
    signature = _signature(system, [*hidden, -1, *sorted(from_zero), -2, *sorted(signed)], close_to)
    if signature in _SOLVED:
        return _SOLVED[signature]
    real, whole, found = _Solver(*system, integer=False), None, []
    can_be_zero = _zero_allowed(system, sorted(signed)) if signed else set()
    for i in hidden:
        if i in can_be_zero:
            found.append((math.nan, math.nan))
            continue
        low = real.extreme(i, 1.0)
        low = low if math.isinf(low) else math.ceil(low - EPS)
        if i in from_zero and low <= 0:
            found.append((low, math.nan))
            continue
        high = real.extreme(i, -1.0)
        high = high if math.isinf(high) else math.floor(high + EPS)
        if high - low < close_to:
            whole = whole or _Solver(*system, integer=True)
            lower = whole.extreme(i, 1.0)
            low = lower if math.isinf(lower) else round(lower)
            upper = whole.extreme(i, -1.0)
            high = upper if math.isinf(upper) else round(upper)
        found.append((low, high))
    if len(_SOLVED) >= SOLVED_KEPT:
        _SOLVED.clear()
    _SOLVED[signature] = found
    return found


def consistent(model: Model) -> bool:
    """Return whether some counts satisfy every sum of the model (in real numbers: one program per group)."""
    if any(model.shown[t] != sum(model.shown[p] for p in parts) for t, parts in model.all_sums()
           if all(k in model.shown for k in (t, *parts))):
        return False
    for keys, sums in _components(model, model.unknowns()):
        matrix, rhs, bounds = _system(model, keys, sums)
        found = linprog(np.zeros(len(keys)), A_eq=matrix, b_eq=rhs, method="highs",
                        bounds=list(zip(bounds.lb, np.where(np.isinf(bounds.ub), None, bounds.ub))))
        if found.status == 2:
            return False
    return True


def ranges(model: Model, close_to: float = 0.0, brief: bool = False) -> pd.DataFrame:
    """Return each hidden and each derived cell's smallest and largest possible value, as whole numbers.

    `close_to`: ranges narrower than this (after rounding) are solved again in whole numbers. `brief`: a derived
    count that can be zero (never negative) gets no largest value (NaN), since the rule cannot fail on it (`failures`).

    >>> from sro_reporting.disclosure.model import Key
    >>> m = Model()
    >>> total, a, b = (Key.of("p", "y", age=x) for x in ("*", "a", "b"))
    >>> m.show(total, 7); m.show(a, "*"); m.show(b, "*"); m.add_sum(total, [a, b])
    >>> ranges(m)[["cell", "low", "high"]].values.tolist()
    [['p y age=a', 1, 6], ['p y age=b', 1, 6]]
    """
    rows = []
    for keys, sums in _components(model, model.unknowns()):
        asked = [i for i, k in enumerate(keys) if k in model.hidden or k in model.derived]
        if asked:
            derived = [i for i in asked if brief and keys[i] in model.derived]
            zero = frozenset(i for i in derived if keys[i] not in model.signed)
            signed = frozenset(i for i in derived if keys[i] in model.signed)
            found = _group_ranges(_system(model, keys, sums), asked, close_to, zero, signed)
            rows += [(keys[i].label(), keys[i], "hidden" if keys[i] in model.hidden else "derived", low, high)
                     for i, (low, high) in zip(asked, found)]
    out = pd.DataFrame(rows, columns=["cell", "key", "kind", "low", "high"])
    out["width"] = out["high"] - out["low"]
    return out.sort_values("cell").reset_index(drop=True)


def failures(found: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """Return the cells the rule does not protect.

    A hidden count (at least 1, since zeros are shown): pinned, or a range under half the minimum cell. A
    derived count (a rest of a population, or a change since a release MPS has, either sign): pinned from
    1 to `min_cell - 1`, or a range under half the minimum cell that leaves out zero and reaches below the
    minimum cell. A range from zero does not say that anyone of the kind is there at all (a rest's public
    total of 3 allows 0 to 3 of each race); a range of counts that could all be printed (at least
    `min_cell`) says no more than printing them would.
    """
    hidden = found["kind"] == "hidden"
    pinned = found["low"] == found["high"]
    narrow = found["width"] < min_cell / 2
    small = found[["low", "high"]].abs().min(axis=1) < min_cell
    without_zero = (found["low"] > 0) | (found["high"] < 0)
    derived_bad = without_zero & small & (pinned | narrow)
    return found[(hidden & (narrow | pinned)) | (~hidden & derived_bad)]
