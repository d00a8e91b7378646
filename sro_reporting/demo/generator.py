"""The embedded synthetic data set: MPS-like schools, 33 SROs and a citywide CAD export.

Deterministic (seeded) and at the program's real scale: about 150 schools of which 30 take
part (12 anchor high schools and mobile coverage), school year 2025-26 complete and the
2026-27 fall semester up to the data's as-of date. It writes exports the way MPD's systems
do (code variants, `,MKE` suffixes, CAD block forms, `AV`/`AVENUE`) and plants the breaches
a compliance report must flag. No real person, school record or call is in it: school and officer
names are invented, and `write` leaves a marker file that `load` turns into `DataSet.synthetic`,
so every report made from it says SYNTHETIC DEMO DATA on every page and in its title.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from sro_reporting.linking.addresses import ordinal
from sro_reporting.reading.dataset import SYNTHETIC_MARKER

MARKER_TEXT = ("SYNTHETIC DEMO DATA\n\nEvery table in this folder was invented by sro-reporting's demo generator "
               "(sro-report demo-data).\nNo school, officer, call or incident in it is real. Reports made from this "
               "folder say\nSYNTHETIC DEMO DATA on every page and in their title.\n")
AS_OF = dt.date(2026, 11, 20)
START = dt.date(2025, 7, 1)
SEED = 20260720

NS_STREETS = [f"{n}" for n in (6, 7, 12, 13, 16, 20, 24, 27, 30, 35, 38, 43, 51, 60, 68, 76, 84, 91, 99, 107)]
EW_STREETS = ["CAPITOL DR", "BURLEIGH ST", "CENTER ST", "LOCUST ST", "NORTH AVE", "VLIET ST",
              "WELLS ST", "LISBON AVE", "OKLAHOMA AVE", "LINCOLN AVE", "GOOD HOPE RD",
              "SILVER SPRING DR", "HAMPTON AVE", "FOND DU LAC AVE", "GREENFIELD AVE",
              "MITCHELL ST", "FOREST HOME AVE", "LAYTON AVE", "VILLARD AVE", "KEEFE AVE"]
# Invented names: no Milwaukee Public Schools school, and no MPD officer, is named in the demo.
NAME_FIRST = ["Amber", "Bracken", "Copper", "Dove", "Elder", "Glimmer", "Hollow", "Ivy", "Juniper", "Kestrel",
              "Lark", "Marigold", "Nettle", "Oriole", "Quill"]
NAME_SECOND = ["brook", "mere", "crest", "glen", "vale", "stone", "haven", "holm", "wick", "thorn"]
SURNAMES = ["Ashgrove", "Brindlemoor", "Corrowfield", "Dunmarrow", "Elverly", "Fenwright", "Gallowmere",
            "Hartsmoor", "Ilverton", "Jessamine", "Kettleby", "Lorrimore", "Mirkwell", "Nettlebury", "Orrindale",
            "Pellworth", "Quenby", "Rookhaven", "Sallowby", "Thornquist", "Umberley", "Varrowden", "Wexcombe",
            "Yarrowby", "Zellmore", "Amberlane", "Brackwater", "Cinderby", "Dovecote", "Emberton", "Fallowmere",
            "Greywick", "Hollinsby"]
GRADE_AGES = {  # ages of students in each grade band, and how often each comes up in an incident
    "High School": ([14, 15, 16, 17, 18, 19], [0.12, 0.24, 0.26, 0.22, 0.12, 0.04]),
    "K-8": ([9, 10, 11, 12, 13, 14], [0.04, 0.08, 0.16, 0.24, 0.28, 0.2]),
    "Middle School": ([11, 12, 13, 14], [0.15, 0.3, 0.33, 0.22]),
    "Elementary": ([7, 8, 9, 10, 11], [0.1, 0.15, 0.2, 0.25, 0.3]),
}
ANYTIME_SHARE = 0.35  # calls at school addresses at any hour of any day (nights, weekends, summer)
NATURES_SCHOOL = ["SCHL MONITORING", "TRBL W/JUV", "BATTERY", "FIGHT", "TRBL W/SUBJ",
                  "MISSING PERSON", "SCHL PRESENTATIO", "THEFT", "WELFARE CHK", "SUBJ W/WEAPON",
                  "THREAT", "DISTURBANCE"]
NATURES_CITY = ["TRBL W/SUBJ", "BATTERY DV", "WELFARE CHK", "SHOTSPOTTER", "THEFT",
                "ACC PI", "ACC PD", "RECKLESS DRIVING", "SUBJ W/GUN", "BURGLARY", "NOISE",
                "PARKING", "ENTRY TO AUTO", "SUSPICIOUS VEH", "SHOTS FIRED", "TRBL W/JUV"]
DISPOSITIONS = ["ADVISED", "REPORT TAKEN", "ASSIGNMENT COMPLETED", "GONE ON ARRIVAL",
                "SERVICE IN PROGRESS", "ARREST MADE", "CITATION ISSUED", "CANCELLED", "FILED",
                "REFERRED"]
DISPOSITION_P = [0.24, 0.18, 0.2, 0.08, 0.03, 0.06, 0.05, 0.07, 0.05, 0.04]
RACES = ["B", "Black", "H", "Hispanic", "W", "White", "A", "AI", "P", "M", "U", ""]
RACE_P = [0.3, 0.18, 0.18, 0.1, 0.05, 0.04, 0.045, 0.01, 0.005, 0.04, 0.02, 0.03]
GENDERS = ["M", "male", "F", "Female", "X", "", "U"]
GENDER_P = [0.45, 0.14, 0.28, 0.09, 0.01, 0.02, 0.01]


def _school_days(start: dt.date, end: dt.date) -> pd.DatetimeIndex:
    """Return the weekdays in [start, end] (the demo's school days; holidays thin them)."""
    return pd.bdate_range(start, end)


def schools(rng: np.random.Generator) -> pd.DataFrame:
    """Return about 150 schools; 30 take part (12 anchor high schools first)."""
    n = 150
    names = [f"{NAME_FIRST[i % 15]}{NAME_SECOND[(i // 15 + 3 * (i % 15)) % 10]}" for i in range(n)]
    bands = ["High School"] * 24 + ["K-8"] * 62 + ["Elementary"] * 48 + ["Middle School"] * 16
    used, rows = set(), []
    for i in range(n):
        while True:
            if rng.random() < 0.5:
                street = f"{rng.choice(['N', 'S'])} {ordinal(int(NS_STREETS[rng.integers(len(NS_STREETS))]))} ST"
                number = int(rng.integers(5, 95)) * 100 + int(rng.integers(0, 99))
            else:
                street = f"{rng.choice(['W', 'E'])} {EW_STREETS[rng.integers(len(EW_STREETS))]}"
                number = int(rng.integers(2, 90)) * 100 + int(rng.integers(0, 99))
            if (street, number // 100) not in used:
                used.add((street, number // 100))
                break
        rows.append({"school_id": f"{(i + 1) * 7:04d}", "school_name": f"{names[i]} {bands[i]}",
                     "address": f"{number} {street}", "number": number, "street": street,
                     "grade_band": bands[i]})
    frame = pd.DataFrame(rows)
    # Two schools share one building, as some MPS programs do.
    frame.loc[149, ["address", "number", "street"]] = frame.loc[148, ["address", "number", "street"]].values
    frame["zip"] = [f"532{rng.integers(2, 25):02d}" for _ in range(n)]
    frame["latitude"] = np.round(43.0 + rng.random(n) * 0.15, 5)
    frame["longitude"] = np.round(-88.05 + rng.random(n) * 0.15, 5)
    part = np.zeros(n, dtype=bool)
    part[:12] = True  # anchor high schools
    part[24:42] = True  # mobile coverage
    frame["sro_participating"] = np.where(part, "Yes", "No")
    frame["participation_start"] = np.where(part, "2025-03-17", "")
    frame.loc[24:29, "participation_start"] = "2025-08-25"
    frame.loc[40:41, "participation_start"] = "1/26/2026"  # joined for the spring semester
    frame["participation_end"] = ""
    frame.loc[39, "participation_end"] = "2026-01-23"  # left after the fall semester
    return frame


def officers(rng: np.random.Generator) -> pd.DataFrame:
    """Return the roster of 33 SROs, with the selection breaches a compliance report flags."""
    first = ["A.", "B.", "C.", "D.", "E.", "F.", "G.", "H.", "J.", "K.", "L.", "M."]
    n = 33
    sro_start = ["2025-03-17"] * 25 + ["2025-08-18"] * 4 + ["2025-11-03"] * 4
    service = [dt.date.fromisoformat(s) - dt.timedelta(days=int(d))
               for s, d in zip(sro_start, rng.integers(4 * 365, 22 * 365, n))]
    service[27] = dt.date(2023, 2, 1)  # under three years at sro_start (IV.B.1)
    attendance = ["excellent"] * n
    attendance[30] = "satisfactory"  # IV.B.2
    complaints = [0] * n
    complaints[31] = 1  # IV.B.3
    return pd.DataFrame({
        "officer_id": [f"{4100 + 37 * i:06d}" for i in range(n)],
        "display_name": [f"PO {first[i % 12]} {SURNAMES[i]}" for i in range(n)],
        "rank": ["Police Officer"] * 30 + ["Police Sergeant"] * 3,
        "continuous_service_start": [d.isoformat() for d in service],
        "sro_start": sro_start,
        "sro_end": [""] * 32 + ["2026-06-12"],
        "shift_type": ["day"] * 26 + ["early_power"] * 7,
        "attendance_rating": attendance,
        "sustained_juvenile_complaints": complaints,
    })


def _calls_city(rng: np.random.Generator, n: int, days: pd.DatetimeIndex) -> pd.DataFrame:
    """Return citywide calls at ordinary addresses (most not near any school)."""
    ns = rng.random(n) < 0.5
    street = np.where(
        ns,
        [f"{d} {s} ST" for d, s in zip(rng.choice(["N", "S"], n), rng.choice(NS_STREETS + ["15", "22", "46", "56", "82"], n))],
        [f"{d} {s}" for d, s in zip(rng.choice(["W", "E"], n), rng.choice(EW_STREETS + ["BROWN ST", "KEEFE AVE", "ATKINSON AVE", "TEUTONIA AVE"], n))])
    number = rng.integers(100, 9999, n)
    location = [f"{num} {st}" for num, st in zip(number, street)]
    form = rng.random(n)
    location = np.where(form < 0.35, pd.Series(location) + ",MKE",
                        np.where(form < 0.45, [f"{num // 100 * 100} BLOCK {st}" for num, st in zip(number, street)],
                                 location))
    return pd.DataFrame({"location": location,
                         "nature_of_call": rng.choice(NATURES_CITY, n),
                         "when": rng.choice(days, n), "school_id": "", "anytime": False})


def _school_variant(rng: np.random.Generator, number: int, street: str) -> str:
    """Return a school address the way CAD might write it."""
    spelled = street.replace(" AVE", rng.choice([" AVE", " AV", " AVENUE"])) \
        .replace(" ST", rng.choice([" ST", " STREET", " St."]), 1) if street.endswith(("AVE", "ST")) else street
    forms = [f"{number} {spelled}", f"{number} {spelled},MKE", f"{number} {spelled}, MILWAUKEE, WI",
             f"{number} {spelled} RM {rng.integers(100, 300)}",
             f"{number // 100 * 100} BLOCK {street}", f"{number + int(rng.integers(2, 40))} {street}"]
    return forms[rng.choice(len(forms), p=[0.3, 0.25, 0.1, 0.05, 0.18, 0.12])].upper()


def calls(rng: np.random.Generator, sch: pd.DataFrame, size: int = 60_600) -> pd.DataFrame:
    """Return the citywide CAD export: `size` calls, about one in thirteen at or next to a school."""
    days = pd.date_range(START, AS_OF)
    n_school = size * 46 // 606
    city = _calls_city(rng, size - n_school, days)
    part = sch[sch["sro_participating"] == "Yes"]
    weights = np.where(sch.index.isin(part.index), 6.0, 1.0) * np.where(sch.index < 12, 2.5, 1.0)
    pick = rng.choice(len(sch), n_school, p=weights / weights.sum())
    school_days = _school_days(START, AS_OF)
    at = sch.iloc[pick]
    premise = rng.random(n_school) < 0.4
    anytime = rng.random(n_school) < ANYTIME_SHARE  # a building's alarms, the block at night, weekends, summer
    school = pd.DataFrame({
        "location": [_school_variant(rng, n, s) for n, s in zip(at["number"], at["street"])],
        "nature_of_call": rng.choice(NATURES_SCHOOL, n_school),
        "when": np.where(anytime, rng.choice(days, n_school), rng.choice(school_days, n_school)),
        "school_id": np.where(premise, at["school_id"], ""),
        "anytime": anytime,
    })
    school.loc[school.index[:3], "school_id"] = "9999"  # a premise code CAD has but the registry lacks
    frame = pd.concat([city, school], ignore_index=True)
    frame = frame.sample(frac=1.0, random_state=int(rng.integers(1 << 31))).reset_index(drop=True)
    n = len(frame)
    minutes = rng.normal(13 * 60, 240, n).clip(0, 24 * 60 - 1).astype(int)
    minutes = np.where(frame["anytime"].fillna(False).astype(bool), rng.integers(0, 24 * 60, n), minutes)
    call_at = pd.to_datetime(frame["when"]) + pd.to_timedelta(minutes, unit="min")
    order = np.argsort(call_at.values, kind="stable")
    frame, call_at = frame.iloc[order].reset_index(drop=True), call_at.iloc[order].reset_index(drop=True)
    priority = rng.choice(["1", "2", "3", "4", "5", "6", ""], n, p=[0.05, 0.17, 0.3, 0.25, 0.13, 0.07, 0.03])
    dispatch = call_at + pd.to_timedelta(rng.gamma(2.0, 6.0, n) * 60, unit="s")
    arrival = dispatch + pd.to_timedelta(rng.gamma(2.0, 4.0, n) * 60, unit="s")
    cleared = arrival + pd.to_timedelta(rng.gamma(2.0, 20.0, n) * 60, unit="s")
    no_times = rng.random(n) < 0.04
    fmt = "%Y-%m-%d %H:%M:%S"
    return pd.DataFrame({
        "incident_number": [f"{call_at[i].strftime('%y%j')}{i:06d}" for i in range(n)],
        "call_datetime": call_at.dt.strftime(fmt),
        "location": frame["location"],
        "nature_of_call": frame["nature_of_call"],
        "priority": priority,
        "disposition": rng.choice(DISPOSITIONS, n, p=DISPOSITION_P),
        "school_id": frame["school_id"],
        "district": rng.integers(1, 8, n).astype(str),
        "dispatch_datetime": np.where(no_times, "", dispatch.dt.strftime(fmt)),
        "arrival_datetime": np.where(no_times, "", arrival.dt.strftime(fmt)),
        "cleared_datetime": np.where(no_times, "", cleared.dt.strftime(fmt)),
    })


# Rarer offenses (statute and ordinance numbers as MPD's records write them), with their shares of all actions.
RARE_OFFENSES = {"948.605(2)(a) Poss firearm school zone": 0.02, "943.32(1)(a) Robbery": 0.02,
                 "943.02(1)(a) Arson of building": 0.005, "940.225(3) 3rd deg sexual assault": 0.005,
                 "MCO 106-1.8 Public drinking": 0.02, "961.41(3g)(e) Poss THC": 0.04}


def _offense_details(extra: np.random.Generator, frame: pd.DataFrame) -> pd.DataFrame:
    """Return the actions with rarer offenses, a student ID for most students (a pool, so some come back) and, for
    a few, where the incident happened (the rest are left to the school calendar)."""
    n = len(frame)
    shares = np.array(list(RARE_OFFENSES.values()))
    pick = extra.choice(len(shares) + 1, n, p=[*shares, 1 - shares.sum()])
    rare = np.array([*RARE_OFFENSES, ""])[pick]
    student = (frame["subject_is_student"] == "Y").to_numpy() & (extra.random(n) < 0.75)
    ids = np.char.add("S", extra.integers(100_000, 100_700, n).astype(str).astype("U7"))
    setting = extra.choice(["", "SCHOOL_EVENT", "TRANSPORT", "school hours"], n, p=[0.9, 0.04, 0.03, 0.03])
    return frame.assign(offense=np.where(rare != "", rare, frame["offense"]), student_id=np.where(student, ids, ""),
                        incident_setting=setting)


def enforcement(rng: np.random.Generator, sch: pd.DataFrame, off: pd.DataFrame,
                extra: np.random.Generator | None = None) -> pd.DataFrame:
    """Return arrests, citations and court referrals, most school-related at participating schools.

    `extra` draws what later versions of the data set added (offense numbers, student IDs, settings), so the
    rest of the data set stays as it was."""
    n = 1_400
    part_ids = sch.loc[sch["sro_participating"] == "Yes", "school_id"].to_numpy()
    weights = np.where(np.arange(len(part_ids)) < 12, 3.0, 1.0)
    school_related = rng.random(n) < 0.8
    school = np.where(school_related, rng.choice(part_ids, n, p=weights / weights.sum()), "")
    school = np.where(~school_related & (rng.random(n) < 0.3), rng.choice(sch["school_id"], n), school)
    days = _school_days(START, AS_OF)
    when = pd.to_datetime(rng.choice(days, n)) + pd.to_timedelta(rng.integers(7 * 60, 17 * 60, n), unit="min")
    age = _ages(rng, sch, school)
    age_text = np.where(rng.random(n) < 0.03, "", age.astype(str))
    related = np.where(school_related, rng.choice(["true", "yes", "Y", "1"], n), rng.choice(["false", "no", "N"], n))
    return pd.DataFrame({
        "action_id": [f"E{26000 + i:07d}" for i in range(n)],
        "action_type": rng.choice(["arrest", "citation", "court_referral", "Citation", "ARREST"], n,
                                  p=[0.3, 0.42, 0.18, 0.06, 0.04]),
        "action_datetime": when.strftime("%-m/%-d/%Y %-I:%M %p"),
        "school_related": related,
        "school_id": school,
        "incident_number": "",
        "officer_id": np.where(rng.random(n) < 0.7, rng.choice(off["officer_id"], n), ""),
        "offense": rng.choice(["Disorderly conduct", "Battery", "Theft", "Possession of THC",
                               "Truancy", "Trespass", "Weapon on school grounds", "Criminal damage"], n),
        "subject_age": age_text,
        "subject_gender": rng.choice(GENDERS, n, p=GENDER_P),
        "subject_race": rng.choice(RACES, n, p=RACE_P),
        "subject_is_student": np.where(age < 19, "Y", rng.choice(["Y", "N"], n)),
    }).pipe(lambda f: f if extra is None else _offense_details(extra, f)).sort_values(
        "action_datetime", key=lambda s: pd.to_datetime(s, format="%m/%d/%Y %I:%M %p"),
        kind="stable").reset_index(drop=True)


def _ages(rng: np.random.Generator, sch: pd.DataFrame, school_ids: np.ndarray) -> np.ndarray:
    """Return an age for each person that fits the grades of their school (12-19 where no school is given)."""
    band = pd.Series(school_ids).map(sch.set_index("school_id")["grade_band"]).fillna("")
    ages = rng.choice(np.arange(12, 20), len(band), p=[0.06, 0.1, 0.14, 0.18, 0.2, 0.16, 0.1, 0.06])
    for name, (values, weights) in GRADE_AGES.items():
        at = (band == name).to_numpy()
        ages[at] = rng.choice(values, int(at.sum()), p=weights)
    return ages


def shifts(rng: np.random.Generator, off: pd.DataFrame, days_off: set[dt.date]) -> pd.DataFrame:
    """Return one shift per SRO per school day they worked; leave thins some days below 25."""
    rows = []
    days = [d.date() for d in _school_days(dt.date(2025, 8, 18), AS_OF) if d.date() not in days_off]
    for o in off.itertuples():
        start, end = dt.date.fromisoformat(o.sro_start), (dt.date.fromisoformat(o.sro_end) if o.sro_end else AS_OF)
        for d in days:
            if not (start <= d <= end) or rng.random() < 0.12:
                continue
            if o.shift_type == "day":
                s, e = ("07:30", "16:30") if rng.random() < 0.85 else ("08:00", "17:00")
            else:
                s, e = ("11:00", "21:00") if rng.random() < 0.8 else ("14:00", "00:30")
            rows.append((o.officer_id, d.isoformat(), s, e, "" if rng.random() < 0.9 else o.shift_type))
    return pd.DataFrame(rows, columns=["officer_id", "shift_date", "start_time", "end_time", "shift_type"])


def activities(rng: np.random.Generator, shf: pd.DataFrame, sch: pd.DataFrame) -> pd.DataFrame:
    """Return about two logged activities per shift, at participating schools mostly."""
    part_ids = sch.loc[sch["sro_participating"] == "Yes", "school_id"].to_numpy()
    rep = rng.integers(1, 4, len(shf))
    base = shf.loc[shf.index.repeat(rep), ["officer_id", "shift_date"]].reset_index(drop=True)
    n = len(base)
    kinds = rng.choice(["intervention", "youth_referral", "safety_prevention", "education",
                        "mentoring", "law_enforcement", "other"], n,
                       p=[0.22, 0.1, 0.2, 0.12, 0.16, 0.12, 0.08])
    home = {oid: rng.choice(part_ids, 4, replace=False) for oid in base["officer_id"].unique()}
    school = [rng.choice(home[o]) if rng.random() < 0.92 else "" for o in base["officer_id"]]
    school = _taking_part(sch, school, base["shift_date"], home, base["officer_id"])
    law = kinds == "law_enforcement"
    referral = kinds == "youth_referral"
    return pd.DataFrame({
        "activity_id": [f"A{i + 1:07d}" for i in range(n)],
        "officer_id": base["officer_id"],
        "activity_date": base["shift_date"],
        "activity_type": kinds,
        "school_id": school,
        "incident_report_filed": np.where(law, np.where(rng.random(n) < 0.45, "Y", "N"), ""),
        "incident_number": "",
        "referral_to": np.where(referral, rng.choice(["Youth mentoring program", "After-school club",
                                                      "School social worker", "Family support center",
                                                      "Restorative justice program"], n), ""),
        "in_lieu_of_citation": np.where(referral | (kinds == "intervention"),
                                        np.where(rng.random(n) < 0.3, "yes", "no"), ""),
        "students_involved": rng.integers(0, 12, n).astype(str),
        "hours": np.round(rng.gamma(2.0, 0.6, n).clip(0.25, 6), 2).astype(str),
    })


def _taking_part(sch: pd.DataFrame, school: list[str], dates: pd.Series, home: dict, officer: pd.Series) -> list[str]:
    """Return each activity's school, moved to one of the officer's schools taking part that day (else none)."""
    start = pd.to_datetime(sch["participation_start"].replace("", None), format="mixed")
    end = pd.to_datetime(sch["participation_end"].replace("", None), format="mixed")
    spans = dict(zip(sch["school_id"], zip(start, end)))

    def open_on(sid: str, day: pd.Timestamp) -> bool:
        first, last = spans[sid]
        return (pd.isna(first) or first <= day) and (pd.isna(last) or day <= last)

    out = []
    for sid, day, oid in zip(school, pd.to_datetime(dates), officer):
        if sid and not open_on(sid, day):
            sid = next((h for h in home[oid] if open_on(h, day)), "")
        out.append(sid)
    return out


def use_of_force(rng: np.random.Generator, off: pd.DataFrame, sch: pd.DataFrame) -> pd.DataFrame:
    """Return a few dozen use-of-force reports."""
    n = 38
    part_ids = sch.loc[sch["sro_participating"] == "Yes", "school_id"].to_numpy()
    when = pd.to_datetime(rng.choice(_school_days(START, AS_OF), n)) + pd.to_timedelta(
        rng.integers(8 * 60, 16 * 60, n), unit="min")
    at = rng.choice(part_ids, n)
    return pd.DataFrame({
        "uof_id": [f"UOF{2500 + i}" for i in range(n)],
        "uof_datetime": when.strftime("%Y-%m-%dT%H:%M"),
        "officer_id": rng.choice(off["officer_id"], n),
        "force_type": rng.choice(["Control hold", "Takedown", "Handcuffing resisted", "Taser display"], n,
                                 p=[0.45, 0.25, 0.25, 0.05]),
        "school_id": at,
        "incident_number": "",
        "subject_age": _ages(rng, sch, at).astype(str),
        "subject_gender": rng.choice(["M", "F"], n, p=[0.7, 0.3]),
        "subject_race": rng.choice(["Black", "Hispanic", "White", "Unknown"], n, p=[0.6, 0.25, 0.1, 0.05]),
        "subject_is_student": "yes",
        "subject_injured": rng.choice(["no", "yes"], n, p=[0.85, 0.15]),
        "officer_injured": rng.choice(["no", "yes"], n, p=[0.9, 0.1]),
    })


def training(rng: np.random.Generator, off: pd.DataFrame) -> pd.DataFrame:
    """Return NASRO and MPS training, with a missing certificate, a short course and gaps."""
    topics = ["MPS_CODE_OF_CONDUCT", "MPS_THREAT_ID", "MPS_SECURITY_EOP", "SECLUSION_RESTRAINT",
              "FERPA", "BULLYING", "RESTORATIVE_PRACTICES", "PBIS"]
    rows = []
    for i, o in enumerate(off.itertuples()):
        start = dt.date.fromisoformat(o.sro_start)
        if i != 32:  # the newest officer has no NASRO course on file
            late = 240 if i == 29 else int(rng.integers(-60, 90))
            hours = "32" if i == 26 else "40"
            cert = "" if i in (3, 17) else f"NASRO-{2025}-{1000 + i}"
            rows.append((o.officer_id, "NASRO_BASIC", (start + dt.timedelta(days=late)).isoformat(),
                         hours, cert, "NASRO"))
        for j, topic in enumerate(topics):
            if (i % 11 == 5 and j in (1, 6)) or (i == 20 and j == 4):
                continue
            rows.append((o.officer_id, topic, (start + dt.timedelta(days=int(rng.integers(10, 150)))).isoformat(),
                         "4", "", "MPS"))
    return pd.DataFrame(rows, columns=["officer_id", "course_code", "completion_date", "hours",
                                       "certificate_id", "provider"])


def meetings(rng: np.random.Generator, sch: pd.DataFrame) -> pd.DataFrame:
    """Return monthly safety meetings (one month missed), consultations (a few missed) and panels."""
    rows = []
    for month in pd.date_range("2025-08-01", AS_OF, freq="MS"):
        if month.strftime("%Y-%m") == "2025-12":
            continue  # III.E.1 breach
        rows.append(("mps_safety_monthly", (month + pd.Timedelta(days=int(rng.integers(5, 20)))).date(), "", "mps_staff;mpd"))
    part = sch[sch["sro_participating"] == "Yes"]
    for end, skip in ((dt.date(2026, 1, 23), {"0056", "0203"}), (dt.date(2026, 6, 12), {"0182"})):
        for sid in part["school_id"]:
            if sid in skip:
                continue
            rows.append(("semester_consultation", end - dt.timedelta(days=int(rng.integers(0, 14))), sid, "mps_staff;mpd"))
    rows.append(("selection_panel", dt.date(2025, 2, 20), "", "mps_staff;community;mps_student;mpd"))
    rows.append(("selection_panel", dt.date(2025, 7, 28), "", "mps_staff;community;mps_student;mpd;mpd"))
    rows.append(("selection_panel", dt.date(2025, 10, 14), "", "mps_staff;community;mpd"))  # no student
    frame = pd.DataFrame(rows, columns=["meeting_type", "meeting_date", "school_id", "attendee_roles"])
    frame = frame.sort_values("meeting_date", kind="stable").reset_index(drop=True)
    frame.insert(0, "meeting_id", [f"M{i + 1:04d}" for i in range(len(frame))])
    frame["meeting_date"] = frame["meeting_date"].astype(str)
    return frame


def enrollment(rng: np.random.Generator, sch: pd.DataFrame) -> pd.DataFrame:
    """Return enrollment by school, year and race, near MPS's district-wide shares."""
    shares = {"BLACK": 0.49, "HISPANIC": 0.28, "WHITE": 0.09, "ASIAN": 0.07, "AIAN": 0.006,
              "NHPI": 0.002, "TWO_OR_MORE": 0.05, "UNKNOWN": 0.002}
    rows = []
    for s in sch.itertuples():
        size = int(rng.integers(900, 1700)) if "High" in s.grade_band else int(rng.integers(250, 650))
        mix = rng.dirichlet(np.array(list(shares.values())) * 40)
        for year in ("2025-26", "2026-27"):
            counts = rng.multinomial(size + int(rng.integers(-40, 40)), mix)
            rows += [(s.school_id, year, race, "", int(c)) for race, c in zip(shares, counts)]
    return pd.DataFrame(rows, columns=["school_id", "school_year", "race", "gender", "students"])


def searches(rng: np.random.Generator, act: pd.DataFrame, sch: pd.DataFrame) -> pd.DataFrame:
    """Return a few hundred searches by SROs, at the schools and by the officers of the activity log."""
    n = 420
    logged = act[act["school_id"] != ""]
    pick = rng.integers(0, len(logged), n)  # an officer at a school, on a day they logged activity there
    when = pd.to_datetime(logged["activity_date"].to_numpy()[pick]) + pd.to_timedelta(
        rng.integers(7 * 60 + 30, 16 * 60 + 30, n), unit="min")
    pick = pick[np.argsort(when.to_numpy(), kind="stable")]
    when = when.sort_values()
    at, who = logged["school_id"].to_numpy()[pick], logged["officer_id"].to_numpy()[pick]
    kind = rng.choice(["PERSON", "PROPERTY", "VEHICLE", "person", "Property"], n, p=[0.5, 0.3, 0.05, 0.1, 0.05])
    found = rng.choice(["NOTHING", "WEAPON", "DRUGS", "ALCOHOL", "STOLEN_PROPERTY", "OTHER", ""], n,
                       p=[0.52, 0.06, 0.2, 0.04, 0.06, 0.08, 0.04])
    return pd.DataFrame({
        "search_id": [f"S{31000 + i:06d}" for i in range(n)],
        "search_datetime": when.strftime("%Y-%m-%d %H:%M"),
        "school_id": at,
        "officer_id": who,
        "incident_number": "",
        "search_type": kind,
        "basis": rng.choice(["CONSENT", "REASONABLE_SUSPICION", "PROBABLE_CAUSE", "INCIDENT_TO_ARREST", "WARRANT",
                             "OTHER", ""], n, p=[0.3, 0.34, 0.14, 0.12, 0.01, 0.05, 0.04]),
        "found": found,
        "subject_age": _ages(rng, sch, at).astype(str),
        "subject_gender": rng.choice(GENDERS, n, p=GENDER_P),
        "subject_race": rng.choice(RACES, n, p=RACE_P),
        "subject_is_student": rng.choice(["Y", "N", ""], n, p=[0.9, 0.06, 0.04]),
    })


def assignments(act: pd.DataFrame, off: pd.DataFrame, sch: pd.DataFrame) -> pd.DataFrame:
    """Return the roster of SROs per school: each officer at the schools of most of their logged activity,
    from their start (or the school's joining) to their end (or the school's leaving)."""
    start = pd.to_datetime(sch.set_index("school_id")["participation_start"].replace("", None), format="mixed")
    end = pd.to_datetime(sch.set_index("school_id")["participation_end"].replace("", None), format="mixed")
    logged = act[act["school_id"] != ""].groupby(["officer_id", "school_id"]).size()
    rows = []
    for o in off.itertuples():
        if o.officer_id not in logged.index.get_level_values(0):
            continue
        for sid in logged.loc[o.officer_id].sort_values(ascending=False).index[:2].sort_values():
            first = max(pd.Timestamp(o.sro_start), start[sid]) if pd.notna(start[sid]) else pd.Timestamp(o.sro_start)
            last = [d for d in (pd.Timestamp(o.sro_end) if o.sro_end else pd.NaT, end[sid]) if pd.notna(d)]
            rows.append((o.officer_id, sid, first.date().isoformat(), min(last).date().isoformat() if last else ""))
    return pd.DataFrame(rows, columns=["officer_id", "school_id", "assigned_from", "assigned_to"])


def complaints(rng: np.random.Generator, off: pd.DataFrame, sch: pd.DataFrame) -> pd.DataFrame:
    """Return a few dozen complaints about SROs; those received lately are still open."""
    n = 46
    part_ids = sch.loc[sch["sro_participating"] == "Yes", "school_id"].to_numpy()
    received = pd.DatetimeIndex(np.sort(pd.to_datetime(rng.choice(pd.date_range(START, AS_OF), n)).to_numpy()))
    took = rng.integers(20, 150, n)  # days from received to closed
    closing = received + pd.to_timedelta(took, unit="D")
    closed = closing <= pd.Timestamp(AS_OF)
    return pd.DataFrame({
        "complaint_id": [f"C{2025000 + i}" for i in range(n)],
        "received_date": received.strftime("%Y-%m-%d"),
        "officer_id": np.where(rng.random(n) < 0.85, rng.choice(off["officer_id"], n), ""),
        "school_id": np.where(rng.random(n) < 0.9, rng.choice(part_ids, n), ""),
        "category": rng.choice(["CONDUCT", "FORCE", "BIAS", "SEARCH", "OTHER"], n, p=[0.4, 0.2, 0.15, 0.15, 0.1]),
        "source": rng.choice(["FPC", "MPD", "MPS", "OTHER"], n, p=[0.4, 0.25, 0.3, 0.05]),
        "status": np.where(closed, "CLOSED", "OPEN"),
        "finding": np.where(closed, rng.choice(["SUSTAINED", "NOT_SUSTAINED", "EXONERATED", "UNFOUNDED", "WITHDRAWN"],
                                               n, p=[0.15, 0.35, 0.2, 0.2, 0.1]), ""),
        "closed_date": np.where(closed, closing.strftime("%Y-%m-%d"), ""),
    })


def build(seed: int = SEED) -> dict[str, pd.DataFrame]:
    """Return every table of the demo data set as text frames, as an export would hold them."""
    from sro_reporting.params import load_school_year

    rng = np.random.default_rng(seed)
    days_off = set(load_school_year("2025-26").days_off) | set(load_school_year("2026-27").days_off)
    sch = schools(rng)
    off = officers(rng)
    shf = shifts(rng, off, days_off)
    tables = {
        "schools": sch.drop(columns=["number", "street"]),
        "officers": off,
        "calls_for_service": calls(rng, sch),
        "enforcement": enforcement(rng, sch, off, np.random.default_rng([seed, 118124])),
        "shifts": shf,
        "activities": activities(rng, shf, sch),
        "use_of_force": use_of_force(rng, off, sch),
        "training": training(rng, off),
        "meetings": meetings(rng, sch),
        "enrollment": enrollment(rng, sch),
    }
    extra = np.random.default_rng([seed, 3])  # the v3 tables draw apart: the tables above stay as they were
    tables["searches"] = searches(extra, tables["activities"], sch)
    tables["assignments"] = assignments(tables["activities"], off, sch)
    tables["complaints"] = complaints(extra, off, sch)
    return tables


def write(directory: Path, seed: int = SEED) -> dict[str, int]:
    """Write the demo data set as CSV files into `directory`; return the rows per table."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / SYNTHETIC_MARKER).write_text(MARKER_TEXT)
    written = {}
    for name, frame in build(seed).items():
        frame.to_csv(directory / f"{name}.csv", index=False, lineterminator="\n")
        written[name] = len(frame)
    return written
