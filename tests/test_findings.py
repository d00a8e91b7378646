"""Words a reader sees, on small hand-made frames: findings name every tied leader and say what totals count."""

import pandas as pd
import pytest

from sro_reporting.rendering import findings


def calls(*counts: int) -> pd.DataFrame:
    return pd.DataFrame({"school_name": ["Copperhaven", "Hollowwick", "Marigoldglen", "Ashby"][:len(counts)],
                         "calls": list(counts)})


@pytest.mark.parametrize(("counts", "in_all", "sentence"), [
    pytest.param((6, 6, 6, 2), 24, "Copperhaven, Hollowwick and Marigoldglen had the most calls for service: 6 each "
                 "of the 20 at schools taking part (30.0% each; 24 in all).", id="three-way-tie"),
    pytest.param((6, 2, 6), None, "Copperhaven and Marigoldglen had the most calls for service: 6 each of the 14 at "
                 "schools taking part (42.9% each).", id="two-way-tie"),
    pytest.param((64, 10), 80, "Copperhaven had the most calls for service: 64 of the 74 at schools taking part "
                 "(86.5%; 80 in all).", id="one-leader-with-the-total-of-every-record"),
    pytest.param((64, 10), 74, "Copperhaven had the most calls for service: 64 of the 74 at schools taking part "
                 "(86.5%).", id="same-total-said-once"),
])
def test_most_names_every_tied_leader_and_both_totals(counts, in_all, sentence):
    found = findings.most_at(calls(*counts), "calls", "calls for service", "at schools taking part", in_all)
    assert found.sentence == sentence


def test_every_number_of_a_tie_is_in_the_csv():
    found = findings.most_at(calls(6, 6, 6, 2), "calls", "calls for service", "at schools taking part", 24)
    rows = findings.frame([found])
    assert dict(zip(rows["measure"], rows["value"])) == {
        "calls for service at Copperhaven": "6", "calls for service at Hollowwick": "6",
        "calls for service at Marigoldglen": "6", "calls for service at schools taking part": "20",
        "calls for service at each of the most, share (%)": "30", "calls for service, in all": "24"}


def test_busiest_month_names_every_tied_month():
    months = pd.DataFrame({"month": ["2026-03", "2026-04", "2026-05"], "activities": [1, 3, 3]})
    found = findings.busiest_month(months, "activities", "activities logged")
    assert found.sentence == ("The officer had 7 activities logged in the period, most in April 2026 and May 2026 "
                              "(3 each).")
    assert found.figures == {"activities logged": 7.0, "activities logged in April 2026": 3.0,
                             "activities logged in May 2026": 3.0}


def test_most_breaches_names_every_tied_rule():
    rules = pd.DataFrame({"section": ["IV.C", "V", "III.A"], "rule": ["Selection panel", "MOU", "Floor"],
                          "breaches": [2, 2, 1], "status": ["breached"] * 3})
    assert findings.breaches(rules)[1].sentence == \
        "The most breaches were under IV.C, Selection panel and V, MOU: 2 each."


def compared(now_days: int, before_days: int) -> pd.DataFrame:
    return pd.DataFrame({"measure": ["Calls for service", "School days"], "current": [38, now_days],
                         "previous": [34, before_days], "change": [4, now_days - before_days],
                         "change_pct": [11.8, "small base"]})


@pytest.mark.parametrize(("now_days", "before_days", "sentence"), [
    pytest.param(5, 0, "No change from Dec 26-31, 2025 is given: that period had no school days (this period had 5).",
                 id="winter-break-before"),
    pytest.param(0, 4, "No change from Dec 26-31, 2025 is given: this period had no school days (that period had 4).",
                 id="no-school-days-now"),
])
def test_no_change_is_called_out_against_a_period_without_school_days(now_days, before_days, sentence):
    found = findings.largest_change(compared(now_days, before_days), "Dec 26-31, 2025", min_base=20)
    assert found.sentence == sentence
    assert "rose" not in found.sentence


