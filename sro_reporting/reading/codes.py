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
    other: str | None = None  # the code any other text becomes (a warning, the row kept); None: it is an error
    cut: int | None = None  # the width a source system cuts its codes at: a code's first `cut` characters match it

    def lookup(self) -> dict[str, str]:
        """Return the map from every accepted spelling (upper case) to its code."""
        table = {code.upper(): code for code in self.codes}
        if self.cut:
            table = {code.upper()[:self.cut]: code for code in self.codes} | table
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
    labels={"NASRO_BASIC": "NASRO basic course (40 hours)", "MPS_CODE_OF_CONDUCT": "MPS code of conduct",
            "MPS_THREAT_ID": "MPS threat identification", "MPS_SECURITY_EOP": "MPS security and emergency plans",
            "SECLUSION_RESTRAINT": "Seclusion and restraint", "FERPA": "Student records (FERPA)",
            "BULLYING": "Bullying", "RESTORATIVE_PRACTICES": "Restorative practices",
            "PBIS": "Positive behavioral interventions and supports (PBIS)", "OTHER": "Other"},
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

SEARCH_TYPE = CodeSet("search_type", ("PERSON", "PROPERTY", "VEHICLE"),
                      labels={"PERSON": "Person", "PROPERTY": "Property", "VEHICLE": "Vehicle"})

SEARCH_BASIS = CodeSet(
    "search_basis",
    ("CONSENT", "WARRANT", "PROBABLE_CAUSE", "REASONABLE_SUSPICION", "INCIDENT_TO_ARREST", "OTHER"),
    {"PROBABLE_CAUSE": ("probable cause",), "REASONABLE_SUSPICION": ("reasonable suspicion",),
     "INCIDENT_TO_ARREST": ("incident to arrest", "search incident to arrest")},
    labels={"CONSENT": "Consent", "WARRANT": "Warrant", "PROBABLE_CAUSE": "Probable cause",
            "REASONABLE_SUSPICION": "Reasonable suspicion", "INCIDENT_TO_ARREST": "Incident to arrest",
            "OTHER": "Other"},
)

SEARCH_FOUND = CodeSet(
    "search_found",
    ("NOTHING", "WEAPON", "DRUGS", "ALCOHOL", "STOLEN_PROPERTY", "OTHER"),
    {"NOTHING": ("none", "nothing found"), "STOLEN_PROPERTY": ("stolen property",)},
    labels={"NOTHING": "Nothing found", "WEAPON": "Weapon", "DRUGS": "Drugs", "ALCOHOL": "Alcohol",
            "STOLEN_PROPERTY": "Stolen property", "OTHER": "Other"},
)

COMPLAINT_CATEGORY = CodeSet(
    "complaint_category", ("FORCE", "CONDUCT", "BIAS", "SEARCH", "OTHER"),
    labels={"FORCE": "Use of force", "CONDUCT": "Conduct", "BIAS": "Bias", "SEARCH": "Search", "OTHER": "Other"},
)

COMPLAINT_SOURCE = CodeSet(
    "complaint_source", ("FPC", "MPD", "MPS", "OTHER"),
    {"FPC": ("Fire and Police Commission",)},
    labels={"FPC": "Fire and Police Commission", "MPD": "MPD", "MPS": "MPS", "OTHER": "Other"},
)

COMPLAINT_STATUS = CodeSet("complaint_status", ("OPEN", "CLOSED"), labels={"OPEN": "Open", "CLOSED": "Closed"})

COMPLAINT_FINDING = CodeSet(
    "complaint_finding", ("SUSTAINED", "NOT_SUSTAINED", "EXONERATED", "UNFOUNDED", "WITHDRAWN"),
    {"NOT_SUSTAINED": ("not sustained",)},
    labels={"SUSTAINED": "Sustained", "NOT_SUSTAINED": "Not sustained", "EXONERATED": "Exonerated",
            "UNFOUNDED": "Unfounded", "WITHDRAWN": "Withdrawn"},
)

# Free text from an export never leaves MPD (contract section 5): natures of call, dispositions and force types
# are read into these sets, and any other text becomes OTHER (the raw text stays in MPD's data-quality log).
# CAD cuts codes at 16 characters (`SCHL PRESENTATIO`), so a code's first 16 characters match it too.
CAD_WIDTH = 16

