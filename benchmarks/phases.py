"""The fixed cost of a one-report run, by phase: `sro-report run --school 0007` (target: at most 3 s).

    python benchmarks/phases.py [--repeat N] [--school ID]

Runs the command once to fill the cache (not timed), then N times (default 5) more, each a new process
into a new folder with the data unchanged, and reads the run's own lines as they come:

- start: the process starts, imports the command line and the batch, and hashes the inputs, until
  the run says it is loading;
- load: the cached snapshot read and the reports planned (the report's worker and kernel start meanwhile);
- kernel: the wait, after the plan, for the worker's kernel to be ready (its start less the load's time);
- notebook, render: the report's own time (the manifest's `seconds`), split by rendering the
  executed notebook again in this process, after a first rendering that warms WeasyPrint as the
  worker's warm-up does;
- end: the release, the manifest and the index, and the process's exit.

Prints each phase's median with the CPU seconds of the whole run (user + sys of every process) and the load.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from sro_reporting.paths import demo_data_dir
from sro_reporting.rendering.render import render_report

BIN = Path(sys.executable).parent
PHASES = ("start", "load", "kernel", "notebook", "render", "end")


def _children_cpu() -> float:
    """Return the CPU seconds (user + sys) of this process's ended children so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _render_seconds(notebook: Path) -> float:
    """Return the seconds to render an executed notebook as the worker does, WeasyPrint warmed first."""
    nb = nbformat.read(notebook, as_version=4)
    with tempfile.TemporaryDirectory() as tmp:
        render_report(nb, Path(tmp) / "warm.pdf", parallel=True)
        started = time.perf_counter()
        render_report(nb, Path(tmp) / "report.pdf", parallel=True)
        return time.perf_counter() - started


def run_once(school: str, out: Path) -> tuple[dict[str, float], float]:
    """Run `sro-report run --school` into `out`; return its phases' seconds and its CPU seconds."""
    command = [str(BIN / "sro-report"), "run", "--data", str(demo_data_dir()), "--out", str(out),
               "--school-year", "2025-26", "--semester", "spring", "--school", school]
    cpu, started = _children_cpu(), time.perf_counter()
    seen: dict[str, float] = {}
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as run:
        for line in run.stdout:
            now = time.perf_counter() - started
            if line.startswith("loading "):
                seen.setdefault("loading", now)
            elif " to make, " in line:
                seen.setdefault("planned", now)
            elif line.startswith("[1/1]"):
                seen.setdefault("made", now)
    total = time.perf_counter() - started
    if run.returncode or len(seen) != 3:
        raise SystemExit(f"the run failed or said less than expected (exit {run.returncode}; saw {sorted(seen)})")
    manifest = json.loads((out / "internal" / "manifest.json").read_text())
    entry = next(e for e in manifest["outputs"] if e.get("seconds") is not None and e["status"] == "ok")
    render = _render_seconds(out / "internal" / f"{entry['stem']}.ipynb")
    report = seen["made"] - seen["planned"]
    phases = {"start": seen["loading"], "load": seen["planned"] - seen["loading"],
              "kernel": report - entry["seconds"], "notebook": entry["seconds"] - render, "render": render,
              "end": total - seen["made"]}
    return phases, _children_cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--school", default="0007")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run_once(args.school, Path(tmp) / "first")  # fills the cache
        before = os.getloadavg()
        runs = [run_once(args.school, Path(tmp) / f"run-{i}") for i in range(args.repeat)]
        after = os.getloadavg()
    totals = [sum(phases.values()) for phases, _ in runs]
    print(f"sro-report run --school {args.school}, a new process and folder, data cached: "
          f"{', '.join(f'{t:.2f}' for t in totals)} s; median {statistics.median(totals):.2f} s (target at most 3 s); "
          f"CPU (all processes) median {statistics.median(cpu for _, cpu in runs):.2f} s")
    for phase in PHASES:
        values = [phases[phase] for phases, _ in runs]
        print(f"  {phase:<9} median {statistics.median(values):.2f} s ({min(values):.2f}-{max(values):.2f})")
    print(f"load average (1, 5, 15 min) before {before[0]:.2f} {before[1]:.2f} {before[2]:.2f}, "
          f"after {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}, on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
