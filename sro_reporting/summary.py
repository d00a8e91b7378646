"""Headline figures of a period, for the district or one school, and their change from the period before."""

from __future__ import annotations

import pandas as pd

from sro_reporting import people
from sro_reporting.activity import activities_in
from sro_reporting.annual import school_calls
from sro_reporting.force import force_in
from sro_reporting.frames import measures
from sro_reporting.params import SchoolYear, Span
from sro_reporting.periods import in_span
from sro_reporting.reading.dataset import DataSet


def key_figures(data: DataSet, span: Span, school_id: str | None = None) -> pd.DataFrame:
    """Return the period's headline counts at participating schools (or at one school).

    >>> import sro_reporting as sro
    >>> from sro_reporting.params import load_school_year
    >>> data, year = sro.load(), load_school_year("2025-26")  # the demo data set
    >>> figures = key_figures(data, year.semesters["spring"]).set_index("measure")["value"]
    >>> int(figures["Calls for service"]) > 0, int(figures["Use-of-force incidents"]) >= 0
    (True, True)
    """
    calls = school_calls(data.calls, data.schools, span)
    enf = people.actions(data, span)  # at the schools taking part, as III.F.2 and the breakdowns count them
    acts = activities_in(data.activities, span)
    uof = force_in(data.use_of_force, span)
    if school_id is not None:
        calls = calls[calls["school_id"] == school_id]
        enf, acts, uof = (t[t["school_id"] == school_id] for t in (enf, acts, uof))
    rows = [
        ("Calls for service", len(calls)),
        ("School-related arrests", int((enf["action_type"] == "arrest").sum())),
        ("School-related citations", int((enf["action_type"] == "citation").sum())),
        ("School-related court referrals", int((enf["action_type"] == "court_referral").sum())),
        ("SRO activities logged", len(acts)),
        ("Youth referrals", int((acts["activity_type"] == "youth_referral").sum())),
        ("Alternatives to citation", int(acts["in_lieu_of_citation"].fillna(False).sum())),
        ("Use-of-force incidents", len(uof)),
    ]
    if school_id is None:
        shifts = data.shifts[in_span(data.shifts["shift_date"], span)]
        rows.append(("SRO shifts worked", len(shifts)))
    return pd.DataFrame(rows, columns=["measure", "value"]).astype({"value": "int64"})


