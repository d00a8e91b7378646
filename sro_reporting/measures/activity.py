"""SRO activity (III.D.6): interventions, youth referrals, safety and prevention, alternatives (III.D.9)."""

from __future__ import annotations

import pandas as pd

from sro_reporting.frames import measures
from sro_reporting.measures.population import place, place_rows
from sro_reporting.params import Span
from sro_reporting.periods import in_span
from sro_reporting.reading.codes import ACTIVITY_TYPE

ACTIVITY_LABELS = {
    "intervention": "Intervention", "youth_referral": "Youth referral",
    "safety_prevention": "Safety and prevention", "education": "Education",
    "mentoring": "Mentoring", "law_enforcement": "Law enforcement", "other": "Other",
}

CONTACTS_DEFINITION = (
    "Student contacts: the students involved in each logged activity, added up over the activities; a "
    "student met in two activities counts twice, so contacts are not a count of students.")
ALTERNATIVE_DEFINITION = (
    "Alternatives to citation: logged SRO activities marked 'in lieu of citation', an alternative "
    "response such as a resource referral chosen instead of a citation (SOI III.D.9). The rate compares "
    "like with like: alternatives, which SROs log, divided by alternatives plus the school-related "
    "citations with an SRO recorded as the officer in the same period. Citations with no officer "
    "recorded are counted in the table but not in the rate.")


def activities_in(activities: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return the activities dated in `span`."""
    return activities[in_span(activities["activity_date"], span)]


def by_type(activities: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return activities, hours and student contacts (students involved, added up) per activity type.

    >>> import pandas as pd, datetime as dt
    >>> acts = pd.DataFrame({"activity_date": pd.to_datetime(["2025-09-02", "2025-09-03"]),
    ...     "activity_type": ["mentoring", "mentoring"], "hours": [1.5, 0.5],
    ...     "students_involved": pd.array([3, None], dtype="Int64")})
    >>> t = by_type(acts, Span(start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 30)))
    >>> row = t.set_index("activity_type").loc["mentoring"]
    >>> int(row["activities"]), float(row["hours"]), int(row["student_contacts"])
    (2, 2.0, 3)
    """
    found = activities_in(activities, span)
    out = found.groupby("activity_type").agg(activities=("activity_type", "size"),
                                             hours=("hours", "sum"),
                                             student_contacts=("students_involved", "sum"))
    out = out.reindex(list(ACTIVITY_TYPE.codes), fill_value=0).rename_axis("activity_type")
    out = out.reset_index().astype({"activities": "int64", "student_contacts": "int64"})
    return out.assign(hours=out["hours"].astype(float).round(1))


def by_school(activities: pd.DataFrame, schools: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return activities per type (columns) at each school taking part, in the rows for the rest, and in total.

    >>> import pandas as pd, datetime as dt
    >>> acts = pd.DataFrame({"activity_date": pd.to_datetime(["2025-09-02"] * 4),
    ...     "activity_type": ["mentoring", "education", "mentoring", "other"], "school_id": ["1", "1", None, "2"]})
    >>> schools = pd.DataFrame({"school_id": ["1", "2"], "school_name": ["A", "B"], "sro_participating": [True, False],
    ...     "participation_start": [pd.NaT] * 2, "participation_end": [pd.NaT] * 2})
    >>> t = by_school(acts, schools, Span(start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 30)))
    >>> t[["school_name", "mentoring", "total"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['A', 1, 2], ['At a school not taking part in the period', 0, 1],
     ['At a school ID not in the list of schools', 0, 0], ['No school recorded', 1, 1], ['Total', 2, 4]]
    """
    found = activities_in(activities, span)
    wide = pd.crosstab(place(found["school_id"], found["activity_date"], schools, span), found["activity_type"])
    wide = wide.reindex(columns=list(ACTIVITY_TYPE.codes), fill_value=0)
    return place_rows(wide.assign(total=wide.sum(axis=1)), schools, span)


def alternatives(activities: pd.DataFrame, enforcement: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return youth referrals, alternatives to citation, citations (by an SRO, none recorded) and the rate (III.D.9).

    The rate is over SROs' own choices: alternatives against the citations with an officer recorded.

    >>> import pandas as pd, datetime as dt
    >>> acts = pd.DataFrame({"activity_date": pd.to_datetime(["2025-09-02"] * 2),
    ...     "activity_type": ["youth_referral", "intervention"],
    ...     "in_lieu_of_citation": pd.array([True, True], dtype="boolean")})
    >>> enf = pd.DataFrame({"action_datetime": pd.to_datetime(["2025-09-03"] * 2),
    ...     "school_related": pd.array([True, True], dtype="boolean"), "action_type": ["citation"] * 2,
    ...     "officer_id": ["A", None]})
    >>> alternatives(acts, enf, Span(start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 30)))["value"].tolist()
    [1, 2, 2, 1, 1, 66.7]
    """
    acts = activities_in(activities, span)
    enf = enforcement[in_span(enforcement["action_datetime"], span)
                      & enforcement["school_related"].fillna(False)]
    cited = enf[enf["action_type"] == "citation"]
    alt, by_sro = int(acts["in_lieu_of_citation"].fillna(False).sum()), int(cited["officer_id"].notna().sum())
    rate = alt / (alt + by_sro) if alt + by_sro else None
    return measures([
        ("Youth referrals logged", int((acts["activity_type"] == "youth_referral").sum())),
        ("Alternatives to citation", alt),
        ("School-related citations", len(cited)),
        ("School-related citations with an SRO recorded", by_sro),
        ("School-related citations with no officer recorded", len(cited) - by_sro),
        ("Alternatives rate (%)", None if rate is None else round(100 * rate, 1)),
    ])


def incident_reports(activities: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return law-enforcement interventions and how many required an incident report (III.D.6).

    >>> import pandas as pd, datetime as dt
    >>> acts = pd.DataFrame({"activity_date": pd.to_datetime(["2025-09-02"] * 3),
    ...     "activity_type": ["law_enforcement"] * 3,
    ...     "incident_report_filed": pd.array([True, False, None], dtype="boolean")})
    >>> incident_reports(acts, Span(start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 30)))["value"].tolist()
    [3, 1, 1]
    """
    law = activities_in(activities, span)
    law = law[law["activity_type"] == "law_enforcement"]
    filed = int(law["incident_report_filed"].fillna(False).sum())
    unknown = int(law["incident_report_filed"].isna().sum())
    return measures([
        ("Law-enforcement interventions", len(law)),
        ("of which an incident report was filed", filed),
        ("of which not recorded", unknown),
    ])

