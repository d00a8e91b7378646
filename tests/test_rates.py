"""Rates per enrolled student with exact intervals (issue 26), checked against an independent computation."""

import pandas as pd
import pytest
from scipy.stats import poisson

from sro_reporting.measures import rates


@pytest.mark.parametrize("count", [pytest.param(n, id=f"{n}-events") for n in (0, 1, 2, 5, 17, 123)])
def test_the_exact_interval_has_the_tail_probabilities_it_claims(count):
    """The Garwood bounds from the gamma distribution, checked by the Poisson distribution itself: at the low
    bound a count this large or larger has probability 2.5%, at the high bound one this small or smaller."""
    low, high = rates.poisson_interval(count)
    assert poisson.cdf(count, high) == pytest.approx(0.025, abs=1e-9)
    if count:
        assert poisson.sf(count - 1, low) == pytest.approx(0.025, abs=1e-9)
    else:
        assert low == 0.0


def test_a_small_schools_rate_says_how_sure_it_is():
    """By hand: 5 actions among 500 students is 10.0 per 1,000; the same rate at 5,000 students is surer."""
    counts = pd.DataFrame({"school_id": ["S", "L", "N"], "school_name": ["Small", "Large", "No enrollment"],
                           "arrests": [3, 30, 1], "citations": [2, 20, 0]})
    students = pd.Series([500, 5000, None], index=["S", "L", "N"], dtype="Int64")
    out = rates.by_school(counts, students).set_index("school_id")
    assert out.loc["S", ["actions", "rate"]].tolist() == [5, 10.0] and out.loc["L", "rate"] == 10.0
    low, high = rates.poisson_interval(5)
    assert out.loc["S", ["low", "high"]].tolist() == [round(low / 0.5, 1), round(high / 0.5, 1)] == [3.2, 23.3]
    assert out.loc["L", "high"] - out.loc["L", "low"] < out.loc["S", "high"] - out.loc["S", "low"]
    assert out.loc["N", ["rate", "low", "high"]].isna().all()
