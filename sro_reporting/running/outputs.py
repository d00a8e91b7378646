"""A report's files: made in a staging folder, moved in whole, hashed, and checked on a re-run.

A report is made in `.sro-staging/<stem>-<random>/` inside the run folder: its kernel writes its
tables there, and the worker its executed notebook, PDF and anything else beside them. When it
is made, its tables folder and then each file are renamed into place (the PDF last), replacing
the old ones whole; a failed report moves in its notebook only, and its old PDF and tables are
removed, so the folder never holds half a report. The manifest records each file's sha256: a
re-run skips a report only when every file is still there, unchanged. A killed run's staging
folders and temporary files are removed by the next run, under its lock.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sro_reporting.errors import cannot
from sro_reporting.files import TEMP, file_hashes, move, open_folder, remove, sha256_of

STAGING = ".sro-staging"
TABLES = "tables"
FIRST, LAST = ".ipynb", ".pdf"  # the notebook moves in first, the PDF (what readers look for) last
# Leftovers of a killed run, by name: temporary files and folders, staging folders, the release's `.mps-*` ones.
LEFTOVERS = (TEMP, STAGING, ".mps-")


def stage(internal: Path, stem: str) -> Path:
    """Return a new, empty, private folder to make one report in."""
    name = f"{stem[:80]}-{secrets.token_hex(4)}"
    try:
        fd = open_folder(internal / STAGING, internal)
        try:
            os.mkdir(name, 0o700, dir_fd=fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise cannot("write", internal / STAGING / name, exc) from exc
    return internal / STAGING / name


def _order(name: str) -> int:
    return {FIRST: 0, LAST: 2}.get(Path(name).suffix, 1)


def commit(staging: Path, internal: Path, stem: str, made: bool) -> dict[str, str]:
    """Move a report's files from `staging` into `internal`; return each one's sha256 by path there.

    `made` False (the report failed): only its notebook moves in (where there is one), and its old files go.
    """
    names = sorted((n for n in os.listdir(staging) if not n.startswith(".") and (staging / n).is_file()), key=_order)
    hashes = {}
    if made:
        tables = staging / TABLES / stem
        found = file_hashes(tables, staging) or {}
        hashes.update({f"{TABLES}/{stem}/{name}": sha for name, sha in found.items()})
        if found:
            move(tables, internal / TABLES / stem, internal)
        else:
            remove(internal / TABLES / stem, internal)
    else:
        names = [n for n in names if n == f"{stem}{FIRST}"]
        withdraw(internal, stem, keep_notebook=bool(names))
    for name in names:
        hashes[name] = sha256_of(staging / name, staging) or ""
        move(staging / name, internal / name, internal)
    return hashes


def withdraw(internal: Path, stem: str, keep_notebook: bool = False) -> None:
    """Remove a report's old tables, PDF and HTML, and its notebook unless a new one takes its place."""
    for old in (f"{TABLES}/{stem}", f"{stem}.pdf", f"{stem}.html", *([] if keep_notebook else [f"{stem}{FIRST}"])):
        remove(internal / old, internal)


def unchanged(internal: Path, stem: str, recorded: dict[str, str] | None) -> bool:
    """Return whether a report's files in `internal` are exactly those the manifest recorded."""
    if not recorded or f"{stem}{LAST}" not in recorded:
        return False
    found = file_hashes(internal / TABLES / stem, internal)
    if found is None:
        return False
    tables = {f"{TABLES}/{stem}/{name}": sha for name, sha in found.items()}
    if tables != {path: sha for path, sha in recorded.items() if path.startswith(f"{TABLES}/")}:
        return False
    return all(sha256_of(internal / path, internal) == sha for path, sha in recorded.items()
               if not path.startswith(f"{TABLES}/"))


def discard(staging: Path, internal: Path) -> None:
    """Remove a staging folder and whatever is left in it."""
    remove(staging, internal)


def sweep(out: Path) -> None:
    """Remove what a killed run left in `out`: temporary files and folders, staging folders (never through a link)."""
    for folder, dirs, names in os.walk(out):
        for name in [*dirs, *names]:
            if name.startswith(LEFTOVERS) or (name.startswith(".") and name.endswith(".tmp")):
                remove(Path(folder) / name, out)
        dirs[:] = [d for d in dirs if not d.startswith(LEFTOVERS)]  # os.walk enters no link
