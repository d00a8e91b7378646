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


@pytest.mark.parametrize("column, raw, read", [
    pytest.param("disposition", "ARREST MADE - JUVENILE KAYLA ZYXWV", "OTHER", id="disposition-with-a-name"),
    pytest.param("disposition", "Unable to Locate", "UNABLE TO LOCATE COMPLAINANT", id="disposition-cut-at-16"),
    pytest.param("disposition", "city citation(s) issued", "CITY CITATION(S) ISSUED", id="disposition-city-feed"),
    pytest.param("nature_of_call", "SCHL PRESENTATIO", "SCHL PRESENTATIO", id="nature-as-cad-cuts-it"),
    pytest.param("nature_of_call", "JORDAN ZYXWV FIGHTING", "OTHER", id="nature-free-text"),
])
def test_call_text_is_read_into_a_code_set_and_other_text_only_logged(tmp_path, column, raw, read):
    from sro_reporting.reading.readers import read_table
    from sro_reporting.reading.tables import CALLS
    from sro_reporting.reading.validate import clean_table

    row = {"incident_number": "C1", "call_datetime": "2025-09-02 08:00", "location": "1 N 1ST ST",
           "nature_of_call": "TRBL W/JUV", "disposition": "ADVISED", column: raw}
    pd.DataFrame([row]).to_csv(tmp_path / "calls_for_service.csv", index=False)
    clean, problems = clean_table(read_table(tmp_path / "calls_for_service.csv", CALLS))
    assert clean[column].tolist() == [read]
    if read == "OTHER":
        assert problems[["line", "column", "value", "severity"]].values.tolist() == [[2, column, raw, "warning"]]
        assert problems["rule"].iloc[0] == f"not in the {column} code set; read as OTHER"
    else:
        assert problems.empty


@pytest.mark.parametrize("raw, read", [
    pytest.param("Takedown of student Jordan Zyxwv", "Other", id="free-text-with-a-name"),
    pytest.param(" take-down ", "Takedown", id="variant"),
    pytest.param("PEPPER SPRAY", "OC spray", id="variant-any-case"),
])
def test_force_types_are_read_into_their_code_set(raw, read):
    from sro_reporting.reading.codes import FORCE_TYPE

    codes, unknown = FORCE_TYPE.encode(pd.Series([raw]))
    assert codes.fillna(FORCE_TYPE.other).tolist() == [read] and unknown.tolist() == [read == "Other"]


def test_a_training_provider_typed_as_free_text_is_other_in_the_data(tmp_path):
    from sro_reporting.reading.readers import read_table
    from sro_reporting.reading.tables import TRAINING
    from sro_reporting.reading.validate import clean_table

    (tmp_path / "training.csv").write_text("officer_id,course_code,completion_date,provider\n"
                                           "004100,PBIS,2025-09-02,Sgt. Zyxwv's class\n004100,FERPA,2025-09-03,"
                                           "Milwaukee Public Schools\n004100,BULLYING,2025-09-04,\n")
    clean, problems = clean_table(read_table(tmp_path / "training.csv", TRAINING))
    assert clean["provider"].tolist()[:2] == ["Other", "MPS"] and pd.isna(clean["provider"].iloc[2])
    assert problems[["line", "value", "severity"]].values.tolist() == [[2, "Sgt. Zyxwv's class", "warning"]]
