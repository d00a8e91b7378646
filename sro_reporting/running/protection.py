"""The release plan as a stage of the run: the school year planned once, with the ledger, before any report reads it.

The plan reads what MPS already has (the ledger's entries whose periods overlap the school year) and the
workspace's secret that keys its draw, and is kept in the data version's snapshot, where every report reads
it (`disclosure.kept`). A run whose data, year and ledger are unchanged reads the plan kept, and makes none.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from sro_reporting.disclosure import kept, ledger, protect
from sro_reporting.disclosure.layout import period
from sro_reporting.measures import offenses
from sro_reporting.params import SchoolYear
from sro_reporting.reading.dataset import DataSet


@dataclass(frozen=True)
class Planned:
    """What a run records of its plan: its digest, the ledger entries it was made with, what it would move."""

    digest: str
    entries: tuple[str, ...]
    moved: tuple[str, ...]
    made: bool  # False where the plan kept for the same inputs was read

    def as_json(self) -> dict:
        """Return what the manifest records."""
        return {"digest": self.digest, "ledger_entries": list(self.entries), "moved": list(self.moved),
                "made": self.made}


def prepare(data: DataSet, year: SchoolYear, folder: Path) -> Planned:
    """Plan the school year's release with the ledger in `folder` (or read the plan kept for the same inputs)."""
    entries = tuple(ledger.overlapping(ledger.read(folder), {period(year.year_span)}))
    secret = ledger.secret(folder)
    # An edited offense crosswalk moves counts between offense types: it is an input of the plan too; so are the
    # tables a quarter prints, which a plan kept from before they were planned does not cover.
    inputs = hashlib.sha256(json.dumps([year.model_dump(mode="json"), offenses.crosswalk().model_dump(mode="json"),
                                        [e.name for e in entries], hashlib.sha256(secret).hexdigest(),
                                        protect.QUARTER_TABLES], sort_keys=True).encode()).hexdigest()
    found = kept.kept(data.version, year, inputs)
    plan = found or protect.plan(data, year, entries, secret)
    digest = kept.digest(plan) if found else kept.save(data.version, year, plan, inputs)
    return Planned(digest, tuple(e.name for e in entries), plan.moved, found is None)
