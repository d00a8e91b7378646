"""What an output folder lists after a run: one period, every report it holds, each current or marked stale.

A run into a folder where an earlier run left reports plans those reports too (issue 23, item 4). Each
is kept as it is where its inputs, parameters and code are unchanged (`batch._split_unchanged`), made
again where this run was asked for it, and otherwise listed as `stale` with the data version it was
made from: it stays on disk and in the manifest, so nothing is left unlisted, and the MPS release
that would hold it is withheld (`running.release`). A report the period no longer has (a school the
data no longer list as taking part) is removed, and the run says so. One folder holds one period.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from sro_reporting.reading.dataset import InputFile  # noqa: F401 - named in the doctests
from sro_reporting.running.manifest import STALE, OutputEntry
from sro_reporting.running.plan import KINDS

REMAKE = "run the period's batch again (without --school, --officer or --month) to re-make it"


def period(parameters: dict) -> str:
    """Return a run's period in words, from its manifest parameters.

    >>> period({"school_year": "2025-26", "semester": "spring"}), period({"school_year": "2025-26"})
    ('the spring semester of 2025-26', 'the school year 2025-26')
    """
    if parameters.get("semester"):
        return f"the {parameters['semester']} semester of {parameters.get('school_year')}"
    return f"the school year {parameters.get('school_year')}"


def period_clash(before: dict, school_year: str, semester: str | None, out: Path) -> str:
    """Return why a run of this period cannot write into a folder of another period's reports, or ''.

    `before` is the folder's last manifest (its `parameters` and `outputs`); an empty folder has none.
    """
    params = before.get("parameters") or {}
    if not before.get("outputs") or (params.get("school_year"), params.get("semester")) == (school_year, semester):
        return ""
    now = period({"school_year": school_year, "semester": semester})
    return (f"output folder {out} holds the reports of {period(params)}, and one release holds one period: "
            f"give {now} another --out (for example {out.parent / (out.name + '-' + (semester or 'year'))}), "
            "or empty this one")


def kinds(wanted: list[str], previous: dict[str, dict]) -> list[str]:
    """Return the kinds a run plans: those asked for, then the others the folder's earlier reports are of."""
    held = {entry.get("report") for entry in previous.values()}
    return [*wanted, *(name for name in KINDS if name in held and name not in wanted)]


def changed_inputs(manifest: dict, files: list) -> list[str]:
    """Return the input tables whose files differ between a manifest's `inputs` and the files read now.

    >>> changed_inputs({"inputs": [{"table": "a", "sha256": "1"}, {"table": "b", "sha256": "2"}]},
    ...                [InputFile("a", "a.csv", "1", 3), InputFile("b", "b.csv", "9", 3)])
    ['b']
    """
    was = {i.get("table"): i.get("sha256") for i in manifest.get("inputs", [])}
    now = {f.table: f.sha256 for f in files}
    return sorted(t for t in was.keys() | now.keys() if was.get(t) != now.get(t))


def stale(before: dict, data_version: str, earlier: dict | None = None,
          changed: list[str] | None = None) -> OutputEntry:
    """Return a report an earlier run made, which this run neither kept nor made again, marked stale.

    `earlier` is the folder's last manifest and `changed` the input tables that differ from it: where the
    report was made from that manifest's data, the reason names them.
    """
    fields = {f.name for f in dataclasses.fields(OutputEntry)}
    entry = OutputEntry(**{k: v for k, v in before.items() if k in fields})
    made_from = entry.data_version or (entry.parameters or {}).get("snapshot", "")
    known = changed is not None and (earlier or {}).get("data_version") == made_from
    if before.get("status") not in ("ok", STALE):
        why = f"it failed in an earlier run and this run did not make it again; {REMAKE}"
    elif made_from != data_version and known:
        what = f"the input files of {', '.join(changed)} changed since" if changed else \
            "the inputs are the same, but the package's code changed since"
        why = f"made from data version {made_from}, and {what} (data version now {data_version}); {REMAKE}"
    elif made_from != data_version:
        why = f"made from data version {made_from or 'unknown'}, and the data are now version {data_version}; {REMAKE}"
    else:
        why = f"made with other parameters, code or notebooks, or its files changed since; {REMAKE}"
    return dataclasses.replace(entry, status=STALE, skipped=False, data_version=made_from,
                               error={"cell": None, "execution_count": None, "ename": "Stale", "evalue": why})
