"""Offense types: the eight kinds of Wis. Stat. 118.124 (and "other"), and the 118.124 incidents per high school.

An action's `offense` (text, a statute number or a city ordinance number) is mapped to a kind by the offense
crosswalk, a versioned CSV shipped with the package (`sro_reporting/data/offense_crosswalk.csv`) that the
analyst overrides by a file of the same name in the workspace's `params/`. Rules by section number come
first (the longest matching number wins), then rules by words (the first in the file wins); an offense no
rule matches is "other", and is listed in the data-quality log.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict

from sro_reporting.measures import call_times
from sro_reporting.params import SchoolYear, Span
from sro_reporting.paths import params_dir
from sro_reporting.periods import in_span
from sro_reporting.reading.codes import INCIDENT_SETTING
from sro_reporting.reading.quality import problems_frame

CATEGORIES = {
    "homicide": "Homicide",
    "sexual_assault": "Sexual assault",
    "burglary_robbery_theft": "Burglary, robbery or theft",
    "battery": "Battery",
    "arson": "Arson",
    "alcohol_drugs": "Alcohol or drugs",
    "firearm": "Firearm (s. 948.605(2))",
    "disorderly_conduct": "Disorderly conduct (ordinance)",
}
OTHER = "other"
LABELS = {**CATEGORIES, OTHER: "Other offenses"}
CHARGED = ("arrest", "citation")  # a charge (an arrest, referred for charging) or a citation
SETTINGS = ("SCHOOL_HOURS", "SCHOOL_EVENT", "TRANSPORT")  # the times 118.124 counts
FILE = "offense_crosswalk.csv"
DISTRICT = "District total"
_NUMBER = re.compile(r"(?<![\d.])(\d{2,3}(?:\.\d{2,4}|-\d+(?:\.\d+)?)(?:\s*\(\s*[0-9a-z]+\s*\))*)", re.IGNORECASE)


class Rule(BaseModel):
    """One row of the crosswalk: a section number or words, and the kind they mean."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["statute", "ordinance", "text"]
    match: str
    category: Literal[tuple(LABELS)]  # type: ignore[valid-type]
    source: str = ""
    check: str = ""


class Crosswalk(BaseModel):
    """The offense crosswalk: its version, where it was read from, its rules in file order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str
    origin: str  # "packaged" or the override file's name
    rules: tuple[Rule, ...]


def read_crosswalk(path: Path, origin: str) -> Crosswalk:
    """Read a crosswalk CSV; raise `ValueError` naming the file and line of a bad row or a second version."""
    frame = pd.read_csv(path, dtype="str", keep_default_na=False)
    versions = sorted(set(frame["version"].str.strip()) - {""})
    if len(versions) != 1:
        raise ValueError(f"{path.name}: one version for every row expected; found {versions or 'none'}")
    rules = []
    for line, row in enumerate(frame.drop(columns="version").to_dict("records"), start=2):
        try:
            rules.append(Rule(**{k: v.strip() for k, v in row.items()}))
        except ValueError as exc:
            raise ValueError(f"{path.name}, line {line}: {exc.errors()[0]['msg']} ({row})") from exc
    return Crosswalk(version=versions[0], origin=origin, rules=tuple(rules))


@cache
def crosswalk() -> Crosswalk:
    """Return the workspace's crosswalk (`params/offense_crosswalk.csv`) where it has one, else the packaged one."""
    own = params_dir() / FILE
    if own.exists():
        return read_crosswalk(own, f"params/{FILE}")
    with resources.as_file(resources.files("sro_reporting") / "data" / FILE) as packaged:
        return read_crosswalk(packaged, "packaged")


def section_numbers(text: str) -> list[str]:
    """Return the statute or ordinance numbers in an offense text, spaces dropped.

    >>> section_numbers("Possession of firearm in school zone 948.605 (2)(a)"), section_numbers("MCO 106-1 DC")
    (['948.605(2)(a)'], ['106-1'])
    """
    return [re.sub(r"\s+", "", m).lower() for m in _NUMBER.findall(text)]


def _covers(rule: str, number: str) -> bool:
    """Return whether a rule's number covers a number: equal, or the number goes on with a subsection."""
    return number == rule or (number.startswith(rule) and number[len(rule)] == "(")


