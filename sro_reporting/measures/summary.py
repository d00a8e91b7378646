"""Headline figures of a period, for the district or one school, and their change from the period before."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd

from sro_reporting.frames import TOTAL, measures
from sro_reporting.linking.schools import participating, takes_part_on
from sro_reporting.measures import complaints, searches
from sro_reporting.measures.enforcement import by_officer_recorded
from sro_reporting.measures.force import by_type
from sro_reporting.measures.population import MEASURES, at_school, by_place, schools_only, totals
from sro_reporting.measures.rates import students_by_school
from sro_reporting.measures.staffing import days_below_floor, school_days, school_presence, shift_times
from sro_reporting.params import SchoolYear, Span, load_school_year, previous_year, school_year_of, year_span
from sro_reporting.periods import (
    covered,
    in_span,
    month_rows,
    months,
    outside_semesters,
    partial_note,
    parts_by_semester,
    same_days_year_before,
)
from sro_reporting.reading.dataset import DataSet

SMALL_BASE = 10  # a change in percent from a smaller count is not given
# The base a count per school day at a school taking part is over (`school_days_taking_part`): the district's, a school's
BASES = {True: "School days at the schools taking part", False: "School days the school took part"}
NOT_TAKING_PART = "not taking part"
# The Chief's page one adds these to the key figures (`chief_figures`).
ACTIONS, WITH_SRO, NO_OFFICER = ("School-related arrests, citations and court referrals",
                                 "Of them, with an SRO recorded as the officer", "Of them, with no officer recorded")
UNDER_FLOOR = "School days under the Act 12 floor"
FORCE_OF = "Use of force: "  # the rows of use of force by type and injury
SUBJECT_INJURED, OFFICER_INJURED = f"{FORCE_OF}subject injured", f"{FORCE_OF}officer injured"
CALENDAR = ("School days", *BASES.values(), UNDER_FLOOR)  # figures the calendar of the span's school year gives
SOURCES = {**{MEASURES[m]: t for m, t in (
    ("calls", "calls_for_service"), ("arrests", "enforcement"), ("citations", "enforcement"),
    ("court_referrals", "enforcement"), ("activities", "activities"), ("youth_referrals", "activities"),
    ("alternatives", "activities"), ("use_of_force", "use_of_force"))}, "SRO shifts worked": "shifts",
    ACTIONS: "enforcement", WITH_SRO: "enforcement", NO_OFFICER: "enforcement", UNDER_FLOOR: "shifts"}
SMALL_BASE_NOTE = (f"Change in percent is given from a count of {SMALL_BASE} or more; from a smaller one it reads "
                   "\"small base\".")
COMPARE_NOTE = f"{SMALL_BASE_NOTE} \"Not taking part\": the school did not take part in that period."


def covered_school_days(year: SchoolYear, span: Span, as_of: dt.date | None) -> pd.DatetimeIndex:
    """Return the school days of the period up to the data's as-of date (none when it starts after it).

    The calendar is the school year's the period starts in, where a parameter file has it.
    """
    if as_of is not None and as_of < span.start:
        return pd.DatetimeIndex([])
    if school_year_of(span.start) != year.school_year:
        try:
            year = load_school_year(school_year_of(span.start))
        except FileNotFoundError:
            pass
    return pd.DatetimeIndex(school_days(year, covered(span, as_of)))


def covered_days(year: SchoolYear, span: Span, as_of: dt.date | None) -> int:
    """Return how many school days the period has up to the data's as-of date (`covered_school_days`)."""
    return len(covered_school_days(year, span, as_of))


def school_days_taking_part(data: DataSet, year: SchoolYear, span: Span, school_id: str | None = None) -> int:
    """Return the school days of the period added up over the schools taking part (or one school), each school's
    on the days it takes part: the base a count per school day at a school taking part is over."""
    days = covered_school_days(year, span, data.as_of())
    part = participating(data.schools, span.start, span.end)["school_id"]
    ids = part if school_id is None else part[part == school_id]
    grid = pd.DataFrame({"school_id": ids}).merge(pd.DataFrame({"day": days}), how="cross")
    return int(takes_part_on(grid["school_id"], grid["day"], data.schools).sum()) if len(grid) else 0


