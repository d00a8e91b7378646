"""Checks a run makes before any report starts, and what the data cannot give.

`check_files` looks at the folder only (file names and header rows, a fraction of a second), so a
run with a missing table stops before it loads anything or starts a kernel. `check_data` looks at
the loaded data set (a file that cannot be read, a column missing under a name the header check
did not know), so no report starts that would only fail. Each gives one message per table, naming
the reports that need it. `data_limits` says which figures the data cannot give.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path


from sro_reporting.reading.dataset import DataSet
from sro_reporting.reading.readers import normalize_name
from sro_reporting.reading.sources import SNIFF, file_kind, find_file, table_files
from sro_reporting.reading.tables import TABLES
from sro_reporting.running.plan import KINDS

# The city's public dispatched-call layout (contract section 3), as header names compare.
CITY_CALL_LAYOUT = ("call_number", "date_time", "location", "police_district", "nature_of_call", "status")
# Words in the name of a file downloaded from the city's call data or saved from a CAD query.
CALL_FILE_WORDS = ("call", "cad", "dispatch", "mpd")


def needed_tables(reports: list[str]) -> dict[str, list[str]]:
    """Return each table the reports need, in the contract's order, with the reports that need it."""
    return {name: [r for r in reports if name in KINDS[r].needs]
            for name in TABLES if any(name in KINDS[r].needs for r in reports)}


def header(path: Path) -> list[str] | None:
    """Return a table file's header row as the contract compares names, or None where it cannot be read."""
    try:
        with path.open("rb") as fh:
            head = fh.read(SNIFF)
        # By content, not name, as the load reads it: a workbook saved as .csv, a UTF-16 export.
        if file_kind(head) != "text":
            return None  # the load reads it whole and says what is wrong, if anything
        names = next(csv.reader(io.StringIO(head.decode("utf-8-sig", errors="replace"))), [])
    except Exception:  # noqa: BLE001 - the load says what is wrong with an unreadable file
        return None
    return [normalize_name(n) for n in names]


def missing_columns(table: str, names: list[str]) -> list[str]:
    """Return the required columns of `table` that a header lacks (aliases count)."""
    t = TABLES[table]
    found = set(names) | {t.aliases[n] for n in names if n in t.aliases}
    return [c.name for c in t.columns if c.required and c.name not in found]


def call_download_hint(data_dir: Path) -> str:
    """Return a hint naming a file that looks like the city's call download, or ''."""
    tables = set(table_files(Path(data_dir)).values())
    others = sorted(p for p in Path(data_dir).iterdir()
                    if p.is_file() and p.suffix.lower() in (".csv", ".xlsx") and p not in tables)
    for path in others:
        names = header(path) or []
        if set(CITY_CALL_LAYOUT) <= set(names):
            return (f" {path.name} has the city's public call layout ({', '.join(CITY_CALL_LAYOUT)}): "
                    f"rename or copy it to calls_for_service{path.suffix.lower()}.")
    named = [p.name for p in others if any(w in p.stem.lower() for w in CALL_FILE_WORDS)]
    if named:
        return (f" Is {' or '.join(named)} the call export? Name it calls_for_service.csv "
                "(or .xlsx); the city's public layout is read as it is.")
    return ""


def _message(table: str, reason: str, reports: list[str], hint: str = "") -> str:
    return f"{table}: {reason}; needed by {', '.join(reports)}.{hint}"


def check_files(data_dir: Path, reports: list[str]) -> list[str]:
    """Return one message per table the reports need that the folder lacks, or whose header lacks a column."""
    data_dir = Path(data_dir)
    messages = []
    for name, needing in needed_tables(reports).items():
        path = find_file(data_dir, TABLES[name])
        if path is None:
            hint = call_download_hint(data_dir) if name == "calls_for_service" else ""
            messages.append(_message(name, f"no file {name}.csv or {name}.xlsx in {data_dir}", needing, hint))
            continue
        names = header(path)
        lacking = missing_columns(name, names) if names is not None else []
        if lacking:
            messages.append(_message(name, f"{path.name} lacks required column(s) {', '.join(lacking)} "
                                     f"(found: {', '.join(names) or 'none'})", needing))
    return messages


def check_data(data: DataSet, reports: list[str]) -> list[str]:
    """Return one message per table the reports need that the loaded data set cannot use."""
    messages = []
    problems = data.problems
    for name, needing in needed_tables(reports).items():
        if data.usable.get(name):
            continue
        if name not in {f.table for f in data.files}:
            reason = f"no file {name}.csv or {name}.xlsx in {data.data_dir}"
        else:
            rows = problems[(problems["table"] == name) & (problems["severity"] == "error")
                            & (problems["line"].isna() | (problems["line"] == 1))]
            reason = "; ".join(dict.fromkeys(rows["rule"])) or "not usable (see data_quality.csv)"
        hint = call_download_hint(data.data_dir) if name == "calls_for_service" else ""
        messages.append(_message(name, reason, needing, hint))
    return messages


QUARTERLY_OPTIONAL = {"searches": "searches", "assignments": "the SROs assigned to each school",
                      "complaints": "complaints"}  # the quarterly's optional tables, and what each gives


def data_limits(data: DataSet, reports: list[str] | None = None) -> list[str]:
    """Return, in words, the figures the reports cannot give from this data (empty when none).

    The city's public call layout has no priority and no response times; a folder without
    `enrollment` gives no rates per student.
    """
    wanted = reports or list(KINDS)
    needs = {t for r in wanted for t in KINDS[r].needs}
    limits = []
    calls = data.tables.get("calls_for_service")
    if "calls_for_service" in needs and data.usable.get("calls_for_service") and calls is not None and len(calls):
        if calls["priority"].isna().all():
            limits.append("No call priorities in calls_for_service (the city's public layout has none): "
                          "calls are counted under priority 'not recorded'.")
        times = ["dispatch_datetime", "arrival_datetime", "cleared_datetime"]
        if all(calls[c].isna().all() for c in times):
            limits.append("No dispatch, arrival or cleared times in calls_for_service: "
                          "no response times can be given.")
    if not data.usable.get("enrollment") and {"annual", "semester"} & set(wanted):
        limits.append("No enrollment table: no rates per student and no disparity indices.")
    if "quarterly" in wanted:
        limits += [f"No {table} table: {what} read \"not collected\" in the quarterly reports (blank, never 0)."
                   for table, what in QUARTERLY_OPTIONAL.items() if not data.usable.get(table)]
    return limits
