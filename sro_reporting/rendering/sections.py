"""Report sections shared by the notebooks: each computes with tested metrics and shows the result.

A notebook is a list of these calls, so the same section reads the same in every report.
Breakdowns of people go through `privacy.suppress_counts` in `mps` reports.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pandas as pd
from matplotlib.figure import Figure

from sro_reporting.linking.schools import participation_notes
from sro_reporting.measures import (
    activity,
    assignments,
    call_times,
    calls,
    complaints,
    enforcement,
    force,
    offenses,
    people,
    population,
    rates,
    searches,
    staffing,
    summary,
    training,
)
from sro_reporting.measures.annual import (
    PRIORITIES,
    calls_by_priority_disposition,
    disposition_by_priority,
    key_figures,
)
from sro_reporting.params import SchoolYear, Span, school_year_of, year_span
from sro_reporting.periods import (
    PERIOD_DEFINITION,
    QUARTER_DEFINITION,
    covered,
    partial_note,
    previous_quarter,
    short_span,
)
from sro_reporting.reading.dataset import DataSet
from sro_reporting.rendering import charts, findings, glossary, protected
from sro_reporting.rendering.report import (
    NOT_COLLECTED,
    Report,
    definition_list,
    long_date,
    period_label,
)

SCHOOL_LABELS = {"school_id": "School ID", "school_name": "School", "participation": "Taking part"}
MEASURE_LABELS = {"measure": "Measure", "value": "Value", "current": "This period",
                  "previous": "Period before", "change": "Change", "change_pct": "Change (%)"}
PLACE_LABELS = {**SCHOOL_LABELS, "calls": "Calls", "arrests": "Arrests", "citations": "Citations",
                "court_referrals": "Court referrals", "activities": "SRO activities", "youth_referrals": "Youth referrals",
                "alternatives": "Alternatives to citation", "use_of_force": "Use of force"}
MONTH_LABELS = {"month": "Month", "covered": "Days covered", "days": "Days"}
FORCE_LABELS = {"force_type": "Type of force", "incidents": "Incidents", "subject_injured": "Subject injured",
                "officer_injured": "Officer injured"}
DEFINITIONS = {"Period": PERIOD_DEFINITION, "Participation": population.PARTICIPATION_DEFINITION,
               "Population": population.POPULATION_DEFINITION}


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


QUARTER_PARTS = {"measure": "Measure", "fall": "In the fall semester", "spring": "In the spring semester",
                 "outside the semesters": "Outside the semesters", "quarter": "Quarter"}
SEARCH_LABELS = {**SCHOOL_LABELS, "PERSON": "Person", "PROPERTY": "Property", "VEHICLE": "Vehicle", "total": "Total",
                 "found": "Found", "basis": "Basis"}
SEARCH_PEOPLE = ("Searches are counted by type, basis, what was found and school. They are not broken down by the age, "
                 "gender or race of the person searched: a quarter's counts of people searched are small.")
QUARTER_DEFINITIONS = {"Quarter": QUARTER_DEFINITION, "Search": searches.DEFINITION,
                       "Complaint": complaints.DEFINITION, "SROs at a school": assignments.DEFINITION,
                       "Not collected": "a measure whose source table MPD's data do not include (an optional input): "
                                        "blank in the CSV files, never 0."}


def not_collected(rep: Report, what: str, table: str) -> None:
    """Say that a measure's optional source table was not provided: not collected, which is not zero."""
    rep.text(f"{what}: {NOT_COLLECTED}. MPD's data for this report include no {table} table (an optional input), "
             f"so this report gives no count of {what.lower()}; that is not a count of zero.")


def quarter_before(data: DataSet, span: Span) -> tuple[str, Span] | None:
    """Return the quarter before (like days where this one is partial), or None where the data start after it."""
    label, before = previous_quarter(span, data.as_of())
    return (label, before) if summary.reaches_back(data, before) else None


def quarter_headline(rep: Report, data: DataSet, span: Span, previous: tuple[str, Span] | None) -> None:
    """Show the quarter's key figures (searches, complaints, training included) and its days in each semester."""
    now = summary.quarter_figures(data, rep.year, span)
    note = (f"{NOT_COLLECTED.capitalize()}: MPD's data do not include that table (blank in the CSV file, never 0)."
            if now["value"].isna().any() else "")
    if previous is None:
        rep.table(now, "key_figures", "Key figures for the quarter", labels=MEASURE_LABELS, blank=NOT_COLLECTED,
                  note=f"No earlier quarter is in the data for a comparison. {note}".strip(),
                  layout=protected.measures_layout(now, {"value": span}))
    else:
        label, before = previous
        table = summary.compare(now, summary.quarter_figures(data, rep.year, before), missing=None)
        rep.table(table, "key_figures", f"Key figures for the quarter, compared with {label}", labels=MEASURE_LABELS,
                  blank=NOT_COLLECTED, note=f"This quarter: {span_text(covered(span, data.as_of()))}. Quarter before: "
                                            f"{span_text(before)}. {summary.COMPARE_NOTE} {note}".strip(),
                  layout=protected.measures_layout(table, {"current": span, "previous": before}))
    parts = summary.by_part_of_quarter(data, rep.year, span)
    rep.table(parts, "key_figures_by_part_of_quarter", "Key figures in the quarter's days of each semester and "
              "outside the semesters", labels=QUARTER_PARTS,
              note="Every record of each part, wherever it was (see Population); the parts add up to the quarter, and "
                   "the quarters of a semester add up to the semester report's figures.")


def searches_section(rep: Report, data: DataSet, span: Span) -> None:
    """Show searches by SROs at each school and in total, by type, basis and what was found."""
    rep.section("Searches", searches.DEFINITION)
    if not data.provided("searches"):
        not_collected(rep, "Searches", "searches")
        return
    rep.table(searches.by_school(data.searches, data.schools, span), "searches_by_school",
              "Searches by type at each school taking part, and elsewhere", labels=SEARCH_LABELS,
              note="Rows after the schools: searches at no school taking part in the period, so that each column "
                   "adds to the total.")
    rep.table(searches.by_found(data.searches, span), "searches_by_found", "Searches by what was found, and by type",
              labels=SEARCH_LABELS)
    rep.table(searches.by_basis(data.searches, span), "searches_by_basis", "Searches by legal basis, and by type",
              labels=SEARCH_LABELS)
    rep.text(SEARCH_PEOPLE)


def sros_section(rep: Report, data: DataSet, span: Span) -> None:
    """Show the SROs assigned to each school taking part, those who logged activity there, and the days with one."""
    rep.section("SROs at each school", assignments.DEFINITION)
    roster = data.assignments if data.provided("assignments") else None
    if roster is None:
        rep.text(f"SROs assigned: {NOT_COLLECTED}. MPD's data include no roster of SROs per school (the assignments "
                 "table), so the SROs of each school are taken from the activity log: those who logged an activity "
                 "there.")
    rep.table(assignments.per_school(roster, data.activities, data.schools, span), "sros_by_school",
              "SROs at each school taking part: assigned, logging activity there, and days with an SRO",
              labels={**SCHOOL_LABELS, "sros_assigned": "SROs assigned", "sros_logged": "SROs who logged activity",
                      "days_with_sro": "Days with an SRO"}, blank=NOT_COLLECTED,
              note="Total: the district, each SRO and each day counted once, however many schools.")


