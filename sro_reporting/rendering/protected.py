"""Tables of people as each audience gets them: exact for MPD, through the release's protection for MPS.

Every such table is written with its layout (what each count counts), so the audit of the MPS
release can tie it to every other number the release prints.
"""

from __future__ import annotations

import pandas as pd

from sro_reporting.disclosure import kept, protect
from sro_reporting.disclosure.layout import Index, Layout, Part, Rate, period
from sro_reporting.disclosure.privacy import TOTAL, suppress_counts
from sro_reporting.linking.schools import participating
from sro_reporting.measures import disparity, offenses, people
from sro_reporting.measures.enforcement import ACTION_LABELS
from sro_reporting.params import Span
from sro_reporting.reading.dataset import DataSet
from sro_reporting.rendering.report import Report

LEFT_OUT = ("Not shown: too few people are counted here to break them down by {what} without risk of "
            "identifying someone, even with other counts hidden.")
NOT_BROKEN_DOWN = ("Breakdowns by age band, gender, race and offense type are given for the whole district in the "
                   "semester and annual reports, where the numbers are large enough to show without identifying a "
                   "child.")
NOT_BY_QUARTER = ("Not shown for a quarter: a quarter's counts are small, and each breakdown of them would tie to the "
                  "semester's and hide more there. The semester and annual reports give it for the whole district.")
INTERNAL_NOTE = "Exact counts (internal report)."
DISPARITY_LABELS = {"race": "Race or ethnicity", "students": "Students enrolled", "arrests": "Arrests",
                    "arrest_rate": "Arrests per 1,000", "arrest_rri": "Arrest index", "citations": "Citations",
                    "citation_rate": "Citations per 1,000", "citation_rri": "Citation index"}


def protected(rep: Report, span: Span, school_id: str | None = None, tables: tuple[str, ...] = ("",)) -> bool:
    """Return whether this report shows people tables (or every one of `tables`) through the release's protection
    (MPS, whole district)."""
    return rep.audience == "mps" and school_id is None and all(protect.planned(rep.year, span, t) for t in tables)


def breaks_down(rep: Report, span: Span, school_id: str | None = None, tables: tuple[str, ...] = ("",)) -> bool:
    """Return whether this report breaks people down (in every one of `tables`): always for MPD, for MPS only where
    planned."""
    return rep.audience == "mpd_internal" or protected(rep, span, school_id, tables)


def _actions(action: str, *part: tuple[str, str]) -> Part:
    return Part(population=people.ACTIONS, categories={"action_type": action, **dict(part)})


# Key-figure rows that count the people the breakdowns break down (district or one school).
PEOPLE_MEASURES = {
    "School-related arrests": _actions("arrest"), "School-related citations": _actions("citation"),
    "School-related court referrals": _actions("court_referral"),
    "School-related arrests at participating schools": _actions("arrest", *people.PARTICIPATING),
    "School-related citations at participating schools": _actions("citation", *people.PARTICIPATING),
    "Use-of-force incidents": Part(population=people.FORCE),
}


def measures_layout(frame: pd.DataFrame, columns: dict[str, Span], school_id: str | None = None) -> Layout:
    """Return the layout of a key-figures table (`measure` rows): its people counts, one column per period."""
    rows = {m: PEOPLE_MEASURES[m] for m in frame["measure"] if m in PEOPLE_MEASURES}
    return Layout(categories={"school": school_id} if school_id else {}, row_label="measure", rows=rows,
                  columns={c: Part(period=period(s)) for c, s in columns.items()})


def people_layout(b: people.Breakdown, span: Span, columns: list[str]) -> Layout:
    """Return the layout of a printed breakdown: its rows a person's attribute, its columns action types."""
    parts = {ACTION_LABELS.get(c, c): Part(categories={b.columns: c} if b.columns else {}) for c in columns}
    return Layout(population=b.population, period=period(span), row_label=b.counts.index.name,
                  row_dimension=b.rows, columns={**parts, TOTAL: Part()})


def _shown(rep: Report, data: DataSet, view: protect.View, b: people.Breakdown) -> tuple[pd.DataFrame | None, str]:
    """Return a protected view as its audience sees it (None where the plan leaves it out), and its table's note."""
    if rep.audience == "mps":
        return kept.read(data.version, rep.year).shown(view, b), rep.suppression_note()
    return suppress_counts(b.counts, 1), INTERNAL_NOTE


