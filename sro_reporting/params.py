"""Parameters that vary by school year (from `params/<year>.yaml`) and by report run."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

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


class InputGate(Frozen):
    """How much of a report's key input may be lost to unreadable values or unmatched IDs before it is not made."""

    max_share: float = Field(0.05, ge=0, le=1)  # more than this share of a table's rows (or IDs) lost fails
    min_rows: int = Field(10, ge=1)  # fewer rows than this lost is no rate (1 of 2), unless every row is lost


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
    safety_meetings: tuple[dt.date, ...] = ()  # the monthly meetings with the MPS safety director as scheduled (III.E.1)
    soi_effective: dt.date = dt.date(2026, 7, 20)  # the instruction's effective date: earlier findings are a baseline
    prepared_by: PreparedBy | None = None
    date_format: Literal["M/D", "D/M"] | None = None  # how exports write dates with slashes, where they cannot tell
    input_gate: InputGate = InputGate()

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
            f"found: {', '.join(known) or 'none'}); make one from the last year's with "
            f"`sro-report new-year {school_year}`, then set its calendar")
    # BaseLoader keeps dates as text; pydantic parses and checks them.
    try:
        found = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or type(exc).__name__
        raise ValueError(f"parameter file {path} is not valid YAML ({where.strip() or 'unreadable'}: {reason}); "
                         "fix it or restore it from version control") from exc
    try:
        return SchoolYear.model_validate(found)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the file"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise ValueError(f"parameter file {path}: {where}: {first['msg']}{more}") from None


_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
CALENDAR_KEYS = ("period", "semesters", "days_off")  # what `new_year_text` moves on; thresholds and the MOU stay


def _later(match: re.Match, years: int) -> str:
    year, month, day = int(match.group(1)) + years, int(match.group(2)), int(match.group(3))
    return f"{year:04d}-{month:02d}-{min(day, 28) if (month, day) == (2, 29) else day:02d}"


def new_year_text(text: str, old: str, new: str) -> str:
    r"""Return a parameter file for school year `new` made from `old`'s: the calendar moved on, the rest kept.

    The calendar (period, semesters, days off) moves on by whole years, to be set from the MPS calendar;
    thresholds, the MOU and who prepared the reports stay as they were.

    >>> text = 'school_year: "2026-27"\nsemesters:\n  fall: {start: 2026-09-01, end: 2027-01-22}\nmou: {signed: 2026-08-20}\n'
    >>> print(new_year_text(text, "2026-27", "2027-28"))  # doctest: +NORMALIZE_WHITESPACE
    # DRAFT made by `sro-report new-year 2027-28` from 2026-27: set the semesters and days off from the MPS calendar.
    school_year: "2027-28"
    semesters:
      fall: {start: 2027-09-01, end: 2028-01-22}
    mou: {signed: 2026-08-20}
    """
    years = int(new[:4]) - int(old[:4])
    lines, key = [], ""
    for line in text.splitlines():
        if line and not line[0].isspace() and not line.startswith("#"):
            key = line.split(":", 1)[0].strip()
        if key == "school_year":
            line = line.replace(old, new)
        elif key in CALENDAR_KEYS:
            line = _DATE.sub(lambda m: _later(m, years), line)
        lines.append(line)
    head = (f"# DRAFT made by `sro-report new-year {new}` from {old}: set the semesters and days off from the "
            "MPS calendar.")
    return "\n".join([head, *lines]) + "\n"


def write_new_year(school_year: str, directory: Path | None = None) -> tuple[Path, str]:
    """Write `params/<school_year>.yaml` from the latest year before it; return the file and that year.

    Raise `FileExistsError` where the file is there already, `FileNotFoundError` where no year is before it.
    """
    folder = directory or params_dir()
    path = folder / f"{school_year}.yaml"
    if path.exists():
        raise FileExistsError(f"{path} is there already; edit it, or remove it to make it again")
    before = sorted(p.stem for p in folder.glob("*.yaml") if _YEAR.match(p.stem) and p.stem < school_year)
    if not before:
        raise FileNotFoundError(f"no parameter file before {school_year} in {folder} to start from")
    text = new_year_text((folder / f"{before[-1]}.yaml").read_text(encoding="utf-8"), before[-1], school_year)
    SchoolYear.model_validate(yaml.load(text, Loader=yaml.BaseLoader))  # what is written loads
    path.write_text(text, encoding="utf-8")
    return path, before[-1]
