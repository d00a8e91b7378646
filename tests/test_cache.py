"""The cleaned-data cache: private, unable to run code, checked on read, pruned, cleared."""

import os
import pickle
import stat
import subprocess
import sys

import pandas as pd
import pytest
from conftest import write_folder
from typer.testing import CliRunner

import sro_reporting as sro
from sro_reporting.cli import app
from sro_reporting.errors import RunError
from sro_reporting.reading import dataset, snapshot


@pytest.fixture
def folder(tmp_path):
    dataset._LOADED.clear()
    yield write_folder(tmp_path / "data")
    dataset._LOADED.clear()


@pytest.mark.parametrize("values, dtype", [
    pytest.param(["0007", None, "ab\u00e9"], "str", id="str"),
    pytest.param([1, None, -3], "Int64", id="Int64"),
    pytest.param([1.5, None, 2.0], "Float64", id="Float64"),
    pytest.param([True, None, False], "boolean", id="boolean"),
    pytest.param(["2025-09-02 08:05", None, "2026-06-30"], "datetime64[us]", id="datetime64-us"),
    pytest.param(["07:30:00", None, "23:59:59"], "timedelta64[ns]", id="timedelta64-ns"),
    pytest.param(["07:30:00", None, "23:59:59"], "timedelta64[us]", id="timedelta64-us"),
    pytest.param([2, 3, 4], "int64", id="line-numbers"),
])
def test_every_dtype_comes_back_as_it_went_in(values, dtype):
    frame = pd.DataFrame({"x": pd.Series(values).astype(dtype)})
    snapshot.save("k" * 24, {"t": frame}, {"note": 1})
    frames, meta = snapshot.load("k" * 24)
    pd.testing.assert_frame_equal(frames["t"], frame, check_exact=True)
    assert meta["note"] == 1


def test_the_cache_is_private_and_holds_no_pickle(folder):
    data = sro.load(folder)
    where = snapshot.folder() / f"{snapshot.PREFIX}{data.version}"
    assert stat.S_IMODE(snapshot.folder().stat().st_mode) == 0o700 and stat.S_IMODE(where.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in where.iterdir()} == {0o600}
    assert {p.suffix for p in where.iterdir()} == {".arrow", ".json"}


def test_the_default_cache_is_in_the_users_cache_folder_not_the_project(tmp_path, monkeypatch):
    monkeypatch.delenv("SRO_CACHE")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert snapshot.folder() == tmp_path / "home" / ".cache" / "sro-reporting"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    snapshot.save("x" * 24, {"t": pd.DataFrame({"x": [1]})}, {})
    assert stat.S_IMODE((tmp_path / "xdg" / "sro-reporting").stat().st_mode) == 0o700
    assert (tmp_path / "xdg" / "sro-reporting" / f"{snapshot.PREFIX}{'x' * 24}").is_dir()


def test_a_planted_pickle_is_never_loaded(folder, tmp_path):
    class Boom:
        def __reduce__(self):
            return os.system, (f"touch {tmp_path / 'ran'}",)

    data = sro.load(folder)
    for name in (f"dataset-{data.version}.pkl", f"{snapshot.PREFIX}{data.version}/meta.json"):
        (snapshot.folder() / name).write_bytes(pickle.dumps(Boom()))
        os.chmod(snapshot.folder() / name, 0o600)
    dataset._LOADED.clear()
    with pytest.warns(snapshot.CacheWarning, match="damaged or not yours"):
        again = sro.load(folder)
    assert not (tmp_path / "ran").exists()
    pd.testing.assert_frame_equal(again.schools, data.schools)