def key_figures(data: DataSet, year: SchoolYear, span: Span, school_id: str | None = None) -> pd.DataFrame:
    """Return the period's headline counts for the district (every record) or one school.

    A school's counts are missing (NA) for a period it did not take part in.

    >>> import sro_reporting as sro
    >>> from sro_reporting.params import load_school_year
    >>> data, year = sro.load(), load_school_year("2025-26")  # the demo data set
    >>> figures = key_figures(data, year, year.semesters["spring"]).set_index("measure")["value"]
    >>> int(figures["Calls for service"]) > 0, int(figures["School days"])
    (True, 94)
    """
    if school_id is None:
        counts = totals(data, span)
        rows = [(label, counts[m]) for m, label in MEASURES.items()]
        rows.append(("SRO shifts worked", int(in_span(data.shifts["shift_date"], span).sum())))
    else:
        table = by_place(data, span)
        found = table[table["school_id"] == school_id]
        rows = [(label, int(found.iloc[0][m]) if len(found) else None) for m, label in MEASURES.items()]
    rows.append(("School days", covered_days(year, span, data.as_of())))
    rows.append((BASES[school_id is None], school_days_taking_part(data, year, span, school_id)))
    return pd.DataFrame(rows, columns=["measure", "value"]).astype({"value": "Int64"})


def quarter_figures(data: DataSet, year: SchoolYear, span: Span) -> pd.DataFrame:
    """Return the district's key figures with searches, complaints and training: blank where not collected.

    A measure whose table MPD did not provide (or, for complaints closed, whose closing dates it does not record)
    is missing, never 0.
    """
    given = data.provided
    closing = given("complaints") and complaints.closing_recorded(data.complaints)
    extra = [("Searches", len(searches.searches_in(data.searches, span)) if given("searches") else None),
             ("Complaints received", int(in_span(data.complaints["received_date"], span).sum())
              if given("complaints") else None),
             ("Complaints closed", int((data.complaints["closed_date"].notna()
                                        & in_span(data.complaints["closed_date"], span)).sum()) if closing else None),
             ("Training courses completed", int(in_span(data.training["completion_date"], span).sum())
              if given("training") else None)]
    found = pd.DataFrame(extra, columns=["measure", "value"]).astype({"value": "Int64"})
    return pd.concat([key_figures(data, year, span), found], ignore_index=True)


def compare(current: pd.DataFrame, previous: pd.DataFrame, missing: str | None = NOT_TAKING_PART) -> pd.DataFrame:
    """Return each measure now, before, the change and the change in percent.

    The change in percent reads "small base" from a count under `SMALL_BASE`; a school's missing count
    (it did not take part) reads `missing`: "not taking part", or, with None, stays blank (a measure not collected).

    >>> now = pd.DataFrame({"measure": ["Calls", "Arrests", "Days"], "value": [150, 4, 5]})
    >>> before = pd.DataFrame({"measure": ["Calls", "Arrests", "Days"], "value": pd.array([100, None, 5], "Int64")})
    >>> compare(now, before)[["previous", "change_pct"]].values.tolist()
    [[100, 50.0], ['not taking part', None], [5, 'small base']]
    """
    out = current.rename(columns={"value": "current"}).merge(
        previous.rename(columns={"value": "previous"}), on="measure", how="left")
    now, before = out["current"].astype("Float64"), out["previous"].astype("Float64")
    known = before.notna() & now.notna()
    base = known & (before >= SMALL_BASE)
    change = (now - before).where(known)
    pct = (100 * change / before.where(base)).round(1)
    gap = pd.NA if missing is None else missing  # NA, not None: a CSV column of whole numbers stays whole
    shown = {
        "change": [int(c) if ok else pd.NA for c, ok in zip(change, known)],
        "change_pct": [float(p) if b else ("small base" if ok else None) for p, b, ok in zip(pct, base, known)],
        "previous": [int(v) if pd.notna(v) else gap for v in out["previous"]],
        "current": [int(v) if pd.notna(v) else gap for v in out["current"]],
    }
    for column, values in shown.items():
        out[column] = pd.Series(values, index=out.index, dtype=object)
    return out


