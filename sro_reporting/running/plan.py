"""Which reports a period calls for, and one job per report and entity (school, officer, month)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sro_reporting.files import report_stem
from sro_reporting.linking.schools import participating
from sro_reporting.params import Audience, SchoolYear, Span
from sro_reporting.paths import project_root
from sro_reporting.periods import months
from sro_reporting.reading.dataset import DataSet
from sro_reporting.staffing import active_officers


@dataclass(frozen=True)
class Kind:
    """A kind of report: its notebook, audience, and what it is made for."""

    name: str
    audience: Audience
    needs_semester: bool = False
    fan_out: str | None = None  # "school", "officer", "month" or "audience": one report each
    cost: int = 1  # relative run time; the batch starts the costly reports first

    @property
    def notebook(self) -> Path:
        """Return the report's notebook."""
        return project_root() / "notebooks" / f"{self.name}.ipynb"


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("annual", "mps", cost=8),
    Kind("semester", "mps", needs_semester=True, cost=8),
    Kind("school", "mps", needs_semester=True, fan_out="school"),
    Kind("officer", "mpd_internal", needs_semester=True, fan_out="officer"),
    Kind("monthly", "mps", needs_semester=True, fan_out="month", cost=2),
    Kind("compliance", "mpd_internal", fan_out="audience", cost=3),  # the internal report and its MPS extract
)}


@dataclass(frozen=True)
class Job:
    """One report to make: notebook, parameters, and the file stem of its outputs."""

    kind: Kind
    stem: str
    subject: str = ""
    parameters: dict = field(default_factory=dict)

    @property
    def audience(self) -> Audience:
        """Return the audience the report is made for."""
        return self.parameters.get("audience", self.kind.audience)


def default_reports(semester: str | None) -> list[str]:
    """Return the reports a period calls for: a semester's, and at the end of spring the annual too."""
    if semester is None:
        return ["annual", "compliance"]
    reports = ["semester", "school", "officer", "monthly", "compliance"]
    return reports + ["annual"] if semester == "spring" else reports


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
    return Job(kind, stem, subject, {**params, **(extra or {}), "stem": stem})


def plan(reports: list[str], year: SchoolYear, semester: str | None, data: DataSet,
         base: dict) -> list[Job]:
    """Return one job per report and entity for the period."""
    span = year.semesters[semester] if semester else year.year_span
    return [make_job(KINDS[name], year, semester, base, suffix, subject, extra)
            for name in reports for suffix, subject, extra in _entities(KINDS[name], data, span)]
