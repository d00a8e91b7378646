"""`OUT/index.html`: one page that lists every report of a run, like a portfolio site's index page.

Reports are grouped by audience (MPS, then MPD internal) and by kind, one table per kind with a
row per school, officer or month: period, status, and links to the PDF, the HTML beside it where
the renderer wrote one, the tables, the executed notebook and, for MPS reports, the copy in the
release. A failed report shows its failing cell and error, with a link to its notebook. The page
is plain HTML with no script or outside resource: language and title set, headings in order,
tables with captions and header cells, links that say what they open.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from sro_reporting.files import write_text
from sro_reporting.running.manifest import STALE
from sro_reporting.running.plan import KINDS
from sro_reporting.running.release import INTERNAL, MPS

AUDIENCES = {"mps": "For Milwaukee Public Schools", "mpd_internal": "MPD internal"}
PLURALS = {"annual": "Annual report", "semester": "Semester report", "school": "School consultation packets",
           "officer": "Officer activity reports", "monthly": "Monthly briefs", "compliance": "Program compliance",
           "dpi-118124": "Wis. Stat. 118.124 incident report"}
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1a1a1a; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1.5rem; }
caption { text-align: left; font-weight: 600; padding: 0.3rem 0; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid #8a8a8a; padding: 0.35rem 0.6rem; }
thead th { border-bottom: 2px solid #1a1a1a; }
.failed { color: #9b1c1c; font-weight: 600; }
.error { font-family: ui-monospace, monospace; font-size: 0.9em; white-space: pre-wrap; margin: 0.3rem 0 0; }
a { color: #0b4f9c; }
a:focus { outline: 3px solid #f2a900; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _get(entry, name: str, default=None):
    return entry.get(name, default) if isinstance(entry, dict) else getattr(entry, name, default)


def period_label(parameters: dict) -> str:
    """Return a report's period in words from its parameters.

    >>> period_label({"school_year": "2025-26"})
    'School year 2025-26'
    >>> period_label({"school_year": "2025-26", "semester": "spring"})
    'Spring semester 2025-26'
    >>> period_label({"school_year": "2025-26", "semester": "spring", "period_start": "2026-03-01",
    ...               "period_end": "2026-03-31"})
    'March 2026'
    >>> period_label({"school_year": "2025-26", "semester": "spring", "period_start": "2026-01-26",
    ...               "period_end": "2026-01-31"})
    'January 26 to 31, 2026'
    """
    start, end = parameters.get("period_start"), parameters.get("period_end")
    if start and end:
        a, b = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        next_day = b + dt.timedelta(days=1)
        if a.day == 1 and next_day.day == 1 and (a.year, a.month) == (b.year, b.month):
            return f"{a:%B %Y}"
        if (a.year, a.month) == (b.year, b.month):
            return f"{a:%B} {a.day} to {b.day}, {a.year}"
        return f"{a:%B} {a.day}, {a.year} to {b:%B} {b.day}, {b.year}"
    if parameters.get("semester"):
        return f"{parameters['semester'].title()} semester {parameters.get('school_year', '')}".strip()
    return f"School year {parameters.get('school_year', '')}".strip()


def _when(stamp: str) -> str:
    """Return an ISO time stamp as a reader writes it: November 28, 2026 at 10:51.

    >>> _when("2026-11-28T10:51:56-06:00")
    'November 28, 2026 at 10:51'
    """
    try:
        t = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    return f"{t:%B} {t.day}, {t.year} at {t:%H:%M}"


def _entity(entry) -> str:
    subject = _get(entry, "subject") or ""
    params = _get(entry, "parameters") or {}
    ident = params.get("school_id") or params.get("officer_id")
    if ident and ident not in subject:
        return f"{subject} ({ident})" if subject else ident
    return subject or ("District" if _get(entry, "audience") == "mps" else "Program")


def _link(href: str, text: str, about: str) -> str:
    return f'<a href="{_e(href)}">{_e(text)}<span class="visually-hidden"> of {_e(about)}</span></a>'


def _files(out: Path, entry, about: str) -> str:
    stem = _get(entry, "stem")
    links = []
    if (out / INTERNAL / f"{stem}.pdf").is_file():
        links.append(_link(f"{INTERNAL}/{stem}.pdf", "PDF", about))
    if (out / INTERNAL / f"{stem}.html").is_file():
        links.append(_link(f"{INTERNAL}/{stem}.html", "HTML", about))
    tables = out / INTERNAL / "tables" / stem
    if tables.is_dir():
        count = sum(1 for _ in tables.glob("*.csv"))
        links.append(_link(f"{INTERNAL}/tables/{stem}/", f"tables ({count})", about))
    if (out / INTERNAL / f"{stem}.ipynb").is_file():
        links.append(_link(f"{INTERNAL}/{stem}.ipynb", "notebook", about))
    if _get(entry, "audience") == "mps" and (out / MPS / f"{stem}.pdf").is_file():
        links.append(_link(f"{MPS}/{stem}.pdf", "release copy", about))
    return " &middot; ".join(links) or "none"


def _status(entry) -> str:
    if _get(entry, "status") == "ok":
        return "Unchanged" if _get(entry, "skipped") else "Made"
    err = _get(entry, "error") or {}
    if _get(entry, "status") == STALE:
        return f'<span class="failed">Stale</span><p class="error">{_e(err.get("evalue"))}</p>'
    cell = f"Cell {err['cell']}" if err.get("cell") is not None else "Before any cell"
    return (f'<span class="failed">Failed</span><p class="error">{_e(cell)}: {_e(err.get("ename"))}: '
            f'{_e(err.get("evalue"))}</p>')


def _kind_table(out: Path, kind: str, entries: list, level: int) -> str:
    title = PLURALS.get(kind, KINDS[kind].title if kind in KINDS else kind)
    rows = []
    for entry in entries:
        about = f"{KINDS[kind].title if kind in KINDS else kind}, {_entity(entry)}"
        rows.append(f'<tr id="{_e(_get(entry, "stem"))}"><th scope="row">{_e(_entity(entry))}</th>'
                    f'<td>{_e(period_label(_get(entry, "parameters") or {}))}</td>'
                    f'<td>{_status(entry)}</td><td>{_files(out, entry, about)}</td></tr>')
    failed = sum(_get(e, "status") != "ok" for e in entries)
    caption = f"{title}: {len(entries)} report{'s' * (len(entries) != 1)}" + (f", {failed} failed" if failed else "")
    return (f"<h{level}>{_e(title)}</h{level}>\n<table>\n<caption>{_e(caption)}</caption>\n"
            '<thead><tr><th scope="col">For</th><th scope="col">Period</th><th scope="col">Status</th>'
            '<th scope="col">Files</th></tr></thead>\n<tbody>\n' + "\n".join(rows) + "\n</tbody>\n</table>")


def _where(out: Path, entry) -> str:
    """Return where to look at a failed report: its notebook at the failing cell, or the reason none was made."""
    notebook = _get(entry, "notebook")
    if (out / INTERNAL / notebook).is_file():
        link = _link(f"{INTERNAL}/{notebook}", "notebook", _get(entry, "stem"))
        return f"Its executed notebook opens at the failing cell: {link}"
    return f'No report was started: {_e((_get(entry, "error") or {}).get("evalue"))}'


def _release(release: dict) -> str:
    """Return the index's sentence on the MPS release: where it is, or why there is none."""
    if release.get("none"):
        return "No release for MPS: no report in this folder is for MPS."
    if release.get("withheld"):
        return f'<span class="failed">No release for MPS</span>: {_e(release["withheld"])}.'
    return f'The release for MPS, handed over as it is: <a href="{MPS}/">the mps folder</a>.'


