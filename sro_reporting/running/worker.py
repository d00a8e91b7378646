"""A report's worker process: one warm kernel, reports made in a staging folder, PDFs rendered in place.

A worker imports no pandas, Arrow or data code of its own (its kernel does): it starts its kernel that much
sooner, and a run's workers hold less memory.
"""

from __future__ import annotations

import atexit
import errno
import gc
import os
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from sro_reporting.errors import RunError, cannot
from sro_reporting.files import write_text
from sro_reporting.running import outputs, processes

if TYPE_CHECKING:
    from sro_reporting.running.kernels import WarmKernel
    from sro_reporting.running.plan import Job

# Run in each warm kernel once: the report code imported, then everything alive so far set aside from
# the garbage collector, so the `%reset -f` that starts each report collects only that report's objects.
WARM_UP_CODE = "import gc\nimport sro_reporting.rendering.sections\ngc.freeze()"


WORKER_NICE = 5  # a worker and its kernel yield to the loading parent
# A worker's garbage collection: WeasyPrint makes millions of objects a report, and the default first threshold
# (700) scanned them over and over; the worker collects whole between reports instead (`execute`).
WORKER_GC = (50_000, 20, 100)
DISK_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EROFS)  # a report that meets these stops the run, not just itself


def warm_kernel() -> WarmKernel:
    """Return this process's warm kernel (`running.kernels`, with papermill: imported where reports are made)."""
    from sro_reporting.running.kernels import WARM

    return WARM


def _papermill(notebook, kernel: str, parameters: dict | None = None, cwd: Path | None = None):
    """Run a notebook (a path or a node) on this worker's warm kernel; return the executed notebook.

    Papermill writes nothing: the caller writes the notebook, whole, where it belongs.
    """
    import logging

    import papermill

    from sro_reporting.running import kernels  # noqa: F401 - registers papermill's engine "sro-warm"

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

    from sro_reporting.rendering.render import render_report

    result = {"status": "ok", "error": None}
    warm_kernel().notebook = None
    try:
        executed = _papermill(str(job.kind.notebook), kernel, {**job.parameters, "out_dir": str(staging)},
                              job.kind.notebook.parent)
    except PapermillExecutionError as exc:  # the notebook with papermill's banner at the failing cell
        executed, result = warm_kernel().notebook, {"status": "failed", "error": {
            "cell": exc.cell_index, "execution_count": exc.exec_count, "ename": exc.ename, "evalue": exc.evalue}}
        if exc.ename == RunError.__name__:  # the report could not read or write a file: neither can the others
            result["fatal"] = exc.evalue
    if executed is None:
        return result
    _as_run(executed, job.parameters, kernel)
    write_text(staging / f"{job.stem}.ipynb", nbformat.writes(executed), staging)
    if result["status"] == "ok":
        render_report(executed, staging / f"{job.stem}.pdf", parallel=True)  # PDF/UA-1, and the HTML beside
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
    gc.collect()  # the last report's cycles (a document's boxes point to their parents); none after the run's last
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
        warm_kernel().check()
    result["seconds"] = round(time.perf_counter() - started, 2)
    return result


def warm_up(kernel: str) -> None:
    """Start the worker's kernel with the report code imported, and ready its PDF renderer meanwhile.

    A failure here is not a report's: the first report starts a kernel itself, and says what fails.
    """
    import nbformat

    renderer = threading.Thread(target=_while_the_kernel_starts)  # this process is idle meanwhile
    renderer.start()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(WARM_UP_CODE)])
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": kernel, "language": "python"}
    try:
        _papermill(nb, kernel)
    except Exception:  # noqa: BLE001 - see above
        warm_kernel().check()
    renderer.join()
    gc.freeze()  # what the worker imported is never garbage: no collection scans it again


def _while_the_kernel_starts() -> None:
    """Ready the PDF renderer, and import what the jobs to come are made of (`running.plan`, pandas with it)."""
    from sro_reporting.rendering import render

    render.warm_up()
    import sro_reporting.running.plan  # noqa: F401 - the first job's unpickling would import it after the kernel is up


def _exit_now() -> None:
    """End the worker at once, its kernel shut down and its files closed."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # tearing down pandas, WeasyPrint and zmq would hold the run's end up by half a second


_PARENT = 0  # the run's process, in a worker: a worker whose run was killed moves nothing in


def start_worker() -> None:
    """Yield the CPU to the loading parent; shut the worker's warm kernel down when the worker exits."""
    global _PARENT
    _PARENT = os.getppid()
    processes.watch_parent(_PARENT)  # a killed run's worker ends itself; its kernel follows it
    # Kernels start (and inherit this) while the parent reads the data: the load is on the critical
    # path, a warm-up is not. After the load the parent is idle, so reports lose nothing.
    os.nice(WORKER_NICE)
    gc.set_threshold(*WORKER_GC)
    atexit.register(_exit_now)
    atexit.register(warm_kernel().close)  # handlers run last-registered first: the kernel goes down, then the worker
