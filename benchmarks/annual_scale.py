"""Annual report on synthetic CAD exports of growing size: wall time, peak memory, growth.

    python benchmarks/annual_scale.py [100000 1000000 ...]

Each size is the demo data set with its CAD export drawn anew at that many calls by the demo's own
generator: every call independent, so times, house numbers and address forms are as varied as in a
real export (a million calls hold about 600,000 distinct locations). The run is the real CLI,
`sro-report run --report annual --force`, in a fresh process; the cleaned-data cache is emptied
first so the time includes reading, validating and linking the export. Peak memory is the
largest resident set of the run's processes (the CLI and its kernel).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from sro_reporting import demo


def write_data(folder: Path, calls: int) -> None:
    """Write the demo data set with a CAD export of `calls` rows."""
    demo.write(folder)
    schools = demo.schools(np.random.default_rng(demo.SEED))  # the demo's own schools, as `demo.build` draws them
    export = demo.calls(np.random.default_rng(calls), schools, size=calls)
    export.to_csv(folder / "calls_for_service.csv", index=False, lineterminator="\n")


def run_annual(folder: Path, out: Path, cache: Path) -> tuple[float, float]:
    """Return wall seconds and peak resident GiB of one annual run."""
    env = {**os.environ, "SRO_CACHE": str(cache)}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sro_reporting.cli", "run", "--data", str(folder), "--out", str(out),
                    "--school-year", "2025-26", "--report", "annual", "--force"], check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 ** 2  # KiB -> GiB
    return wall, peak


def main(sizes: list[int]) -> None:
    print(f"{'calls':>10} {'wall s':>8} {'peak GiB':>9} {'s per 100k':>11}")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder, out, cache = Path(tmp) / "data", Path(tmp) / "out", Path(tmp) / "cache"
            write_data(folder, size)
            wall, peak = run_annual(folder, out, cache)
            print(f"{size:>10,} {wall:>8.1f} {peak:>9.2f} {wall / size * 1e5:>11.2f}", flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100_000, 1_000_000])
