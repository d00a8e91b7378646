"""A run's processes end with it: a bounded number of workers, each watching its parent, and a run that
ends what a killed run left behind.

Every process a run starts (its workers, and their kernels) carries the run's mark, `$SRO_RUN`, in its
environment. A worker polls its parent and ends itself when the parent is gone (`kill -9` too); a
kernel does the same for its worker (ipykernel's own parent poller, from `$JPY_PARENT_PID`). The
holder file of an output folder's lock names the run's mark: the next run in that folder ends any
process still carrying the mark of a run that is no longer alive (`psutil`, on every platform).
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psutil

RUN_ENV = "SRO_RUN"
POLL = 0.5  # seconds between a worker's looks at its parent: kernels follow within another second
GRACE = 3  # seconds a leftover has to end after SIGTERM before it is killed


def usable_cores() -> int:
    """Return the cores this process may run on (its affinity where the platform has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no affinity call
        return os.cpu_count() or 1


def jobs_problem(jobs: int | None) -> str | None:
    """Return what is wrong with a number of worker processes (None where it is fine: 1 to the cores, or unset)."""
    cores = usable_cores()
    if jobs is None or 1 <= jobs <= cores:
        return None
    return f"--jobs takes 1 to {cores} (the cores of this machine), got {jobs}; leave it out to use all {cores}"


@contextmanager
def marked() -> Iterator[str]:
    """Give the processes started inside the block a new run mark in `$SRO_RUN`; return the mark."""
    before = os.environ.get(RUN_ENV)
    mark = os.environ[RUN_ENV] = secrets.token_hex(8)
    try:
        yield mark
    finally:
        if before is None:
            os.environ.pop(RUN_ENV, None)
        else:
            os.environ[RUN_ENV] = before


def identity() -> dict:
    """Return what names this process beyond its (reusable) id: the id and its start time."""
    process = psutil.Process()
    return {"pid": process.pid, "created": process.create_time()}


def alive(who: dict) -> bool:
    """Return whether the process `identity` named is still running (not a later one given the same id)."""
    try:
        return abs(psutil.Process(int(who["pid"])).create_time() - float(who["created"])) < 0.01
    except (psutil.Error, KeyError, TypeError, ValueError):
        return False


def _marked_with(mark: str) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter():
        try:
            if process.pid != os.getpid() and process.environ().get(RUN_ENV) == mark:
                found.append(process)
        except psutil.Error:  # gone meanwhile, or another user's
            continue
    return found


def end_leftovers(previous: dict) -> int:
    """End the processes a dead run left (those carrying its mark); return how many. A live run's are kept."""
    mark = previous.get("run")
    if not mark or alive(previous):
        return 0
    left = _marked_with(str(mark))
    for process in left:
        try:
            process.terminate()
        except psutil.Error:
            continue
    _, still = psutil.wait_procs(left, timeout=GRACE)
    for process in still:
        try:
            process.kill()
        except psutil.Error:
            continue
    return len(left)


def watch_parent(parent: int) -> None:
    """End this process as soon as its parent `parent` has ended (a thread polls: every platform has `getppid`)."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(POLL)
        os._exit(1)  # no teardown: the run that wanted this work is gone

    threading.Thread(target=watch, name="sro-parent-watch", daemon=True).start()
