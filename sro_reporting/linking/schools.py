"""Linking calls for service to schools (contract section 3) and which schools take part.

Link types, in order: `premise` (CAD's own school_id), `on_property` (the normalized location is
the school's normalized address), `adjacent` (same street and hundred-block). "Smaller
school_id" compares IDs as the strings they are.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sro_reporting.linking.addresses import normalize_distinct, normalize_many
from sro_reporting.reading.quality import problem, problems_frame
from sro_reporting.reading.readers import LINE

LINK_TYPES = ("premise", "on_property", "adjacent")


def school_addresses(schools: pd.DataFrame) -> pd.DataFrame:
    """Return each school's normalized address parts: school_id, number, street, full, hundred."""
    parts = normalize_many(schools["address"])
    out = pd.concat([schools[["school_id", LINE]].reset_index(drop=True),
                     parts[["number", "street", "full"]].reset_index(drop=True)], axis=1)
    out["hundred"] = out["number"] // 100
    return out


def shared_addresses(addresses: pd.DataFrame) -> pd.DataFrame:
    """Return a warning for every school whose normalized address a smaller school_id shares."""
    known = addresses.dropna(subset=["full"]).sort_values("school_id")
    dup = known[known.duplicated("full", keep="first")]
    first = known.drop_duplicates("full").set_index("full")["school_id"]
    return problems_frame([
        problem("schools", row[LINE], "address", row["full"],
                f"address shared with school {first[row['full']]}; its calls go to "
                f"{first[row['full']]}", "warning")
        for _, row in dup.iterrows()
    ])


def _by_premise(calls: pd.DataFrame, known: set[str]) -> tuple[pd.Series, pd.DataFrame]:
    """Return the premise link of each call and a warning per unknown school_id."""
    given = calls["school_id"].notna()
    ok = given & calls["school_id"].isin(known)
    unknown = calls[given & ~ok]
    warnings = problems_frame([
        problem("calls_for_service", line, "school_id", sid,
                "school_id not in schools; linked by address instead", "warning")
        for line, sid in zip(unknown[LINE], unknown["school_id"])
    ])
    return calls["school_id"].where(ok), warnings


def _by_address(parts: pd.DataFrame, addresses: pd.DataFrame) -> pd.Series:
    """Return the on-property link of each place: its normalized address is a school's."""
    first = addresses.dropna(subset=["full"]).sort_values("school_id").drop_duplicates("full")
    return parts["full"].map(first.set_index("full")["school_id"])


def _by_block(parts: pd.DataFrame, addresses: pd.DataFrame) -> pd.Series:
    """Return the adjacent link of each place: same street and hundred-block; nearest number, then smaller id."""
    places = parts.dropna(subset=["number", "street"])[["number", "street"]]
    places = places.assign(hundred=places["number"] // 100, place=places.index)
    uniq = places.drop_duplicates(["number", "street"])
    cand = uniq.merge(addresses.dropna(subset=["number", "street"]),
                      on=["street", "hundred"], suffixes=("", "_school"))
    cand["distance"] = (cand["number"] - cand["number_school"]).abs()
    best = (cand.sort_values(["distance", "school_id"])
                .drop_duplicates(["number", "street"])[["number", "street", "school_id"]])
    linked = places.merge(best, on=["number", "street"], how="left").set_index("place")
    return linked["school_id"].reindex(parts.index)


def _str(cells: pa.Array | pa.ChunkedArray, index: pd.Index) -> pd.Series:
    """Return Arrow text as a pandas text column, uncopied."""
    return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([cells]) if isinstance(cells, pa.Array) else cells),
                     index=index, dtype="str")


Located = tuple[np.ndarray, list[pa.Array]]  # each call's place code; by code, the school of each address rule


def locate(locations: pd.Series, schools: pd.DataFrame) -> Located:
    """Return each location's code and, by code, the school it links to on property and by hundred-block."""
    addresses = school_addresses(schools)
    codes, places = normalize_distinct(locations)  # address rules once per distinct location
    return codes, [pa.array(by_place.astype("str").array, pa.large_string())
                   for by_place in (_by_address(places, addresses), _by_block(places, addresses))]


