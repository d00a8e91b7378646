"""Use of force by SROs (III.D.6)."""

from __future__ import annotations

import pandas as pd

from sro_reporting.frames import measures
from sro_reporting.params import Span
from sro_reporting.periods import in_span


def force_in(use_of_force: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return the use-of-force reports dated in `span`."""
    return use_of_force[in_span(use_of_force["uof_datetime"], span)]


def by_type(use_of_force: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return incidents per force type with subject and officer injuries."""
    found = force_in(use_of_force, span)
    out = found.groupby("force_type").agg(
        incidents=("uof_id", "size"),
        subject_injured=("subject_injured", lambda s: int(s.fillna(False).sum())),
        officer_injured=("officer_injured", lambda s: int(s.fillna(False).sum())),
    ).reset_index()
    return out.astype({"incidents": "int64", "subject_injured": "int64", "officer_injured": "int64"})


def summary(use_of_force: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return the period's use-of-force totals."""
    found = force_in(use_of_force, span)
    return measures([
        ("Use-of-force incidents", len(found)),
        ("Subjects who were students", int(found["subject_is_student"].fillna(False).sum())),
        ("Subjects injured", int(found["subject_injured"].fillna(False).sum())),
        ("Officers injured", int(found["officer_injured"].fillna(False).sum())),
    ])
