from sro_reporting.dictionary import render
from sro_reporting.paths import project_root


def test_committed_data_dictionary_matches_the_schemas():
    committed = (project_root() / "docs" / "data-dictionary.md").read_text()
    assert committed == render(), "run `sro-report data-dictionary` and commit docs/data-dictionary.md"
