"""Report sections shared by the notebooks: each computes with tested metrics and shows the result.

A notebook is a list of these calls, so the same section reads the same in every report.
Breakdowns of people go through `privacy.suppress_counts` in `mps` reports.
"""

from __future__ import annotations

import pandas as pd

from sro_reporting import activity, calls, enforcement, force, people, staffing, summary
from sro_reporting.annual import (
    PRIORITIES,
    calls_by_priority_disposition,
    calls_by_school_priority,
    disposition_by_priority,
    key_figures,
    school_calls,
)
from sro_reporting.linking.schools import participating
from sro_reporting.params import Span, load_school_year
from sro_reporting.reading.dataset import DataSet
from sro_reporting.rendering import charts, protected
from sro_reporting.rendering.report import Report, period_label

SCHOOL_LABELS = {"school_id": "School ID", "school_name": "School"}
MEASURE_LABELS = {"measure": "Measure", "value": "Value", "current": "This period",
                  "previous": "Period before", "change": "Change", "change_pct": "Change (%)"}


def headline(rep: Report, data: DataSet, span: Span, previous: tuple[str, Span] | None,
             school_id: str | None = None) -> None:
    """Show the period's key figures, with the period before where there is one."""
    now = summary.key_figures(data, span, school_id)
    if previous is None:
        rep.table(now, "key_figures", "Key figures for the period", labels=MEASURE_LABELS,
                  note="No earlier period is in the data for a comparison.",
                  layout=protected.measures_layout(now, {"value": span}, school_id))
        return
    label, before = previous
    table = summary.compare(now, summary.key_figures(data, before, school_id))
    rep.table(table, "key_figures", f"Key figures for the period, compared with {label}",
              note=f"Period before: {period_label(before)}. Change in percent is blank where the "
                   "period before had none.", labels=MEASURE_LABELS,
              layout=protected.measures_layout(table, {"current": span, "previous": before}, school_id))


def annual_key_figures(rep: Report, data: DataSet) -> None:
    """Show the III.F key figures of the year and the key figures of every school year in the data."""
    figures = key_figures(data.calls, data.enforcement, data.schools, rep.period)
    rep.table(figures, "key_figures", "Key figures for the period", labels=MEASURE_LABELS,
              layout=protected.measures_layout(figures, {"value": rep.period}))
    years = summary.by_school_year(data, rep.year)
    rep.table(years, "key_figures_by_school_year", "Key figures by school year, for the years in the data",
              labels=MEASURE_LABELS, note="Each school year from July 1 to June 30; a year still under way is "
                                          "counted to the data's as-of date.",
              layout=protected.measures_layout(years, {y: load_school_year(y).year_span for y in years.columns[1:]}))


def calls_section(rep: Report, data: DataSet, span: Span, school_id: str | None = None) -> None:
    """Show calls for service at participating schools (or one school): priority, response, month."""
    found = school_calls(data.calls, data.schools, span)
    if school_id is not None:
        found = found[found["school_id"] == school_id]
    rep.section("Calls for service", "Calls linked to a participating school by CAD premise, address "
                "or hundred-block. " + calls.RESPONSE_DEFINITION)
    rep.table(calls.response_times(found), "response_times", "Calls and response times by priority",
              labels={"priority": "Priority", "calls": "Calls", "timed": "Timed",
                      "median_dispatch_min": "Median to dispatch (min)",
                      "median_response_min": "Median to arrival (min)",
                      "p90_response_min": "90th percentile to arrival (min)"})
    monthly = calls.by_month(found)
    if len(monthly) > 1:
        rep.figure(charts.bars(monthly, "month", "calls", "Month", "Calls for service"),
                   "Calls for service at participating schools by month.",
                   f"MPD CAD export; {period_label(span)}.")
        rep.table(monthly, "calls_by_month", "Calls for service by month",
                  labels={"month": "Month", "calls": "Calls"})
    rep.table(calls.by_nature(found), "calls_by_nature", "Most frequent natures of call",
              labels={"nature_of_call": "Nature of call", "calls": "Calls"})


def disposition_appendix(rep: Report, data: DataSet, span: Span, school_id: str | None = None) -> None:
    """Show calls by disposition and priority per school (III.F.1 layout), and deliver the long CSV."""
    schools = data.schools if school_id is None else data.schools[data.schools["school_id"] == school_id]
    long = calls_by_priority_disposition(data.calls, schools, span)
    rep.deliver(long, "calls_by_priority_disposition")
    rep.section("Appendix: calls by disposition and priority")
    rep.table(disposition_by_priority(long), "calls_by_disposition_and_priority",
              "Calls for service by school, disposition and priority",
              note="The same counts, one row per school, priority and disposition, are in "
                   "calls_by_priority_disposition.csv.",
              labels={**SCHOOL_LABELS, "disposition": "Disposition", "total": "Total"},
              group=["school_id", "school_name"])


