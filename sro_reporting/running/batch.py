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
import errno
import gc
import hashlib
import json
import multiprocessing
import os
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed, wait
from pathlib import Path

import pyarrow

from sro_reporting.errors import RunError, cannot
from sro_reporting.files import remove, write_text
from sro_reporting.params import SchoolYear, load_school_year
from sro_reporting.reading import snapshot
from sro_reporting.reading.dataset import DataSet, load
from sro_reporting.reading.fingerprint import files_hash, source_hash
from sro_reporting.reading.quality import write_csv as write_quality
from sro_reporting.running import outputs, release
from sro_reporting.running.kernels import WARM, kernel_name
from sro_reporting.running.lock import hold
from sro_reporting.running.manifest import Manifest, OutputEntry, read_previous
from sro_reporting.running.plan import KINDS, Job, default_reports, make_job, most_jobs, plan
from sro_reporting.running.release import INTERNAL

# Run in each warm kernel once: the report code imported, then everything alive so far set aside from
# the garbage collector, so the `%reset -f` that starts each report collects only that report's objects.
WARM_UP_CODE = "import gc\nimport sro_reporting.rendering.sections\ngc.freeze()"


BatchError = RunError  # the run cannot start or go on: the name the command line and analysts know
DISK_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EROFS)  # a report that meets these stops the run, not just itself


def _code_hash() -> str:
    """Return a hash of the package, notebooks and parameter files, so code changes re-make reports."""
    from sro_reporting.paths import project_root

    root = project_root()
    return files_hash(sorted([*(root / "notebooks").glob("*.ipynb"), *(root / "params").glob("*.yaml")])) \
        + source_hash()


def job_key(job: Job, data: DataSet, code: str) -> str:
    """Return what a report depends on, hashed: inputs, parameters, code."""
    inputs = sorted((f.table, f.sha256) for f in data.files)
    blob = json.dumps([inputs, job.parameters, job.stem, code], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def _papermill(notebook, kernel: str, parameters: dict | None = None, cwd: Path | None = None):
    """Run a notebook (a path or a node) on this worker's warm kernel; return the executed notebook.

    Papermill writes nothing: the caller writes the notebook, whole, where it belongs.
    """
    import logging

    import papermill

    logging.getLogger("papermill").setLevel(logging.ERROR)  # its notes on parameters are not for readers
    return papermill.execute_notebook(
        notebook, None, parameters=parameters or {}, kernel_name=kernel, progress_bar=False,
        log_output=False, cwd=str(cwd) if cwd else None, engine_name="sro-warm",
        request_save_on_cell_execute=False)


def _as_run(nb, parameters: dict, kernel: str) -> None:
    """Show the report's own parameters in its notebook, not the staging folder it was made in."""
    from papermill.translators import translate_parameters

    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.source = translate_parameters(kernel, "python", parameters, "Parameters")
    nb.metadata.setdefault("papermill", {})["parameters"] = parameters


def _make(job: Job, staging: Path, kernel: str) -> dict:
    """Run one report's notebook with its tables going to `staging`; write the notebook and PDF there."""
    import nbformat
    from papermill.exceptions import PapermillExecutionError

    from sro_reporting.rendering.render import render_pdf

    result = {"status": "ok", "error": None}
    WARM.notebook = None
    try:
        executed = _papermill(str(job.kind.notebook), kernel, {**job.parameters, "out_dir": str(staging)},
                              job.kind.notebook.parent)
    except PapermillExecutionError as exc:  # the notebook with papermill's banner at the failing cell
        executed, result = WARM.notebook, {"status": "failed", "error": {
            "cell": exc.cell_index, "execution_count": exc.exec_count, "ename": exc.ename, "evalue": exc.evalue}}
        if exc.ename == RunError.__name__:  # the report could not read or write a file: neither can the others
            result["fatal"] = exc.evalue
    if executed is None:
        return result
    _as_run(executed, job.parameters, kernel)
    write_text(staging / f"{job.stem}.ipynb", nbformat.writes(executed), staging)
    if result["status"] == "ok":
        render_pdf(executed, staging / f"{job.stem}.pdf")
    return result


def _failure(exc: Exception, staging: Path) -> dict:
    """Return the manifest fields of a report that raised `exc`; one that could not write a file stops the run."""
    if isinstance(exc, OSError) and exc.errno in DISK_FULL:
        exc = cannot("write", exc.filename or staging, exc)
    result = {"status": "failed", "error": {
        "cell": None, "execution_count": None, "ename": type(exc).__name__, "evalue": str(exc)}}
    if isinstance(exc, RunError):
        result["fatal"] = str(exc)
    return result


def execute(job: Job, out: Path, kernel: str) -> dict:
    """Make one report in a staging folder and move it into `out` whole; return its manifest fields."""
    started = time.perf_counter()
    staging = outputs.stage(out, job.stem)
    try:
        result = _make(job, staging, kernel)
    except Exception as exc:  # noqa: BLE001 - a dead kernel, a failed render: the batch goes on
        result = _failure(exc, staging)
    try:
        if _PARENT and os.getppid() != _PARENT:
            raise RunError("the run that started this report has ended")  # a killed run's worker moves nothing in
        result["files"] = outputs.commit(staging, out, job.stem, result["status"] == "ok")
    except RunError as exc:
        result = {**result, "status": "failed", "fatal": str(exc)}
    finally:
        outputs.discard(staging, out)
    if result["status"] == "failed":
        WARM.check()
    result["seconds"] = round(time.perf_counter() - started, 2)
    return result


def warm_up(kernel: str) -> None:
    """Start the worker's kernel with the report code imported, and ready its PDF renderer meanwhile.

    A failure here is not a report's: the first report starts a kernel itself, and says what fails.
    """
    import nbformat

    from sro_reporting.rendering import render

    renderer = threading.Thread(target=render.warm_up)  # this process is idle while the kernel starts
    renderer.start()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(WARM_UP_CODE)])
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": kernel, "language": "python"}
    try:
        _papermill(nb, kernel)
    except Exception:  # noqa: BLE001 - see above
        WARM.check()
    renderer.join()


