"""Report sections shared by the notebooks: each computes with tested metrics and shows the result.

A notebook is a list of these calls, so the same section reads the same in every report.
Breakdowns of people go through `privacy.suppress_counts` in `mps` reports.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from matplotlib.figure import Figure

from sro_reporting import activity, calls, enforcement, force, people, population, staffing, summary
from sro_reporting.annual import (
    PRIORITIES,
    calls_by_priority_disposition,
    calls_by_school_priority,
    disposition_by_priority,
    key_figures,
)
from sro_reporting.linking.schools import participation_notes
from sro_reporting.params import Span, load_school_year
from sro_reporting.periods import PERIOD_DEFINITION, covered, partial_note, short_span
from sro_reporting.reading.dataset import DataSet
from sro_reporting.rendering import charts, protected
from sro_reporting.rendering.report import Report, period_label

SCHOOL_LABELS = {"school_id": "School ID", "school_name": "School", "participation": "Taking part"}
MEASURE_LABELS = {"measure": "Measure", "value": "Value", "current": "This period",
                  "previous": "Period before", "change": "Change", "change_pct": "Change (%)"}
PLACE_LABELS = {**SCHOOL_LABELS, "calls": "Calls", "arrests": "Arrests", "citations": "Citations",
                "court_referrals": "Court referrals", "activities": "SRO activities", "youth_referrals": "Youth referrals",
                "alternatives": "Alternatives to citation", "use_of_force": "Use of force"}
MONTH_LABELS = {"month": "Month", "covered": "Days covered", "days": "Days"}
DEFINITIONS = {"Period": PERIOD_DEFINITION, "Participation": population.PARTICIPATION_DEFINITION,
               "Population": population.POPULATION_DEFINITION}


def definitions_box(rep: Report, extra: dict[str, str] | None = None) -> None:
    """Show the definitions every report shares (period, participation, population) and the report's own."""
    rep.definitions({**DEFINITIONS, **(extra or {})})


def span_text(span: Span) -> str:
    """Return a period as a caption writes it: its dates, with its partial note where it has one."""
    note = partial_note(span)
    return period_label(span) + (f" ({note})" if note else "")


def month_axis(table: pd.DataFrame, sep: str = "\n") -> pd.Series:
    """Return month labels for a chart (or, with `sep=" "`, a table): `Jan 2026`, then a partial month's note.

    >>> month_axis(pd.DataFrame({"month": ["2026-01", "2026-02"], "covered": ["partial: Jan 26-31", "whole month"]}),
    ...            " ").tolist()
    ['Jan 2026 (partial: Jan 26-31)', 'Feb 2026']
    """
    names = pd.to_datetime(table["month"]).dt.strftime("%b %Y")
    notes = table["covered"] if sep == "\n" else "(" + table["covered"] + ")"
    return names.where(table["covered"] == "whole month", names + sep + notes)


def headline(rep: Report, data: DataSet, span: Span, previous: tuple[str, Span] | None,
             school_id: str | None = None) -> None:
    """Show the period's key figures, with the period before (like days) where there is one."""
    now = summary.key_figures(data, rep.year, span, school_id)
    if previous is None:
        rep.table(now, "key_figures", "Key figures for the period", labels=MEASURE_LABELS,
                  note="No earlier period is in the data for a comparison.",
                  layout=protected.measures_layout(now, {"value": span}, school_id))
        return
    label, before = previous
    table = summary.compare(now, summary.key_figures(data, rep.year, before, school_id))
    rep.table(table, "key_figures", f"Key figures for the period, compared with {label}",
              note=f"This period: {span_text(covered(span, data.as_of()))}. Period before: {span_text(before)}. "
                   + summary.COMPARE_NOTE, labels=MEASURE_LABELS,
              layout=protected.measures_layout(table, {"current": span, "previous": before}, school_id))