def enforcement_section(rep: Report, data: DataSet, span: Span, school_id: str | None = None,
                        officer_id: str | None = None) -> None:
    """Show school-related arrests, citations and court referrals, by school and by who was involved."""
    enf = data.enforcement
    if officer_id is not None:
        enf = enf[enf["officer_id"] == officer_id]
    if school_id is not None:
        enf = enf[enf["school_id"] == school_id]
    rep.section("Arrests, citations and court referrals",
                "School-related actions only, as the Civil Rights Data Collection defines them: for "
                "activity on school grounds, at off-campus school activities (school transport "
                "included), or due to a referral by a school official. One row per person per action.")
    if school_id is None and officer_id is None:
        part = participating(data.schools, span.start, span.end)
        rep.table(enforcement.by_school(enf, part, span), "actions_by_school",
                  "School-related actions at each participating school",
                  labels={**SCHOOL_LABELS, **enforcement.ACTION_LABELS})
    if not protected.breaks_down(rep, span, school_id):
        rep.text(protected.NOT_BROKEN_DOWN)
        return
    tables = people.breakdowns(data, span) if school_id is None and officer_id is None else \
        {f"actions_by_{key}": people.Breakdown(people.ACTIONS, key, "action_type",
                                                enforcement.demographics(enf, span, key))
         for key in enforcement.BREAKDOWNS}
    for key, label in enforcement.BREAKDOWNS.items():
        protected.people_table(rep, data, span, f"actions_by_{key}", tables[f"actions_by_{key}"],
                               f"School-related actions by {label.lower()} of the person")


def activity_section(rep: Report, data: DataSet, span: Span, school_id: str | None = None,
                     officer_id: str | None = None) -> None:
    """Show SRO activities by type, referrals and alternatives to citation, incident reports."""
    acts, enf = data.activities, data.enforcement
    if officer_id is not None:
        acts, enf = acts[acts["officer_id"] == officer_id], enf[enf["officer_id"] == officer_id]
    if school_id is not None:
        acts, enf = acts[acts["school_id"] == school_id], enf[enf["school_id"] == school_id]
    rep.section("SRO activity", "Activities that SROs log: interventions, youth referrals, safety and "
                "prevention, education, mentoring and law enforcement (SOI III.D.6).")
    types = activity.by_type(acts, span).assign(
        activity_type=lambda t: t["activity_type"].map(activity.ACTIVITY_LABELS))
    rep.table(types, "activities_by_type", "SRO activities by type",
              labels={"activity_type": "Activity", "activities": "Activities", "hours": "Hours",
                      "students_involved": "Students involved"})
    rep.table(activity.alternatives(acts, enf, span), "alternatives_to_citation",
              "Youth referrals and alternatives to citation (III.D.9)",
              note=activity.ALTERNATIVE_DEFINITION, labels=MEASURE_LABELS)
    rep.table(activity.incident_reports(acts, span), "incident_reports",
              "Law-enforcement interventions that required an incident report", labels=MEASURE_LABELS)
    if school_id is None and officer_id is None:
        by_school = activity.by_school(acts, data.schools, span)
        rep.table(by_school, "activities_by_school", "SRO activities at each school",
                  labels={**SCHOOL_LABELS, **activity.ACTIVITY_LABELS, "total": "Total"})


def force_section(rep: Report, data: DataSet, span: Span, officer_id: str | None = None) -> None:
    """Show use of force: totals, types and, for the district, the people involved."""
    uof = data.use_of_force
    if officer_id is not None:
        uof = uof[uof["officer_id"] == officer_id]
    rep.section("Use of force")
    totals = force.summary(uof, span)  # subjects by student status are a people table, below
    rep.table(totals[totals["measure"] != force.STUDENTS], "use_of_force", "Use of force by SROs",
              labels=MEASURE_LABELS)
    rep.table(force.by_type(uof, span), "use_of_force_by_type", "Use of force by type",
              labels={"force_type": "Type of force", "incidents": "Incidents",
                      "subject_injured": "Subject injured", "officer_injured": "Officer injured"})
    if officer_id is not None:
        return  # one officer's few incidents: the totals and types above say it
    if not protected.breaks_down(rep, span):
        rep.text(protected.NOT_BROKEN_DOWN)
        return
    tables = people.breakdowns(data, span)
    for key, label in (*((k, enforcement.BREAKDOWNS[k]) for k in ("age_band", "race")), ("student", "Student status")):
        protected.people_table(rep, data, span, f"use_of_force_by_{key}", tables[f"use_of_force_by_{key}"],
                               f"Use of force by {label.lower()} of the person")