@pytest.mark.parametrize("spoil, reason", [
    pytest.param(lambda p: p.write_bytes(p.read_bytes()[:-20]), "sha256", id="truncated-table"),
    pytest.param(lambda p: p.write_bytes(b"PAR1" + os.urandom(64)), "sha256", id="garbage-table"),
    pytest.param(lambda p: os.chmod(p, 0o644), "not a private file", id="readable-by-others"),
    pytest.param(lambda p: os.chown(p, 65534, 65534) if os.geteuid() == 0 else pytest.skip("needs root"),
                 "not a private file", id="someone-elses"),
    pytest.param(lambda p: (p.unlink(), p.symlink_to("/etc/hostname")), "", id="a-link"),
    pytest.param(lambda p: (p.parent / "meta.json").write_text("{}"), "another version", id="foreign-meta"),
])
def test_a_damaged_or_foreign_snapshot_is_ignored_and_removed(spoil, reason):
    frame = pd.DataFrame({"school_id": ["0007", "0010"], "line": [2, 3]})
    snapshot.save("s" * 24, {"schools": frame}, {})
    spoil(snapshot.folder() / f"{snapshot.PREFIX}{'s' * 24}" / "0.arrow")
    with pytest.warns(snapshot.CacheWarning, match=reason):
        assert snapshot.load("s" * 24) is None
    assert not (snapshot.folder() / f"{snapshot.PREFIX}{'s' * 24}").exists()  # the caller makes it again


def test_a_damaged_snapshot_is_made_again_by_load(folder):
    data = sro.load(folder)
    (snapshot.folder() / f"{snapshot.PREFIX}{data.version}" / "0.arrow").write_bytes(b"PAR1")
    dataset._LOADED.clear()
    with pytest.warns(snapshot.CacheWarning, match="sha256"):
        again = sro.load(folder)
    pd.testing.assert_frame_equal(again.schools, data.schools)
    assert snapshot.load(data.version) is not None  # made again


def test_a_foreign_cache_folder_is_refused(tmp_path, monkeypatch):
    if os.geteuid() != 0:
        pytest.skip("needs root to make a folder someone else owns")
    (tmp_path / "shared").mkdir()
    os.chown(tmp_path / "shared", 65534, 65534)
    monkeypatch.setenv("SRO_CACHE", str(tmp_path / "shared"))
    with pytest.raises(RunError, match="not a folder of your own"):
        snapshot.folder()


def test_old_snapshots_are_pruned_and_the_cache_cleared(folder, monkeypatch):
    monkeypatch.setattr(snapshot, "IN_USE", -1)
    for i in range(snapshot.KEEP + 3):
        snapshot.save(f"{i:024d}", {"t": pd.DataFrame({"x": [i]})}, {})
        os.utime(snapshot.folder() / f"{snapshot.PREFIX}{i:024d}", (1000 + i, 1000 + i))
    snapshot.prune()
    left = sorted(p.name for p in snapshot.folder().iterdir())
    assert left == [f"{snapshot.PREFIX}{i:024d}" for i in range(3, snapshot.KEEP + 3)]
    result = CliRunner().invoke(app, ["cache"])
    assert result.exit_code == 0 and f"{snapshot.KEEP} snapshot(s)" in result.output
    result = CliRunner().invoke(app, ["cache", "--clear"])
    assert result.exit_code == 0 and f"removed {snapshot.KEEP} snapshot(s)" in result.output
    assert list(snapshot.folder().iterdir()) == []


CALLS = pd.DataFrame({
    "incident_number": ["1", "2", "3", "4"],
    "call_datetime": ["2026-02-02 09:00", "2026-02-02 10:00", "2026-02-03 11:00", "2026-02-04 12:00"],
    "location": ["1017 N 12TH ST", "900 W STATE ST", "2751 S LENOX ST", "77 E MAIN ST"],
    "nature_of_call": ["THEFT"] * 4, "priority": [2, 3, 3, 1], "disposition": ["REPORT TAKEN"] * 4,
})


@pytest.fixture
def with_calls(tmp_path):
    dataset._LOADED.clear()
    yield write_folder(tmp_path / "calls", calls_for_service=CALLS)
    dataset._LOADED.clear()


def test_the_unlinked_calls_written_later_come_back_with_the_rest_in_file_order(with_calls):
    folder = with_calls
    first = sro.load(folder, remember=False, unlinked_later=True)
    snapshot.written()
    dataset._LOADED.clear()
    again = sro.load(folder)
    assert first.calls["linked_school_id"].fillna("-").tolist() == ["0010", "-", "0020", "-"]
    assert again.calls_scope == "all" and (snapshot.folder() / f"{snapshot.PREFIX}{first.version}-unlinked").is_dir()
    pd.testing.assert_frame_equal(again.calls, first.calls)


