"""`sro-report run`: load once, fan the reports out over worker processes, keep going past failures.

A run is a transaction on its output folder. It holds the folder's lock (`running.lock`), removes
what a killed run left, reads the data once into one snapshot that every report reads by its key,
makes each report in a staging folder and moves it in whole (`running.outputs`), and writes the
manifest with every file's sha256. Each report is its notebook executed by papermill and rendered
to PDF in the same worker. A failed report keeps its executed notebook, with papermill's banner at
the failing cell; the manifest records the cell and the error, and the others go on. A report
whose inputs, parameters and code are unchanged since the last run in the same folder, and whose
files are all there as recorded, is skipped. A file that cannot be read or written stops the run
with `RunError` (exit 2).
"""

from __future__ import annotations

import atexit
import dataclasses
import datetime as dt
import gc
import hashlib
import json
import multiprocessing
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Literal, Self

import pandas as pd
import pyarrow

from sro_reporting.errors import RunError
from sro_reporting.files import remove
from sro_reporting.measures import offenses
from sro_reporting.params import Audience, SchoolYear, Semester, load_school_year
from sro_reporting.paths import workspace_source
from sro_reporting.reading import snapshot
from sro_reporting.reading.dataset import DataSet, input_hashes, load
from sro_reporting.reading.fingerprint import files_hash, source_hash
from sro_reporting.reading.quality import write_csv as write_quality
from sro_reporting.running import checks, folder, gate, outputs, processes, protection, release
from sro_reporting.running import index as run_index
from sro_reporting.running.kernelspec import kernel_name
from sro_reporting.running.lock import hold
from sro_reporting.running.manifest import (
    STALE,
    Manifest,
    OutputEntry,
    library_versions,
    read_manifest,
    read_previous,
)
from sro_reporting.running.plan import (
    KINDS,
    Job,
    PlanError,
    default_reports,
    kinds_of,
    month_semesters,
    most_jobs,
    plan,
    quarter_entity,
    select,
)
from sro_reporting.running.progress import Progress
from sro_reporting.running.progress import summary as print_summary
from sro_reporting.running.release import INTERNAL
from sro_reporting.running.worker import execute, start_worker, warm_kernel, warm_up

PROTECTING = {"annual", "semester", "quarterly", "dpi-118124"}  # the kinds whose people tables the plan protects
AHEAD_PER_WORKER = 2  # reports that read no plan, handed to each worker before the plan is made (about 4 s of work)
BatchError = RunError  # the run cannot start or go on: the name the command line and analysts know


def _code_hash() -> str:
    """Return a hash of the package, the parameter files and the libraries' versions, so a change re-makes reports.

    Each report's notebook counts by its code only (`Kind.code_hash`, in `job_key`): saving a
    notebook, or a scratch notebook beside the reports, re-makes nothing.
    """
    from sro_reporting.paths import params_dir

    libraries = json.dumps(library_versions(), sort_keys=True)
    params = [*params_dir().glob("*.yaml"), *params_dir().glob("*.csv")]  # the school years, the offense crosswalk
    return files_hash(sorted(params)) + source_hash() \
        + hashlib.sha256(libraries.encode()).hexdigest()


def job_key(job: Job, data: DataSet, code: str) -> str:
    """Return what a report depends on, hashed: inputs, parameters, code (its notebook's cells)."""
    inputs = sorted((f.table, f.sha256) for f in data.files)
    blob = json.dumps([inputs, job.parameters, job.stem, code, job.kind.code_hash()], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()




def _check_args(out: Path, school_year: str, semester: str | None, reports: list[str] | None):
    """Validate the run's arguments; raise `BatchError` with what was expected and found."""
    try:
        year = load_school_year(school_year)
    except (FileNotFoundError, ValueError) as exc:
        raise BatchError(str(exc)) from exc
    if semester not in (None, "fall", "spring"):
        raise BatchError(f"--semester must be fall or spring; got {semester!r}")
    unknown = [r for r in reports or [] if r not in KINDS]
    if unknown:
        raise BatchError(f"unknown report(s) {', '.join(unknown)}; expected: {', '.join(KINDS)}")
    needing = [r for r in reports or [] if KINDS[r].needs_semester and semester is None]
    if needing:
        raise BatchError(f"report(s) {', '.join(needing)} need --semester")
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".sro-tmp-probe-", dir=out)  # a new file: nothing planted is followed
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise BatchError(f"output folder {out} cannot be written: {exc.strerror or exc}") from exc
    return year


