"""The house charts and their text alternatives.

Charts are vector (SVG, through `Report.figure`) and read without colour: each series has its own
hatching or marker and line style as well as a colour-blind-safe colour, bars carry their values,
count axes start at zero and a floor is a labelled line. Chart text is plain text, never mathtext.
Each chart has a `describe_*` function giving the alt text: what it shows and its key numbers.
"""

from __future__ import annotations

import datetime as dt

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MPath
from matplotlib.ticker import MaxNLocator

# Lines only but for the last: a dotted or circled hatch is a tile of hundreds of circles, which made one
# 30-school chart half a megabyte of SVG and a second of WeasyPrint's time.
HATCHES = ["", "////", "---", "\\\\\\\\", "xxx", "|||", "++", ".."]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
LINESTYLES = ["-", "--", ":", "-."]
EDGE = "#1a1a1a"

# The house theme is seaborn's "whitegrid" style at its "notebook" scale, written out: importing seaborn (it
# imports scipy.stats) cost each kernel and worker 0.6 s of CPU while the run's parent read the data.
PALETTE = ["#0173b2", "#de8f05", "#029e73", "#d55e00", "#cc78bc", "#ca9161", "#fbafe4", "#949494", "#ece133",
           "#56b4e9"]  # seaborn's "colorblind": told apart under each common colour-vision deficiency
BAR = "#176d9c"  # the palette's blue at 75% saturation, as seaborn draws a bar
STYLE = {
    "axes.axisbelow": True, "axes.edgecolor": ".8", "axes.facecolor": "white", "axes.grid": True,
    "axes.labelcolor": ".15", "axes.labelsize": 9, "axes.linewidth": 1.25, "axes.prop_cycle": cycler(color=PALETTE),
    "axes.spines.bottom": True, "axes.spines.left": True, "axes.spines.right": True, "axes.spines.top": True,
    "axes.titlesize": 11, "figure.facecolor": "white", "figure.figsize": (7.0, 3.2), "font.family": ["DejaVu Sans"],
    "font.sans-serif": ["Arial", "DejaVu Sans", "Liberation Sans", "Bitstream Vera Sans", "sans-serif"],
    "font.size": 12, "grid.color": ".8", "grid.linestyle": "-", "grid.linewidth": 1, "legend.fontsize": 8,
    "legend.title_fontsize": 12, "lines.linewidth": 1.5, "lines.markersize": 6, "lines.solid_capstyle": "round",
    "patch.edgecolor": "w", "patch.force_edgecolor": True, "patch.linewidth": 1, "text.color": ".15",
    "text.parse_math": False, "svg.fonttype": "path", "svg.hashsalt": "sro-reporting",
    "xtick.bottom": False, "xtick.color": ".15", "xtick.direction": "out", "xtick.labelsize": 8,
    "xtick.major.size": 6, "xtick.major.width": 1.25, "xtick.minor.size": 4, "xtick.minor.width": 1,
    "xtick.top": False, "ytick.color": ".15", "ytick.direction": "out", "ytick.labelsize": 8, "ytick.left": False,
    "ytick.major.size": 6, "ytick.major.width": 1.25, "ytick.minor.size": 4, "ytick.minor.width": 1,
    "ytick.right": False,
}


def explore_theme() -> None:
    """Give seaborn the house style and palette, for exploring in a notebook (reports draw with matplotlib alone)."""
    import seaborn as sns  # here only: a report kernel never imports seaborn (with scipy.stats, 0.6 s a process)

    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE, rc=STYLE)


