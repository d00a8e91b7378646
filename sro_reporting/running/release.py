"""The run folder's two parts: `internal/` for MPD and `mps/`, the release handed to MPS as it is.

`mps/` holds the `mps` reports' PDFs (and HTML), their CSV tables, a data-quality summary with
counts only, a guide to every file and column (`running.guide`), and a manifest of its own files
with their sha256 and each report's data version: nothing else (no officer ID or name, not even in
its parameters). It is assembled in a staging folder beside it and swapped in whole, so a reader
never sees half a release. A release is whole
or absent: where any `mps` report the folder lists is not current (failed, or stale: made from
other data), there is no `mps/` and the run manifest says why (issue 23, item 4).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import shutil
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from sro_reporting import __version__
from sro_reporting.disclosure import ledger
from sro_reporting.disclosure.audit import GRADE_BANDS, audit
from sro_reporting.disclosure.layout import LAYOUTS
from sro_reporting.files import remove, write_csv, write_text
from sro_reporting.params import SchoolYear
from sro_reporting.reading.quality import release_summary
from sro_reporting.running import guide

INTERNAL, MPS, FAILED = "internal", "mps", "mps-failed-audit"
# The run's parameters that the release repeats: the period and the kinds; never `only` (an officer's ID).
PUBLIC_PARAMETERS = ("school_year", "semester", "reports")
SHOWN = 3  # reports named in the line that says why a release is withheld
# Contract section 4: the annual report's III.F tables also sit at the root of `tables/`.
CONTRACT_TABLES = ("calls_by_priority_disposition.csv", "arrests_citations_by_school.csv")


def publish_contract_tables(internal: Path, annual_stem: str) -> None:
    """Copy the annual report's III.F tables to the root of `internal/tables/`."""
    for name in CONTRACT_TABLES:
        source = internal / "tables" / annual_stem / name
        if source.exists():
            write_text(internal / "tables" / name, source.read_text())


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target, follow_symlinks=False)


def _stage(internal: Path, staging: Path, stems: Iterable[str], annual: str | None) -> None:
    """Copy each released report's PDF, HTML and tables from `internal/` into the staging folder."""
    for stem in stems:
        for suffix in (".pdf", ".html"):
            if (internal / f"{stem}{suffix}").is_file():
                _copy(internal / f"{stem}{suffix}", staging / f"{stem}{suffix}")
        for csv in sorted((internal / "tables" / stem).glob("*.csv")):
            _copy(csv, staging / "tables" / stem / csv.name)
    if annual is not None:
        for name in CONTRACT_TABLES:
            if (internal / "tables" / name).is_file():
                _copy(internal / "tables" / name, staging / "tables" / name)


def _layouts(internal: Path, stems: Iterable[str]) -> dict[str, dict]:
    """Return the layout of every released table that has one, by its path in the release."""
    found = {}
    for stem in stems:
        source = internal / "tables" / stem / LAYOUTS
        if source.is_file():
            found.update({f"tables/{stem}/{name}": layout for name, layout in json.loads(source.read_text()).items()})
    return found


def file_list(folder: Path) -> list[dict]:
    """Return every file of a folder with its path (relative, `/`-separated), size and sha256."""
    return [{"path": p.relative_to(folder).as_posix(), "bytes": p.stat().st_size,
             "sha256": hashlib.sha256(p.read_bytes()).hexdigest()}
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "manifest.json"]