def _split_unchanged(todo: list[Job], data: DataSet, out: Path,
                     forced: set[str]) -> tuple[dict[str, OutputEntry], list[tuple[Job, OutputEntry]]]:
    """Return the entries of reports unchanged since the last run here, and the jobs to run.

    Unchanged: the same inputs, parameters and code, made without error, and every file the
    manifest recorded still there with its sha256. The `forced` stems (`--force`) are never unchanged.
    """
    previous, code = read_previous(out), _code_hash()
    done, pending = {}, []
    for one in todo:
        entry = OutputEntry.for_job(one, job_key(one, data, code))
        before = previous.get(one.stem, {})
        if one.stem not in forced and before.get("key") == entry.key and before.get("status") == "ok" \
                and outputs.unchanged(out, one.stem, before.get("files")):
            done[one.stem] = entry.done({**before, "skipped": True})
        else:
            pending.append((one, entry))
    pending.sort(key=lambda item: -item[0].kind.cost)  # costly first; stable within a kind
    return done, pending


def run_key(data_dir: Path, scope: dict) -> str:
    """Return a hash of all a run depends on: the input files, the scope, the code, the notebooks' cells."""
    files = input_hashes(data_dir)
    notebooks = {name: KINDS[name].code_hash() for name in scope["reports"]}
    blob = json.dumps([files, scope, _code_hash(), notebooks], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def _all_unchanged_before(internal: Path, key: str) -> bool:
    """Return whether the last run in this folder had the same `run_key` and made every report (no work now)."""
    try:
        before = json.loads((internal / "manifest.json").read_text())
    except (OSError, ValueError):
        return False
    made = before.get("outputs") or []
    return before.get("run_key") == key and all(
        o.get("status") == "ok" and outputs.unchanged(internal, str(o.get("stem")), o.get("files")) for o in made)


class _Pool:
    """The workers: started at once where work is expected, else only if some turns up (a no-change re-run
    then starts no kernel at all)."""

    def __init__(self, workers: int, kernel: str) -> None:
        self.workers, self.kernel, self.pool = workers, kernel, None

    def start(self) -> ProcessPoolExecutor:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                            initializer=start_worker)
            for _ in range(self.workers):
                self.pool.submit(warm_up, self.kernel)
        return self.pool

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=exc[0] is not None)  # a failed run starts no more reports


def _stop_if(messages: list[str], data_dir: Path) -> None:
    """Raise `BatchError` with one line per missing table, before any report starts."""
    if messages:
        raise BatchError(f"the data folder {data_dir} cannot give every report asked for; no report was started:\n  "
                         + "\n  ".join(messages) + "\n`sro-report validate --data FOLDER` lists every problem.")


def _arrow_returns_memory() -> None:
    """Have Arrow hand memory back to the system as soon as it is freed (jemalloc, where this build of pyarrow
    has it): the load's large temporaries then do not pile up into the run's peak."""
    try:
        pyarrow.set_memory_pool(pyarrow.jemalloc_memory_pool())
        pyarrow.jemalloc_set_decay_ms(0)
    except NotImplementedError:  # a build without jemalloc keeps its default pool
        pass


def run_batch(data_dir: Path, out: Path, school_year: str, semester: str | None,
              reports: list[str] | None, jobs: int | None, force: bool = False,
              only: dict[str, list[str]] | None = None, ledger: Path | None = None) -> list[str]:
    """Make the period's reports into `out`; return the stems of the reports that failed.

    `only` makes just the entities named (`{"school": ["0007"]}`, as `--school 0007` asks). Every report
    an earlier run left in `out` stays listed: as it is where it is unchanged, else as stale (and then
    the MPS release is withheld, `running.release`); `--force` re-makes only the reports this run makes.
    A folder holds one period: a run of another stops (`running.folder`). `ledger`: the folder of what MPS
    already has (default `paths.ledger_dir()`); the release is planned and audited with it, and recorded in it
    once it passes.
    """
    from sro_reporting.paths import ledger_dir

    if problem := processes.jobs_problem(jobs):
        raise BatchError(problem)
    year = _check_args(out, school_year, semester, reports)
    if not Path(data_dir).is_dir():
        raise BatchError(f"data folder {data_dir} does not exist")
    snapshot.folder()  # a cache that cannot be used stops the run before any kernel starts
    folder, why = workspace_source()
    Progress().say(f"workspace: {folder} ({why})")  # its notebooks and parameters make the reports
    _arrow_returns_memory()
    with processes.marked(), hold(out):
        outputs.sweep(out)
        return _run(Path(data_dir), out, year, semester, reports, jobs, force, only, Path(ledger or ledger_dir()))


