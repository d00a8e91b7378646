import pandas as pd
import pytest

from sro_reporting.reading.codes import GENDER, RACE, age_band


@pytest.mark.parametrize("raw, code", [
    pytest.param("B", "BLACK", id="race-letter"),
    pytest.param(" black or african american ", "BLACK", id="race-long-any-case"),
    pytest.param("Latino", "HISPANIC", id="race-latino"),
    pytest.param("I", "AIAN", id="race-I-is-AIAN"),
    pytest.param("HP", "NHPI", id="race-HP"),
    pytest.param("M", "TWO_OR_MORE", id="race-M-is-multiracial-not-male"),
    pytest.param("", "UNKNOWN", id="race-blank"),
    pytest.param("unk", "UNKNOWN", id="race-unk"),
])
def test_race_variants(raw, code):
    codes, invalid = RACE.encode(pd.Series([raw]))
    assert codes[0] == code and not invalid[0]


def test_unknown_code_is_flagged_not_other():
    codes, invalid = RACE.encode(pd.Series(["Martian", "W"]))
    assert invalid.tolist() == [True, False]
    assert pd.isna(codes[0]) and codes[1] == "WHITE"


@pytest.mark.parametrize("raw, code", [("female", "F"), ("Non-Binary", "X"), ("", "U"), ("M", "M")])
def test_gender_variants(raw, code):
    assert GENDER.encode(pd.Series([raw]))[0][0] == code


def test_age_band_edges():
    ages = pd.Series([0, 11, 12, 14, 15, 16, 17, 18, 45, None], dtype="Int64")
    assert age_band(ages).tolist() == ["0-11", "0-11", "12-14", "12-14", "15-16", "15-16", "17",
                                       "18+", "18+", "unknown"]
