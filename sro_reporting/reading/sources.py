"""Each table's input file in a data folder, and the sha256 of its bytes: hashed once in a process.

A run hashes its inputs for its key before it loads them. `hash_ahead` starts that in a thread of its
own while the command imports the rest (about half a second of one core, with the other idle). This
module imports neither pandas nor Arrow, so that the thread starts before they are imported.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from sro_reporting.errors import RunError, cannot
from sro_reporting.reading.tables import TABLES, Table

SNIFF = 1 << 16  # bytes at the top of a file that tell what it is


def file_kind(head: bytes) -> str:
    """Return what a file's first bytes say it is: xlsx, xls, utf-16-le, utf-16-be, binary or text.

    >>> [file_kind(b) for b in [b"PK\\x03\\x04..", b"\\xff\\xfea\\x00", b"a\\x00,\\x00", b"\\x00" * 8, b"id,name"]]
    ['xlsx', 'utf-16-le', 'utf-16-le', 'binary', 'text']
    """
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if head.startswith(codecs.BOM_UTF16_LE) and not head.startswith(codecs.BOM_UTF32_LE):
        return "utf-16-le"
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be"
    if head.count(0) * 10 <= len(head):
        return "text"  # a NUL or two in a cell is the cell's problem, read and named with its line
    pairs = head[:len(head) // 2 * 2]
    if pairs and pairs[1::2].count(0) == len(pairs) // 2 and pairs[0::2].count(0) == 0:
        return "utf-16-le"  # UTF-16 without its byte-order mark: every other byte a NUL
    if pairs and pairs[0::2].count(0) == len(pairs) // 2 and pairs[1::2].count(0) == 0:
        return "utf-16-be"
    return "binary"


@dataclass(frozen=True)
class Source:
    """One input file as read: the sha256 of its bytes, and the file's identity while they were read."""

    path: Path
    sha256: str
    identity: tuple[int, ...]


def find_file(data_dir: Path, table: Table) -> Path | None:
    """Return the table's file in `data_dir` (`<table>.csv` or `<table>.xlsx`, any case); `RunError` where it is a
    link (a link is never followed, as in the output folder: it could read any file the user can)."""
    by_name = {p.name.lower(): p for p in data_dir.iterdir() if p.is_symlink() or p.is_file()}
    for suffix in (".csv", ".xlsx"):
        if (found := by_name.get(table.name + suffix)) is not None:
            if found.is_symlink():
                raise RunError(f"input file {found} is a link (to {os.readlink(found)}); links are not followed: "
                               "copy the file itself into the data folder")
            return found
    return None


def identity(info: os.stat_result) -> tuple[int, ...]:
    """Return what tells one state of a file from another: device, inode, size and times."""
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns


def changed(path: Path) -> RunError:
    """Return the error of an input file that changed while it was read."""
    return RunError(f"input file {path} changed while it was read; run again once it is written completely")


_HASHED: dict[tuple[str, tuple[int, ...]], str] = {}  # files hashed in this process, by path and identity
_HASHING: dict[str, threading.Lock] = {}  # one lock a path: a file being hashed ahead is waited for, not read twice


def read_source(path: Path) -> Source:
    """Hash a file, read through once; `RunError` where it cannot be read or changes meanwhile.

    A file hashed before in this process and unchanged since (the same inode, size and times) is not read
    again: a run hashes its inputs for its key, then loads them.
    """
    where = str(path.resolve())  # one key for a file however its folder was named (`data/demo`, or in full)
    with _HASHING.setdefault(where, threading.Lock()):
        return _hash(path, where)


def _hash(path: Path, where: str) -> Source:
    try:
        with path.open("rb") as fh:
            before = os.fstat(fh.fileno())
            if (where, identity(before)) in _HASHED:
                return Source(path, _HASHED[(where, identity(before))], identity(before))
            head = fh.read(SNIFF)
            if file_kind(head) == "binary":  # refused as it is read: its head and size tell one such file from another
                digest = hashlib.sha256()
                digest.update(head + str(before.st_size).encode())
                return Source(path, digest.hexdigest(), identity(before))
            digest, size = hashlib.sha256(), len(head)
            digest.update(head)
            for chunk in iter(lambda: fh.read(1 << 22), b""):
                digest.update(chunk)
                size += len(chunk)
            after = os.fstat(fh.fileno())
    except OSError as exc:
        raise cannot("read", path, exc) from exc
    if identity(before) != identity(after) or size != after.st_size:
        raise changed(path)
    _HASHED[(where, identity(after))] = digest.hexdigest()
    return Source(path, digest.hexdigest(), identity(after))


def table_files(data_dir: Path) -> dict[str, Path]:
    """Return each table's file in the folder, by table, for the tables that have one."""
    return {name: p for name, t in TABLES.items() if (p := find_file(data_dir, t)) is not None}


def hash_sources(data_dir: Path) -> dict[str, Source]:
    """Return each table's file in the folder, hashed."""
    try:
        found = table_files(data_dir)
    except OSError as exc:
        raise cannot("read", data_dir, exc) from exc
    return {name: read_source(path) for name, path in found.items()}


def hash_ahead(data_dir: Path) -> threading.Thread:
    """Hash the folder's table files, largest first, in a daemon thread; `hash_sources` then waits for or reuses them.

    Any problem is left for `hash_sources` to report, in the run's own order.
    """
    def work() -> None:
        try:
            for path in sorted(table_files(data_dir).values(), key=lambda p: p.stat().st_size, reverse=True):
                read_source(path)
        except (OSError, RunError):
            return

    thread = threading.Thread(target=work, name="hash-ahead", daemon=True)
    thread.start()
    return thread
