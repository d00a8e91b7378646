"""One run at a time in an output folder: a lock that names its holder and dies with it.

The lock is `filelock`'s on `OUT/.sro-run.lock` (an advisory lock the system holds for the process:
`flock` on Linux and macOS, `LockFileEx` on Windows), held by the run's parent process for the whole
run. The system drops it when that process ends, however it ends (`kill -9` too), so a dead run's
lock is simply taken over, and the processes it left are ended (`running.processes`).
`OUT/.sro-run.holder` says who holds it (process, host, start time, the run's mark) for the message
another run shows and for that clean-up: a file of its own, as Windows lets no other handle read
locked bytes, removed when the run ends (so one found at the start is a killed run's).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from filelock import FileLock, Timeout

from sro_reporting.errors import RunError, cannot
from sro_reporting.running import processes

LOCK = ".sro-run.lock"
HOLDER = ".sro-run.holder"


def _holder_info(folder: Path) -> dict:
    try:
        info = json.loads((folder / HOLDER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}


def holder(folder: Path) -> str:
    """Return who holds the lock of `folder`, as its holder file says: process, host and start time."""
    info = _holder_info(folder)
    try:
        return f"process {int(info['pid'])} on {info['host']}, started {info['started']}"
    except (KeyError, TypeError, ValueError):
        return "a run that has not said who it is yet"


def _unlink_planted(path: Path) -> None:
    """Remove a link planted at the lock's or the holder's name: neither is ever a link, nor followed."""
    if path.is_symlink():
        path.unlink()


@contextmanager
def hold(folder: Path) -> Iterator[None]:
    """Hold `folder` for this run; raise `RunError` naming the run that holds it already."""
    path = folder / LOCK
    lock = FileLock(path, thread_local=False)
    try:
        _unlink_planted(path)
        lock.acquire(timeout=0)
    except Timeout:
        raise RunError(f"output folder {folder} is in use by another run ({holder(folder)}); wait for it "
                       "to end, or give another --out") from None
    except OSError as exc:
        raise cannot("lock", path, exc) from exc
    try:
        before = _holder_info(folder)
        if before.get("host") == socket.gethostname():  # what the last run here left, if it was killed
            processes.end_leftovers(before)
        started = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        info = json.dumps({**processes.identity(), "host": socket.gethostname(), "started": started,
                           "run": os.environ.get(processes.RUN_ENV)})
        try:
            _unlink_planted(folder / HOLDER)
            (folder / HOLDER).write_text(info, encoding="utf-8")
        except OSError as exc:
            raise cannot("write", folder / HOLDER, exc) from exc
        yield
        with suppress(OSError):  # a holder file found at the start is a killed run's
            (folder / HOLDER).unlink()
    finally:
        lock.release()
