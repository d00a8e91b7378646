"""Complaints about SROs (contract v3, section 3a): received and closed, by category, source and finding.

The detail of a complaint stays with MPD; what is counted here is public.
"""

from __future__ import annotations

import pandas as pd

from sro_reporting.measures.population import TOTAL
from sro_reporting.params import Span
from sro_reporting.periods import in_span
from sro_reporting.reading.codes import COMPLAINT_CATEGORY, COMPLAINT_FINDING, COMPLAINT_SOURCE, CodeSet

DEFINITION = ("A complaint about an SRO, whoever received it (the Fire and Police Commission, MPD, MPS "
              "or another). Received: dated in the period by the day it was received. Closed: closed in the period "
              "(whenever it was received), by the day it was closed. Open at the end: received by the period's "
              "last day and not closed by then.")


def _count(values: pd.Series, codes: CodeSet) -> pd.Series:
    """Return counts by each code's label, every code listed."""
    return values.map(codes.label).value_counts().reindex([codes.label(c) for c in codes.codes], fill_value=0)


def closing_recorded(complaints: pd.DataFrame) -> bool:
    """Return whether the export records when complaints were closed (any closed one has a date)."""
    return bool(complaints["closed_date"].notna().any())


def by_category(complaints: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return complaints received, closed and open at the period's end, by category, with a total row.

    Closed and open are blank where the export records no closing date at all (not collected, not zero).

    >>> import datetime as dt
    >>> c = pd.DataFrame({"received_date": pd.to_datetime(["2025-12-20", "2026-01-10", "2026-02-01"]),
    ...     "category": ["FORCE", "FORCE", "BIAS"], "status": ["CLOSED", "OPEN", "CLOSED"],
    ...     "closed_date": pd.to_datetime(["2026-01-15", None, "2026-04-02"])})
    >>> t = by_category(c, Span(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))).set_index("category")
    >>> t.loc[["Use of force", "Bias", "Total"]].values.tolist()
    [[1, 1, 1], [1, 0, 1], [2, 1, 2]]
    """
    end = pd.Timestamp(span.end)
    received = complaints[in_span(complaints["received_date"], span)]
    out = pd.DataFrame({"received": _count(received["category"], COMPLAINT_CATEGORY)})
    if closing_recorded(complaints):
        closed = complaints[complaints["closed_date"].notna() & in_span(complaints["closed_date"], span)]
        still = (complaints["received_date"] <= end) & (complaints["status"].eq("OPEN")
                                                        | (complaints["closed_date"] > end))
        out["closed"] = _count(closed["category"], COMPLAINT_CATEGORY)
        out["open_at_end"] = _count(complaints.loc[still, "category"], COMPLAINT_CATEGORY)
    else:
        out["closed"] = out["open_at_end"] = pd.NA
    out.loc[TOTAL] = out.sum(min_count=1)
    return out.astype("Int64").rename_axis("category").reset_index()


def received_by_source(complaints: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return the complaints received in the period by where they were received, with a total row.

    >>> import datetime as dt
    >>> c = pd.DataFrame({"received_date": pd.to_datetime(["2026-01-10"] * 2), "source": ["FPC", "FPC"]})
    >>> received_by_source(c, Span(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))).values.tolist()[0]
    ['Fire and Police Commission', 2]
    """
    received = complaints[in_span(complaints["received_date"], span)]
    out = pd.DataFrame({"received": _count(received["source"], COMPLAINT_SOURCE)})
    out.loc[TOTAL] = out.sum()
    return out.astype("int64").rename_axis("source").reset_index()


def closed_by_finding(complaints: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return the complaints closed in the period by finding (`Not recorded` where none is given), with a total row."""
    closed = complaints[complaints["closed_date"].notna() & in_span(complaints["closed_date"], span)]
    out = pd.DataFrame({"closed": _count(closed["finding"], COMPLAINT_FINDING)})
    out.loc["Not recorded"] = int(closed["finding"].isna().sum())
    out.loc[TOTAL] = out.sum()
    return out.astype("int64").rename_axis("finding").reset_index()
