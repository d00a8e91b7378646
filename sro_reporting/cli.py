"""The `sro-report` command line (contract section 6).

Every mistake an analyst makes at the command line gets a message that says what to type
instead, and exit code 2; nothing starts until the arguments, the data folder's tables and the
entities asked for are known to be right. Exit codes: 0 all done, 1 a report failed (or `validate`
found errors, or the MPS release failed its audit), 2 the command could not start or could not
read or write a file: one line on stderr says which file and why.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import warnings
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from sro_reporting.errors import RunError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Reports of the MPD School Resource Officer program from MPD's data exports.")


class Format(str, Enum):
    text = "text"
    csv = "csv"


def _next_year(first: int) -> str:
    return f"{first}-{(first + 1) % 100:02d}"


def school_year_option(value: str | None) -> str | None:
    """Check `--school-year`: the form YYYY-YY, with the form to type where it is another."""
    if value is None or re.fullmatch(r"\d{4}-\d{2}", value):
        return value
    m = re.fullmatch(r"\s*(\d{4})\s*(?:[-/_.\u2013\u2014]\s*(\d{2}|\d{4}))?\s*", value)
    if m:
        raise typer.BadParameter(f"write the school year as YYYY-YY: --school-year {_next_year(int(m.group(1)))}",
                                 param_hint="'--school-year'")
    raise typer.BadParameter("write the school year as YYYY-YY, for example --school-year 2025-26",
                             param_hint="'--school-year'")


def semester_option(value: str | None) -> str | None:
    """Check `--semester`: fall or spring, any case; say so when the next option was taken as its value."""
    if value is None:
        return None
    if value.lower() in ("fall", "spring"):
        return value.lower()
    if value.startswith("-"):
        raise typer.BadParameter(
            f"--semester needs fall or spring before the next option (it read {value!r} as the semester): "
            "for example --semester spring --report annual; leave --semester out for the whole school year",
            param_hint="'--semester'")
    raise typer.BadParameter(f"{value!r} is not a semester: type --semester fall or --semester spring",
                             param_hint="'--semester'")


SHOWN_IN_FULL = 50  # problems `validate` lists one by one after its summary; more go to its detail file only


def jobs_option(value: int | None) -> int | None:
    """Check `--jobs`: 1 to the machine's cores."""
    from sro_reporting.running.processes import jobs_problem

    if problem := jobs_problem(value):
        raise typer.BadParameter(problem, param_hint="'--jobs'")
    return value


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


LEDGER_HELP = "the ledger of releases MPS has (default: $SRO_LEDGER, else ledger/ in the workspace)"


def _or_stop(action: Callable):
    """Return what `action` returns; a file that cannot be read or written ends the command (exit 2)."""
    try:
        return action()
    except RunError as exc:
        raise _fail(str(exc)) from exc
    except OSError as exc:
        raise _fail(f"{exc.filename or 'a file'}: {exc.strerror or exc}") from exc


def _warning_line(message, category, filename, lineno, line=None) -> str:
    return f"warning: {message}\n"


@app.callback()
def choose_workspace(
    workspace: Annotated[Path | None, typer.Option(
        "--workspace", help="project folder of notebooks/ and params/ (default: $SRO_WORKSPACE, else the "
        "checkout the package was installed from)", show_default=False)] = None,
) -> None:
    """Reports of the MPD School Resource Officer program from MPD's data exports."""
    from sro_reporting.paths import WORKSPACE_ENV

    if workspace is not None:
        if not workspace.is_dir():
            raise _fail(f"--workspace {workspace}: no such folder; give a folder laid out like the project "
                        "(notebooks/, params/)")
        os.environ[WORKSPACE_ENV] = str(workspace.resolve())  # the run's workers and kernels inherit it


@app.command("demo-data")
def demo_data(directory: Annotated[Path, typer.Argument(help="folder to write the CSV files to")]) -> None:
    """Write the embedded synthetic data set."""
    from sro_reporting.demo import generator as demo

    written = demo.write(directory)
    for name, rows in written.items():
        typer.echo(f"{name}.csv: {rows:,} rows")