def annual_key_figures(rep: Report, data: DataSet) -> None:
    """Show the III.F key figures of the year, its parts (semesters and the rest) and every school year in the data."""
    figures = key_figures(data.calls, data.enforcement, data.schools, rep.period)
    rep.table(figures, "key_figures", "Key figures for the period", labels=MEASURE_LABELS,
              layout=protected.measures_layout(figures, {"value": rep.period}))
    parts = summary.by_part_of_year(data, rep.year)
    rep.table(parts, "key_figures_by_part_of_year", "Key figures in each semester and outside the semesters "
              "(summer, breaks)", note="Every record of each part, wherever it was (see Population); the parts "
              "add up to the year.", labels={"measure": "Measure", "fall": "Fall semester", "spring": "Spring semester",
                                             "outside the semesters": "Outside the semesters", "year": "Year"},
              layout=protected.measures_layout(parts, {**{s: rep.year.semesters[s] for s in rep.year.semesters},
                                                       "year": rep.year.year_span}))
    years = summary.by_school_year(data, rep.year)
    rep.table(years, "key_figures_by_school_year", "Key figures by school year, for the years in the data",
              labels=MEASURE_LABELS, note="Each school year from July 1 to June 30; a year the data end inside is "
                                          "marked partial.",
              layout=protected.measures_layout(years, {y: load_school_year(y[:7]).year_span for y in years.columns[1:]}))


def place_table(rep: Report, data: DataSet, span: Span) -> None:
    """Show every count at each school taking part, in the rows for the rest, and in total."""
    rep.table(population.by_place(data, span), "key_figures_by_school",
              "Key figures at each school taking part, and elsewhere",
              note="Rows after the schools: what counts at no school taking part in the period, so that each "
                   "column adds to the total in the key figures. " + population.POPULATION_DEFINITION,
              labels=PLACE_LABELS)


def participation_text(rep: Report, data: DataSet, span: Span, school_id: str) -> None:
    """State how the school took part in the period: the whole period, or from or to a date."""
    note = participation_notes(data.schools, span.start, span.end).get(school_id, "not taking part")
    rep.text(f"Taking part in the SRO program in this period: {note}. Every count at the school in the period "
             "counts here, the days before it joined or after it left included (see Participation below).")


