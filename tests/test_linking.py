"""Contract section 3: linking a call to a school, rule by rule, with hand-worked answers."""

import pandas as pd
import pytest

from sro_reporting.linking.schools import link_calls
from sro_reporting.reading.readers import LINE

SCHOOLS = pd.DataFrame({
    "school_id": pd.array(["0100", "0200", "0300", "0050", "0400"], dtype="string"),
    "address": pd.array(["1010 N 12TH ST", "1090 N 12th Street", "500 W WELLS ST",
                         "500 W Wells Street", "2000 North 12th St."], dtype="string"),
    LINE: [2, 3, 4, 5, 6],
})

CASES = [
    # (school_id from CAD, location, expected school, expected link type)
    pytest.param("0300", "9999 W NOWHERE AVE", "0300", "premise", id="premise-known"),
    pytest.param("0200", "1010 N 12TH ST", "0200", "premise", id="premise-beats-address"),
    pytest.param("9999", "1010 N. 12th Street, MKE", "0100", "on_property", id="unknown-premise-falls-to-address"),
    pytest.param("", "500 W WELLS ST", "0050", "on_property", id="shared-building-smaller-id"),
    pytest.param("", "2000 N 12TH ST APT 2", "0400", "on_property", id="unit-dropped"),
    pytest.param("", "1040 N 12 ST", "0100", "adjacent", id="adjacent-nearest-number"),
    pytest.param("", "1050 N 12TH ST", "0100", "adjacent", id="adjacent-tie-smaller-id"),
    pytest.param("", "1099 N 12TH ST", "0200", "adjacent", id="adjacent-other-school-nearer"),
    pytest.param("", "1000 BLOCK N 12TH ST,MKE", "0100", "adjacent", id="cad-block-form"),
    pytest.param("", "1000 BLK N 12TH ST", "0100", "adjacent", id="cad-blk-form"),
    pytest.param("", "1110 N 12TH ST", None, None, id="next-hundred-block-not-linked"),
    pytest.param("", "1010 S 12TH ST", None, None, id="other-directional-not-linked"),
    pytest.param("", "1010 N 12TH AVE", None, None, id="other-suffix-not-linked"),
    pytest.param("", "N 12TH ST / W WELLS ST", None, None, id="intersection-not-linked"),
    pytest.param("", "", None, None, id="blank-location"),
]


def _calls(rows):
    return pd.DataFrame({
        "school_id": pd.array([r[0] or None for r in rows], dtype="string"),
        "location": pd.array([r[1] for r in rows], dtype="string"),
        LINE: range(2, 2 + len(rows)),
    })


@pytest.mark.parametrize("school_id, location, school, link", CASES)
def test_link_rule(school_id, location, school, link):
    linked, _ = link_calls(_calls([(school_id, location)]), SCHOOLS)
    got = linked.iloc[0]
    assert (None if pd.isna(got["linked_school_id"]) else got["linked_school_id"]) == school
    assert (None if pd.isna(got["link_type"]) else got["link_type"]) == link


def test_all_rules_at_once_keep_row_order_and_count():
    rows = [p.values[:2] for p in CASES]
    linked, _ = link_calls(_calls(rows), SCHOOLS)
    expected = [p.values[2] for p in CASES]
    assert [None if pd.isna(v) else v for v in linked["linked_school_id"]] == expected


def test_warnings_name_unknown_premise_and_shared_address():
    _, warnings = link_calls(_calls([("9999", "1 MAIN ST")]), SCHOOLS)
    rules = warnings.set_index("column")["rule"]
    assert "school_id not in schools" in rules["school_id"]
    assert warnings.loc[warnings["column"] == "address", "line"].tolist() == [4]  # 0300 shares 0050's address
    assert (warnings["severity"] == "warning").all()