def link_calls(calls: pd.DataFrame, schools: pd.DataFrame,
               located: Located | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add `linked_school_id` and `link_type` to every call; return the calls and the warnings.

    `located`: `locate` of the calls' locations, row for row, where it was made already (while the calls parse).
    """
    premise, unknown = _by_premise(calls, set(schools["school_id"]))
    codes, by_place = located if located is not None else locate(calls["location"], schools)
    # Each call's school by each rule, taken by Arrow from the distinct places' (a million calls, no Python objects)
    found = [pa.chunked_array(pa.array(premise.array, pa.large_string()))] + [pc.take(rule, codes) for rule in by_place]
    rule = np.select([f.is_valid().to_numpy(zero_copy_only=False) for f in found], [0, 1, 2], len(LINK_TYPES))
    out = calls.assign(linked_school_id=_str(pc.coalesce(*found), calls.index),
                       link_type=_str(pc.take(pa.array([*LINK_TYPES, None], pa.large_string()), rule), calls.index))
    return out, pd.concat([unknown, shared_addresses(school_addresses(schools))], ignore_index=True)


def participating(schools: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Return the schools taking part in the program on some day of [start, end]."""
    start_ts, end_ts = pd.Timestamp(start), pd.Timestamp(end)
    open_start = schools["participation_start"].isna() | (schools["participation_start"] <= end_ts)
    open_end = schools["participation_end"].isna() | (schools["participation_end"] >= start_ts)
    mask = schools["sro_participating"].fillna(False) & open_start & open_end
    return schools[mask].sort_values("school_id").reset_index(drop=True)


def takes_part_on(school_id: pd.Series, when: pd.Series, schools: pd.DataFrame) -> pd.Series:
    """Return whether each record's school takes part in the program on the record's day (contract v3).

    A school takes part from `participation_start` to `participation_end`, both included; a blank date is open.

    >>> schools = pd.DataFrame({"school_id": ["1", "2"], "sro_participating": [True, False],
    ...     "participation_start": pd.to_datetime(["2026-01-26", None]), "participation_end": [pd.NaT] * 2})
    >>> when = pd.to_datetime(["2026-01-23 10:00", "2026-01-26 08:00", "2026-02-02 09:00", None])
    >>> takes_part_on(pd.Series(["1", "1", "2", "1"]), pd.Series(when), schools).tolist()
    [False, True, False, False]
    """
    registry = schools.drop_duplicates("school_id").set_index("school_id")
    day = pd.to_datetime(when).dt.normalize()
    start, end = (school_id.map(registry[c]) for c in ("participation_start", "participation_end"))
    program = school_id.map(registry["sro_participating"]).astype("boolean").fillna(False).astype(bool)
    return (program & day.notna() & (start.isna() | (day >= start)) & (end.isna() | (day <= end))).astype(bool)


def participation_notes(schools: pd.DataFrame, start: dt.date, end: dt.date) -> pd.Series:
    """Return, by school_id, how each school taking part in [start, end] did: `whole period`, `joined ...`.

    A join or leave inside the period is stated with its date (`joined 2026-01-26`, `left 2026-01-23`).

    >>> schools = pd.DataFrame({"school_id": ["1", "2"], "sro_participating": [True, True],
    ...     "participation_start": pd.to_datetime([None, "2026-01-26"]), "participation_end": [pd.NaT] * 2})
    >>> participation_notes(schools, dt.date(2025, 7, 1), dt.date(2026, 6, 30)).tolist()
    ['whole period', 'joined 2026-01-26']
    """
    part = participating(schools, start, end).set_index("school_id")
    joined = part["participation_start"].where(part["participation_start"] > pd.Timestamp(start))
    left = part["participation_end"].where(part["participation_end"] < pd.Timestamp(end))
    notes = [", ".join(f"{word} {day:%Y-%m-%d}" for word, day in (("joined", j), ("left", e)) if pd.notna(day))
             or "whole period" for j, e in zip(joined, left)]
    return pd.Series(notes, index=part.index, name="participation", dtype="str")