def category_of(offense: str | None, walk: Crosswalk) -> tuple[str, bool]:
    """Return an offense's kind and whether a rule matched it (unmatched: "other", False).

    >>> walk = crosswalk()
    >>> category_of("940.19(1)", walk), category_of("940.195", walk), category_of("Possession of THC", walk)
    (('battery', True), ('other', False), ('alcohol_drugs', True))
    """
    text = (offense or "").strip().lower()
    numbers = section_numbers(text)
    found = [r for r in walk.rules if r.kind != "text" and any(_covers(r.match.lower(), n) for n in numbers)]
    if found:
        return max(found, key=lambda r: len(r.match)).category, True
    for rule in walk.rules:
        if rule.kind == "text" and re.search(rf"\b{re.escape(rule.match.lower())}\b", text):
            return rule.category, True
    return OTHER, False


def categorize(offense: pd.Series, walk: Crosswalk) -> pd.DataFrame:
    """Return each offense's `category` and whether a rule `mapped` it (each distinct text looked up once)."""
    text = offense.astype("str").fillna("")
    found = {t: category_of(t, walk) for t in text.unique()}
    return pd.DataFrame({"category": text.map(lambda t: found[t][0]), "mapped": text.map(lambda t: found[t][1])},
                        index=offense.index)


def unmapped(enforcement: pd.DataFrame, walk: Crosswalk) -> pd.DataFrame:
    """Return the offense texts no rule maps, with how many actions carry each (blank as ""), most first.

    >>> enf = pd.DataFrame({"offense": ["Truancy", "truancy", "Battery", None]})
    >>> unmapped(enf, crosswalk()).values.tolist()
    [['Truancy', 1], ['truancy', 1], ['', 1]]
    """
    text = enforcement["offense"].astype("str").fillna("")
    left = text[~categorize(text, walk)["mapped"]]
    counts = left.value_counts(sort=False).rename("actions").rename_axis("offense").reset_index()
    return counts.sort_values("actions", ascending=False, kind="stable").reset_index(drop=True)


def quality(enforcement: pd.DataFrame, walk: Crosswalk) -> pd.DataFrame:
    """Return one data-quality row per offense text the crosswalk does not map (internal: the value is free text)."""
    rows = [{"table": "enforcement", "line": None, "column": "offense", "value": f"{r.offense} ({r.actions} actions)",
             "rule": f"offense not in the offense crosswalk (version {walk.version}); counted as other offenses",
             "severity": "warning"}
            for r in unmapped(enforcement, walk).itertuples()]
    return problems_frame(rows)


def by_type(actions: pd.DataFrame, walk: Crosswalk, columns: list[str]) -> pd.DataFrame:
    """Return actions by kind of offense (rows: the eight and other, every one listed) and action type (columns).

    >>> acts = pd.DataFrame({"offense": ["Battery", "Truancy", "961.41(3g)"],
    ...                      "action_type": ["arrest", "citation", "citation"]})
    >>> t = by_type(acts, crosswalk(), ["arrest", "citation"])
    >>> t.loc["Battery"].tolist(), t.loc["Alcohol or drugs"].tolist(), t.loc["Other offenses"].tolist()
    ([1, 0], [0, 1], [0, 1])
    """
    kind = categorize(actions["offense"], walk)["category"].map(LABELS)
    table = pd.crosstab(kind, actions["action_type"]).reindex(index=list(LABELS.values()), columns=columns,
                                                              fill_value=0)
    return table.rename_axis(index="Offense type", columns=None).astype("int64")


def setting(enforcement: pd.DataFrame, year: SchoolYear, span: Span) -> pd.DataFrame:
    """Return each action's `setting` (a code of `INCIDENT_SETTING`) and whether it was `recorded` or taken from
    the school calendar (in school hours on a school day, else OTHER).

    >>> import datetime as dt
    >>> year = SchoolYear(school_year="2025-26", semesters={"fall": Span(start=dt.date(2025, 9, 1),
    ...     end=dt.date(2025, 9, 30))})
    >>> enf = pd.DataFrame({"action_datetime": pd.to_datetime(["2025-09-02 09:00", "2025-09-02 20:00",
    ...     "2025-09-06 10:00"]), "incident_setting": [None, "SCHOOL_EVENT", None]})
    >>> setting(enf, year, year.semesters["fall"]).values.tolist()
    [['SCHOOL_HOURS', False], ['SCHOOL_EVENT', True], ['OTHER', False]]
    """
    given = enforcement.get("incident_setting", pd.Series(None, index=enforcement.index, dtype="str"))
    given = given.astype("str").where(given.astype("str").isin(INCIDENT_SETTING.codes))
    when = call_times.when(pd.DataFrame({"call_datetime": enforcement["action_datetime"]}), year, span)
    calendar = when.map(lambda w: "SCHOOL_HOURS" if w == call_times.IN_HOURS else "OTHER")
    return pd.DataFrame({"setting": given.fillna(calendar).astype("str"), "recorded": given.notna()})