def _gated(pending: list[tuple[Job, OutputEntry]], data: DataSet, year: SchoolYear) -> dict[str, str]:
    """Return why the pending reports of each kind cannot be made from `data` (`running.gate`), by kind."""
    kinds = {one.kind for one, _ in pending}
    found = {kind.name: gate.check(kind.stands_on, kind.keys, data, year.input_gate) for kind in kinds}
    return {name: reason for name, reason in found.items() if reason}


def _retire(previous: dict[str, dict], todo: list[Job], internal: Path) -> list[str]:
    """Remove the files of the folder's reports that the period no longer has; return their stems."""
    planned = {one.stem for one in todo}
    gone = [stem for stem in previous if stem not in planned]
    for stem in gone:
        outputs.withdraw(internal, stem)
    return gone


def _not_made(reason: str) -> dict:
    """Return the manifest fields of a report the gate stopped: failed before any cell, no file."""
    return {"status": "failed", "error": {"cell": None, "execution_count": None, "ename": gate.ERROR_NAME,
                                          "evalue": reason}}


def _ahead(pending: list[tuple[Job, OutputEntry]], workers: int) -> tuple[list, list]:
    """Split off the first reports that read no release plan: enough to keep the workers busy while it is made."""
    free = [p for p in pending if p[0].kind.name not in PROTECTING][: AHEAD_PER_WORKER * workers]
    stems = {one.stem for one, _ in free}
    return free, [p for p in pending if p[0].stem not in stems]


def _submit(pool: _Pool, pending: list[tuple[Job, OutputEntry]], internal: Path, kernel: str) -> dict:
    """Hand reports to the workers, in order; return each one's future with its job and entry."""
    return {pool.start().submit(execute, one, internal, kernel): (one, entry) for one, entry in pending}


def _make_all(futures: dict, entries: dict[str, OutputEntry], bar) -> str | None:
    """Gather the reports into `entries` as they end; return why the run must stop, if a report could not read or
    write."""
    stop = None
    for future in as_completed(futures):
        one, entry = futures[future]
        result = {"status": "not made", "error": {"evalue": f"the run stopped: {stop}"}} \
            if future.cancelled() else future.result()
        entries[one.stem] = entry.done(result)
        bar.done(one.stem, entries[one.stem].status, result.get("seconds"))
        if result.get("fatal") and stop is None:
            stop = result["fatal"]
            for other in futures:
                other.cancel()
    return stop


