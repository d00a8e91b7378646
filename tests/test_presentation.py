"""What a reader sees, without rendering a whole report: tables, charts, titles, glossary, the demo data."""

from __future__ import annotations

import datetime as dt
import re

import matplotlib
import pandas as pd
import pytest

from sro_reporting.demo import generator as demo
from sro_reporting.params import load_school_year
from sro_reporting.rendering import charts, glossary, report
from sro_reporting.rendering.report import Report, period_name, table_html

# Schools of Milwaukee Public Schools that the demo once borrowed names from: none may come back.
REAL_MPS = ["Washington", "Lincoln", "Madison", "Riverside", "Bay View", "Hamilton", "Vincent", "Pulaski",
            "South Division", "North Division", "Bradley Tech", "Reagan", "Rufus King", "Marshall", "Audubon",
            "Golda Meir", "Fernwood", "Hmong American", "Milwaukee French", "Milwaukee German", "Carver", "Hayes"]


@pytest.mark.parametrize("group", [[], ["School"]], ids=["plain", "grouped"])
def test_tables_have_scoped_headers_right_aligned_numbers_and_no_spans(group):
    frame = pd.DataFrame({"School": ["A", "A", "B"], "Disposition": ["ADVISED", "FILED", "ADVISED"],
                          "Calls": [1, 1500, 3], "Rate": [0.5, None, 2.25], "Shown": [12, "*", 0]})
    markup = table_html(frame, "Calls", "calls.csv", group)
    assert "colspan" not in markup and "rowspan" not in markup
    assert markup.count('<th scope="col"') == (5 - len(group)) * (2 if group else 1)
    assert '<td class="num">1,500</td>' in markup and '<td class="num">*</td>' in markup
    assert '<th scope="col" class="num">Rate</th>' in markup and '<th scope="col">Disposition</th>' in markup
    assert markup.count('<th scope="row"') == 3


def test_grouped_table_is_one_table_per_group_captioned_by_the_group():
    frame = pd.DataFrame({"ID": ["1", "1", "2"], "School": ["A", "A", "B"], "Calls": [1, 2, 3]})
    markup = table_html(frame, "Calls by school", "calls.csv", ["ID", "School"])
    assert markup.count("<table") == 2 and "<caption>1 · A</caption>" in markup
    assert markup.startswith('<div class="table-group" role="group" aria-label="Calls by school">')


def test_dates_months_and_text_dates_written_out():
    frame = pd.DataFrame({"month": ["2026-01", "2026-02"], "reason": ["due by 2025-09-13", "x"],
                          "day": [dt.date(2026, 3, 9), dt.date(2026, 3, 10)]})
    shown = table_html(report.readable(frame), "x", "", [])
    assert "January 2026" in shown and "due by September 13, 2025" in shown and "March 9, 2026" in shown
    assert not re.search(r"\d{4}-\d{2}", shown)


def test_a_dollar_in_a_school_name_prints_as_a_dollar():
    report.style_charts()
    table = pd.DataFrame({"school_name": ["Cash $1 and $2 Academy", "B"], "1": [3, 1], "2": [1, 0]})
    fig = charts.stacked_bars(table, "school_name", ["1", "2"], "Calls", "Priority")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[0] == "Cash $1 and $2 Academy"
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        svg = report.svg_bytes(fig).decode()
    assert "Cash $1 and $2 Academy" in svg  # as text, not set as mathematics


def test_charts_are_vector_count_axes_from_zero_floor_labelled():
    report.style_charts()
    duty = pd.DataFrame({"date": pd.to_datetime(["2026-03-09", "2026-03-10", "2026-03-11"]),
                         "sros_on_duty": [26, 23, 27]})
    fig = charts.on_duty(duty, 25)
    ax = fig.axes[0]
    assert ax.get_ylim()[0] == 0
    assert any(t.get_text() == "Act 12 floor: 25" for t in ax.texts)
    markers = {line.get_marker() for line in ax.get_lines() if line.get_marker() not in (None, "None", "")}
    assert {"o", "v"} <= markers  # on duty and under the floor read apart without colour
    svg = report.svg_bytes(fig)
    assert svg.lstrip().startswith(b"<?xml") and b"<svg" in svg and b"image/png" not in svg
    bars = charts.bars(pd.DataFrame({"month": ["Jan\n2026", "Feb\n2026"], "calls": [5, 9]}), "month", "calls",
                       "Month", "Calls")
    assert bars.axes[0].get_ylim()[0] == 0
    assert {"5", "9"} <= {t.get_text() for t in bars.axes[0].texts}  # each bar carries its value


