"""Address normalization as the data contract defines it (section 3, linking rules 2 and 3).

A hand-written tokenizer rather than usaddress: the contract fixes the exact rules, CAD's
block form (`1000 BLOCK N 12TH ST`) must be read before any parser sees it, and a CAD export
of a million calls (hundreds of thousands of distinct locations) has to normalize in about a
second. So the clean-up is vectorized (pyarrow's RE2 regular expressions over the distinct texts)
and the street rules run in Python once per distinct street text, of which a city has few.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

DIRECTIONALS = {"NORTH": "N", "SOUTH": "S", "EAST": "E", "WEST": "W",
                "N": "N", "S": "S", "E": "E", "W": "W"}
SUFFIXES = {
    "STREET": "ST", "ST": "ST", "AVENUE": "AVE", "AVE": "AVE", "AV": "AVE",
    "BOULEVARD": "BLVD", "BLVD": "BLVD", "ROAD": "RD", "RD": "RD", "DRIVE": "DR", "DR": "DR",
    "PLACE": "PL", "PL": "PL", "COURT": "CT", "CT": "CT", "PARKWAY": "PKWY", "PKWY": "PKWY",
    "LANE": "LN", "LN": "LN", "TERRACE": "TER", "TER": "TER",
}
WORD_ORDINALS = {
    "FIRST": 1, "SECOND": 2, "THIRD": 3, "FOURTH": 4, "FIFTH": 5, "SIXTH": 6, "SEVENTH": 7,
    "EIGHTH": 8, "NINTH": 9, "TENTH": 10, "ELEVENTH": 11, "TWELFTH": 12, "THIRTEENTH": 13,
    "FOURTEENTH": 14, "FIFTEENTH": 15, "SIXTEENTH": 16, "SEVENTEENTH": 17, "EIGHTEENTH": 18,
    "NINETEENTH": 19, "TWENTIETH": 20,
}
CITY_TOKENS = {"MKE", "MILWAUKEE", "WI", "WISCONSIN", "USA"}
BLOCK_TOKENS = {"BLOCK", "BLK"}
_ZIP = re.compile(r"^\d{5}(\d{4})?$")
# The clean-up, in order, over upper-cased text (RE2 syntax): what is left is the address's
# tokens separated by single spaces.
CLEANUP = (
    (r"(?s),.*", ""),  # everything after the first comma: city, state, ZIP
    (r"\b(\d{5})-\d{4}\b", r"\1"),  # ZIP+4 -> ZIP
    (r"^\s*(\d+)\s*-\s*\d+\b", r"\1"),  # a house-number range: its first number
    (r"(?s)(\s+(APT|APARTMENT|UNIT|STE|SUITE|RM|ROOM|FL|FLOOR|BLDG|BUILDING|LOT|SPC|TRLR|DEPT)\b.*)|(\s*#.*)", ""),
    (r"\.", ""),
    (r"[^A-Z0-9 ]+", " "),
    (r"  +", " "),
)
# A leading house number (`1017`, `1017A`); longer than nine digits it is not one.
HOUSE = r"^(?:(?P<number>\d{1,9})[A-Z]?(?: |$))?(?P<rest>.*)$"


class Address(NamedTuple):
    """A normalized address: house number, street (directional, name, suffix), block form."""

    number: int | None
    street: str | None
    block: bool
    full: str | None  # the comparable whole address; None for block forms and streets alone


def ordinal(n: int) -> str:
    """Return `n` with its English ordinal suffix (12 -> 12TH, 21 -> 21ST)."""
    suffix = "TH" if 10 <= n % 100 <= 20 else {1: "ST", 2: "ND", 3: "RD"}.get(n % 10, "TH")
    return f"{n}{suffix}"


def _street_tokens(tokens: list[str]) -> list[str]:
    """Normalize the pre-directional, suffix, post-directional and ordinals of a street."""
    out = list(tokens)
    if len(out) > 1 and out[0] in DIRECTIONALS:
        out[0] = DIRECTIONALS[out[0]]
    post = len(out) > 2 and out[-1] in DIRECTIONALS and out[-2] in SUFFIXES
    if post:
        out[-1] = DIRECTIONALS[out[-1]]
    at = len(out) - 2 if post else len(out) - 1
    has_suffix = at > 0 and out[at] in SUFFIXES
    if has_suffix:
        out[at] = SUFFIXES[out[at]]
    for i, tok in enumerate(out[:at]):
        if tok in WORD_ORDINALS:
            out[i] = ordinal(WORD_ORDINALS[tok])
        elif has_suffix and tok.isdigit():  # `N 12 ST`; a route number (`HWY 100`) has no suffix
            out[i] = ordinal(int(tok))
    return out


def _clean(texts: pa.Array) -> pa.Array:
    """Return each text's address tokens joined by single spaces (city, ZIP, unit, punctuation gone)."""
    out = pc.utf8_upper(texts)
    for pattern, replacement in CLEANUP:
        out = pc.replace_substring_regex(out, pattern=pattern, replacement=replacement)
    return pc.utf8_trim(out, characters=" ")


