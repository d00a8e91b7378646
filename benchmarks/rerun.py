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
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import repeat, report

from sro_reporting.paths import demo_data_dir

BIN = Path(sys.executable).parent


def _unchanged(command: list[str]) -> None:
    """Run the batch again; it must find every report unchanged."""
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    assert " 0 made, 72 unchanged, 0 failed." in result.stderr, result.stderr


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        command = [str(BIN / "sro-report"), "run", "--data", str(demo_data_dir()), "--out", str(Path(tmp) / "demo"),
                   "--school-year", "2025-26", "--semester", "spring"]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds, before, after = repeat(lambda: _unchanged(command), args.repeat)
    report("no-change re-run of the demo batch (72 reports)", seconds, 5, before, after)


if __name__ == "__main__":
    main()
