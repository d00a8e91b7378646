"""Findings in words: the three to five things a reader should know, at the top of each report.

Each finding is a sentence built from a metric frame, with the figures it quotes; every figure is
written to the report's `findings.csv` beside the sentence, so every number in a sentence is in a
CSV. Changes are only called out on an adequate base (`MIN_BASE` or more in the period before), so
a rise from 2 to 4 is not reported as "doubled", per school day where the periods differ in days or
schools, and only where the change is beyond chance variation.
"""

from __future__ import annotations

import datetime as dt
import numbers
from dataclasses import dataclass, field

import pandas as pd
from scipy.stats import binomtest

from sro_reporting.measures.population import MEASURES
from sro_reporting.measures.summary import FORCE_OF, OFFICER_INJURED, SUBJECT_INJURED

ALPHA = 0.05  # a change is called out only where chance would give one as large less often than this
NOT_COUNTS = ("School days", "School days at the schools taking part", "School days the school took part")  # bases
MIN_BASE = 20  # the period before must have at least this many for a change to be called out
MOST = 5  # findings at most


@dataclass(frozen=True)
class Finding:
    """One sentence and the figures it quotes (measure -> value), in the order they appear."""

    topic: str
    sentence: str
    figures: dict[str, object] = field(default_factory=dict)