def training_section(rep: Report, data: DataSet, span: Span) -> None:
    """Show the training SROs completed in the period, by course."""
    rep.section("Training completed", "Courses SROs completed in the period, by the date on MPD's training record: "
                "the 40-hour NASRO basic course (IV.D) and MPS's additional training (IV.E).")
    if not data.provided("training"):
        not_collected(rep, "Training completed", "training")
        return
    rep.table(training.completed(data.training, span), "training_completed", "Training completed by SROs, by course",
              labels={"course": "Course", "completions": "Completions", "officers": "SROs", "hours": "Hours"},
              note="Total: each SRO counted once, however many courses.")


def complaints_section(rep: Report, data: DataSet, span: Span) -> None:
    """Show complaints about SROs received and closed in the period, by category, source and finding."""
    rep.section("Complaints", complaints.DEFINITION)
    if not data.provided("complaints"):
        not_collected(rep, "Complaints", "complaints")
        return
    closing = complaints.closing_recorded(data.complaints)
    if not closing:
        rep.text(f"Complaints closed and open: {NOT_COLLECTED}. MPD's complaints table gives no closing dates.")
    rep.table(complaints.by_category(data.complaints, span), "complaints_by_category",
              "Complaints about SROs received, closed and open at the quarter's end, by category",
              labels={"category": "Category", "received": "Received", "closed": "Closed",
                      "open_at_end": "Open at the end"}, blank=NOT_COLLECTED)
    rep.table(complaints.received_by_source(data.complaints, span), "complaints_by_source",
              "Complaints received, by where they were made", labels={"source": "Received by", "received": "Received"})
    if closing:
        rep.table(complaints.closed_by_finding(data.complaints, span), "complaints_closed_by_finding",
                  "Complaints closed, by finding", labels={"finding": "Finding", "closed": "Closed"})


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
                                          "marked partial. School days are given for the years whose calendar "
                                          "the project has (a parameter file); a blank count: that table's "
                                          "records begin after the year.",
              layout=protected.measures_layout(years, {y: year_span(y[:7]) for y in years.columns[1:]}))
    if len(years.columns) > 2:
        school_year_chart(rep, years)


def school_year_chart(rep: Report, years: pd.DataFrame) -> None:
    """Show the calls for service at participating schools in each school year of the data."""
    calls = years.set_index("measure").loc[population.MEASURES["calls"]]
    trend = pd.DataFrame({"school_year": [y[:7] + ("\npartial" if "(" in y else "") for y in calls.index],
                          "calls": calls.astype("int64").to_numpy()})
    rep.figure(charts.bars(trend, "school_year", "calls", "School year", "Calls for service"),
               "Calls for service at participating schools by school year (the values are in the table above).",
               "MPD CAD export.", alt=charts.describe_bars(list(calls.index), list(trend["calls"]),
                                                           "calls for service at participating schools by school year"))


def place_table(rep: Report, data: DataSet, span: Span) -> None:
    """Show every count at each school taking part, in the rows for the rest, and in total."""
    rep.table(population.by_place(data, span), "key_figures_by_school",
              "Key figures at each school taking part, and elsewhere",
              note="Rows after the schools: what counts at no school taking part in the period, so that each "
                   "column adds to the total in the key figures. " + population.POPULATION_DEFINITION,
              labels=PLACE_LABELS)


def school_map(rep: Report, data: DataSet, span: Span) -> None:
    """Show where the schools taking part are, from the registry's coordinates (drawn offline, no base map)."""
    from sro_reporting.linking.schools import participating

    part = participating(data.schools, span.start, span.end)
    placed = part.dropna(subset=["latitude", "longitude"]) if {"latitude", "longitude"} <= set(part.columns) \
        else part.iloc[:0]
    if placed.empty:
        return
    rep.figure(charts.school_map(placed), "Where the schools taking part are: each point a school at its "
               "coordinates, labelled with its school ID (the school's name is beside its ID in the tables), a "
               "marker for each kind of school.", "MPS school registry (latitude and longitude).",
               alt=charts.describe_map(placed))


def trend_section(rep: Report, data: DataSet, span: Span) -> None:
    """Show every month of the school year so far: calls, actions and use of force, with a chart of the calls."""
    table = summary.months_so_far(data, rep.year, span)
    rep.section("The school year so far", "Every month from July 1 to the end of this month, for the district: "
                "every record of each month, wherever it was (see Population).")
    named = table.assign(month=month_axis(table, " "))
    rep.figure(charts.bars(table.assign(month=month_axis(table)), "month", "calls", "Month", "Calls for service"),
               "Calls for service at schools of the SRO program in each month of the school year so far; partial "
               "months are marked.", f"MPD CAD export; {span_text(Span(start=rep.year.year_span.start, end=span.end))}.",
               alt=charts.describe_bars(list(named["month"]), list(named["calls"]),
                                        "calls for service in each month of the school year so far"))
    rep.table(named.drop(columns="covered"), "months_so_far", "Each month of the school year so far (the figure's "
              "values)", labels={"month": "Month", **{m: PLACE_LABELS[m] for m in summary.TREND_MEASURES},
                                 "school_days": "School days"})


def open_items_section(rep: Report, data: DataSet, span: Span) -> None:
    """Show what is open for the next monthly meeting with the MPS safety director: the end-of-semester
    consultations owed on the brief's last day with data (III.E.2, as the compliance check counts them), by school,
    and the next meeting scheduled in the parameter files."""
    from sro_reporting.measures.compliance import consultations_owed, next_meeting, open_items

    on = covered(span, data.as_of()).end
    owed = consultations_owed(data.meetings, data.schools, rep.year, on)
    rep.section("Open items", f"What is open on {long_date(on)} for the next monthly meeting with the MPS safety "
                "director (III.E.1).")
    rep.table(open_items(owed, next_meeting(rep.year, on)), "open_items", "Consultations owed and the next meeting",
              labels={"item": "Open item", "schools": "Schools", "due": "Date", "state": "State"},
              note=f"Date: the last day a consultation counts for its semester (within "
                   f"{rep.year.consultation_window_days} days of the semester's last day, as the compliance report counts "
                   f"it), or the meeting's date: the first after {long_date(on)} in the parameter files "
                   "(safety_meetings). Overdue: that day has passed with none held.")
    if len(owed):
        rep.table(owed[["school_id", "school_name", "semester", "due", "state"]], "consultations_owed",
                  "Schools that owe an end-of-semester consultation", labels={**SCHOOL_LABELS, "semester": "Semester",
                                                                              "due": "Due by", "state": "State"})


def outside_windows_table(rep: Report, data: DataSet, span: Span, school_id: str | None = None) -> None:
    """Show what came at schools of the program before they joined or after they left (contract v3), with its total:
    the records the row "at a school not taking part" holds for them."""
    table = population.outside_windows(data, span, school_id)
    where = "at this school" if school_id is not None else "at a school of the program"
    if table.empty:
        rep.text(f"No record of the period came {where} before it joined the SRO program or after it left.")
        return
    total = pd.DataFrame([{"school_id": None, "school_name": population.TOTAL, "when": "",
                           **table[list(population.MEASURES)].sum().to_dict()}])
    rep.table(pd.concat([table, total], ignore_index=True).astype({m: "int64" for m in population.MEASURES}),
              "outside_participation", f"Records {where} before it joined or after it left the SRO program",
              note="A school counts a record only on the days it takes part, from the day it joined to the day it "
                   "left; these records count in the row \"at a school not taking part in the period\" instead.",
              labels={**PLACE_LABELS, "when": "When"})