@app.command("data-dictionary")
def data_dictionary(
    path: Annotated[Path, typer.Argument(help="file to write, or - for the screen")] = Path("docs/data-dictionary.md"),
) -> None:
    """Write the data dictionary generated from the package's schemas."""
    from sro_reporting.dictionary import render

    text = render()
    if str(path) == "-":
        typer.echo(text, nl=False)
        return
    if not path.parent.is_dir():
        raise _fail(f"cannot write {path}: there is no folder {path.parent} in {Path.cwd()}. Name a file to write, "
                    "for example `sro-report data-dictionary data-dictionary.md`, or `sro-report data-dictionary -` "
                    "to print it")
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise _fail(f"cannot write {path}: {exc.strerror or exc}. Name another file, for example "
                    "`sro-report data-dictionary data-dictionary.md`") from exc
    typer.echo(f"wrote {path}")


@app.command()
def workspace() -> None:
    """Show the workspace: where notebooks, parameters, the demo data, outputs and the cache are."""
    from sro_reporting import paths

    folder, why = paths.workspace_source()
    rows = [("workspace", folder, why), ("notebooks", paths.notebooks_dir(), ""),
            ("parameters", paths.params_dir(), ""), ("default data", paths.demo_data_dir(), "a blank data_dir"),
            ("notebook outputs", paths.interactive_dir(), "a blank out_dir"), ("cache", paths.cache_dir(), "")]
    for name, where, note in rows:
        typer.echo(f"{name + ':':<18}{where}" + (f"  ({note})" if note else ""))
    typer.echo(f"Set ${paths.WORKSPACE_ENV} to use another folder laid out the same way.")


@app.command("new-year")
def new_year(
    school_year: Annotated[str, typer.Argument(help="the school year to add, e.g. 2027-28",
                                               callback=school_year_option)],
) -> None:
    """Add the parameter file of a school year, made from the last year's: set its calendar, then run."""
    from sro_reporting.params import write_new_year

    try:
        path, source = write_new_year(school_year)
    except (FileExistsError, FileNotFoundError) as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"wrote {path} from {source}.yaml: set its semesters and days off from the MPS calendar "
               "(its thresholds, MOU and contact are last year's)")


@app.command()
def validate(
    data: Annotated[Path, typer.Option(help="folder of table files")],
    format: Annotated[Format, typer.Option(help="text for people, csv for tools")] = Format.text,
    report: Annotated[list[str] | None, typer.Option(
        help="also check that this report's tables are there and usable (repeatable)")] = None,
    date_format: Annotated[str | None, typer.Option(
        "--date-format", help="M/D or D/M: how dates with slashes are written, where the data cannot tell")] = None,
    detail: Annotated[Path | None, typer.Option(
        help="file for every problem, one per line (default: outputs/validate/data_quality.csv in the workspace)")
    ] = None,
) -> None:
    """Check a data folder against the data contract; exit 1 when it has errors."""
    from sro_reporting.files import safe_frame
    from sro_reporting.paths import workspace
    from sro_reporting.reading.dataset import load
    from sro_reporting.reading.quality import QUALITY_COLUMNS, format_summary, format_text, write_csv
    from sro_reporting.running import checks
    from sro_reporting.running.plan import KINDS

    if not data.is_dir():
        raise _fail(f"data folder {data} does not exist")
    unknown = [r for r in report or [] if r not in KINDS]
    if unknown:
        raise _fail(f"unknown report {', '.join(unknown)}: type one of {', '.join(KINDS)}")
    if date_format not in (None, "M/D", "D/M"):
        raise _fail(f"--date-format {date_format}: type M/D (month first) or D/M (day first)")
    dataset = _or_stop(lambda: load(data, use_cache=False, date_format=date_format))
    missing = checks.check_data(dataset, list(report)) if report else []
    if format is Format.csv:
        safe_frame(dataset.problems[QUALITY_COLUMNS]).to_csv(sys.stdout, index=False, lineterminator="\n")
        for line in missing:
            typer.echo(f"error: {line}", err=True)
    else:
        files = {f.table: Path(f.path).name for f in dataset.files}
        typer.echo(format_summary(dataset.problems, files))
        if len(dataset.problems) and len(dataset.problems) <= SHOWN_IN_FULL:
            typer.echo("\nEvery problem:\n" + format_text(dataset.problems, files))
        if len(dataset.problems):
            where = detail or workspace() / "outputs" / "validate" / "data_quality.csv"
            _or_stop(lambda: write_csv(dataset.problems, where))
            typer.echo(f"Every problem ({len(dataset.problems):,} lines): {where}")
        if not dataset.usable.get("calls_for_service") and not report and (hint := checks.call_download_hint(data)):
            typer.echo(f"hint:{hint}")
        for line in checks.data_limits(dataset, list(report) if report else None):
            typer.echo(f"note: {line}")
        for line in missing:
            typer.echo(f"MISSING {line}")
        if report:
            typer.echo(f"{len(missing)} table(s) missing for {', '.join(report)}." if missing else
                       f"Every table that {', '.join(report)} need(s) is there.")
    raise typer.Exit(1 if dataset.error_count or missing else 0)


