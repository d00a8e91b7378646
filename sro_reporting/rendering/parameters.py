"""A report notebook's parameters, typed and checked in the cell after papermill's.

Papermill turns `-p school_id 0014` into the number 14 and passes a misspelt name (`-p shool_id ...`)
on as one more variable. `check` takes the notebook's variables after its parameter cells, refuses
a name the report does not have (one line naming it, and the closest one it has) and a value of the
wrong kind, keeps IDs as text, and finds the school or officer an ID or name means in the data folder
(`reading.lookup`: 14 is school 0014). The batch passes the IDs as the data have them.
"""

from __future__ import annotations

import difflib
from typing import Annotated

from pydantic import BeforeValidator, ValidationError

from sro_reporting.params import Audience, Frozen, Semester


def _text(value: object) -> object:
    """Keep an ID as text whatever papermill made of it (`-p school_id 0014` gives the number 14)."""
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


Text = Annotated[str, BeforeValidator(_text)]


class ParameterError(ValueError):
    """A notebook was given a parameter it does not have, or a value of the wrong kind."""


class Report(Frozen):
    """What every report notebook takes."""

    school_year: Text
    audience: Audience
    data_dir: Text = ""
    snapshot: Text = ""
    out_dir: Text = ""
    stem: Text = ""


class Period(Report):
    """A report over a span of days: blank is the school year (annual) or the semester (monthly)."""

    period_start: Text = ""
    period_end: Text = ""


class Semestral(Report):
    """A report of one semester."""

    semester: Semester


class School(Semestral):
    """The school consultation packet."""

    school_id: Text


class Officer(Semestral):
    """The officer activity report."""

    officer_id: Text


class Monthly(Semestral, Period):
    """The monthly brief."""


class Quarterly(Semestral):
    """The quarterly public report: the semester whose batch makes it, and its quarter (1-4 or jan-mar)."""

    quarter: Text


MODELS: dict[str, type[Report]] = {"annual": Period, "semester": Semestral, "school": School, "officer": Officer,
                                   "monthly": Monthly, "quarterly": Quarterly, "compliance": Report,
                                   "dpi-118124": Report}
_KERNEL_NAMES = {"In", "Out", "get_ipython", "exit", "quit", "open"}


def given(namespace: dict) -> dict:
    """Return the notebook's parameter variables: plain values under names a person gave (not IPython's)."""
    return {name: value for name, value in namespace.items()
            if not name.startswith("_") and name not in _KERNEL_NAMES
            and (value is None or isinstance(value, str | int | float | bool))}


def _one_line(report: str, error: ValidationError, names: list[str]) -> str:
    first = min(error.errors(), key=lambda e: e["type"] != "extra_forbidden")  # a misspelt name explains the rest
    name = str(first["loc"][0]) if first["loc"] else ""
    if first["type"] == "extra_forbidden":
        close = difflib.get_close_matches(name, names, n=1)
        hint = f"did you mean {close[0]}?" if close else f"it takes {', '.join(names)}"
        return f"the {report} notebook has no parameter {name!r}; {hint}"
    if first["type"] == "missing":
        return f"the {report} notebook needs the parameter {name}"
    return f"parameter {name} = {first.get('input')!r}: {first['msg']}"


def check(report: str, namespace: dict) -> dict:
    """Return the report notebook's parameters typed (IDs as the data have them); `ParameterError` in one line.

    >>> check("school", {"school_year": "2025-26", "semester": "spring", "school_id": 7, "audience": "mps",
    ...                  "data_dir": "", "snapshot": "v1"})["school_id"]
    '7'
    >>> check("school", {"school_year": "2025-26", "semester": "spring", "shool_id": "0007", "audience": "mps"})
    Traceback (most recent call last):
    ...
    sro_reporting.rendering.parameters.ParameterError: the school notebook has no parameter 'shool_id'; did you mean school_id?
    """
    model = MODELS[report]
    values = given(namespace)
    try:
        typed = model.model_validate(values)
    except ValidationError as exc:
        raise ParameterError(_one_line(report, exc, list(model.model_fields))) from None
    found = typed.model_dump()
    entity = {"school": "school_id", "officer": "officer_id"}.get(report)
    if entity and not typed.snapshot:  # by hand or by papermill: the ID typed may be 14, or a name
        found[entity] = _lookup(typed.data_dir, report, found[entity])
    return found


def _lookup(data_dir: str, kind: str, typed: str) -> str:
    from sro_reporting.paths import demo_data_dir, resolve
    from sro_reporting.reading.lookup import LookupProblem, find

    try:
        return find(resolve(data_dir, demo_data_dir()), kind, typed)
    except LookupProblem as exc:
        raise ParameterError(f"parameter {kind}_id: {exc}") from None
    except OSError:  # no data folder or file there: loading the data says so
        return typed