NATURE = CodeSet(
    "nature_of_call",
    ("SCHL MONITORING", "SCHL PRESENTATIO", "SCHOOL", "THREAT SCHOOL", "TRUANT", "JUV CONVEY", "TRBL W/JUV",
     "TRBL W/SUBJ", "BATTERY", "BATTERY DV", "FIGHT", "MISSING PERSON", "THEFT", "WELFARE CHK", "SUBJ W/WEAPON",
     "SUBJ W/GUN", "THREAT", "DISTURBANCE", "SHOTSPOTTER", "SHOTS FIRED", "ACC PI", "ACC PD", "RECKLESS DRIVING",
     "BURGLARY", "NOISE", "PARKING", "ENTRY TO AUTO", "SUSPICIOUS VEH", "OTHER"),
    {"SCHL PRESENTATIO": ("SCHL PRESENTATION", "SCHOOL PRESENTATION"), "SCHL MONITORING": ("SCHOOL MONITORING",),
     "WELFARE CHK": ("WELFARE CHECK",), "TRBL W/JUV": ("TROUBLE W/JUV", "TROUBLE WITH JUVENILE"),
     "TRBL W/SUBJ": ("TROUBLE W/SUBJ", "TROUBLE WITH SUBJECT"), "SUSPICIOUS VEH": ("SUSPICIOUS VEHICLE",)},
    labels={
        "SCHL MONITORING": "School monitoring: an officer's planned presence at a school",
        "SCHL PRESENTATIO": "School presentation: an officer presenting to students or staff",
        "SCHOOL": "School-related call, no further detail",
        "THREAT SCHOOL": "Threat made against a school",
        "TRUANT": "Truant student",
        "JUV CONVEY": "Conveying a juvenile (for example home or to a shelter)",
        "TRBL W/JUV": "Trouble with a juvenile: a dispute or disturbance involving a young person",
        "TRBL W/SUBJ": "Trouble with a subject: a dispute or disturbance involving an adult or unknown person",
        "BATTERY": "Battery: a person hurt or struck by another",
        "BATTERY DV": "Battery, domestic violence",
        "FIGHT": "Fight in progress",
        "MISSING PERSON": "Missing person",
        "THEFT": "Theft",
        "WELFARE CHK": "Welfare check: checking that a person is safe",
        "SUBJ W/WEAPON": "Subject with a weapon",
        "SUBJ W/GUN": "Subject with a gun",
        "THREAT": "Threat to a person",
        "DISTURBANCE": "Disturbance",
        "SHOTSPOTTER": "ShotSpotter alert: gunfire detected by acoustic sensors",
        "SHOTS FIRED": "Shots fired",
        "ACC PI": "Traffic accident with personal injury",
        "ACC PD": "Traffic accident with property damage only",
        "RECKLESS DRIVING": "Reckless driving",
        "BURGLARY": "Burglary",
        "NOISE": "Noise complaint",
        "PARKING": "Parking complaint",
        "ENTRY TO AUTO": "Entry to a vehicle (break-in)",
        "SUSPICIOUS VEH": "Suspicious vehicle",
        "OTHER": "Other: a nature of call not in the package's code set",
    },
    other="OTHER",
    cut=CAD_WIDTH,
)

DISPOSITION = CodeSet(
    "disposition",
    ("ADVISED", "ADVISED/REFERRAL", "REPORT TAKEN", "ASSIGNMENT COMPLETED", "GONE ON ARRIVAL", "SERVICE IN PROGRESS",
     "ARREST MADE", "CLEARED BY ARREST", "CLEARED", "CITATION ISSUED", "CITY CITATION(S) ISSUED",
     "STATE CITATION(S) ISSUED", "CANCELLED", "FILED", "TO BE FILED", "REFERRED", "REFERRAL",
     "UNABLE TO LOCATE COMPLAINANT", "OPEN INVESTIGATION", "NO PROSECUTION", "FILED DRIVER EXCHANGE REPORT",
     "FALSE ALARM", "ORDERED TO APPEAR", "OTHER"),
    {"CITY CITATION(S) ISSUED": ("CITY CITATION ISSUED", "CITY CITATIONS ISSUED"),
     "STATE CITATION(S) ISSUED": ("STATE CITATION ISSUED", "STATE CITATIONS ISSUED"),
     "CITATION ISSUED": ("CITED", "CITATION"), "CANCELLED": ("CANCELED",), "GONE ON ARRIVAL": ("GOA",),
     "UNABLE TO LOCATE COMPLAINANT": ("UTL",)},
    labels={
        "ADVISED": "Advised: the officer gave advice; no further action",
        "ADVISED/REFERRAL": "Advised and referred to another agency or service",
        "REPORT TAKEN": "A police report was written",
        "ASSIGNMENT COMPLETED": "Assignment completed: the call was handled and closed",
        "GONE ON ARRIVAL": "Gone on arrival: no one involved was there when officers came",
        "SERVICE IN PROGRESS": "Service in progress: still being worked when the data were exported",
        "ARREST MADE": "An arrest was made",
        "CLEARED BY ARREST": "Cleared by an arrest",
        "CLEARED": "Cleared: the call was handled and closed",
        "CITATION ISSUED": "A citation (ticket) was issued",
        "CITY CITATION(S) ISSUED": "A City of Milwaukee citation (ticket) was issued",
        "STATE CITATION(S) ISSUED": "A State of Wisconsin citation (ticket) was issued",
        "CANCELLED": "Cancelled before officers arrived",
        "FILED": "Filed: recorded for information, no further action",
        "TO BE FILED": "To be filed: a report is still to be written",
        "REFERRED": "Referred to another agency or service",
        "REFERRAL": "Referred to another agency or service",
        "UNABLE TO LOCATE COMPLAINANT": "Officers could not find the person who called",
        "OPEN INVESTIGATION": "Open investigation",
        "NO PROSECUTION": "No prosecution sought",
        "FILED DRIVER EXCHANGE REPORT": "Drivers exchanged details after a traffic accident; report filed",
        "FALSE ALARM": "False alarm",
        "ORDERED TO APPEAR": "A person was ordered to appear in court",
        "OTHER": "Other: a disposition not in the package's code set",
    },
    other="OTHER",
    cut=CAD_WIDTH,
)

