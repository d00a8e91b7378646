"""Parameters that vary by school year (from `params/<year>.yaml`) and by report run."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Audience = Literal["mpd_internal", "mps"]
Semester = Literal["fall", "spring"]
_YEAR = re.compile(r"^(\d{4})-(\d{2})$")


class Frozen(BaseModel):
    """A frozen parameter model that refuses unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Span(Frozen):
    """A closed date range."""

    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        """Return the number of days in the range, both ends included."""
        return (self.end - self.start).days + 1


class Mou(Frozen):
    """The memorandum of understanding with the Milwaukee Board of School Directors (V)."""

    signed: dt.date
    expires: dt.date


class PreparedBy(Frozen):
    """Who made the reports and whom a reader asks about them (printed on every report)."""

    unit: str
    contact: str


class SchoolYear(Frozen):
    """What varies by school year: calendar, school hours, thresholds, the MOU."""

    school_year: str
    period: Span | None = None  # default: July 1 to June 30
    semesters: dict[Semester, Span]
    days_off: tuple[dt.date, ...] = ()  # weekdays inside a semester without school
    school_hours: tuple[str, str] = ("07:30", "16:30")
    sro_floor: int = Field(25, ge=0)  # 2023 Wisconsin Act 12
    min_cell: int = Field(10, ge=1)
    nasro_window_days: int = Field(180, ge=0)
    consultation_window_days: int = Field(30, ge=0)
    mou_warning_days: int = Field(90, ge=0)
    mou: Mou | None = None
    soi_effective: dt.date = dt.date(2026, 7, 20)  # the instruction's effective date: earlier findings are a baseline
    prepared_by: PreparedBy | None = None

    @field_validator("school_year")
    @classmethod
    def _year(cls, value: str) -> str:
        m = _YEAR.match(value)
        if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
            raise ValueError(f"school year must look like 2025-26, got {value!r}")
        return value

    @property
    def first_year(self) -> int:
        """Return the calendar year the school year starts in."""
        return int(self.school_year[:4])

    @property
    def year_span(self) -> Span:
        """Return the reporting period of the year (default July 1 to June 30)."""
        return self.period or july_to_june(self.first_year)


def july_to_june(first_year: int) -> Span:
    """Return a school year's default reporting period, July 1 to June 30."""
    return Span(start=dt.date(first_year, 7, 1), end=dt.date(first_year + 1, 6, 30))


def school_year_of(day: dt.date) -> str:
    """Return the school year a day falls in, July to June (2026-01-26 -> 2025-26)."""
    first = day.year if day.month >= 7 else day.year - 1
    return f"{first}-{(first + 1) % 100:02d}"


def previous_year(school_year: str) -> str:
    """Return the school year before `school_year` (2025-26 -> 2024-25)."""
    first = int(school_year[:4]) - 1
    return f"{first}-{(first + 1) % 100:02d}"


def next_year(school_year: str) -> str:
    """Return the school year after `school_year` (2025-26 -> 2026-27)."""
    first = int(school_year[:4]) + 1
    return f"{first}-{(first + 1) % 100:02d}"


def year_span(school_year: str) -> Span:
    """Return a school year's reporting period: its parameter file's, else July 1 to June 30."""
    try:
        return load_school_year(school_year).year_span
    except FileNotFoundError:
        return july_to_june(int(school_year[:4]))


def params_dir() -> Path:
    """Return the workspace's `params/` folder (see `sro_reporting.paths`)."""
    from sro_reporting.paths import params_dir as folder

    return folder()


def load_school_year(school_year: str, directory: Path | None = None) -> SchoolYear:
    """Read and validate `params/<school_year>.yaml`."""
    path = (directory or params_dir()) / f"{school_year}.yaml"
    if not path.exists():
        known = sorted(p.stem for p in path.parent.glob("*.yaml"))
        raise FileNotFoundError(
            f"no parameter file for school year {school_year!r} (expected {path}; "
            f"found: {', '.join(known) or 'none'})")
    # BaseLoader keeps dates as text; pydantic parses and checks them.
    return SchoolYear.model_validate(yaml.load(path.read_text(), Loader=yaml.BaseLoader))