def _quarters(quarter: list[str], semester: str | None) -> tuple[list[str], str | None]:
    """Return the quarters asked for as the plan names them (`q3`) and the semester whose batch makes them."""
    from sro_reporting.running.plan import PlanError, quarter_entity

    try:
        found = [quarter_entity(q) for q in quarter]
    except PlanError as exc:
        raise _fail(str(exc)) from exc
    halves = {s for _, s in found} | ({semester} if semester and found else set())
    if len(halves) > 1:
        raise _fail(f"--quarter {' '.join(quarter)}: the fall batch makes quarters 1 and 2 (July-December), the spring "
                    "batch quarters 3 and 4 (January-June); ask for the quarters of one semester")
    return [q for q, _ in found], (halves.pop() if halves else semester)


def _named(data: Path, kind: str, typed: list[str]) -> list[str]:
    """Return the IDs of the schools or officers typed (IDs or names), from the one small file; exit 2 on none."""
    from sro_reporting.reading.lookup import LookupProblem, find

    try:
        return [find(data, kind, one) for one in typed]
    except LookupProblem as exc:
        raise _fail(f"--{kind} {exc}") from exc
    except OSError:  # no such folder or file: the checks of the run say so, with the rest
        return typed


def _entities(data: Path, reports: list[str] | None, semester: str | None, school_year: str, school: list[str],
              officer: list[str], month: list[str],
              quarter: list[str] = ()) -> tuple[dict[str, list[str]], str | None]:
    """Return the entities asked for (`{"school": [...]}`) and the semester, inferred from `--month` or `--quarter`
    if left out.

    Schools and officers are named by ID or name, looked up before the data are loaded."""
    from sro_reporting.params import load_school_year
    from sro_reporting.running.plan import ENTITY_OPTIONS, month_semesters

    quarters, semester = _quarters(list(quarter), semester)
    only = {name: ids for name, ids in (("school", school), ("officer", officer), ("month", month),
                                        ("quarter", quarters)) if ids}
    for option in only:
        kind = ENTITY_OPTIONS[option]
        if reports and kind not in reports:
            raise _fail(f"--{option} picks one {kind} report; add --report {kind}, or leave --report out")
    if month and semester is None:
        try:
            year = load_school_year(school_year)
        except (FileNotFoundError, ValueError) as exc:
            raise _fail(str(exc)) from exc
        found = {s for m in month for s in month_semesters(year, m)}
        if len(found) != 1:
            where = " and ".join(sorted(found)) or "no semester"
            raise _fail(f"--month {' '.join(month)}: school days in {where} of {school_year}; "
                        "add --semester fall or --semester spring")
        semester = found.pop()
    if only and semester is None:
        option = next(iter(only))
        raise _fail(f"--{option} picks a {ENTITY_OPTIONS[option]} report, made per semester: "
                    "add --semester fall or --semester spring")
    for kind in ("school", "officer"):
        if kind in only:
            only[kind] = _named(data, kind, only[kind])
    return only, semester


@app.command()
def run(
    data: Annotated[Path, typer.Option(help="folder of table files")],
    out: Annotated[Path, typer.Option(help="output folder")],
    school_year: Annotated[str, typer.Option(help="school year, e.g. 2025-26", callback=school_year_option)],
    semester: Annotated[str | None, typer.Option(help="fall or spring", callback=semester_option)] = None,
    report: Annotated[list[str] | None, typer.Option(help="report to make (repeatable)")] = None,
    school: Annotated[list[str] | None, typer.Option(help="make the packet of this school only: its ID or name")] = None,
    officer: Annotated[list[str] | None, typer.Option(help="make the report of this officer only: ID or name")] = None,
    month: Annotated[list[str] | None, typer.Option(help="make the monthly brief of this month (YYYY-MM) only")] = None,
    quarter: Annotated[list[str] | None, typer.Option(
        help="make the quarterly report of this quarter only: 1-4 (1 = July-September) or jul-sep, oct-dec, jan-mar, "
             "apr-jun")] = None,
    jobs: Annotated[int | None, typer.Option(help="worker processes, 1 to the cores (default: cores)",
                                             callback=jobs_option)] = None,
    force: Annotated[bool, typer.Option(help="re-make reports whose inputs have not changed")] = False,
    ledger: Annotated[Path | None, typer.Option(help=LEDGER_HELP)] = None,
) -> None:
    """Make the reports of a period; exit non-zero when any report failed."""
    from sro_reporting.reading.sources import hash_ahead

    hash_ahead(data)  # while the batch's libraries are imported, below
    from sro_reporting.running.batch import BatchError, run_batch
    from sro_reporting.running.plan import PlanError

    try:
        only, semester = _entities(data, report, semester, school_year, school or [], officer or [], month or [],
                                   quarter or [])
        failed = _or_stop(lambda: run_batch(data, out, school_year, semester, report or None, jobs, force,
                                            only or None, ledger))
    except (BatchError, PlanError) as exc:
        raise _fail(str(exc)) from exc
    raise typer.Exit(1 if failed else 0)