# Use-of-force types in plain English: the code is the name a report prints.
FORCE_TYPE = CodeSet(
    "force_type",
    ("Control hold", "Escort", "Takedown", "Handcuffing resisted", "Taser display", "Taser deployment", "OC spray",
     "Strike", "Firearm pointed", "Other"),
    {"Control hold": ("wrist lock", "arm bar", "control technique", "hold"),
     "Escort": ("escort hold", "escort position", "physical escort"),
     "Takedown": ("take down", "take-down", "takedown (decentralization)", "decentralization"),
     "Handcuffing resisted": ("handcuffing", "resisted handcuffing", "handcuffs resisted"),
     "Taser display": ("taser displayed", "taser shown", "cew display", "taser/cew display", "taser warning"),
     "Taser deployment": ("taser deployed", "taser fired", "cew deployed", "cew deployment", "taser"),
     "OC spray": ("pepper spray", "chemical spray", "oc", "oleoresin capsicum"),
     "Strike": ("hand strike", "knee strike", "punch", "kick", "strikes"),
     "Firearm pointed": ("gun pointed", "firearm display", "firearm displayed", "weapon pointed")},
    other="Other",
)

# Who gave a training course: shown in the compliance extract for MPS, so a code too.
PROVIDER = CodeSet(
    "provider",
    ("NASRO", "MPD", "MPS", "WI DOJ", "Other"),
    {"NASRO": ("National Association of School Resource Officers",),
     "MPD": ("Milwaukee Police Department", "MPD Training Academy", "MPD Academy", "Police Academy"),
     "MPS": ("Milwaukee Public Schools",),
     "WI DOJ": ("DOJ", "Wisconsin DOJ", "Wisconsin Department of Justice", "LESB")},
    other="Other",
)

CODE_SETS: dict[str, CodeSet] = {
    c.name: c
    for c in (RACE, GENDER, ACTION_TYPE, ACTIVITY_TYPE, SHIFT_TYPE, COURSE_CODE,
              MEETING_TYPE, PANEL_ROLE, SEARCH_TYPE, SEARCH_BASIS, SEARCH_FOUND, COMPLAINT_CATEGORY,
              COMPLAINT_SOURCE, COMPLAINT_STATUS, COMPLAINT_FINDING, NATURE, DISPOSITION, FORCE_TYPE, PROVIDER,
              INCIDENT_SETTING)
}

# Wisconsin treats 17-year-olds as adults in criminal matters, so 17 stands alone.
AGE_BANDS: tuple[str, ...] = ("0-11", "12-14", "15-16", "17", "18+", "unknown")


def age_band(ages: pd.Series) -> pd.Series:
    """Return the contract's age band of each age; missing ages are `unknown`."""
    import pandas as pd  # here, not above: the table definitions load without pandas (`reading.sources`)

    bands = pd.cut(ages.astype("Float64"), bins=[-1, 11, 14, 16, 17, 200],
                   labels=list(AGE_BANDS[:-1]))
    return bands.astype("str").fillna("unknown")
