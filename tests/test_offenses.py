"""Offense kinds of Wis. Stat. 118.124, the crosswalk, and the conditions an incident must meet to count."""

import datetime as dt

import pandas as pd
import pytest
from conftest import write_folder

import sro_reporting as sro
from sro_reporting.measures import offenses
from sro_reporting.params import SchoolYear, Span

WALK = offenses.crosswalk()
YEAR = SchoolYear(school_year="2025-26", school_hours=("07:30", "16:30"),
                  semesters={"fall": Span(start=dt.date(2025, 9, 1), end=dt.date(2026, 1, 23))})
SPAN = Span(start=dt.date(2025, 7, 1), end=dt.date(2026, 6, 30))


@pytest.mark.parametrize(("offense", "category"), [
    pytest.param("First degree intentional homicide 940.01(1)(a)", "homicide", id="homicide-statute"),
    pytest.param("Murder", "homicide", id="homicide-words"),
    pytest.param("940.225(2)(a)", "sexual_assault", id="sexual-assault-statute"),
    pytest.param("948.02(2) 2nd deg sex aslt child", "sexual_assault", id="child-sexual-assault-statute"),
    pytest.param("Sexual assault", "sexual_assault", id="sexual-assault-words"),
    pytest.param("943.10(1m)(a)", "burglary_robbery_theft", id="burglary-statute"),
    pytest.param("943.32(1)(a) Robbery w/ use of force", "burglary_robbery_theft", id="robbery-statute"),
    pytest.param("Theft", "burglary_robbery_theft", id="theft-words"),
    pytest.param("940.19(1)", "battery", id="battery-statute"),
    pytest.param("BATTERY", "battery", id="battery-words-upper"),
    pytest.param("943.02(1)(a)", "arson", id="arson-statute"),
    pytest.param("Arson", "arson", id="arson-words"),
    pytest.param("961.41(3g)(e) PCS THC", "alcohol_drugs", id="drug-statute"),
    pytest.param("125.07(4)(b)", "alcohol_drugs", id="underage-alcohol-statute"),
    pytest.param("Possession of THC", "alcohol_drugs", id="drug-words"),
    pytest.param("948.605 (2)(a) Poss firearm school zone", "firearm", id="firearm-statute-spaced"),
    pytest.param("Gun on school grounds", "firearm", id="firearm-words"),
    pytest.param("MCO 106-1 Disorderly conduct", "disorderly_conduct", id="disorderly-ordinance"),
    pytest.param("Disorderly conduct", "disorderly_conduct", id="disorderly-words"),
    pytest.param("947.01(1) Disorderly conduct", "other", id="state-disorderly-not-municipal"),
    pytest.param("948.605(3)(a)", "other", id="firearm-discharge-not-sub-2"),
    pytest.param("940.20(2) Battery to law enforcement officer", "other", id="battery-not-940-19"),
    pytest.param("106-1.8 public drinking", "alcohol_drugs", id="ordinance-longer-number"),
    pytest.param("Drug paraphernalia", "other", id="paraphernalia-not-a-drug"),
])
def test_every_kind(offense, category):
    assert offenses.category_of(offense, WALK)[0] == category


@pytest.mark.parametrize("offense", [
    pytest.param("Truancy", id="words"),
    pytest.param("940.195", id="longer-section-number"),
    pytest.param("", id="blank"),
    pytest.param(None, id="missing"),
])
def test_unmapped(offense):
    assert offenses.category_of(offense, WALK) == ("other", False)


def test_unmapped_in_the_quality_log():
    enf = pd.DataFrame({"offense": ["Truancy", "Truancy", "Battery", "Trespass"]})
    log = offenses.quality(enf, WALK)
    assert log[["value", "severity"]].values.tolist() == [["Truancy (2 actions)", "warning"],
                                                          ["Trespass (1 actions)", "warning"]]


