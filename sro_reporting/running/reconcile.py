"""Reconciliation: for a finished run, check every total against its parts, inside each report and across
reports, and list what does not add up.

It reads only the run's outputs: the manifest's `outputs` (stem, report, parameters) and the tables
each report wrote (`tables/<stem>/`). A cell shown as
`*` (suppressed) is unknown, and a check that needs it is not made. An empty result means every total
checked equals its parts.

Checks, each by name in the result:
- `breakdown`: a table's rows (or columns) add to its total row (or column).
- `key figure`: a table's total equals the report's key figure of the same measure.
- `III.F`: the two III.F tables against the annual's key figures and its table of every count per school.
- `parts of the year`: fall, spring and the time outside the semesters add to the year; the year equals
  the annual's totals and its column in the table by school year.
- `months to semester`: the monthly briefs of a semester add to the semester report's key figures and
  days under the Act 12 floor.
- `semester to year`: a semester report's key figures equal the annual's column for that semester.
- `packets to district`: each school packet's figures equal the school's row in the semester report;
  the packets' district average equals the mean over the schools taking part; one packet per school.
- `officers to district`: the officer reports' months add to the semester's activities, use of force and hours.
- `compliance`: the summary's counts equal the findings listed; the MPS extract's equal the internal ones.
- `quarter`: a quarterly report's parts (its days in each semester and outside them) add to the quarter and its key
  figures; its searches, complaints and training tables add to their totals and its key figures.
- `quarters to semester`: where the quarters made cover a semester (or the school year), their days in it add to
  the semester report's key figures (the annual's). The populations match there: every record of the days, wherever
  it was. Quarters made by two runs (fall and spring) are checked together by `reconcile_runs`.
- `chief's page`: the internal compliance report's page one (`year_to_date`): the actions by type and by officer
  recorded, and use of force by type, add to their totals; its days under the floor are the III.A / Act 12 findings.
- `offense types`: the actions by offense type add to every school-related action (the table of every count per
  school); the 118.124 incidents of the high schools add to the district's, kind by kind.

`reconcile_run` also checks the folder as a whole (issue 23, item 4), not only what the manifest lists:
- `files`: every file in the folder is listed in its manifest (a report's files, the run's own
  `manifest.json` and `data_quality.csv`, the III.F tables copied from the annual's), none listed is
  missing, and each is as its sha256 says; the same for the MPS release beside it (`../mps/`).
- `data version`: every report listed, in the run and in the release, was made from the data the run read.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sro_reporting.disclosure.layout import LAYOUTS
from sro_reporting.frames import SUPPRESSED
from sro_reporting.measures.population import MEASURES, TOTAL
from sro_reporting.measures.summary import (
    ACTIONS,
    FORCE_OF,
    NO_OFFICER,
    OFFICER_INJURED,
    SUBJECT_INJURED,
    UNDER_FLOOR,
    WITH_SRO,
)

COLUMNS = ["check", "report", "table", "item", "expected", "found"]
COUNT_MEASURES = list(MEASURES.values())
ADDITIVE = [*COUNT_MEASURES, "SRO shifts worked", "School days", "School days at the schools taking part"]
ACTION_COLUMNS = {"arrest": "School-related arrests", "citation": "School-related citations",
                  "court_referral": "School-related court referrals"}
ROOT = "_tables"  # an output entry's tables folder, where `reconcile_runs` gathers the reports of several runs
QUARTER_PARTS = ("fall", "spring", "outside the semesters")
V3_TOTALS = {  # a quarterly table, its label column, the count columns, and the key figure of each column's total
    "searches_by_school": ("school_name", {"total": "Searches"}),
    "searches_by_found": ("found", {"Total": "Searches"}),
    "searches_by_basis": ("basis", {"Total": "Searches"}),
    "complaints_by_category": ("category", {"received": "Complaints received", "closed": "Complaints closed"}),
    "complaints_by_source": ("source", {"received": "Complaints received"}),
    "complaints_closed_by_finding": ("finding", {"closed": "Complaints closed"}),
    "training_completed": ("course", {"completions": "Training courses completed"}),
}
NOT_ADDITIVE = {"officers", "hours"}  # training: each SRO once in the total; hours rounded per course
ACTION_LABELS = {"Arrests": "School-related arrests", "Citations": "School-related citations",
                 "Court referrals": "School-related court referrals"}


def number(value: object) -> float:
    """Return a cell as a number; a suppressed (`*`), blank or text cell is unknown (NaN)."""
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    if value == SUPPRESSED:
        return float("nan")
    try:
        return float(str(value).replace(",", ""))
    except ValueError:
        return float("nan")


@dataclass
class Run:
    """A finished run's tables, found by stem, and what does not add up in them."""

    root: Path
    outputs: list[dict]
    whole: bool = True  # the run made every report of its period, not the ones `--school` etc. picked
    found: list[tuple] = field(default_factory=list)
    checks: int = 0
    _cache: dict = field(default_factory=dict)

    def folder(self, entry: dict) -> Path:
        """Return the folder of a report's tables: `<root>/<stem>` (the root of the run it came from)."""
        return Path(entry.get(ROOT, self.root)) / entry["stem"]

    def period(self, entry: dict) -> tuple[str, str] | None:
        """Return a report's period as ISO dates, from its key figures' layout; None where it has none."""
        path = self.folder(entry) / LAYOUTS
        if not path.exists():
            return None
        columns = json.loads(path.read_text()).get("key_figures.csv", {}).get("columns", {})
        found = (columns.get("current") or columns.get("value") or {}).get("period")
        return tuple(found.split("/")) if found else None

    def table(self, entry: dict, name: str) -> pd.DataFrame | None:
        """Return one of a report's tables as text, or None where the report did not write it."""
        path = self.folder(entry) / f"{name}.csv"
        if path not in self._cache:
            self._cache[path] = (pd.read_csv(path, dtype=str, keep_default_na=False)
                                 if path.exists() else None)
        return self._cache[path]

    def figures(self, entry: dict, name: str = "key_figures") -> dict[str, float]:
        """Return a `measure, value` (or `measure, current`) table as a dict; {} where there is none."""
        frame = self.table(entry, name)
        if frame is None:
            return {}
        column = "current" if "current" in frame.columns else "value"
        return {m: number(v) for m, v in zip(frame["measure"], frame[column])}

    def check(self, kind: str, entry: dict, table: str, item: str, expected: float, found: float,
              tolerance: float = 0.0) -> None:
        """Record a total that is not the sum of its parts; unknown (suppressed) values are not checked."""
        if np.isnan(expected) or np.isnan(found):
            return
        self.checks += 1
        if abs(expected - found) > tolerance + 1e-9:
            self.found.append((kind, entry["stem"], table, item, _plain(expected), _plain(found)))

    def of(self, report: str, **parameters: str) -> list[dict]:
        """Return the run's successful reports of a kind whose parameters include the ones given."""
        return [o for o in self.outputs if o["report"] == report and o.get("status", "ok") == "ok"
                and all(o["parameters"].get(k) == v for k, v in parameters.items())]


