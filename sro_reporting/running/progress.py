"""What a run says while it works and when it ends.

On a terminal: a ticking line while the data load, then a bar that names the reports being made.
Elsewhere (a log, CI, a test): one plain line per step and per report. Always: how many reports
are to be made and how many are unchanged, and at the end a summary that says what was made,
what was unchanged, what failed and where the outputs are.
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

    def reports(self, stems: list[str], workers: int) -> ReportBar:
        """Return the bar (or the log lines) of the reports to make, in the order they are started."""
        return ReportBar(self, stems, workers)


class ReportBar:
    """Progress over the reports being made; a terminal bar names the ones in the workers now."""

    def __init__(self, progress: Progress, stems: list[str], workers: int) -> None:
        self.progress, self.waiting, self.workers = progress, list(stems), max(1, workers)
        self.total, self.finished = len(stems), 0
        self.bar = None

    def __enter__(self) -> Self:
        if self.progress.tty and self.total:
            from tqdm import tqdm

            self.bar = tqdm(total=self.total, unit="report", file=self.progress.stream, dynamic_ncols=True)
            self._describe()
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.close()

    def making(self) -> list[str]:
        """Return the reports in the workers now: the first ones not yet done, in the order they were queued."""
        return self.waiting[:self.workers]

    def _describe(self) -> None:
        if self.bar is not None:
            self.bar.set_description_str(f"making {', '.join(self.making())}" if self.waiting else "done")

    def done(self, stem: str, status: str) -> None:
        """Count one report as done."""
        if stem in self.waiting:
            self.waiting.remove(stem)
        self.finished += 1
        if self.bar is not None:
            self._describe()
            self.bar.update(1)
        else:
            self.progress.log(f"[{self.finished}/{self.total}] {stem}: {status}")


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