def _exit_now() -> None:
    """End the worker at once, its kernel shut down and its files closed."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # tearing down pandas, WeasyPrint and zmq would hold the run's end up by half a second


_PARENT = 0  # the run's process, in a worker: a worker whose run was killed moves nothing in


def _worker_start() -> None:
    """Yield the CPU to the loading parent; shut the worker's warm kernel down when the worker exits."""
    global _PARENT
    _PARENT = os.getppid()
    # Kernels start (and inherit this) while the parent reads the data: the load is on the critical
    # path, a warm-up is not. After the load the parent is idle, so reports lose nothing.
    os.nice(5)
    atexit.register(_exit_now)
    atexit.register(WARM.close)  # handlers run last-registered first: the kernel goes down, then the worker


def _progress(total: int):
    """Return a progress bar on a terminal; plain log lines elsewhere."""
    from tqdm import tqdm

    return tqdm(total=total, unit="report", disable=not sys.stderr.isatty(), file=sys.stderr)


def _log(message: str) -> None:
    if not sys.stderr.isatty():
        print(message, file=sys.stderr, flush=True)


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
                     force: bool) -> tuple[dict[str, OutputEntry], list[tuple[Job, OutputEntry]]]:
    """Return the entries of reports unchanged since the last run here, and the jobs to run.

    Unchanged: the same inputs, parameters and code, made without error, and every file the
    manifest recorded still there with its sha256.
    """
    previous, code = read_previous(out), _code_hash()
    done, pending = {}, []
    for one in todo:
        entry = OutputEntry.for_job(one, job_key(one, data, code))
        before = previous.get(one.stem, {})
        if not force and before.get("key") == entry.key and before.get("status") == "ok" \
                and outputs.unchanged(out, one.stem, before.get("files")):
            done[one.stem] = entry.done({**before, "skipped": True})
        else:
            pending.append((one, entry))
    pending.sort(key=lambda item: -item[0].kind.cost)  # costly first; stable within a kind
    return done, pending


def _make_all(pool: ProcessPoolExecutor, pending: list[tuple[Job, OutputEntry]], internal: Path, kernel: str,
              entries: dict[str, OutputEntry], total: int) -> str | None:
    """Make the pending reports into `entries`; return why the run must stop, if a report could not read or write."""
    stop = None
    with _progress(len(pending)) as bar:
        futures = {pool.submit(execute, one, internal, kernel): (one, entry) for one, entry in pending}
        for future in as_completed(futures):
            one, entry = futures[future]
            result = {"status": "not made", "error": {"evalue": f"the run stopped: {stop}"}} \
                if future.cancelled() else future.result()
            entries[one.stem] = entry.done(result)
            bar.update(1)
            _log(f"[{len(entries)}/{total}] {one.stem}: {entries[one.stem].status}")
            if result.get("fatal") and stop is None:
                stop = result["fatal"]
                for other in futures:
                    other.cancel()
    return stop


def run_batch(data_dir: Path, out: Path, school_year: str, semester: str | None,
              reports: list[str] | None, jobs: int | None, force: bool = False) -> list[str]:
    """Make the period's reports into `out`; return the stems of the reports that failed."""
    year = _check_args(out, school_year, semester, reports)
    if not Path(data_dir).is_dir():
        raise BatchError(f"data folder {data_dir} does not exist")
    snapshot.folder()  # a cache that cannot be used stops the run before any kernel starts
    with hold(out):
        outputs.sweep(out)
        return _run(data_dir, out, year, semester, reports, jobs, force)