def test_without_its_unlinked_part_a_snapshot_serves_reports_and_a_full_load_reads_again(with_calls):
    folder = with_calls
    data = sro.load(folder)
    snapshot._remove(snapshot.folder() / f"{snapshot.PREFIX}{data.version}-unlinked")
    dataset._LOADED.clear()
    linked = dataset.load(folder, snapshot=data.version, calls="linked")
    assert linked.calls["linked_school_id"].notna().all() and len(linked.calls) < len(data.calls)
    dataset._LOADED.clear()
    pd.testing.assert_frame_equal(sro.load(folder).calls, data.calls)  # read from the folder, not half a cache
    assert (snapshot.folder() / f"{snapshot.PREFIX}{data.version}-unlinked").is_dir()


def test_a_data_versions_parts_are_pruned_together(folder, monkeypatch):
    monkeypatch.setattr(snapshot, "IN_USE", -1)
    for i in range(snapshot.KEEP + 1):
        for key in (f"{i:024d}", f"{i:024d}-unlinked"):
            snapshot.save(key, {"t": pd.DataFrame({"x": [i]})}, {})
            os.utime(snapshot.folder() / f"{snapshot.PREFIX}{key}", (1000 + i, 1000 + i))
    snapshot.prune()
    left = {snapshot.version_of(p) for p in snapshot.folder().iterdir()}
    assert left == {f"{i:024d}" for i in range(1, snapshot.KEEP + 1)} and len(list(snapshot.folder().iterdir())) == 8
    assert snapshot.clear() == snapshot.KEEP


def test_an_unwritable_cache_is_one_clear_line_and_exit_2(folder, tmp_path):
    (tmp_path / "a-file").write_text("")
    result = subprocess.run([sys.executable, "-m", "sro_reporting.cli", "run", "--data", str(folder), "--out",
                             str(tmp_path / "out"), "--school-year", "2025-26", "--report", "annual"],
                            capture_output=True, text=True, env={**os.environ, "SRO_CACHE": str(tmp_path / "a-file/c")},
                            check=False)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(
        f"error: cannot use the cache folder {tmp_path / 'a-file/c'}: Not a directory"), result.stderr


def test_a_report_reads_its_data_version_and_never_the_folder(folder):
    data = sro.load(folder)
    moved = folder.rename(folder.with_name("gone"))
    dataset._LOADED.clear()
    again = sro.load(folder, snapshot=data.version)
    pd.testing.assert_frame_equal(again.schools, data.schools)
    assert [f.sha256 for f in again.files] == [f.sha256 for f in data.files]
    with pytest.raises(RunError, match="data version 0+ is not in the cache"):
        sro.load(moved, snapshot="0" * 24)


def test_a_lock_is_no_snapshot_and_a_lock_that_cannot_be_had_only_warns(folder, monkeypatch):
    """`making` leaves a lock file: `cache` and `clear` count snapshots only; an unusable lock is a warning."""
    sro.load(folder)
    with snapshot.making("abc-planxyz"):
        pass
    result = CliRunner().invoke(app, ["cache"])
    assert result.exit_code == 0 and ": 1 snapshot(s)" in result.output, result.output
    monkeypatch.setattr(snapshot.FileLock, "acquire", lambda *_, **__: (_ for _ in ()).throw(OSError(37, "No locks available")))
    with pytest.warns(snapshot.CacheWarning, match="cannot lock"), snapshot.making("abc-planxyz"):
        made = True
    assert made and snapshot.clear() == 1


def test_the_script_ends_only_once_its_cache_writes_are_done(tmp_path):
    """`sro-report` ends its process at once (no teardown), but after the threads still writing, even on an error."""
    done = tmp_path / "written"
    script = ("import threading, time\nfrom sro_reporting import cli\n"
              "def failing():\n"
              f"    threading.Thread(target=lambda: (time.sleep(0.5), open({str(done)!r}, 'w').write('ok'))).start()\n"
              "    raise SystemExit(2)\n"
              "cli.app = failing\ncli.main()\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert result.returncode == 2 and done.read_text() == "ok", result.stderr
