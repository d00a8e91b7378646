"""Contract section 5: suppress_counts, on hand-worked tables."""

import pandas as pd
import pytest

from sro_reporting.disclosure.privacy import suppress_counts


def _shown(table):
    return [[str(v) for v in row] for row in table.to_numpy().tolist()]


def test_worked_example_with_complements_in_rows_and_total_row():
    counts = pd.DataFrame({"a": [12, 15], "b": [3, 0], "c": [20, 11]}, index=["r0", "r1"])
    out = suppress_counts(counts)
    assert list(out.columns) == ["a", "b", "c", "Total"]
    assert list(out.index) == ["r0", "r1", "Total"]
    assert _shown(out) == [["*", "*", "20", "35"], ["15", "0", "11", "26"], ["*", "*", "31", "61"]]


def test_nothing_small_nothing_hidden_and_zeros_shown():
    counts = pd.DataFrame({"x": [10, 0], "y": [25, 40]})
    assert _shown(suppress_counts(counts)) == [["10", "25", "35"], ["0", "40", "40"], ["10", "65", "75"]]


def test_complements_in_columns_and_the_total_column():
    # Row r0: 4 is hidden, the others are 0, so r0's total (4) is hidden anyway; column b: 4 and 30.
    counts = pd.DataFrame({"a": [0, 50], "b": [4, 30]}, index=["r0", "r1"])
    out = suppress_counts(counts)
    # Row r0 hides 4 and its total 4 (both under 10). Column b then has one star (4): its smallest
    # other non-zero shown cell (30) is hidden; the Total column has one star (r0's 4): 80 is hidden.
    assert _shown(out) == [["0", "*", "*"], ["50", "*", "*"], ["50", "34", "84"]]


def test_small_totals_are_hidden_too():
    counts = pd.DataFrame({"a": [3, 4]})  # total 7
    assert _shown(suppress_counts(counts, min_cell=10)) == [["*", "*"], ["*", "*"], ["*", "*"]]


def test_min_cell_parameter():
    counts = pd.DataFrame({"a": [3, 40], "b": [40, 40]})
    assert _shown(suppress_counts(counts, min_cell=3)) == [["3", "40", "43"], ["40", "40", "80"],
                                                         ["43", "80", "123"]]


def test_every_shown_line_with_a_star_has_at_least_two():
    counts = pd.DataFrame([[1, 9, 30, 0], [12, 2, 0, 44], [60, 70, 5, 8]])
    out = suppress_counts(counts)
    stars = out == "*"
    for i in range(len(out)):
        if not stars.iloc[i, -1]:
            assert stars.iloc[i, :-1].sum() != 1
    for j in range(out.shape[1]):
        if not stars.iloc[-1, j]:
            assert stars.iloc[:-1, j].sum() != 1


def test_rejects_negative_and_fractional_counts():
    with pytest.raises(ValueError, match="negative"):
        suppress_counts(pd.DataFrame({"a": [-1]}))
    with pytest.raises(ValueError, match="whole"):
        suppress_counts(pd.DataFrame({"a": [1.5]}))


def test_lone_star_with_no_other_non_zero_cell_hides_the_line_total():
    # r0 hides 5 (primary), then 20 (row complement). Column a: one star -> 30 hidden. Column b:
    # one star (20) and only a 0 beside it -> b's total hidden. Row r1: one star (30), only a 0
    # beside it -> r1's total hidden. Then the Total row and Total column each need a second star.
    counts = pd.DataFrame({"a": [5, 30], "b": [20, 0]}, index=["r0", "r1"])
    assert _shown(suppress_counts(counts)) == [["*", "*", "*"], ["*", "0", "*"], ["*", "*", "55"]]


def test_disparity_hides_every_rate_and_index_that_would_give_a_hidden_count_back():
    from sro_reporting.measures.disparity import printed

    t = pd.DataFrame({"race": ["BLACK", "HISPANIC", "WHITE"], "students": [1000, 1000, 1000],
                      "arrests": [40, 30, 3], "citations": [50, 40, 30],
                      "arrest_rate": [40.0, 30.0, 3.0], "arrest_rri": [13.33, 10.0, 1.0],
                      "citation_rate": [50.0, 40.0, 30.0], "citation_rri": [1.67, 1.33, 1.0]})
    rows = ["Black or African American", "Hispanic or Latino", "White", "Total"]
    counts = {"students": pd.Series([1000, 1000, 1000, 3000], index=rows),
              "arrests": pd.Series([40, "*", "*", 73], index=rows),
              "citations": pd.Series([50, 40, 30, 120], index=rows)}
    out = printed(t, counts).set_index("race")
    # White's 3 arrests are hidden, and Hispanic's 30 as the complement; Black's 40 and its rate show,
    # but its index would give White's rate (40 / 13.33), so it is hidden too.
    assert out.loc["Black or African American", ["arrests", "arrest_rate", "arrest_rri"]].tolist() == [40, 40.0, "*"]
    assert out.loc["White", ["arrests", "arrest_rate"]].tolist() == ["*", "*"]
    assert out.loc["Black or African American", ["citations", "citation_rate", "citation_rri"]].tolist() == [50, 50.0, 1.67]
