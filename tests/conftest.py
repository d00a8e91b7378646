"""Shared helpers: small hand-made data folders written as an export would be."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sro_reporting.reading.tables import TABLES

SCHOOLS = pd.DataFrame({
    "school_id": ["0010", "0020", "0030", "0040"],
    "school_name": ["Alpha High", "Beta K-8", "Gamma Elementary", "Delta High"],
    "address": ["1017 N 12th Street", "2751 S. Lenox St, MKE", "1200 W Wells Avenue", "5000 W Capitol Dr"],
    "sro_participating": ["yes", "Y", "no", "true"],
    "participation_start": ["", "", "", "2025-09-01"],
    "participation_end": ["", "", "", ""],
})


def write_folder(folder: Path, **tables: pd.DataFrame | str) -> Path:
    """Write each table as `<name>.csv` (a frame, or raw text); missing tables get a header only."""
    folder.mkdir(parents=True, exist_ok=True)
    tables.setdefault("schools", SCHOOLS)
    for name, table in TABLES.items():
        if table.optional and name not in tables:
            continue
        content = tables.get(name)
        path = folder / f"{name}.csv"
        if content is None:
            path.write_text(",".join(c.name for c in table.columns if c.required) + "\n")
        elif isinstance(content, str):
            path.write_text(content)
        else:
            content.to_csv(path, index=False)
    return folder


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Keep each test's snapshots out of the project's cache."""
    monkeypatch.setenv("SRO_CACHE", str(tmp_path_factory.mktemp("cache")))
