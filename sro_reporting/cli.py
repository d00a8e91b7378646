"""The `sro-report` command line (contract section 6)."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

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
        typer.echo(f"error: data folder {data} does not exist", err=True)
        raise typer.Exit(2)
    dataset = load(data, use_cache=False)
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
    from sro_reporting.running.batch import BatchError, run_batch

    try:
        failed = run_batch(data, out, school_year, semester, report or None, jobs, force)
    except BatchError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    raise typer.Exit(1 if failed else 0)


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


def main() -> None:
    """Entry point of the `sro-report` script."""
    app()
if __name__ == "__main__":
    main()
