"""The house charts: seaborn style, colour-blind-safe palette; each returns a figure to caption."""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns


def stacked_bars(frame: pd.DataFrame, label: str, parts: list[str], xlabel: str,
                 legend: str) -> plt.Figure:
    """Return horizontal bars of `parts` stacked per row of `frame`, labelled by `label`."""
    rows = frame.set_index(label)[parts]
    fig, ax = plt.subplots(figsize=(7.0, 0.22 * len(rows) + 1.2))
    left = pd.Series(0, index=rows.index, dtype="float64")
    for colour, part in zip(sns.color_palette("colorblind", len(parts)), parts):
        ax.barh(rows.index, rows[part], left=left, color=colour, label=part, height=0.75)
        left += rows[part]
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_ylabel("")
    ax.legend(title=legend, ncols=min(len(parts), 7), loc="lower center",
              bbox_to_anchor=(0.5, 1.0), frameon=False)
    fig.tight_layout()
    return fig


def bars(frame: pd.DataFrame, x: str, y: str, xlabel: str, ylabel: str,
         hue: str | None = None) -> plt.Figure:
    """Return a vertical bar chart of `y` by `x` (and `hue`)."""
    fig, ax = plt.subplots()
    sns.barplot(frame, x=x, y=y, hue=hue, ax=ax, palette="colorblind" if hue else None,
                color=None if hue else sns.color_palette("colorblind")[0])
    return _finish(fig, ax, xlabel, ylabel, hue)


def lines(frame: pd.DataFrame, x: str, y: str, hue: str | None, xlabel: str,
          ylabel: str) -> plt.Figure:
    """Return a line chart of `y` over `x`, one line per `hue`."""
    fig, ax = plt.subplots()
    sns.lineplot(frame, x=x, y=y, hue=hue, marker="o", markersize=3, ax=ax,
                 palette="colorblind" if hue else None)
    if pd.api.types.is_datetime64_any_dtype(frame[x]):
        locator = mdates.AutoDateLocator(minticks=3)  # a short month gets day ticks, not half-days
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    return _finish(fig, ax, xlabel, ylabel, hue)


def _finish(fig: plt.Figure, ax: plt.Axes, xlabel: str, ylabel: str, hue: str | None) -> plt.Figure:
    """Label the axes, set the legend in the house style and fit the layout."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if hue:
        ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return fig