def officer_months(data: DataSet, span: Span, officer_id: str) -> pd.DataFrame:
    """Return one SRO's month-by-month activity, hours and enforcement: every III.D.6 item.

    Each month is marked whole or partial.

    >>> import sro_reporting as sro
    >>> from sro_reporting.params import load_school_year
    >>> data, year = sro.load(), load_school_year("2025-26")  # the demo data set
    >>> months = officer_months(data, year.semesters["spring"], "004100")
    >>> months["month"].tolist()
    ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06']
    """
    def monthly(frame: pd.DataFrame, when: str, **aggs) -> pd.DataFrame:
        """Return the officer's rows of the period aggregated by month."""
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
    found = pd.concat(parts, axis=1)
    out = month_rows(span, data.as_of())[["month", "covered"]]
    out = out.join(found.reindex(out["month"]).fillna(0).reset_index(drop=True))
    counts = [c for c in found.columns if c != "hours_worked"]
    return out.astype({c: "int64" for c in counts}).round({"hours_worked": 1})


def district_comparison(data: DataSet, span: Span, school_id: str) -> pd.DataFrame:
    """Return one school's counts beside the average school taking part.

    The average is the counts at the schools taking part added and divided by their number; what
    counts at no school taking part is left out.

    >>> import sro_reporting as sro
    >>> from sro_reporting.params import load_school_year
    >>> data, year = sro.load(), load_school_year("2025-26")  # the demo data set
    >>> list(district_comparison(data, year.semesters["spring"], "0007").columns)
    ['measure', 'this_school', 'district_average']
    """
    schools = schools_only(by_place(data, span))
    row = schools[schools["school_id"] == school_id]
    if row.empty:
        raise KeyError(f"school {school_id!r} does not take part in the period {span.start} to {span.end}")
    return pd.DataFrame({"measure": list(MEASURES.values()),
                         "this_school": [int(row.iloc[0][m]) for m in MEASURES],
                         "district_average": [round(float(schools[m].mean()), 1) for m in MEASURES]})


LIKE_MEASURES = ("calls", "arrests", "citations", "court_referrals", "use_of_force")


def like_schools(data: DataSet, year: SchoolYear, span: Span, school_id: str, per: int = 100) -> pd.DataFrame:
    """Return one school's counts per `per` students beside the schools of its kind taking part (K-8 with K-8,
    high school with high school): their counts added up over their students added up, the school included.

    Empty where no enrollment is given for the school.
    """
    schools = schools_only(by_place(data, span))
    kinds = data.schools.drop_duplicates("school_id").set_index("school_id")["grade_band"]
    like = schools[schools["school_id"].map(kinds) == kinds.get(school_id)]
    students = students_by_school(data.enrollment, list(like["school_id"]), year.school_year)
    here = like[like["school_id"] == school_id]
    if here.empty or pd.isna(students.get(school_id)):
        return pd.DataFrame(columns=["measure", "this_school", "this_school_per", "like_schools_per"])
    known = like[like["school_id"].map(students).notna()]
    pooled = int(students.loc[known["school_id"]].sum())
    rows = [(MEASURES[m], int(here.iloc[0][m]), round(per * int(here.iloc[0][m]) / int(students[school_id]), 1),
             round(per * int(known[m].sum()) / pooled, 1)) for m in LIKE_MEASURES]
    return pd.DataFrame(rows, columns=["measure", "this_school", "this_school_per", "like_schools_per"])


TREND_MEASURES = ("calls", "arrests", "citations", "court_referrals", "use_of_force")


def months_so_far(data: DataSet, year: SchoolYear, span: Span) -> pd.DataFrame:
    """Return the district's counts in every month of the school year up to the end of `span`, with school days.

    >>> import sro_reporting as sro
    >>> from sro_reporting.params import load_school_year
    >>> data, year = sro.load(), load_school_year("2025-26")  # the demo data set
    >>> months_so_far(data, year, Span(start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 30)))["month"].tolist()
    ['2025-07', '2025-08', '2025-09']
    """
    so_far = Span(start=year.year_span.start, end=span.end)
    out = month_rows(so_far, data.as_of())[["month", "covered"]]
    counts = [totals(data, month) for month in months(so_far)]
    for m in TREND_MEASURES:
        out[m] = [c[m] for c in counts]
    out["school_days"] = [covered_days(year, month, data.as_of()) for month in months(so_far)]
    return out