def _run(data_dir: Path, out: Path, year: SchoolYear, semester: str | None, reports: list[str] | None, jobs: int | None,
         force: bool) -> list[str]:
    """Make the reports, holding the output folder."""
    started = dt.datetime.now().astimezone()
    wanted = reports or default_reports(semester)
    workers = int(max(1, min(jobs or os.cpu_count() or 1, most_jobs(wanted))))
    kernel = kernel_name()
    internal = out / INTERNAL
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_worker_start) as pool:
        # Kernels start and import while the data load, no more than one per core until the reports are known.
        warming = [pool.submit(warm_up, kernel) for _ in range(min(workers, os.cpu_count() or 1))]
        _log(f"loading {data_dir}")
        data = load(data_dir, remember=False)
        write_quality(data.problems, internal / "data_quality.csv", out)
        base = {"data_dir": str(Path(data_dir).resolve()), "out_dir": str(internal.resolve()),
                "snapshot": data.version}
        todo = plan(wanted, year, semester, data, base)
        entries, pending = _split_unchanged(todo, data, internal, force)
        data = data.without_tables()  # the reports' kernels read the snapshot; this process only waits
        gc.collect()
        pyarrow.default_memory_pool().release_unused()  # hand the tables' memory back while the kernels work
        _log(f"{len(todo)} reports: {len(pending)} to make, {len(entries)} unchanged")
        wait(warming)  # idle workers take the reports: the pool starts no worker that gets none
        stop = _make_all(pool, pending, internal, kernel, entries, len(todo))
        started_workers = len(multiprocessing.active_children())
    remove(internal / outputs.STAGING, out)  # every worker is done
    made = [entries[j.stem] for j in todo]
    scope = {"school_year": year.school_year, "semester": semester, "reports": wanted}
    released = {}
    if stop is None:
        for entry in made:
            if entry.report == "annual" and entry.status == "ok":
                release.publish_contract_tables(internal, entry.stem)
        released = release.build(out, [dataclasses.asdict(e) for e in made], data.problems, scope, year.min_cell)
    manifest = Manifest.build(data, started, {
        **scope, "data_dir": base["data_dir"], "out_dir": str(out.resolve()), "jobs": started_workers, "force": force,
    }, made, released)
    try:
        manifest.write(internal / "manifest.json", out)
    except RunError:
        if stop is None:
            raise
    if stop is not None:
        raise RunError(stop)
    failed = [e.stem for e in manifest.outputs if e.status != "ok"]
    if not released["audit"]["passed"]:
        failed.append(release.MPS)
    _summary(manifest, failed)
    return failed


def run_report(name: str, out: str | Path, school_year: str, semester: str | None = None,
               data_dir: str | Path = "", **entity: str) -> Path:
    """Make one report now, for analysts (e.g. `run_report("school", "out", "2025-26", "spring",
    school_id="0007")`); return its PDF. Raise `BatchError` with the error where it fails."""
    from sro_reporting.paths import demo_data_dir, resolve

    year = _check_args(Path(out), school_year, semester, [name])
    base = {"data_dir": str(resolve(data_dir, demo_data_dir()).resolve()), "out_dir": str(Path(out).resolve())}
    suffix = next(iter(entity.values()), "")
    one = make_job(KINDS[name], year, semester, base, suffix, extra=entity)
    try:
        with hold(Path(out)):
            result = execute(one, Path(out), kernel_name())
            remove(Path(out) / outputs.STAGING, Path(out))
    finally:
        WARM.close()
    if result["status"] != "ok":
        raise BatchError(f"{one.stem} failed: {result['error']}")
    return Path(out) / f"{one.stem}.pdf"


def _summary(manifest: Manifest, failed: list[str]) -> None:
    """Print what the run made and what failed, with where to look."""
    ok = sum(e.status == "ok" for e in manifest.outputs)
    print(f"{ok} of {len(manifest.outputs)} reports made; data-quality problems: "
          f"{manifest.data_quality['errors']} errors, {manifest.data_quality['warnings']} warnings.",
          file=sys.stderr)
    checked = manifest.release.get("audit", {})
    if checked.get("passed"):
        print(f"MPS release: {manifest.release['files']} files in {manifest.release['folder']}/, disclosure audit "
              f"passed ({checked['hidden_cells']} hidden counts, narrowest range {checked['narrowest_range']}).",
              file=sys.stderr)
    elif checked:
        print(f"FAILED MPS release: the disclosure audit found {len(checked['problems'])} problem(s); it is in "
              f"{manifest.release['folder']}/ and must not be handed over: {'; '.join(checked['problems'][:3])}",
              file=sys.stderr)
    for entry in manifest.outputs:
        if entry.status != "ok":
            err = entry.error or {}
            print(f"FAILED {entry.stem}: {err.get('ename')}: {err.get('evalue')} "
                  f"(cell {err.get('cell')}; see {entry.notebook})", file=sys.stderr)
