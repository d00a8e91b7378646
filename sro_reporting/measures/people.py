"""Counts of people by age band, gender, race and student status: the tables disclosure control protects.

One function gives every such table of a district report for a period, so the report that shows
them and the protection that plans their suppression count the same people the same way.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from sro_reporting.linking.schools import participating
from sro_reporting.measures import offenses
from sro_reporting.measures.disparity import enrollment_by_race
from sro_reporting.measures.enforcement import BREAKDOWNS, actions_in, counts_by
from sro_reporting.measures.force import force_in
from sro_reporting.measures.population import place
from sro_reporting.params import SchoolYear, Span
from sro_reporting.reading.codes import ACTION_TYPE, RACE
from sro_reporting.reading.dataset import DataSet

ACTIONS, FORCE, ENROLLED = "school-related actions", "use-of-force incidents", "students enrolled"
INCIDENTS = "118.124 incidents"  # incidents, not people: an offense type at one school can still name a child
STUDENT_LABELS = {True: "Student", False: "Not a student"}
NO_GRADE_BAND = "(no school or grade band)"


PARTICIPATING = (("place", "at schools taking part"),)  # a part of a population: what the disparity rates count


class Breakdown(NamedTuple):
    """Counts of one population (rows: a breakdown of the people; columns: action types or one count)."""

    population: str
    rows: str  # the dimension of the rows: age_band, gender, race or student
    columns: str  # the dimension of the columns (action_type), or "" for a single count
    counts: pd.DataFrame  # whole numbers, every category listed, no totals
    part: tuple[tuple[str, str], ...] = ()  # the part of the population counted, e.g. `PARTICIPATING`; () all


def at_participating(data: DataSet, span: Span, actions: pd.DataFrame) -> pd.DataFrame:
    """Return the actions of `span` at a school on a day it takes part (`population.place`'s schools)."""
    found = actions_in(actions, span)
    return found[place(found["school_id"], found["action_datetime"], data.schools, span) == found["school_id"]]


def student_status(people: pd.DataFrame) -> pd.Series:
    """Return each person's student status as a label: Student, Not a student, or Unknown."""
    return people["subject_is_student"].astype("boolean").map(STUDENT_LABELS).astype("str").fillna("Unknown")


def _single(people: pd.DataFrame, breakdown: str, label: str) -> pd.DataFrame:
    """Return people counted by one breakdown as a one-column table."""
    if breakdown == "student":
        cats = [*STUDENT_LABELS.values(), "Unknown"]
        counts = student_status(people).value_counts().reindex(cats, fill_value=0)
        return counts.rename(label).rename_axis("Student status").to_frame().astype("int64")
    return counts_by(people.assign(all=label), breakdown, "all", [label])


def breakdowns(data: DataSet, span: Span) -> dict[str, Breakdown]:
    """Return every people table of a district report for `span`, by table name.

    >>> import sro_reporting as sro
    >>> from sro_reporting.params import load_school_year
    >>> tables = breakdowns(sro.load(), load_school_year("2025-26").semesters["spring"])  # the demo data
    >>> sorted(tables)[:3], list(tables["actions_by_age_band"].counts.columns)
    (['actions_by_age_band', 'actions_by_gender', 'actions_by_offense'], ['arrest', 'citation', 'court_referral'])
    """
    acts = actions_in(data.enforcement, span)  # every school-related action of the period (population.py)
    uof = force_in(data.use_of_force, span)
    out = {f"actions_by_{key}": Breakdown(ACTIONS, key, "action_type",
                                          counts_by(acts, key, "action_type", list(ACTION_TYPE.codes)))
           for key in BREAKDOWNS}
    out["actions_by_offense"] = Breakdown(ACTIONS, "offense", "action_type", by_offense(acts))
    for key in ("age_band", "race", "student"):
        out[f"use_of_force_by_{key}"] = Breakdown(FORCE, key, "", _single(uof, key, "Incidents"))
    return out


def force_by_grade_band(data: DataSet, span: Span) -> dict[str, int]:
    """Return the use-of-force incidents of `span` by the grade band of their school (`NO_GRADE_BAND` where none is
    known): sums of the per-school counts the school packets print."""
    uof = force_in(data.use_of_force, span)
    bands = uof["school_id"].map(data.schools.set_index("school_id")["grade_band"]).fillna(NO_GRADE_BAND)
    return {str(band): int(n) for band, n in bands.value_counts().sort_index().items()}


def by_offense(actions: pd.DataFrame) -> pd.DataFrame:
    """Return actions by offense type (the eight kinds of Wis. Stat. 118.124 and other) and action type."""
    return offenses.by_type(actions, offenses.crosswalk(), list(ACTION_TYPE.codes))


def incidents_118124(data: DataSet, year: SchoolYear) -> Breakdown:
    """Return the school year's Wis. Stat. 118.124 incidents by high school (rows, by ID) and kind (columns)."""
    table = offenses.incidents(data.enforcement, data.schools, year, year.year_span, offenses.crosswalk())
    counts = table[table["school_id"].notna()].set_index("school_id")[list(offenses.CATEGORIES)]
    return Breakdown(INCIDENTS, "high_school", "offense", counts.rename_axis("School ID").astype("int64"))


def participating_by_race(data: DataSet, span: Span) -> Breakdown:
    """Return school-related actions at the schools taking part, by race: the numerators of the disparity rates."""
    acts = at_participating(data, span, data.enforcement)
    return Breakdown(ACTIONS, "race", "action_type", counts_by(acts, "race", "action_type", list(ACTION_TYPE.codes)),
                     PARTICIPATING)


def enrolled(data: DataSet, year: SchoolYear, span: Span) -> Breakdown:
    """Return students enrolled at the schools taking part in `span`, by race (the disparity base)."""
    part = list(participating(data.schools, span.start, span.end)["school_id"])
    students = enrollment_by_race(data.enrollment, part, year.school_year)
    counts = pd.DataFrame({"Students": students.to_numpy()}, index=[RACE.label(c) for c in students.index])
    return Breakdown(ENROLLED, "race", "", counts.rename_axis(BREAKDOWNS["race"]).astype("int64"))
