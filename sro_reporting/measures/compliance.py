"""Program compliance: one function per rule of the instruction, each returning its findings.

Every rule returns a frame of findings, each with a `status` and a `reason`; an empty frame means the
rule was kept. `as_of` is the check date (the data's as-of date): a requirement whose window has not
closed by then is listed as not yet due; records dated after it are not used. A finding about a
requirement that fell due before the instruction took effect (July 20, 2026) is a baseline, not a
breach; a state that lasts past that date (a certificate still missing) is a breach. Warnings (an MOU
near its end) are not breaches.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from sro_reporting.linking.schools import participating
from sro_reporting.params import Mou, SchoolYear, Span, load_school_year, next_year, previous_year
from sro_reporting.periods import months
from sro_reporting.reading.dataset import DataSet

MPS_TOPICS = {
    "MPS_CODE_OF_CONDUCT": "Code of conduct", "MPS_THREAT_ID": "Threat identification",
    "MPS_SECURITY_EOP": "Security plan and emergency operations",
    "SECLUSION_RESTRAINT": "Seclusion and restraint", "FERPA": "FERPA", "BULLYING": "Bullying",
    "RESTORATIVE_PRACTICES": "Restorative practices", "PBIS": "PBIS",
}
MPS_PANEL_ROLES = ("mps_staff", "community", "mps_student")
PANEL_ROLE_WORDS = {"mps_staff": "MPS staff member", "community": "community member", "mps_student": "MPS student",
                    "mpd": "MPD officer"}
NASRO_HOURS = 40
SERVICE_YEARS = 3
ACT_12_EFFECTIVE = dt.date(2024, 1, 1)  # 2023 Wisconsin Act 12: the floor of SROs from January 1, 2024
BREACH, WARNING, BASELINE, NOT_YET_DUE = "breach", "warning", "baseline", "not yet due"
STATUS_DEFINITION = (
    "Breach: a requirement of the instruction not met, where it fell due on or after the instruction took "
    "effect ({effective}), or a state that still lasts after that date (a certificate or course still "
    "missing on the check date). Baseline: the same, before the instruction took effect; reported so that "
    "later years can be compared, not as a breach. Warning: worth acting on, not a breach (an MOU near its "
    "end). Not yet due: the window has not closed on the check date. The Act 12 floor of SROs is a statute "
    "in force since January 1, 2024: a day under it is a breach.")
FINDING_COLUMNS = ["due", "status", "reason"]


def due_status(due: dt.date, effective: dt.date | None) -> str:
    """Return `baseline` for a requirement that fell due before the effective date, else `breach`."""
    return BREACH if effective is None or due >= effective else BASELINE


def event_status(due: pd.Series, effective: dt.date | None) -> pd.Series:
    """Return `baseline` for a requirement that fell due before the effective date, else `breach`."""
    if effective is None:
        return pd.Series(BREACH, index=due.index, dtype="str")
    return pd.Series(BREACH, index=due.index, dtype="str").where(
        pd.to_datetime(due) >= pd.Timestamp(effective), BASELINE)


def state_status(officers: pd.DataFrame, as_of: dt.date, effective: dt.date | None) -> pd.Series:
    """Return `breach` for a state lasting past the effective date, else `baseline`.

    A state lasts past it when the check is made after it and the officer is still assigned then.
    """
    if effective is None:
        return pd.Series(BREACH, index=officers.index)
    assigned = officers["sro_end"].isna() | (officers["sro_end"] >= pd.Timestamp(effective))
    return pd.Series(BREACH, index=officers.index).where(assigned & (as_of >= effective), BASELINE)


def _officer_rows(officers: pd.DataFrame, mask: pd.Series, due: pd.Series, status: pd.Series,
                  reason: pd.Series | str) -> pd.DataFrame:
    """Return the offending officers with the due date, status and reason of a finding."""
    rows = officers.loc[mask, ["officer_id", "display_name", "sro_start"]].copy()
    rows["due"] = pd.to_datetime(due[mask]).dt.date
    rows["status"] = status[mask]
    rows["reason"] = reason[mask] if isinstance(reason, pd.Series) else reason
    return rows


def selection(officers: pd.DataFrame, effective: dt.date | None = None) -> pd.DataFrame:
    """IV.B: at sro_start, three years of uninterrupted service, excellent attendance, no juvenile complaint.

    Service is shown in days, so one day short never reads as three years.

    >>> import pandas as pd
    >>> officers = pd.DataFrame({"officer_id": ["1"], "display_name": ["PO A"],
    ...     "continuous_service_start": pd.to_datetime(["2022-03-18"]), "sro_start": pd.to_datetime(["2025-03-17"]),
    ...     "attendance_rating": ["excellent"], "sustained_juvenile_complaints": pd.array([0], dtype="Int64")})
    >>> selection(officers)["reason"].tolist()  # one day short of three years
    ['IV.B.1: 1,095 days of uninterrupted service at assignment; 3 years (1,096 days from 2022-03-18) required']
    """
    served = officers["continuous_service_start"] + pd.DateOffset(years=SERVICE_YEARS)
    short = served > officers["sro_start"]
    days = (officers["sro_start"] - officers["continuous_service_start"]).dt.days
    needed = (served - officers["continuous_service_start"]).dt.days
    start = officers["continuous_service_start"].dt.strftime("%Y-%m-%d")
    rating = officers["attendance_rating"].str.lower().str.strip()
    complaints = officers["sustained_juvenile_complaints"]
    due, status = officers["sro_start"], event_status(officers["sro_start"], effective)
    found = [
        _officer_rows(officers, short, due, status,
                      "IV.B.1: " + days.map("{:,}".format) + " days of uninterrupted service at assignment; "
                      f"{SERVICE_YEARS} years (" + needed.map("{:,}".format) + " days from " + start
                      + ") required"),
        _officer_rows(officers, rating.notna() & (rating != "excellent"), due, status,
                      "IV.B.2: attendance rated " + rating.fillna("") + " (excellent required)"),
        _officer_rows(officers, rating.isna(), due, status, "IV.B.2: attendance rating not recorded"),
        _officer_rows(officers, complaints.fillna(0) > 0, due, status,
                      "IV.B.3: " + complaints.astype("str").fillna("") + " sustained complaint(s) involving juveniles"),
        _officer_rows(officers, complaints.isna(), due, status, "IV.B.3: sustained juvenile complaints not recorded"),
    ]
    return pd.concat(found, ignore_index=True).sort_values(["officer_id", "reason"]).reset_index(drop=True)


def panels(meetings: pd.DataFrame, span: Span | None = None, effective: dt.date | None = None) -> pd.DataFrame:
    """IV.C.3: each selection panel of the period had three MPS representatives and MPD.

    >>> import pandas as pd
    >>> meetings = pd.DataFrame({"meeting_id": ["P1"], "meeting_date": pd.to_datetime(["2025-10-14"]),
    ...     "meeting_type": ["selection_panel"], "attendee_roles": ["mps_staff;community;mpd"]})
    >>> panels(meetings, effective=dt.date(2026, 7, 20))[["status", "reason"]].values.tolist()
    [['baseline', '2 MPS representative(s) (3 required); no MPS student']]
    """
    found = meetings[meetings["meeting_type"] == "selection_panel"]
    if span is not None:
        found = found[(found["meeting_date"] >= pd.Timestamp(span.start))
                      & (found["meeting_date"] <= pd.Timestamp(span.end))]
    rows = []
    for m in found.itertuples():
        roles = [r for r in (m.attendee_roles or "").split(";") if r] if pd.notna(m.attendee_roles) else []
        mps = sum(r in MPS_PANEL_ROLES for r in roles)
        missing = [r for r in (*MPS_PANEL_ROLES, "mpd") if r not in roles]
        problems = ([f"{mps} MPS representative(s) (3 required)"] if mps < 3 else []) + \
                   [f"no {PANEL_ROLE_WORDS[r]}" for r in missing]
        if problems:
            rows.append((m.meeting_id, m.meeting_date, m.meeting_date.date(), "; ".join(problems)))
    out = pd.DataFrame(rows, columns=["meeting_id", "meeting_date", "due", "reason"])
    out.insert(3, "status", event_status(out["due"], effective))
    return out


def nasro(officers: pd.DataFrame, training: pd.DataFrame, window_days: int, as_of: dt.date,
          effective: dt.date | None = None) -> pd.DataFrame:
    """IV.D: NASRO basic course of at least 40 hours with a certificate, within the window after assignment.

    Missing (the window has passed with no course on file) and overdue (done after the window) are flagged
    apart; an officer still inside the window with no course is listed as not yet due. A completion dated
    after the check date is not used.

    >>> import pandas as pd, datetime as dt
    >>> officers = pd.DataFrame({"officer_id": ["1"], "display_name": ["PO A"], "sro_start": pd.to_datetime(["2025-03-17"]),
    ...     "sro_end": [pd.NaT]})
    >>> training = pd.DataFrame({"officer_id": ["1"], "course_code": ["NASRO_BASIC"],
    ...     "completion_date": pd.to_datetime(["2025-04-01"]), "hours": [40.0], "certificate_id": [None]})
    >>> nasro(officers, training, 180, dt.date(2026, 9, 30), dt.date(2026, 7, 20))[["status", "reason"]].values.tolist()
    [['breach', 'IV.D.2: no certificate on file']]
    """
    course = training[(training["course_code"] == "NASRO_BASIC")
                      & (training["completion_date"] <= pd.Timestamp(as_of))].sort_values("completion_date")
    later = training[(training["course_code"] == "NASRO_BASIC") & (training["completion_date"] > pd.Timestamp(as_of))]
    first = course.drop_duplicates("officer_id", keep="last").set_index("officer_id")
    lasting = state_status(officers, as_of, effective)
    rows = []
    for i, o in zip(officers.index, officers.itertuples()):
        due = (o.sro_start + pd.Timedelta(days=window_days)).date()
        found = []  # (status, reason)
        if o.officer_id not in first.index:
            after = later.loc[later["officer_id"] == o.officer_id, "completion_date"]
            note = (f" (a completion dated {after.min().date()}, after the check date {as_of}, is not used)"
                    if len(after) else "")
            found.append((lasting[i], f"IV.D.1: missing, due by {due}{note}") if due < as_of else
                         (NOT_YET_DUE, f"IV.D.1: not yet due, due by {due}{note}"))
        else:
            c = first.loc[o.officer_id]
            if c["completion_date"].date() > due:
                found.append((due_status(due, effective),
                              f"IV.D.1: overdue, completed {c['completion_date'].date()} (due by {due})"))
            if pd.isna(c["hours"]) or c["hours"] < NASRO_HOURS:
                hours = "not recorded" if pd.isna(c["hours"]) else f"{c['hours']:g}"
                found.append((lasting[i], f"IV.D.1: course hours {hours} ({NASRO_HOURS} required)"))
            if pd.isna(c["certificate_id"]):
                found.append((lasting[i], "IV.D.2: no certificate on file"))
        rows += [(o.officer_id, o.display_name, o.sro_start, due, status, reason) for status, reason in found]
    return pd.DataFrame(rows, columns=["officer_id", "display_name", "sro_start", *FINDING_COLUMNS])


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


def training_gaps(officers: pd.DataFrame, training: pd.DataFrame, window_days: int | None = None,
                  as_of: dt.date | None = None, effective: dt.date | None = None) -> pd.DataFrame:
    """IV.E: the officers missing one or more MPS topics on the check date, with the topics named.

    The topics are due within the same window after assignment as the NASRO course.

    >>> import pandas as pd
    >>> training = pd.DataFrame({"officer_id": ["1"] * 7, "completion_date": pd.to_datetime(["2025-04-01"] * 7),
    ...     "course_code": [c for c in MPS_TOPICS if c != "PBIS"]})
    >>> officers = pd.DataFrame({"officer_id": ["1"], "sro_start": pd.to_datetime(["2025-03-17"]), "sro_end": [pd.NaT]})
    >>> training_gaps(officers, training, 180, dt.date(2026, 9, 30))[["status", "reason"]].values.tolist()
    [['breach', 'IV.E.1: missing PBIS']]
    """
    if as_of is not None:
        training = training[training["completion_date"] <= pd.Timestamp(as_of)]
    matrix = training_matrix(officers, training).set_index("officer_id")
    labels = list(MPS_TOPICS.values())
    listed = officers.set_index("officer_id")
    due = listed["sro_start"] + pd.Timedelta(days=window_days or 0)
    status = state_status(listed, as_of, effective) if as_of is not None else pd.Series(BREACH, index=listed.index)
    if as_of is not None:
        status = status.where(due < pd.Timestamp(as_of), NOT_YET_DUE)
    gaps = matrix[matrix["missing"] > 0]
    reasons = [("IV.E.1: missing " + ", ".join(t for t in labels if row[t] == "missing"))
               for _, row in gaps.iterrows()]
    return pd.DataFrame({"officer_id": gaps.index, "due": due.reindex(gaps.index).dt.date.to_numpy(),
                         "status": status.reindex(gaps.index).to_numpy(), "reason": reasons})


def monthly_meetings(meetings: pd.DataFrame, year: SchoolYear, as_of: dt.date,
                     effective: dt.date | None = None) -> pd.DataFrame:
    """III.E.1: one `mps_safety_monthly` meeting in every month of the school year ended by the check date.

    The months not over yet are listed as not yet due.

    >>> import pandas as pd, datetime as dt
    >>> year = SchoolYear(school_year="2025-26", semesters={"fall": Span(start=dt.date(2025, 9, 2),
    ...     end=dt.date(2025, 12, 19))})
    >>> held = pd.DataFrame({"meeting_type": ["mps_safety_monthly"] * 2,
    ...     "meeting_date": pd.to_datetime(["2025-09-10", "2025-11-12"])})
    >>> monthly_meetings(held, year, dt.date(2025, 11, 30))[["month", "status"]].values.tolist()
    [['2025-10', 'breach'], ['2025-12', 'not yet due']]
    """
    first = min(s.start for s in year.semesters.values())
    last = max(s.end for s in year.semesters.values())
    held = meetings.loc[meetings["meeting_type"] == "mps_safety_monthly", "meeting_date"]
    held_months = set(held[held <= pd.Timestamp(as_of)].dt.strftime("%Y-%m"))
    rows = []
    for m in months(Span(start=first, end=last)):
        end = (pd.Timestamp(m.start) + pd.offsets.MonthEnd(0)).date()
        if end > as_of:
            rows.append((f"{m.start:%Y-%m}", end, NOT_YET_DUE, f"not yet due: {m.start:%B %Y} is not over"))
        elif f"{m.start:%Y-%m}" not in held_months:
            status = due_status(end, effective)
            rows.append((f"{m.start:%Y-%m}", end, status, f"no MPS safety meeting in {m.start:%B %Y}"))
    return pd.DataFrame(rows, columns=["month", *FINDING_COLUMNS])


def consultation_window(term: Span, days: int) -> Span:
    """Return the days a semester's consultation counts in: `days` either side of the semester's last day.

    >>> consultation_window(Span(start=dt.date(2025, 9, 2), end=dt.date(2026, 1, 23)), 30)
    Span(start=datetime.date(2025, 12, 24), end=datetime.date(2026, 2, 22))
    """
    return Span(start=term.end - dt.timedelta(days=days), end=term.end + dt.timedelta(days=days))


def consultations_held(meetings: pd.DataFrame, term: Span, days: int, as_of: dt.date) -> pd.DataFrame:
    """Return the semester consultations that count for `term` (III.E.2): in its window and by the check date."""
    window = consultation_window(term, days)
    dates = meetings["meeting_date"]
    return meetings[(meetings["meeting_type"] == "semester_consultation") & (dates >= pd.Timestamp(window.start))
                    & (dates <= pd.Timestamp(min(window.end, as_of)))]


def consultations(meetings: pd.DataFrame, schools: pd.DataFrame, year: SchoolYear,
                  as_of: dt.date, effective: dt.date | None = None) -> pd.DataFrame:
    """III.E.2: a semester consultation with every participating school near each semester's end.

    A semester whose window has not closed on the check date is listed as not yet due.

    >>> import pandas as pd, datetime as dt
    >>> year = SchoolYear(school_year="2025-26", consultation_window_days=30,
    ...     semesters={"fall": Span(start=dt.date(2025, 9, 2), end=dt.date(2026, 1, 23)),
    ...                "spring": Span(start=dt.date(2026, 1, 26), end=dt.date(2026, 6, 12))})
    >>> schools = pd.DataFrame({"school_id": ["1", "2"], "school_name": ["A", "B"], "sro_participating": [True] * 2,
    ...     "participation_start": [pd.NaT] * 2, "participation_end": [pd.NaT] * 2})
    >>> held = pd.DataFrame({"meeting_type": ["semester_consultation"], "school_id": ["1"],
    ...     "meeting_date": pd.to_datetime(["2026-01-15"])})
    >>> consultations(held, schools, year, dt.date(2026, 3, 1))[["semester", "school_id", "status"]].values.tolist()
    [['fall', '2', 'breach'], ['spring', nan, 'not yet due']]
    """
    rows = []
    for name, term in year.semesters.items():
        closes = consultation_window(term, year.consultation_window_days).end
        if closes > as_of:
            rows.append((name, None, None, closes, NOT_YET_DUE,
                         f"not yet due: the window closes on {closes}, after the check date {as_of}"))
            continue
        status = due_status(closes, effective)
        days = year.consultation_window_days
        reason = f"no consultation within {days} days of the {name} semester's end ({term.end})"
        rows += [(name, s.school_id, s.school_name, closes, status, reason)
                 for s in without_consultation(meetings, schools, term, days, as_of).itertuples()]
    return pd.DataFrame(rows, columns=["semester", "school_id", "school_name", *FINDING_COLUMNS])


def without_consultation(meetings: pd.DataFrame, schools: pd.DataFrame, term: Span, days: int,
                         as_of: dt.date) -> pd.DataFrame:
    """Return the schools taking part in a semester that held no consultation for it by `as_of` (III.E.2)."""
    near = consultations_held(meetings, term, days, as_of)
    part = participating(schools, term.start, term.end)
    return part.loc[~part["school_id"].isin(near["school_id"]), ["school_id", "school_name"]]


OVERDUE, DUE = "overdue", "due"


def consultations_owed(meetings: pd.DataFrame, schools: pd.DataFrame, year: SchoolYear, on: dt.date) -> pd.DataFrame:
    """III.E.2 as open items on a day: each school taking part in a semester whose consultation window has opened by
    `on` and that held none in it by then, `overdue` once the window has closed (a compliance finding), else `due`.

    >>> year = SchoolYear(school_year="2025-26", consultation_window_days=30,
    ...     semesters={"fall": Span(start=dt.date(2025, 9, 2), end=dt.date(2026, 1, 23)),
    ...                "spring": Span(start=dt.date(2026, 1, 26), end=dt.date(2026, 6, 12))})
    >>> schools = pd.DataFrame({"school_id": ["1", "2"], "school_name": ["A", "B"], "sro_participating": [True] * 2,
    ...     "participation_start": [pd.NaT] * 2, "participation_end": [pd.NaT] * 2})
    >>> held = pd.DataFrame({"meeting_type": ["semester_consultation"], "school_id": ["1"],
    ...     "meeting_date": pd.to_datetime(["2026-01-15"])})
    >>> owed = consultations_owed(held, schools, year, dt.date(2026, 3, 31))
    >>> owed[["semester", "school_id", "state"]].values.tolist()
    [['fall', '2', 'overdue']]
    """
    rows, days = [], year.consultation_window_days
    for name, term in year.semesters.items():
        window = consultation_window(term, days)
        if window.start > on:
            continue
        state = OVERDUE if window.end < on else DUE
        rows += [(name, s.school_id, s.school_name, window.end, state)
                 for s in without_consultation(meetings, schools, term, days, on).itertuples()]
    return pd.DataFrame(rows, columns=["semester", "school_id", "school_name", "due", "state"])


def next_meeting(year: SchoolYear, after: dt.date) -> dt.date | None:
    """Return the first monthly meeting with the MPS safety director scheduled after a day, in the parameter files
    of the school year and the next (`safety_meetings`); None where none is scheduled."""
    later = _year_of(next_year(year.school_year))
    scheduled = [*year.safety_meetings, *(later.safety_meetings if later else ())]
    return min((day for day in scheduled if day > after), default=None)


NEXT_MEETING = "Next monthly meeting with the MPS safety director (III.E.1)"


def open_items(owed: pd.DataFrame, meeting: dt.date | None) -> pd.DataFrame:
    """Return the open items of a monthly brief: the consultations owed by semester and state, with how many
    schools owe each, and the next meeting (its date, or none scheduled).

    >>> owed = pd.DataFrame({"semester": ["fall", "fall"], "school_id": ["1", "2"], "school_name": ["A", "B"],
    ...     "due": [dt.date(2026, 2, 22)] * 2, "state": ["overdue"] * 2})
    >>> open_items(owed, None)[["item", "schools", "state"]].values.tolist()[0]
    ['End-of-semester consultation, fall semester (III.E.2)', 2, 'overdue']
    >>> open_items(owed.iloc[:0], dt.date(2026, 4, 15))[["schools", "due", "state"]].values.tolist()
    [[<NA>, datetime.date(2026, 4, 15), 'scheduled']]
    """
    counts = owed.groupby(["semester", "due", "state"], sort=False).size().reset_index(name="schools")
    rows = [(f"End-of-semester consultation, {r.semester} semester (III.E.2)", r.schools, r.due, r.state)
            for r in counts.itertuples()]
    rows.append((NEXT_MEETING, None, meeting, "scheduled" if meeting else "none scheduled"))
    return pd.DataFrame(rows, columns=["item", "schools", "due", "state"]).astype({"schools": "Int64"})


def mou(year: SchoolYear, as_of: dt.date, span: Span | None = None, effective: dt.date | None = None,
        earlier: Mou | None = None, later: Mou | None = None) -> pd.DataFrame:
    """V: an MOU (this year's or the one before, `earlier`) in force every day of the period to the check date.

    A day without one is a breach. The MOU in force at the end, ending within the warning window after the
    check date (or before it), is a warning, not a breach, unless the next year's MOU (`later`) was signed by
    the check date.

    >>> import datetime as dt
    >>> year = SchoolYear(school_year="2025-26", mou_warning_days=90, mou=Mou(signed=dt.date(2025, 3, 10),
    ...     expires=dt.date(2026, 8, 31)), semesters={"fall": Span(start=dt.date(2025, 9, 2), end=dt.date(2026, 1, 23))})
    >>> mou(year, dt.date(2026, 6, 30), year.year_span)[["status", "reason"]].values.tolist()
    [['warning', 'expires on 2026-08-31, 62 days after the check date 2026-06-30 (warning at 90 days)']]
    >>> mou(year, dt.date(2026, 11, 20), year.year_span, later=Mou(signed=dt.date(2026, 8, 20),
    ...     expires=dt.date(2028, 6, 30))).empty
    True
    """
    span = span or year.year_span
    end = min(span.end, as_of)
    columns = ["signed", "expires", *FINDING_COLUMNS]
    mous = [m for m in (earlier, year.mou) if m is not None]
    if not mous:
        lasting = due_status(end, effective)
        return pd.DataFrame([(None, None, end, lasting, "no MOU dates in the parameter file")], columns=columns)
    days = pd.Series(pd.date_range(span.start, end))
    held = pd.concat([(days >= pd.Timestamp(m.signed)) & (days <= pd.Timestamp(m.expires)) for m in mous],
                     axis=1).any(axis=1)
    runs = (held != held.shift()).cumsum()
    rows = []
    for _, gap in days[~held].groupby(runs[~held]):
        first, last = gap.iloc[0].date(), gap.iloc[-1].date()
        status = due_status(last, effective)
        rows.append((None, None, first, status, f"no MOU in force from {first} to {last}"))
    current = [m for m in mous if m.signed <= end <= m.expires]
    renewed = later is not None and later.signed <= as_of  # a next MOU counts once it is signed, by the check date
    if current and not renewed:
        last = max(current, key=lambda m: m.expires)
        left = (last.expires - as_of).days  # from the check date: a reader acts on it from then
        if left < 0:
            rows.append((last.signed, last.expires, last.expires, WARNING,
                         f"expired on {last.expires}, before the check date {as_of}; no later MOU signed by then "
                         "is in the parameter files"))
        elif left <= year.mou_warning_days:
            rows.append((last.signed, last.expires, last.expires, WARNING,
                         f"expires on {last.expires}, {left} days after the check date {as_of} (warning at "
                         f"{year.mou_warning_days} days)"))
    return pd.DataFrame(rows, columns=columns)


def act_12(shifts: pd.DataFrame, year: SchoolYear, span: Span, as_of: dt.date) -> pd.DataFrame:
    """III.A / Act 12: the school days of the period, to the check date, with fewer SROs on duty than the floor.

    Act 12 is a statute in force since `ACT_12_EFFECTIVE`, so each such day after it is a breach.

    >>> import pandas as pd, datetime as dt
    >>> year = SchoolYear(school_year="2025-26", sro_floor=1,
    ...     semesters={"fall": Span(start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 5))})
    >>> shifts = pd.DataFrame({"officer_id": ["A"], "shift_date": pd.to_datetime(["2025-09-01"]),
    ...     "start_time": pd.to_timedelta(["07:30:00"]), "end_time": pd.to_timedelta(["16:30:00"])})
    >>> act_12(shifts, year, year.semesters["fall"], dt.date(2025, 9, 2))[["date", "status"]].values.tolist()
    [[datetime.date(2025, 9, 2), 'breach']]
    """
    from sro_reporting.measures.staffing import days_below_floor

    if as_of < span.start:
        return pd.DataFrame(columns=["date", "sros_on_duty", "floor", *FINDING_COLUMNS])
    days = days_below_floor(shifts, year, Span(start=span.start, end=min(span.end, as_of)))
    return days.assign(due=days["date"], status=event_status(days["date"], ACT_12_EFFECTIVE),
                       reason=days["sros_on_duty"].astype("str") + f" SROs on duty (floor {year.sro_floor})")


def dpi_118124_due(year: SchoolYear) -> dt.date:
    """Return when the school year's Wis. Stat. 118.124 statistics are due to DPI: July 31 after the year ends."""
    return dt.date(year.year_span.end.year, 7, 31)


