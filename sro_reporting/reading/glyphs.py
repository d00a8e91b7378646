"""Text the reports print that their fonts cannot draw: a data-quality warning, not a box in a chart.

The PDF's text falls back to the system's fonts for a character its own font lacks; a chart
draws with matplotlib's DejaVu Sans alone, which would print an empty box. So every text column
a report prints is checked against that font once per distinct value.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import pandas as pd

from sro_reporting.reading.quality import problems_at, problems_frame
from sro_reporting.reading.readers import LINE

PRINTED = {"schools": ("school_name",), "calls_for_service": ("nature_of_call", "disposition"),
           "use_of_force": ("force_type",), "officers": ("display_name",)}


@functools.cache
def chart_characters() -> frozenset[int]:
    """Return the code points matplotlib's DejaVu Sans draws."""
    from fontTools.ttLib import TTFont

    package = Path(importlib.util.find_spec("matplotlib").submodule_search_locations[0])
    with TTFont(package / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf", lazy=True) as font:
        return frozenset(font.getBestCmap())


def _lacking(text: str) -> str:
    """Return the characters of `text` the chart font lacks (blank when none)."""
    have = chart_characters()
    return "".join(sorted({c for c in text if ord(c) not in have and not c.isspace()}))


def missing_glyphs(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Return a warning for every printed text cell with a character the report's chart font cannot draw.

    >>> frame = pd.DataFrame({"school_name": ["Alpha High", "Escuela 学校"], "_line": [2, 3]})
    >>> missing_glyphs({"schools": frame})[["line", "rule"]].values.tolist()
    [[3, 'characters not in the report font (学校); a chart draws them as empty boxes']]
    """
    found = []
    for name, columns in PRINTED.items():
        table = tables.get(name)
        for column in columns if table is not None else ():
            values = table[column].dropna()
            lacking = pd.Series({v: _lacking(v) for v in values.unique()}, dtype="str")
            lacking = lacking[lacking != ""]
            if lacking.empty:  # as nearly always: a city-wide export's millions of cells need no second pass
                continue
            bad = values.isin(lacking.index)
            if bad.any():
                rules = "characters not in the report font (" + values[bad].map(lacking) + \
                    "); a chart draws them as empty boxes"
                found.append(problems_at(name, table.loc[bad[bad].index, LINE], column, values[bad], rules,
                                         "warning"))
    return pd.concat(found, ignore_index=True) if found else problems_frame()