def _plain(value: float) -> float | int:
    """Return a whole number as an int, for a readable result."""
    return int(value) if float(value).is_integer() else round(value, 2)


def _numbers(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Return the given columns of a text table as numbers (suppressed and blank cells NaN)."""
    return frame[columns].map(number).astype("float64")


def _sum(values: pd.Series) -> float:
    """Return the sum of known parts; NaN when any part is unknown."""
    return float("nan") if values.isna().any() else float(values.sum())


def _rows_add_up(run: Run, entry: dict, name: str, label: str, columns: list[str]) -> None:
    """Check that the rows before a table's total row add up to it, column by column."""
    frame = run.table(entry, name)
    if frame is None:
        return
    is_total = frame[label] == TOTAL
    if not is_total.any():
        run.found.append(("breakdown", entry["stem"], name, "Total row", "a Total row", "none"))
        return
    values = _numbers(frame, columns)
    for column in columns:
        run.check("breakdown", entry, name, f"{column}: rows to Total", values.loc[is_total, column].iloc[0],
                  _sum(values.loc[~is_total, column]))


def _columns_add_up(run: Run, entry: dict, name: str, parts: list[str], total: str) -> None:
    """Check that a table's part columns add to its total column on every row."""
    frame = run.table(entry, name)
    if frame is None:
        return
    values = _numbers(frame, [*parts, total])
    first = frame.columns[0] if "school_name" not in frame.columns else "school_name"
    for i, row in values.iterrows():
        run.check("breakdown", entry, name, f"{frame.loc[i, first]}: columns to {total}", row[total],
                  _sum(row[parts]))


def _place(run: Run, entry: dict) -> pd.DataFrame | None:
    """Return a report's table of every count per school and elsewhere, by school_name, as numbers."""
    frame = run.table(entry, "key_figures_by_school")
    if frame is None:
        return None
    values = _numbers(frame, list(MEASURES)).set_axis(frame["school_name"])
    return values.assign(school_id=frame["school_id"].replace("", None).to_numpy())


def check_report(run: Run, entry: dict) -> None:
    """Check the totals inside one report against their parts and its key figures."""
    key = run.figures(entry)
    place = _place(run, entry)
    if place is not None:
        _rows_add_up(run, entry, "key_figures_by_school", "school_name", list(MEASURES))
        for measure, label in MEASURES.items():
            run.check("key figure", entry, "key_figures_by_school", label, key.get(label, np.nan),
                      place.loc[TOTAL, measure])
    actions = run.table(entry, "actions_by_school")
    if actions is not None:
        _rows_add_up(run, entry, "actions_by_school", "school_name", list(ACTION_COLUMNS))
        total = _numbers(actions, list(ACTION_COLUMNS))[actions["school_name"] == TOTAL]
        for column, label in ACTION_COLUMNS.items():
            run.check("key figure", entry, "actions_by_school", label, key.get(label, np.nan),
                      total[column].iloc[0] if len(total) else np.nan)
        if place is not None:
            _same_rows(run, entry, "actions_by_school", actions, place,
                       {"arrest": "arrests", "citation": "citations", "court_referral": "court_referrals"})
    acts = run.table(entry, "activities_by_school")
    if acts is not None:
        types = [c for c in acts.columns if c not in ("school_id", "school_name", "participation", "total")]
        _rows_add_up(run, entry, "activities_by_school", "school_name", [*types, "total"])
        _columns_add_up(run, entry, "activities_by_school", types, "total")
        if place is not None:
            _same_rows(run, entry, "activities_by_school", acts, place,
                       {"total": "activities", "youth_referral": "youth_referrals"})
    for breakdown in ("age_band", "gender", "race"):
        _people(run, entry, f"actions_by_{breakdown}", key if entry["report"] != "officer" else {})
    for breakdown in ("age_band", "race"):
        _people(run, entry, f"use_of_force_by_{breakdown}", {"Incidents": key.get("Use-of-force incidents", np.nan)}
                if entry["report"] != "officer" else {}, {"Incidents": "Incidents"})
    _offense_tables(run, entry, key, place)
    _activity_tables(run, entry, key)
    _call_tables(run, entry, key, place)
    if entry["report"] == "annual":
        _annual(run, entry, place)
    if entry["report"] == "quarterly":
        _quarter(run, entry, key)
    if entry["report"] == "compliance":
        _chief_page(run, entry)


def _chief_page(run: Run, entry: dict) -> None:
    """Check the Chief's page one (`year_to_date`): the actions add to their total and it splits into those with an
    SRO and those with no officer recorded; use of force by type adds to the incidents; the days under the floor are
    the compliance check's (its III.A / Act 12 findings)."""
    key = run.figures(entry, "year_to_date")
    if not key:
        return
    kinds = [m for m in key if m.startswith(FORCE_OF) and m not in (SUBJECT_INJURED, OFFICER_INJURED)]
    for item, total, parts in (("actions by type", ACTIONS, list(ACTION_COLUMNS.values())),
                               ("actions by officer recorded", ACTIONS, [WITH_SRO, NO_OFFICER]),
                               ("use of force by type", MEASURES["use_of_force"], kinds)):
        run.check("chief's page", entry, "year_to_date", item, key[total], _sum(pd.Series([key[p] for p in parts])))
    floor = run.table(entry, "findings_iii_a")
    if floor is not None:
        run.check("chief's page", entry, "year_to_date", UNDER_FLOOR, key[UNDER_FLOOR], float(len(floor)))


def _quarter(run: Run, entry: dict, key: dict[str, float]) -> None:
    """Check a quarterly report: its parts add to the quarter and its key figures; its v3 tables to their totals."""
    parts = run.table(entry, "key_figures_by_part_of_quarter")
    if parts is not None:
        names = [c for c in QUARTER_PARTS if c in parts.columns]
        values = _numbers(parts, [*names, "quarter"]).set_axis(parts["measure"])
        for measure, row in values.iterrows():
            run.check("quarter", entry, "key_figures_by_part_of_quarter", measure, row["quarter"], _sum(row[names]))
            run.check("quarter", entry, "key_figures_by_part_of_quarter", f"{measure}: quarter to key figure",
                      key.get(measure, np.nan), row["quarter"])
    for name, (label, columns) in V3_TOTALS.items():
        frame = run.table(entry, name)
        if frame is None:
            continue
        counts = [c for c in frame.columns
                  if c not in ("school_id", "school_name", "participation", label, *NOT_ADDITIVE)]
        _rows_add_up(run, entry, name, label, counts)
        if "Total" in counts or "total" in counts:
            total = "Total" if "Total" in counts else "total"
            _columns_add_up(run, entry, name, [c for c in counts if c != total], total)
        totals = _numbers(frame, list(columns))[frame[label] == TOTAL]
        for column, measure in columns.items():
            run.check("quarter", entry, name, f"{column}: Total to {measure}", key.get(measure, np.nan),
                      totals[column].iloc[0] if len(totals) else np.nan)


def _offense_tables(run: Run, entry: dict, key: dict[str, float], place: pd.DataFrame | None) -> None:
    """Check the actions by offense type against every school-related action, and the 118.124 table's totals."""
    _people(run, entry, "actions_by_offense", key if entry["report"] != "officer" else {})
    offense = run.table(entry, "actions_by_offense")
    if offense is not None and place is not None:
        total = _numbers(offense, list(ACTION_LABELS))[offense[offense.columns[0]] == TOTAL]
        for column, measure in zip(ACTION_LABELS, ("arrests", "citations", "court_referrals")):
            run.check("offense types", entry, "actions_by_offense", f"{column}: every school-related action",
                      place.loc[TOTAL, measure], total[column].iloc[0] if len(total) else np.nan)
    incidents = run.table(entry, "incidents_by_school")
    if incidents is not None:
        kinds = [c for c in incidents.columns if c not in ("School ID", "School", "Total")]
        _rows_add_up(run, entry, "incidents_by_school", "School ID", [*kinds, "Total"])
        _columns_add_up(run, entry, "incidents_by_school", kinds, "Total")


def _same_rows(run: Run, entry: dict, name: str, frame: pd.DataFrame, place: pd.DataFrame,
               columns: dict[str, str]) -> None:
    """Check that a by-school table's rows equal the same rows of the table of every count per school."""
    values = _numbers(frame, list(columns)).set_axis(frame["school_name"])
    for row in values.index:
        if row not in place.index:
            run.found.append(("breakdown", entry["stem"], name, f"{row}: row", "in key_figures_by_school", "missing"))
            continue
        for column, measure in columns.items():
            run.check("breakdown", entry, name, f"{row}: {column}", place.loc[row, measure], values.loc[row, column])


def _people(run: Run, entry: dict, name: str, key: dict[str, float],
            labels: dict[str, str] = ACTION_LABELS) -> None:
    """Check a table of people: rows and columns add to its totals, and its totals equal the key figures."""
    frame = run.table(entry, name)
    if frame is None:
        return
    label = frame.columns[0]
    parts = [c for c in frame.columns[1:] if c != "Total"]
    _rows_add_up(run, entry, name, label, [*parts, "Total"])
    _columns_add_up(run, entry, name, parts, "Total")
    total = _numbers(frame, parts)[frame[label] == TOTAL]
    for column in parts:
        if column in labels and labels[column] in key:
            run.check("key figure", entry, name, labels[column], key[labels[column]],
                      total[column].iloc[0] if len(total) else np.nan)


def _activity_tables(run: Run, entry: dict, key: dict[str, float]) -> None:
    """Check activities by type, alternatives and use of force against the key figures."""
    types = run.table(entry, "activities_by_type")
    if types is not None and key:
        values = _numbers(types, ["activities"]).set_axis(types["activity_type"])
        run.check("key figure", entry, "activities_by_type", "SRO activities logged",
                  key.get("SRO activities logged", np.nan), _sum(values["activities"]))
        run.check("key figure", entry, "activities_by_type", "Youth referrals", key.get("Youth referrals", np.nan),
                  values["activities"].get("Youth referral", np.nan))
    alt = run.figures(entry, "alternatives_to_citation")
    if alt and key:
        for measure, label in (("Alternatives to citation", "Alternatives to citation"),
                               ("School-related citations", "School-related citations"),
                               ("Youth referrals logged", "Youth referrals")):
            run.check("key figure", entry, "alternatives_to_citation", measure, key.get(label, np.nan),
                      alt.get(measure, np.nan))
    force = run.figures(entry, "use_of_force")
    if force:
        incidents = force.get("Use-of-force incidents", np.nan)
        if key:
            run.check("key figure", entry, "use_of_force", "Use-of-force incidents",
                      key.get("Use-of-force incidents", np.nan), incidents)
        by_type = run.table(entry, "use_of_force_by_type")
        if by_type is not None:
            run.check("breakdown", entry, "use_of_force_by_type", "incidents by type to the total", incidents,
                      _sum(_numbers(by_type, ["incidents"])["incidents"]))


def _call_tables(run: Run, entry: dict, key: dict[str, float], place: pd.DataFrame | None) -> None:
    """Check the calls tables: priorities, months and natures to the key figure; schools to their rows."""
    calls = key.get("Calls for service", np.nan)
    times = run.table(entry, "response_times")
    if times is not None:
        values = _numbers(times, ["calls", "timed"]).set_axis(times["priority"])
        everything = values["calls"].get("All", np.nan)
        run.check("breakdown", entry, "response_times", "priorities to All", everything,
                  _sum(values["calls"].drop("All", errors="ignore")))
        run.check("key figure", entry, "response_times", "Calls for service", calls, everything)
        run.check("breakdown", entry, "response_times", "timed to All", values["timed"].get("All", np.nan),
                  _sum(values["timed"].drop("All", errors="ignore")))
    for name in ("calls_by_month", "calls_by_nature"):
        frame = run.table(entry, name)
        if frame is not None:
            run.check("key figure", entry, name, "Calls for service", calls, _sum(_numbers(frame, ["calls"])["calls"]))
    by_priority = run.table(entry, "calls_by_school_priority")
    priorities = ["1", "2", "3", "4", "5", "6", "not recorded"]
    if by_priority is not None:
        _columns_add_up(run, entry, "calls_by_school_priority", priorities, "total")
        _rows_add_up(run, entry, "calls_by_school_priority", "school_name", [*priorities, "total"])
        every = _numbers(by_priority, ["total"]).set_axis(by_priority["school_name"])["total"]
        run.check("key figure", entry, "calls_by_school_priority", "Calls for service", calls,
                  every.get(TOTAL, np.nan))
        schools_only = by_priority["school_id"].replace("", None).notna().to_numpy()
        totals = _numbers(by_priority, ["total"]).set_axis(by_priority["school_id"])["total"][schools_only]
        if place is not None:
            schools = place.dropna(subset=["school_id"]).set_index("school_id")
            for school_id, value in totals.items():
                run.check("breakdown", entry, "calls_by_school_priority", f"school {school_id}",
                          schools["calls"].get(school_id, np.nan), value)
        for name in ("calls_by_disposition_and_priority", "calls_by_priority_disposition"):
            frame = run.table(entry, name)
            if frame is None:
                continue
            column = "total" if "total" in frame.columns else "calls"
            sums = _numbers(frame, [column]).groupby(frame["school_id"].to_numpy())[column].sum()
            for school_id, value in totals.items():
                run.check("breakdown", entry, name, f"school {school_id}", value, float(sums.get(school_id, 0.0)))


def _annual(run: Run, entry: dict, place: pd.DataFrame | None) -> None:
    """Check the annual: the III.F tables against its key figures and every count per school; the parts of the year."""
    key = run.figures(entry)
    long = run.table(entry, "calls_by_priority_disposition")
    by_school = run.table(entry, "arrests_citations_by_school")
    if long is not None:
        run.check("III.F", entry, "calls_by_priority_disposition", "Calls for service at participating schools",
                  key.get("Calls for service at participating schools", np.nan),
                  _sum(_numbers(long, ["calls"])["calls"]))
    if by_school is not None:
        values = _numbers(by_school, ["arrests", "citations"]).set_axis(by_school["school_id"])
        run.check("III.F", entry, "arrests_citations_by_school", "Participating schools",
                  key.get("Participating schools", np.nan), float(len(by_school)))
        for column, label in (("arrests", "School-related arrests at participating schools"),
                              ("citations", "School-related citations at participating schools")):
            run.check("III.F", entry, "arrests_citations_by_school", label, key.get(label, np.nan),
                      _sum(values[column]))
            if place is not None:
                schools = place.dropna(subset=["school_id"]).set_index("school_id")
                for school_id, value in values[column].items():
                    run.check("III.F", entry, "arrests_citations_by_school", f"school {school_id}: {column}",
                              schools[column].get(school_id, np.nan), value)
    parts = run.table(entry, "key_figures_by_part_of_year")
    if parts is None:
        return
    values = _numbers(parts, ["fall", "spring", "outside the semesters", "year"]).set_axis(parts["measure"])
    for measure, row in values.iterrows():
        run.check("parts of the year", entry, "key_figures_by_part_of_year", measure, row["year"],
                  _sum(row[["fall", "spring", "outside the semesters"]]))
    if place is not None:
        for column, label in MEASURES.items():
            run.check("parts of the year", entry, "key_figures_by_part_of_year", f"{label}: year to Total",
                      place.loc[TOTAL, column], values["year"].get(label, np.nan))
    years = run.table(entry, "key_figures_by_school_year")
    school_year = entry["parameters"].get("school_year", "")
    if years is not None:
        column = next((c for c in years.columns if c.split(" ")[0] == school_year), None)
        if column is not None:
            by_year = _numbers(years, [column]).set_axis(years["measure"])[column]
            for measure, value in values["year"].items():
                run.check("parts of the year", entry, "key_figures_by_school_year", measure, value,
                          by_year.get(measure, np.nan))


def check_across(run: Run) -> None:
    """Check the reports against each other: months, packets and officers to the semester, semesters to the year."""
    for semester in run.of("semester"):
        params = {k: semester["parameters"][k] for k in ("school_year", "semester")}
        key = run.figures(semester)
        months = run.of("monthly", **params)
        if months:
            sums = {m: _sum(pd.Series([run.figures(e).get(m, np.nan) for e in months])) for m in ADDITIVE}
            for measure in ADDITIVE:
                run.check("months to semester", semester, "key_figures",
                          f"{measure} ({len(months)} monthly briefs)", key.get(measure, np.nan), sums[measure])
            below = [run.table(e, "days_below_floor") for e in months]
            mine = run.table(semester, "days_below_floor")
            if mine is not None and all(b is not None for b in below):
                run.check("months to semester", semester, "days_below_floor", "school days under the floor",
                          float(len(mine)), float(sum(len(b) for b in below)))
        _packets(run, semester, run.of("school", **params))
        _officers(run, semester, key, run.of("officer", **params))
        for annual in run.of("annual", school_year=params["school_year"]):
            parts = run.table(annual, "key_figures_by_part_of_year")
            if parts is None:
                continue
            column = _numbers(parts, [params["semester"]]).set_axis(parts["measure"])[params["semester"]]
            for measure in ADDITIVE:
                run.check("semester to year", annual, "key_figures_by_part_of_year",
                          f"{measure} ({params['semester']})", key.get(measure, np.nan),
                          column.get(measure, np.nan))


def _covers(run: Run, quarters: list[dict], span: tuple[str, str]) -> bool:
    """Return whether the quarters made run without a gap over the whole of a period (ISO dates)."""
    found = sorted(p for p in (run.period(q) for q in quarters) if p is not None)
    if not found or found[0][0] > span[0] or found[-1][1] < span[1]:
        return False
    return all(pd.Timestamp(a[1]) + pd.Timedelta(days=1) == pd.Timestamp(b[0]) for a, b in zip(found, found[1:]))


def _quarters_to(run: Run, whole: dict, column: str, key: dict[str, float], quarters: list[dict],
                 table: str = "key_figures") -> None:
    """Check that the quarters' days in a semester (`column`, or `quarter` for the year) add to its figures (`key`,
    from `table`)."""
    span = run.period(whole)
    quarters = [q for q in quarters if run.table(q, "key_figures_by_part_of_quarter") is not None]
    if span is None or not _covers(run, quarters, span):
        return
    parts = [run.table(q, "key_figures_by_part_of_quarter") for q in quarters]
    for measure in ADDITIVE:
        values = [_numbers(p, [column]).set_axis(p["measure"])[column].get(measure, np.nan) if column in p.columns
                  else 0.0 for p in parts]  # a quarter with no day in the semester adds nothing
        run.check("quarters to semester", whole, table, f"{measure} ({len(quarters)} quarters, {column})",
                  key.get(measure, np.nan), _sum(pd.Series(values, dtype="float64")))


def _quarters_across(run: Run) -> None:
    """Check the quarters against the semesters they cover, and the four against the annual's year and parts."""
    for semester in run.of("semester"):
        params = {k: semester["parameters"][k] for k in ("school_year", "semester")}
        _quarters_to(run, semester, params["semester"], run.figures(semester),
                     run.of("quarterly", school_year=params["school_year"]))
    for annual in run.of("annual"):
        quarters = run.of("quarterly", school_year=annual["parameters"]["school_year"])
        parts = run.table(annual, "key_figures_by_part_of_year")
        if parts is None:
            continue
        for column, theirs in {**{c: c for c in QUARTER_PARTS}, "year": "quarter"}.items():
            if column in parts.columns:  # the annual's part, and the quarters' column that adds to it
                _quarters_to(run, annual, theirs, _numbers(parts, [column]).set_axis(parts["measure"])[column]
                             .to_dict(), quarters, "key_figures_by_part_of_year")


def _packets(run: Run, semester: dict, packets: list[dict]) -> None:
    """Check the school packets against the semester report's row of each school and its average."""
    place = _place(run, semester)
    if place is None or not packets:
        return
    schools = place.dropna(subset=["school_id"]).set_index("school_id")
    if run.whole:
        run.check("packets to district", semester, "key_figures_by_school", "school packets made",
                  float(len(schools)), float(len(packets)))
    for packet in packets:
        school_id = packet["parameters"].get("school_id")
        if school_id not in schools.index:
            run.found.append(("packets to district", packet["stem"], "key_figures", f"school {school_id}",
                              "a school taking part", "not in the semester report"))
            continue
        key = run.figures(packet)
        comparison = run.table(packet, "district_comparison")
        average = (_numbers(comparison, ["this_school", "district_average"]).set_axis(comparison["measure"])
                   if comparison is not None else None)
        for measure, label in MEASURES.items():
            run.check("packets to district", packet, "key_figures", label, schools.loc[school_id, measure],
                      key.get(label, np.nan))
            if average is not None:
                run.check("packets to district", packet, "district_comparison", f"{label}: this school",
                          schools.loc[school_id, measure], average["this_school"].get(label, np.nan))
                run.check("packets to district", packet, "district_comparison", f"{label}: district average",
                          round(float(schools[measure].mean()), 1), average["district_average"].get(label, np.nan))


def _officers(run: Run, semester: dict, key: dict[str, float], officers: list[dict]) -> None:
    """Check the officer reports' months against the semester's activities, use of force and hours."""
    if not officers:
        return
    months = [run.table(o, "by_month") for o in officers]
    if any(m is None for m in months):
        return
    frame = pd.concat(months, ignore_index=True)
    frame = frame[frame["month"] != TOTAL]  # each table's own total row: the months are the parts
    values = _numbers(frame, ["activities", "use_of_force", "hours_worked"])
    for column, label in (("activities", "SRO activities logged"), ("use_of_force", "Use-of-force incidents")):
        run.check("officers to district", semester, "key_figures", f"{label} ({len(officers)} officer reports)",
                  key.get(label, np.nan), _sum(values[column]))
    hours = run.figures(semester, "hours_summary").get("Hours worked", np.nan)
    run.check("officers to district", semester, "hours_summary", f"Hours worked ({len(officers)} officer reports)",
              hours, _sum(values["hours_worked"]), tolerance=0.05 * (len(frame) + 1))


def check_compliance(run: Run) -> None:
    """Check each compliance report's summary against its findings, and the MPS extract against the internal one."""
    from sro_reporting.measures.compliance import BASELINE, BREACH, NOT_YET_DUE, WARNING

    summaries = {}
    for entry in run.of("compliance"):
        summary = run.table(entry, "summary")
        if summary is None:
            continue
        summaries[entry["parameters"].get("audience", "mpd_internal")] = summary
        for row in summary.itertuples(index=False):
            name = f"findings_{row.section.split()[0].replace('.', '_').lower()}"
            found = run.table(entry, name)
            if found is None:
                run.found.append(("compliance", entry["stem"], name, row.section, "a findings table", "none"))
                continue
            counts = found["status"].value_counts()
            for column, status in (("breaches", BREACH), ("warnings", WARNING), ("baseline", BASELINE),
                                   ("not_yet_due", NOT_YET_DUE)):
                run.check("compliance", entry, name, f"{row.section}: {column}", number(getattr(row, column)),
                          float(counts.get(status, 0)))
    if {"mpd_internal", "mps"} <= set(summaries):
        internal = summaries["mpd_internal"].set_index("section")
        extract = summaries["mps"].set_index("section")
        entry = run.of("compliance", audience="mps")[0]
        for section in extract.index:
            for column in ("breaches", "warnings", "baseline", "not_yet_due"):
                run.check("compliance", entry, "summary", f"{section}: {column} as in the internal report",
                          number(internal.loc[section, column]), number(extract.loc[section, column]))


def reconcile(tables: Path, outputs: list[dict], whole: bool = True) -> pd.DataFrame:
    """Return every total of the run's reports that does not equal its parts (empty when all add up).

    `tables` is the run's tables folder; `outputs` the manifest's list of reports (stem, report, parameters,
    status). Columns: check, report (the stem the total is in), table, item, expected (the total), found
    (the parts added up, or the other report's figure). `attrs["checks"]` holds how many totals were checked.
    `whole` False (a run of picked schools, officers or months): a packet per school is not required.
    """
    run = Run(Path(tables), outputs, whole)
    for entry in run.outputs:
        if entry.get("status", "ok") == "ok":
            check_report(run, entry)
    check_across(run)
    _quarters_across(run)
    check_compliance(run)
    out = pd.DataFrame(run.found, columns=COLUMNS)
    out.attrs["checks"] = run.checks
    return out


RUN_FILES = ("manifest.json", "data_quality.csv")  # the run's own files, beside its reports'


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _on_disk(folder: Path) -> set[str]:
    """Return every file (or link) under `folder`, as a `/`-separated path from it."""
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() or p.is_symlink()}