def test_a_change_is_called_out_when_both_periods_have_school_days():
    found = findings.largest_change(compared(5, 4).assign(current=[100, 5], previous=[40, 4]), "Dec 26-31, 2025",
                                    min_base=20)
    # 100 in 5 school days against 40 in 4: 20 against 10 a day, +100.0%
    assert found.sentence.startswith("Calls for service per school day at a school taking part rose 100.0% from "
                                     "Dec 26-31, 2025 (40 over 4 school days taking part) to this "
                                     "period (100 over 5)")


def key(rows: dict[str, tuple[int, int]]) -> pd.DataFrame:
    return pd.DataFrame([(m, now, then) for m, (now, then) in rows.items()], columns=["measure", "current", "previous"])


@pytest.mark.parametrize(("rows", "bases", "expected"), [
    pytest.param({"Calls for service": (904, 900), "School days": (94, 88)}, None, None,
                 id="school-days-are-the-base-not-a-finding"),
    pytest.param({"Calls for service": (130, 127), "School-related arrests": (23, 20), "School days": (94, 94)}, None,
                 None, id="changes-of-a-few-are-chance"),
    pytest.param({"School-related court referrals": (107, 88), "School days": (94, 88)}, (94 * 29, 88 * 28), None,
                 id="court-referrals-per-school-day-at-a-school-are-chance"),
    pytest.param({"Calls for service": (300, 150), "School-related court referrals": (107, 88),
                  "School days": (94, 88)}, (94 * 29, 88 * 28),
                 "Calls for service per school day at a school taking part rose 80.8%", id="a-real-rise-leads"),
])
def test_findings_lead_with_changes_beyond_chance_over_like_bases(rows, bases, expected):
    """Issue 26: no "School days rose 6.8%", no change of 2-3 calls, counts compared per school day and school."""
    found = findings.largest_change(key(rows), "fall 2025-26", bases=bases)
    assert (found.sentence[:len(expected)] if found else None) == expected
    if found:  # by hand: 94 x 29 = 2,726 and 88 x 28 = 2,464 school days; (300 / 2,726) / (150 / 2,464) - 1 = 80.8%
        assert found.figures["Calls for service, change (%)"] == round(100 * ((300 / 2726) / (150 / 2464) - 1), 1)


@pytest.mark.parametrize(("audience", "named", "not_named"), [
    pytest.param("mps", "data_quality_summary.csv", "data_quality.csv ", id="mps-gets-the-counts"),
    pytest.param("mpd_internal", "data_quality.csv beside this report", "summary", id="internal-gets-the-log"),
])
def test_a_report_points_to_the_problems_file_its_reader_has(audience, named, not_named):
    from sro_reporting.rendering.sections import quality_note

    note = quality_note(audience)
    assert named in note and not_named not in note
    assert ("stays with MPD" in note) == (audience == "mps")


def test_rows_and_reasons_are_words_not_codes():
    import datetime as dt

    from sro_reporting.measures import compliance, population

    assert "school_id" not in population.UNKNOWN_SCHOOL and "_" not in population.POPULATION_DEFINITION
    panel = pd.DataFrame({"meeting_id": ["P1"], "meeting_date": pd.to_datetime(["2025-10-14"]),
                          "meeting_type": ["selection_panel"], "attendee_roles": ["mps_staff;community"]})
    assert compliance.panels(panel, effective=dt.date(2026, 7, 20))["reason"].tolist() == [
        "2 MPS representative(s) (3 required); no MPS student; no MPD officer"]


def test_an_officers_action_finding_gives_the_totals_its_table_prints():
    """Issue 26: 26 of 33 officer reports gave an action total (12) that no table showed; each type's total now,
    as the month-by-month table's Total row prints it."""
    from sro_reporting.rendering.sections import with_total

    months = pd.DataFrame({"month": ["2026-01", "2026-02"], "arrests": [3, 4], "citations": [1, 1],
                           "court_referrals": [0, 3]})
    found = findings.officer_actions(months)
    total = with_total(months, "month").set_index("month").loc["Total"]
    assert found.sentence == ("The officer made 7 arrests, 2 citations and 3 court referrals in the period, "
                              "school-related or not.")
    assert [int(v) for v in found.figures.values()] == total.tolist() == [7, 2, 3]
    assert "12" not in found.sentence