Figures = Callable[[DataSet, SchoolYear, Span], pd.DataFrame]  # a span's figures: `measure`, `value`


def known_figures(data: DataSet, year: SchoolYear, span: Span, figures: Figures = key_figures) -> pd.DataFrame:
    """Return the district's figures of a span (the key figures, or another `figures`), blank where the data cannot
    give them.

    School days need the calendar of the span's school year (a parameter file); a count needs its table's
    records to reach back into the span (an enforcement export may start years after the calls).
    """
    try:
        found = figures(data, load_school_year(school_year_of(span.start)), span)
    except FileNotFoundError:
        found = figures(data, year, span)
        found.loc[found["measure"].isin(CALENDAR), "value"] = pd.NA
    first = found["measure"].map(lambda m: data.first_day(source_of(m)) if source_of(m) else None)
    found.loc[first.map(lambda day: day is not None and day > span.end), "value"] = pd.NA
    return found


def source_of(measure: str) -> str | None:
    """Return the table a figure counts the records of (`SOURCES`; use of force by type and injury: use_of_force)."""
    return "use_of_force" if measure.startswith(FORCE_OF) else SOURCES.get(measure)


def reaches_back(data: DataSet, span: Span) -> bool:
    """Return whether the data reach back to a span's first day: the calls' first record is on or before it."""
    first = data.first_day("calls_for_service")
    return first is not None and first <= span.start


def chief_figures(data: DataSet, year: SchoolYear, span: Span) -> pd.DataFrame:
    """Return the figures of the Chief's page one for a span: calls, the school-related actions (with an SRO and with
    no officer recorded), use of force by type and injury, school days and those under the Act 12 floor (to the
    as-of date), and the base the changes are compared over. Every force type of the data has a row, zero or not."""
    key = key_figures(data, year, span).set_index("measure")["value"]
    recorded = by_officer_recorded(data.enforcement, span).set_index("action").loc[TOTAL]
    uof = by_type(data.use_of_force, span).set_index("force_type")
    below = days_below_floor(data.shifts, year, covered(span, data.as_of()))
    rows = [(m, key[m]) for m in (MEASURES["calls"], MEASURES["arrests"], MEASURES["citations"],
                                  MEASURES["court_referrals"])]
    rows += [(ACTIONS, recorded["total"]), (WITH_SRO, recorded["with_sro"]), (NO_OFFICER, recorded["no_officer"]),
             (MEASURES["use_of_force"], key[MEASURES["use_of_force"]])]
    rows += [(f"{FORCE_OF}{kind.lower()}", uof["incidents"].get(kind, 0))
             for kind in sorted(data.use_of_force["force_type"].dropna().unique())]
    rows += [(SUBJECT_INJURED, uof["subject_injured"].sum()), (OFFICER_INJURED, uof["officer_injured"].sum()),
             ("School days", key["School days"]), (UNDER_FLOOR, len(below)), (BASES[True], key[BASES[True]])]
    return pd.DataFrame(rows, columns=["measure", "value"]).astype({"value": "Int64"})


def year_to_date_spans(year: SchoolYear, as_of: dt.date | None) -> tuple[Span, Span]:
    """Return the school year up to the data's as-of date, and the same calendar days of the year before."""
    now = covered(year.year_span, as_of)
    return now, same_days_year_before(now)


def year_to_date(data: DataSet, year: SchoolYear) -> pd.DataFrame:
    """Return the Chief's figures of the school year to date beside the same days of the year before (`compare`'s
    frame); the year before is blank where the data do not reach back to its first day, so that a year is never
    compared with part of one."""
    now, before = year_to_date_spans(year, data.as_of())
    current = chief_figures(data, year, now)
    previous = known_figures(data, year, before, chief_figures) if reaches_back(data, before) else \
        current.assign(value=pd.NA).astype({"value": "Int64"})
    return compare(current, previous, missing=None)


