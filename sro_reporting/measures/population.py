"""Participation and population: which schools a period's tables list and what every count covers.

One definition for every report. A count covers every record of its kind in the period (calls for
service only at schools of the program); a record at a school on a day the school takes part counts
for that school (contract v3: from the day it joins to the day it leaves); every other record counts
in a row of its own, so every table adds to its total.
"""

from __future__ import annotations

import pandas as pd

from sro_reporting.linking.schools import participating, participation_notes, takes_part_on
from sro_reporting.measures.annual import priority_label
from sro_reporting.params import Span
from sro_reporting.periods import in_span
from sro_reporting.reading.dataset import DataSet
from sro_reporting.reading.validate import id_hint

PARTICIPATION_DEFINITION = (
    "A school takes part in a period when the school registry marks it as taking part in the SRO program "
    "and, where participation dates are given, it takes part on at least one day of the period. A record "
    "(a call, an arrest, citation or court referral, an activity, a use of force) counts for a school only "
    "on the days it takes part, from the day it joined to the day it left, both included; a record at the "
    "school before it joined or after it left counts in the row \"at a school not taking part\". A join or "
    "leave inside the period is stated with its date. Where a school did not take part in a period being "
    "compared, that period shows \"not taking part\", not zeros.")
POPULATION_DEFINITION = (
    "Calls for service: CAD calls linked to a school of the SRO program (one the registry marks as taking "
    "part); calls linked to no school or to a school outside the program are not program calls. "
    "School-related arrests, citations and court referrals, SRO activities and use of force: every record "
    "of the period. A record at a school on a day it takes part counts for that school; every other "
    "record counts in a row of its own (at a school not taking part on the record's day, at a school ID not "
    "in the list of schools, or no school recorded), so every table adds to its total. The district average "
    "is over the schools taking part only.")

NOT_TAKING_PART = "At a school not taking part in the period"
UNKNOWN_SCHOOL = "At a school ID not in the list of schools"
NO_SCHOOL = "No school recorded"
ELSEWHERE = (NOT_TAKING_PART, UNKNOWN_SCHOOL, NO_SCHOOL)
TOTAL = "Total"
MEASURES = {
    "calls": "Calls for service", "arrests": "School-related arrests", "citations": "School-related citations",
    "court_referrals": "School-related court referrals", "activities": "SRO activities logged",
    "youth_referrals": "Youth referrals", "alternatives": "Alternatives to citation",
    "use_of_force": "Use-of-force incidents",
}
DATES = {"calls": "call_datetime", "actions": "action_datetime", "activities": "activity_date",
         "force": "uof_datetime"}  # the day each kind of record is counted on
ACTIONS = {"arrests": "arrest", "citations": "citation", "court_referrals": "court_referral"}


class UnmatchedInputError(RuntimeError):
    """A report's key input refers to schools, and none of its references is a known school."""


def place(school_id: pd.Series, when: pd.Series, schools: pd.DataFrame, span: Span) -> pd.Series:
    """Return where each record counts: its school_id where the school takes part on the record's day, else its row.

    >>> import datetime as dt
    >>> schools = pd.DataFrame({"school_id": ["1", "2", "3"], "sro_participating": [True, False, True],
    ...     "participation_start": pd.to_datetime([None, None, "2025-09-15"]), "participation_end": [pd.NaT] * 3})
    >>> span = Span(start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 30))
    >>> when = pd.Series(pd.to_datetime(["2025-09-02"] * 5 + ["2025-09-15"]))
    >>> place(pd.Series(["1", "2", "9", None, "3", "3"]), when, schools, span).tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    ['1', 'At a school not taking part in the period', 'At a school ID not in the list of schools',
     'No school recorded', 'At a school not taking part in the period', '3']
    """
    part = participating(schools, span.start, span.end)["school_id"]
    known = school_id.isin(schools["school_id"])
    on = school_id.isin(part) & takes_part_on(school_id, when, schools)
    out = school_id.where(on, UNKNOWN_SCHOOL)
    out = out.mask(known & ~on, NOT_TAKING_PART)
    return out.mask(school_id.isna(), NO_SCHOOL).astype("str")


def at_school(records: pd.DataFrame, when: str, schools: pd.DataFrame, span: Span, school_id: str) -> pd.DataFrame:
    """Return the records that count for one school in the period's tables: at it, on a day it takes part.

    >>> import datetime as dt
    >>> schools = pd.DataFrame({"school_id": ["1"], "sro_participating": [True],
    ...     "participation_start": pd.to_datetime(["2025-09-15"]), "participation_end": [pd.NaT]})
    >>> acts = pd.DataFrame({"school_id": ["1", "1"], "activity_date": pd.to_datetime(["2025-09-02", "2025-09-16"])})
    >>> len(at_school(acts, "activity_date", schools, Span(start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 30)), "1"))
    1
    """
    return records[place(records["school_id"], records[when], schools, span) == school_id]