def test_override_in_params(tmp_path, monkeypatch):
    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "offense_crosswalk.csv").write_text(
        "version,kind,match,category,source,check\nlocal-1,text,truancy,other,analyst,\n")
    monkeypatch.setenv("SRO_WORKSPACE", str(tmp_path))
    offenses.crosswalk.cache_clear()
    try:
        walk = offenses.crosswalk()
    finally:
        offenses.crosswalk.cache_clear()
    assert (walk.version, walk.origin) == ("local-1", "params/offense_crosswalk.csv")
    assert offenses.category_of("Truancy", walk) == ("other", True)


@pytest.mark.parametrize(("text", "message"), [
    pytest.param("version,kind,match,category,source,check\n1,text,a,other,,\n2,text,b,other,,\n", "one version",
                 id="two-versions"),
    pytest.param("version,kind,match,category,source,check\n1,text,a,vandalism,,\n", "line 2", id="unknown-kind"),
])
def test_bad_crosswalk(tmp_path, text, message):
    path = tmp_path / "offense_crosswalk.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        offenses.read_crosswalk(path, "test")


SCHOOLS = pd.DataFrame({
    "school_id": ["0010", "0020", "0030"], "school_name": ["Alpha High", "Beta K-8", "Gamma 6-12"],
    "grade_band": ["High School", "K-8", "6-12"],
})


def _action(action_id, when, offense="Battery", action_type="arrest", school="0010", related=True,
            setting=None, incident=None):
    return {"action_id": action_id, "action_datetime": pd.Timestamp(when), "offense": offense,
            "action_type": action_type, "school_id": school, "school_related": related,
            "incident_setting": setting, "incident_number": incident}


# 2025-09-02 is a Tuesday inside the fall semester; 2025-09-06 a Saturday.
@pytest.mark.parametrize(("row", "counted"), [
    pytest.param(_action("a", "2025-09-02 10:00"), True, id="school-hours-from-calendar"),
    pytest.param(_action("a", "2025-09-02 19:00"), False, id="evening-from-calendar"),
    pytest.param(_action("a", "2025-09-06 10:00"), False, id="weekend-from-calendar"),
    pytest.param(_action("a", "2025-09-02 19:00", setting="SCHOOL_EVENT"), True, id="school-event-recorded"),
    pytest.param(_action("a", "2025-09-06 10:00", setting="TRANSPORT"), True, id="transport-recorded"),
    pytest.param(_action("a", "2025-09-02 10:00", setting="OTHER"), False, id="other-recorded-wins"),
    pytest.param(_action("a", "2025-09-02 10:00", action_type="citation"), True, id="citation"),
    pytest.param(_action("a", "2025-09-02 10:00", action_type="court_referral"), False, id="court-referral"),
    pytest.param(_action("a", "2025-09-02 10:00", related=False), False, id="not-school-related"),
    pytest.param(_action("a", "2025-09-02 10:00", school="0020"), False, id="not-a-high-school"),
    pytest.param(_action("a", "2025-09-02 10:00", school="0030"), True, id="grades-6-12-hold-a-high-school"),
    pytest.param(_action("a", "2025-09-02 10:00", offense="Truancy"), False, id="not-one-of-the-eight"),
    pytest.param(_action("a", "2024-09-03 10:00"), False, id="before-the-year"),
])
def test_conditions(row, counted):
    enf = pd.DataFrame([row])
    assert len(offenses.qualifying(enf, SCHOOLS, YEAR, SPAN, WALK)) == int(counted)


def test_incidents_per_school_and_total():
    enf = pd.DataFrame([
        _action("a1", "2025-09-02 10:00", incident="I1"),                        # one battery, two people
        _action("a2", "2025-09-02 10:00", incident="I1", action_type="citation"),
        _action("a3", "2025-09-02 10:00", incident="I1", offense="Theft"),      # and a theft in the same incident
        _action("a4", "2025-09-03 10:00"),                                      # no number: its own incident
        _action("a5", "2025-09-03 11:00", school="0030", offense="MCO 106-1"),
        _action("a6", "2025-09-03 11:00", school="0020"),                       # K-8: not listed
    ])
    table = offenses.incidents(enf, SCHOOLS, YEAR, SPAN, WALK)
    assert table["school_name"].tolist() == ["Alpha High", "Gamma 6-12", "District total"]
    assert table["battery"].tolist() == [2, 0, 2]
    assert table["burglary_robbery_theft"].tolist() == [1, 0, 1]
    assert table["disorderly_conduct"].tolist() == [0, 1, 1]
    body = table.iloc[:-1, 2:]
    assert (body.sum() == table.iloc[-1, 2:]).all()  # the total is the sum of the schools


