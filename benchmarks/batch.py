"""The demo semester batch against the naive pipeline, on this machine, in one run.

    python benchmarks/batch.py [--sample N]

Naive: for one report of each kind, `papermill` CLI then `jupyter nbconvert --to sro_pdf`, one
report at a time, each in new processes. Batch: `sro-report run` for the whole demo spring
semester (every kind, every school, officer and month) with `--force`, on all cores. Prints the
seconds per report of each and the ratio; the batch's figure is its wall time divided by the
number of reports it made, so start-up and the tail are charged to it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sro_reporting.paths import demo_data_dir, project_root

BIN = Path(sys.executable).parent


def timed(args: list[str], **kw) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - start


def naive(out: Path, jobs: list[dict]) -> dict[str, float]:
    """Return seconds per report of the naive pipeline, by report kind (one report each)."""
    seconds = {}
    for job in jobs:
        if job["report"] in seconds:
            continue
        nb = out / job["notebook"]
        params = [a for k, v in job["parameters"].items() if v is not None for a in ("-r", k, str(v))]
        seconds[job["report"]] = (
            timed([str(BIN / "papermill"), str(project_root() / "notebooks" / f"{job['report']}.ipynb"),
                   str(nb), *params, "--cwd", str(project_root() / "notebooks")])
            + timed([str(BIN / "jupyter"), "nbconvert", "--to", "sro_pdf", str(nb)]))
    return seconds


def main() -> None:
    data = demo_data_dir()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "batch"
        wall = timed([str(BIN / "sro-report"), "run", "--data", str(data), "--out", str(out),
                      "--school-year", "2025-26", "--semester", "spring", "--force"])
        manifest = json.loads((out / "internal" / "manifest.json").read_text())
        outputs = manifest["outputs"]
        per_report = wall / len(outputs)
        slow = naive(Path(tmp), outputs)
        shutil.rmtree(out)
    print(f"demo spring semester batch: {len(outputs)} reports in {wall:.1f} s on {manifest['parameters']['jobs']} "
          f"workers = {per_report:.2f} s a report")
    print(f"{'report':<12} {'naive s':>8} {'batch s':>8} {'ratio':>6}")
    for kind, seconds in slow.items():
        print(f"{kind:<12} {seconds:>8.2f} {per_report:>8.2f} {seconds / per_report:>6.1f}x")
    total = sum(slow.values()) / len(slow)
    print(f"{'mean':<12} {total:>8.2f} {per_report:>8.2f} {total / per_report:>6.1f}x")


if __name__ == "__main__":
    main()