def _run(data_dir: Path, out: Path, year: SchoolYear, semester: str | None, reports: list[str] | None,
         jobs: int | None, force: bool, only: dict[str, list[str]] | None, ledger: Path) -> list[str]:
    """Make the reports, holding the output folder."""
    started = dt.datetime.now().astimezone()
    wanted = reports or default_reports(semester)
    making = kinds_of(only) if only else wanted  # the kinds this run may make
    _stop_if(checks.check_files(data_dir, making), data_dir)
    say = Progress()
    most = sum(len(ids) for ids in only.values()) if only else most_jobs(wanted)
    workers = int(max(1, min(jobs or os.cpu_count() or 1, most)))  # no kernel that gets no report
    kernel = kernel_name()
    internal = out / INTERNAL
    scope = {"school_year": year.school_year, "semester": semester, "reports": wanted,
             **({"only": only} if only else {})}
    key = run_key(data_dir, scope)
    before = read_manifest(internal)
    if clash := folder.period_clash(before, year.school_year, semester, out):
        raise BatchError(clash)
    with _Pool(workers, kernel) as pool:
        # Kernels start and import while the data are checked and linked, once Arrow (on every core) has read the
        # largest file: started before, they slow that read by more than they gain.
        start = pool.start if force or not _all_unchanged_before(internal, key) else lambda: None
        with say.loading(data_dir):
            data = load(data_dir, remember=False, unlinked_later=True, after_read=start,
                        date_format=year.date_format)
        _stop_if(checks.check_data(data, making), data_dir)
        write_quality(pd.concat([data.problems, offenses.quality(data.enforcement, offenses.crosswalk())],
                                ignore_index=True), internal / "data_quality.csv", out)  # MPD's log: free text
        base = {"data_dir": str(data_dir.resolve()), "out_dir": str(internal.resolve()), "snapshot": data.version}
        previous = read_previous(internal)
        todo = plan(folder.kinds(wanted, previous), year, semester, data, base)  # this run's, and the folder's
        try:
            chosen = {j.stem for j in (select(todo, only, year, semester, data.as_of()) if only else todo)
                      if j.kind.name in wanted}
        except PlanError as exc:
            raise BatchError(str(exc)) from exc
        limits = checks.data_limits(data, making)
        for line in limits:
            say.say(f"note: {line}")
        entries, pending = _split_unchanged(todo, data, internal, chosen if force else set())
        changed = folder.changed_inputs(before, data.files)
        for one, _ in pending:  # an earlier run's report that this run neither keeps nor makes: listed, as stale
            if one.stem not in chosen and one.stem in previous:
                entries[one.stem] = folder.stale(previous[one.stem], data.version, before, changed)
        pending = [(one, entry) for one, entry in pending if one.stem in chosen]
        retired = _retire(previous, todo, internal)
        if retired:
            say.say(f"removed {len(retired)} report(s) that {folder.period(scope)} no longer has: "
                    + ", ".join(retired))
        todo = [j for j in todo if j.stem in entries or j.stem in chosen]
        blocked = _gated(pending, data, year)  # before any report reaches a kernel: no report of zeros is made
        for one, entry in pending:
            if one.kind.name in blocked:
                entries[one.stem] = entry.done(_not_made(blocked[one.kind.name]))
                outputs.withdraw(internal, one.stem)  # no old PDF of other data stays beside the failure
        pending = [(one, entry) for one, entry in pending if one.kind.name not in blocked]
        planning = bool(PROTECTING & {one.kind.name for one, _ in pending})
        ahead, pending = _ahead(pending, workers) if planning else ([], pending)
        say.planned(len(todo), len(ahead) + len(pending), sum(e.skipped for e in entries.values()),
                    sum(e.error is not None and e.error.get("ename") == gate.ERROR_NAME for e in entries.values()),
                    sum(e.status == STALE for e in entries.values()))
        took = {stem: entry.get("seconds") for stem, entry in previous.items()}  # the last run's, for the time left
        with say.reports([one.stem for one, _ in ahead + pending], workers, took) as bar:
            futures = _submit(pool, ahead, internal, kernel)  # reports that read no plan, while it is made
            planned = None
            if planning:  # the release plan: once, here, before any report that reads it
                planned = protection.prepare(data, year, ledger)
                for line in planned.moved:
                    say.say(f"note: the release would move a number MPS has: {line}")
            grade_bands = release.grade_bands(data.schools)  # public background for the release's audit
            data = data.without_tables()  # the reports' kernels read the snapshot; this process only waits
            gc.collect()
            pyarrow.default_memory_pool().release_unused()  # hand the tables' memory back while the kernels work
            stop = _make_all(futures | _submit(pool, pending, internal, kernel), entries, bar)
        started_workers = len(multiprocessing.active_children())
    snapshot.written()
    remove(internal / outputs.STAGING, out)  # every worker is done
    made = [entries[j.stem] for j in todo]
    released = {}
    if stop is None:
        for entry in made:
            if entry.report == "annual" and entry.status == "ok":
                release.publish_contract_tables(internal, entry.stem)
        released = release.build(out, [dataclasses.asdict(e) for e in made], data.problems, scope, year, ledger,
                                 planned.as_json() if planned else None, grade_bands, data.synthetic)
    manifest = Manifest.build(data, started, {
        **scope, "data_dir": base["data_dir"], "out_dir": str(out.resolve()), "jobs": started_workers, "force": force,
    }, made, released, limits, key)
    try:
        manifest.write(internal / "manifest.json", out)
    except RunError:
        if stop is None:
            raise
    if stop is not None:
        raise RunError(stop)
    run_index.write(out, dataclasses.asdict(manifest))
    failed = [e.stem for e in manifest.outputs if e.status != "ok"]
    if release.held_back(released):
        failed.append(release.MPS)
    print_summary(manifest.outputs, manifest.data_quality, out, release=released)
    return failed


