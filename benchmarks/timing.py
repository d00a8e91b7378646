"""What the repeated-timing benchmarks share: time a call N times and print the figures with the machine's load."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable


def repeat(call: Callable[[], object], times: int) -> tuple[list[float], tuple, tuple]:
    """Return the wall seconds of `times` calls, and the load average before and after them."""
    before, seconds = os.getloadavg(), []
    for _ in range(times):
        start = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - start)
    return seconds, before, os.getloadavg()


def report(what: str, seconds: list[float], target: float, before: tuple, after: tuple) -> None:
    """Print each time, the median against the target, and the load average before and after."""
    print(f"{what}: {', '.join(f'{s:.2f}' for s in seconds)} s; "
          f"median {statistics.median(seconds):.2f} s (target at most {target:g} s)")
    print(f"load average (1, 5, 15 min) before {before[0]:.2f} {before[1]:.2f} {before[2]:.2f}, "
          f"after {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}, on {os.cpu_count()} cores")