def like_schools_table(rep: Report, data: DataSet, span: Span, school_id: str) -> None:
    """Show the school's counts per 100 students beside the schools of its kind taking part."""
    if not data.provided("enrollment"):
        return
    table = summary.like_schools(data, rep.year, span, school_id)
    if table.empty:
        rep.text("No enrollment is given for the school: no rates per 100 students.")
        return
    kind = data.school(school_id).grade_band
    rep.table(table, "like_schools", f"This school per 100 students, beside the schools of its kind ({kind}) "
              "taking part",
              note=f"Per 100 students enrolled in school year {rep.year.school_year}. Schools of its kind: every "
                   f"school of the kind {kind} taking part in the period with its enrollment given, this one "
                   "included; their counts added up over their students added up, so a large school weighs as much "
                   "as its students.",
              labels={"measure": "Measure", "this_school": "This school", "this_school_per": "This school per 100",
                      "like_schools_per": "Schools of its kind per 100"})


def participation_text(rep: Report, data: DataSet, span: Span, school_id: str) -> None:
    """State how the school took part in the period: the whole period, or from or to a date."""
    note = participation_notes(data.schools, span.start, span.end).get(school_id, "not taking part")
    rep.text(f"Taking part in the SRO program in this period: {note}. A record at the school counts here only on "
             "the days the school takes part; what happened before it joined or after it left counts in the row "
             "\"at a school not taking part\" of the district's tables (see Participation below).")


def consultations_table(rep: Report, data: DataSet, span: Span, school_id: str) -> None:
    """Show the school's end-of-semester consultations that count for the period, as compliance counts them."""
    from sro_reporting.measures.compliance import consultation_window, consultations_held

    days = rep.year.consultation_window_days
    window = consultation_window(span, days)
    held = consultations_held(data.meetings[data.meetings["school_id"] == school_id], span, days,
                              data.as_of() or window.end).sort_values("meeting_date")
    table = pd.DataFrame({"meeting": held["meeting_type"].map(glossary.MEETING_TYPES),
                          "meeting_date": held["meeting_date"].dt.date, "meeting_id": held["meeting_id"]})
    as_of = data.as_of() or window.end
    rep.text(consultation_state(held["meeting_date"], window, as_of))
    rep.table(table, "consultations", "End-of-semester consultations with the school for this semester (III.E.2)",
              note=f"A consultation counts for the semester when it is held within {days} days of the semester's "
                   f"last day ({long_date(span.end)}): from {long_date(window.start)} to {long_date(window.end)}, "
                   "as the compliance check counts it.",
              labels={"meeting": "Meeting", "meeting_date": "Date", "meeting_id": "Record"})


def sros_at_school_table(rep: Report, data: DataSet, span: Span, school_id: str) -> None:
    """Show the SROs who serve the school: each one's days with an activity logged there and the hours."""
    acts = population.at_school(data.activities, "activity_date", data.schools, span, school_id)
    table = staffing.sros_at_school(acts, span)
    names = data.officers.drop_duplicates("officer_id").set_index("officer_id")["display_name"]
    internal = rep.audience == "mpd_internal"
    table["officer_id"] = [officer_label(SimpleNamespace(officer_id=o, display_name=names.get(o)), rep.audience)
                           if internal else f"SRO {i}" for i, o in enumerate(table["officer_id"], 1)]
    rep.table(table, "sros_at_school", "The SROs who logged activities at the school, on how many days",
              note="Days: the days with at least one activity the SRO logged at the school; hours: the hours those "
                   "activities took." + ("" if internal else " The release for MPS names no officer and gives no "
                                         "officer ID: the SROs are numbered by their days at the school."),
              labels={"officer_id": "SRO", "days": "Days", "hours": "Hours logged"})


def consultation_state(held: pd.Series, window: Span, as_of: dt.date) -> str:
    """Return the semester consultation's state in words: held, overdue, or due by the window's end.

    >>> window = Span(start=dt.date(2026, 5, 13), end=dt.date(2026, 7, 12))
    >>> consultation_state(pd.Series([], dtype="datetime64[ns]"), window, dt.date(2026, 11, 20))
    'Consultation overdue: none was held with the school between May 13, 2026 and July 12, 2026.'
    >>> consultation_state(pd.Series([], dtype="datetime64[ns]"), window, dt.date(2026, 6, 1))
    'Consultation not yet held: due by July 12, 2026.'
    """
    if len(held):
        return f"Consultation held on {long_date(pd.Timestamp(held.min()).date())}."
    if as_of > window.end:
        return (f"Consultation overdue: none was held with the school between {long_date(window.start)} and "
                f"{long_date(window.end)}.")
    return f"Consultation not yet held: due by {long_date(window.end)}."


def calls_section(rep: Report, data: DataSet, span: Span, school_id: str | None = None) -> None:
    """Show calls for service at schools of the program (or one school): priority, response, month."""
    found = population.program_calls(data.calls, data.schools, span)
    where = "schools of the SRO program"
    if school_id is not None:
        found = found[found["place"] == school_id]
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
        named = monthly.assign(month=month_axis(monthly, " "))
        rep.figure(charts.bars(monthly.assign(month=month_axis(monthly)), "month", "calls", "Month",
                               "Calls for service"),
                   f"Calls for service at {where} by month; partial months are marked.",
                   f"MPD CAD export; {span_text(span)}.",
                   alt=charts.describe_bars(list(named["month"]), list(named["calls"]),
                                            f"calls for service at {where} by month"))
        rep.table(monthly, "calls_by_month", "Calls for service by month (the figure's values)",
                  labels={**MONTH_LABELS, "calls": "Calls"})
    natures = calls.by_nature(found)
    rep.table(natures.assign(meaning=natures["nature_of_call"].map(glossary.nature_label)), "calls_by_nature",
              "Most frequent natures of call", note="Nature of call: the CAD code as MPD's dispatch system records "
              "it (cut at 16 characters), with its meaning in plain English.",
              labels={"nature_of_call": "Nature of call (CAD code)", "calls": "Calls", "meaning": "Meaning"})