def listed_files(manifest: dict) -> dict[str, tuple[str, str]]:
    """Return each file a run's manifest lists, as (report stem, sha256) by path."""
    return {path: (entry["stem"], sha) for entry in manifest.get("outputs", [])
            for path, sha in (entry.get("files") or {}).items()}


def contract_copies(manifest: dict) -> dict[str, tuple[str, str]]:
    """Return the files the run may copy to the root of `tables/`: the annual's tables (the III.F ones are).

    >>> contract_copies({"outputs": [{"stem": "annual-2025-26", "report": "annual", "status": "ok", "files": {
    ...     "annual-2025-26.pdf": "p", "tables/annual-2025-26/iii_f.csv": "t"}}]})
    {'tables/iii_f.csv': ('annual-2025-26', 't')}
    """
    return {f"tables/{path.rsplit('/', 1)[1]}": (entry["stem"], sha) for entry in manifest.get("outputs", [])
            if entry.get("report") == "annual"
            for path, sha in (entry.get("files") or {}).items() if path.startswith(f"tables/{entry['stem']}/")}


def _compare(folder: Path, listed: dict[str, tuple[str, str]], own: set[str],
             copies: dict[str, tuple[str, str]] | None = None) -> list[tuple]:
    """Return a `files` row for each file in `folder` not listed, listed but missing, or not as listed.

    `copies` are files that may be there or not, but where they are must be as listed.
    """
    disk = _on_disk(folder) - own
    copied = {path: copies[path] for path in disk & set(copies or {})}
    found = [("files", "", "", path, "listed in the manifest", "not listed")
             for path in sorted(disk - set(listed) - set(copied))]
    for path, (stem, sha) in sorted({**copied, **listed}.items()):
        if path not in disk:
            found.append(("files", stem, "", path, "on disk", "missing"))
        elif (folder / path).is_symlink() or _sha256(folder / path) != sha:
            found.append(("files", stem, "", path, f"sha256 {sha[:12]}", "changed since it was listed"))
    return found