def calls_section(rep: Report, data: DataSet, span: Span, school_id: str | None = None) -> None:
    """Show calls for service at schools of the program (or one school): priority, response, month."""
    found = population.program_calls(data.calls, data.schools, span)
    where = "schools of the SRO program"
    if school_id is not None:
        found = found[found["school_id"] == school_id]
        where = data.school(school_id).school_name
    rep.section("Calls for service", f"Calls linked to {where} by CAD premise, address or hundred-block. "
                + calls.RESPONSE_DEFINITION)
    rep.table(calls.response_times(found), "response_times", "Calls and response times by priority",
              labels={"priority": "Priority", "calls": "Calls", "timed": "Timed",
                      "median_dispatch_min": "Median to dispatch (min)",
                      "median_response_min": "Median to arrival (min)",
                      "p90_response_min": "90th percentile to arrival (min)"},
              note=f"Medians and percentiles are blank where fewer than {calls.MIN_TIMED} calls are timed.")
    monthly = calls.by_month(found, span, data.as_of())
    if len(monthly) > 1:
        rep.figure(charts.bars(monthly.assign(month=month_axis(monthly)), "month", "calls", "Month",
                               "Calls for service"),
                   f"Calls for service at {where} by month; partial months are marked.",
                   f"MPD CAD export; {span_text(span)}.")
        rep.table(monthly, "calls_by_month", "Calls for service by month",
                  labels={**MONTH_LABELS, "calls": "Calls"})
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
        rep.table(enforcement.by_school(enf, data.schools, span), "actions_by_school",
                  "School-related actions at each school taking part, and elsewhere",
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
                      "student_contacts": "Student contacts"}, note=activity.CONTACTS_DEFINITION)
    rep.table(activity.alternatives(acts, enf, span), "alternatives_to_citation",
              "Youth referrals and alternatives to citation (III.D.9)",
              note=activity.ALTERNATIVE_DEFINITION, labels=MEASURE_LABELS)
    rep.table(activity.incident_reports(acts, span), "incident_reports",
              "Law-enforcement interventions that required an incident report", labels=MEASURE_LABELS)
    if school_id is None and officer_id is None:
        by_school = activity.by_school(acts, data.schools, span)
        rep.table(by_school, "activities_by_school", "SRO activities at each school taking part, and elsewhere",
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


def duty_chart(duty: pd.DataFrame) -> Figure:
    """Return the SROs-on-duty line chart against the Act 12 floor, its axis from zero."""
    fig = charts.lines(duty.melt(id_vars="date", value_vars=["sros_on_duty", "floor"], var_name="series",
                                 value_name="sros")
                       .replace({"series": {"sros_on_duty": "SROs on duty", "floor": "Act 12 floor"}}),
                       "date", "sros", "series", "School day", "SROs")
    fig.axes[0].set_ylim(bottom=0)
    return fig


def staffing_section(rep: Report, data: DataSet, span: Span) -> None:
    """Show hours worked, the weekday school-hours window, the Act 12 floor and schools reached."""
    year = rep.year
    rep.section("Hours, coverage and reach",
                f"SROs work primarily {staffing.weekday_window(year)} during the school year (SOI III.A). "
                f"2023 Wisconsin Act 12 requires at least {year.sro_floor} SROs present in normal school "
                "hours; an SRO counts as present on a school day when a shift overlaps that day's school hours "
                "(a shift past midnight counts for the next day when it reaches into its school hours).")
    sros = staffing.per_sro(data.shifts, data.activities, year, span)
    rep.table(staffing.hours_summary(sros), "hours_summary", "Hours worked and schools reached",
              labels=MEASURE_LABELS)
    if rep.audience == "mpd_internal":
        rep.table(sros, "hours_by_officer", "Hours worked and schools reached by SRO",
                  labels={"officer_id": "Officer", "shifts": "Shifts", "hours": "Hours",
                          "window_hours": "Hours in window", "share_in_window": "Share in window",
                          "schools_reached": "Schools reached"})
    part = covered(span, data.as_of())
    duty = staffing.on_duty(data.shifts, year, part)
    if len(duty) > 1:
        rep.figure(duty_chart(duty), "SROs on duty in school hours on each school day, against the Act 12 floor.",
                   f"MPD shift records; {span_text(part)}.")
    below = staffing.below_floor(duty)
    rep.table(below, "days_below_floor", f"School days with fewer than {year.sro_floor} SROs on duty",
              note=f"{len(below)} of {len(duty)} school days in the period"
                   + (f" up to the data's as-of date ({short_span(part)})." if part != span else "."),
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
                     "reason": "Finding", "meeting_id": "Meeting", "meeting_date": "Date", "due": "Due",
                     "status": "Status", "month": "Month", "semester": "Semester", "signed": "Signed",
                     "expires": "Expires", "date": "School day", "sros_on_duty": "SROs on duty", "floor": "Floor",
                     "completion_date": "Completed", "hours": "Hours", "certificate_id": "Certificate",
                     "provider": "Provider", "section": "Section", "left_out": "Left out", "why": "Why",
                     **SCHOOL_LABELS}


def compliance_details(rep: Report, data: DataSet, findings: dict[str, pd.DataFrame], as_of: dt.date) -> None:
    """Show each rule's findings; the MPS extract says what it leaves out and why.

    Training dated after the check date `as_of` is not on file yet.
    """
    from sro_reporting.compliance import RULES, certificates, extract_omissions, training_matrix
    from sro_reporting.staffing import active_officers

    internal = rep.audience == "mpd_internal"
    if not internal:
        rep.section("What this extract leaves out")
        rep.table(extract_omissions(), "left_out", "Left out of the extract for MPS, and why",
                  labels=COMPLIANCE_LABELS)
    for section, label, shared in RULES:
        if not (shared or internal):
            continue
        found = findings[section]
        if not internal:
            found = found.drop(columns=["display_name"], errors="ignore")
        rep.section(f"{label} ({section})")
        rep.table(found, f"findings_{section.split()[0].replace('.', '_').lower()}",
                  f"{label}: findings", labels=COMPLIANCE_LABELS,
                  note="No finding." if found.empty else "")
    officers = active_officers(data.officers, rep.period)
    training = data.training[data.training["completion_date"] <= pd.Timestamp(as_of)]
    rep.section("Certificates and training on file")
    rep.table(certificates(officers, training), "nasro_certificates",
              "NASRO basic course certificates on file for each SRO (IV.D.2)", labels=COMPLIANCE_LABELS)
    rep.table(training_matrix(officers, training), "mps_training_matrix",
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