def incidents_section(rep: Report, data: DataSet, span: Span) -> None:
    """Show the weapon calls and uses of force of the period: listed by date, school and type for MPD, counted for MPS."""
    names = data.schools.drop_duplicates("school_id").set_index("school_id")["school_name"]
    weapons = calls.weapon_calls(population.program_calls(data.calls, data.schools, span))
    uof = force.force_in(data.use_of_force, span).sort_values("uof_datetime")
    rep.section("Weapon calls and use of force", "Calls whose nature of call reports a weapon ("
                + ", ".join(glossary.nature_label(n) for n in calls.WEAPON_NATURES) + ") and every use of force "
                "by an SRO in the period.")
    if rep.audience == "mpd_internal":
        rep.table(pd.DataFrame({"when": weapons["call_datetime"].dt.strftime("%Y-%m-%d %H:%M"),
                                "school_name": weapons["school_id"].map(names),
                                "nature": weapons["nature_of_call"].map(glossary.nature_label),
                                "priority": weapons["priority_label"], "disposition": weapons["disposition"]}),
                  "weapon_calls", "Weapon calls, by date", labels={"when": "Date and time", "school_name": "School",
                  "nature": "Nature of call", "priority": "Priority", "disposition": "Disposition"},
                  note="None in this period." if weapons.empty else INTERNAL_LIST)
        rep.table(pd.DataFrame({"when": uof["uof_datetime"].dt.strftime("%Y-%m-%d %H:%M"),
                                "school_name": uof["school_id"].map(names).fillna(population.NO_SCHOOL),
                                "force_type": uof["force_type"],
                                "subject_injured": uof["subject_injured"].astype("boolean"),
                                "officer_injured": uof["officer_injured"].astype("boolean")}),
                  "use_of_force_incidents", "Use of force, by date",
                  labels={"when": "Date and time", "school_name": "School", "force_type": "Type of force",
                          "subject_injured": "Subject injured", "officer_injured": "Officer injured"},
                  note="None in this period." if uof.empty else INTERNAL_LIST)
        return
    counts = weapons["nature_of_call"].value_counts().reindex(list(calls.WEAPON_NATURES), fill_value=0)
    rep.table(pd.DataFrame({"nature": [glossary.nature_label(n) for n in counts.index], "calls": counts.to_numpy()}),
              "weapon_calls_by_nature", "Weapon calls by nature of call",
              labels={"nature": "Nature of call", "calls": "Calls"})
    rep.table(force.by_type(data.use_of_force, span), "use_of_force_by_type", "Use of force by type",
              labels=FORCE_LABELS)


INTERNAL_LIST = "Listed one by one for MPD; the brief for MPS gives the counts only."


def disposition_appendix(rep: Report, data: DataSet, span: Span, school_id: str | None = None) -> None:
    """Show calls by disposition and priority per school (III.F.1 layout), and deliver the long CSV."""
    schools = data.schools if school_id is None else data.schools[data.schools["school_id"] == school_id]
    long = calls_by_priority_disposition(data.calls, schools, span)
    here = rep.deliver(long, "calls_by_priority_disposition").relative_to(rep.out_dir).as_posix()
    rep.appendix("Appendix A. Calls by disposition and priority")
    rep.table(disposition_by_priority(long), "calls_by_disposition_and_priority",
              "Calls for service by school, disposition and priority",
              note=f"The same counts for this period, one row per school, priority and disposition, are in {here}. "
                   "The file of that name at the top of tables/ is the school year's III.F table (the annual "
                   "report's), not this period's.",
              labels={**SCHOOL_LABELS, "disposition": "Disposition", "total": "Total"},
              group=["school_id", "school_name"])


def enforcement_section(rep: Report, data: DataSet, span: Span, school_id: str | None = None,
                        officer_id: str | None = None) -> None:
    """Show school-related arrests, citations and court referrals, by school and by who was involved."""
    enf = data.enforcement
    if officer_id is not None:
        enf = enf[enf["officer_id"] == officer_id]
    if school_id is not None:
        enf = population.at_school(enf, "action_datetime", data.schools, span, school_id)
    rep.section("Arrests, citations and court referrals",
                "School-related actions only, as the Civil Rights Data Collection defines them: for "
                "activity on school grounds, at off-campus school activities (school transport "
                "included), or due to a referral by a school official. One row per person per action.")
    if school_id is None and officer_id is None:
        rep.table(enforcement.by_school(enf, data.schools, span), "actions_by_school",
                  "School-related actions at each school taking part, and elsewhere",
                  labels={**SCHOOL_LABELS, **enforcement.ACTION_LABELS})
        rep.table(enforcement.by_officer_recorded(enf, span), "actions_by_officer_recorded",
                  "School-related actions with an SRO recorded as the officer, and with no officer recorded",
                  note="An action with no officer recorded may have involved an SRO or another officer: the export "
                       "does not say. The alternatives rate compares SROs' alternatives with the citations that "
                       "have an SRO recorded.",
                  labels={"action": "Action", "with_sro": "SRO recorded", "no_officer": "No officer recorded",
                          "total": "Total"})
    if not protected.breaks_down(rep, span, school_id):
        rep.text(protected.NOT_BROKEN_DOWN)
        return
    tables = people.breakdowns(data, span) if school_id is None and officer_id is None else \
        {f"actions_by_{key}": people.Breakdown(people.ACTIONS, key, "action_type",
                                                enforcement.demographics(enf, span, key))
         for key in enforcement.BREAKDOWNS} | {"actions_by_offense": people.Breakdown(
            people.ACTIONS, "offense", "action_type", people.by_offense(enforcement.actions_in(enf, span)))}
    for key, label in enforcement.BREAKDOWNS.items():
        protected.people_table(rep, data, span, f"actions_by_{key}", tables[f"actions_by_{key}"],
                               f"School-related actions by {label.lower()} of the person")
    offense_table(rep, data, span, tables["actions_by_offense"])


def offense_note() -> str:
    """Return how an action's offense type is found: the crosswalk, its version, and what becomes Other."""
    walk = offenses.crosswalk()
    where = "shipped with the package" if walk.origin == "packaged" else f"the project's {walk.origin}"
    return (f"Offense type: the offense MPD recorded (words, a statute or a city ordinance number), mapped by the "
            f"offense crosswalk, version {walk.version} ({where}), to the eight kinds Wis. Stat. 118.124 names. "
            "Every other offense, and an offense the crosswalk does not know, is under Other offenses; MPD's "
            "data-quality log lists the offenses it does not know, with their counts.")


def offense_table(rep: Report, data: DataSet, span: Span, b: people.Breakdown) -> None:
    """Show school-related actions by offense type (the eight kinds of Wis. Stat. 118.124, and other)."""
    if protected.people_table(rep, data, span, "actions_by_offense", b,
                              "School-related actions by offense type (the kinds of Wis. Stat. 118.124, and other)"):
        rep.text(offense_note())


def offense_section(rep: Report, data: DataSet, span: Span) -> None:
    """Show the period's school-related actions by offense type, for the whole district."""
    rep.section("Offense types", "School-related arrests, citations and court referrals by the kind of offense, in "
                "the eight kinds that Wis. Stat. 118.124 asks high schools to report (and other offenses). One row "
                "per person per action, as in every table of actions.")
    if not protected.breaks_down(rep, span):
        rep.text(protected.NOT_BROKEN_DOWN)
        return
    offense_table(rep, data, span, people.breakdowns(data, span)["actions_by_offense"])


def dpi_118124_findings(rep: Report, data: DataSet) -> None:
    """Findings of the 118.124 report: incidents in all and at how many high schools (the printed grand total and
    zeros, never a hidden count), how the settings were known, and the due date."""
    from sro_reporting.measures.compliance import dpi_118124_due

    span, walk = rep.year.year_span, offenses.crosswalk()
    findings_section(rep, findings.incidents_118124(
        offenses.incidents(data.enforcement, data.schools, rep.year, span, walk),
        offenses.settings_used(data.enforcement, data.schools, rep.year, span, walk), dpi_118124_due(rep.year)))


