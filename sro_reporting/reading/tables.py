"""The input tables of the data contract (section 3) as metadata: columns, types, rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from sro_reporting.reading.codes import CODE_SETS, CodeSet

Kind = Literal["str", "int", "float", "bool", "date", "datetime", "time", "code", "codelist"]


@dataclass(frozen=True)
class Column:
    """One column of an input table and the rules its values follow."""

    name: str
    kind: Kind = "str"
    required: bool = False
    unique: bool = False
    code_set: str | None = None
    min: float | None = None
    max: float | None = None
    notes: str = ""
    keep_blank: bool = False  # a blank stays missing instead of the code set's blank code
    upper: bool = False  # values are compared in upper case

    @property
    def codes(self) -> CodeSet | None:
        """Return the column's code set, if it has one."""
        return CODE_SETS[self.code_set] if self.code_set else None


@dataclass(frozen=True)
class Table:
    """One input table: its columns and what it is for."""

    name: str
    purpose: str
    columns: tuple[Column, ...]
    optional: bool = False
    aliases: dict[str, str] = field(default_factory=dict)

    def column(self, name: str) -> Column:
        """Return the column called `name`."""
        return next(c for c in self.columns if c.name == name)

    @property
    def names(self) -> list[str]:
        """Return the column names in contract order."""
        return [c.name for c in self.columns]


def _subject_columns() -> tuple[Column, ...]:
    return (
        Column("person_key", notes="keyed hash of the export's `student_id` or `person_id` (made on read; "
                                   "the raw identifier is dropped)"),
        Column("subject_age", "int", min=0, max=120),
        Column("subject_gender", "code", code_set="gender", notes="blank = `U`"),
        Column("subject_race", "code", code_set="race", notes="blank = `UNKNOWN`"),
        Column("subject_is_student", "bool"),
    )


SCHOOLS = Table(
    "schools",
    "School registry; every report needs it.",
    (
        Column("school_id", required=True, unique=True),
        Column("school_name", required=True),
        Column("address", required=True, notes="street address; used to link calls to the school"),
        Column("zip"),
        Column("grade_band"),
        Column("latitude", "float", min=-90, max=90, notes="WGS84"),
        Column("longitude", "float", min=-180, max=180, notes="WGS84"),
        Column("sro_participating", "bool", required=True, notes="takes part in the SRO program"),
        Column("participation_start", "date", notes="blank = open-ended"),
        Column("participation_end", "date", notes="blank = open-ended"),
    ),
)

CALLS = Table(
    "calls_for_service",
    "CAD export of calls for service (III.F.1 annual, III.E.1 monthly).",
    (
        Column("incident_number", required=True, unique=True),
        Column("call_datetime", "datetime", required=True),
        Column("location", required=True, notes="address as CAD recorded it"),
        Column("nature_of_call", "code", required=True, code_set="nature_of_call",
               notes="e.g. `TRBL W/JUV`, `SCHL MONITORING`; any other text is read as `OTHER`"),
        Column("priority", "int", min=1, max=6,
               notes="MPD CAD priority, 1 most urgent; blank = `not recorded`"),
        Column("disposition", "code", required=True, upper=True, code_set="disposition",
               notes="CAD disposition/status text, read into the disposition code set; any other text is `OTHER`"),
        Column("school_id", notes="premise link from CAD; blank = link by address"),
        Column("district"),
        Column("dispatch_datetime", "datetime"),
        Column("arrival_datetime", "datetime"),
        Column("cleared_datetime", "datetime"),
    ),
    # The city's public dispatched-call layout.
    aliases={
        "call_number": "incident_number",
        "date_time": "call_datetime",
        "police_district": "district",
        "status": "disposition",
    },
)

ENFORCEMENT = Table(
    "enforcement",
    "Arrests, citations and court referrals; one row per person per action (III.D.6, III.F.2).",
    (
        Column("action_id", required=True, unique=True),
        Column("action_type", "code", required=True, code_set="action_type"),
        Column("action_datetime", "datetime", required=True),
        Column("school_related", "bool", required=True,
               notes="CRDC meaning: on school grounds, at off-campus school activities "
                     "(school transport included), or due to a referral by a school official"),
        Column("school_id", notes="school of the incident; required when school_related is true"),
        Column("incident_number"),
        Column("officer_id", notes="the SRO involved, if any"),
        Column("offense", notes="offense text or statute number, e.g. `Battery` or `940.19(1)`; mapped to the "
                                "118.124 categories by the offense crosswalk"),
        Column("incident_setting", "code", code_set="incident_setting",
               notes="SCHOOL_HOURS, SCHOOL_EVENT, TRANSPORT or OTHER; blank = from the school calendar"),
        *_subject_columns(),
    ),
)

ACTIVITIES = Table(
    "activities",
    "SRO activity log (III.D.6).",
    (
        Column("activity_id", required=True, unique=True),
        Column("officer_id", required=True, notes="must be in `officers`"),
        Column("activity_date", "date", required=True),
        Column("activity_type", "code", required=True, code_set="activity_type"),
        Column("school_id", notes="blank = not at a school"),
        Column("incident_report_filed", "bool",
               notes="a law-enforcement intervention that required an incident report"),
        Column("incident_number"),
        Column("referral_to", notes="where a youth was referred"),
        Column("in_lieu_of_citation", "bool",
               notes="an alternative response chosen instead of a citation (III.D.9)"),
        Column("students_involved", "int", min=0),
        Column("hours", "float", min=0, max=24),
    ),
)

