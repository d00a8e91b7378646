"""`manifest.json`: what a run read, with what parameters, and what it made (contract section 4).

Inputs are listed with the sha256 of the bytes the run parsed, and `data_version` names the
snapshot every report read. Each output lists its files (notebook, PDF, HTML, tables) with their
sha256: a re-run trusts a report only where every one of them is still as recorded.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import platform
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from sro_reporting import __version__
from sro_reporting.files import write_text
from sro_reporting.reading.dataset import DataSet
from sro_reporting.running.plan import Job

STALE = "stale"  # the status of a report an earlier run made, listed but not current (`running.folder`)
# The libraries whose versions shape a report's numbers (pandas, pyarrow, numpy) and pages (the rest).
SHAPING = ("pandas", "pyarrow", "numpy", "matplotlib", "weasyprint", "papermill", "nbconvert",
           "pydyf", "fonttools")


def library_versions() -> dict[str, str]:
    """Return Python's version and the installed version of each library that shapes numbers and pages."""
    versions = {"python": platform.python_version()}
    for name in SHAPING:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


@dataclass(frozen=True)
class OutputEntry:
    """One report of the run and how it went."""

    stem: str
    report: str
    subject: str
    audience: str
    notebook: str
    pdf: str
    parameters: dict
    key: str
    status: str = "pending"
    error: dict | None = None
    seconds: float | None = None
    skipped: bool = False
    files: dict[str, str] = field(default_factory=dict)  # path in the run folder: sha256
    data_version: str = ""  # the snapshot of the inputs it was made from (`DataSet.version`)

    @classmethod
    def for_job(cls, job: Job, key: str) -> OutputEntry:
        """Return the entry of a job not yet run."""
        return cls(job.stem, job.kind.name, job.subject, job.audience, f"{job.stem}.ipynb",
                   f"{job.stem}.pdf", job.parameters, key, data_version=job.parameters.get("snapshot", ""))

    def done(self, result: dict) -> OutputEntry:
        """Return the entry with a worker's (or the previous run's) result."""
        return dataclasses.replace(self, status=result["status"], error=result.get("error"),
                                   seconds=result.get("seconds"), skipped=result.get("skipped", False),
                                   files=result.get("files") or {})


@dataclass(frozen=True)
class Manifest:
    """The whole manifest of a run."""

    package_version: str
    parameters: dict
    data_version: str
    inputs: list[dict]
    data_quality: dict
    started: str
    finished: str
    outputs: list[OutputEntry] = field(default_factory=list)
    release: dict = field(default_factory=dict)
    libraries: dict = field(default_factory=library_versions)
    limits: list[str] = field(default_factory=list)  # figures the data cannot give, in words
    run_key: str = ""  # a hash of all the run depended on: the next run with the same key has nothing to make

    @classmethod
    def build(cls, data: DataSet, started: dt.datetime, parameters: dict,
              outputs: list[OutputEntry], release: dict | None = None, limits: list[str] | None = None,
              run_key: str = "") -> Manifest:
        """Return the manifest of a finished run."""
        counts = data.problems["severity"].value_counts()
        return cls(
            __version__, parameters, data.version,
            [{"table": f.table, "file": Path(f.path).name, "sha256": f.sha256, "rows": f.rows}
             for f in data.files],
            {"errors": int(counts.get("error", 0)), "warnings": int(counts.get("warning", 0)),
             "infos": int(counts.get("info", 0)), "file": "data_quality.csv"},
            started.isoformat(timespec="seconds"),
            dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            outputs, release or {}, library_versions(), list(limits or []), run_key,
        )

    def write(self, path: Path, root: Path | None = None) -> None:
        """Write the manifest as JSON, through a temporary name, following no link below `root`."""
        write_text(path, json.dumps(dataclasses.asdict(self), indent=2, default=str) + "\n", root)


def read_manifest(out: Path) -> dict:
    """Return the previous run's manifest in this folder (empty when none or unreadable)."""
    try:
        found = json.loads((out / "manifest.json").read_text())
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def read_previous(out: Path) -> dict[str, dict]:
    """Return the previous run's outputs in this folder by stem (empty when none or unreadable)."""
    outputs = read_manifest(out).get("outputs")
    return {o["stem"]: o for o in outputs if isinstance(o, dict) and "stem" in o} if isinstance(outputs, list) else {}
