"""The school year's release plan as a run keeps it: made once, before any report that reads it, read by each of them.

The run (`running.protection`) plans the year with the ledger and keeps the plan in the data version's
snapshot with its digest and a digest of what it was made from (the year's parameters, the ledger's
entries, the workspace's secret); a report reads it and never plans. A plan whose minimum cell is not
the school year's, or whose digest does not match its content, is refused.
"""

from __future__ import annotations

import hashlib
import json

from sro_reporting.disclosure.protect import Plan
from sro_reporting.errors import RunError
from sro_reporting.params import SchoolYear
from sro_reporting.reading import snapshot


def key(version: str, year: SchoolYear) -> str:
    """Return the snapshot key of a school year's plan: a part of the data version's snapshot."""
    return f"{version}{snapshot.PART}plan{hashlib.sha256(year.model_dump_json().encode()).hexdigest()[:16]}"


def digest(plan: Plan) -> str:
    """Return the sha256 of a plan's content."""
    return hashlib.sha256(json.dumps(plan.as_json(), sort_keys=True).encode()).hexdigest()


def save(version: str, year: SchoolYear, plan: Plan, inputs: str) -> str:
    """Keep a plan (replacing one made from other inputs); return its digest."""
    snapshot.remove(key(version, year))
    snapshot.save(key(version, year), {}, {"plan": plan.as_json(), "digest": digest(plan), "inputs": inputs})
    return digest(plan)


def _checked(found: dict, year: SchoolYear) -> Plan:
    """Return the plan of a snapshot's meta; `RunError` where it was changed or is not the school year's."""
    plan = Plan.from_json(found["plan"])
    if digest(plan) != found.get("digest"):
        raise RunError("the release plan kept in the cache does not match its digest; `sro-report run` makes it again")
    if plan.min_cell != year.min_cell:
        raise RunError(f"the release plan kept in the cache hides counts under {plan.min_cell}, the school year "
                       f"{year.school_year}'s parameters under {year.min_cell}; `sro-report run` makes it again")
    return plan


def kept(version: str, year: SchoolYear, inputs: str) -> Plan | None:
    """Return the plan kept for this data version, year and inputs, or None (none, other inputs, or changed)."""
    found = snapshot.load(key(version, year))
    if found is None or found[1].get("inputs") != inputs:
        return None
    try:
        return _checked(found[1], year)
    except RunError:
        return None


def read(version: str, year: SchoolYear) -> Plan:
    """Return the plan the run made for this data version and year (a report's only way to its plan)."""
    found = snapshot.load(key(version, year)) if version else None
    if found is None:
        raise RunError(f"no release plan for data version {version or '(none)'} and school year {year.school_year}: "
                       "MPS reports are made by `sro-report run` or `run_report`, which plan the release first")
    return _checked(found[1], year)