def dpi_118124(year: SchoolYear, as_of: dt.date, made: dt.date | None) -> pd.DataFrame:
    """Wis. Stat. 118.124: the year's incident report made (by MPD, for the board to send DPI) by July 31.

    >>> import datetime as dt
    >>> year = SchoolYear(school_year="2025-26", semesters={"spring": Span(start=dt.date(2026, 1, 26),
    ...     end=dt.date(2026, 6, 12))})
    >>> dpi_118124(year, dt.date(2026, 6, 30), None)["status"].tolist(), dpi_118124(year, dt.date(2026, 9, 1),
    ...     None)["status"].tolist(), dpi_118124(year, dt.date(2026, 9, 1), dt.date(2026, 7, 2)).empty
    (['not yet due'], ['breach'], True)
    """
    due = dpi_118124_due(year)
    if made is not None and made <= due:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    if made is not None:
        row = (due, BREACH, f"made on {made}, after the due date")
    elif as_of <= due:
        row = (due, NOT_YET_DUE, f"due by {due}; not made yet (the spring run makes it, or --report dpi-118124)")
    else:
        row = (due, BREACH, f"not made by {due}")
    return pd.DataFrame([row], columns=FINDING_COLUMNS)


def made_on(folder: Path, name: str) -> dt.date | None:
    """Return the day the report PDF `name` was made (its file's time), or None where there is none: in `folder`,
    or in the run's folder two levels up where `folder` is the staging folder a batch makes a report in."""
    for pdf in (folder / name, folder.parent.parent / name):
        if pdf.exists():
            return dt.datetime.fromtimestamp(pdf.stat().st_mtime).date()
    return None