def run_report(report: Literal["annual", "semester", "school", "officer", "monthly", "quarterly", "compliance",
                                "dpi-118124"],
               out: str | Path | None = None, school_year: str = "2025-26", semester: Semester | None = None,
               *, data_dir: str | Path = "", school_id: str | None = None, officer_id: str | None = None,
               month: str | None = None, quarter: str | int | None = None, audience: Audience | None = None) -> Path:
    """Make one report now, the way the batch does, and return the full path of its PDF.

    For analysts in a notebook: `run_report("school", semester="spring", school_id="0007")`. The
    entity its report needs is required (`school_id` for "school", `officer_id` for "officer",
    `month="YYYY-MM"` for "monthly", `quarter=3` or `"jan-mar"` for "quarterly"; `audience="mps"` picks the MPS
    version of "compliance" or "dpi-118124"); an unknown
    argument is a `TypeError`, an unknown ID or month a `PlanError` naming those there are. `out`
    is the workspace's `outputs/interactive` when left out. The report runs on a kernel kept warm
    for the next call (shut down when Python exits); raises `BatchError` with the error where it fails.
    """
    from sro_reporting.paths import demo_data_dir, interactive_dir, resolve

    if report not in KINDS:
        raise PlanError(f"unknown report {report!r}; expected one of: {', '.join(KINDS)}")
    kind = KINDS[report]
    if quarter is not None:  # as the plan names it (q3), with the semester whose batch makes it
        quarter, made_in = quarter_entity(str(quarter))
        semester = semester or made_in
    given = {"school_id": school_id, "officer_id": officer_id, "month": month, "quarter": quarter}
    option = {"school": "school_id", "officer": "officer_id", "month": "month",
              "quarter": "quarter"}.get(kind.fan_out or "")
    stray = [name for name, value in given.items() if value is not None and name != option]
    if stray:
        raise PlanError(f"the {report} report takes no {', '.join(stray)}"
                        + (f"; it is made for one {option}" if option else ""))
    if option and not given[option]:
        example = {"school_id": 'school_id="0007"', "officer_id": 'officer_id="004100"',
                   "month": 'month="2026-03"', "quarter": "quarter=3"}[option]
        raise PlanError(f"the {report} report is made for one {option.removesuffix('_id')}: "
                        f"give {option}, e.g. run_report({report!r}, ..., {example})")
    if audience is not None and kind.fan_out != "audience":
        raise PlanError(f"the {report} report has one audience; audience= picks the MPS extract of the compliance "
                        "and 118.124 reports only")
    if month is not None and semester is None:
        found = month_semesters(load_school_year(school_year), month)
        if len(found) != 1:
            raise PlanError(f"{month} has school days in {' and '.join(found) or 'no semester'} of {school_year}: "
                            "give semester='fall' or semester='spring'" if found else
                            f"{month} is in no semester of {school_year}")
        semester = found[0]
    if kind.needs_semester and semester is None:
        raise PlanError(f"the {report} report is made per semester: give semester='fall' or semester='spring'")
    folder = Path(out) if out else interactive_dir()
    year = _check_args(folder, school_year, semester, [report])
    data_path = resolve(data_dir, demo_data_dir()).resolve()
    base = {"data_dir": str(data_path), "out_dir": str(folder.resolve())}
    # shared with the caller's own `sro.load` of the same folder: no second read
    data = load(data_path, date_format=year.date_format)
    jobs = plan([report], year, semester, data, base)
    if option:
        jobs = select(jobs, {option.removesuffix("_id"): [given[option]]}, year, semester, data.as_of())
    elif kind.fan_out == "audience":
        jobs = [j for j in jobs if j.audience == (audience or kind.audience)]
    one = jobs[0]
    if reason := gate.check(kind.stands_on, kind.keys, data, year.input_gate):  # no report of zeros, here either
        raise BatchError(f"{one.stem} cannot be made: {reason}")
    if kind.name in PROTECTING:  # the release plan its tables read (made once, kept for the same data and ledger)
        from sro_reporting.paths import ledger_dir

        protection.prepare(data, year, ledger_dir())
    if not _WARM_FOR_ANALYST:  # the first report here: start a kernel, warm as a batch worker's, for the next ones
        _WARM_FOR_ANALYST.append(kernel_name())
        atexit.register(warm_kernel().close)  # shut down when Python exits
        warm_up(_WARM_FOR_ANALYST[0])
    with hold(folder):
        result = execute(one, folder, _WARM_FOR_ANALYST[0])
        remove(folder / outputs.STAGING, folder)
    if result["status"] != "ok":
        err = result["error"] or {}
        raise BatchError(f"{one.stem} failed at cell {err.get('cell')}: {err.get('ename')}: {err.get('evalue')} "
                         f"(the executed notebook: {(folder / f'{one.stem}.ipynb').resolve()})")
    return (folder / f"{one.stem}.pdf").resolve()


_WARM_FOR_ANALYST: list[str] = []  # the kernel `run_report` keeps warm in this process, once started