def _swap(staging: Path, target: Path) -> None:
    """Put the staged release in place of the old one."""
    old = target.with_name(f".{target.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if target.is_symlink() or target.is_file():
        target.unlink()
    elif target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _audit(staging: Path, min_cell: int, entries: list[ledger.Entry]) -> dict:
    """Run the disclosure audit on the staged release with what MPS has; return its summary (no values)."""
    found, broken = audit(staging, min_cell, entries)
    return {"passed": not broken, "min_cell": min_cell, **summary(found), "problems": broken}


def summary(found: pd.DataFrame) -> dict:
    """Return the audit's figures: hidden and derived counts, those pinned, the narrowest range."""
    hidden = found[found["kind"] == "hidden"] if len(found) else found
    return {"hidden_cells": len(hidden), "derived_cells": len(found) - len(hidden),
            "pinned": int(((found["width"] == 0) & (found["low"] != 0)).sum()) if len(found) else 0,
            "narrowest_range": int(hidden["width"].min()) if len(hidden) else None}


def withheld_because(reports: list[dict]) -> str:
    """Return why the `mps` reports listed cannot be released together, or '' when every one is current.

    >>> withheld_because([{"stem": "a", "audience": "mps", "status": "stale"},
    ...                   {"stem": "b", "audience": "mps", "status": "ok"}, {"stem": "c", "audience": "mps",
    ...                   "status": "failed"}, {"stem": "d", "audience": "mpd_internal", "status": "failed"}])
    '2 of the 3 MPS reports are not current: 1 stale (a), 1 failed (c)'
    """
    mine = [r for r in reports if r["audience"] == MPS]
    lacking = [r for r in mine if r["status"] != "ok"]
    if not lacking:
        return ""
    parts = []
    for status in dict.fromkeys(r["status"] for r in lacking):
        stems = [r["stem"] for r in lacking if r["status"] == status]
        more = f" and {len(stems) - SHOWN} more" if len(stems) > SHOWN else ""
        parts.append(f"{len(stems)} {status} ({', '.join(stems[:SHOWN])}{more})")
    return f"{len(lacking)} of the {len(mine)} MPS reports are not current: {', '.join(parts)}"


def withhold(out: Path, reason: str, reports: int) -> dict:
    """Remove any release from `out` (none is better than half of one); return what the run manifest records."""
    for name in (MPS, FAILED):
        remove(out / name, out)
    return {"folder": None, "reports": reports, "files": 0, "withheld": reason, "audit": {}}


def held_back(released: dict) -> bool:
    """Return whether the run's release is held back: withheld, or failed by the audit (no release at all is not)."""
    return bool(released.get("withheld")) or not released.get("audit", {}).get("passed", True)


def grade_bands(schools: pd.DataFrame) -> dict[str, str]:
    """Return each school's grade band as MPS lists it (public background for the audit), where one is given."""
    listed = schools.dropna(subset=["grade_band"])
    return dict(zip(listed["school_id"].astype(str), listed["grade_band"].astype(str)))


def build(out: Path, reports: list[dict], problems: pd.DataFrame, parameters: dict, year: SchoolYear,
          folder: Path, plan: dict | None = None, grade_bands: dict[str, str] | None = None,
          synthetic: bool = False) -> dict:
    """Assemble `out/mps/` from the `mps` reports the folder lists, audited; return what the run manifest records.

    `reports` are manifest output entries (stem, report, subject, audience, status, data_version). Where
    one of the `mps` reports is not `ok`, no release is made (`withhold`). The audit reads the release
    with every entry of the ledger in `folder` whose periods overlap it. A release that fails the audit
    is not handed over: it goes to `out/mps-failed-audit/` for MPD to look at. One that passes is
    recorded in the ledger as it goes into `out/mps/`: from then on MPS may have it.
    """
    if reason := withheld_because(reports):
        return withhold(out, reason, sum(r["audience"] == MPS for r in reports))
    released = [r for r in reports if r["audience"] == MPS]
    if not released:  # a folder of internal reports only: nothing for MPS, not even a data-quality summary
        return {**withhold(out, "", 0), "none": True}
    annual = next((r["stem"] for r in released if r["report"] == "annual"), None)
    staging = out / f".mps-staging-{secrets.token_hex(4)}"  # made as the user's folders are (umask), not 0700
    staging.mkdir()
    try:
        stems = [r["stem"] for r in released]
        _stage(out / INTERNAL, staging, stems, annual)
        write_csv(release_summary(problems), staging / "data_quality_summary.csv")
        # No time of writing and no data version here (both are in the run's manifest, MPD's): a re-export of the
        # same records hands over the same bytes (issue 24).
        manifest = {
            "release": "Milwaukee Police Department SRO program data for Milwaukee Public Schools",
            "package_version": __version__, "parameters": {k: parameters.get(k) for k in PUBLIC_PARAMETERS},
            "reports": [{k: r.get(k) for k in ("stem", "report", "subject")} for r in released],
            "min_cell": year.min_cell,
            GRADE_BANDS: grade_bands or {},  # public background the audit reads (issue 24): MPS's list of its schools
            "tables": _layouts(out / INTERNAL, stems),
        }
        guide.write(staging, manifest, synthetic)
        files = file_list(staging)
        write_text(staging / "manifest.json", json.dumps({**manifest, "files": files}, indent=2) + "\n")
        checked = _audit(staging, year.min_cell, ledger.read(folder))
        write_text(staging / "manifest.json", json.dumps({**manifest, "audit": checked, "files": files}, indent=2)
                   + "\n")
        where, entry = (MPS if checked["passed"] else FAILED), None
        tables = ledger.release_tables(staging, manifest["tables"])
        _swap(staging, out / where)
        if checked["passed"]:
            shutil.rmtree(out / FAILED, ignore_errors=True)
            entry = ledger.record(folder, year.school_year, tables)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    # The plan's digest and the ledger entries it read go to the run's manifest (MPD's), not the release: a re-run
    # of the same records that read one more entry of the same records hands over the same bytes.
    return {"folder": where, "reports": len(released), "files": len(files), "audit": checked, "plan": plan,
            "ledger_entry": entry}
