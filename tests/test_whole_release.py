"""A release is whole or absent (issue 23, item 4): a one-report run into a batch's folder keeps the rest
listed where their data are unchanged, marks them stale and withholds the release where not, never writes an
officer's ID into `mps/`; `reconcile_run` checks every file of the folder."""

import hashlib
import json
import shutil

import pandas as pd
import pytest
from conftest import run_cli, write_folder
from test_gate import TABLES

from sro_reporting.params import load_school_year
from sro_reporting.running import folder, release
from sro_reporting.running.reconcile import check_folder, reconcile_run

PACKETS = [f"school-2025-26-spring-{s}" for s in ("0010", "0020", "0040")]  # the schools taking part in spring
SPRING = ("--semester", "spring")


@pytest.mark.parametrize("wanted, held, expected", [
    pytest.param(["school"], {}, ["school"], id="an-empty-folder-holds-nothing-more"),
    pytest.param(["school"], {"a": {"report": "annual"}, "s": {"report": "school"}}, ["school", "annual"],
                 id="the-folder's-annual-is-planned-too"),
    pytest.param(["officer"], {"m": {"report": "monthly"}, "s": {"report": "semester"}},
                 ["officer", "semester", "monthly"], id="in-the-order-of-the-kinds"),
])
def test_a_run_plans_the_kinds_the_folder_holds(wanted, held, expected):
    assert folder.kinds(wanted, held) == expected


@pytest.mark.parametrize("before, school_year, semester, clash", [
    pytest.param({}, "2025-26", "spring", False, id="an-empty-folder"),
    pytest.param({"parameters": {"school_year": "2025-26", "semester": "spring"}, "outputs": [{}]}, "2025-26",
                 "spring", False, id="the-same-period"),
    pytest.param({"parameters": {"school_year": "2025-26", "semester": "fall"}, "outputs": [{}]}, "2025-26",
                 "spring", True, id="another-semester"),
    pytest.param({"parameters": {"school_year": "2025-26", "semester": "spring"}, "outputs": [{}]}, "2025-26",
                 None, True, id="the-year-into-a-semester's-folder"),
    pytest.param({"parameters": {"school_year": "2024-25", "semester": "spring"}, "outputs": []}, "2025-26",
                 "spring", False, id="a-folder-of-no-report"),
])
def test_one_folder_holds_one_period(tmp_path, before, school_year, semester, clash):
    found = folder.period_clash(before, school_year, semester, tmp_path / "out")
    assert bool(found) is clash
    if clash:
        assert found.startswith(f"output folder {tmp_path / 'out'} holds the reports of the ") and "--out" in found


BEFORE = {"stem": "school-x", "report": "school", "subject": "Alpha", "audience": "mps", "notebook": "x.ipynb",
          "pdf": "x.pdf", "parameters": {"snapshot": "v1"}, "key": "k", "status": "ok", "files": {"x.pdf": "s"},
          "unknown_field": 1}


@pytest.mark.parametrize("earlier, changed, why", [
    pytest.param(None, None, "made from data version v1, and the data are now version v2; run the ",
                 id="an-unknown-earlier-run"),
    pytest.param({"data_version": "v1"}, ["enforcement"], "made from data version v1, and the input files of "
                 "enforcement changed since (data version now v2); run the ", id="the-input-files-that-changed"),
    pytest.param({"data_version": "v1"}, [], "made from data version v1, and the inputs are the same, but the "
                 "package's code changed since (data version now v2)", id="the-same-inputs-other-code"),
])
def test_a_report_of_other_data_is_stale_with_its_data_version(earlier, changed, why):
    entry = folder.stale(BEFORE, "v2", earlier, changed)
    assert (entry.status, entry.data_version, entry.files) == ("stale", "v1", {"x.pdf": "s"})
    assert entry.error["evalue"].startswith(why), entry.error["evalue"]


YEAR = load_school_year("2025-26")


def _report(stem: str, status: str = "ok", audience: str = "mps") -> dict:
    return {"stem": stem, "report": "school", "subject": stem, "audience": audience, "status": status,
            "data_version": "v1"}


def test_a_release_with_a_stale_report_is_withheld_and_the_old_one_removed(tmp_path):
    (tmp_path / "internal").mkdir()
    (tmp_path / "mps").mkdir()
    (tmp_path / "mps" / "school-a.pdf").write_bytes(b"%PDF old")
    reports = [_report("school-a"), _report("school-b", "stale"), _report("o", "failed", "mpd_internal")]
    made = release.build(tmp_path, reports, pd.DataFrame(columns=["table", "column", "rule", "severity"]), {}, YEAR,
                         tmp_path / "ledger")
    assert made["withheld"] == "1 of the 2 MPS reports are not current: 1 stale (school-b)"
    assert not (tmp_path / "mps").exists() and release.held_back(made)


