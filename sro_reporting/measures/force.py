"""Use of force by SROs (III.D.6)."""

from __future__ import annotations

import pandas as pd

from sro_reporting.frames import measures
from sro_reporting.params import Span
from sro_reporting.periods import in_span

STUDENTS = "Subjects who were students"


def force_in(use_of_force: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return the use-of-force reports dated in `span`."""
    return use_of_force[in_span(use_of_force["uof_datetime"], span)]


def by_type(use_of_force: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return incidents per force type with subject and officer injuries.

    >>> import pandas as pd, datetime as dt
    >>> uof = pd.DataFrame({"uof_id": ["U1", "U2"], "uof_datetime": pd.to_datetime(["2025-09-02"] * 2),
    ...     "force_type": ["Takedown", "Takedown"], "subject_injured": pd.array([True, None], dtype="boolean"),
    ...     "officer_injured": pd.array([False, False], dtype="boolean")})
    >>> by_type(uof, Span(start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 30))).values.tolist()
    [['Takedown', 2, 1, 0]]
    """
    found = force_in(use_of_force, span)
    flags = pd.DataFrame({"force_type": found["force_type"], "incidents": 1,
                          **{c: found[c].fillna(False).astype("int64") for c in ("subject_injured", "officer_injured")}})
    return flags.groupby("force_type").sum().reset_index().astype(
        {"incidents": "int64", "subject_injured": "int64", "officer_injured": "int64"})


def summary(use_of_force: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return the period's use-of-force totals.

    >>> import pandas as pd, datetime as dt
    >>> uof = pd.DataFrame({"uof_id": ["U1"], "uof_datetime": pd.to_datetime(["2025-09-02"]),
    ...     "subject_is_student": pd.array([True], dtype="boolean"),
    ...     "subject_injured": pd.array([None], dtype="boolean"), "officer_injured": pd.array([False], dtype="boolean")})
    >>> summary(uof, Span(start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 30)))["value"].tolist()
    [1, 1, 0, 0]
    """
    found = force_in(use_of_force, span)
    return measures([
        ("Use-of-force incidents", len(found)),
        (STUDENTS, int(found["subject_is_student"].fillna(False).sum())),
        ("Subjects injured", int(found["subject_injured"].fillna(False).sum())),
        ("Officers injured", int(found["officer_injured"].fillna(False).sum())),
    ])