def _street(rest: str, numbered: bool) -> tuple[str | None, bool]:
    """Return the normalized street of the tokens after the house number, and whether it is a block form."""
    tokens = rest.split()
    while len(tokens) + numbered > 2 and (tokens[-1] in CITY_TOKENS or _ZIP.match(tokens[-1])):
        tokens.pop()
    block = numbered and bool(tokens) and tokens[0] in BLOCK_TOKENS
    if block:
        tokens = tokens[2:] if tokens[1:2] == ["OF"] else tokens[1:]
    return " ".join(_street_tokens(tokens)) or None, block


def _parse(texts: pa.Array) -> pd.DataFrame:
    """Normalize distinct texts: columns of `Address`, one row per text."""
    split = pc.extract_regex(_clean(texts), HOUSE)
    number = split.field("number")
    numbered = pc.not_equal(number, "")
    keys = pc.binary_join_element_wise(pc.if_else(numbered, "1", "0"), split.field("rest"), "").dictionary_encode()
    streets = [_street(k[1:], k[0] == "1") for k in keys.dictionary.to_pylist()]
    street = pa.array([s for s, _ in streets], pa.string()).take(keys.indices)
    block = pa.array([b for _, b in streets], pa.bool_()).take(keys.indices)
    whole = pc.and_(numbered, pc.invert(block))
    return pd.DataFrame({
        "number": pd.Series(pc.cast(pc.if_else(numbered, number, None), pa.int64()), dtype="Int64"),
        "street": pd.Series(street, dtype="str"),
        "block": block.to_numpy(zero_copy_only=False),
        "full": pd.Series(pc.if_else(whole, pc.binary_join_element_wise(number, street, " "), None), dtype="str"),
    })


def normalize_address(text: object) -> Address:
    """Normalize one address or CAD location as contract section 3 defines it."""
    row = normalize_many(pd.Series([text], dtype=object)).astype(object).iloc[0]
    number, street, block, full = (None if pd.isna(v) else v for v in row)
    return Address(number, street, bool(block), full)


def normalize_distinct(locations: pd.Series) -> tuple[np.ndarray, pd.DataFrame]:
    """Normalize each distinct text once: return every location's code and, by code, the `Address` columns."""
    texts = pa.chunked_array(pa.array(locations.astype("str").array))  # as pandas holds it: not copied
    codes = pc.dictionary_encode(texts, null_encoding="encode")  # one dictionary, every chunk's
    if not codes.num_chunks:
        return np.zeros(0, np.int32), _parse(pa.array([], pa.string()))
    indices = np.concatenate([chunk.indices.to_numpy() for chunk in codes.chunks])
    return indices, _parse(pc.fill_null(codes.chunk(0).dictionary, "").cast(pa.string()))  # the distinct ones only


def normalize_many(locations: pd.Series) -> pd.DataFrame:
    """Normalize a column of addresses; columns of `Address`, on the column's index."""
    codes, parts = normalize_distinct(locations)
    return parts.take(codes).set_index(locations.index)