def test_the_release_manifest_names_no_officer_and_no_data_version(tmp_path):
    """Data versions are in the run's manifest (MPD's): a re-export of the same records hands over the same bytes."""
    (tmp_path / "internal").mkdir()
    (tmp_path / "internal" / "school-a.pdf").write_bytes(b"%PDF a")
    params = {"school_year": "2025-26", "semester": "spring", "reports": ["officer"], "only": {"officer": ["004100"]}}
    made = release.build(tmp_path, [_report("school-a"), _report("officer-004100", audience="mpd_internal")],
                         pd.DataFrame(columns=["table", "column", "rule", "severity"]), params, YEAR,
                         tmp_path / "ledger")
    assert not release.held_back(made)
    text = (tmp_path / "mps" / "manifest.json").read_text()
    manifest = json.loads(text)
    assert "004100" not in text and manifest["parameters"] == {k: params[k] for k in release.PUBLIC_PARAMETERS}
    assert manifest["reports"] == [{"stem": "school-a", "report": "school", "subject": "school-a"}]


def test_a_folder_of_internal_reports_has_no_release_and_that_is_no_failure(tmp_path):
    (tmp_path / "internal").mkdir()
    made = release.build(tmp_path, [_report("officer-004100", audience="mpd_internal")],
                         pd.DataFrame(columns=["table", "column", "rule", "severity"]), {}, YEAR,
                         tmp_path / "ledger")
    assert made["none"] and not (tmp_path / "mps").exists() and not release.held_back(made)


def _folder(tmp_path):
    """A run folder of one report with a PDF and a table, and a release of it, as their manifests list them."""
    internal = tmp_path / "internal"
    (internal / "tables" / "school-a").mkdir(parents=True)
    (internal / "school-a.pdf").write_bytes(b"%PDF a")
    (internal / "tables" / "school-a" / "key_figures.csv").write_text("measure,current\n")
    (internal / "data_quality.csv").write_text("table\n")
    files = {path: hashlib.sha256((internal / path).read_bytes()).hexdigest()
             for path in ("school-a.pdf", "tables/school-a/key_figures.csv")}
    entry = {"stem": "school-a", "report": "school", "status": "ok", "files": files, "data_version": "v1"}
    (internal / "manifest.json").write_text(json.dumps({"data_version": "v1", "outputs": [entry]}))
    (tmp_path / "mps").mkdir()
    (tmp_path / "mps" / "school-a.pdf").write_bytes(b"%PDF a")
    (tmp_path / "mps" / "manifest.json").write_text(json.dumps({
        "reports": [{"stem": "school-a", "data_version": "v1"}],
        "files": [{"path": "school-a.pdf", "sha256": files["school-a.pdf"]}]}))
    return internal


@pytest.mark.parametrize("change, expected", [
    pytest.param(lambda i: None, [], id="as-listed"),
    pytest.param(lambda i: (i / "school-b.pdf").write_bytes(b"%PDF old"),
                 [("files", "", "", "school-b.pdf", "listed in the manifest", "not listed")],
                 id="an-unlisted-pdf-of-an-earlier-run"),
    pytest.param(lambda i: (i / "tables" / "school-a" / "key_figures.csv").unlink(),
                 [("files", "school-a", "", "tables/school-a/key_figures.csv", "on disk", "missing")],
                 id="a-listed-table-missing"),
    pytest.param(lambda i: (i.parent / "mps" / "school-b.pdf").write_bytes(b"%PDF"),
                 [("files", "mps", "", "school-b.pdf", "listed in the manifest", "not listed")],
                 id="an-unlisted-file-in-the-release"),
    pytest.param(lambda i: (i / "manifest.json").write_text(json.dumps({
        **json.loads((i / "manifest.json").read_text()), "data_version": "v2"})),
                 [("data version", "school-a", "", "ok", "v2", "v1")] * 2,
                 id="a-report-of-other-data-in-the-run-and-the-release"),
])
def test_reconcile_checks_every_file_of_the_folder(tmp_path, change, expected):
    internal = _folder(tmp_path)
    change(internal)
    assert [tuple(r) for r in check_folder(internal)] == expected


