"""The cleaned-data cache: one snapshot per data version, private to the user, and unable to run code.

A snapshot is a folder `<cache>/snapshot-<key>/` with one Arrow IPC (Feather, LZ4) file per table
and `meta.json`, which lists each file's sha256 and each column's dtype; the key hashes the input files' bytes and
the package's code. The cache folder is the user's own (mode 0700, files 0600); a snapshot is
written in a temporary folder and renamed in whole. On read every file is checked (a plain file,
the user's, private, its sha256 as listed, the dtypes allowed); a snapshot that fails a check is
ignored with a warning, removed, and rebuilt by the caller. The most recently used snapshots are
kept; older ones are pruned. A data version may have a second snapshot, `<key>-<part>` (the calls
linked to no school, which a batch writes while its reports run): it is kept and pruned with the first.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import stat
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.ipc
from filelock import FileLock

from sro_reporting.errors import RunError, cannot
from sro_reporting.files import CLOEXEC, NOFOLLOW
from sro_reporting.paths import cache_dir

FORMAT = 2
PREFIX, TEMP = "snapshot-", ".tmp-"
LOCK = f"{TEMP}lock-"  # `.tmp-lock-<key>`: held while snapshot `<key>` is made (`making`); pruned as a temporary
PART = "-"  # `<key>-<part>`: a snapshot written apart from its data version's first one, kept and pruned with it
KEEP = 4  # data versions kept, the most recently used
IN_USE = 3600  # seconds: a snapshot (or a temporary folder) this recent may be another run's, and stays
# The column types a data set holds: text, nullable numbers and flags, times of any resolution.
DTYPES = {"str", "Int64", "Float64", "boolean", "int64", "float64", "bool"} | {
    f"{kind}64[{unit}]" for kind in ("datetime", "timedelta") for unit in ("s", "ms", "us", "ns")}
_READ = os.O_RDONLY | NOFOLLOW | CLOEXEC


class CacheWarning(UserWarning):
    """A cached snapshot was damaged or not the user's: it is ignored and rebuilt."""


def folder() -> Path:
    """Return the cache folder, made private (0700) to this user; `RunError` where it cannot be."""
    path = cache_dir()
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = path.lstat()
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
            raise RunError(f"cache folder {path} is not a folder of your own; set SRO_CACHE to one that is")
        if stat.S_IMODE(info.st_mode) & 0o077:
            path.chmod(0o700)
    except OSError as exc:
        raise cannot("use the cache folder", path, exc) from exc
    return path


def _check(fd: int, name: str) -> None:
    """Raise ValueError unless the open file is a plain file of this user's that nobody else can read."""
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid() or stat.S_IMODE(info.st_mode) & 0o077:
        raise ValueError(f"{name} is not a private file of yours")


def _read(where: Path, name: str) -> bytes:
    fd = os.open(where / name, _READ)
    with os.fdopen(fd, "rb") as fh:
        _check(fd, name)
        return fh.read()


def _create(path: Path):
    """Return a new private file open for writing (never through a link)."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW | CLOEXEC, 0o600), "wb")


def _sha256_of(path: Path) -> str:
    with path.open("rb") as fh:
        return _sha256(fh)


def _sha256(fh) -> str:
    """Return the sha256 of an open file's bytes, read from the start."""
    digest = hashlib.sha256()
    fh.seek(0)
    for chunk in iter(lambda: fh.read(1 << 20), b""):
        digest.update(chunk)
    return digest.hexdigest()


ROWS = 1 << 18  # rows converted and written at a time
Rows = tuple[pd.DataFrame, np.ndarray]  # the rows of a frame where a mask is true: saved without a copy of them all


def _write_frame(frame: pd.DataFrame | Rows, fh) -> pd.Series:
    """Write a frame (or some of its rows) as Feather (Arrow IPC, LZ4) a slice at a time, never converted whole;
    return its dtypes."""
    frame, keep = frame if isinstance(frame, tuple) else (frame, None)
    table = pyarrow.Table.from_pandas(frame, preserve_index=False)  # text columns are Arrow's already: not copied
    with pyarrow.ipc.new_file(fh, table.schema, options=pyarrow.ipc.IpcWriteOptions(compression="lz4")) as writer:
        for start in range(0, len(frame), ROWS):
            part = table.slice(start, ROWS)
            writer.write_table(part if keep is None else part.filter(keep[start:start + ROWS]))
    return frame.dtypes


def save(key: str, frames: dict[str, pd.DataFrame | Rows], meta: dict) -> None:
    """Write a snapshot of `frames` (and the JSON-able `meta`) under `key`; prune old ones."""
    base = folder()
    target = base / f"{PREFIX}{key}"
    temp = base / f"{TEMP}{key}-{os.getpid()}-{time.monotonic_ns()}"
    try:
        temp.mkdir(mode=0o700)
        listed = {}
        for i, (name, frame) in enumerate(frames.items()):
            with _create(temp / f"{i}.arrow") as fh:
                dtypes = _write_frame(frame, fh)
            listed[name] = {"file": f"{i}.arrow", "sha256": _sha256_of(temp / f"{i}.arrow"),
                            "dtypes": {str(c): str(t) for c, t in dtypes.items()}}
        with _create(temp / "meta.json") as fh:
            fh.write(json.dumps({"format": FORMAT, "key": key, "tables": listed, **meta}).encode())
        try:
            temp.rename(target)
        except OSError:
            if not target.is_dir():  # else another process wrote the same snapshot meanwhile: keep it
                raise
    except OSError as exc:
        raise cannot("write the cache folder", base, exc) from exc
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    prune(keep=key)