SHIFTS = Table(
    "shifts",
    "Hours worked (III.A, III.D.6).",
    (
        Column("officer_id", required=True),
        Column("shift_date", "date", required=True),
        Column("start_time", "time", required=True),
        Column("end_time", "time", required=True, notes="an end before the start runs past midnight"),
        Column("shift_type", "code", code_set="shift_type", notes="blank = the officer's"),
    ),
)

USE_OF_FORCE = Table(
    "use_of_force",
    "Use-of-force incidents (III.D.6).",
    (
        Column("uof_id", required=True, unique=True),
        Column("uof_datetime", "datetime", required=True),
        Column("officer_id", required=True),
        Column("force_type", "code", required=True, code_set="force_type",
               notes="read into the force-type code set; any other text is `Other`"),
        Column("school_id"),
        Column("incident_number"),
        *_subject_columns(),
        Column("subject_injured", "bool"),
        Column("officer_injured", "bool"),
    ),
)

OFFICERS = Table(
    "officers",
    "SRO roster (IV.B).",
    (
        Column("officer_id", required=True, unique=True),
        Column("display_name", notes="internal reports only"),
        Column("rank"),
        Column("continuous_service_start", "date", required=True,
               notes="start of current uninterrupted service"),
        Column("sro_start", "date", required=True, notes="assigned to the program"),
        Column("sro_end", "date"),
        Column("shift_type", "code", required=True, code_set="shift_type"),
        Column("attendance_rating", notes="excellent / satisfactory / unsatisfactory"),
        Column("sustained_juvenile_complaints", "int", min=0),
    ),
)

TRAINING = Table(
    "training",
    "Training completed (IV.D, IV.E).",
    (
        Column("officer_id", required=True),
        Column("course_code", "code", required=True, code_set="course_code"),
        Column("completion_date", "date", required=True),
        Column("hours", "float", min=0),
        Column("certificate_id", notes="a NASRO_BASIC row without it is not verifiable (IV.D.2)"),
        Column("provider", "code", code_set="provider", keep_blank=True,
               notes="read into the provider code set; any other text is `Other`"),
    ),
)

MEETINGS = Table(
    "meetings",
    "Meetings held (III.E, IV.C).",
    (
        Column("meeting_id", required=True, unique=True),
        Column("meeting_date", "date", required=True),
        Column("meeting_type", "code", required=True, code_set="meeting_type"),
        Column("school_id", notes="required for semester_consultation"),
        Column("attendee_roles", "codelist", code_set="panel_role",
               notes="`;`-separated panel roles"),
    ),
)

ENROLLMENT = Table(
    "enrollment",
    "Enrollment by school, year and race (optional; rates and disparity indices).",
    (
        Column("school_id", required=True),
        Column("school_year", required=True, notes="e.g. `2026-27`"),
        Column("race", "code", required=True, code_set="race"),
        Column("gender", "code", code_set="gender", keep_blank=True, notes="blank = all genders"),
        Column("students", "int", required=True, min=0),
    ),
    optional=True,
)

SEARCHES = Table(
    "searches",
    "Searches by SROs (optional, contract v3; the quarterly report).",
    (
        Column("search_id", required=True, unique=True),
        Column("search_datetime", "datetime", required=True),
        Column("school_id"),
        Column("officer_id"),
        Column("incident_number"),
        Column("search_type", "code", required=True, code_set="search_type"),
        Column("basis", "code", code_set="search_basis", keep_blank=True, notes="blank = not recorded"),
        Column("found", "code", code_set="search_found", keep_blank=True, notes="blank = not recorded"),
        *_subject_columns(),
    ),
    optional=True,
)

ASSIGNMENTS = Table(
    "assignments",
    "The roster of SROs per school (optional, contract v3); where absent, schools served are taken from activities.",
    (
        Column("officer_id", required=True, notes="must be in `officers`"),
        Column("school_id", required=True),
        Column("assigned_from", "date", required=True),
        Column("assigned_to", "date", notes="blank = open-ended"),
    ),
    optional=True,
)

COMPLAINTS = Table(
    "complaints",
    "Complaints about SROs (optional, contract v3): detail stays internal, counts are public.",
    (
        Column("complaint_id", required=True, unique=True),
        Column("received_date", "date", required=True),
        Column("officer_id"),
        Column("school_id"),
        Column("category", "code", required=True, code_set="complaint_category"),
        Column("source", "code", required=True, code_set="complaint_source",
               notes="`FPC` = the Fire and Police Commission"),
        Column("status", "code", required=True, code_set="complaint_status"),
        Column("finding", "code", code_set="complaint_finding", keep_blank=True, notes="blank = none yet"),
        Column("closed_date", "date", notes="the package's addition to v3: when a closed complaint was closed; "
                                            "blank = not recorded"),
    ),
    optional=True,
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (SCHOOLS, CALLS, ENFORCEMENT, ACTIVITIES, SHIFTS, USE_OF_FORCE, OFFICERS,
              TRAINING, MEETINGS, ENROLLMENT, SEARCHES, ASSIGNMENTS, COMPLAINTS)
}

# Dropped on read in every table (contract section 1); compared after name normalization.
PERSON_IDENTIFYING = frozenset({
    "name", "first_name", "last_name", "full_name", "student_name", "dob", "date_of_birth",
    "birth_date", "student_id", "student_number", "ssn", "phone", "home_address", "email",
})
