"""What nbval's notebooks need before they run: the release plan that `sro-report run` makes before its reports.

The MPS notebooks read the school year's plan and never make one (`disclosure.kept`); run by nbval, outside a run,
they find it here, planned once for the demo data they read, with a ledger of its own. A hook, not a fixture:
nbval's cells take no fixtures.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest


def pytest_collection_finish(session: pytest.Session) -> None:
    """Plan the demo school year's release, as a run does, when the session runs a notebook."""
    if not any(str(item.fspath).endswith(".ipynb") for item in session.items):
        return
    from sro_reporting.params import load_school_year
    from sro_reporting.paths import demo_data_dir
    from sro_reporting.reading.dataset import load
    from sro_reporting.running.protection import prepare

    year = load_school_year("2025-26")  # the notebooks' default school year
    prepare(load(demo_data_dir(), date_format=year.date_format), year, Path(tempfile.mkdtemp(prefix="sro-nb-ledger-")))
