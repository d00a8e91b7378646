"""Arrests, citations and court referrals (III.D.6, III.F.2): by school and by who was involved."""

from __future__ import annotations

import pandas as pd

from sro_reporting.measures.population import place, place_rows
from sro_reporting.params import Span
from sro_reporting.periods import in_span
from sro_reporting.reading.codes import ACTION_TYPE, AGE_BANDS, GENDER, RACE, age_band

ACTION_LABELS = {"arrest": "Arrests", "citation": "Citations", "court_referral": "Court referrals"}
BREAKDOWNS = {"age_band": "Age band", "gender": "Gender", "race": "Race or ethnicity"}


def actions_in(enforcement: pd.DataFrame, span: Span, school_related: bool | None = True) -> pd.DataFrame:
    """Return the actions dated in `span` (only school-related ones unless `school_related` is None)."""
    found = enforcement[in_span(enforcement["action_datetime"], span)]
    if school_related is not None:
        found = found[found["school_related"].fillna(False) == school_related]
    return found


def by_school(enforcement: pd.DataFrame, schools: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return school-related arrests, citations and court referrals by school, elsewhere and in total.

    The rows after the schools taking part: a school not taking part, an unknown school_id, no school.

    >>> import pandas as pd, datetime as dt
    >>> enf = pd.DataFrame({"action_datetime": pd.to_datetime(["2025-09-02"] * 3),
    ...     "school_related": [True, True, True], "school_id": ["1", "1", None],
    ...     "action_type": ["arrest", "court_referral", "citation"]})
    >>> schools = pd.DataFrame({"school_id": ["1", "2"], "school_name": ["A", "B"], "sro_participating": [True] * 2,
    ...     "participation_start": [pd.NaT] * 2, "participation_end": [pd.NaT] * 2})
    >>> t = by_school(enf, schools, Span(start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 30)))
    >>> t[["school_name", "arrest", "citation", "court_referral"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['A', 1, 0, 1], ['B', 0, 0, 0], ['At a school not taking part in the period', 0, 0, 0],
     ['At a school ID not in the list of schools', 0, 0, 0], ['No school recorded', 0, 1, 0], ['Total', 1, 1, 1]]
    """
    found = actions_in(enforcement, span)
    wide = pd.crosstab(place(found["school_id"], found["action_datetime"], schools, span), found["action_type"])
    return place_rows(wide.reindex(columns=list(ACTION_TYPE.codes), fill_value=0), schools, span)


def by_officer_recorded(enforcement: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return school-related actions by type: with an SRO recorded as the officer, with no officer recorded, in all.

    >>> import pandas as pd, datetime as dt
    >>> enf = pd.DataFrame({"action_datetime": pd.to_datetime(["2025-09-02"] * 3), "school_related": [True] * 3,
    ...     "action_type": ["arrest", "arrest", "citation"], "officer_id": ["A", None, None]})
    >>> by_officer_recorded(enf, Span(start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 30))).values.tolist()
    [['Arrests', 1, 1, 2], ['Citations', 0, 1, 1], ['Court referrals', 0, 0, 0], ['Total', 1, 2, 3]]
    """
    found = actions_in(enforcement, span)
    known = found["officer_id"].notna()
    rows = [(label, int((found["action_type"] == code)[known].sum()), int((found["action_type"] == code)[~known].sum()))
            for code, label in ACTION_LABELS.items()]
    out = pd.DataFrame(rows, columns=["action", "with_sro", "no_officer"])
    out.loc[len(out)] = ["Total", int(out["with_sro"].sum()), int(out["no_officer"].sum())]
    return out.assign(total=out["with_sro"] + out["no_officer"])


def person_category(people: pd.DataFrame, breakdown: str) -> pd.Series:
    """Return each person's category for a breakdown: age band, gender or race label."""
    if breakdown == "age_band":
        return age_band(people["subject_age"])
    if breakdown == "gender":
        return people["subject_gender"].fillna("U").map(GENDER.label)
    return people["subject_race"].fillna("UNKNOWN").map(RACE.label)


def categories(breakdown: str) -> list[str]:
    """Return a breakdown's categories in reading order, every one listed."""
    if breakdown == "age_band":
        return list(AGE_BANDS)
    codes = GENDER if breakdown == "gender" else RACE
    return [codes.label(c) for c in codes.codes]


def counts_by(people: pd.DataFrame, breakdown: str, column: str, columns: list[str]) -> pd.DataFrame:
    """Return people counted by a breakdown (rows) and `column` (columns), every category listed."""
    table = pd.crosstab(person_category(people, breakdown), people[column])
    table = table.reindex(index=categories(breakdown), columns=columns, fill_value=0)
    return table.rename_axis(index=BREAKDOWNS[breakdown], columns=None).astype("int64")


def demographics(enforcement: pd.DataFrame, span: Span, breakdown: str) -> pd.DataFrame:
    """Return school-related actions by a breakdown of the people (rows) and action type (columns).

    >>> import pandas as pd, datetime as dt
    >>> enf = pd.DataFrame({"action_datetime": pd.to_datetime(["2025-09-02"] * 3),
    ...     "school_related": [True, True, False], "action_type": ["arrest", "citation", "arrest"],
    ...     "subject_age": pd.array([17, 16, 17], dtype="Int64")})
    >>> t = demographics(enf, Span(start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 30)), "age_band")
    >>> t.loc["17"].tolist(), t.loc["15-16"].tolist()
    ([1, 0, 0], [0, 1, 0])
    """
    found = actions_in(enforcement, span)
    return counts_by(found, breakdown, "action_type", list(ACTION_TYPE.codes))



CRDC_LABELS = {"measure": "Measure", "actions": "Actions", "students": "Students",
               "actions_without_person_key": "Actions with no person identifier"}
CRDC_NOTE = ("Students: the distinct people among the actions whose export row carries a person identifier (kept only "
             "as a keyed hash). Actions with no person identifier may be further students, or the same ones again. "
             "A blank: not counted (the student status is not recorded).")
CRDC_NO_KEY_NOTE = ("The export carries no person identifier, so these are counts of actions (one per person per "
                    "action), not of students: a student with two actions counts twice. Students: not collected.")


def identifies_people(enforcement: pd.DataFrame) -> bool:
    """Return whether the export carries a person identifier (as `person_key`) on any row."""
    return "person_key" in enforcement.columns and bool(enforcement["person_key"].notna().any())


def crdc_referrals(enforcement: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return CRDC's referrals to law enforcement and school-related arrests of students: actions, distinct students
    (blank where the export identifies no one) and actions without a person identifier; then the actions left out.

    >>> import datetime as dt
    >>> enf = pd.DataFrame({"action_datetime": pd.to_datetime(["2025-09-02"] * 5), "school_related": [True] * 5,
    ...     "action_type": ["arrest", "arrest", "citation", "arrest", "citation"],
    ...     "subject_is_student": pd.array([True, True, True, True, None], dtype="boolean"),
    ...     "person_key": ["a", "a", "b", None, "c"]})
    >>> crdc_referrals(enf, Span(start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 30))).iloc[:, 1:].values.tolist()
    [[4, 2, 1], [3, 1, 1], [1, <NA>, <NA>]]
    """
    found = actions_in(enforcement, span)
    status = found["subject_is_student"].astype("boolean")
    students = found[status.fillna(False)]
    keyed = identifies_people(enforcement)
    rows = []
    for measure, acts in (("Referrals to law enforcement: school-related arrests, citations and court referrals "
                           "of students", students),
                          ("School-related arrests of students", students[students["action_type"] == "arrest"])):
        keys = acts["person_key"] if keyed else pd.Series(None, index=acts.index, dtype="str")
        rows.append((measure, len(acts), keys.dropna().nunique() if keyed else None,
                     int(keys.isna().sum()) if keyed else None))
    rows.append(("School-related actions whose person's student status is not recorded (not counted above)",
                 int(status.isna().sum()), None, None))
    out = pd.DataFrame(rows, columns=["measure", "actions", "students", "actions_without_person_key"])
    return out.astype({"actions": "int64", "students": "Int64", "actions_without_person_key": "Int64"})