def people_table(rep: Report, data: DataSet, span: Span, name: str, b: people.Breakdown, caption: str) -> bool:
    """Show one breakdown with totals: exact for MPD, as the school year's protection plans it for MPS; return
    whether it was shown."""
    if not breaks_down(rep, span, tables=(name,)):
        rep.text(f"{caption}: {NOT_BY_QUARTER}")
        return False
    shown, note = _shown(rep, data, protect.View(name, period(span), name), b)
    if shown is None:
        rep.text(f"{caption}: {LEFT_OUT.format(what=b.counts.index.name.lower())}")
        return False
    frame = shown.rename(columns=ACTION_LABELS).rename_axis(b.counts.index.name).reset_index()
    rep.table(frame, name, caption, note=note, layout=people_layout(b, span, list(b.counts.columns)))
    return True


def incidents_table(rep: Report, data: DataSet, span: Span, b: people.Breakdown, caption: str) -> None:
    """Show the 118.124 incidents by high school (rows) and kind (columns) with totals: exact for MPD, as the school
    year's protection plans it for MPS."""
    shown, note = _shown(rep, data, protect.View("incidents_by_school", period(span), "incidents_118124"), b)
    if shown is None:
        rep.text(f"{caption}: {LEFT_OUT.format(what='school and kind')}")
        return
    names = dict(zip(data.schools["school_id"], data.schools["school_name"]))
    frame = shown.rename(columns=offenses.CATEGORIES).rename_axis("School ID").reset_index()
    frame.insert(1, "School", frame["School ID"].map(names).fillna("District (all high schools)"))
    layout = Layout(population=b.population, period=period(span), row_label="School ID", row_dimension="high_school",
                    columns={**{offenses.CATEGORIES[c]: Part(categories={"offense": c}) for c in b.counts.columns},
                             TOTAL: Part()})
    rep.table(frame, "incidents_by_school", caption, layout=layout,
              note=f"{note} Total (across): the incidents of each kind added up; an incident of two kinds counts in "
                   "each. Total (down): the district, every high school together.")


def disparity_layout(span: Span) -> Layout:
    """Return the layout of the disparity table: enrollment, arrests and citations by race, and their rates."""
    counts = {"students": Part(population=people.ENROLLED),
              **{f"{a}s": Part(population=people.ACTIONS, categories={"action_type": a, **dict(people.PARTICIPATING)})
                 for a in ("arrest", "citation")}}
    rates = [Rate(column=f"{a}_rate", count=f"{a}s", base="students", decimals=disparity.DECIMALS)
             for a in ("arrest", "citation")]
    indices = [Index(column=f"{a}_rri", rate=f"{a}_rate", reference_row="White", decimals=disparity.DECIMALS)
               for a in ("arrest", "citation")]
    return Layout(period=period(span), row_label="race", row_dimension="race", columns=counts, rates=rates,
                  indices=indices)


def _disparity_counts(rep: Report, data: DataSet, span: Span) -> dict[str, pd.Series] | None:
    """Return students, arrests and citations by race as printed (with a Total row), or None when left out."""
    by_race = people.participating_by_race(data, span)
    enrolled = people.enrolled(data, rep.year, span)
    views = {"students": (protect.View("disparity_students", period(span), "enrolled"), enrolled),
             "arrests": (protect.View("disparity_arrest", period(span), "participating_by_race", "arrest"), by_race),
             "citations": (protect.View("disparity_citation", period(span), "participating_by_race", "citation"),
                           by_race)}
    if rep.audience != "mps":
        return {name: suppress_counts(view.frame(b.counts), 1).iloc[:, 0] for name, (view, b) in views.items()}
    plan = kept.read(data.version, rep.year)
    shown = {name: plan.shown(view, b) for name, (view, b) in views.items()}
    return None if any(s is None for s in shown.values()) else {n: s.iloc[:, 0] for n, s in shown.items()}


def disparity_table(rep: Report, data: DataSet, span: Span) -> None:
    """Show school-related arrests and citations per 1,000 enrolled students by race, with the index against White."""
    part = list(participating(data.schools, span.start, span.end)["school_id"])
    exact = disparity.rates(people.at_participating(data, span, data.enforcement), data.enrollment, part,
                            rep.year.school_year, span)
    counts = _disparity_counts(rep, data, span)
    caption = "School-related arrests and citations per 1,000 enrolled students, by race"
    if counts is None:
        rep.text(f"{caption}: {LEFT_OUT.format(what='race')}")
        return
    note = disparity.DEFINITION + (f" {rep.suppression_note()} A rate or index that would give a hidden count "
                                   "back is hidden too." if rep.audience == "mps" else "")
    rep.table(disparity.printed(exact, counts), "disparity_by_race", caption, note=note, labels=DISPARITY_LABELS,
              layout=disparity_layout(span))
