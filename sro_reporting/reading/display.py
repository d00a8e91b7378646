"""How a `DataSet` shows itself in a notebook: a short summary, not every table as text.

The summary names the folder, each table with its rows (or why it has none), and the problems
by severity, with the commonest kinds of problem written out in full; `data.problems` has them all.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from sro_reporting.reading.quality import SEVERITIES, rule_kind
from sro_reporting.reading.tables import TABLES

TOP_KINDS = 8  # kinds of problem listed in the summary


def _rows(data) -> list[tuple[str, str, str]]:
    """Return (table, rows, note) for each contract table."""
    files = {f.table: f for f in data.files}
    out = []
    for name, table in TABLES.items():
        frame = data.tables.get(name)
        if name in files:
            read = files[name].rows
            rows = f"{len(frame):,}" if frame is not None else f"{read:,} read"
            note = Path(files[name].path).name + ("" if data.usable.get(name, True) else "; not usable")
            if frame is not None and len(frame) < read:
                note += f"; {read - len(frame):,} of {read:,} rows left out (see data.problems)"
        else:
            rows, note = "", "not provided (optional)" if table.optional else "file missing"
        out.append((name, rows, note))
    return out


def _counts(problems: pd.DataFrame) -> dict[str, int]:
    counts = problems["severity"].value_counts()
    return {s: int(counts.get(s, 0)) for s in SEVERITIES}


def _kinds(problems: pd.DataFrame) -> pd.DataFrame:
    """Return the commonest kinds of problem: table, column, rule (without values), severity, count."""
    if problems.empty:
        return pd.DataFrame(columns=["table", "column", "rule", "severity", "problems"])
    kinds = problems.assign(rule=problems["rule"].map(rule_kind))
    out = kinds.groupby(["table", "column", "rule", "severity"], sort=False).size().rename("problems").reset_index()
    order = {s: i for i, s in enumerate(SEVERITIES)}
    out = out.assign(_order=out["severity"].map(order)).sort_values(["_order", "problems"], ascending=[True, False])
    return out.drop(columns="_order").head(TOP_KINDS)


def text(data) -> str:
    """Return the summary as plain text (`repr(data)`)."""
    counts = _counts(data.problems)
    lines = [f"DataSet from {data.data_dir}"]
    lines += [f"  {name:<18} {rows:>9}  {note}" for name, rows, note in _rows(data)]
    lines.append("Problems: " + ", ".join(f"{n:,} {s}s" for s, n in counts.items())
                 + " (data.problems lists each one)")
    return "\n".join(lines)


def html_summary(data) -> str:
    """Return the summary as HTML (what JupyterLab shows for `data`)."""
    e = html.escape
    counts = _counts(data.problems)
    rows = "".join(f'<tr><th scope="row">{e(n)}</th><td style="text-align:right">{e(r)}</td><td>{e(note)}</td></tr>'
                   for n, r, note in _rows(data))
    kinds = _kinds(data.problems)
    kind_rows = "".join(
        f"<tr><td>{e(k.table)}</td><td>{e(k.column)}</td><td style='white-space:normal'>{e(k.rule)}</td>"
        f"<td>{e(k.severity)}</td><td style='text-align:right'>{k.problems:,}</td></tr>"
        for k in kinds.itertuples())
    problems = ", ".join(f"{n:,} {s}s" for s, n in counts.items())
    more = (f"<table><caption>Commonest kinds of problem</caption><thead><tr><th scope='col'>Table</th>"
            "<th scope='col'>Column</th><th scope='col'>Rule</th><th scope='col'>Severity</th>"
            f"<th scope='col'>Problems</th></tr></thead><tbody>{kind_rows}</tbody></table>") if len(kinds) else ""
    return (f"<div><strong>DataSet</strong> from <code>{e(str(data.data_dir))}</code>"
            f"<table><caption>Tables</caption><thead><tr><th scope='col'>Table</th><th scope='col'>Rows</th>"
            f"<th scope='col'>File</th></tr></thead><tbody>{rows}</tbody></table>"
            f"<p>Problems: {e(problems)}. <code>data.problems</code> lists each one; "
            f"<code>data.calls</code>, <code>data.enforcement</code>, ... are the tables.</p>{more}</div>")
