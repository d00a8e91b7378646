"""Which reports a period calls for, one job per report and entity (school, officer, month), and the
checks a run makes before any report starts: every planned report's tables are there and usable.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from sro_reporting.files import report_stem
from sro_reporting.linking.schools import participating
from sro_reporting.measures.staffing import active_officers
from sro_reporting.params import Audience, SchoolYear, Span
from sro_reporting.paths import notebooks_dir
from sro_reporting.periods import (
    QUARTER_MONTHS,
    long_date,
    months,
    quarter_name,
    quarter_number,
    quarter_span,
    semester_quarters,
)
from sro_reporting.reading.dataset import DataSet
from sro_reporting.running.gate import Match


class PlanError(ValueError):
    """The run cannot be planned as asked: an unknown entity, a report without what it needs."""


@dataclass(frozen=True)
class Kind:
    """A kind of report: its notebook, audience, and what it is made for."""

    name: str
    audience: Audience
    needs_semester: bool = False
    fan_out: str | None = None  # "school", "officer", "month", "quarter" or "audience": one report each
    cost: int = 1  # relative run time; the batch starts the costly reports first
    needs: tuple[str, ...] = ()  # tables the notebook `require`s (a test keeps the two the same); it counts their rows
    title: str = ""
    uses: tuple[str, ...] = ()  # optional tables it counts where they are provided

    @property
    def stands_on(self) -> tuple[str, ...]:
        """Return the tables whose rows the report counts: those it needs and the optional ones it uses."""
        return (*self.needs, *self.uses)

    @property
    def keys(self) -> tuple[Match, ...]:
        """Return the IDs the report stands on: those of its tables that must match the table they refer to."""
        return tuple(m for m in KEYS.get(self.name, ()) if m.table in self.stands_on)

    @property
    def notebook(self) -> Path:
        """Return the report's notebook (the workspace's, else the checkout's)."""
        return notebooks_dir() / f"{self.name}.ipynb"

    def code_hash(self) -> str:
        """Return a hash of what the notebook runs and shows: each cell's type, tags and source.

        Outputs, execution counts, cell ids and metadata (what JupyterLab changes when a notebook
        is opened, run or saved) are left out, so saving a notebook re-makes nothing.
        """
        return notebook_code_hash(self.notebook)


def notebook_code_hash(path: Path) -> str:
    """Return a hash of a notebook's cells as they run: type, tags and source only."""
    cells = json.loads(Path(path).read_text(encoding="utf-8")).get("cells", [])
    kept = [[c.get("cell_type"), sorted(c.get("metadata", {}).get("tags", [])),
             "".join(c["source"]) if isinstance(c.get("source"), list) else c.get("source", "")]
            for c in cells]
    return hashlib.sha256(json.dumps(kept).encode()).hexdigest()


SCHOOL_IDS = tuple(Match(t, "school_id", "schools")
                   for t in ("calls_for_service", "enforcement", "activities", "use_of_force", "meetings"))
OFFICER_IDS = tuple(Match(t, "officer_id", "officers") for t in ("enforcement", "use_of_force", "shifts", "training"))
# The IDs each kind counts by: places for the MPS reports, officers for the officer and compliance reports.
KEYS = {"annual": SCHOOL_IDS, "semester": SCHOOL_IDS, "school": SCHOOL_IDS, "monthly": SCHOOL_IDS,
        "officer": OFFICER_IDS, "compliance": OFFICER_IDS}
KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("annual", "mps", cost=8, needs=("schools", "calls_for_service", "enforcement"),
         title="Annual SRO data report to MPS", uses=("enrollment",)),
    Kind("semester", "mps", needs_semester=True, cost=8,
         needs=("schools", "calls_for_service", "enforcement", "activities", "shifts", "use_of_force"),
         title="Semester report", uses=("enrollment",)),
    Kind("school", "mps", needs_semester=True, fan_out="school",
         needs=("schools", "calls_for_service", "enforcement", "activities", "meetings"),
         title="School consultation packet"),
    Kind("officer", "mpd_internal", needs_semester=True, fan_out="officer",
         needs=("officers", "activities", "shifts", "enforcement", "use_of_force"),
         title="Officer activity report"),
    Kind("monthly", "mps", needs_semester=True, fan_out="month", cost=2,
         needs=("schools", "calls_for_service", "enforcement", "activities", "shifts", "meetings"),
         title="Monthly brief"),
    Kind("quarterly", "mps", needs_semester=True, fan_out="quarter", cost=3,
         needs=("schools", "calls_for_service", "enforcement", "activities", "shifts", "use_of_force"),
         title="Quarterly public report"),
    Kind("compliance", "mpd_internal", fan_out="audience", cost=3,  # the internal report and its MPS extract
         needs=("schools", "officers", "training", "meetings", "shifts", "calls_for_service", "enforcement",
                "use_of_force"), title="Program compliance report"),  # MPD's has the Chief's page one
    Kind("dpi-118124", "mpd_internal", fan_out="audience", cost=4,  # exact for MPD, protected for MPS
         needs=("schools", "enforcement"), title="Wis. Stat. 118.124 incident report"),
)}
# The option that picks one entity of a fanned-out kind, and the kind it picks from.
ENTITY_OPTIONS = {"school": "school", "officer": "officer", "month": "monthly", "quarter": "quarterly"}


@dataclass(frozen=True)
class Job:
    """One report to make: notebook, parameters, and the file stem of its outputs."""

    kind: Kind
    stem: str
    subject: str = ""
    parameters: dict = field(default_factory=dict)
    entity: str = ""  # the school ID, officer ID, month (YYYY-MM) or audience it is made for

    @property
    def audience(self) -> Audience:
        """Return the audience the report is made for."""
        return self.parameters.get("audience", self.kind.audience)


def default_reports(semester: str | None) -> list[str]:
    """Return the reports a period calls for: a semester's, and at the end of spring the year's (annual, 118.124)."""
    if semester is None:
        return ["annual", "compliance", "dpi-118124"]
    reports = ["semester", "school", "officer", "monthly", "quarterly", "compliance"]
    return reports + ["annual", "dpi-118124"] if semester == "spring" else reports


def most_jobs(reports: list[str]) -> float:
    """Return how many reports these kinds can make at most, before the data says (inf when it must)."""
    fixed = {None: 1, "audience": 2}
    return sum(fixed.get(KINDS[name].fan_out, float("inf")) for name in reports)


def _entities(kind: Kind, data: DataSet, span: Span) -> list[tuple[str, str, dict]]:
    """Return (stem suffix, subject, extra parameters) for each entity of a fanned-out kind."""
    if kind.fan_out == "school":
        part = participating(data.schools, span.start, span.end)
        return [(s.school_id, s.school_name, {"school_id": s.school_id}) for s in part.itertuples()]
    if kind.fan_out == "officer":
        return [(o.officer_id, f"Officer {o.officer_id}", {"officer_id": o.officer_id})
                for o in active_officers(data.officers, span).itertuples()]
    if kind.fan_out == "month":  # no brief for a month that starts after the data end
        as_of = data.as_of()
        return [(f"{m.start:%Y-%m}", f"{m.start:%B %Y}",
                 {"period_start": m.start.isoformat(), "period_end": m.end.isoformat()})
                for m in months(span) if as_of is None or m.start <= as_of]
    if kind.fan_out == "quarter":  # the quarters of the semester's half-year; none that starts after the data end
        first = span.start.year - (span.start.month < 7)
        as_of = data.as_of()
        return [(f"q{q}", quarter_name(quarter_span(first, q)), {"quarter": str(q)})
                for q in semester_quarters(span) if as_of is None or quarter_span(first, q).start <= as_of]
    if kind.fan_out == "audience":
        return [("", "", {}), ("mps", "Extract for MPS", {"audience": "mps"})]
    return [("", "", {})]


