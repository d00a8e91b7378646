"""A run is a transaction: one data version, one run per folder, whole files, verified re-runs, clean stops."""

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from sro_reporting.demo import generator as demo

pytestmark = pytest.mark.slow
MONTHLY = ["--semester", "spring", "--report", "monthly"]  # six cheap reports


def command(data: Path, out: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "sro_reporting.cli", "run", "--data", str(data), "--out", str(out),
            "--school-year", "2025-26", *args]


def run(data: Path, out: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(command(data, out, *args), capture_output=True, text=True, check=False,
                          env={**os.environ, **(env or {})})


def until(condition, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def manifest(out: Path) -> dict:
    return json.loads((out / "internal" / "manifest.json").read_text())


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_whole_and_as_recorded(out: Path) -> None:
    """Every recorded file is there with its sha256, every PDF and notebook is whole, nothing is left over."""
    internal = out / "internal"
    for entry in manifest(out)["outputs"]:
        assert entry["files"], entry["stem"]
        for path, digest in entry["files"].items():
            assert not (internal / path).is_symlink() and sha(internal / path) == digest, path
    for pdf in internal.glob("*.pdf"):
        assert len(PdfReader(pdf).pages) > 0
    for notebook in internal.glob("*.ipynb"):
        json.loads(notebook.read_text())
    assert not [p for p in out.rglob(".sro-*") if p.name != ".sro-run.lock"]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("data")
    demo.write(folder)
    return folder


@pytest.fixture(scope="module")
def other_data(data, tmp_path_factory):
    """The demo data with half the enforcement rows gone: another data version."""
    folder = tmp_path_factory.mktemp("other")
    shutil.copytree(data, folder, dirs_exist_ok=True)
    enforcement = pd.read_csv(folder / "enforcement.csv", dtype=str, keep_default_na=False)
    enforcement.iloc[::2].to_csv(folder / "enforcement.csv", index=False)
    return folder


def plant_links(out: Path, victims: Path) -> dict[Path, str]:
    """Put a link at every name a run writes or may write, to a file or folder outside; return them."""
    internal = out / "internal"
    (victims / "folder").mkdir(parents=True)
    planted = {internal / "data_quality.csv": "file", internal / "manifest.json": "file",
               internal / "monthly-2025-26-spring-2026-01.pdf": "file",
               internal / "monthly-2025-26-spring-2026-02.ipynb": "file",
               internal / "tables": "folder", internal / ".sro-staging": "folder",
               out / ".sro-run.lock": "file", out / ".write-test": "file", out / "mps": "folder"}
    for i, (link, kind) in enumerate(planted.items()):
        link.parent.mkdir(parents=True, exist_ok=True)
        target = victims / "folder" if kind == "folder" else victims / f"{i}.txt"
        if kind == "file":
            target.write_text("precious")
        link.symlink_to(target)
    return planted


def test_a_run_is_a_transaction(data, other_data, tmp_path):
    """One data version, no link followed, one run at a time; a killed run is repaired by the next."""
    source, out, victims = tmp_path / "data", tmp_path / "out", tmp_path / "victims"
    shutil.copytree(data, source)
    planted = plant_links(out, victims)
    before = {p: p.read_text() for p in victims.rglob("*") if p.is_file()}
    internal = out / "internal"
    first = subprocess.Popen(command(source, out, *MONTHLY, "--jobs", "2"), stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    # Once the data are read (the log is written), swap the folder for other data and a broken table:
    # a kernel that read the folder would get another version, or fail.
    until(lambda: (internal / "data_quality.csv").is_file() and not (internal / "data_quality.csv").is_symlink())
    source.rename(tmp_path / "data-as-read")
    shutil.copytree(other_data, source)
    (source / "schools.csv").write_text("nothing,useful\n")
    second = run(data, out, *MONTHLY)
    assert second.returncode == 2 and f"in use by another run (process {first.pid} on " in second.stderr
    assert first.wait() == 0, first.stderr.read()
    first.stderr.close()

    made = manifest(out)
    assert {i["table"]: i["sha256"] for i in made["inputs"]}["enforcement"] == sha(data / "enforcement.csv")
    assert all(o["status"] == "ok" and o["parameters"]["snapshot"] == made["data_version"] for o in made["outputs"])
    assert {p: p.read_text() for p in victims.rglob("*") if p.is_file()} == before
    assert list((victims / "folder").iterdir()) == []
    assert not any(link.is_symlink() for link in planted if link.name != ".write-test")
    assert_whole_and_as_recorded(out)

    # Another data version, killed with everything it started once it has moved a report in.
    killed = subprocess.Popen(command(other_data, out, *MONTHLY, "--jobs", "1"), start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    recorded = {e["stem"]: e["files"] for e in made["outputs"]}

    def replaced() -> set[str]:
        return {stem for stem, files in recorded.items()
                if (internal / f"{stem}.pdf").exists() and sha(internal / f"{stem}.pdf") != files[f"{stem}.pdf"]}

    until(lambda: replaced())
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait()
    stale = replaced()
    for pdf in internal.glob("*.pdf"):  # whatever was moved in is whole
        assert len(PdfReader(pdf).pages) > 0
    untouched = sorted(set(recorded) - stale)
    emptied = untouched[-1]  # a 0-byte PDF whose notebook and tables are gone
    (internal / f"{emptied}.pdf").write_bytes(b"")
    (internal / f"{emptied}.ipynb").unlink()
    shutil.rmtree(internal / "tables" / emptied)

    shutil.rmtree(source)
    (tmp_path / "data-as-read").rename(source)  # the first run's data where they were: its reports' keys
    again = run(source, out, *MONTHLY)
    assert again.returncode == 0, again.stderr
    outputs = {e["stem"]: e for e in manifest(out)["outputs"]}
    assert not any(outputs[s]["skipped"] for s in [*stale, emptied])  # made again, from the right data
    assert all(outputs[s]["skipped"] for s in untouched[:-1])  # the others were checked and kept
    assert_whole_and_as_recorded(out)


@contextlib.contextmanager
def tmpfs(folder: Path, size: str):
    folder.mkdir(parents=True)
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                                           capture_output=True, check=False).returncode != 0:
        pytest.skip("needs root and tmpfs to make a small disk")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_full_disk_stops_the_run_with_one_line_and_leaves_whole_files(data, tmp_path):
    with tmpfs(tmp_path / "small-cache", "512k") as cache:
        result = run(data, tmp_path / "o", "--report", "compliance", env={"SRO_CACHE": str(cache)})
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert result.stderr.strip().splitlines()[-1] == (
            f"error: cannot write the cache folder {cache}: No space left on device (the disk is full)")
    with tmpfs(tmp_path / "disk", "96k") as disk:
        out = disk / "out"
        result = run(data, out, "--report", "compliance", "--jobs", "1")
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
        assert result.stderr.strip().splitlines()[-1].endswith("No space left on device (the disk is full)")
        for pdf in (out / "internal").glob("*.pdf"):
            assert len(PdfReader(pdf).pages) > 0
        for notebook in (out / "internal").glob("*.ipynb"):
            json.loads(notebook.read_text())
        subprocess.run(["mount", "-o", "remount,size=64m", str(disk)], check=True)
        result = run(data, out, "--report", "compliance")  # as many workers as cores, no more than reports
        assert result.returncode == 0, result.stderr
        assert_whole_and_as_recorded(out)
        assert manifest(out)["parameters"]["jobs"] <= 2  # two reports start two kernels at most


def test_a_read_only_output_folder_is_one_line_and_exit_2(data, tmp_path):
    with tmpfs(tmp_path / "ro", "1m") as disk:
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        result = run(data, disk / "out", "--report", "annual")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == f"error: output folder {disk / 'out'} cannot be written: Read-only file system"
