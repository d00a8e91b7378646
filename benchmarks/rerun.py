"""A no-change re-run of the demo batch (target: at most 5 s on this project's 2-core machine).

    python benchmarks/rerun.py [--repeat N]

Makes the demo spring semester batch once into a fresh folder (not timed), then runs the same
command N more times (default 5) with nothing changed, each a new `sro-report run` process, and
prints each wall time, the median and the machine's load average before and after: on a shared
machine the load says how far to trust the figure. A re-run with nothing changed reads the data
snapshot, plans, finds every report unchanged, rebuilds the MPS release, the manifest and the index,
and starts no worker or kernel.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sro_reporting.paths import demo_data_dir

BIN = Path(sys.executable).parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        command = [str(BIN / "sro-report"), "run", "--data", str(demo_data_dir()), "--out", str(Path(tmp) / "demo"),
                   "--school-year", "2025-26", "--semester", "spring"]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        load_before = os.getloadavg()
        seconds = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            result = subprocess.run(command, check=True, capture_output=True, text=True)
            seconds.append(time.perf_counter() - start)
            assert " 0 made, 72 unchanged, 0 failed." in result.stderr, result.stderr
        load_after = os.getloadavg()
    print(f"no-change re-run of the demo batch (72 reports): {', '.join(f'{s:.2f}' for s in seconds)} s; "
          f"median {statistics.median(seconds):.2f} s (target at most 5 s)")
    print(f"load average (1, 5, 15 min) before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, "
          f"after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}, on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
