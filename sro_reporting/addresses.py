"""Address normalization as the data contract defines it (section 3, linking rules 2 and 3).

A hand-written tokenizer rather than usaddress: the contract fixes the exact rules, CAD's
block form (`1000 BLOCK N 12TH ST`) must be read before any parser sees it, and a CAD export
of a million calls has to normalize in seconds.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import pandas as pd

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
_UNIT = re.compile(
    r"(\s+(APT|APARTMENT|UNIT|STE|SUITE|RM|ROOM|FL|FLOOR|BLDG|BUILDING|LOT|SPC|TRLR|DEPT)\b.*$)|(\s*#.*$)")
_ZIP = re.compile(r"^\d{5}(\d{4})?$")
_HOUSE = re.compile(r"^(\d+)[A-Z]?$")


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


def _tokens(text: str) -> list[str]:
    """Return the street-address tokens: city, state, ZIP, unit and punctuation removed."""
    text = text.upper().split(",")[0]
    text = re.sub(r"\b(\d{5})-\d{4}\b", r"\1", text)
    text = re.sub(r"^\s*(\d+)\s*-\s*\d+\b", r"\1", text)  # a house-number range: its first number
    text = _UNIT.sub("", text)
    tokens = re.sub(r"[^A-Z0-9 ]+", " ", text.replace(".", "")).split()
    while len(tokens) > 2 and (tokens[-1] in CITY_TOKENS or _ZIP.match(tokens[-1])):
        tokens.pop()
    return tokens


def normalize_address(text: object) -> Address:
    """Normalize one address or CAD location as contract section 3 defines it."""
    if not isinstance(text, str) or not text.strip():
        return Address(None, None, False, None)
    tokens = _tokens(text)
    number, block = None, False
    if tokens and (m := _HOUSE.match(tokens[0])):
        number, tokens = int(m.group(1)), tokens[1:]
        if tokens and tokens[0] in BLOCK_TOKENS:
            block, tokens = True, tokens[1:]
            if tokens and tokens[0] == "OF":
                tokens = tokens[1:]
    street = " ".join(_street_tokens(tokens)) or None
    full = f"{number} {street}" if number is not None and street and not block else None
    return Address(number, street, block, full)


def normalize_many(locations: pd.Series) -> pd.DataFrame:
    """Normalize a column of addresses, each distinct text once; columns of `Address`."""
    codes, uniques = pd.factorize(locations.astype("str").fillna(""))
    parsed = pd.DataFrame([normalize_address(u) for u in uniques], columns=Address._fields)
    parsed["number"] = parsed["number"].astype("Int64")
    return parsed.take(codes).set_index(locations.index)