def test_bars_stand_in_the_frames_order_at_their_values():
    report.style_charts()
    frame = pd.DataFrame({"school_year": ["2023-24", "2021-22", "2022-23"], "calls": [40, 0, 12]})
    ax = charts.bars(frame, "school_year", "calls", "School year", "Calls").axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2023-24", "2021-22", "2022-23"]
    assert [p.get_height() for p in ax.patches] == [40, 0, 12]
    assert [t.get_text() for t in ax.texts] == ["40", "0", "12"]
    assert ax.get_xlim() == (-0.5, 2.5) and not any(line.get_visible() for line in ax.get_xgridlines())


@pytest.mark.parametrize(("start", "end", "form"), [
    pytest.param("2026-01-26", "2026-06-12", r"[A-Z][a-z]{2} 2026", id="semester-months"),
    pytest.param("2026-06-01", "2026-06-12", r"Jun \d{1,2}", id="partial-month-days"),
])
def test_floor_label_sits_outside_the_plot_and_ticks_read_one_way(start, end, form):
    report.style_charts()
    days = pd.bdate_range(start, end)
    duty = pd.DataFrame({"date": days, "sros_on_duty": [24 + i % 4 for i in range(len(days))]})
    fig = charts.on_duty(duty, 25)
    ax = fig.axes[0]
    fig.canvas.draw()
    label = next(t for t in ax.texts if t.get_text() == "Act 12 floor: 25")
    box = label.get_window_extent().transformed(ax.transAxes.inverted())
    assert box.x0 > 1  # right of the plot area: no data line can cross it
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert ticks and all(re.fullmatch(form, t) for t in ticks), ticks


def test_stacked_bars_read_apart_in_grayscale():
    report.style_charts()
    table = pd.DataFrame({"school_name": ["A", "B"], **{p: [1, 2] for p in "123456"}})
    fig = charts.stacked_bars(table, "school_name", list("123456"), "Calls", "Priority")
    hatches = [p.get_hatch() for p in fig.axes[0].patches]
    assert len(set(hatches)) == 6  # each priority its own hatching as well as colour


def test_figure_needs_alt_text(tmp_path):
    year = load_school_year("2025-26")
    rep = Report("annual", "T", "mps", year, year.year_span, tmp_path)
    report.style_charts()
    with pytest.raises(ValueError, match="alt text"):
        rep.figure(charts.bars(pd.DataFrame({"x": ["a"], "y": [1]}), "x", "y", "x", "y"), "c", "s", alt=" ")


def test_titles_name_report_subject_period_and_audience(tmp_path):
    year = load_school_year("2025-26")
    spring = year.semesters["spring"]
    made = [
        Report("annual", "Annual Report", "mps", year, year.year_span, tmp_path, period_name=period_name(year, year.year_span)),
        Report("compliance", "Compliance", "mpd_internal", year, year.year_span, tmp_path,
               period_name=period_name(year, year.year_span)),
        Report("compliance", "Compliance", "mps", year, year.year_span, tmp_path, subject="Extract for MPS",
               period_name=period_name(year, year.year_span)),
        Report("monthly", "Monthly", "mps", year, spring, tmp_path, subject="March 2026", period_name="March 2026"),
        Report("school", "Packet", "mps", year, spring, tmp_path, subject="A High (0007)",
               period_name=period_name(year, spring, "spring")),
        Report("school", "Packet", "mps", year, spring, tmp_path, subject="B High (0014)",
               period_name=period_name(year, spring, "spring"), synthetic=True),
    ]
    titles = [r.doc_title for r in made]
    assert len(set(titles)) == len(titles)
    assert titles[0] == "Annual Report: school year 2025-26, for MPS"
    assert titles[1] == "Compliance: school year 2025-26, MPD internal"
    assert titles[3] == "Monthly: March 2026, for MPS"
    assert titles[5] == "SYNTHETIC DEMO DATA: Packet: B High (0014), spring semester 2025-26, for MPS"


def test_glossary_labels_cad_codes_cut_at_16_characters():
    assert glossary.nature_label("SCHL PRESENTATIO").startswith("School presentation")
    assert glossary.nature_label("TRBL W/JUV").startswith("Trouble with a juvenile")
    assert glossary.disposition_label("UNABLE TO LOCATE") == "Officers could not find the person who called"
    assert glossary.nature_label("ZZQ") == glossary.NO_LABEL
    for code in demo.NATURES_SCHOOL + demo.NATURES_CITY:
        assert glossary.nature_label(code) != glossary.NO_LABEL and code in glossary.NATURES, code
    for code in demo.DISPOSITIONS:
        assert code in glossary.DISPOSITIONS, code


@pytest.fixture(scope="module")
def tables():
    return demo.build()


