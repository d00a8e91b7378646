"""IDs that lost their leading zeros (Excel reads `0007` as the number 7): restored from the registry, or named.

One rule for every table: a `school_id` is checked against `schools`, an `officer_id` against `officers`.
An ID that is not in the registry but is a registry ID without its leading zeros, and only one such
(`7` for `0007`, never where `07` and `0007` are both registered), is restored, with one line per table.
Where the registry is the file that lost them (other tables hold `0007`, the registry `7`), nothing is
changed and the registry file is named in an error.
"""

from __future__ import annotations

import pandas as pd

from sro_reporting.reading.quality import problem, problems_frame
from sro_reporting.reading.readers import LINE

# Each registry's ID column and the tables that refer to it.
REGISTRIES = {
    "school_id": ("schools", ("calls_for_service", "enforcement", "activities", "use_of_force", "meetings",
                              "enrollment")),
    "officer_id": ("officers", ("enforcement", "activities", "shifts", "use_of_force", "training")),
}
HOW_TO_KEEP = ("as Excel does when it opens an ID column as numbers: export the table again as CSV from the "
               "source system, or format the column as Text before saving the workbook")


def _digits(ids: pd.Series) -> pd.Series:
    """Return whole-number IDs without their leading zeros (other IDs as missing).

    >>> _digits(pd.Series(["0007", "7", "A7", "000"])).tolist()
    ['7', '7', nan, '0']
    """
    whole = ids.where(ids.str.fullmatch(r"\d+").fillna(False).astype(bool))
    return whole.str.lstrip("0").replace("", "0")


def _unique_by_digits(known: pd.Series) -> pd.Series:
    """Return the registry's IDs by their digits, for the digits only one registered ID has."""
    frame = pd.DataFrame({"id": known.to_numpy(), "digits": _digits(known).to_numpy()}).dropna()
    once = frame.drop_duplicates("digits", keep=False)
    return pd.Series(once["id"].to_numpy(), index=once["digits"].to_numpy(), dtype="str")


def _uneven(registry: str, column: str, known: pd.Series, files: dict[str, str]) -> list[dict]:
    """Return a warning where a registry's IDs are whole numbers of different lengths, none with a leading zero:
    the shape of IDs that every file lost the zeros of (nothing else can tell them from IDs that never had any)."""
    lengths = known.str.len()
    if not known.str.fullmatch(r"[1-9]\d*").all() or lengths.nunique() < 2:
        return []
    short, long = known[lengths.idxmin()], known[lengths.idxmax()]
    return [problem(registry, None, column, short,
                    f"{files.get(registry, registry)}: every {column} is a whole number, of {len(short)} to "
                    f"{len(long)} digits ({short!r}, {long!r}), none with a leading zero: if the source system writes "
                    f"them with zeros ({short.zfill(len(long))!r}), they were lost in every file, {HOW_TO_KEEP}; "
                    "reports and their file names use them as written", "warning")]


def restore_zeros(tables: dict[str, pd.DataFrame], files: dict[str, str]) -> tuple[dict[str, pd.DataFrame],
                                                                                  pd.DataFrame]:
    """Return the tables with IDs that lost their leading zeros restored from their registry, and what was found."""
    found = []
    for column, (registry, users) in REGISTRIES.items():
        known = tables[registry][column].dropna()
        if known.empty:
            continue
        found += _uneven(registry, column, known, files)
        unique = _unique_by_digits(known)
        known_digits = set(_digits(known).dropna())
        for name in users:
            ids = tables[name][column]
            unknown = ids.notna() & ~ids.isin(known)
            if not unknown.any():
                continue
            digits = _digits(ids[unknown])
            padded = ids[unknown] != digits  # written with leading zeros
            registry_lost = padded & digits.isin(known_digits)
            if registry_lost.any():
                at = registry_lost.idxmax()
                example = known[_digits(known) == digits[at]].iloc[0]
                found.append(problem(
                    registry, None, column, example,
                    f"{files.get(registry, registry)} lost the leading zeros of its {column} values ({example!r} "
                    f"where {files.get(name, name)} has {ids[at]!r}), {HOW_TO_KEEP}; {name} rows with such IDs "
                    f"match no {registry[:-1]}"))
            restorable = ~padded & digits.isin(unique.index)
            if restorable.any():
                rows = restorable[restorable].index
                restored = digits[rows].map(unique)
                first = rows[0]
                found.append(problem(
                    name, int(tables[name].at[first, LINE]), column, ids[first],
                    f"{len(rows):,} {column} value(s) had lost their leading zeros ({ids[first]!r} for "
                    f"{restored[first]!r}), {HOW_TO_KEEP}; restored from {files.get(registry, registry)}",
                    "warning"))
                tables[name] = tables[name].assign(**{column: ids.mask(ids.index.isin(rows), restored)})
            ambiguous = ~padded & ~digits.isin(unique.index) & digits.isin(known_digits)
            if ambiguous.any():
                first = ambiguous.idxmax()
                found.append(problem(
                    name, int(tables[name].at[first, LINE]), column, ids[first],
                    f"{int(ambiguous.sum()):,} {column} value(s) in {files.get(name, name)} lost their leading "
                    f"zeros and match more than one ID in {files.get(registry, registry)} ({ids[first]!r}), "
                    f"{HOW_TO_KEEP}; they match no {registry[:-1]}"))
    return tables, problems_frame(found)
