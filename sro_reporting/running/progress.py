"""What a run says while it works and when it ends.

On a terminal: a ticking line while the data load, then a bar that names the reports being made.
Elsewhere (make, cron, a notebook, CI): one plain line per step and per report, with the time it
took, the run's elapsed time and the time left. Always: how many reports are to be made and how
many are unchanged, and at the end a summary that says what was made, what was unchanged, what
failed and where the outputs are.

The time left is measured, not guessed from the first report's pace: each report waiting is
expected to take what it took in the last run in the same folder, else what the reports of its
kind took so far in this one; the sum is shared by the workers. Until a report of each kind
waiting has a time, no time left is shown.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Self, TextIO

from sro_reporting.reading.sources import table_files
from sro_reporting.running.manifest import STALE


def _size(data_dir: Path) -> tuple[int, int]:
    paths = list(table_files(data_dir).values())
    return len(paths), sum(p.stat().st_size for p in paths)


class Progress:
    """A run's progress, on `stream` (standard error by default)."""

    def __init__(self, stream: TextIO | None = None, tty: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty

    def say(self, message: str) -> None:
        """Print one line, whatever the stream is."""
        print(message, file=self.stream, flush=True)

    def log(self, message: str) -> None:
        """Print a line where no bar shows the same (not on a terminal)."""
        if not self.tty:
            self.say(message)

    @contextlib.contextmanager
    def loading(self, data_dir: Path) -> Iterator[None]:
        """Say what is loading; on a terminal, tick the seconds until it is done."""
        try:
            files, size = _size(Path(data_dir))
            what = f"loading {data_dir} ({files} files, {size / 1e6:.1f} MB)"
        except OSError:
            what = f"loading {data_dir}"
        if not self.tty:
            self.say(what)
            yield
            return
        started, done = time.perf_counter(), threading.Event()

        def tick() -> None:
            while not done.wait(0.5):
                print(f"\r{what}: {time.perf_counter() - started:.0f} s", end="", file=self.stream, flush=True)

        ticker = threading.Thread(target=tick, daemon=True)
        ticker.start()
        try:
            yield
        finally:
            done.set()
            ticker.join()
            print(f"\r{what}: done in {time.perf_counter() - started:.1f} s", file=self.stream, flush=True)

    def planned(self, total: int, pending: int, unchanged: int, blocked: int = 0, stale: int = 0) -> None:
        """Say how many reports the run has, how many it will make, how many are stale and how many its inputs
        cannot give."""
        self.say(f"{total} report{'s' * (total != 1)}: {pending} to make, {unchanged} unchanged"
                 + (f", {stale} stale (made by an earlier run from other data, see below)" if stale else "")
                 + (f", {blocked} not made: their inputs are unusable (see below)" if blocked else ""))

    def reports(self, stems: list[str], workers: int, expected: dict[str, float] | None = None) -> ReportBar:
        """Return the bar (or the log lines) of the reports to make, in the order they are started; `expected`
        holds the seconds each took in the last run, where known."""
        return ReportBar(self, stems, workers, expected)


def clock(seconds: float) -> str:
    """Return a duration as a clock reads it: `0:41`, `2:15`, `1:02:03`.

    >>> clock(41.2), clock(135), clock(3723)
    ('0:41', '2:15', '1:02:03')
    """
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def kind_of(stem: str) -> str:
    """Return the kind of report a file stem names (`school-2025-26-spring-0007` -> `school`)."""
    return stem.split("-", 1)[0]


class ReportBar:
    """Progress over the reports being made; a terminal bar names the ones in the workers now."""

    def __init__(self, progress: Progress, stems: list[str], workers: int,
                 expected: dict[str, float] | None = None) -> None:
        self.progress, self.waiting, self.workers = progress, list(stems), max(1, workers)
        self.total, self.finished = len(stems), 0
        self.expected = {stem: s for stem, s in (expected or {}).items() if s}  # seconds, from the last run here
        self.measured: dict[str, list[float]] = {}  # seconds of the reports made so far, by kind
        self.started = time.perf_counter()
        self.bar = None

    def __enter__(self) -> Self:
        self.started = time.perf_counter()
        if self.progress.tty and self.total:
            from tqdm import tqdm

            # tqdm's own estimate is the first report's pace over all the rest: `left` replaces it
            self.bar = tqdm(total=self.total, unit="report", file=self.progress.stream, dynamic_ncols=True,
                            bar_format="{desc} {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} [{elapsed}{postfix}]")
            self._describe()
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.close()

    def making(self) -> list[str]:
        """Return the reports in the workers now: the first ones not yet done, in the order they were queued."""
        return self.waiting[:self.workers]

    def _estimate(self, stem: str) -> float | None:
        if stem in self.expected:
            return self.expected[stem]
        times = self.measured.get(kind_of(stem))
        return sum(times) / len(times) if times else None

    def left(self) -> float | None:
        """Return the seconds the waiting reports are expected to take, shared by the workers; None until known."""
        estimates = [self._estimate(stem) for stem in self.waiting]
        if any(e is None for e in estimates):
            return None
        return sum(estimates) / min(self.workers, max(1, len(estimates)))

    def _describe(self) -> None:
        if self.bar is not None:
            self.bar.set_description_str(f"making {', '.join(self.making())}" if self.waiting else "done")
            left = self.left()
            self.bar.set_postfix_str(f"about {clock(left)} left" if left is not None and self.waiting else "")

    def done(self, stem: str, status: str, seconds: float | None = None) -> None:
        """Count one report as done, in `seconds` (its own time, as its worker measured it)."""
        if stem in self.waiting:
            self.waiting.remove(stem)
        if seconds is not None and status == "ok":
            self.measured.setdefault(kind_of(stem), []).append(seconds)
        self.finished += 1
        if self.bar is not None:
            self._describe()
            self.bar.update(1)
            return
        took = f" in {seconds:.1f} s" if seconds is not None else ""
        left = self.left()
        when = f"; {clock(time.perf_counter() - self.started)} elapsed" + (
            f", about {clock(left)} left" if left is not None and self.waiting else "")
        self.progress.log(f"[{self.finished}/{self.total}] {stem}: {status}{took}{when}")


def summary(outputs: list, data_quality: dict, out: Path, stream: TextIO | None = None,
            release: dict | None = None) -> str:
    """Print and return the run's summary: made, unchanged, failed, problems, the release, where the outputs are.

    `outputs` are the manifest's entries (with `stem`, `status`, `skipped`, `error`, `notebook`); `release`
    what `release.build` returned (its folder, files and disclosure audit).
    """
    def get(entry, name):
        return entry.get(name) if isinstance(entry, dict) else getattr(entry, name)

    failed = [e for e in outputs if get(e, "status") != "ok"]
    unchanged = [e for e in outputs if get(e, "status") == "ok" and get(e, "skipped")]
    stale = sum(get(e, "status") == STALE for e in failed)
    made = len(outputs) - len(failed) - len(unchanged)
    count = f"{len(outputs)} report{'s' * (len(outputs) != 1)}"
    lines = [f"{count}: {made} made, {len(unchanged)} unchanged, " + (f"{stale} stale, " if stale else "")
             + f"{len(failed) - stale} failed.",
             (f"Data-quality problems: {data_quality.get('errors', 0)} errors, "
              f"{data_quality.get('warnings', 0)} warnings (internal/data_quality.csv).")]
    reasons = {}  # the reports that failed alike (the gate stops every report of a kind for one reason): one line
    for entry in failed:
        err = get(entry, "error") or {}
        reasons.setdefault((get(entry, "status"), err.get("cell"), err.get("ename"), err.get("evalue")),
                           []).append(entry)
    lines += [_failure_line(alike, get) for alike in reasons.values()]
    lines += _release_lines(release or {})
    folder = Path(out).resolve()
    lines.append(f"Outputs: {folder} (the run's index: {folder / 'index.html'})")
    text = "\n".join(lines)
    print(text, file=stream or sys.stderr, flush=True)
    return text


def _failure_line(entries: list, get) -> str:
    """Return one line for the reports that failed (or are stale) for one reason: one report's, or all together."""
    err = get(entries[0], "error") or {}
    stems = [get(e, "stem") for e in entries]
    which = stems[0] if len(stems) == 1 else \
        f"{len(stems)} reports ({', '.join(stems[:3])}{f' and {len(stems) - 3} more' if len(stems) > 3 else ''})"
    if get(entries[0], "status") == STALE:
        return f"STALE {which}: {err.get('evalue')}"
    if err.get("cell") is not None:
        where = f"cell {err['cell']}; see internal/{get(entries[0], 'notebook')}"
    else:
        where = "no report started" if not get(entries[0], "files") else f"see internal/{get(entries[0], 'notebook')}"
    return f"FAILED {which}: {err.get('ename')}: {err.get('evalue')} ({where})"


def _release_lines(release: dict) -> list[str]:
    """Return what the summary says of the MPS release: handed over as it is, or held back and why."""
    if release.get("none"):
        return ["MPS release: none (no report for MPS in this folder)."]
    if release.get("withheld"):
        return [f"WITHHELD MPS release: {release['withheld']}; there is no mps/ folder to hand over. Once the lines "
                "above are dealt with, run the period's batch again (without --school, --officer or --month)."]
    checked = release.get("audit")
    if not checked:
        return []
    if checked["passed"]:
        return [(f"MPS release: {release['files']} files in {release['folder']}/ (hand it over as it is); "
                f"disclosure audit passed: {checked['hidden_cells']} hidden counts, narrowest range "
                f"{checked['narrowest_range']}.")]
    return [(f"FAILED MPS release: the disclosure audit found {len(checked['problems'])} problem(s); the release "
            f"is in {release['folder']}/ and must not be handed over: {'; '.join(checked['problems'][:3])}")]
