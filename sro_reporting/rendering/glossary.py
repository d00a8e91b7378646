"""Plain-English labels for the codes a report prints: CAD natures of call, dispositions, link types, meetings.

CAD cuts nature-of-call codes at 16 characters (`SCHL PRESENTATIO`), so a code is looked up as
written, then by its first 16 characters; a code with no entry is spelt out word by word from
the abbreviations CAD uses (`TRBL W/JUV` -> "trouble with juvenile"), and one with no known word
says so rather than guessing.
"""

from __future__ import annotations

import re

import pandas as pd

from sro_reporting.reading.codes import CAD_WIDTH, DISPOSITION, NATURE

# Spelt out where a report first uses them (`rendering.render.spell_out`).
ABBREVIATIONS = {
    "CAD": "computer-aided dispatch",
    "OJJDP": "U.S. Office of Juvenile Justice and Delinquency Prevention",
    "NASRO": "National Association of School Resource Officers",
    "FERPA": "Family Educational Rights and Privacy Act",
    "PBIS": "Positive Behavioral Interventions and Supports",
    "MOU": "memorandum of understanding",
}
NO_LABEL = "no plain-English label on file"

NATURES = {**NATURE.labels, "All other": "Every other nature of call, added together"}

DISPOSITIONS = DISPOSITION.labels

LINK_TYPES = {
    "premise": "CAD premise code: CAD recorded the school as the call's premise",
    "on_property": "At the school's address: the call's address is the school's address",
    "adjacent": "Same block: the same street and hundred-block as the school",
}
LINK_SHORT = {"premise": "CAD premise code", "on_property": "At the school's address", "adjacent": "Same block"}

MEETING_TYPES = {
    "mps_safety_monthly": "Monthly safety meeting",
    "semester_consultation": "End-of-semester consultation",
    "selection_panel": "SRO selection panel",
}
MEETING_MEANINGS = {
    "mps_safety_monthly": "MPD and the MPS safety director meet once a month in the school year (SOI III.E.1).",
    "semester_consultation": "MPD meets each participating school's administration near the end of each "
                             "semester (SOI III.E.2).",
    "selection_panel": "MPS staff, a community member, an MPS student and MPD interview SRO candidates (SOI IV.C).",
}

TABLES = {
    "schools": "Schools", "calls_for_service": "Calls for service (CAD)", "enforcement": "Arrests, citations and referrals",
    "activities": "SRO activity log", "shifts": "Shifts", "use_of_force": "Use of force", "officers": "SRO roster",
    "training": "Training", "meetings": "Meetings", "enrollment": "Enrollment", "searches": "Searches",
    "assignments": "SRO assignments to schools", "complaints": "Complaints",
}

WORDS = {
    "SCHL": "school", "TRBL": "trouble", "W/": "with", "JUV": "juvenile", "SUBJ": "subject", "CHK": "check",
    "DV": "domestic violence", "VEH": "vehicle", "ACC": "accident", "PI": "personal injury",
    "PD": "property damage", "PERS": "person", "DIST": "disturbance", "SUSP": "suspicious", "VIOL": "violation",
    "ASSLT": "assault", "ALRM": "alarm", "WPN": "weapon", "RPT": "report", "PRESENTATIO": "presentation",
    "MONITORING": "monitoring", "THREAT": "threat", "SCHOOL": "school", "FIGHT": "fight", "THEFT": "theft",
    "GUN": "gun", "WEAPON": "weapon", "BATTERY": "battery", "MISSING": "missing", "PERSON": "person",
}


def _lookup(code: str, table: dict[str, str]) -> str | None:
    key = code.strip().upper()
    if key in table or code in table:
        return table.get(key, table.get(code))
    for full, label in table.items():  # CAD cut the code at 16 characters
        if len(key) == CAD_WIDTH and full.upper().startswith(key):
            return label
    return None


def spell_out(code: str) -> str:
    """Return a code spelt out from CAD's abbreviations, or that no label is on file.

    >>> spell_out("TRBL W/JUV"), spell_out("XQZ 41")
    ('Trouble with juvenile', 'no plain-English label on file')
    """
    tokens = re.findall(r"W/|[A-Z0-9]+", code.upper())
    known = [WORDS.get(t) for t in tokens]
    if not any(known):
        return NO_LABEL
    text = " ".join(w or t.lower() for w, t in zip(known, tokens))
    return text[:1].upper() + text[1:]


def nature_label(code: str) -> str:
    """Return a nature-of-call code in plain English.

    >>> nature_label("SCHL PRESENTATIO")
    'School presentation: an officer presenting to students or staff'
    >>> nature_label("SCHL LOCKDOWN")
    'School lockdown'
    """
    return _lookup(code, NATURES) or spell_out(code)


def disposition_label(code: str) -> str:
    """Return a CAD disposition or status in plain English (cut at 16 characters or not).

    >>> disposition_label("GONE ON ARRIVAL"), disposition_label("UNABLE TO LOCATE")
    ('Gone on arrival: no one involved was there when officers came', 'Officers could not find the person who called')
    """
    return _lookup(code, DISPOSITIONS) or spell_out(code)


def glossary(codes: pd.Series | list[str], kind: str) -> pd.DataFrame:
    """Return the distinct codes, sorted, with their plain-English meaning (`kind`: nature or disposition).

    >>> glossary(["TRBL W/JUV", "FIGHT", "FIGHT"], "nature").values.tolist()
    [['FIGHT', 'Fight in progress'], ['TRBL W/JUV', 'Trouble with a juvenile: a dispute or disturbance involving a young person']]
    """
    label = {"nature": nature_label, "disposition": disposition_label}[kind]
    distinct = sorted({str(c) for c in codes if isinstance(c, str) and c})
    return pd.DataFrame({"code": distinct, "meaning": [label(c) for c in distinct]})
