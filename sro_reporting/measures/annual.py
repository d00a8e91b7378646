"""The data MPD gives MPS every year (SOI III.F), exactly as contract section 4 names it."""

from __future__ import annotations

import pandas as pd

from sro_reporting.linking.schools import LINK_TYPES, participating, takes_part_on
from sro_reporting.params import Span
from sro_reporting.periods import in_span

PRIORITIES = ("1", "2", "3", "4", "5", "6", "not recorded")


def priority_label(priority: pd.Series) -> pd.Series:
    """Return CAD priority as text `1`..`6`, or `not recorded` where blank."""
    return priority.astype("Int64").astype("str").fillna("not recorded")


def school_calls(calls: pd.DataFrame, schools: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return the linked calls of `span` at schools taking part on the call's day, with the school's name."""
    part = participating(schools, span.start, span.end)[["school_id", "school_name"]]
    linked = calls[calls["linked_school_id"].notna() & in_span(calls["call_datetime"], span)]
    linked = linked[takes_part_on(linked["linked_school_id"], linked["call_datetime"], schools)]
    out = linked.merge(part, left_on="linked_school_id", right_on="school_id",
                       suffixes=("_cad", ""), how="inner")
    return out.assign(priority_label=priority_label(out["priority"]))


def calls_by_priority_disposition(calls: pd.DataFrame, schools: pd.DataFrame,
                                  span: Span) -> pd.DataFrame:
    """III.F.1: calls at each participating school by priority and disposition.

    Every linked call counts once, whatever its link type; rows with no calls are left out.

    >>> import pandas as pd, datetime as dt
    >>> schools = pd.DataFrame({"school_id": ["1"], "school_name": ["A"],
    ...     "sro_participating": [True], "participation_start": [pd.NaT],
    ...     "participation_end": [pd.NaT]})
    >>> calls = pd.DataFrame({"linked_school_id": ["1", "1", None],
    ...     "call_datetime": pd.to_datetime(["2025-09-02 08:00"] * 3),
    ...     "priority": pd.array([2, None, 2], dtype="Int64"),
    ...     "disposition": ["ADVISED", "ADVISED", "ADVISED"]})
    >>> span = Span(start=dt.date(2025, 7, 1), end=dt.date(2026, 6, 30))
    >>> calls_by_priority_disposition(calls, schools, span)["calls"].tolist()
    [1, 1]
    """
    found = school_calls(calls, schools, span)
    table = (found.groupby(["school_id", "school_name", "priority_label", "disposition"])
                  .size().rename("calls").reset_index()
                  .rename(columns={"priority_label": "priority"}))
    table = table[table["calls"] > 0]
    order = table["priority"].map({p: i for i, p in enumerate(PRIORITIES)})
    table = table.assign(_order=order).sort_values(["school_id", "_order", "disposition"])
    return table.drop(columns="_order").reset_index(drop=True).astype({"calls": "int64"})


def arrests_citations_by_school(enforcement: pd.DataFrame, schools: pd.DataFrame,
                                span: Span) -> pd.DataFrame:
    """III.F.2: school-related arrests and citations at every participating school, zeros included.

    An action counts for a school only on a day the school takes part (contract v3).

    >>> import pandas as pd, datetime as dt
    >>> schools = pd.DataFrame({"school_id": ["1", "2"], "school_name": ["A", "B"],
    ...     "sro_participating": [True, True], "participation_start": [pd.NaT] * 2,
    ...     "participation_end": [pd.NaT] * 2})
    >>> enf = pd.DataFrame({"action_datetime": pd.to_datetime(["2025-09-02"] * 3),
    ...     "school_related": [True, True, False], "school_id": ["1", "1", "1"],
    ...     "action_type": ["arrest", "citation", "arrest"]})
    >>> span = Span(start=dt.date(2025, 7, 1), end=dt.date(2026, 6, 30))
    >>> arrests_citations_by_school(enf, schools, span).values.tolist()
    [['1', 'A', 1, 1], ['2', 'B', 0, 0]]
    """
    part = participating(schools, span.start, span.end)[["school_id", "school_name"]]
    related = enforcement[enforcement["school_related"].fillna(False)
                          & in_span(enforcement["action_datetime"], span)]
    related = related[takes_part_on(related["school_id"], related["action_datetime"], schools)]
    counts = pd.crosstab(related["school_id"], related["action_type"])
    counts = counts.reindex(columns=["arrest", "citation"], fill_value=0)
    out = part.merge(counts, left_on="school_id", right_index=True, how="left")
    out = out.rename(columns={"arrest": "arrests", "citation": "citations"})
    return out.fillna({"arrests": 0, "citations": 0}).astype({"arrests": "int64", "citations": "int64"})


def link_summary(calls: pd.DataFrame, schools: pd.DataFrame, span: Span) -> pd.DataFrame:
    """Return how the period's calls at participating schools were linked: calls per link type.

    >>> import pandas as pd, datetime as dt
    >>> schools = pd.DataFrame({"school_id": ["1"], "school_name": ["A"], "sro_participating": [True],
    ...     "participation_start": [pd.NaT], "participation_end": [pd.NaT]})
    >>> calls = pd.DataFrame({"linked_school_id": ["1", "1"], "call_datetime": pd.to_datetime(["2025-09-02"] * 2),
    ...     "priority": pd.array([1, 2], dtype="Int64"), "disposition": ["ADVISED"] * 2,
    ...     "link_type": ["premise", "adjacent"]})
    >>> link_summary(calls, schools, Span(start=dt.date(2025, 7, 1), end=dt.date(2026, 6, 30)))["calls"].tolist()
    [1, 0, 1]
    """
    found = school_calls(calls, schools, span)
    counts = found["link_type"].value_counts().reindex(LINK_TYPES, fill_value=0)
    out = counts.rename("calls").rename_axis("link_type").reset_index()
    out["meaning"] = out["link_type"].map(LINK_MEANINGS)
    return out.astype({"calls": "int64"})


def key_figures(calls: pd.DataFrame, enforcement: pd.DataFrame, schools: pd.DataFrame,
                span: Span) -> pd.DataFrame:
    """Return the headline numbers of the III.F data: schools, calls, arrests, citations.

    >>> import pandas as pd, datetime as dt
    >>> schools = pd.DataFrame({"school_id": ["1"], "school_name": ["A"], "sro_participating": [True],
    ...     "participation_start": [pd.NaT], "participation_end": [pd.NaT]})
    >>> calls = pd.DataFrame({"linked_school_id": ["1"], "call_datetime": pd.to_datetime(["2025-09-02"]),
    ...     "priority": pd.array([1], dtype="Int64"), "disposition": ["ADVISED"]})
    >>> enf = pd.DataFrame({"action_datetime": pd.to_datetime(["2025-09-02"]), "school_related": [True],
    ...     "school_id": ["1"], "action_type": ["citation"]})
    >>> key_figures(calls, enf, schools, Span(start=dt.date(2025, 7, 1), end=dt.date(2026, 6, 30)))["value"].tolist()
    [1, 1, 0, 1]
    """
    by_school = arrests_citations_by_school(enforcement, schools, span)
    rows = [
        ("Participating schools", len(by_school)),
        ("Calls for service at participating schools", len(school_calls(calls, schools, span))),
        ("School-related arrests at participating schools", int(by_school["arrests"].sum())),
        ("School-related citations at participating schools", int(by_school["citations"].sum())),
    ]
    return pd.DataFrame(rows, columns=["measure", "value"])


LINK_MEANINGS = {
    "premise": "CAD recorded the school as the call's premise",
    "on_property": "the call's address is the school's address",
    "adjacent": "same street and hundred-block as the school",
}

DEFINITIONS = {
    "Call for service at a school": "a CAD call linked to the school: by the school recorded as "
                                    "the call's premise, else by the call's address being the "
                                    "school's address, else by the same street and hundred-block "
                                    "(the nearest house number wins). Each call counts once.",
    "Priority": "MPD CAD priority, 1 most urgent; 'not recorded' where the export has none.",
    "Disposition": "the CAD disposition or status of the call as recorded.",
    "School-related arrest or citation": "as the U.S. Department of Education's Civil Rights Data "
                                         "Collection defines it: for activity on school grounds, "
                                         "during off-campus school activities (school transport "
                                         "included), or due to a referral by a school official.",
}


def disposition_by_priority(long: pd.DataFrame) -> pd.DataFrame:
    """Return the III.F.1 table laid out for reading: one row per school and disposition, priorities across.

    >>> import pandas as pd
    >>> long = pd.DataFrame({"school_id": ["1", "1"], "school_name": ["A", "A"], "priority": ["1", "not recorded"],
    ...     "disposition": ["ADVISED", "ADVISED"], "calls": [2, 3]})
    >>> disposition_by_priority(long)[["1", "2", "not recorded", "total"]].values.tolist()
    [[2, 0, 3, 5]]
    """
    wide = long.pivot_table(index=["school_id", "school_name", "disposition"], columns="priority",
                            values="calls", aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=list(PRIORITIES), fill_value=0).astype("int64")
    wide["total"] = wide.sum(axis=1)
    return wide.reset_index().rename_axis(columns=None)