RULES = [
    ("IV.B", "Selection requirements", False), ("IV.C", "Selection panel", True),
    ("IV.D", "NASRO initial training and certificate", True), ("IV.E", "MPS additional training", True),
    ("III.E.1", "Monthly meeting with the MPS safety director", True),
    ("III.E.2", "End-of-semester consultation with each school", True),
    ("III.A / Act 12", "SROs on duty in school hours", True), ("V", "Memorandum of understanding", True),
    ("118.124", "Wis. Stat. 118.124 incident statistics for DPI, by July 31 (made by MPD for the board)", True),
]  # (section, rule, in the MPS extract): personnel matters (IV.B) stay internal
EXTRACT_OMISSIONS = [
    ("IV.B", "Selection requirements: each SRO's length of service, attendance rating and sustained complaints",
     "MPD personnel records; they stay with MPD. The internal compliance report checks them."),
    ("all", "Officers' names and IDs", "Each SRO is shown as SRO 1, SRO 2, ..., numbered in the order of their MPD "
     "IDs for this extract; names and IDs are in MPD's internal report. Each NASRO certificate is listed with its "
     "certificate ID, which NASRO verifies (IV.D.2)."),
]


def _year_of(school_year: str) -> SchoolYear | None:
    """Return a school year's parameters, or None where it has no parameter file."""
    try:
        return load_school_year(school_year)
    except FileNotFoundError:
        return None


