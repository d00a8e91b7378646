"""Program compliance: one function per rule of the instruction, each returning the breaches.

Every rule returns a frame of offending rows with a `reason`; an empty frame means the rule
was kept. `as_of` is the day the check is made for: nothing is due before it.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from sro_reporting.linking.schools import participating
from sro_reporting.params import SchoolYear, Span
from sro_reporting.periods import months
from sro_reporting.reading.dataset import DataSet

MPS_TOPICS = {
    "MPS_CODE_OF_CONDUCT": "Code of conduct", "MPS_THREAT_ID": "Threat identification",
    "MPS_SECURITY_EOP": "Security plan and emergency operations",
    "SECLUSION_RESTRAINT": "Seclusion and restraint", "FERPA": "FERPA", "BULLYING": "Bullying",
    "RESTORATIVE_PRACTICES": "Restorative practices", "PBIS": "PBIS",
}
MPS_PANEL_ROLES = ("mps_staff", "community", "mps_student")
NASRO_HOURS = 40
SERVICE_YEARS = 3


def _officer_rows(officers: pd.DataFrame, mask: pd.Series, reason: pd.Series | str) -> pd.DataFrame:
    """Return the offending officers with a reason."""
    rows = officers.loc[mask, ["officer_id", "display_name", "sro_start"]].copy()
    rows["reason"] = reason[mask] if isinstance(reason, pd.Series) else reason
    return rows


def selection(officers: pd.DataFrame) -> pd.DataFrame:
    """IV.B: at sro_start, three years of uninterrupted service, excellent attendance, no sustained juvenile complaint.

    >>> import pandas as pd
    >>> officers = pd.DataFrame({"officer_id": ["1"], "display_name": ["PO A"],
    ...     "continuous_service_start": pd.to_datetime(["2022-03-18"]), "sro_start": pd.to_datetime(["2025-03-17"]),
    ...     "attendance_rating": ["excellent"], "sustained_juvenile_complaints": pd.array([0], dtype="Int64")})
    >>> selection(officers)["reason"].tolist()  # one day short of three years
    ['IV.B.1: 3.0 years of uninterrupted service at assignment (3 required)']
    """
    served = officers["continuous_service_start"] + pd.DateOffset(years=SERVICE_YEARS)
    short = served > officers["sro_start"]
    years = ((officers["sro_start"] - officers["continuous_service_start"]).dt.days / 365.25).round(1)
    rating = officers["attendance_rating"].str.lower().str.strip()
    complaints = officers["sustained_juvenile_complaints"]
    found = [
        _officer_rows(officers, short, "IV.B.1: " + years.astype(str)
                      + " years of uninterrupted service at assignment (3 required)"),
        _officer_rows(officers, rating.notna() & (rating != "excellent"),
                      "IV.B.2: attendance rated " + rating.fillna("") + " (excellent required)"),
        _officer_rows(officers, rating.isna(), "IV.B.2: attendance rating not recorded"),
        _officer_rows(officers, complaints.fillna(0) > 0,
                      "IV.B.3: " + complaints.astype("str").fillna("") + " sustained complaint(s) involving juveniles"),
        _officer_rows(officers, complaints.isna(), "IV.B.3: sustained juvenile complaints not recorded"),
    ]
    return pd.concat(found, ignore_index=True).sort_values(["officer_id", "reason"]).reset_index(drop=True)


def panels(meetings: pd.DataFrame) -> pd.DataFrame:
    """IV.C.3: each selection panel had three MPS representatives (staff, community, student) and MPD.

    >>> import pandas as pd
    >>> meetings = pd.DataFrame({"meeting_id": ["P1"], "meeting_date": pd.to_datetime(["2025-10-14"]),
    ...     "meeting_type": ["selection_panel"], "attendee_roles": ["mps_staff;community;mpd"]})
    >>> panels(meetings)["reason"].tolist()
    ['2 MPS representative(s) (3 required); no mps student']
    """
    found = meetings[meetings["meeting_type"] == "selection_panel"]
    rows = []
    for m in found.itertuples():
        roles = [r for r in (m.attendee_roles or "").split(";") if r] if pd.notna(m.attendee_roles) else []
        mps = sum(r in MPS_PANEL_ROLES for r in roles)
        missing = [r for r in (*MPS_PANEL_ROLES, "mpd") if r not in roles]
        problems = ([f"{mps} MPS representative(s) (3 required)"] if mps < 3 else []) + \
                   [f"no {r.replace('_', ' ')}" for r in missing]
        if problems:
            rows.append((m.meeting_id, m.meeting_date, "; ".join(problems)))
    return pd.DataFrame(rows, columns=["meeting_id", "meeting_date", "reason"])


def nasro(officers: pd.DataFrame, training: pd.DataFrame, window_days: int, as_of: dt.date) -> pd.DataFrame:
    """IV.D: NASRO basic course of at least 40 hours with a certificate, within the window after assignment.

    Missing (the window has passed with no course on file) and overdue (done after the window)
    are flagged separately; an officer still inside the window with no course is not a breach.

    >>> import pandas as pd, datetime as dt
    >>> officers = pd.DataFrame({"officer_id": ["1"], "display_name": ["PO A"], "sro_start": pd.to_datetime(["2025-03-17"])})
    >>> training = pd.DataFrame({"officer_id": ["1"], "course_code": ["NASRO_BASIC"],
    ...     "completion_date": pd.to_datetime(["2025-04-01"]), "hours": [40.0], "certificate_id": [None]})
    >>> nasro(officers, training, 180, dt.date(2026, 6, 30))["reason"].tolist()
    ['IV.D.2: no certificate on file']
    """
    course = training[training["course_code"] == "NASRO_BASIC"].sort_values("completion_date")
    first = course.drop_duplicates("officer_id", keep="last").set_index("officer_id")
    rows = []
    for o in officers.itertuples():
        due = (o.sro_start + pd.Timedelta(days=window_days)).date()
        if o.officer_id not in first.index:
            if due < as_of:
                rows.append((o.officer_id, o.display_name, o.sro_start, f"IV.D.1: missing, due by {due}"))
            continue
        c = first.loc[o.officer_id]
        if c["completion_date"].date() > due:
            rows.append((o.officer_id, o.display_name, o.sro_start,
                         f"IV.D.1: overdue, completed {c['completion_date'].date()} (due by {due})"))
        if pd.isna(c["hours"]) or c["hours"] < NASRO_HOURS:
            hours = "not recorded" if pd.isna(c["hours"]) else f"{c['hours']:g}"
            rows.append((o.officer_id, o.display_name, o.sro_start,
                         f"IV.D.1: course hours {hours} ({NASRO_HOURS} required)"))
        if pd.isna(c["certificate_id"]):
            rows.append((o.officer_id, o.display_name, o.sro_start, "IV.D.2: no certificate on file"))
    return pd.DataFrame(rows, columns=["officer_id", "display_name", "sro_start", "reason"])


def certificates(officers: pd.DataFrame, training: pd.DataFrame) -> pd.DataFrame:
    """IV.D.2: the NASRO certificate on file for each SRO (blank where none), for MPS.

    >>> import pandas as pd
    >>> officers = pd.DataFrame({"officer_id": ["1", "2"]})
    >>> training = pd.DataFrame({"officer_id": ["1"], "course_code": ["NASRO_BASIC"],
    ...     "completion_date": pd.to_datetime(["2025-04-01"]), "hours": [40.0], "certificate_id": ["C-9"],
    ...     "provider": ["NASRO"]})
    >>> certificates(officers, training)["certificate_id"].tolist()
    ['C-9', nan]
    """
    course = training[training["course_code"] == "NASRO_BASIC"].sort_values("completion_date")
    last = course.drop_duplicates("officer_id", keep="last")
    out = officers[["officer_id"]].merge(
        last[["officer_id", "completion_date", "hours", "certificate_id", "provider"]],
        on="officer_id", how="left")
    out["completion_date"] = out["completion_date"].dt.date
    return out.sort_values("officer_id").reset_index(drop=True)


def training_matrix(officers: pd.DataFrame, training: pd.DataFrame) -> pd.DataFrame:
    """IV.E: officer x MPS topic, `done` or `missing`, with the count missing per officer.

    >>> import pandas as pd
    >>> training = pd.DataFrame({"officer_id": ["1"], "course_code": ["FERPA"]})
    >>> training_matrix(pd.DataFrame({"officer_id": ["1"]}), training)[["FERPA", "missing"]].values.tolist()
    [['done', 7]]
    """
    done = training[training["course_code"].isin(list(MPS_TOPICS))]
    have = set(zip(done["officer_id"], done["course_code"]))
    out = officers[["officer_id"]].copy()
    for code, label in MPS_TOPICS.items():
        out[label] = ["done" if (o, code) in have else "missing" for o in out["officer_id"]]
    out["missing"] = (out[list(MPS_TOPICS.values())] == "missing").sum(axis=1).astype("int64")
    return out.sort_values("officer_id").reset_index(drop=True)


def training_gaps(officers: pd.DataFrame, training: pd.DataFrame) -> pd.DataFrame:
    """IV.E: the officers missing one or more MPS topics, with the topics named.

    >>> import pandas as pd
    >>> training = pd.DataFrame({"officer_id": ["1"] * 7,
    ...     "course_code": [c for c in MPS_TOPICS if c != "PBIS"]})
    >>> training_gaps(pd.DataFrame({"officer_id": ["1"]}), training)["reason"].tolist()
    ['IV.E.1: missing PBIS']
    """
    matrix = training_matrix(officers, training)
    labels = list(MPS_TOPICS.values())
    gaps = matrix[matrix["missing"] > 0]
    reasons = [("IV.E.1: missing " + ", ".join(t for t in labels if row[t] == "missing"))
               for _, row in gaps.iterrows()]
    return gaps[["officer_id"]].assign(reason=reasons).reset_index(drop=True)


def monthly_meetings(meetings: pd.DataFrame, year: SchoolYear, as_of: dt.date) -> pd.DataFrame:
    """III.E.1: one `mps_safety_monthly` meeting in every month of the school year that has ended.

    >>> import pandas as pd, datetime as dt
    >>> year = SchoolYear(school_year="2025-26", semesters={"fall": Span(start=dt.date(2025, 9, 2),
    ...     end=dt.date(2025, 11, 30))})
    >>> held = pd.DataFrame({"meeting_type": ["mps_safety_monthly"] * 2,
    ...     "meeting_date": pd.to_datetime(["2025-09-10", "2025-11-12"])})
    >>> monthly_meetings(held, year, dt.date(2025, 12, 31))["month"].tolist()
    ['2025-10']
    """
    first = min(s.start for s in year.semesters.values())
    last = max(s.end for s in year.semesters.values())
    held = meetings.loc[meetings["meeting_type"] == "mps_safety_monthly", "meeting_date"]
    held_months = set(held.dt.strftime("%Y-%m"))
    rows = [(f"{m.start:%Y-%m}", f"no MPS safety meeting in {m.start:%B %Y}")
            for m in months(Span(start=first, end=last))
            if m.end <= as_of and f"{m.start:%Y-%m}" not in held_months]
    return pd.DataFrame(rows, columns=["month", "reason"])


def consultations(meetings: pd.DataFrame, schools: pd.DataFrame, year: SchoolYear,
                  as_of: dt.date) -> pd.DataFrame:
    """III.E.2: a semester consultation with every participating school near each semester's end.

    >>> import pandas as pd, datetime as dt
    >>> year = SchoolYear(school_year="2025-26", consultation_window_days=30,
    ...     semesters={"fall": Span(start=dt.date(2025, 9, 2), end=dt.date(2026, 1, 23))})
    >>> schools = pd.DataFrame({"school_id": ["1", "2"], "school_name": ["A", "B"], "sro_participating": [True] * 2,
    ...     "participation_start": [pd.NaT] * 2, "participation_end": [pd.NaT] * 2})
    >>> held = pd.DataFrame({"meeting_type": ["semester_consultation"], "school_id": ["1"],
    ...     "meeting_date": pd.to_datetime(["2026-01-15"])})
    >>> consultations(held, schools, year, dt.date(2026, 3, 1))["school_id"].tolist()
    ['2']
    """
    window = pd.Timedelta(days=year.consultation_window_days)
    held = meetings[meetings["meeting_type"] == "semester_consultation"]
    rows = []
    for name, term in year.semesters.items():
        end = pd.Timestamp(term.end)
        if (end + window).date() > as_of:
            continue
        near = held[(held["meeting_date"] >= end - window) & (held["meeting_date"] <= end + window)]
        for s in participating(schools, term.start, term.end).itertuples():
            if s.school_id not in set(near["school_id"]):
                rows.append((name, s.school_id, s.school_name,
                             (f"no consultation within {year.consultation_window_days} days of "
                              f"the {name} semester's end ({term.end})")))
    return pd.DataFrame(rows, columns=["semester", "school_id", "school_name", "reason"])


def mou(year: SchoolYear, as_of: dt.date) -> pd.DataFrame:
    """V: the MOU is in force, and does not expire within the warning window.

    >>> import datetime as dt
    >>> from sro_reporting.params import Mou
    >>> year = SchoolYear(school_year="2025-26", mou_warning_days=90, mou=Mou(signed=dt.date(2025, 3, 10),
    ...     expires=dt.date(2026, 8, 31)), semesters={"fall": Span(start=dt.date(2025, 9, 2), end=dt.date(2026, 1, 23))})
    >>> mou(year, dt.date(2026, 6, 30))["reason"].tolist()
    ['expires in 62 days (warning at 90)']
    """
    if year.mou is None:
        return pd.DataFrame([("", "", "no MOU dates in the parameter file")],
                            columns=["signed", "expires", "reason"])
    left = (year.mou.expires - as_of).days
    reason = ("expired" if left < 0 else
              f"expires in {left} days (warning at {year.mou_warning_days})" if left <= year.mou_warning_days
              else None)
    rows = [(year.mou.signed, year.mou.expires, reason)] if reason else []
    return pd.DataFrame(rows, columns=["signed", "expires", "reason"])


RULES = [
    ("IV.B", "Selection requirements", False), ("IV.C", "Selection panel", True),
    ("IV.D", "NASRO initial training and certificate", True), ("IV.E", "MPS additional training", True),
    ("III.E.1", "Monthly meeting with the MPS safety director", True),
    ("III.E.2", "End-of-semester consultation with each school", True),
    ("III.A / Act 12", "SROs on duty in school hours", True), ("V", "Memorandum of understanding", True),
]  # (section, rule, in the MPS extract): personnel matters (IV.B) stay internal


def check_all(data: DataSet, year: SchoolYear, span: Span, as_of: dt.date) -> dict[str, pd.DataFrame]:
    """Run every rule for the SROs assigned in `span`; return the breaches by section."""
    from sro_reporting.staffing import active_officers, days_below_floor

    officers = active_officers(data.officers, span)
    training = data.training[data.training["officer_id"].isin(officers["officer_id"])]
    return {
        "IV.B": selection(officers),
        "IV.C": panels(data.meetings),
        "IV.D": nasro(officers, training, year.nasro_window_days, as_of),
        "IV.E": training_gaps(officers, training),
        "III.E.1": monthly_meetings(data.meetings, year, as_of),
        "III.E.2": consultations(data.meetings, data.schools, year, as_of),
        "III.A / Act 12": days_below_floor(data.shifts, year, Span(start=span.start, end=min(span.end, as_of))),
        "V": mou(year, as_of),
    }


def summary(breaches: dict[str, pd.DataFrame], audience: str = "mpd_internal") -> pd.DataFrame:
    """Return one row per rule: its section, what it asks, breaches found, kept or breached."""
    rows = [(section, label, len(breaches[section]), "kept" if breaches[section].empty else "breached")
            for section, label, shared in RULES
            if section in breaches and (shared or audience == "mpd_internal")]
    return pd.DataFrame(rows, columns=["section", "rule", "breaches", "status"])