def _fmt(value: float) -> str:
    """Return a number as a chart or alt text shows it: whole numbers with separators, else one decimal."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"


def _long_date(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def stacked_bars(frame: pd.DataFrame, label: str, parts: list[str], xlabel: str,
                 legend: str) -> plt.Figure:
    """Return horizontal bars of `parts` stacked per row of `frame`, labelled by `label`, each total at its end.

    Each part has its own hatching and colour, so the parts read apart in grayscale too. A part's bars
    are one compound shape, so its hatching is one pattern fill (WeasyPrint draws a pattern per shape:
    a bar of its own each made a large chart take seconds).
    """
    rows = frame.set_index(label)[parts]
    # At most 7.2 in tall: with its heading and caption the chart fits one US Letter page.
    fig, ax = plt.subplots(figsize=(7.0, min(0.2 * len(rows) + 1.3, 7.2)))
    left = np.zeros(len(rows))
    for i, part in enumerate(parts):
        widths = rows[part].to_numpy(dtype=float)
        verts, codes = [], []
        for y, (x0, width) in enumerate(zip(left, widths)):
            if width > 0:
                verts += [(x0, y - 0.375), (x0 + width, y - 0.375), (x0 + width, y + 0.375), (x0, y + 0.375), (x0, y)]
                codes += [MPath.MOVETO, MPath.LINETO, MPath.LINETO, MPath.LINETO, MPath.CLOSEPOLY]
        shape = MPath(verts, codes) if verts else MPath([(0, 0)], [MPath.MOVETO])
        ax.add_patch(PathPatch(shape, facecolor=PALETTE[i % len(PALETTE)], hatch=HATCHES[i % len(HATCHES)],
                               edgecolor=EDGE, linewidth=0.3, label=part))
        left += widths
    for y, total in enumerate(left):
        ax.text(total, y, f" {_fmt(total)}", va="center", ha="left", fontsize=7)
    ax.set_xlim(0, max(float(left.max()) if len(left) else 0, 1) * 1.08)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_yticks(range(len(rows)), [str(r) for r in rows.index])
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(title=legend, ncols=min(len(parts), 7), loc="lower center",
              bbox_to_anchor=(0.5, 1.0), frameon=False, handleheight=1.4, handlelength=2.2)
    fig.tight_layout()
    return fig


def bars(frame: pd.DataFrame, x: str, y: str, xlabel: str, ylabel: str) -> plt.Figure:
    """Return a vertical bar chart of `y` by `x` (a bar a row, in the frame's order), from zero, each bar labelled
    with its value."""
    fig, ax = plt.subplots()
    places = np.arange(len(frame))
    drawn = ax.bar(places - 0.4, frame[y].to_numpy(dtype=float), width=0.8, align="edge", color=BAR,
                   edgecolor=EDGE, linewidth=0.4)
    ax.bar_label(drawn, labels=[_fmt(v) for v in drawn.datavalues], fontsize=7, padding=2)
    ax.set_xticks(places, frame[x].astype(str).tolist())
    ax.set_xlim(-0.5, max(len(frame), 1) - 0.5)
    ax.grid(axis="x", visible=False)
    ax.set_ylim(0, max(float(frame[y].max()) if len(frame) else 0, 1) * 1.12)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if frame[x].astype(str).str.len().max() > 8:
        ax.tick_params(axis="x", labelrotation=30)
        for tick in ax.get_xticklabels():
            tick.set_horizontalalignment("right")
    return _finish(fig, ax, xlabel, ylabel, None)


def lines(frame: pd.DataFrame, x: str, y: str, hue: str | None, xlabel: str,
          ylabel: str) -> plt.Figure:
    """Return a line chart of `y` over `x`, one line per `hue`, each with its own marker and dashes, from zero."""
    fig, ax = plt.subplots()
    groups = frame.groupby(hue, sort=False) if hue else [("", frame)]
    for i, (name, part) in enumerate(groups):
        ax.plot(part[x], part[y], label=name or None, color=PALETTE[i % len(PALETTE)], marker=MARKERS[i % len(MARKERS)],
                markersize=3, linestyle=LINESTYLES[i % len(LINESTYLES)], linewidth=1.2)
    ax.set_ylim(0, max(float(frame[y].max()) if len(frame) else 0, 1) * 1.12)
    _date_axis(ax, frame[x])
    return _finish(fig, ax, xlabel, ylabel, hue)


def on_duty(duty: pd.DataFrame, floor: int) -> plt.Figure:
    """Return SROs on duty on each school day (line with markers) against the floor (a labelled dashed line).

    Days under the floor are marked with a downward triangle as well as their colour.
    """
    fig, ax = plt.subplots()
    ax.plot(duty["date"], duty["sros_on_duty"], color=PALETTE[0], marker="o", markersize=3, linewidth=1.2,
            label="SROs on duty")
    below = duty[duty["sros_on_duty"] < floor]
    if len(below):
        ax.plot(below["date"], below["sros_on_duty"], linestyle="none", marker="v", markersize=6,
                color=PALETTE[3], markeredgecolor=EDGE, markeredgewidth=0.5, label="Day under the floor")
    ax.axhline(floor, color=EDGE, linestyle="--", linewidth=1)
    # The label sits outside the plot, right of the axes at the floor's height, where no data point can cross it.
    ax.annotate(f"Act 12 floor: {floor}", xy=(1, floor), xycoords=("axes fraction", "data"),
                xytext=(4, 0), textcoords="offset points", ha="left", va="center", fontsize=8,
                annotation_clip=False)
    top = max(float(duty["sros_on_duty"].max()) if len(duty) else 0, floor)
    ax.set_ylim(0, top * 1.15)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    _date_axis(ax, duty["date"])
    return _finish(fig, ax, "School day", "SROs on duty", "legend")


def date_ticks(first: pd.Timestamp, last: pd.Timestamp) -> tuple[mdates.DateLocator, str]:
    """Return where a date axis is ticked and its one label form: months as `Jan 2026`, else days as `Jan 26`.

    Past two months each tick is a month's first day (at most seven ticks); else a day, every few days.

    >>> locator, form = date_ticks(pd.Timestamp("2026-01-26"), pd.Timestamp("2026-06-12"))
    >>> form, [mdates.num2date(t).strftime(form) for t in locator.tick_values(pd.Timestamp("2026-01-26"),
    ...                                                                      pd.Timestamp("2026-06-12"))]
    ('%b %Y', ['Feb 2026', 'Mar 2026', 'Apr 2026', 'May 2026', 'Jun 2026'])
    >>> date_ticks(pd.Timestamp("2026-06-01"), pd.Timestamp("2026-06-12"))[1]
    '%b %-d'
    """
    days = (last - first).days
    if days > 62:
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        return mdates.MonthLocator(interval=-(-months // 7)), "%b %Y"
    return mdates.DayLocator(interval=max(1, -(-days // 8))), "%b %-d"


def _date_axis(ax: plt.Axes, values: pd.Series) -> None:
    """Tick a date axis by day or month as the span needs, in one label form (never half-days)."""
    if pd.api.types.is_datetime64_any_dtype(values) and len(values):
        locator, form = date_ticks(values.min(), values.max())
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.DateFormatter(form))


def school_map(schools: pd.DataFrame) -> plt.Figure:
    """Return the schools drawn at their coordinates, no base map (no network): a marker per kind of school,
    each point labelled with its school ID; longitude scaled to latitude so distances read true."""
    fig, ax = plt.subplots(figsize=(7.0, 6.2))
    kinds = schools["grade_band"].fillna("Other").astype(str)
    for i, kind in enumerate(sorted(kinds.unique())):
        part = schools[kinds == kind]
        ax.scatter(part["longitude"], part["latitude"], s=22, marker=MARKERS[i % len(MARKERS)],
                   color=PALETTE[i % len(PALETTE)], edgecolor=EDGE, linewidth=0.4, label=kind)
    for row in schools.itertuples():
        ax.annotate(str(row.school_id), (row.longitude, row.latitude), xytext=(3, 3), textcoords="offset points",
                    fontsize=6)
    ax.set_aspect(1 / np.cos(np.radians(float(schools["latitude"].mean()))))
    return _finish(fig, ax, "Longitude (degrees)", "Latitude (degrees)", "kind")


def describe_map(schools: pd.DataFrame) -> str:
    """Return the alt text of the map: how many schools of each kind, and the ends of the area they cover.

    >>> t = pd.DataFrame({"school_id": ["1", "2"], "school_name": ["A", "B"], "grade_band": ["K-8", "High School"],
    ...     "latitude": [43.0, 43.1], "longitude": [-87.9, -88.0]})
    >>> describe_map(t)
    'Map of 2 schools by their coordinates (1 High School, 1 K-8): northernmost B, southernmost A, westernmost B, easternmost A.'
    """
    if schools.empty:
        return "Map of the schools by their coordinates: no school with coordinates."
    kinds = schools["grade_band"].fillna("Other").astype(str).value_counts().sort_index()
    ends = {"northernmost": schools.loc[schools["latitude"].idxmax(), "school_name"],
            "southernmost": schools.loc[schools["latitude"].idxmin(), "school_name"],
            "westernmost": schools.loc[schools["longitude"].idxmin(), "school_name"],
            "easternmost": schools.loc[schools["longitude"].idxmax(), "school_name"]}
    return (f"Map of {len(schools)} schools by their coordinates ("
            + ", ".join(f"{n} {k}" for k, n in kinds.items()) + "): "
            + ", ".join(f"{end} {name}" for end, name in ends.items()) + ".")


def _finish(fig: plt.Figure, ax: plt.Axes, xlabel: str, ylabel: str, hue: str | None) -> plt.Figure:
    """Label the axes, set the legend in the house style and fit the layout."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if hue:
        ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


def describe_bars(labels: list[str], values: list[float], what: str) -> str:
    """Return the alt text of a bar chart: what it shows, its span, highest, lowest and total.

    >>> describe_bars(["January 2026", "February 2026", "March 2026"], [120, 80, 131], "calls for service by month")
    'Bar chart of calls for service by month, January 2026 to March 2026: highest March 2026 (131), lowest February 2026 (80), total 331.'
    """
    if not labels:
        return f"Bar chart of {what}: no records in this period."
    pairs = list(zip(labels, values))
    high = max(pairs, key=lambda p: p[1])
    low = min(pairs, key=lambda p: p[1])
    return (f"Bar chart of {what}, {labels[0]} to {labels[-1]}: highest {high[0]} ({_fmt(high[1])}), "
            f"lowest {low[0]} ({_fmt(low[1])}), total {_fmt(sum(values))}.")


def describe_stacked(frame: pd.DataFrame, label: str, parts: list[str], what: str, part_name: str) -> str:
    """Return the alt text of stacked bars: rows, the largest and smallest totals, each part's total.

    >>> t = pd.DataFrame({"school": ["A", "B"], "1": [2, 1], "2": [5, 0]})
    >>> describe_stacked(t, "school", ["1", "2"], "calls at each school", "priority")
    'Stacked bar chart of calls at each school, 2 bars by priority: most A (7), fewest B (1); total 8: priority 1: 3, priority 2: 5.'
    """
    totals = frame.set_index(label)[parts].sum(axis=1)
    if totals.empty:
        return f"Stacked bar chart of {what}: no records in this period."
    by_part = ", ".join(f"{part_name} {p}: {_fmt(frame[p].sum())}" for p in parts)
    return (f"Stacked bar chart of {what}, {len(totals)} bars by {part_name}: most {totals.idxmax()} "
            f"({_fmt(totals.max())}), fewest {totals.idxmin()} ({_fmt(totals.min())}); "
            f"total {_fmt(totals.sum())}: {by_part}.")


def describe_on_duty(duty: pd.DataFrame, floor: int) -> str:
    """Return the alt text of the SROs-on-duty chart: days, range, median, days under the floor.

    >>> duty = pd.DataFrame({"date": pd.to_datetime(["2026-03-09", "2026-03-10"]), "sros_on_duty": [24, 27]})
    >>> describe_on_duty(duty, 25)
    'Line chart of SROs on duty in school hours on each of 2 school days, March 9, 2026 to March 10, 2026, against the Act 12 floor of 25 (a dashed line): from 24 to 27 on duty, median 25.5; 1 day under the floor, the fewest 24 on March 9, 2026.'
    """
    if duty.empty:
        return f"Line chart of SROs on duty against the Act 12 floor of {floor}: no school days in this period."
    counts = duty["sros_on_duty"]
    below = duty[counts < floor]
    first, last = duty["date"].min().date(), duty["date"].max().date()
    text = (f"Line chart of SROs on duty in school hours on each of {len(duty)} school days, {_long_date(first)} "
            f"to {_long_date(last)}, against the Act 12 floor of {floor} (a dashed line): from {_fmt(counts.min())} "
            f"to {_fmt(counts.max())} on duty, median {_fmt(float(counts.median()))}; ")
    if below.empty:
        return text + "no day under the floor."
    worst = below.loc[below["sros_on_duty"].idxmin()]
    days = "1 day" if len(below) == 1 else f"{len(below)} days"
    return text + (f"{days} under the floor, the fewest {_fmt(worst['sros_on_duty'])} on "
                   f"{_long_date(worst['date'].date())}.")