def dpi_118124_section(rep: Report, data: DataSet) -> None:
    """Show the school year's Wis. Stat. 118.124 incidents at each high school and in total, with how they were
    found: the conditions, the settings recorded or taken from the calendar, and (for MPD) the offenses not mapped."""
    span, walk = rep.year.year_span, offenses.crosswalk()
    b = people.incidents_118124(data, rep.year)
    rep.section("Incidents at each high school (Wis. Stat. 118.124)",
                "Incidents, not people: an incident with several people arrested or cited counts once, in each kind "
                "it involves. Counted when MPD's record is school-related, at a high school, in school hours, at a "
                "school event or on school transport, and an arrest (a charge) or a citation was made.")
    if b.counts.empty:
        rep.text("No school in the list of schools has a high-school grade band (grade_band naming a high school or "
                 "holding a grade from 9 to 12), so there is no high school to report on.")
    else:
        protected.incidents_table(rep, data, span, b, "Incidents by high school and kind (Wis. Stat. 118.124)")
    rep.section("How the incidents were found")
    rep.table(offenses.settings_used(data.enforcement, data.schools, rep.year, span, walk), "incidents_by_setting",
              "Arrests and citations counted, by when they happened and how that is known",
              note="Recorded: MPD's record gives where the incident happened (incident_setting). School calendar: the "
                   f"record gives none, so an action on a school day from {staffing.weekday_window(rep.year)} counts "
                   "as in school hours, and one at other times does not count (an evening game without a recorded "
                   "setting is missed).",
              labels={"setting": "When", "recorded": "Recorded", "school calendar": "From the school calendar"})
    if rep.audience == "mpd_internal":  # free text from the export: never in what MPS receives
        rep.table(offenses.unmapped(data.enforcement, walk), "offenses_not_in_crosswalk",
                  "Offenses the crosswalk does not map (every action of the data, any period)",
                  note="Counted as other offenses. Add a row to params/offense_crosswalk.csv where one of them is "
                       "one of the eight kinds.", labels={"offense": "Offense as recorded", "actions": "Actions"})


def crdc_section(rep: Report, data: DataSet, span: Span) -> None:
    """Show referrals to law enforcement and school-related arrests as the Civil Rights Data Collection counts them:
    students, where the export identifies people, else actions."""
    table = enforcement.crdc_referrals(data.enforcement, span)
    keyed = enforcement.identifies_people(data.enforcement)
    rep.section("Referrals to law enforcement (Civil Rights Data Collection)",
                "The U.S. Department of Education's Civil Rights Data Collection counts students, not incidents: a "
                "student referred to law enforcement for an incident at school, at a school event or on school "
                "transport, whatever the outcome. Every school-related arrest, citation and court referral of a "
                "student is such a referral; a school-related arrest is also counted on its own.")
    rep.table(table, "crdc_referrals", "Students referred to law enforcement and arrested (CRDC definitions)",
              note=enforcement.CRDC_NOTE if keyed else enforcement.CRDC_NO_KEY_NOTE,
              labels=enforcement.CRDC_LABELS)


def activity_section(rep: Report, data: DataSet, span: Span, school_id: str | None = None,
                     officer_id: str | None = None) -> None:
    """Show SRO activities by type, referrals and alternatives to citation, incident reports."""
    acts, enf = data.activities, data.enforcement
    if officer_id is not None:
        acts, enf = acts[acts["officer_id"] == officer_id], enf[enf["officer_id"] == officer_id]
    if school_id is not None:
        acts = population.at_school(acts, "activity_date", data.schools, span, school_id)
        enf = population.at_school(enf, "action_datetime", data.schools, span, school_id)
    rep.section("SRO activity", "Activities that SROs log: interventions, youth referrals, safety and "
                "prevention, education, mentoring and law enforcement (SOI III.D.6).")
    types = activity.by_type(acts, span).assign(
        activity_type=lambda t: t["activity_type"].map(activity.ACTIVITY_LABELS))
    rep.table(types, "activities_by_type", "SRO activities by type",
              labels={"activity_type": "Activity", "activities": "Activities", "hours": "Hours",
                      "student_contacts": "Student contacts"}, note=activity.CONTACTS_DEFINITION)
    alternatives_table(rep, acts, enf, span)
    rep.table(activity.incident_reports(acts, span), "incident_reports",
              "Law-enforcement interventions that required an incident report", labels=MEASURE_LABELS)
    if school_id is None and officer_id is None:
        by_school = activity.by_school(acts, data.schools, span)
        rep.table(by_school, "activities_by_school", "SRO activities at each school taking part, and elsewhere",
                  labels={**SCHOOL_LABELS, **activity.ACTIVITY_LABELS, "total": "Total"})


def alternatives_table(rep: Report, activities: pd.DataFrame, enforcement: pd.DataFrame, span: Span) -> None:
    """Show youth referrals, alternatives to citation, citations and the alternatives rate (the finding's table)."""
    rep.table(activity.alternatives(activities, enforcement, span), "alternatives_to_citation",
              "Youth referrals and alternatives to citation (III.D.9)",
              note=activity.ALTERNATIVE_DEFINITION, labels=MEASURE_LABELS)


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
              labels=FORCE_LABELS)
    if officer_id is not None:
        return  # one officer's few incidents: the totals and types above say it
    shown = (*((k, enforcement.BREAKDOWNS[k]) for k in ("age_band", "race")), ("student", "Student status"))
    if not protected.breaks_down(rep, span, tables=tuple(f"use_of_force_by_{key}" for key, _ in shown)):
        rep.text(protected.NOT_BROKEN_DOWN)
        return
    tables = people.breakdowns(data, span)
    for key, label in shown:
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
        rep.figure(charts.on_duty(duty, year.sro_floor),
                   "SROs on duty in school hours on each school day, against the Act 12 floor.",
                   f"MPD shift records; {span_text(part)}.", alt=charts.describe_on_duty(duty, year.sro_floor))
        rep.table(on_duty_weeks(duty), "sros_on_duty_by_week",
                  "SROs on duty in school hours on each school day, week by week (the figure's values)",
                  note="Blank: not a school day.", labels=WEEK_LABELS)
    floor_table(rep, data, span)


def floor_table(rep: Report, data: DataSet, span: Span) -> None:
    """Show the school days with fewer SROs on duty in school hours than the Act 12 floor (the floor finding's)."""
    part = covered(span, data.as_of())
    duty = staffing.on_duty(data.shifts, rep.year, part)
    below = staffing.below_floor(duty)
    rep.table(below, "days_below_floor", f"School days with fewer than {rep.year.sro_floor} SROs on duty",
              note=f"{len(below)} of {len(duty)} school days in the period"
                   + (f" up to the data's as-of date ({short_span(part)})." if part != span else "."),
              labels={"date": "School day", "sros_on_duty": "SROs on duty", "floor": "Floor"})