def render(out: Path, manifest: dict, limits: list[str] | None = None) -> str:
    """Return the index page of the run in `out` from its manifest (a dict as written to JSON)."""
    out = Path(out)
    limits = manifest.get("limits", []) if limits is None else limits
    params = manifest.get("parameters", {})
    outputs = manifest.get("outputs", [])
    failed = [e for e in outputs if _get(e, "status") != "ok"]
    unchanged = [e for e in outputs if _get(e, "status") == "ok" and _get(e, "skipped")]
    made = len(outputs) - len(failed) - len(unchanged)
    period = period_label({"school_year": params.get("school_year", ""), "semester": params.get("semester")})
    quality = manifest.get("data_quality", {})
    title = f"SRO program reports, {period}"
    header = (f"<header>\n<h1>{_e(title)}</h1>\n<p>Milwaukee Police Department, School Resource Officer program. "
              f"Run finished {_e(_when(manifest.get('finished', '')))}; package version "
              f"{_e(manifest.get('package_version', ''))}.</p>\n</header>\n<main>")
    summary = ('<section aria-labelledby="summary">\n<h2 id="summary">Summary</h2>\n<ul>'
               f"<li>{len(outputs)} reports: {made} made, {len(unchanged)} unchanged (made by an earlier run in "
               f"this folder from the same inputs, parameters and code), {len(failed)} failed.</li>"
               f"<li>Data-quality problems: {quality.get('errors', 0)} errors, {quality.get('warnings', 0)} warnings "
               f'(<a href="{INTERNAL}/data_quality.csv">data_quality.csv</a>, every problem with its file, line, '
               "column and rule).</li>"
               f'<li>What the run read and made: <a href="{INTERNAL}/manifest.json">manifest.json</a>.</li>'
               f"<li>{_release(manifest.get('release') or {})}</li>"
               "</ul>")
    parts = [header, summary]
    if limits:
        parts.append("<h3>What the data cannot give</h3>\n<ul>" + "".join(f"<li>{_e(x)}</li>" for x in limits) + "</ul>")
    parts.append("</section>")
    if failed:
        items = "".join(f'<li><a href="#{_e(_get(e, "stem"))}">{_e(_get(e, "stem"))}</a>: '
                        f'{_e((_get(e, "error") or {}).get("ename"))}. {_where(out, e)}</li>' for e in failed)
        parts.append(f'<section aria-labelledby="failed">\n<h2 id="failed">Failed reports</h2>\n<ul>{items}</ul>\n'
                     "</section>")
    for audience, heading in AUDIENCES.items():
        mine = [e for e in outputs if _get(e, "audience") == audience]
        if not mine:
            continue
        section = [f'<section aria-labelledby="{audience}">\n<h2 id="{audience}">{_e(heading)}</h2>']
        present = dict.fromkeys(_get(e, "report") for e in mine)
        for kind in sorted(present, key=lambda k: list(KINDS).index(k) if k in KINDS else len(KINDS)):
            section.append(_kind_table(out, kind, [e for e in mine if _get(e, "report") == kind], 3))
        section.append("</section>")
        parts.append("\n".join(section))
    parts.append("</main>")
    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            + "\n".join(parts) + "\n</body>\n</html>\n")


def write(out: Path, manifest: dict, limits: list[str] | None = None) -> Path:
    """Write `out/index.html` for the run (through a temporary name); return its path."""
    return write_text(Path(out) / "index.html", render(out, manifest, limits))