def _in_program(calls: pd.DataFrame, schools: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return the period's calls linked to a school of the program."""
    program = schools.loc[schools["sro_participating"].fillna(False), "school_id"]
    return calls[calls["linked_school_id"].isin(program) & in_span(calls["call_datetime"], span)]


def _placed_calls(found: pd.DataFrame, schools: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return program calls with `school_id`, `place` and `priority_label`."""
    found = found.drop(columns="school_id", errors="ignore").assign(school_id=found["linked_school_id"])
    return found.assign(place=place(found["school_id"], found["call_datetime"], schools, span),
                        priority_label=priority_label(found["priority"]))


def program_calls(calls: pd.DataFrame, schools: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return the period's calls linked to a school of the program, with `school_id`, `place` and `priority_label`.

    >>> import datetime as dt
    >>> schools = pd.DataFrame({"school_id": ["1", "2", "3"], "sro_participating": [True, True, False],
    ...     "participation_start": [pd.NaT] * 3, "participation_end": pd.to_datetime([None, "2025-08-31", None])})
    >>> calls = pd.DataFrame({"linked_school_id": ["1", "2", "3", None],
    ...     "call_datetime": pd.to_datetime(["2025-09-02"] * 4), "priority": pd.array([1] * 4, dtype="Int64")})
    >>> program_calls(calls, schools, Span(start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 30)))["place"].tolist()
    ['1', 'At a school not taking part in the period']
    """
    return _placed_calls(_in_program(calls, schools, span), schools, span)


def _records(data: DataSet, span: Span, calls: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Return the records each count covers in the period: calls (of `calls`, the data's), actions, activities, force."""
    enf = data.enforcement
    return {"calls": _in_program(calls, data.schools, span),
            "actions": enf[enf["school_related"].fillna(False) & in_span(enf["action_datetime"], span)],
            "activities": data.activities[in_span(data.activities["activity_date"], span)],
            "force": data.use_of_force[in_span(data.use_of_force["uof_datetime"], span)]}


def counted(data: DataSet, span: Span) -> dict[str, pd.DataFrame]:
    """Return the records each count covers in the period, each with its `place`: calls, actions, activities, force."""
    found = _records(data, span, data.calls)
    placed = {"calls": _placed_calls(found.pop("calls"), data.schools, span)}
    for name, frame in found.items():
        placed[name] = frame.assign(place=place(frame["school_id"], frame[DATES[name]], data.schools, span))
    return placed


def _measured(found: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Return the records of each measure of `MEASURES`."""
    actions, acts = found["actions"], found["activities"]
    out = {"calls": found["calls"]}
    for measure, code in ACTIONS.items():
        out[measure] = actions[actions["action_type"] == code]
    out["activities"] = acts
    out["youth_referrals"] = acts[acts["activity_type"] == "youth_referral"]
    out["alternatives"] = acts[acts["in_lieu_of_citation"].fillna(False)]
    out["use_of_force"] = found["force"]
    return out


def _counts(found: dict[str, pd.DataFrame]) -> dict[str, pd.Series]:
    """Return each measure's count per place."""
    return {measure: rows["place"].value_counts() for measure, rows in _measured(found).items()}


def totals(data: DataSet, span: Span) -> dict[str, int]:
    """Return each measure's count in the period: the Total row of `by_place`, with no record placed.

    Every record counts in some row of `by_place` (a school taking part, or a row of `ELSEWHERE`).
    """
    found = _records(data, span, data.calls[["linked_school_id", "call_datetime"]])  # counted, not copied whole
    return {measure: len(rows) for measure, rows in _measured(found).items()}


def place_rows(counts: pd.DataFrame, schools: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return counts indexed by place as rows: schools taking part, the rows of `ELSEWHERE`, then `Total`.

    Every school taking part is listed (zeros included, with how it took part); every count column adds
    down to the total. The last column, `row`, says what a row is (`school`, `elsewhere`, `total`): the
    rows after the schools have no school_id, so keep `row == "school"` before merging two tables by
    school_id (a report shows no `row` column).

    >>> import datetime as dt
    >>> schools = pd.DataFrame({"school_id": ["1"], "school_name": ["A"], "sro_participating": [True],
    ...     "participation_start": [pd.NaT], "participation_end": [pd.NaT]})
    >>> counts = pd.DataFrame({"n": [2, 1]}, index=["1", NO_SCHOOL])
    >>> place_rows(counts, schools, Span(start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 30)))["n"].tolist()
    [2, 0, 0, 1, 3]
    >>> place_rows(counts, schools, Span(start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 30)))["row"].tolist()
    ['school', 'elsewhere', 'elsewhere', 'elsewhere', 'total']
    """
    part = participating(schools, span.start, span.end)
    table = counts.reindex(index=[*part["school_id"], *ELSEWHERE]).fillna(0).astype("int64")
    table.loc[TOTAL] = table.sum()
    names = dict(zip(part["school_id"], part["school_name"]))
    out = table.rename_axis("key").reset_index()
    out.insert(0, "school_id", out["key"].where(out["key"].isin(names)))
    out.insert(1, "school_name", out["key"].map(names).astype("str").fillna(out["key"]))  # no school: all NaN
    out.insert(2, "participation", out["key"].map(participation_notes(schools, span.start, span.end)))
    kind = out["key"].map(lambda key: "school" if key in names else "total" if key == TOTAL else "elsewhere")
    return out.drop(columns="key").assign(row=kind.astype("str"))


def by_place(data: DataSet, span: Span) -> pd.DataFrame:
    """Return every measure of `MEASURES` at each school taking part, in the rows for the rest, and in total.

    Made once per data set and period (`DataSet.derived`): a school packet asks for its periods several times, and a
    warm kernel makes one packet after another from the same data set.
    """
    sources = (data.calls, data.schools, data.enforcement, data.activities, data.use_of_force)
    kept = data.derived.get(("by_place", span))
    if kept is None or any(a is not b for a, b in zip(kept[0], sources)):
        counts = pd.DataFrame(_counts(counted(data, span))).reindex(columns=list(MEASURES))
        kept = data.derived[("by_place", span)] = (sources, place_rows(counts, data.schools, span))
    return kept[1].copy(deep=False)  # a caller's change to it (copy-on-write) leaves the kept table as it is


MEASURE_DATES = {"calls": "call_datetime", **{m: "action_datetime" for m in ACTIONS}, "activities": "activity_date",
                 "youth_referrals": "activity_date", "alternatives": "activity_date", "use_of_force": "uof_datetime"}


def outside_windows(data: DataSet, span: Span, school_id: str | None = None) -> pd.DataFrame:
    """Return the records of the period at a school of the program before it joined or after it left (or one
    school's): every measure per school and side, the part of the row `NOT_TAKING_PART` those schools make.

    Each school's rows read `before it joined 2026-01-26` or `after it left 2026-01-23`.
    """
    registry = data.schools.drop_duplicates("school_id").set_index("school_id")
    program = registry.index[registry["sro_participating"].fillna(False).astype(bool)]
    parts = []
    for measure, rows in _measured(counted(data, span)).items():
        out = rows[(rows["place"] == NOT_TAKING_PART) & rows["school_id"].isin(program)]
        if school_id is not None:
            out = out[out["school_id"] == school_id]
        start = out["school_id"].map(registry["participation_start"])
        end = out["school_id"].map(registry["participation_end"])
        before = out[MEASURE_DATES[measure]].dt.normalize() < start
        when = ("before it joined " + start.dt.strftime("%Y-%m-%d")).where(
            before, "after it left " + end.dt.strftime("%Y-%m-%d"))
        parts.append(pd.DataFrame({"school_id": out["school_id"], "when": when, "measure": measure}))
    found = pd.concat(parts, ignore_index=True)
    table = pd.crosstab([found["school_id"], found["when"]], found["measure"]) if len(found) else \
        pd.DataFrame(index=pd.MultiIndex.from_tuples([], names=["school_id", "when"]))
    table = table.reindex(columns=list(MEASURES), fill_value=0).astype("int64").reset_index()
    table.insert(1, "school_name", table["school_id"].map(registry["school_name"]))
    return table


def schools_only(table: pd.DataFrame) -> pd.DataFrame:
    """Return the rows of a `by_place` table that are schools taking part."""
    return table[table["row"] == "school"]


def require_matched(data: DataSet, names: list[str] | tuple[str, ...], report: str) -> None:
    """Raise `UnmatchedInputError` where a key input refers to schools and none is known, or no call links.

    Such a report would show zeros that are not true.
    """
    known = data.schools["school_id"]
    for name in names:
        table = data.tables[name]
        if name == "calls_for_service":
            if len(table) and table["linked_school_id"].isna().all():
                raise UnmatchedInputError(
                    f"report {report!r} cannot be made: none of the {len(table):,} calls for service links to "
                    "a school in schools (by premise school_id, address or hundred-block); check that the two "
                    "exports cover the same city and schools")
            continue
        if "school_id" not in table.columns or name == "schools":
            continue
        given = table["school_id"].dropna()
        if len(given) and not given.isin(known).any():
            raise UnmatchedInputError(
                f"report {report!r} cannot be made: none of the {len(given):,} school_id values in {name} is in "
                f"schools (for example {given.iloc[0]!r}). {id_hint(given, known)}")