def high_schools(schools: pd.DataFrame) -> pd.DataFrame:
    """Return the schools that hold high-school grades (a grade band naming `high` or a grade from 9 to 12).

    >>> s = pd.DataFrame({"school_id": ["1", "2", "3", "4"], "grade_band": ["High School", "K-8", "6-12", None]})
    >>> high_schools(s)["school_id"].tolist()
    ['1', '3']
    """
    band = schools["grade_band"].astype("str").fillna("").str.lower()
    grades = band.str.extract(r"(\d+)\s*-\s*(\d+)").astype("float")
    return schools[band.str.contains("high") | (grades[1] >= 9)]


def qualifying(enforcement: pd.DataFrame, schools: pd.DataFrame, year: SchoolYear, span: Span,
               walk: Crosswalk) -> pd.DataFrame:
    """Return the actions that make a 118.124 incident, with `incident` (its number, else the action's ID),
    `category` and `setting`: dated in `span`, school-related, at a high school, in school hours, at a school
    event or on transport, an arrest or a citation, of one of the eight kinds."""
    found = enforcement[in_span(enforcement["action_datetime"], span) & enforcement["school_related"].fillna(False)
                        & enforcement["school_id"].isin(high_schools(schools)["school_id"])
                        & enforcement["action_type"].isin(CHARGED)]
    found = found.assign(category=categorize(found["offense"], walk)["category"],
                         setting=setting(found, year, span)["setting"])
    found = found[found["setting"].isin(SETTINGS) & found["category"].isin(CATEGORIES)]
    number = found["incident_number"].astype("str").str.strip().replace("", None)
    return found.assign(incident=number.fillna("action " + found["action_id"].astype("str")))


def incidents(enforcement: pd.DataFrame, schools: pd.DataFrame, year: SchoolYear, span: Span,
              walk: Crosswalk) -> pd.DataFrame:
    """Return 118.124 incidents per high school and kind, every high school listed, then the district total.

    An incident counts once per kind it involves, however many people were arrested or cited in it.
    """
    found = qualifying(enforcement, schools, year, span, walk).drop_duplicates(["school_id", "incident", "category"])
    high = high_schools(schools).sort_values("school_id")
    wide = pd.crosstab(found["school_id"], found["category"]).reindex(
        index=high["school_id"], columns=list(CATEGORIES), fill_value=0)
    out = high[["school_id", "school_name"]].reset_index(drop=True)
    out = pd.concat([out, wide.reset_index(drop=True)], axis=1)
    total = pd.DataFrame([{"school_id": None, "school_name": DISTRICT, **wide.sum().to_dict()}])
    return pd.concat([out, total], ignore_index=True).astype({c: "int64" for c in CATEGORIES})


def settings_used(enforcement: pd.DataFrame, schools: pd.DataFrame, year: SchoolYear, span: Span,
                  walk: Crosswalk) -> pd.DataFrame:
    """Return the qualifying actions by setting and by whether it was recorded or taken from the school calendar."""
    found = qualifying(enforcement, schools, year, span, walk)
    source = setting(found, year, span)["recorded"].map({True: "recorded", False: "school calendar"})
    counts = pd.crosstab(found["setting"].map(INCIDENT_SETTING.label), source)
    counts = counts.reindex(index=[INCIDENT_SETTING.label(s) for s in SETTINGS],
                            columns=["recorded", "school calendar"], fill_value=0)
    return counts.rename_axis(index="setting", columns=None).reset_index().astype(
        {"recorded": "int64", "school calendar": "int64"})
