"""Annual report on synthetic CAD exports of growing size: wall time, peak memory, growth.

    python benchmarks/annual_scale.py [--bad SHARE] [--city] [100000 1000000 ...]

Each size is the demo data set with its CAD export drawn anew at that many calls by the demo's own
generator: every call independent, so times, house numbers and address forms are as varied as in a
real export (a million calls hold about 680,000 distinct locations). The run is the real CLI,
`sro-report run --report annual --force`, in a fresh process; the cleaned-data cache is emptied
first so the time includes reading, validating and linking the export. With `--bad 0.02`, that
share of the calls also gets a bad cell each (a repeated incident number, an impossible date and
time, a priority out of range, a blank location), so the data-quality path is measured at scale too.

With `--city`, the export is written the way the city's public call feed writes it, over five school
years (2021-22 to 2025-26): dates as `02/06/2023 03:59:34 PM`, hundred blocks as `2400-BLK N 35TH ST`,
`,MKE` suffixes, and locations drawn again from a pool so that 38% of the calls are at distinct
locations, as in the feed (101,101 calls, February 6 to May 1, 2023). Each call keeps its weekday
and time of day and moves back a whole number of 52-week years.

Beside each run it prints the floor: a bare, warm read of the same CSV into Arrow
(`pyarrow.csv.read_csv`), so the report's cost reads as a ratio to reading the file at all.

Memory is given two ways: the largest resident set of any one process of the run (the CLI, its
worker, the worker's kernel), and the largest sum of all of them at one moment (sampled from /proc
every 0.1 s, lightly enough not to slow the run; a spike shorter than that can be missed).
Growth is the time each further 100,000 calls adds, between consecutive sizes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.csv

from sro_reporting.demo import generator as demo

GIB = 1024 ** 3


BAD_CELLS = {"call_datetime": "2026-13-45 99:00", "priority": "9", "location": ""}
TIMES = ["call_datetime", "dispatch_datetime", "arrival_datetime", "cleared_datetime"]
CITY_FORM = "%m/%d/%Y %I:%M:%S %p"
LAST_DAY = pd.Timestamp("2026-07-01")  # the five school years end on June 30, 2026
YEAR = pd.Timedelta(days=364)  # 52 weeks: a call moved by it keeps its weekday
DISTINCT = 0.38  # the city feed's share of calls at distinct locations


def as_city_feed(export: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Return the export over five school years, written as the city's public call feed writes it."""
    n = len(export)
    call = pd.to_datetime(export["call_datetime"])
    back = rng.integers(0, 5, n) + (call >= LAST_DAY).to_numpy()
    # Drawn with replacement from a pool of rows (schools' and the city's in their shares): a pool of
    # n / 2.1 rows leaves about 38% of the calls at distinct locations.
    pool = rng.choice(n, int(n / 2.1), replace=False)
    location = pd.Series(export["location"].to_numpy()[rng.choice(pool, n)])
    out = export.assign(location=location.str.replace(r"^(\d+) BLOCK ", r"\1-BLK ", regex=True))
    for column in TIMES:
        when = pd.to_datetime(export[column].replace("", None)) - back * YEAR
        out[column] = when.dt.strftime(CITY_FORM).fillna("")
    return out.sort_values("call_datetime", key=lambda c: pd.to_datetime(c, format=CITY_FORM), kind="stable")


def write_data(folder: Path, calls: int, bad: float = 0.0, city: bool = False) -> None:
    """Write the demo data set with a CAD export of `calls` rows, `bad` of them with a bad cell."""
    demo.write(folder)
    schools = demo.schools(np.random.default_rng(demo.SEED))  # the demo's own schools, as `demo.build` draws them
    rng = np.random.default_rng(calls)
    export = demo.calls(rng, schools, size=calls)
    spoilt = np.array_split(rng.choice(calls, int(calls * bad), replace=False), len(BAD_CELLS) + 1)
    export.loc[spoilt[0], "incident_number"] = export["incident_number"].to_numpy()[rng.choice(calls, len(spoilt[0]))]
    for rows, (column, value) in zip(spoilt[1:], BAD_CELLS.items()):
        export.loc[rows, column] = value
    if city:
        export = as_city_feed(export, rng)
    export.to_csv(folder / "calls_for_service.csv", index=False, lineterminator="\n")


def _tree(pid: int) -> list[int]:
    """Return `pid` and every process below it (Linux /proc)."""
    found = [pid]
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [p for child in children.read_text().split() for p in _tree(int(child))]
        except OSError:
            continue
    return found


def _rss(pid: int) -> int:
    """Return a process's resident bytes (0 once it has gone)."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError):
        return 0


def run_annual(folder: Path, out: Path, cache: Path) -> tuple[float, float, float]:
    """Return wall seconds, the largest process's peak GiB and the whole run's peak GiB."""
    env = {**os.environ, "SRO_CACHE": str(cache)}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "sro_reporting.cli", "run", "--data", str(folder), "--out",
                             str(out), "--school-year", "2025-26", "--report", "annual", "--force"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak, done = [0], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], sum(_rss(pid) for pid in _tree(proc.pid)))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)  # this run's own usage, its waited-for processes included
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the annual run failed (exit {os.waitstatus_to_exitcode(status)})")
    return wall, usage.ru_maxrss * 1024 / GIB, peak[0] / GIB  # ru_maxrss is in KiB


def arrow_floor(path: Path) -> float:
    """Return the seconds of a bare read of the CSV into Arrow, warm (the second of two reads)."""
    pyarrow.csv.read_csv(path)
    start = time.perf_counter()
    pyarrow.csv.read_csv(path)
    return time.perf_counter() - start


def main(sizes: list[int], bad: float, city: bool) -> None:
    print(("the city feed's layout over five school years; " if city else "ISO dates, one school year; ")
          + (f"bad cells: {bad:.1%} of the calls" if bad else "a clean export"))
    print(f"{'calls':>10} {'MB':>6} {'wall s':>8} {'floor s':>8} {'ratio':>6} {'largest GiB':>12} {'all GiB':>8} "
          f"{'s per further 100k':>19}")
    before = None
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder, out, cache = Path(tmp) / "data", Path(tmp) / "out", Path(tmp) / "cache"
            # Written by another process: this one stays small, so the run's processes, started from
            # it, do not inherit a large resident set into their peak.
            subprocess.run([sys.executable, __file__, "--write", str(folder), str(size), str(bad), str(int(city))],
                           check=True)
            export = folder / "calls_for_service.csv"
            floor = float(subprocess.run([sys.executable, __file__, "--floor", str(export)], check=True,
                                         capture_output=True, text=True).stdout)
            wall, largest, whole = run_annual(folder, out, cache)
            megabytes = export.stat().st_size / 1e6
        growth = f"{(wall - before[1]) / (size - before[0]) * 1e5:.2f}" if before else "-"
        print(f"{size:>10,} {megabytes:>6.0f} {wall:>8.1f} {floor:>8.2f} {wall / floor:>5.0f}x {largest:>12.2f} "
              f"{whole:>8.2f} {growth:>19}", flush=True)
        before = (size, wall)


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--write"]:
        write_data(Path(args[1]), int(args[2]), float(args[3]), args[4] == "1")
    elif args[:1] == ["--floor"]:
        print(arrow_floor(Path(args[1])))
    else:
        share = float(args[args.index("--bad") + 1]) if "--bad" in args else 0.0
        sizes = [int(a) for i, a in enumerate(args) if a not in ("--bad", "--city") and (i == 0 or args[i - 1] != "--bad")]
        main(sizes or [100_000, 1_000_000], share, "--city" in args)