def staffing_section(rep: Report, data: DataSet, span: Span) -> None:
    """Show hours worked, the weekday school-hours window, the Act 12 floor and schools reached."""
    year = rep.year
    rep.section("Hours, coverage and reach",
                f"SROs work primarily {staffing.weekday_window(year)} during the school year (SOI III.A). "
                f"2023 Wisconsin Act 12 requires at least {year.sro_floor} SROs present in normal school "
                "hours; an SRO counts as present on a school day when a shift overlaps school hours.")
    sros = staffing.per_sro(data.shifts, data.activities, year, span)
    rep.table(staffing.hours_summary(sros), "hours_summary", "Hours worked and schools reached",
              labels=MEASURE_LABELS)
    if rep.audience == "mpd_internal":
        rep.table(sros, "hours_by_officer", "Hours worked and schools reached by SRO",
                  labels={"officer_id": "Officer", "shifts": "Shifts", "hours": "Hours",
                          "window_hours": "Hours in window", "share_in_window": "Share in window",
                          "schools_reached": "Schools reached"})
    duty = staffing.on_duty(data.shifts, year, span)
    if len(duty) > 1:
        rep.figure(charts.lines(duty.melt(
            id_vars="date", value_vars=["sros_on_duty", "floor"], var_name="series", value_name="sros")
            .replace({"series": {"sros_on_duty": "SROs on duty", "floor": "Act 12 floor"}}),
            "date", "sros", "series", "School day", "SROs"),
            "SROs on duty in school hours on each school day, against the Act 12 floor.",
            f"MPD shift records; {period_label(span)}.")
    below = staffing.below_floor(duty)
    rep.table(below, "days_below_floor", f"School days with fewer than {year.sro_floor} SROs on duty",
              note=f"{len(below)} of {len(duty)} school days in the period.",
              labels={"date": "School day", "sros_on_duty": "SROs on duty", "floor": "Floor"})


def priority_chart(rep: Report, data: DataSet, span: Span) -> None:
    """Show calls per participating school stacked by priority."""
    table = calls_by_school_priority(data.calls, data.schools, span)
    rep.figure(charts.stacked_bars(table, "school_name", list(PRIORITIES), "Calls for service", "Priority"),
               "Calls for service at each participating school, by CAD priority.",
               f"MPD CAD export; {period_label(span)}.")
    rep.table(table, "calls_by_school_priority", "Calls for service at each participating school by priority",
              labels={**SCHOOL_LABELS, "total": "Total"})


def officer_label(officer, audience: str) -> str:
    """Return how a report names an officer: name and ID internally, the ID alone for MPS."""
    if audience == "mpd_internal" and isinstance(officer.display_name, str):
        return f"{officer.display_name} ({officer.officer_id})"
    return f"Officer {officer.officer_id}"


COMPLIANCE_LABELS = {"officer_id": "Officer", "display_name": "Name", "sro_start": "Assigned",
                     "reason": "Finding", "meeting_id": "Meeting", "meeting_date": "Date",
                     "month": "Month", "semester": "Semester", "signed": "Signed", "expires": "Expires",
                     "date": "School day", "sros_on_duty": "SROs on duty", "floor": "Floor",
                     "completion_date": "Completed", "hours": "Hours", "certificate_id": "Certificate",
                     "provider": "Provider", **SCHOOL_LABELS}


def compliance_details(rep: Report, data: DataSet, breaches: dict[str, pd.DataFrame]) -> None:
    """Show each rule's breaches; the MPS extract leaves out personnel matters and officer names."""
    from sro_reporting.compliance import RULES, certificates, training_matrix
    from sro_reporting.staffing import active_officers

    internal = rep.audience == "mpd_internal"
    for section, label, shared in RULES:
        if not (shared or internal):
            continue
        found = breaches[section]
        if not internal:
            found = found.drop(columns=["display_name"], errors="ignore")
        rep.section(f"{label} ({section})")
        rep.table(found, f"breaches_{section.split()[0].replace('.', '_').lower()}",
                  f"{label}: breaches", labels=COMPLIANCE_LABELS,
                  note="No breach found." if found.empty else "")
    officers = active_officers(data.officers, rep.period)
    rep.section("Certificates and training on file")
    rep.table(certificates(officers, data.training), "nasro_certificates",
              "NASRO basic course certificates on file for each SRO (IV.D.2)", labels=COMPLIANCE_LABELS)
    rep.table(training_matrix(officers, data.training), "mps_training_matrix",
              "MPS additional training by SRO and topic (IV.E)", labels={"officer_id": "Officer", "missing": "Missing"})


def disparity_section(rep: Report, data: DataSet, span: Span) -> None:
    """Show arrests and citations per 1,000 enrolled students by race and the index against White."""
    rep.section("Disparity by race")
    if not data.provided("enrollment"):
        rep.text("Enrollment not provided: rates per enrolled student and the relative rate index "
                 "cannot be computed for this period.")
    elif not protected.breaks_down(rep, span):
        rep.text(protected.NOT_BROKEN_DOWN)
    else:
        protected.disparity_table(rep, data, span)