def priority_chart(rep: Report, data: DataSet, span: Span) -> None:
    """Show calls per participating school stacked by priority, and the table with the rows after the schools."""
    table = calls.by_school_priority(population.program_calls(data.calls, data.schools, span), data.schools, span)
    schools = population.schools_only(table)
    rep.figure(charts.stacked_bars(schools, "school_name", list(PRIORITIES), "Calls for service", "Priority"),
               "Calls for service at each participating school, by CAD priority.",
               f"MPD CAD export; {period_label(span)}.",
               alt=charts.describe_stacked(schools, "school_name", list(PRIORITIES),
                                           "calls for service at each participating school", "priority"))
    rep.table(table, "calls_by_school_priority",
              "Calls for service at each participating school by priority, and elsewhere (the figure's values)",
              note="Rows after the schools: program calls at no school taking part on the call's day, so that "
                   "the table adds to the calls in the key figures.",
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
    from sro_reporting.measures.compliance import RULES, certificates, extract_omissions, numbered, training_matrix
    from sro_reporting.measures.staffing import active_officers

    internal = rep.audience == "mpd_internal"

    def shown(frame: pd.DataFrame) -> pd.DataFrame:  # no officer ID leaves MPD: MPS sees SRO 1, SRO 2, ...
        return frame if internal else numbered(frame, data.officers["officer_id"])

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
        rep.table(shown(found), f"findings_{section.split()[0].replace('.', '_').lower()}",
                  f"{label}: findings", labels=COMPLIANCE_LABELS,
                  note="No finding." if found.empty else "")
    officers = active_officers(data.officers, rep.period)
    training = data.training[data.training["completion_date"] <= pd.Timestamp(as_of)]
    rep.section("Certificates and training on file")
    rep.table(shown(certificates(officers, training)), "nasro_certificates",
              "NASRO basic course certificates on file for each SRO (IV.D.2)", labels=COMPLIANCE_LABELS)
    rep.table(shown(training_matrix(officers, training)), "mps_training_matrix",
              "MPS additional training by SRO and topic (IV.E)", labels={"officer_id": "Officer", "missing": "Missing"})


def disparity_section(rep: Report, data: DataSet, span: Span) -> None:
    """Show arrests and citations per 1,000 enrolled students by race and the index against White."""
    rep.section("Disparity by race")
    if not data.provided("enrollment"):
        rep.text(f"Enrollment: {NOT_COLLECTED}. MPD's data for this report include no enrollment table (an optional "
                 "input), so rates per enrolled student and the relative rate index are not given; no rate is 0.")
    elif not protected.breaks_down(rep, span):
        rep.text(protected.NOT_BROKEN_DOWN)
    else:
        protected.disparity_table(rep, data, span)


def rates_section(rep: Report, data: DataSet, span: Span) -> None:
    """Show arrests and citations per 1,000 enrolled students at each school taking part, with exact intervals."""
    if not data.provided("enrollment"):
        rep.text("Enrollment not provided: no rates per enrolled student at each school.")
        return
    schools = population.schools_only(population.by_place(data, span))
    students = rates.students_by_school(data.enrollment, list(schools["school_id"]), rep.year.school_year)
    table = rates.by_school(schools, students)
    kinds = data.schools.drop_duplicates("school_id").set_index("school_id").get("grade_band")
    if kinds is not None:
        table.insert(2, "grade_band", table["school_id"].map(kinds))
    rep.table(table, "rates_by_school", f"School-related arrests and citations per {rates.PER:,} enrolled students "
              f"at each school taking part, with {rates.LEVEL:.0%} intervals",
              note=rates.DEFINITION + f" Students: enrollment in school year {rep.year.school_year}.",
              labels={**SCHOOL_LABELS, "grade_band": "Kind of school", "students": "Students enrolled",
                      "arrests": "Arrests", "citations": "Citations", "actions": "Arrests and citations",
                      "rate": f"Per {rates.PER:,} students", "low": "Low", "high": "High"})


WEEK_LABELS = {"week_of": "Week of (Monday)", "monday": "Monday", "tuesday": "Tuesday", "wednesday": "Wednesday",
               "thursday": "Thursday", "friday": "Friday"}


def on_duty_weeks(duty: pd.DataFrame) -> pd.DataFrame:
    """Return SROs on duty on each school day laid out by week: one row per week, Monday to Friday across.

    >>> duty = pd.DataFrame({"date": pd.to_datetime(["2026-03-09", "2026-03-11"]), "sros_on_duty": [26, 24]})
    >>> week = on_duty_weeks(duty).iloc[0]
    >>> str(week["week_of"]), int(week["monday"]), int(week["wednesday"]), bool(pd.isna(week["tuesday"]))
    ('2026-03-09', 26, 24, True)
    """
    days = ["monday", "tuesday", "wednesday", "thursday", "friday"]
    frame = duty.assign(week_of=(duty["date"] - pd.to_timedelta(duty["date"].dt.day_of_week, unit="D")).dt.date,
                        day=duty["date"].dt.day_of_week.map(dict(enumerate(days))))
    wide = frame.pivot_table(index="week_of", columns="day", values="sros_on_duty", aggfunc="sum")
    wide = wide.reindex(columns=days).astype("Int64")
    return wide.reset_index().rename_axis(columns=None)


def findings_section(rep: Report, found: list[findings.Finding]) -> None:
    """Show the findings in words at the top of a report and write their figures to `findings.csv`."""
    rep.findings([f.sentence for f in found])
    rep.deliver(findings.frame(found), "findings")


def district_findings(rep: Report, data: DataSet, span: Span, previous: tuple[str, Span] | None) -> None:
    """Findings for a district report (annual, semester, monthly): largest change, schools with most calls
    and actions, days under the floor, the alternatives rate, calls outside school hours."""
    found = population.program_calls(data.calls, data.schools, span)
    change = None
    if previous is not None:
        label, before = previous
        change = findings.largest_change(summary.compare(summary.key_figures(data, rep.year, span),
                                                         summary.key_figures(data, rep.year, before)), label)
    calls_at = population.schools_only(calls.by_school_priority(found, data.schools, span)).rename(
        columns={"total": "calls"})
    by_school = enforcement.by_school(data.enforcement, data.schools, span)
    acted = [c for c in enforcement.ACTION_LABELS if c in by_school.columns]
    by_school = by_school.assign(actions=by_school[acted].sum(axis=1))
    actions = population.schools_only(by_school)
    # Days after the data end are not days under the floor: the data say nothing of them yet.
    duty = staffing.on_duty(data.shifts, rep.year, covered(span, data.as_of())) if data.provided("shifts") \
        else pd.DataFrame()  # the days `floor_table` lists
    in_all = {"calls": int(len(found)),
              "actions": int(by_school.loc[by_school["school_name"] == population.TOTAL, "actions"].iloc[0])}
    found_list = findings.pick([
        change,
        findings.most_at(calls_at, "calls", "calls for service", "at schools taking part", in_all["calls"]),
        findings.most_at(actions, "actions", "school-related arrests, citations and court referrals",
                         "at schools taking part", in_all["actions"]),
        findings.floor_days(duty, rep.year.sro_floor) if len(duty) else None,
        findings.alternatives_rate(activity.alternatives(data.activities, data.enforcement, span)),
        findings.outside_hours(call_times.split(found, rep.year, span), "at schools of the SRO program"),
    ])
    findings_section(rep, found_list)


def school_findings(rep: Report, data: DataSet, span: Span, previous: tuple[str, Span] | None,
                    school_id: str) -> None:
    """Findings for one school's packet: its largest change, calls against the average school, calls outside
    school hours, its alternatives rate."""
    found = population.program_calls(data.calls, data.schools, span)
    found = found[found["place"] == school_id]
    change = None
    if previous is not None:
        label, before = previous
        change = findings.largest_change(summary.compare(summary.key_figures(data, rep.year, span, school_id),
                                                         summary.key_figures(data, rep.year, before, school_id)),
                                         label)
    acts = population.at_school(data.activities, "activity_date", data.schools, span, school_id)
    enf = population.at_school(data.enforcement, "action_datetime", data.schools, span, school_id)
    comparison = summary.district_comparison(data, span, school_id)
    findings_section(rep, findings.pick([
        change,
        findings.against_average(comparison, "Calls for service"),
        findings.against_average(comparison, "School-related arrests"),
        findings.outside_hours(call_times.split(found, rep.year, span), "at the school"),
        findings.alternatives_rate(activity.alternatives(acts, enf, span)),
    ]))


def officer_findings(rep: Report, data: DataSet, span: Span, officer_id: str) -> None:
    """Findings for an officer's report: activities and hours by month, and the officer's alternatives rate."""
    months = summary.officer_months(data, span, officer_id)
    acts = data.activities[data.activities["officer_id"] == officer_id]
    enf = data.enforcement[data.enforcement["officer_id"] == officer_id]
    findings_section(rep, findings.pick([
        findings.busiest_month(months, "activities", "activities logged"),
        findings.busiest_month(months, "hours_worked", "hours worked"),
        findings.officer_actions(months),
        findings.alternatives_rate(activity.alternatives(acts, enf, span)),
    ]))


def compliance_findings(rep: Report, rules: pd.DataFrame, breaches: dict[str, pd.DataFrame]) -> None:
    """Findings for the compliance report: rules breached, the most breaches, days under the floor."""
    findings_section(rep, findings.pick([*findings.breaches(rules),
                                         findings.floor_breaches(breaches.get("III.A / Act 12"), rep.year.sro_floor)]))


def year_name(year: SchoolYear, now: Span) -> str:
    """Return the school year as far as the data reach: `school year 2026-27 to date`, or the whole year's name."""
    return f"school year {year.school_year}" + ("" if now == year.year_span else " to date")


CHIEF_FINDINGS = 4  # at most, so that page one holds its table


def chief_page(rep: Report, data: DataSet, rules: pd.DataFrame, breaches: dict[str, pd.DataFrame]) -> None:
    """Show the Chief's page one, which stands alone: the findings in words, then the table behind them, the school
    year to date against the same days of last year (the rules' breaches and the days under the floor are listed
    after it)."""
    now, before = summary.year_to_date_spans(rep.year, data.as_of())
    compared, reached = summary.year_to_date(data, rep.year), summary.reaches_back(data, before)
    last_year = f"school year {school_year_of(before.start)}"
    change = findings.largest_change(compared[compared["measure"] != summary.UNDER_FLOOR],
                                     "the same days last year", brief=True) if reached else \
        findings.no_prior_year(last_year, data.first_day("calls_for_service"))
    values = compared.set_index("measure")["current"]
    findings_section(rep, findings.pick([
        change, findings.breaches(rules)[0],
        findings.floor_breaches(breaches.get("III.A / Act 12"), rep.year.sro_floor), findings.force_by_type(values),
        findings.officer_recorded(*(int(values[m]) for m in (summary.ACTIONS, summary.WITH_SRO, summary.NO_OFFICER)))],
        CHIEF_FINDINGS))
    year_to_date_table(rep, data, compared if reached else compared[["measure", "current"]], now, before)
    rep.page_end()


def year_to_date_table(rep: Report, data: DataSet, compared: pd.DataFrame, now: Span, before: Span) -> None:
    """Show the Chief's figures of the school year to date beside the same calendar days of last year, or say in
    words that the data do not reach back to them (`compared` then has this year's column only)."""
    last = f"school year {school_year_of(before.start)}"
    first = data.first_day("calls_for_service")
    reached = "previous" in compared
    note = (f"Last year: {period_label(before)}, the same calendar days (\"small base\": see Comparisons)."
            if reached else f"No comparison with {last} ({period_label(before)}): the data begin on "
            f"{long_date(first) if first else 'no date'}.")
    rep.table(compared, "year_to_date", f"Key figures, {year_name(rep.year, now)}"
              + (f", against the same days of {last}" if reached else ""), labels=YEAR_TO_DATE_LABELS, compact=True,
              note=f"{note} No officer recorded: the export does not say whether an SRO took part.")


YEAR_TO_DATE_LABELS = {"measure": "Measure", "current": "This year", "previous": "Same days last year",
                       "change": "Change", "change_pct": "Change (%)"}


def school_hours_section(rep: Report, data: DataSet, span: Span, school_id: str | None = None) -> None:
    """Show calls at participating schools (or one school) in school hours on school days and at other times."""
    found = population.program_calls(data.calls, data.schools, span)
    if school_id is not None:
        found = found[found["place"] == school_id]
    rep.section("Calls in and out of school hours",
                f"Calls to a school's address come at night, at weekends and in breaks too. School hours: "
                f"{staffing.weekday_window(rep.year)} on school days (weekdays inside a semester, less the "
                "year's days off).")
    rep.table(call_times.split(found, rep.year, span), "calls_by_time_of_day",
              "Calls for service by when they came",
              labels={"when": "When", "calls": "Calls", "share_pct": "Share (%)"})
    if school_id is None:
        taking_part = found[found["place"] == found["school_id"]].merge(data.schools[["school_id", "school_name"]])
        rep.table(call_times.by_school(taking_part, rep.year, span), "calls_by_school_and_time",
                  "Calls for service at each school taking part, in and out of school hours",
                  labels={**SCHOOL_LABELS, "school_hours": "In school hours", "other_times": "Other times",
                          "total": "Total", "other_share_pct": "Other times (%)"})


def link_table(rep: Report, data: DataSet, span: Span) -> None:
    """Show how the period's calls at participating schools were linked to a school, in plain words."""
    from sro_reporting.measures.annual import link_summary

    table = link_summary(data.calls, data.schools, span)
    table = table.assign(link_type=table["link_type"].map(glossary.LINK_SHORT))
    rep.table(table, "calls_by_link_type", "How the calls at participating schools were linked to a school",
              labels={"link_type": "Link", "calls": "Calls", "meaning": "Meaning"})


def quality_note(audience: str) -> str:
    """Return where a report's reader finds the input problems: the row-level log for MPD, counts for MPS.

    >>> quality_note("mps")
    'Counts of the problems by table, column and rule are in data_quality_summary.csv in the folder MPS receives; the log of each problem (file, line, column, rule) stays with MPD.'
    """
    if audience == "mps":
        return ("Counts of the problems by table, column and rule are in data_quality_summary.csv in the folder MPS "
                "receives; the log of each problem (file, line, column, rule) stays with MPD.")
    return "Each problem is listed with its file, line, column and rule in data_quality.csv beside this report."


def data_quality(rep: Report, data: DataSet) -> None:
    """Show the problems found in the input data, by table (named in words)."""
    from sro_reporting.reading import quality

    table = quality.summary(data.problems)
    table = table.assign(table=table["table"].map(lambda t: glossary.TABLES.get(t, t)))
    rep.table(table, "data_quality_summary", "Problems found in the input data, by table",
              note=quality_note(rep.audience),
              labels={"table": "Table", "errors": "Errors", "warnings": "Warnings", "infos": "Notes"})


COMMON_DEFINITIONS = {
    "Offense type": "the kind of offense of an action: one of the eight kinds Wis. Stat. 118.124 names (homicide; "
                    "sexual assault; burglary, robbery or theft; battery under s. 940.19; arson; use or possession "
                    "of alcohol or drugs; a firearm in a school zone under s. 948.605(2); a city disorderly-conduct "
                    "ordinance), or other offenses. Mapped from the offense MPD recorded by the offense crosswalk.",
    "Participating school": "a school marked as taking part in the SRO program whose participation dates, "
                            "where given, overlap the period.",
    "School day": "a weekday inside a semester, less the school year's days off (parameter file).",
    "School-related arrest, citation or court referral": "as the U.S. Department of Education's Civil Rights "
        "Data Collection defines it: for activity on school grounds, during off-campus school activities "
        "(school transport included), or due to a referral by a school official. Counted once per person per action.",
}


OPTIONAL_INPUTS = {"searches": "searches", "assignments": "the roster of SROs per school", "complaints": "complaints",
                   "enrollment": "enrollment"}  # the optional inputs, named in the methods where provided
COVERED = {"School-related arrest or citation", "Call for service at a school"}  # said by the common terms, methods


def methods_section(rep: Report, data: DataSet, span: Span, definitions: dict[str, str] | None = None,
                    school_id: str | None = None, calls_shown: bool = True) -> None:
    """Show the definitions-and-methods page: terms, how the figures were made, the codes in plain English,
    and who prepared the report."""
    year = rep.year
    terms = {**DEFINITIONS, **COMMON_DEFINITIONS, **{k: v for k, v in (definitions or {}).items() if k not in COVERED}}
    methods = {
        "Period": f"{span_text(span)}. Records are counted on the day they are dated.",
        "Data": f"MPD's exports as of {long_date(data.as_of()) if data.as_of() else 'no dated records'}: CAD calls "
                "for service, arrests, citations and referrals, the SRO activity log, shifts, use of force, the SRO "
                "roster, training and meetings" + "".join(f", {what}" for t, what in OPTIONAL_INPUTS.items()
                                                           if data.provided(t)) + ". " + quality_note(rep.audience),
        "School hours": f"{staffing.weekday_window(year)} on school days. An SRO counts as on duty on a school day "
                        f"when a shift overlaps school hours; 2023 Wisconsin Act 12 asks for at least {year.sro_floor}.",
        "Comparisons": "A semester is compared with the one before, a month with the month before, over like days "
                       "where the period is partial (see Period), a school year to date with the same calendar days "
                       "of the year before. A change in percent is given from a count of "
                       f"{summary.SMALL_BASE} or more, and called out in the findings only where the period before "
                       f"had at least {findings.MIN_BASE}, per school day at a school taking part where the periods "
                       "differ in school days or schools, and only where the change is beyond chance variation (an "
                       f"exact test of the two counts over their school days, p under {findings.ALPHA}).",
        "Numbers": "Every number in a table or a finding is also in a CSV file under tables/ beside this report.",
    }
    if calls_shown:
        methods["Calls at a school"] = ("a CAD call is linked to a school by the school recorded as its premise, "
                                        "else by its address being the school's, else by the same street and "
                                        "hundred-block (the nearest house number wins). Each call counts once.")
    if rep.audience == "mps":
        methods["Disclosure control"] = (f"tables of people by age band, gender, race or student status show "
                                         f"counts from 1 to {rep.min_cell - 1} as *, and hide further counts so "
                                         "that none can be worked out from any number MPS receives, in this "
                                         "report or another (the release is checked by an attack on all of "
                                         "them together). Counts of calls and incidents are exact.")
    else:
        methods["Exact counts"] = "this internal report shows exact counts of people; it is not for release."
    blocks = [("Definitions", definition_list(terms)), ("Methods", definition_list(methods))]
    if calls_shown:
        found = population.program_calls(data.calls, data.schools, span)
        if school_id is not None:
            found = found[found["place"] == school_id]
        natures = calls.by_nature(found)["nature_of_call"]
        blocks.append(("Natures of call", _glossary_table(glossary.glossary(natures, "nature"),
                                                          "Nature-of-call codes in this report")))
        blocks.append(("Dispositions", _glossary_table(glossary.glossary(found["disposition"], "disposition"),
                                                       "CAD dispositions in this report")))
        blocks.append(("How calls were linked", definition_list(
            {glossary.LINK_SHORT[k]: v.split(": ", 1)[1] for k, v in glossary.LINK_TYPES.items()})))
    if rep.name in ("school", "compliance", "monthly"):
        blocks.append(("Meetings", definition_list({glossary.MEETING_TYPES[k]: v
                                                    for k, v in glossary.MEETING_MEANINGS.items()})))
    if year.prepared_by is not None:
        prepared = (f'<p class="prepared-by">{_escape(year.prepared_by.unit)}.<br/>'
                    f"Questions about this report: {_escape(year.prepared_by.contact)}.</p>")
        blocks.append(("Prepared by", prepared))
    rep.methods(blocks)


def _escape(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def _glossary_table(frame: pd.DataFrame, caption: str) -> str:
    """Return a glossary (code, meaning) as a table without a CSV: it holds words, not numbers."""
    from sro_reporting.rendering.report import table_html

    if frame.empty:
        return "<p>None in this period.</p>"
    shown = frame.rename(columns={"code": "Code (as CAD records it)", "meaning": "Meaning"})
    return f'<div class="table-wrap">{table_html(shown, caption, "", [])}</div>'


OFFICER_ACTIVITY = {"activities": "Activities", "interventions": "Interventions", "youth_referrals": "Youth referrals",
                    "safety_prevention": "Safety and prevention", "incident_reports": "Incident reports",
                    "hours_worked": "Hours worked", "use_of_force": "Use of force"}
OFFICER_ACTIONS = {"arrests": "Arrests", "citations": "Citations", "court_referrals": "Court referrals"}


def with_total(table: pd.DataFrame, label: str) -> pd.DataFrame:
    """Return a table of counts with a `Total` row under it, in its first column.

    >>> with_total(pd.DataFrame({"month": ["Jan 2026", "Feb 2026"], "n": [1, 2]}), "month").values.tolist()
    [['Jan 2026', 1], ['Feb 2026', 2], ['Total', 3]]
    """
    total = table.drop(columns=label).sum().to_frame().T.assign(**{label: population.TOTAL})
    return pd.concat([table, total[table.columns]], ignore_index=True).astype(table.dtypes.to_dict())


def officer_months_section(rep: Report, months: pd.DataFrame) -> None:
    """Show an officer's month by month in two tables that fit the page (activity and hours; enforcement), each
    with its period's total, and the hours chart."""
    named = months.assign(month=month_axis(months, " ")).drop(columns="covered")
    rep.table(with_total(named[["month", *OFFICER_ACTIVITY]], "month"), "by_month",
              "Activity, hours and use of force by month", labels={"month": "Month", **OFFICER_ACTIVITY})
    rep.table(with_total(named[["month", *OFFICER_ACTIONS]], "month"), "actions_by_month",
              "Arrests, citations and court referrals by month (school-related or not)",
              labels={"month": "Month", **OFFICER_ACTIONS})
    officer_hours_chart(rep, months)


def officer_hours_chart(rep: Report, months: pd.DataFrame) -> None:
    """Show an officer's hours worked by month, partial months marked (the values are in the table above it)."""
    named = months.assign(month=month_axis(months, " "))
    rep.figure(charts.bars(months.assign(month=month_axis(months)), "month", "hours_worked", "Month", "Hours worked"),
               "Hours worked by month; partial months are marked (the values are in the table above).",
               "MPD shift records.",
               alt=charts.describe_bars(list(named["month"]), list(named["hours_worked"]), "hours worked by month"))
