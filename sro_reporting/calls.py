"""Calls for service at schools beyond III.F: response times, months, natures of call (III.E.1)."""

from __future__ import annotations

import pandas as pd

from sro_reporting.annual import PRIORITIES

RESPONSE_DEFINITION = (
    "Response time: minutes from the call to the first unit's arrival. Dispatch delay: from the call "
    "to dispatch. Calls without both times are not timed; the table says how many were timed.")


def response_times(found: pd.DataFrame) -> pd.DataFrame:
    """Return per priority: calls, calls timed, median and 90th-percentile minutes to dispatch and arrival.

    >>> import pandas as pd
    >>> t = pd.Timestamp("2025-09-02 08:00")
    >>> found = pd.DataFrame({"priority_label": ["1", "1"], "call_datetime": [t, t],
    ...     "dispatch_datetime": [t + pd.Timedelta(minutes=2), pd.NaT],
    ...     "arrival_datetime": [t + pd.Timedelta(minutes=9), pd.NaT]})
    >>> response_times(found)[["priority", "calls", "timed", "median_response_min"]].values.tolist()
    [['1', 2, 1, 9.0]]
    """
    minutes = found.assign(
        dispatch=(found["dispatch_datetime"] - found["call_datetime"]).dt.total_seconds() / 60,
        response=(found["arrival_datetime"] - found["call_datetime"]).dt.total_seconds() / 60,
    )
    minutes = minutes.assign(timed=minutes["response"].notna())
    grouped = minutes.groupby("priority_label")
    out = pd.DataFrame({
        "calls": grouped.size(),
        "timed": grouped["timed"].sum(),
        "median_dispatch_min": grouped["dispatch"].median(),
        "median_response_min": grouped["response"].median(),
        "p90_response_min": grouped["response"].quantile(0.9),
    }).reindex(list(PRIORITIES))
    out = out[out["calls"].fillna(0) > 0].rename_axis("priority").reset_index()
    return out.astype({"calls": "int64", "timed": "int64"}).round(1)


def by_month(found: pd.DataFrame) -> pd.DataFrame:
    """Return calls per calendar month.

    >>> import pandas as pd
    >>> found = pd.DataFrame({"call_datetime": pd.to_datetime(["2025-09-02", "2025-09-30", "2025-10-01"])})
    >>> by_month(found).values.tolist()
    [['2025-09', 2], ['2025-10', 1]]
    """
    return (found.assign(month=found["call_datetime"].dt.strftime("%Y-%m"))
                 .groupby("month").size().rename("calls").reset_index())


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