def save_quietly(key: str, frames: dict[str, pd.DataFrame | Rows], meta: dict) -> None:
    """Write a snapshot as `save` does; where it cannot be written, warn (a missing snapshot is read again later)."""
    try:
        save(key, frames, meta)
    except RunError as exc:
        warnings.warn(f"{exc}; the data will be read again next time", CacheWarning, stacklevel=2)


def _locked(path: Path) -> FileLock | None:
    """Return the exclusive lock on `path`, held (waiting for it), or None with a warning where it cannot be had
    (a full disk, a file system without locks): the lock only saves work."""
    lock = FileLock(path, thread_local=False)
    try:
        lock.acquire()
    except OSError as exc:
        warnings.warn(f"cannot lock {path} ({exc}); another process may make the same data again",
                      CacheWarning, stacklevel=4)
        return None
    return lock


@contextlib.contextmanager
def making(key: str) -> Iterator[None]:
    """Hold the cache's lock on snapshot `key` while this process reads or makes it: another process that wants
    it waits, then reads what this one kept, rather than making it again. The system drops a dead holder's lock."""
    lock = _locked(folder() / f"{LOCK}{key}")
    try:
        yield
    finally:
        if lock is not None:
            lock.release()


_WRITERS: list[threading.Thread] = []  # cache writes still going on in this process


def in_background(write, *args, nice: int = 0) -> None:
    """Write to the cache in a thread of this process (`written` waits for it), `nice` steps below this process's
    priority where a thread has a priority of its own (Linux): what a report waits for goes first."""
    def run() -> None:
        if nice and sys.platform == "linux":
            with contextlib.suppress(OSError):  # a priority kept is slower, not wrong
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), os.getpriority(os.PRIO_PROCESS, 0) + nice)
        write(*args)

    _WRITERS.append(threading.Thread(target=run, name="sro-cache-writer"))
    _WRITERS[-1].start()


def written() -> None:
    """Wait until everything this process began to write to the cache is written."""
    while _WRITERS:
        _WRITERS.pop().join()


def _frames(where: Path, key: str, skip: list[str]) -> tuple[dict[str, pd.DataFrame], dict]:
    """Read and check a snapshot folder, less the frames in `skip`; raise ValueError or OSError at a fault."""
    info = where.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or stat.S_IMODE(info.st_mode) & 0o077:
        raise ValueError("not a private folder of yours")
    meta = json.loads(_read(where, "meta.json"))
    if meta.get("format") != FORMAT or meta.get("key") != key:
        raise ValueError("written by another version, or for other data")
    frames = {}
    for name, entry in meta["tables"].items():
        if name in skip:
            continue
        if not set(entry["dtypes"].values()) <= DTYPES:
            raise ValueError(f"{entry['file']} lists a type the package never writes")
        with os.fdopen(os.open(where / Path(entry["file"]).name, _READ), "rb") as fh:
            _check(fh.fileno(), entry["file"])
            if _sha256(fh) != entry["sha256"]:
                raise ValueError(f"{entry['file']} does not match its sha256")
            fh.seek(0)
            frame = pd.read_feather(fh)  # from the file checked, not a copy of it in memory
        if {str(c): str(t) for c, t in frame.dtypes.items()} != entry["dtypes"]:
            frame = frame.astype(entry["dtypes"])
        frames[name] = frame
    return frames, meta


def load(key: str, skip: list[str] | None = None) -> tuple[dict[str, pd.DataFrame], dict] | None:
    """Return snapshot `key`'s frames (less those in `skip`) and meta; None where it is missing or fails a check."""
    where = folder() / f"{PREFIX}{key}"
    if not os.path.lexists(where):
        return None
    try:
        found = _frames(where, key, skip or [])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        warnings.warn(f"cached data {where} is damaged or not yours ({exc}); it is ignored and made again",
                      CacheWarning, stacklevel=3)
        _remove(where)
        return None
    os.utime(where)  # most recently used: pruned last
    return found


def remove(key: str) -> None:
    """Remove snapshot `key` from the cache (one made again from other inputs replaces it)."""
    _remove(folder() / f"{PREFIX}{key}")


def _remove(path: Path) -> None:
    """Remove a snapshot, a temporary folder or a stray file from the cache folder."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _entries(base: Path) -> list[Path]:
    return [p for p in base.iterdir() if p.name.startswith((PREFIX, TEMP))]


def version_of(path: Path) -> str:
    """Return the data version a snapshot folder belongs to (its key without a part)."""
    return path.name.removeprefix(PREFIX).split(PART)[0]


def prune(keep: str = "") -> None:
    """Remove all but the `KEEP` most recently used data versions, never `keep` or one used within `IN_USE` seconds."""
    base, now = folder(), time.time()
    entries = sorted(_entries(base), key=lambda p: p.lstat().st_mtime, reverse=True)
    versions = list(dict.fromkeys(version_of(p) for p in entries if p.name.startswith(PREFIX)))
    old = [p for p in entries if p.name.startswith(TEMP) or version_of(p) in versions[KEEP:]]
    for path in old:
        if version_of(path) != keep.split(PART)[0] and now - path.lstat().st_mtime > IN_USE:
            _remove(path)


def clear() -> int:
    """Remove every snapshot (and temporary folder) from the cache; return how many data versions they held."""
    entries = _entries(folder())
    versions = {version_of(p) for p in entries if p.name.startswith(PREFIX)}
    for path in entries:
        _remove(path)
    return len(versions)
