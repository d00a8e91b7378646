"""Hashes of what outputs depend on, so a change of code or files is never served from a cache."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from sro_reporting import __version__


def files_hash(paths: list[Path]) -> str:
    """Return one hash over the names and contents of files, in the order given."""
    digest = hashlib.sha256(__version__.encode())
    for p in paths:
        digest.update(p.name.encode() + b"\0" + p.read_bytes())
    return digest.hexdigest()


@functools.cache
def source_hash() -> str:
    """Return a hash of the package's own source, templates and data (the offense crosswalk)."""
    package = Path(__file__).parents[1]
    return files_hash(sorted([*package.rglob("*.py"), *package.rglob("*.j2"), *package.rglob("*.css"),
                              *package.rglob("*.csv")]))