def compare(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Return each measure now, before, the change and the change in percent (blank from zero).

    >>> now = pd.DataFrame({"measure": ["Calls"], "value": [150]})
    >>> before = pd.DataFrame({"measure": ["Calls"], "value": [100]})
    >>> compare(now, before).to_dict("records")[0]["change_pct"]
    50.0
    """
    out = current.rename(columns={"value": "current"}).merge(
        previous.rename(columns={"value": "previous"}), on="measure", how="left")
    out["change"] = out["current"] - out["previous"]
    pct = 100 * out["change"] / out["previous"].where(out["previous"] > 0)
    out["change_pct"] = pct.astype("Float64").round(1)
    return out


def officer_months(data: DataSet, span: Span, officer_id: str) -> pd.DataFrame:
    """Return one SRO's month-by-month activity, hours and enforcement: every III.D.6 item.

    >>> import sro_reporting as sro
    >>> from sro_reporting.params import load_school_year
    >>> data, year = sro.load(), load_school_year("2025-26")  # the demo data set
    >>> months = officer_months(data, year.semesters["spring"], "004100")
    >>> months["month"].tolist()
    ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06']
    """
    from sro_reporting.periods import months
    from sro_reporting.staffing import shift_times

    def monthly(frame: pd.DataFrame, when: str, **aggs) -> pd.DataFrame:
        found = frame[(frame["officer_id"] == officer_id) & in_span(frame[when], span)]
        return found.groupby(found[when].dt.strftime("%Y-%m")).agg(**aggs)

    acts = data.activities.assign(
        is_int=data.activities["activity_type"] == "intervention",
        is_ref=data.activities["activity_type"] == "youth_referral",
        is_safe=data.activities["activity_type"] == "safety_prevention",
        report=data.activities["incident_report_filed"].fillna(False))
    enf = data.enforcement.assign(**{t: data.enforcement["action_type"] == t
                                     for t in ("arrest", "citation", "court_referral")})
    parts = [
        monthly(acts, "activity_date", activities=("activity_type", "size"), interventions=("is_int", "sum"),
                youth_referrals=("is_ref", "sum"), safety_prevention=("is_safe", "sum"),
                incident_reports=("report", "sum")),
        monthly(shift_times(data.shifts), "shift_date", hours_worked=("hours", "sum")),
        monthly(data.use_of_force, "uof_datetime", use_of_force=("uof_id", "size")),
        monthly(enf, "action_datetime", arrests=("arrest", "sum"), citations=("citation", "sum"),
                court_referrals=("court_referral", "sum")),
    ]
    index = [f"{m.start:%Y-%m}" for m in months(span)]
    out = pd.concat(parts, axis=1).reindex(index).fillna(0).rename_axis("month").reset_index()
    counts = [c for c in out.columns if c not in ("month", "hours_worked")]
    return out.astype({c: "int64" for c in counts}).round({"hours_worked": 1})


def district_comparison(data: DataSet, span: Span, school_id: str) -> pd.DataFrame:
    """Return one school's key figures beside the average participating school's.

    >>> import sro_reporting as sro
    >>> from sro_reporting.params import load_school_year
    >>> data, year = sro.load(), load_school_year("2025-26")  # the demo data set
    >>> list(district_comparison(data, year.semesters["spring"], "0007").columns)
    ['measure', 'this_school', 'district_average']
    """
    from sro_reporting.linking.schools import participating

    schools = max(len(participating(data.schools, span.start, span.end)), 1)
    out = key_figures(data, span, school_id).rename(columns={"value": "this_school"})
    district = key_figures(data, span).set_index("measure")["value"]
    out["district_average"] = (out["measure"].map(district) / schools).astype(float).round(1)
    return out


def by_school_year(data: DataSet, year: SchoolYear) -> pd.DataFrame:
    """Return the key figures of each school year the data covers, up to `year`, one column per year.

    >>> import sro_reporting as sro
    >>> from sro_reporting.params import load_school_year
    >>> data, year = sro.load(), load_school_year("2025-26")  # the demo data set
    >>> list(by_school_year(data, year).columns)
    ['measure', '2025-26']
    """
    from sro_reporting.params import load_school_year, previous_year

    columns, label = {}, year.school_year
    while True:
        try:
            span = load_school_year(label).year_span
        except FileNotFoundError:
            break
        first = data.calls["call_datetime"].min() if len(data.calls) else pd.NaT
        if pd.isna(first) or pd.Timestamp(span.end) < first.normalize():
            break
        columns[label] = key_figures(data, span).set_index("measure")["value"]
        label = previous_year(label)
    out = pd.DataFrame(dict(reversed(list(columns.items()))))
    return out.rename_axis("measure").reset_index()


def school_context(data: DataSet, span: Span) -> pd.DataFrame:
    """Return each participating school's grades, calls, school-related arrests and citations, SRO days.

    >>> import sro_reporting as sro
    >>> from sro_reporting.params import load_school_year
    >>> data, year = sro.load(), load_school_year("2025-26")  # the demo data set
    >>> len(school_context(data, year.year_span))  # the participating schools
    30
    """
    from sro_reporting.annual import (
        arrests_citations_by_school,
        calls_by_school_priority,
    )
    from sro_reporting.linking.schools import participating
    from sro_reporting.staffing import school_presence

    part = participating(data.schools, span.start, span.end)[["school_id", "school_name", "grade_band"]]
    calls = calls_by_school_priority(data.calls, data.schools, span)[["school_id", "total"]]
    actions = arrests_citations_by_school(data.enforcement, data.schools, span)[["school_id", "arrests", "citations"]]
    days = school_presence(data.activities, span)[["school_id", "days_with_sro"]]
    out = (part.merge(calls.rename(columns={"total": "calls"}), on="school_id", how="left")
               .merge(actions, on="school_id", how="left").merge(days, on="school_id", how="left"))
    counts = ["calls", "arrests", "citations", "days_with_sro"]
    out[counts] = out[counts].fillna(0).astype("int64")
    return out


def presence(data: DataSet, year: SchoolYear, span: Span, school_id: str) -> pd.DataFrame:
    """Return the days with an SRO activity at the school, the SROs seen and the hours they logged.

    >>> import sro_reporting as sro
    >>> from sro_reporting.params import load_school_year
    >>> data, year = sro.load(), load_school_year("2025-26")  # the demo data set
    >>> presence(data, year, year.semesters["spring"], "0007")["measure"].tolist()[0]
    'School days in the period'
    """
    from sro_reporting.staffing import school_days, school_presence

    found = school_presence(data.activities, span)
    row = found.set_index("school_id").reindex([school_id]).fillna(0).iloc[0]
    return measures([
        ("School days in the period", len(school_days(year, span))),
        ("Days with an SRO activity at the school", int(row["days_with_sro"])),
        ("SROs who logged an activity at the school", int(row["sros"])),
        ("Hours of SRO activity logged at the school", round(float(row["hours_logged"]), 1)),
    ])


def consultation_history(data: DataSet, school_id: str) -> pd.DataFrame:
    """Return the school's end-of-semester consultations on record, newest first.

    >>> import sro_reporting as sro
    >>> from sro_reporting.params import load_school_year
    >>> data, year = sro.load(), load_school_year("2025-26")  # the demo data set
    >>> len(consultation_history(data, "0056"))  # spring 2026 only: the fall 2025 one was missed
    1
    """
    held = data.meetings[(data.meetings["meeting_type"] == "semester_consultation")
                         & (data.meetings["school_id"] == school_id)]
    out = held.sort_values("meeting_date", ascending=False)[["meeting_date", "meeting_id"]]
    return out.assign(meeting_date=out["meeting_date"].dt.date).reset_index(drop=True)