def _mou_of(school_year: str) -> Mou | None:
    """Return a school year's MOU from its parameter file, or None where there is none."""
    year = _year_of(school_year)
    return year.mou if year else None


def check_all(data: DataSet, year: SchoolYear, span: Span, as_of: dt.date,
              dpi_made: dt.date | None = None) -> dict[str, pd.DataFrame]:
    """Run every rule for the SROs assigned in `span` on the check date `as_of`; return the findings by section.

    `dpi_made`: the day the year's Wis. Stat. 118.124 report was made, if it was."""
    from sro_reporting.measures.staffing import active_officers

    effective = year.soi_effective
    earlier, later = (_mou_of(label) for label in (previous_year(year.school_year), next_year(year.school_year)))
    officers = active_officers(data.officers, span)
    training = data.training[data.training["officer_id"].isin(officers["officer_id"])]
    return {
        "IV.B": selection(officers, effective),
        "IV.C": panels(data.meetings, span, effective),
        "IV.D": nasro(officers, training, year.nasro_window_days, as_of, effective),
        "IV.E": training_gaps(officers, training, year.nasro_window_days, as_of, effective),
        "III.E.1": monthly_meetings(data.meetings, year, as_of, effective),
        "III.E.2": consultations(data.meetings, data.schools, year, as_of, effective),
        "III.A / Act 12": act_12(data.shifts, year, span, as_of),
        "V": mou(year, as_of, span, effective, earlier, later),
        "118.124": dpi_118124(year, as_of, dpi_made),
    }