def test_settings_used():
    enf = pd.DataFrame([_action("a", "2025-09-02 10:00"), _action("b", "2025-09-02 19:00", setting="SCHOOL_EVENT")])
    table = offenses.settings_used(enf, SCHOOLS, YEAR, SPAN, WALK)
    assert table.values.tolist() == [["In school hours", 0, 1], ["At a school event", 1, 0],
                                     ["On school transport", 0, 0]]


@pytest.mark.parametrize("column", [pytest.param("student_id", id="student-id"),
                                    pytest.param("Person ID", id="person-id")])
def test_person_identifier_hashed_on_read(tmp_path, column):
    enf = pd.DataFrame({"action_id": ["e1", "e2", "e3"], "action_type": ["arrest"] * 3,
                        "action_datetime": ["2025-09-02 10:00"] * 3, "school_related": ["yes"] * 3,
                        "school_id": ["0010"] * 3, column: ["00123", "00123", "S-98765"]})
    data = sro.load(write_folder(tmp_path, enforcement=enf))
    keys = data.enforcement["person_key"]
    assert keys.nunique() == 2 and keys[0] == keys[1]
    assert not data.enforcement.isin(["00123", "S-98765"]).any().any()
    assert "person identifier replaced" in " ".join(data.problems["rule"])


def test_reconcile_finds_a_118124_total_that_does_not_add_up(tmp_path):
    from sro_reporting.running.reconcile import reconcile

    folder = tmp_path / "dpi-118124-2025-26"
    folder.mkdir()
    pd.DataFrame({"School ID": ["0010", "0030", "Total"], "School": ["Alpha High", "Gamma 6-12", "District"],
                  "Battery": ["2", "1", "4"], "Arson": ["0", "0", "0"], "Total": ["2", "1", "4"]}
                 ).to_csv(folder / "incidents_by_school.csv", index=False)
    found = reconcile(tmp_path, [{"stem": folder.name, "report": "dpi-118124", "parameters": {}}])
    assert found[["table", "item", "expected", "found"]].values.tolist() == [
        ["incidents_by_school", "Battery: rows to Total", 4, 3], ["incidents_by_school", "Total: rows to Total", 4, 3]]


@pytest.mark.parametrize(("keys", "expected"), [
    pytest.param(["a", "a", "b", None], [[4, 2, 1], [2, 1, 0], [0, None, None]], id="person-keys"),
    pytest.param(None, [[4, None, None], [2, None, None], [0, None, None]], id="no-identifier-counts-actions"),
])
def test_crdc_counts_students_where_the_export_identifies_them(keys, expected):
    from sro_reporting.measures import enforcement

    enf = pd.DataFrame({"action_datetime": pd.to_datetime(["2025-09-02"] * 4), "school_related": [True] * 4,
                        "action_type": ["arrest", "arrest", "citation", "court_referral"],
                        "subject_is_student": pd.array([True] * 4, dtype="boolean")})
    if keys is not None:
        enf["person_key"] = pd.Series(keys, dtype="str")
    found = enforcement.crdc_referrals(enf, SPAN).iloc[:, 1:].astype("object")
    assert found.where(found.notna(), None).values.tolist() == expected


def test_offense_types_and_118124_are_in_the_protection_plan():
    from sro_reporting.disclosure import protect
    from sro_reporting.disclosure.model import PERSON_DIMENSIONS

    assert "actions_by_offense" in [v.name for v in protect.semester_views("p", False)]
    assert [v.name for v in protect.year_views("p", False)] == ["actions_by_offense", "incidents_by_school"]
    assert {"offense", "high_school"} <= set(PERSON_DIMENSIONS)  # an offense, and a high school of 118.124