def _versions(reports: list[dict], version: str) -> list[tuple]:
    """Return a `data version` row for each report listed that was not made from the run's data (or is stale)."""
    return [("data version", r["stem"], "", r.get("status", "ok"), version, r.get("data_version") or "unknown")
            for r in reports if r.get("status") == "stale" or r.get("data_version", version) != version]


def check_folder(folder: Path) -> list[tuple]:
    """Return what in a run's folder (and the MPS release beside it) its manifests do not account for."""
    manifest = json.loads((folder / "manifest.json").read_text())
    found = _compare(folder, listed_files(manifest), set(RUN_FILES), contract_copies(manifest))
    found += _versions(manifest.get("outputs", []), manifest.get("data_version", ""))
    release = folder.parent / "mps"
    if (release / "manifest.json").is_file():
        mps = json.loads((release / "manifest.json").read_text())
        listed = {f["path"]: ("mps", f["sha256"]) for f in mps.get("files", [])}
        found += [(check, "mps", *rest) for check, _, *rest in _compare(release, listed, {"manifest.json"})]
        found += _versions(mps.get("reports", []), manifest.get("data_version", ""))
    return found


def reconcile_run(folder: str | Path) -> pd.DataFrame:
    """Return what does not add up in the finished run in `folder` (its `manifest.json` and `tables/`), and what in
    the folder, or in the MPS release beside it, the manifests do not account for."""
    out = reconcile_runs(folder)
    rows = check_folder(Path(folder))
    checks = out.attrs["checks"]
    out = pd.concat([out, pd.DataFrame(rows, columns=COLUMNS)], ignore_index=True) if rows else out
    out.attrs["checks"] = checks
    return out


def reconcile_runs(*folders: str | Path) -> pd.DataFrame:
    """Return what does not add up in finished runs checked together (a school year's fall and spring runs: the
    quarters of both against the semesters and the annual); each run's reports are read from its own folder."""
    outputs, whole = [], True
    for folder in map(Path, folders):
        manifest = json.loads((folder / "manifest.json").read_text())
        outputs += [{**o, ROOT: str(folder / "tables")} for o in manifest["outputs"]]
        whole = whole and not manifest["parameters"].get("only")
    return reconcile(Path(folders[0]) / "tables", outputs, whole)