@app.command()
def cache(clear: Annotated[bool, typer.Option(help="remove every cached snapshot")] = False) -> None:
    """Show the cache of cleaned data (one snapshot per data version), or clear it."""
    from sro_reporting.reading import snapshot

    folder = _or_stop(snapshot.folder)
    if clear:
        typer.echo(f"removed {_or_stop(snapshot.clear)} snapshot(s) from {folder}")
        return
    entries = sorted(p for p in folder.iterdir() if p.name.startswith(snapshot.PREFIX))
    size = sum(f.stat().st_size for p in entries for f in p.iterdir())
    versions = len({snapshot.version_of(p) for p in entries})
    typer.echo(f"{folder}: {versions} snapshot(s), {size / 2**20:,.1f} MiB (`sro-report cache --clear` removes them)")


@app.command()
def audit(
    folder: Annotated[Path, typer.Argument(help="a run's output folder, or its mps/ release folder")],
    ledger: Annotated[Path | None, typer.Option(help=LEDGER_HELP)] = None,
) -> None:
    """Attack an MPS release as MPS could, with what MPS already has; exit 1 when the rule is broken.

    The minimum cell is the release's school year's (`params/`), never the release's own word for it.
    """
    import json

    from sro_reporting.disclosure import ledger as ledgers
    from sro_reporting.disclosure.audit import MANIFEST, audit, by_report
    from sro_reporting.params import load_school_year
    from sro_reporting.paths import ledger_dir
    from sro_reporting.running.release import summary

    release = folder / "mps" if (folder / "mps" / MANIFEST).exists() else folder
    if not (release / MANIFEST).exists():
        typer.echo(f"error: {release} holds no release (no {MANIFEST}); give a run folder or its mps/ folder", err=True)
        raise typer.Exit(2)
    manifest = json.loads((release / MANIFEST).read_text())
    year = _or_stop(lambda: load_school_year(str(manifest.get("parameters", {}).get("school_year", ""))))
    entries = _or_stop(lambda: ledgers.read(ledger or ledger_dir()))
    found, broken = audit(release, year.min_cell, entries)
    if manifest.get("min_cell") != year.min_cell:
        broken.insert(0, f"the release's manifest says its minimum cell is {manifest.get('min_cell')}; "
                         f"the school year {year.school_year}'s parameters say {year.min_cell}")
    if len(found):
        typer.echo(by_report(found, year.min_cell).to_string(index=False))
    figures = summary(found)
    typer.echo(f"{figures['hidden_cells']} hidden and {figures['derived_cells']} derived counts in {release}, read "
               f"with the ledger's entries for its periods ({len(entries)} in the ledger); {figures['pinned']} pinned; "
               f"narrowest range {figures['narrowest_range']}; rule: at least {year.min_cell / 2:g}.")
    for line in broken:
        typer.echo(f"BROKEN {line}", err=True)
    raise typer.Exit(1 if broken else 0)


def main() -> None:
    """Entry point of the `sro-report` script: the process ends as soon as the command and its threads have.

    The threads still writing to the cache are waited for, as the interpreter would; then the process ends
    without tearing down pandas, Arrow and the rest, which would hold the prompt back by a third of a second.
    """
    warnings.formatwarning = _warning_line
    try:
        app()
    except SystemExit as done:
        code = done.code
    else:
        code = 0
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    if code is not None and not isinstance(code, int):  # as `sys.exit` does with a message
        print(code, file=sys.stderr)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # output piped into a program that stopped reading (`| head`)
        code = code if isinstance(code, int) and code else 120
    os._exit(code if isinstance(code, int) else 0 if code is None else 1)


if __name__ == "__main__":
    main()