def make_job(kind: Kind, year: SchoolYear, semester: str | None, base: dict, suffix: str = "",
        subject: str = "", extra: dict | None = None) -> Job:
    """Return the job of one report: its file stem and its notebook's parameters."""
    params = {**base, "school_year": year.school_year, "audience": kind.audience}
    if kind.needs_semester:
        params["semester"] = semester
    stem = report_stem(kind.name, year.school_year, semester if kind.needs_semester else "", suffix)
    return Job(kind, stem, subject, {**params, **(extra or {}), "stem": stem}, suffix)


def plan(reports: list[str], year: SchoolYear, semester: str | None, data: DataSet,
         base: dict) -> list[Job]:
    """Return one job per report and entity for the period."""
    span = year.semesters[semester] if semester else year.year_span
    return [make_job(KINDS[name], year, semester, base, suffix, subject, extra)
            for name in reports for suffix, subject, extra in _entities(KINDS[name], data, span)]


def kinds_of(only: dict[str, list[str]]) -> list[str]:
    """Return the report kinds that entity options pick from (`{"school": [...]}` -> `["school"]`)."""
    return [ENTITY_OPTIONS[option] for option in only]


def select(jobs: list[Job], only: dict[str, list[str]] | None, year: SchoolYear, semester: str | None,
           as_of: dt.date | None = None) -> list[Job]:
    """Return the jobs of the entities named in `only` (`{"school": ["0007"], "month": ["2026-03"]}`).

    With no `only`, every job. An entity the period does not have raises `PlanError` naming the
    ones it has; a month after the data's as-of date says where the data end.
    """
    if not only:
        return list(jobs)
    chosen = []
    for option, wanted in only.items():
        kind = ENTITY_OPTIONS[option]
        have = [j.entity for j in jobs if j.kind.name == kind]
        unknown = [w for w in wanted if w not in have]
        if unknown:
            raise PlanError(_unknown_entity(option, unknown, have, year, semester, as_of))
        chosen += [j for j in jobs if j.kind.name == kind and j.entity in wanted]
    return chosen


def _unknown_entity(option: str, unknown: list[str], have: list[str], year: SchoolYear,
                    semester: str | None, as_of: dt.date | None = None) -> str:
    period = f"the {semester} semester of {year.school_year}" if semester else year.school_year
    later = [m for m in unknown if option == "month" and as_of is not None and _MONTH.match(m) and m > f"{as_of:%Y-%m}"]
    if later:
        return (f"--month {', '.join(later)}: the data end on {long_date(as_of)}; the last month with data is "
                f"{as_of:%Y-%m}" + (f" (months of {period} with data: {', '.join(have)})" if have else ""))
    what = {"school": "participating school", "officer": "SRO on the roster", "month": "month",
            "quarter": "quarter"}[option]
    listed = ", ".join(have[:40]) + (f" and {len(have) - 40} more" if len(have) > 40 else "")
    return (f"--{option} {', '.join(unknown)}: no {what} with that ID in {period}; "
            f"there are: {listed or 'none'}")


def quarter_entity(text: str) -> tuple[str, str]:
    """Return a quarter as the plan names it (`q3`) and the semester whose batch makes it; raise `PlanError`.

    >>> quarter_entity("jan-mar"), quarter_entity("1")
    (('q3', 'spring'), ('q1', 'fall'))
    """
    try:
        number = quarter_number(text)
    except ValueError as exc:
        raise PlanError(f"--quarter: {exc}") from exc
    return f"q{number}", "fall" if number <= len(QUARTER_MONTHS) // 2 else "spring"


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def month_semesters(year: SchoolYear, month: str) -> list[str]:
    """Return the semesters of the year that have school days in `month` (YYYY-MM); raise on a bad form.

    >>> from sro_reporting.params import load_school_year
    >>> y = load_school_year("2025-26")
    >>> month_semesters(y, "2026-03"), month_semesters(y, "2026-01"), month_semesters(y, "2026-07")
    (['spring'], ['fall', 'spring'], [])
    """
    m = _MONTH.match(month)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise PlanError(f"--month takes the form YYYY-MM, for example --month 2026-03; got {month!r}")
    return [name for name, span in year.semesters.items()
            if any(f"{s.start:%Y-%m}" == month for s in months(span))]
