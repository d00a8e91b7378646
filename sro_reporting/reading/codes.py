"""Code sets of the data contract (section 2) and the encoder that maps variants to codes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class CodeSet:
    """A closed set of canonical codes with the source variants that map to each."""

    name: str
    codes: tuple[str, ...]
    variants: dict[str, tuple[str, ...]] = field(default_factory=dict)
    blank: str | None = None  # the code a blank cell means; None: blank stays missing
    labels: dict[str, str] = field(default_factory=dict)

    def lookup(self) -> dict[str, str]:
        """Return the map from every accepted spelling (upper case) to its code."""
        table = {code.upper(): code for code in self.codes}
        for code, spellings in self.variants.items():
            table.update({s.strip().upper(): code for s in spellings})
        return table

    def encode(self, values: pd.Series) -> tuple[pd.Series, pd.Series]:
        """Map raw text to codes; return the codes and a mask of values that are not in the set."""
        text = values.astype("str").str.strip()
        blank = text.isna() | (text == "")
        codes = text.str.upper().map(self.lookup())
        invalid = codes.isna() & ~blank
        codes = codes.where(~blank, self.blank)
        return codes.astype("str"), invalid

    def label(self, code: str) -> str:
        """Return the reader-facing label of a code."""
        return self.labels.get(code, code)


RACE = CodeSet(
    "race",
    ("AIAN", "ASIAN", "BLACK", "HISPANIC", "NHPI", "WHITE", "TWO_OR_MORE", "UNKNOWN"),
    {
        "AIAN": ("I", "AI", "AM", "American Indian", "Native American",
                 "American Indian or Alaska Native"),
        "ASIAN": ("A", "AS", "Asian"),
        "BLACK": ("B", "BL", "Black", "African American", "Black or African American"),
        "HISPANIC": ("H", "HI", "Hispanic", "Latino", "Hispanic or Latino"),
        "NHPI": ("P", "PI", "HP", "Pacific Islander",
                 "Native Hawaiian or Other Pacific Islander"),
        "WHITE": ("W", "WH", "White"),
        "TWO_OR_MORE": ("M", "TR", "Multiracial", "Two or more races"),
        "UNKNOWN": ("U", "UNK", "Unknown"),
    },
    blank="UNKNOWN",
    labels={
        "AIAN": "American Indian or Alaska Native",
        "ASIAN": "Asian",
        "BLACK": "Black or African American",
        "HISPANIC": "Hispanic or Latino",
        "NHPI": "Native Hawaiian or Other Pacific Islander",
        "WHITE": "White",
        "TWO_OR_MORE": "Two or more races",
        "UNKNOWN": "Unknown",
    },
)

GENDER = CodeSet(
    "gender",
    ("F", "M", "X", "U"),
    {"F": ("female",), "M": ("male",), "X": ("non-binary", "nonbinary"), "U": ("unknown",)},
    blank="U",
    labels={"F": "Female", "M": "Male", "X": "Non-binary", "U": "Unknown"},
)

ACTION_TYPE = CodeSet("action_type", ("arrest", "citation", "court_referral"))

ACTIVITY_TYPE = CodeSet(
    "activity_type",
    ("intervention", "youth_referral", "safety_prevention", "education", "mentoring",
     "law_enforcement", "other"),
)

SHIFT_TYPE = CodeSet("shift_type", ("day", "early_power"))

COURSE_CODE = CodeSet(
    "course_code",
    ("NASRO_BASIC", "MPS_CODE_OF_CONDUCT", "MPS_THREAT_ID", "MPS_SECURITY_EOP",
     "SECLUSION_RESTRAINT", "FERPA", "BULLYING", "RESTORATIVE_PRACTICES", "PBIS", "OTHER"),
)

MEETING_TYPE = CodeSet(
    "meeting_type", ("mps_safety_monthly", "semester_consultation", "selection_panel")
)

INCIDENT_SETTING = CodeSet(
    "incident_setting", ("SCHOOL_HOURS", "SCHOOL_EVENT", "TRANSPORT", "OTHER"),
    {"SCHOOL_HOURS": ("school hours", "in school hours"), "SCHOOL_EVENT": ("school event", "event"),
     "TRANSPORT": ("school transport", "transportation", "bus")},
    labels={"SCHOOL_HOURS": "In school hours", "SCHOOL_EVENT": "At a school event", "TRANSPORT": "On school transport",
            "OTHER": "Other times"},
)

PANEL_ROLE = CodeSet("panel_role", ("mps_staff", "community", "mps_student", "mpd", "other"))

CODE_SETS: dict[str, CodeSet] = {
    c.name: c
    for c in (RACE, GENDER, ACTION_TYPE, ACTIVITY_TYPE, SHIFT_TYPE, COURSE_CODE,
              MEETING_TYPE, PANEL_ROLE, INCIDENT_SETTING)
}

# Wisconsin treats 17-year-olds as adults in criminal matters, so 17 stands alone.
AGE_BANDS: tuple[str, ...] = ("0-11", "12-14", "15-16", "17", "18+", "unknown")


def age_band(ages: pd.Series) -> pd.Series:
    """Return the contract's age band of each age; missing ages are `unknown`."""
    import pandas as pd  # here, not above: the table definitions load without pandas (`reading.sources`)

    bands = pd.cut(ages.astype("Float64"), bins=[-1, 11, 14, 16, 17, 200],
                   labels=list(AGE_BANDS[:-1]))
    return bands.astype("str").fillna("unknown")