@pytest.mark.slow
def test_a_one_report_run_into_a_batch_folder_keeps_the_release_whole(tmp_path):
    data, out = write_folder(tmp_path / "data", **TABLES), tmp_path / "out"
    batch = run_cli(data, out, *SPRING, "--report", "school", "--jobs", "2")
    assert batch.returncode == 0, batch.stderr

    def listed() -> dict[str, dict]:
        return {o["stem"]: o for o in json.loads((out / "internal" / "manifest.json").read_text())["outputs"]}

    def released() -> list[str]:
        return sorted(p.stem for p in (out / "mps").glob("*.pdf"))

    # The same data: one packet re-made (--force), the others kept, listed and released.
    one = run_cli(data, out, *SPRING, "--report", "school", "--school", "0010", "--force", "--jobs", "1")
    assert one.returncode == 0 and "3 reports: 1 made, 2 unchanged, 0 failed." in one.stderr, one.stderr
    assert sorted(listed()) == PACKETS and released() == PACKETS
    assert "MPS release: " in one.stderr

    # One officer's report: internal; the officer's ID is nowhere in the release, its manifest included.
    officer = run_cli(data, out, *SPRING, "--officer", "004100", "--jobs", "1")
    assert officer.returncode == 0, officer.stderr
    assert sorted(listed()) == ["officer-2025-26-spring-004100", *PACKETS] and released() == PACKETS
    for path in (out / "mps").rglob("*"):
        assert path.is_dir() or "004100" not in path.read_text(errors="replace"), path
    assert reconcile_run(out / "internal").empty

    # Other data (one enforcement row fewer): the packet asked for is made, the other two are stale, no release.
    other = tmp_path / "other"
    shutil.copytree(data, other)
    (other / "enforcement.csv").write_text("\n".join((data / "enforcement.csv").read_text().splitlines()[:-1]) + "\n")
    changed = run_cli(other, out, *SPRING, "--report", "school", "--school", "0010", "--jobs", "1")
    assert changed.returncode == 1, changed.stderr
    outputs = listed()
    assert sorted(outputs) == ["officer-2025-26-spring-004100", *PACKETS]
    assert {s: outputs[s]["status"] for s in PACKETS} == {PACKETS[0]: "ok", PACKETS[1]: "stale", PACKETS[2]: "stale"}
    assert outputs[PACKETS[1]]["data_version"] != outputs[PACKETS[0]]["data_version"]
    assert not (out / "mps").exists()
    assert "WITHHELD MPS release: 2 of the 3 MPS reports are not current: 2 stale (" in changed.stderr
    assert f"STALE 3 reports ({PACKETS[1]}, {PACKETS[2]}, officer-2025-26-spring-004100): made from data version" \
        in changed.stderr
    found = reconcile_run(out / "internal")
    assert set(found.loc[found["check"] == "data version", "report"]) == {*PACKETS[1:], "officer-2025-26-spring-004100"}
    assert "No release for MPS" in (out / "index.html").read_text()

    # The period's batch again on the new data: every packet current, the release back whole.
    again = run_cli(other, out, *SPRING, "--report", "school", "--report", "officer", "--jobs", "2")
    assert again.returncode == 0, again.stderr
    assert released() == PACKETS and reconcile_run(out / "internal").empty

    # Another period into this folder stops before it reads anything.
    year = run_cli(other, out, "--report", "annual")
    assert year.returncode == 2 and "holds the reports of the spring semester of 2025-26" in year.stderr


@pytest.mark.parametrize("copy, status, expected", [
    pytest.param("a,b\n", "ok", [], id="the-iii-f-copy-as-the-annual's"),
    pytest.param("a,b\n", "stale", [("data version", "annual-2025-26", "", "stale", "v", "v")],
                 id="a-stale-annual's-copy-is-its-own"),
    pytest.param("a,c\n", "ok", [("files", "annual-2025-26", "", "tables/iii_f.csv", "sha256 ",
                                  "changed since it was listed")],
                 id="a-copy-that-differs-from-the-annual's"),
])
def test_the_iii_f_copies_count_as_the_annuals_tables(tmp_path, copy, status, expected):
    internal = tmp_path / "internal"
    (internal / "tables" / "annual-2025-26").mkdir(parents=True)
    (internal / "tables" / "annual-2025-26" / "iii_f.csv").write_text("a,b\n")
    (internal / "tables" / "iii_f.csv").write_text(copy)
    files = {"tables/annual-2025-26/iii_f.csv": hashlib.sha256(b"a,b\n").hexdigest()}
    (internal / "manifest.json").write_text(json.dumps({"data_version": "v", "outputs": [
        {"stem": "annual-2025-26", "report": "annual", "status": status, "files": files, "data_version": "v"}]}))
    found = [(*r[:4], r[4][:7] if r[0] == "files" else r[4], r[5]) for r in check_folder(internal)]
    assert found == expected