def _n(value: float) -> str:
    """Return a count with separators, or a decimal with one place."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"


def _day(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def no_school_days(compared: pd.DataFrame, before: str) -> Finding | None:
    """Return a finding that no change is given where the period before, or this one, had no school days.

    >>> t = pd.DataFrame({"measure": ["Calls for service", "School days"], "current": [38, 5], "previous": [34, 0]})
    >>> no_school_days(t, "Dec 26-31, 2025").sentence
    'No change from Dec 26-31, 2025 is given: that period had no school days (this period had 5).'
    >>> no_school_days(t.assign(current=[38, 0], previous=[34, 4]), "Dec 26-31, 2025").sentence
    'No change from Dec 26-31, 2025 is given: this period had no school days (that period had 4).'
    >>> no_school_days(t.assign(previous=[34, 4]), "Dec 26-31, 2025") is None
    True
    """
    days = compared[compared["measure"] == "School days"]
    if days.empty:
        return None
    now, then = (pd.to_numeric(days[c], errors="coerce").iloc[0] for c in ("current", "previous"))
    if then == 0:
        return Finding("change", f"No change from {before} is given: that period had no school days "
                       f"(this period had {_n(now)}).", {"School days, this period": int(now),
                                                         f"School days, {before}": 0})
    if now == 0:
        return Finding("change", f"No change from {before} is given: this period had no school days "
                       f"(that period had {_n(then)}).", {"School days, this period": 0,
                                                          f"School days, {before}": int(then)})
    return None


def largest_change(compared: pd.DataFrame, before: str, min_base: int = MIN_BASE,
                   bases: tuple[float, float] | None = None, brief: bool = False) -> Finding | None:
    """Return the count that changed most from the period before, among those with an adequate base whose change
    is beyond chance variation; counts are compared per unit of `bases` (now, before) where the bases differ.

    `compared` is `summary.compare`'s frame (measure, current, previous, change, change_pct). `bases` are the school
    days at the schools taking part in each period (`summary.school_days_taking_part`); without them, the frame's
    row of those (`summary.BASES`), else its "School days" row. A change is beyond chance when an exact test of two Poisson counts over
    their bases (the binomial test of the count now given both) has a two-sided p-value under `ALPHA`.

    >>> t = pd.DataFrame({"measure": ["Calls for service", "Use-of-force incidents", "School days"],
    ...     "current": [160, 4, 5], "previous": [100, 1, 5], "change": [60, 3, 0], "change_pct": [60.0, 300.0, 0.0]})
    >>> largest_change(t, "fall 2025-26").sentence
    'Calls for service rose 60.0% from fall 2025-26 (100) to this period (160), the largest change beyond chance among counts with at least 20 in fall 2025-26.'
    >>> largest_change(t.assign(current=[104, 4, 5]), "fall 2025-26") is None  # 100 to 104: chance
    True

    No change is called out when either period has no school days (a "School days" row of 0); the finding
    says so instead. `brief` leaves out how the change was chosen (the methods say it), for a page that must hold it.
    """
    unschooled = no_school_days(compared, before)
    if unschooled is not None:
        return unschooled
    counts = compared[~compared["measure"].isin(NOT_COUNTS)]
    now, then = (pd.to_numeric(counts[c], errors="coerce") for c in ("current", "previous"))  # "not taking part"
    if bases is None:  # the frame's base row: school days taking part where it has one, else school days
        days = compared.set_index("measure").reindex(
            [m for m in (*NOT_COUNTS[1:], NOT_COUNTS[0]) if m in set(compared["measure"])][:1] or ["School days"])
        bases = tuple(float(pd.to_numeric(days[c], errors="coerce").fillna(1).iloc[0]) for c in ("current", "previous"))
    if not (bases[0] > 0 and bases[1] > 0):
        return None
    share = bases[0] / (bases[0] + bases[1])  # the share of the counts expected now if nothing changed
    rows = [(m, int(n), int(p), 100 * ((n / bases[0]) / (p / bases[1]) - 1))
            for m, n, p in zip(counts["measure"], now, then)
            if pd.notna(n) and pd.notna(p) and p >= min_base
            and binomtest(int(n), int(n + p), share).pvalue < ALPHA]
    if not rows:
        return None
    measure, n, p, pct = max(rows, key=lambda r: abs(r[3]))
    verb = "rose" if pct > 0 else "fell"
    same = bases[0] == bases[1]
    what = measure if same else f"{measure} per school day at a school taking part"
    then_text, now_text = (f"({_n(p)})", f"({_n(n)})") if same else \
        (f"({_n(p)} over {_n(bases[1])} school days taking part)", f"({_n(n)} over {_n(bases[0])})")
    figures = {f"{measure}, change (%)": round(abs(pct), 1), f"{measure}, period before": p,
               f"{measure}, this period": n, "Smallest base compared": min_base}
    if not same:
        figures.update({"School days taking part, period before": bases[1],
                        "School days taking part, this period": bases[0]})
    how = "" if brief else f", the largest change beyond chance among counts with at least {min_base} in {before}"
    return Finding("change", f"{what} {verb} {abs(pct):.1f}% from {before} {then_text} to this period {now_text}{how}.",
                   figures)


def names(items: list[str]) -> str:
    """Return names joined in words: `A`, `A and B`, `A, B and C`.

    >>> names(["A"]), names(["A", "B"]), names(["A", "B", "C"])
    ('A', 'A and B', 'A, B and C')
    """
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def most_at(table: pd.DataFrame, value: str, what: str, where: str, in_all: int | None = None,
            name: str = "school_name") -> Finding | None:
    """Return which rows of `table` have the most `value` (every one of them on a tie), with the total they are of.

    `where` says what the total counts (the rows of `table`); `in_all`, where larger, is the total of every
    record (the key figures' count), given beside it so the two totals read apart.

    >>> t = pd.DataFrame({"school_name": ["A", "B"], "calls": [30, 10]})
    >>> most_at(t, "calls", "calls for service", "at schools taking part").sentence
    'A had the most calls for service: 30 of the 40 at schools taking part (75.0%).'
    >>> most_at(t.assign(calls=[6, 6]), "calls", "calls for service", "at schools taking part", 14).sentence
    'A and B had the most calls for service: 6 each of the 12 at schools taking part (50.0% each; 14 in all).'
    """
    total = float(table[value].sum()) if len(table) else 0.0
    if not total:
        return None
    top = float(table[value].astype(float).max())
    leaders = [str(n) for n in table.loc[table[value].astype(float) == top, name]]
    share = round(100 * top / total, 1)
    rest = f"; {_n(in_all)} in all" if in_all is not None and in_all > total else ""
    each = "" if len(leaders) == 1 else " each"
    sentence = (f"{names(leaders)} had the most {what}: {_n(top)}{each} of the {_n(total)} {where} "
                f"({share:.1f}%{each}{rest}).")
    figures = {f"{what} at {n}": int(top) for n in leaders}
    figures.update({f"{what} {where}": int(total), f"{what} at each of the most, share (%)": share})
    if rest:
        figures[f"{what}, in all"] = int(in_all)
    return Finding(f"most {what}", sentence, figures)


def floor_days(duty: pd.DataFrame, floor: int) -> Finding | None:
    """Return how many school days had fewer SROs on duty than the Act 12 floor, and the fewest.

    >>> duty = pd.DataFrame({"date": pd.to_datetime(["2026-03-09", "2026-03-10"]), "sros_on_duty": [22, 27]})
    >>> floor_days(duty, 25).sentence
    'On 1 of 2 school days fewer than 25 SROs were on duty in school hours, below the Act 12 floor; the fewest was 22, on March 9, 2026.'
    """
    if duty.empty:
        return None
    below = duty[duty["sros_on_duty"] < floor]
    if below.empty:
        return Finding("floor", f"At least {floor} SROs were on duty in school hours on every one of the "
                       f"{len(duty)} school days, as the Act 12 floor requires.",
                       {"Act 12 floor": floor, "School days": len(duty)})
    worst = below.loc[below["sros_on_duty"].idxmin()]
    day = pd.Timestamp(worst["date"]).date()
    return Finding("floor", (
        f"On {len(below)} of {len(duty)} school days fewer than {floor} SROs were on duty in school hours, "
        f"below the Act 12 floor; the fewest was {int(worst['sros_on_duty'])}, on {_day(day)}."),
        {"School days under the floor": len(below), "School days": len(duty), "Act 12 floor": floor,
         "Fewest SROs on duty": int(worst["sros_on_duty"]), "Day with the fewest": day.isoformat()})


def floor_breaches(below: pd.DataFrame, floor: int) -> Finding | None:
    """Return the compliance check's school days under the Act 12 floor (its III.A / Act 12 findings) and the fewest.

    >>> below = pd.DataFrame({"date": [dt.date(2025, 10, 8), dt.date(2025, 10, 9)], "sros_on_duty": [22, 24]})
    >>> floor_breaches(below, 25).sentence
    '2 school days were under the Act 12 floor (25 SROs); the fewest was 22, on October 8, 2025.'
    """
    if below is None or below.empty:
        return None
    worst = below.loc[below["sros_on_duty"].idxmin()]
    day = pd.Timestamp(worst["date"]).date()
    return Finding("floor", (
        f"{len(below)} school {'day was' if len(below) == 1 else 'days were'} under the Act 12 floor ({floor} SROs); "
        f"the fewest was {int(worst['sros_on_duty'])}, on {_day(day)}."),
        {"School days under the floor": len(below), "Act 12 floor": floor,
         "Fewest SROs on duty": int(worst["sros_on_duty"]), "Day with the fewest": day.isoformat()})


def force_by_type(figures: pd.Series) -> Finding:
    """Return the uses of force by SROs, the most frequent type and the injuries, from the Chief's figures
    (`summary.chief_figures`, by measure).

    >>> t = pd.Series({"Use-of-force incidents": 19, "Use of force: control hold": 13, "Use of force: takedown": 6,
    ...     "Use of force: subject injured": 4, "Use of force: officer injured": 1})
    >>> force_by_type(t).sentence
    'SROs used force 19 times, most often control hold (13): 4 subjects and 1 officer injured.'
    >>> force_by_type(t * 0).sentence
    'No use of force by an SRO is recorded in the period.'
    """
    total = int(figures[MEASURES["use_of_force"]])
    if not total:
        return Finding("force", "No use of force by an SRO is recorded in the period.", {MEASURES["use_of_force"]: 0})
    injured = (SUBJECT_INJURED, OFFICER_INJURED)
    kinds = figures[[m for m in figures.index if m.startswith(FORCE_OF) and m not in injured]]
    top = int(kinds.max())
    most = [m.removeprefix(FORCE_OF) for m in kinds.index[kinds == top]]
    each = "" if len(most) == 1 else " each"
    hurt, officers = int(figures[SUBJECT_INJURED]), int(figures[OFFICER_INJURED])
    return Finding("force", (
        f"SROs used force {_n(total)} times, most often {names(most)} ({_n(top)}{each}): {_n(hurt)} "
        f"{'subject' if hurt == 1 else 'subjects'} and {_n(officers)} {'officer' if officers == 1 else 'officers'} "
        "injured."), {MEASURES["use_of_force"]: total, **{f"{FORCE_OF}{m}": top for m in most},
                      SUBJECT_INJURED: hurt, OFFICER_INJURED: officers})


def officer_recorded(actions: int, with_sro: int, no_officer: int) -> Finding | None:
    """Return how many school-related actions had an SRO recorded as the officer and how many no officer.

    >>> officer_recorded(8, 6, 2).sentence
    'Of 8 school-related actions, 6 had an SRO recorded as the officer and 2 no officer.'
    """
    if not actions:
        return None
    return Finding("officer recorded", (
        f"Of {_n(actions)} school-related actions, {_n(with_sro)} had an SRO recorded as the officer and "
        f"{_n(no_officer)} no officer."),
        {"School-related actions": actions, "With an SRO recorded": with_sro, "With no officer recorded": no_officer})


def no_prior_year(before: str, first: dt.date | None) -> Finding:
    """Return that the year to date is not compared with last year: the data begin after the first of its same days.

    >>> no_prior_year("school year 2024-25", dt.date(2025, 7, 1)).sentence
    'No comparison with school year 2024-25: the data begin on July 1, 2025.'
    """
    if first is None:
        return Finding("change", f"No comparison with {before}: the data hold no calls for service.")
    return Finding("change", f"No comparison with {before}: the data begin on {_day(first)}.",
                   {"Data begin": first.isoformat()})


def alternatives_rate(alternatives: pd.DataFrame) -> Finding | None:
    """Return the alternatives-to-citation rate from `activity.alternatives`'s frame: SROs' choices against SROs'.

    >>> t = pd.DataFrame({"measure": ["Youth referrals logged", "Alternatives to citation",
    ...     "School-related citations", "School-related citations with an SRO recorded",
    ...     "School-related citations with no officer recorded", "Alternatives rate (%)"],
    ...     "value": [5, 30, 14, 10, 4, 75.0]})
    >>> alternatives_rate(t).sentence
    'SROs chose an alternative to a citation 30 times against 10 school-related citations by an SRO: an alternatives rate of 75.0% (4 more citations have no officer recorded).'
    """
    values = alternatives.set_index("measure")["value"]
    alt, cited, rate = values["Alternatives to citation"], values["School-related citations with an SRO recorded"], \
        values["Alternatives rate (%)"]
    unknown = int(values["School-related citations with no officer recorded"])
    if pd.isna(rate):
        return None
    rest = (f" ({_n(unknown)} more {'citation has' if unknown == 1 else 'citations have'} no officer recorded)"
            if unknown else "")
    figures = {"Alternatives to citation": int(alt), "School-related citations with an SRO recorded": int(cited),
               "Alternatives rate (%)": float(rate)}
    if unknown:
        figures["School-related citations with no officer recorded"] = unknown
    return Finding("alternatives", (
        f"SROs chose an alternative to a citation {_n(alt)} times against {_n(cited)} school-related "
        f"{'citation' if cited == 1 else 'citations'} by an SRO: an alternatives rate of {float(rate):.1f}%{rest}."),
        figures)


def outside_hours(split: pd.DataFrame, where: str) -> Finding | None:
    """Return the share of calls that came outside school hours, from `call_times.split`'s frame.

    >>> t = pd.DataFrame({"when": ["School hours on a school day", "School day, outside school hours",
    ...     "Weekend, holiday, break or summer"], "calls": [60, 25, 15], "share_pct": [60.0, 25.0, 15.0]})
    >>> outside_hours(t, "at participating schools").sentence
    '40 of 100 calls for service at participating schools (40.0%) came outside school hours: 25 on school days and 15 on days without school.'
    """
    calls = split.set_index("when")["calls"]
    total = int(calls.sum())
    if not total:
        return None
    evening, no_school = int(calls.iloc[1]), int(calls.iloc[2])
    other = evening + no_school
    share = round(100 * other / total, 1)
    return Finding("hours", (
        f"{_n(other)} of {_n(total)} calls for service {where} ({share:.1f}%) came outside school hours: "
        f"{_n(evening)} on school days and {_n(no_school)} on days without school."),
        {"Calls outside school hours": other, "Calls": total, "Calls outside school hours, share (%)": share,
         "Calls on school days outside school hours": evening, "Calls on days without school": no_school})


def against_average(comparison: pd.DataFrame, measure: str) -> Finding | None:
    """Return one school's figure beside the average participating school's, from `summary.district_comparison`.

    >>> t = pd.DataFrame({"measure": ["Calls for service"], "this_school": [62], "district_average": [32.1]})
    >>> against_average(t, "Calls for service").sentence
    'Calls for service at this school: 62, against 32.1 at the average participating school.'
    """
    rows = comparison[comparison["measure"] == measure]
    if rows.empty:
        return None
    row = rows.iloc[0]
    return Finding("average", (
        f"{measure} at this school: {_n(row['this_school'])}, against {_n(float(row['district_average']))} at the "
        "average participating school."),
        {f"{measure}, this school": row["this_school"], f"{measure}, district average": float(row["district_average"])})


def breaches(summary: pd.DataFrame) -> list[Finding]:
    """Return the compliance findings from `compliance.summary`'s frame: rules breached, and the most breaches.

    >>> t = pd.DataFrame({"section": ["IV.C", "V"], "rule": ["Selection panel", "MOU"], "breaches": [1, 0],
    ...     "status": ["breached", "kept"]})
    >>> [f.sentence for f in breaches(t)]
    ['1 of 2 rules checked had a breach: IV.C.', 'The most breaches were under IV.C, Selection panel: 1.']
    """
    broken = summary[summary["breaches"] > 0]
    if broken.empty:
        return [Finding("rules", f"All {len(summary)} rules checked were kept.", {"Rules checked": len(summary)})]
    rule = "rule" if len(summary) == 1 else "rules"
    had = "a breach" if len(broken) == 1 else "breaches"
    out = [Finding("rules", f"{len(broken)} of {len(summary)} {rule} checked had {had}: "
                   f"{', '.join(broken['section'])}.", {"Rules with breaches": len(broken), "Rules checked": len(summary)})]
    most = broken[broken["breaches"] == broken["breaches"].max()]
    under = names([f"{r.section}, {r.rule}" for r in most.itertuples()])
    each = "" if len(most) == 1 else " each"
    out.append(Finding("most", f"The most breaches were under {under}: {int(most['breaches'].iloc[0])}{each}.",
                       {f"Breaches under {r.section}": int(r.breaches) for r in most.itertuples()}))
    return out


def busiest_month(months: pd.DataFrame, value: str, what: str) -> Finding | None:
    """Return an officer's total of `value` over the months and the busiest months (every one on a tie).

    >>> t = pd.DataFrame({"month": ["2026-01", "2026-02"], "activities": [10, 14]})
    >>> busiest_month(t, "activities", "activities logged").sentence
    'The officer had 24 activities logged in the period, most in February 2026 (14).'
    >>> busiest_month(t.assign(activities=[3, 3]), "activities", "activities logged").sentence
    'The officer had 6 activities logged in the period, most in January 2026 and February 2026 (3 each).'
    """
    total = float(months[value].sum()) if len(months) else 0.0
    if not total:
        return None
    top = float(months[value].astype(float).max())
    tied = months.loc[months[value].astype(float) == top, "month"]
    busiest = [f"{dt.date.fromisoformat(f'{m}-01'):%B %Y}" for m in tied]
    each = "" if len(busiest) == 1 else " each"
    return Finding("officer", (
        f"The officer had {_n(total)} {what} in the period, most in {names(busiest)} ({_n(top)}{each})."),
        {f"{what}": total, **{f"{what} in {m}": top for m in busiest}})


def officer_actions(months: pd.DataFrame) -> Finding | None:
    """Return an officer's arrests, citations and court referrals by type, school-related or not, as the table's
    Total row gives them (no sum of the three, which no table shows).

    >>> t = pd.DataFrame({"month": ["2026-01", "2026-02"], "arrests": [1, 4], "citations": [0, 3],
    ...     "court_referrals": [2, 2]})
    >>> officer_actions(t).sentence
    'The officer made 5 arrests, 3 citations and 4 court referrals in the period, school-related or not.'
    """
    kinds = {"arrests": "arrests", "citations": "citations", "court_referrals": "court referrals"}
    totals = {word: int(months[column].sum()) for column, word in kinds.items()}
    if not any(totals.values()):
        return None
    return Finding("officer", f"The officer made {names([f'{n:,} {w}' for w, n in totals.items()])} in the period, "
                   "school-related or not.", {f"{w}, school-related or not": n for w, n in totals.items()})


def pick(found: list[Finding | None], most: int = MOST) -> list[Finding]:
    """Return the findings that were found, at most `most`."""
    return [f for f in found if f is not None][:most]


def _value(value: object) -> str:
    """Return a figure as the CSV holds it: whole numbers without a decimal, others to one place, text as it is."""
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        number = float(value)
        return str(int(number)) if number.is_integer() else f"{number:.1f}"
    return str(value)


def frame(found: list[Finding]) -> pd.DataFrame:
    """Return the findings as a CSV table: one row per figure, with its finding's number and sentence.

    >>> frame([Finding("x", "A had 3 of 4.5.", {"calls at A": 3.0, "all": 4.5})]).values.tolist()
    [[1, 'A had 3 of 4.5.', 'calls at A', '3'], [1, 'A had 3 of 4.5.', 'all', '4.5']]
    """
    rows = [(i, f.sentence, measure, _value(value))
            for i, f in enumerate(found, 1) for measure, value in f.figures.items()]
    return pd.DataFrame(rows, columns=["finding", "sentence", "measure", "value"])


def incidents_118124(incidents: pd.DataFrame, settings: pd.DataFrame, due: dt.date) -> list[Finding]:
    """Findings of the Wis. Stat. 118.124 report: incidents in all and the high schools with any, how many actions
    were placed in school hours by the calendar, and when the board's report is due.

    >>> t = pd.DataFrame({"school_id": ["1", "2", None], "battery": [2, 0, 2], "arson": [1, 0, 1]})
    >>> s = pd.DataFrame({"setting": ["In school hours"], "recorded": [1], "school calendar": [3]})
    >>> [f.sentence for f in incidents_118124(t, s, dt.date(2026, 7, 31))][:2]  # doctest: +NORMALIZE_WHITESPACE
    ['MPD counted 3 incidents of the eight kinds at the high schools (an incident of two kinds counts in each); 1 of
      the 2 high schools had at least one.', 'Of the 4 arrests and citations counted, 3 had no recorded setting and
      count because the school calendar puts them in school hours; an evening event with no recorded setting is
      missed.']
    """
    schools = incidents[incidents["school_id"].notna()]
    each = schools.drop(columns=[c for c in ("school_id", "school_name") if c in schools]).sum(axis=1)
    total, with_any = int(each.sum()), int((each > 0).sum())
    counted = Finding("118.124 incidents", (
        f"MPD counted {_n(total)} incidents of the eight kinds at the high schools (an incident of two kinds counts "
        f"in each); {_n(with_any)} of the {_n(len(schools))} high schools had at least one."),
        {"Incidents (each kind counted)": total, "High schools with an incident": with_any,
         "High schools": len(schools)})
    recorded, calendar = int(settings["recorded"].sum()), int(settings["school calendar"].sum())
    placed = Finding("118.124 settings", (
        f"Of the {_n(recorded + calendar)} arrests and citations counted, {_n(calendar)} had no recorded setting and "
        "count because the school calendar puts them in school hours; an evening event with no recorded setting "
        "is missed."), {"Arrests and citations counted": recorded + calendar,
                        "Placed by the school calendar": calendar})
    deadline = Finding("118.124 due", f"The school board's report of these incidents to DPI is due by "
                                      f"{due:%B} {due.day}, {due.year}.", {"Due to DPI": due.isoformat()})
    return [counted, placed, deadline]