def test_demo_names_are_invented(tables):
    names = " ".join(tables["schools"]["school_name"])
    assert not [n for n in REAL_MPS if re.search(rf"\b{n}\b", names)]
    assert tables["schools"]["school_name"].is_unique
    assert len(tables["schools"]) == 150 and (tables["schools"]["sro_participating"] == "Yes").sum() == 30
    assert len(tables["officers"]) == 33 and tables["officers"]["display_name"].is_unique


def test_demo_ages_fit_each_schools_grades(tables):
    bands = tables["schools"].set_index("school_id")["grade_band"]
    for name in ("enforcement", "use_of_force"):
        people = tables[name][(tables[name]["school_id"] != "") & (tables[name]["subject_age"] != "")]
        for band, ages in people.groupby(people["school_id"].map(bands))["subject_age"]:
            allowed = demo.GRADE_AGES[band][0]
            assert ages.astype(int).between(min(allowed), max(allowed)).all(), (name, band)


def test_demo_activities_only_where_a_school_takes_part_that_day(tables):
    schools = tables["schools"].set_index("school_id")
    acts = tables["activities"][tables["activities"]["school_id"] != ""]
    start = pd.to_datetime(acts["school_id"].map(schools["participation_start"]).replace("", None), format="mixed")
    end = pd.to_datetime(acts["school_id"].map(schools["participation_end"]).replace("", None), format="mixed")
    day = pd.to_datetime(acts["activity_date"])
    assert (acts["school_id"].map(schools["sro_participating"]) == "Yes").all()
    assert ((start.isna() | (day >= start)) & (end.isna() | (day <= end))).all()


def test_demo_folder_is_marked_synthetic_and_a_real_one_is_not(tmp_path):
    import shutil

    import sro_reporting as sro

    demo.write(tmp_path / "demo")
    assert sro.load(tmp_path / "demo").synthetic
    shutil.copytree(tmp_path / "demo", tmp_path / "real")
    (tmp_path / "real" / "SYNTHETIC_DEMO_DATA.txt").unlink()
    assert not sro.load(tmp_path / "real").synthetic


def test_demo_keeps_its_scale_and_planted_breaches(tables):
    assert len(tables["calls_for_service"]) == 60_600
    officers = tables["officers"]
    assert (officers["attendance_rating"] == "satisfactory").sum() == 1
    assert (officers["sustained_juvenile_complaints"] == 1).sum() == 1
    months = set(tables["meetings"].loc[tables["meetings"]["meeting_type"] == "mps_safety_monthly", "meeting_date"].str[:7])
    assert "2025-12" not in months
    at_school = tables["calls_for_service"]["school_id"] != ""
    hours = pd.to_datetime(tables["calls_for_service"]["call_datetime"]).dt.hour
    assert ((hours < 6) & at_school).sum() > 100  # calls at school addresses come at night too


@pytest.mark.parametrize("short", [pytest.param(s, id=s) for s in ("CAD", "OJJDP", "NASRO", "FERPA", "PBIS")])
def test_abbreviations_are_spelt_out_where_first_used(short):
    """Issue 26: CAD, OJJDP, NASRO, FERPA and PBIS were never spelt out."""
    from sro_reporting.rendering.glossary import ABBREVIATIONS
    from sro_reporting.rendering.render import finish

    page = finish(f'<title>x</title><style>/*sro-css*/</style><main class="report"><p>The {short} note.</p>'
                  f'<table><caption>{short} table</caption></table></main>', "screen")
    body = page.split('<main class="report">')[1]
    assert f"{ABBREVIATIONS[short]} ({short}) note" in body and f"<caption>{short} table" in body


def test_a_long_school_name_breaks_and_keeps_the_numbers_on_the_page():
    """Issue 26: a 320-character school name pushed Table 6's numbers off the page."""
    import weasyprint

    from sro_reporting.rendering import render

    name = "Amberbrook" * 32
    head = '<tr><th scope="col">School</th>' + "".join(f'<th scope="col" class="num">Column {i}</th>'
                                                       for i in range(9)) + "</tr>"
    row = f'<tr><th scope="row">{name}</th>' + "".join(f'<td class="num">{i}99</td>' for i in range(9)) + "</tr>"
    page = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/><title>x</title><style>{render.CSS_SLOT}'
            f'</style></head><body><main class="report"><div class="table-wrap"><table class="sro-table"><caption>c'
            f'</caption><thead>{head}</thead><tbody>{row}</tbody></table></div></main></body></html>')
    first = weasyprint.HTML(string=render.finish(page, "print")).render().pages[0]

    def right_edges(box):
        yield box.position_x + (box.width or 0)
        for child in getattr(box, "children", None) or []:
            yield from right_edges(child)

    margin = first._page_box.margin_right
    assert max(right_edges(first._page_box)) <= first.width - margin + 0.5
