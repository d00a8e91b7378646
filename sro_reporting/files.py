"""Writing output files: whole or not at all, never through a symlink, CSV cells that stay text, safe names.

Every file a run writes goes through here. A file is written under a fresh random name in its
folder (created exclusively, so a planted link at that name is refused) and renamed over the
final name: a reader never sees half a file, and a symlink at the final name is replaced, not
followed. Given the run's folder as `root`, every folder from there down to the file is opened
without following a link as well: a link planted at `tables/` is replaced by a real folder. A
file or folder that cannot be written raises `RunError` naming it.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import stat
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from sro_reporting.errors import cannot

if TYPE_CHECKING:
    import pandas as pd

# OWASP CSV injection: a cell starting with these is a formula to Excel, LibreOffice and Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NAME_LENGTH = 80  # characters of a file or folder name made from an ID, before its hash
TEMP = ".sro-tmp-"  # what a file being written, or a folder being replaced, is called meanwhile
# POSIX flags; Windows has none of them (0 there leaves a plain open), and its run imports this module too.
NOFOLLOW, CLOEXEC, DIRECTORY = (getattr(os, f"O_{name}", 0) for name in ("NOFOLLOW", "CLOEXEC", "DIRECTORY"))
_FOLDER = os.O_RDONLY | DIRECTORY | NOFOLLOW | CLOEXEC


def _enter(parent: int, name: str, create: bool) -> int:
    """Return a descriptor of the folder `name` in `parent`, never through a link; make it where missing."""
    try:
        return os.open(name, _FOLDER, dir_fd=parent)
    except FileNotFoundError:
        if not create:
            raise
    except OSError:
        if not create or not stat.S_ISLNK(os.stat(name, dir_fd=parent, follow_symlinks=False).st_mode):
            raise
        os.unlink(name, dir_fd=parent)  # a link where a folder of the run belongs: replaced, not followed
    with suppress(FileExistsError):
        os.mkdir(name, dir_fd=parent)
    return os.open(name, _FOLDER, dir_fd=parent)


def open_folder(folder: Path, root: Path | None = None, create: bool = True) -> int:
    """Return a descriptor of `folder`; below `root` (default: `folder` itself) no link is followed.

    Missing folders are made when `create`; the caller closes the descriptor.
    """
    root = folder if root is None else root
    parts = folder.relative_to(root).parts
    if create:
        root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root, os.O_RDONLY | DIRECTORY | CLOEXEC)
    try:
        for part in parts:
            child = _enter(fd, part, create)
            os.close(fd)
            fd = child
    except BaseException:
        os.close(fd)
        raise
    return fd


def _write_in(folder: int, name: str, data: bytes) -> None:
    """Write `name` in the folder open as `folder`: a new file under a random name, then renamed."""
    temp = f"{TEMP}{secrets.token_hex(6)}-{name[:40]}"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW | CLOEXEC, 0o666, dir_fd=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(temp, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        with suppress(OSError):
            os.unlink(temp, dir_fd=folder)
        raise


def write_bytes(path: Path, data: bytes, root: Path | None = None) -> Path:
    """Write `data` to `path` atomically, following no link below `root` (default: the file's folder)."""
    try:
        folder = open_folder(path.parent, root)
        try:
            _write_in(folder, path.name, data)
        finally:
            os.close(folder)
    except OSError as exc:
        raise cannot("write", path, exc) from exc
    return path


def write_text(path: Path, text: str, root: Path | None = None) -> Path:
    """Write UTF-8 text to `path` atomically."""
    return write_bytes(path, text.encode(), root)


def _remove(folder: int, name: str) -> None:
    """Remove a file, link or whole folder from the folder open as `folder`, following no link."""
    if stat.S_ISDIR(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode):
        shutil.rmtree(name, dir_fd=folder)
    else:
        os.unlink(name, dir_fd=folder)


def remove(path: Path, root: Path) -> None:
    """Remove a file, link or folder under `root` where it exists, following no link."""
    try:
        folder = open_folder(path.parent, root, create=False)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise cannot("remove", path, exc) from exc
    try:
        _remove(folder, path.name)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise cannot("remove", path, exc) from exc
    finally:
        os.close(folder)


def move(source: Path, target: Path, root: Path) -> None:
    """Rename `source` to `target`, both under `root`, replacing whatever is there (file, link or folder) whole."""
    try:
        src, dst = open_folder(source.parent, root), open_folder(target.parent, root)
        try:
            try:
                there = os.stat(target.name, dir_fd=dst, follow_symlinks=False).st_mode
            except FileNotFoundError:
                there = None
            if there is not None and (stat.S_ISDIR(there) or os.path.isdir(source)):
                aside = f"{TEMP}old-{secrets.token_hex(6)}-{target.name[:40]}"
                os.rename(target.name, aside, src_dir_fd=dst, dst_dir_fd=dst)
                os.rename(source.name, target.name, src_dir_fd=src, dst_dir_fd=dst)
                _remove(dst, aside)
            else:
                os.replace(source.name, target.name, src_dir_fd=src, dst_dir_fd=dst)
        finally:
            os.close(src)
            os.close(dst)
    except OSError as exc:
        raise cannot("write", target, exc) from exc


def file_hashes(folder: Path, root: Path) -> dict[str, str] | None:
    """Return the sha256 of each file in `folder` by name, or None where the folder or a file in it is a link.

    Subfolders are not entered. A missing folder has no files.
    """
    try:
        fd = open_folder(folder, root, create=False)
    except FileNotFoundError:
        return {}
    except OSError:
        return None
    try:
        hashes = {}
        for name in sorted(os.listdir(fd)):
            mode = os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode
            if stat.S_ISLNK(mode):
                return None
            if stat.S_ISREG(mode):
                hashes[name] = _sha256_at(fd, name)
        return hashes
    finally:
        os.close(fd)


def sha256_of(path: Path, root: Path) -> str | None:
    """Return a file's sha256, or None where it is missing, not a plain file, or reached through a link below `root`."""
    try:
        folder = open_folder(path.parent, root, create=False)
    except OSError:
        return None
    try:
        return _sha256_at(folder, path.name)
    except OSError:
        return None
    finally:
        os.close(folder)


def _sha256_at(folder: int, name: str) -> str:
    """Return the sha256 of a file in the folder open as `folder`, not through a link."""
    digest = hashlib.sha256()
    fd = os.open(name, os.O_RDONLY | NOFOLLOW | CLOEXEC, dir_fd=folder)
    with os.fdopen(fd, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def neutralize(value: object) -> object:
    """Return a text cell that a spreadsheet would run as a formula with a leading `'`; numbers as they are.

    >>> [neutralize(v) for v in ["=HYPERLINK(1)", "@SUM(A1)", "-3.5", "+cmd|' /C calc'!A0", "Alpha", 7]]
    ["'=HYPERLINK(1)", "'@SUM(A1)", '-3.5', "'+cmd|' /C calc'!A0", 'Alpha', 7]
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    try:
        float(value)
        return value  # a signed number written as text is a number, not a formula
    except ValueError:
        return "'" + value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return `frame` with every text cell and header neutralized (numeric columns untouched)."""
    from pandas.api.types import is_bool_dtype, is_numeric_dtype  # here: a report's worker starts without pandas

    text = [c for c in frame.columns if not is_numeric_dtype(frame[c]) and not is_bool_dtype(frame[c])]
    out = frame.assign(**{str(c): frame[c].map(neutralize) for c in text}) if text else frame
    return out.rename(columns=lambda c: neutralize(c) if isinstance(c, str) else c)


def write_csv(frame: pd.DataFrame, path: Path, root: Path | None = None) -> Path:
    """Write a table as UTF-8 CSV atomically, its text cells safe to open in a spreadsheet."""
    return write_text(path, safe_frame(frame).to_csv(index=False, lineterminator="\n"), root)


def safe_name(text: str) -> str:
    """Return a file-name part made from an ID: unique per ID, lower case, at most ~90 characters.

    An ID that is already lower-case letters, digits and hyphens is used as it is; any other gets
    a short hash of the original, so `ab7` and `AB7`, or `X-1` and `X_1`, never share a name.

    >>> safe_name("0007"), safe_name("ab7"), safe_name("AB7"), safe_name("X_1")
    ('0007', 'ab7', 'ab7-96b231cd', 'x-1-97e232ca')
    """
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:NAME_LENGTH] or "id"
    if slug == text:
        return slug
    return f"{slug}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"


def report_stem(name: str, school_year: str, semester: str = "", entity: str = "") -> str:
    """Return the file stem of a report's outputs: kind, period and the entity's ID, never a name.

    >>> report_stem("school", "2025-26", "spring", "0007"), report_stem("annual", "2025-26")
    ('school-2025-26-spring-0007', 'annual-2025-26')
    """
    period = f"{school_year}-{semester}" if semester else school_year
    return "-".join(p for p in (name, period, safe_name(entity) if entity else "") if p)
