"""Calls for service at schools beyond III.F: response times, months, natures of call (III.E.1)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from sro_reporting.measures.annual import PRIORITIES
from sro_reporting.measures.population import place_rows
from sro_reporting.params import Span
from sro_reporting.periods import month_rows

MIN_TIMED = 10  # fewer timed calls than this get no median or percentile
RESPONSE_DEFINITION = (
    "Response time: minutes from the call to the first unit's arrival. Dispatch delay: from the call to "
    "dispatch. A call is timed when it has both a dispatch and an arrival time; both medians and the 90th "
    "percentile are over the timed calls only, and are left blank where fewer than "
    f"{MIN_TIMED} calls are timed. Times out of order or over a day after the call are data-quality errors "
    "and leave the call untimed.")


def response_times(found: pd.DataFrame) -> pd.DataFrame:
    """Return per priority and for all: calls, calls timed, medians to dispatch and arrival, 90th percentile.

    The statistics are over the timed calls, blank where fewer than `MIN_TIMED` are timed.

    >>> import pandas as pd
    >>> t = pd.Timestamp("2025-09-02 08:00")
    >>> found = pd.DataFrame({"priority_label": ["1"] * 11, "call_datetime": [t] * 11,
    ...     "dispatch_datetime": [t + pd.Timedelta(minutes=2)] * 10 + [t + pd.Timedelta(minutes=1)],
    ...     "arrival_datetime": [t + pd.Timedelta(minutes=9)] * 10 + [pd.NaT]})
    >>> response_times(found)[["priority", "calls", "timed", "median_dispatch_min"]].values.tolist()
    [['1', 11, 10, 2.0], ['All', 11, 10, 2.0]]
    """
    timed = found["dispatch_datetime"].notna() & found["arrival_datetime"].notna()
    minutes = pd.DataFrame({
        "priority": found["priority_label"], "timed": timed,
        "dispatch": ((found["dispatch_datetime"] - found["call_datetime"]).dt.total_seconds() / 60).where(timed),
        "response": ((found["arrival_datetime"] - found["call_datetime"]).dt.total_seconds() / 60).where(timed),
    })
    rows = [(label, minutes[minutes["priority"] == label]) for label in PRIORITIES]
    rows = [(label, part) for label, part in rows if len(part)] + [("All", minutes)]
    out = pd.DataFrame([_times(label, part) for label, part in rows],
                       columns=["priority", "calls", "timed", "median_dispatch_min", "median_response_min",
                                "p90_response_min"])
    return out.astype({"calls": "int64", "timed": "int64"})


def _times(label: str, part: pd.DataFrame) -> tuple:
    """Return one row of `response_times`."""
    timed = int(part["timed"].sum())
    values = (part["dispatch"].median(), part["response"].median(), part["response"].quantile(0.9))
    return (label, len(part), timed, *(round(float(v), 1) if timed >= MIN_TIMED else None for v in values))


def by_month(found: pd.DataFrame, span: Span, as_of: dt.date | None = None) -> pd.DataFrame:
    """Return calls per month of the span, every month listed, with whether it is whole or partial.

    >>> import pandas as pd
    >>> found = pd.DataFrame({"call_datetime": pd.to_datetime(["2026-01-26", "2026-01-30", "2026-03-01"])})
    >>> by_month(found, Span(start=dt.date(2026, 1, 26), end=dt.date(2026, 3, 31))).values.tolist()
    [['2026-01', 'partial: Jan 26-31', 6, 2], ['2026-02', 'whole month', 28, 0], ['2026-03', 'whole month', 31, 1]]
    """
    counts = found["call_datetime"].dt.strftime("%Y-%m").value_counts()
    out = month_rows(span, as_of)
    return out.assign(calls=out["month"].map(counts).fillna(0).astype("int64"))


def by_school_priority(found: pd.DataFrame, schools: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return program calls (`population.program_calls`) by place and priority: each school taking part, the
    rows after the schools and the total, so that the table adds to the key figures' calls.

    >>> import pandas as pd
    >>> schools = pd.DataFrame({"school_id": ["1"], "school_name": ["A"], "sro_participating": [True],
    ...     "participation_start": [pd.NaT], "participation_end": [pd.NaT]})
    >>> found = pd.DataFrame({"place": ["1", "1", "No school recorded"], "priority_label": ["1", "not recorded", "2"]})
    >>> t = by_school_priority(found, schools, Span(start=dt.date(2025, 7, 1), end=dt.date(2026, 6, 30)))
    >>> t[["school_name", "1", "2", "not recorded", "total"]].values.tolist()[0], t["total"].tolist()[-1]
    (['A', 1, 0, 1, 2], 3)
    """
    wide = pd.crosstab(found["place"], found["priority_label"]).reindex(columns=list(PRIORITIES), fill_value=0)
    return place_rows(wide.assign(total=wide.sum(axis=1)), schools, span)


WEAPON_NATURES = ("SUBJ W/WEAPON", "SUBJ W/GUN", "SHOTS FIRED", "SHOTSPOTTER")  # CAD natures that report a weapon


def weapon_calls(found: pd.DataFrame) -> pd.DataFrame:
    """Return the calls (of `population.program_calls`) whose nature reports a weapon, by date.

    >>> import pandas as pd
    >>> found = pd.DataFrame({"call_datetime": pd.to_datetime(["2026-03-02 10:00", "2026-03-01 09:00"]),
    ...     "nature_of_call": ["SUBJ W/GUN", "FIGHT"], "school_id": ["1", "1"]})
    >>> weapon_calls(found)["nature_of_call"].tolist()
    ['SUBJ W/GUN']
    """
    return found[found["nature_of_call"].isin(WEAPON_NATURES)].sort_values("call_datetime")


def by_nature(found: pd.DataFrame, top: int = 10) -> pd.DataFrame:
    """Return the most frequent natures of call, the rest summed as `All other`.

    >>> import pandas as pd
    >>> found = pd.DataFrame({"nature_of_call": ["FIGHT", "FIGHT", "THEFT", "THREAT"]})
    >>> by_nature(found, top=1).values.tolist()
    [['FIGHT', 2], ['All other', 2]]
    """
    counts = found["nature_of_call"].value_counts()
    head = counts.head(top)
    rest = int(counts.iloc[top:].sum())
    out = head.rename("calls").rename_axis("nature_of_call").reset_index()
    if rest:
        out = pd.concat([out, pd.DataFrame({"nature_of_call": ["All other"], "calls": [rest]})],
                        ignore_index=True)
    return out.astype({"calls": "int64"})