def by_school_year(data: DataSet, year: SchoolYear) -> pd.DataFrame:
    """Return the key figures of each school year the calls cover, up to `year`, one column per year.

    A year the data end inside is headed with its partial note; a year without a parameter file is
    counted July 1 to June 30, its school days left blank; a count whose table starts after the year is blank.

    >>> import sro_reporting as sro
    >>> from sro_reporting.params import load_school_year
    >>> data, year = sro.load(), load_school_year("2025-26")  # the demo data set
    >>> list(by_school_year(data, year).columns)
    ['measure', '2025-26']
    """
    columns, label, first = {}, year.school_year, data.first_day("calls_for_service")
    while first is not None and year_span(label).end >= first:
        note = partial_note(year_span(label), data.as_of())
        columns[f"{label} ({note})" if note else label] = \
            known_figures(data, year, year_span(label)).set_index("measure")["value"]
        label = previous_year(label)
    out = pd.DataFrame(dict(reversed(list(columns.items()))))
    return out.rename_axis("measure").reset_index()


def by_part_of_year(data: DataSet, year: SchoolYear) -> pd.DataFrame:
    """Return the district's key figures in each semester, outside the semesters and in the whole year.

    The parts add up to the year, whichever schools took part in each part.

    >>> import sro_reporting as sro
    >>> from sro_reporting.params import load_school_year
    >>> data, year = sro.load(), load_school_year("2025-26")  # the demo data set
    >>> t = by_part_of_year(data, year).set_index("measure")
    >>> list(t.columns), bool((t[["fall", "spring", "outside the semesters"]].sum(axis=1) == t["year"]).all())
    (['fall', 'spring', 'outside the semesters', 'year'], True)
    """
    parts = {name: [term] for name, term in year.semesters.items()}
    parts["outside the semesters"] = outside_semesters(year)
    return _by_parts(data, year, {**parts, "year": [year.year_span]})


def by_part_of_quarter(data: DataSet, year: SchoolYear, span: Span) -> pd.DataFrame:
    """Return the district's key figures in the quarter's days of each semester, outside them, and in the quarter.

    The annual's parts of the year, cut at the quarter: quarters add up to a semester where they cover it.

    >>> import sro_reporting as sro
    >>> from sro_reporting.params import load_school_year
    >>> from sro_reporting.periods import quarter_span
    >>> data, year = sro.load(), load_school_year("2025-26")  # the demo data set
    >>> t = by_part_of_quarter(data, year, quarter_span(2025, 3)).set_index("measure")
    >>> list(t.columns), bool((t[["fall", "spring", "outside the semesters"]].sum(axis=1) == t["quarter"]).all())
    (['fall', 'spring', 'outside the semesters', 'quarter'], True)
    """
    parts = {name: spans for name, spans in parts_by_semester(year, span).items() if spans}
    return _by_parts(data, year, {**parts, "quarter": [span]})


def _by_parts(data: DataSet, year: SchoolYear, parts: dict[str, list[Span]]) -> pd.DataFrame:
    """Return the key figures of each named part of a period (one column each), a part's spans added up."""
    columns = {}
    for name, spans in parts.items():
        figures = [key_figures(data, year, span).set_index("measure")["value"] for span in spans]
        columns[name] = sum(figures[1:], figures[0])
    return pd.DataFrame(columns).rename_axis("measure").reset_index()


def presence(data: DataSet, year: SchoolYear, span: Span, school_id: str) -> pd.DataFrame:
    """Return the days with an SRO activity at the school, the SROs seen and the hours they logged.

    >>> import sro_reporting as sro
    >>> from sro_reporting.params import load_school_year
    >>> data, year = sro.load(), load_school_year("2025-26")  # the demo data set
    >>> presence(data, year, year.semesters["spring"], "0007")["measure"].tolist()[0]
    'School days in the period'
    """
    found = school_presence(at_school(data.activities, "activity_date", data.schools, span, school_id), span)
    row = found.set_index("school_id").reindex([school_id]).fillna(0).iloc[0]
    return measures([
        ("School days in the period", covered_days(year, span, data.as_of())),
        ("Days with an SRO activity at the school", int(row["days_with_sro"])),
        ("SROs who logged an activity at the school", int(row["sros"])),
        ("Hours of SRO activity logged at the school", round(float(row["hours_logged"]), 1)),
    ])
