import pandas as pd
import pytest

from sro_reporting.linking.addresses import normalize_address, normalize_many, ordinal


@pytest.mark.parametrize("text, full", [
    pytest.param("2751 S. Lenox Street, MKE", "2751 S LENOX ST", id="punctuation-suffix-city"),
    pytest.param("2751 SOUTH LENOX ST MILWAUKEE WI 53207", "2751 S LENOX ST", id="spelled-direction-city-zip"),
    pytest.param("1017 N 12 ST", "1017 N 12TH ST", id="bare-number-street"),
    pytest.param("1017 North Twelfth Street", "1017 N 12TH ST", id="word-ordinal"),
    pytest.param("1200 W WELLS AV", "1200 W WELLS AVE", id="AV-is-AVE"),
    pytest.param("1200 W Wells Avenue Apt 4", "1200 W WELLS AVE", id="unit-dropped"),
    pytest.param("1200 W WELLS AVE #4,MKE", "1200 W WELLS AVE", id="hash-unit-dropped"),
    pytest.param("5000 W Capitol Drive, Milwaukee, WI 53216-1234", "5000 W CAPITOL DR", id="zip-plus-4"),
    pytest.param("300 E Terrace Blvd", "300 E TERRACE BLVD", id="suffix-word-inside-name-kept"),
    pytest.param("700 N Lake Parkway", "700 N LAKE PKWY", id="parkway"),
    pytest.param("1017-1021 N 12th St", "1017 N 12TH ST", id="house-number-range"),
    pytest.param("1017A N. 12th St.", "1017 N 12TH ST", id="house-number-letter"),
    pytest.param("  1017   n 12th\tst\n", "1017 N 12TH ST", id="spaces-tab-newline"),
    pytest.param("1017 N 12TH ST\nMILWAUKEE WI", "1017 N 12TH ST", id="city-on-next-line"),
    pytest.param("1017 N 12TH ST STE 2, MKE", "1017 N 12TH ST", id="suite-and-city"),
    pytest.param("12345678901 N 12TH ST", None, id="ten-digits-is-no-house-number"),
    pytest.param("N 12TH ST", None, id="street-alone"),
    pytest.param("", None, id="blank"),
])
def test_normalize_full(text, full):
    assert normalize_address(text).full == full


def test_block_form_has_street_and_number_but_no_full_address():
    a = normalize_address("1000 BLOCK N 12TH ST,MKE")
    assert (a.number, a.street, a.block, a.full) == (1000, "N 12TH ST", True, None)


def test_intersection_has_no_number():
    assert normalize_address("N 12TH ST / W WELLS ST").number is None


def test_block_of_form():
    a = normalize_address("1000 blk of n twelfth street")
    assert (a.number, a.street, a.block) == (1000, "N 12TH ST", True)


def test_many_equals_one_by_one_and_keeps_index():
    texts = pd.Series(["1017 N 12 ST", None, "1017 n 12th street", "1000 BLOCK N 12TH ST", "1017 N 12 ST"],
                      index=[10, 11, 12, 13, 14], dtype=object)
    many = normalize_many(texts)
    assert list(many.index) == [10, 11, 12, 13, 14]
    assert list(many["full"].fillna("-")) == ["1017 N 12TH ST", "-", "1017 N 12TH ST", "-", "1017 N 12TH ST"]
    assert many["number"].tolist() == [1017, pd.NA, 1017, 1000, 1017]
    assert many["block"].tolist() == [False, False, False, True, False]


@pytest.mark.parametrize("n, text", [(1, "1ST"), (2, "2ND"), (3, "3RD"), (11, "11TH"), (12, "12TH"),
                                     (13, "13TH"), (21, "21ST"), (102, "102ND"), (111, "111TH")])
def test_ordinal(n, text):
    assert ordinal(n) == text