def summary(findings: dict[str, pd.DataFrame], audience: str = "mpd_internal") -> pd.DataFrame:
    """Return one row per rule: its section, what it asks, its findings by status and its overall status.

    The status is `breached`, else `warning`, else `baseline only`, else `kept`; items not yet due are
    counted apart.

    >>> found = {"V": pd.DataFrame({"status": ["warning"]}), "IV.C": pd.DataFrame({"status": ["baseline"]})}
    >>> summary(found)[["section", "warnings", "baseline", "status"]].values.tolist()
    [['IV.C', 0, 1, 'baseline only'], ['V', 1, 0, 'warning']]
    """
    rows = []
    for section, label, shared in RULES:
        if section not in findings or not (shared or audience == "mpd_internal"):
            continue
        counts = findings[section]["status"].value_counts() if len(findings[section]) else pd.Series(dtype="int64")
        n = {k: int(counts.get(k, 0)) for k in (BREACH, WARNING, BASELINE, NOT_YET_DUE)}
        status = ("breached" if n[BREACH] else "warning" if n[WARNING] else
                  "baseline only" if n[BASELINE] else "kept")
        rows.append((section, label, n[BREACH], n[WARNING], n[BASELINE], n[NOT_YET_DUE], status))
    return pd.DataFrame(rows, columns=["section", "rule", "breaches", "warnings", "baseline", "not_yet_due", "status"])


def numbered(frame: pd.DataFrame, roster: pd.Series) -> pd.DataFrame:
    """Return a table for MPS with each officer ID as `SRO n`, numbered in the order of the roster's IDs.

    >>> numbered(pd.DataFrame({"officer_id": ["9", "1"]}), pd.Series(["9", "1", "5"]))["officer_id"].tolist()
    ['SRO 3', 'SRO 1']
    """
    if "officer_id" not in frame.columns:
        return frame
    number = {oid: f"SRO {n}" for n, oid in enumerate(sorted(roster.dropna().unique()), 1)}
    return frame.assign(officer_id=frame["officer_id"].map(number))


def extract_omissions() -> pd.DataFrame:
    """Return what the MPS extract leaves out, and why."""
    return pd.DataFrame(EXTRACT_OMISSIONS, columns=["section", "left_out", "why"])
