"""The one error that stops a run: bad arguments, or a file or folder that cannot be read or written."""

from __future__ import annotations

import errno
import os

# What a reader can act on, where the system's own words say less.
HINTS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
}


class RunError(RuntimeError):
    """The run cannot start or go on; its message is one line naming the file and why (exit 2)."""


def cannot(doing: str, path: str | os.PathLike, exc: OSError) -> RunError:
    """Return the error for an operation on `path` that failed, in one line.

    >>> str(cannot("write", "out/data_quality.csv", OSError(errno.ENOSPC, "No space left on device")))
    'cannot write out/data_quality.csv: No space left on device (the disk is full)'
    """
    reason = exc.strerror or str(exc) or type(exc).__name__
    hint = HINTS.get(exc.errno)
    return RunError(f"cannot {doing} {os.fspath(path)}: {reason}" + (f" ({hint})" if hint else ""))
