"""One run at a time in an output folder: a lock that names its holder and dies with it.

The lock is an advisory `flock` on `OUT/.sro-run.lock`, held by the run's parent process for the
whole run. The system drops it when that process ends, however it ends (`kill -9` too), so a
dead run's lock is simply taken over. The file records who holds it (process, host, start
time) for the message another run shows.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import os
import socket
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sro_reporting.errors import RunError, cannot

LOCK = ".sro-run.lock"
_OPEN = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC


def _open(path: Path) -> int:
    """Open the lock file, replacing a link planted at its name (a lock is never a link)."""
    try:
        return os.open(path, _OPEN, 0o644)
    except OSError as exc:
        if exc.errno != errno.ELOOP or not stat.S_ISLNK(path.lstat().st_mode):
            raise
    path.unlink()
    return os.open(path, _OPEN | os.O_EXCL, 0o644)


def holder(fd: int) -> str:
    """Return who holds the lock, as its file says: process, host and start time."""
    try:
        info = json.loads(os.pread(fd, 4096, 0))
        return f"process {int(info['pid'])} on {info['host']}, started {info['started']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "a run that has not said who it is yet"


@contextmanager
def hold(folder: Path) -> Iterator[None]:
    """Hold `folder` for this run; raise `RunError` naming the run that holds it already."""
    path = folder / LOCK
    try:
        fd = _open(path)
    except OSError as exc:
        raise cannot("lock", path, exc) from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunError(f"output folder {folder} is in use by another run ({holder(fd)}); wait for it "
                           "to end, or give another --out") from None
        started = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        info = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "started": started})
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, info.encode(), 0)
        except OSError as exc:
            raise cannot("write", path, exc) from exc
        yield
    finally:
        os.close(fd)  # the lock goes with the descriptor
