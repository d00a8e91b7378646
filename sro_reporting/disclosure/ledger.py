"""The ledger of what MPS has: every release handed over, kept in MPD's workspace and never rewritten.

An entry is one release's tables of counts (each CSV's text and its layout) with the school year and
the periods they count, as JSON named by its own sha256: writing the same release again writes
nothing, and no entry is ever changed or removed. The ledger also keeps the workspace's secret, which
keys the protection's draw (`protect`): the same counts give the same release, whatever the files' bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets as random
from dataclasses import dataclass
from pathlib import Path

from sro_reporting.disclosure.layout import Layout

ENTRIES = "entries"
SECRET = "secret"
FORMAT = 1


@dataclass(frozen=True)
class Entry:
    """One release MPS has: its tables (path in the release: CSV text and layout) and the periods they count."""

    name: str  # the sha256 of the entry's JSON
    school_year: str
    tables: dict[str, tuple[str, Layout]]

    def periods(self) -> set[str]:
        """Return every period a count of the entry is of."""
        return {p for _, layout in self.tables.values() for p in layout.periods()}


def _overlaps(a: str, b: str) -> bool:
    (a0, a1), (b0, b1) = a.split("/"), b.split("/")
    return a0 <= b1 and b0 <= a1


def overlapping(entries: list[Entry], periods: set[str]) -> list[Entry]:
    """Return the entries with a period that overlaps one of `periods`."""
    return [e for e in entries if any(_overlaps(p, q) for p in e.periods() for q in periods)]


def entry_json(school_year: str, tables: dict[str, tuple[str, Layout]]) -> str:
    """Return an entry's canonical JSON: the same release always gives the same text."""
    body = {"format": FORMAT, "school_year": school_year,
            "tables": {name: {"csv": text, "layout": layout.model_dump(mode="json")}
                       for name, (text, layout) in sorted(tables.items())}}
    return json.dumps(body, sort_keys=True, separators=(",", ":"))


def release_tables(folder: Path, layouts: dict[str, dict]) -> dict[str, tuple[str, Layout]]:
    """Return a release folder's tables of counts that have a layout: CSV text and layout, by path."""
    return {name: ((folder / name).read_text(), Layout.model_validate(layout))
            for name, layout in sorted(layouts.items()) if (folder / name).is_file()}


def record(ledger: Path, school_year: str, tables: dict[str, tuple[str, Layout]]) -> str:
    """Add a release to the ledger (once: an entry already there is left as it is); return its name."""
    text = entry_json(school_year, tables)
    name = hashlib.sha256(text.encode()).hexdigest()
    folder = ledger / ENTRIES
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.json"
    if target.exists():
        return name
    temp = folder / f".tmp-{name}-{random.token_hex(4)}"
    temp.write_text(text)
    temp.chmod(0o444)
    try:
        os.link(temp, target)  # never replaces: an entry written meanwhile by another run is the same text
    except FileExistsError:
        pass
    finally:
        temp.unlink()
    return name


def read(ledger: Path) -> list[Entry]:
    """Return every entry of the ledger whose name is its content's sha256 (others are refused)."""
    found = []
    for path in sorted((ledger / ENTRIES).glob("*.json")) if (ledger / ENTRIES).is_dir() else []:
        text = path.read_text()
        if hashlib.sha256(text.encode()).hexdigest() != path.stem:
            raise ValueError(f"ledger entry {path} was changed after it was written (its sha256 differs from its name)")
        body = json.loads(text)
        tables = {n: (t["csv"], Layout.model_validate(t["layout"])) for n, t in body["tables"].items()}
        found.append(Entry(path.stem, body["school_year"], tables))
    return found


def secret(ledger: Path) -> bytes:
    """Return the workspace's secret that keys the draw, made (private to MPD's user) on first use."""
    path = ledger / SECRET
    if not path.exists():
        ledger.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_bytes()
        with os.fdopen(fd, "w") as fh:
            fh.write(random.token_hex(32))
    return path.read_bytes()
