"""The `sro-report` command line (contract section 6).

Exit codes: 0 all done, 1 a report failed (or `validate` found errors), 2 the command could not
start or could not read or write a file: one line on stderr says which file and why.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from sro_reporting.errors import RunError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Reports of the MPD School Resource Officer program from MPD's data exports.")


class Format(str, Enum):
    text = "text"
    csv = "csv"


@app.command("demo-data")
def demo_data(directory: Annotated[Path, typer.Argument(help="folder to write the CSV files to")]) -> None:
    """Write the embedded synthetic data set."""
    from sro_reporting import demo

    written = demo.write(directory)
    for name, rows in written.items():
        typer.echo(f"{name}.csv: {rows:,} rows")


@app.command("data-dictionary")
def data_dictionary(
    path: Annotated[Path, typer.Argument(help="file to write")] = Path("docs/data-dictionary.md"),
) -> None:
    """Write the data dictionary generated from the package's schemas."""
    from sro_reporting.dictionary import render

    path.write_text(render())
    typer.echo(f"wrote {path}")


@app.command()
def validate(
    data: Annotated[Path, typer.Option(help="folder of table files")],
    format: Annotated[Format, typer.Option(help="text for people, csv for tools")] = Format.text,
) -> None:
    """Check a data folder against the data contract; exit 1 when it has errors."""
    from sro_reporting.reading.dataset import load
    from sro_reporting.reading.quality import QUALITY_COLUMNS, format_text

    if not data.is_dir():
        _stop(f"data folder {data} does not exist")
    dataset = _or_stop(lambda: load(data, use_cache=False))
    if format is Format.csv:
        dataset.problems[QUALITY_COLUMNS].to_csv(sys.stdout, index=False, lineterminator="\n")
    else:
        typer.echo(format_text(dataset.problems, {f.table: Path(f.path).name for f in dataset.files}))
    raise typer.Exit(1 if dataset.error_count else 0)


@app.command()
def run(
    data: Annotated[Path, typer.Option(help="folder of table files")],
    out: Annotated[Path, typer.Option(help="output folder")],
    school_year: Annotated[str, typer.Option(help="school year, e.g. 2025-26")],
    semester: Annotated[str | None, typer.Option(help="fall or spring")] = None,
    report: Annotated[list[str] | None, typer.Option(help="report to make (repeatable)")] = None,
    jobs: Annotated[int | None, typer.Option(help="worker processes (default: cores)")] = None,
    force: Annotated[bool, typer.Option(help="re-make reports whose inputs have not changed")] = False,
) -> None:
    """Make the reports of a period; exit non-zero when any report failed."""
    from sro_reporting.running.batch import run_batch

    failed = _or_stop(lambda: run_batch(data, out, school_year, semester, report or None, jobs, force))
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
    typer.echo(f"{folder}: {len(entries)} snapshot(s), {size / 2**20:,.1f} MiB (`sro-report cache --clear` removes them)")


@app.command()
def audit(
    folder: Annotated[Path, typer.Argument(help="a run's output folder, or its mps/ release folder")],
    min_cell: Annotated[int | None, typer.Option(help="smallest count shown (default: the release's)")] = None,
) -> None:
    """Attack an MPS release as MPS could; exit 1 when a hidden count is pinned or its range is too narrow."""
    import json

    from sro_reporting.disclosure.audit import MANIFEST, audit, by_report

    release = folder / "mps" if (folder / "mps" / MANIFEST).exists() else folder
    if not (release / MANIFEST).exists():
        typer.echo(f"error: {release} holds no release (no {MANIFEST}); give a run folder or its mps/ folder", err=True)
        raise typer.Exit(2)
    manifest = json.loads((release / MANIFEST).read_text())
    minimum = min_cell or manifest.get("audit", {}).get("min_cell") or 10
    found, broken = audit(release, minimum)
    if len(found):
        typer.echo(by_report(found, minimum).to_string(index=False))
    narrowest = int(found["width"].min()) if len(found) else None
    typer.echo(f"{len(found)} hidden counts in {release}; {int((found['width'] == 0).sum()) if len(found) else 0} "
               f"pinned; narrowest range {narrowest}; rule: at least {minimum / 2:g}.")
    for line in broken:
        typer.echo(f"BROKEN {line}", err=True)
    raise typer.Exit(1 if broken else 0)


def _stop(message: str) -> NoReturn:
    """End the command with exit 2 and one line saying why."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _or_stop(action: Callable):
    """Return what `action` returns; a file that cannot be read or written ends the command (exit 2)."""
    try:
        return action()
    except RunError as exc:
        _stop(str(exc))
    except OSError as exc:
        _stop(f"{exc.filename or 'a file'}: {exc.strerror or exc}")


def _warning_line(message, category, filename, lineno, line=None) -> str:
    return f"warning: {message}\n"


def main() -> None:
    """Entry point of the `sro-report` script."""
    warnings.formatwarning = _warning_line
    app()
if __name__ == "__main__":
    main()
