"""Writing outputs: whole or not at all, never through a link; leftovers swept; one run per folder."""

import errno
import io
import os
import signal
import subprocess
import sys
import time

import pytest

from sro_reporting import files
from sro_reporting.errors import RunError
from sro_reporting.running import outputs
from sro_reporting.running.lock import HOLDER, LOCK, hold


def test_a_full_disk_leaves_the_old_file_whole_and_no_temporary_file(tmp_path, monkeypatch):
    target = files.write_text(tmp_path / "data_quality.csv", "old\n")

    class Full(io.FileIO):
        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdopen", lambda fd, mode: Full(fd, "wb"))
    with pytest.raises(RunError, match=r"cannot write .*data_quality.csv: No space left on device \(the disk is full\)"):
        files.write_text(target, "new\n" * 1000)
    monkeypatch.undo()
    assert target.read_text() == "old\n" and os.listdir(tmp_path) == ["data_quality.csv"]


@pytest.mark.parametrize("planted", [
    pytest.param("data_quality.csv", id="file"),
    pytest.param("tables", id="tables-folder"),
    pytest.param("tables/annual-2025-26", id="report-tables-folder"),
    pytest.param("tables/annual-2025-26/key_figures.csv", id="table"),
])
def test_a_planted_link_is_replaced_never_followed(tmp_path, planted):
    run, victim = tmp_path / "run", tmp_path / "victim"
    victim.mkdir()
    (victim / "key_figures.csv").write_text("precious")
    (victim / "data_quality.csv").write_text("precious")
    link = run / planted
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(victim / link.name if "." in link.name else victim)
    path = run / ("data_quality.csv" if planted == "data_quality.csv" else "tables/annual-2025-26/key_figures.csv")
    files.write_text(path, "made", root=run)
    assert path.read_text() == "made" and not any(p.is_symlink() for p in [run / "tables", path.parent, path])
    assert {p.name: p.read_text() for p in victim.iterdir()} == {"key_figures.csv": "precious",
                                                                 "data_quality.csv": "precious"}


def test_a_folder_is_moved_in_whole_over_the_old_one_or_a_link(tmp_path):
    run, victim = tmp_path / "run", tmp_path / "victim"
    victim.mkdir()
    (run / "tables").mkdir(parents=True)
    (run / "tables" / "a").symlink_to(victim)
    staged = run / ".sro-staging" / "a"
    files.write_text(staged / "x.csv", "new", root=run)
    files.move(staged, run / "tables" / "a", run)
    assert (run / "tables" / "a" / "x.csv").read_text() == "new" and not (run / "tables" / "a").is_symlink()
    assert list(victim.iterdir()) == []
    assert files.file_hashes(run / "tables" / "a", run) == {"x.csv": files.sha256_of(run / "tables/a/x.csv", run)}
    (run / "tables" / "b").symlink_to(run / "tables" / "a")
    assert files.file_hashes(run / "tables" / "b", run) is None and files.sha256_of(run / "tables/b/x.csv", run) is None


def test_sweep_removes_what_a_killed_run_left_and_nothing_else(tmp_path):
    internal = tmp_path / "internal"
    leftovers = [internal / ".sro-staging" / "annual-2025-26-ab12" / "annual-2025-26.pdf",
                 internal / ".sro-tmp-0123456789ab-manifest.json", internal / "tables" / "x" / ".sro-tmp-99-a.csv",
                 tmp_path / ".mps-staging-xyz" / "a.pdf", internal / ".annual-2025-26.pdf.tmp"]
    kept = [internal / "annual-2025-26.pdf", internal / "tables" / "x" / "a.csv", tmp_path / LOCK]
    for path in leftovers + kept:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    (outside / ".sro-staging").mkdir(parents=True)
    (internal / "link").symlink_to(outside)
    outputs.sweep(tmp_path)
    assert not any(p.exists() for p in leftovers) and all(p.exists() for p in kept)
    assert (outside / ".sro-staging").exists()  # nothing is swept through a link


def test_a_second_run_is_refused_with_the_holders_name(tmp_path):
    match = rf"in use by another run \(process {os.getpid()} on .*, started 20"
    with hold(tmp_path), pytest.raises(RunError, match=match), hold(tmp_path):
        pass
    with hold(tmp_path):  # released when the run ends
        pass


def test_the_lock_of_a_killed_run_is_taken_over(tmp_path):
    code = ("import sys, time; from pathlib import Path; from sro_reporting.running.lock import hold\n"
            "with hold(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(60)")
    holder = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(RunError, match=f"process {holder.pid}"), hold(tmp_path):
        pass
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    holder.stdout.close()
    with hold(tmp_path):
        assert str(os.getpid()) in (tmp_path / HOLDER).read_text()


def test_a_link_at_the_lock_is_replaced(tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("precious")
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / LOCK).symlink_to(victim)
    with hold(tmp_path / "run"):
        time.sleep(0)
    assert victim.read_text() == "precious" and not (tmp_path / "run" / LOCK).is_symlink()
