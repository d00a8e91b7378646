"""Property-based tests: any input loads or yields problems; nothing raises unexplained."""

import csv
import io

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sro_reporting.linking.addresses import normalize_address, normalize_many
from sro_reporting.linking.schools import LINK_TYPES, link_calls
from sro_reporting.reading.readers import LINE, read_table
from sro_reporting.reading.tables import ENFORCEMENT
from sro_reporting.reading.validate import clean_table

cells = st.one_of(
    # A bare carriage return is a line break to the reader; the csv writer does not quote it.
    st.text(st.characters(blacklist_characters="\r"), max_size=30),
    st.sampled_from(["", "yes", "N", "arrest", "Citation", "2025-09-02 08:00", "9/2/2025 1:05 PM", "17",
                     "-3", "B", "Latino", "0010", "1.5", "nan", "NULL", "  ", "\"", ",", "1e400"]),
)
rows = st.lists(st.lists(cells, min_size=len(ENFORCEMENT.names), max_size=len(ENFORCEMENT.names)),
                max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows)
def test_every_row_is_kept_or_explained(tmp_path, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ENFORCEMENT.names)
    writer.writerows(rows)
    path = tmp_path / "enforcement.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8", errors="surrogatepass")
    clean, problems = clean_table(read_table(path, ENFORCEMENT))
    assert set(problems.columns) == {"table", "line", "column", "value", "rule", "severity", "rows"}
    if not read_table(path, ENFORCEMENT).readable:
        return
    explained = set(problems.loc[problems["rule"].str.contains("left out"), "line"].dropna().astype(int))
    kept = set(clean[LINE])
    assert kept.isdisjoint(explained)
    assert kept | explained == set(range(2, len(rows) + 2))


@given(st.text(max_size=60))
def test_normalize_never_raises_and_is_stable(text):
    address = normalize_address(text)
    if address.full is not None:
        assert normalize_address(address.full).full == address.full


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=40), st.from_regex(
    r"\A\d{1,5}(-\d{1,4})?[A-Z]? (N|s|East|W\.)? ?(12|TWELFTH|Wells|BLOCK N 7) ?(ST|Av|Street)?( APT 2| #3)?(,MKE)?\Z")),
    max_size=15))
def test_normalize_many_equals_one_by_one(texts):
    many = normalize_many(pd.Series(texts, dtype=object))
    one = [normalize_address(t) for t in texts]
    assert [None if pd.isna(v) else v for v in many["full"]] == [a.full for a in one]
    assert [None if pd.isna(v) else v for v in many["street"]] == [a.street for a in one]
    assert [None if pd.isna(v) else int(v) for v in many["number"]] == [a.number for a in one]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), st.sampled_from(["0100", "0200", "X"])),
                          st.one_of(st.text(max_size=40), st.sampled_from(
                              ["1010 N 12TH ST", "1000 BLOCK N 12TH ST", "1099 N 12 ST,MKE", "500 W WELLS AV"]))),
                max_size=20))
def test_linker_links_or_leaves_unlinked(calls):
    schools = pd.DataFrame({"school_id": pd.array(["0100", "0200"], dtype="string"),
                            "address": pd.array(["1010 N 12TH ST", "500 W Wells Avenue"], dtype="string"), LINE: [2, 3]})
    frame = pd.DataFrame({"school_id": pd.array([c[0] for c in calls], dtype="string"),
                          "location": pd.array([c[1] for c in calls], dtype="string"), LINE: range(2, 2 + len(calls))})
    linked, _ = link_calls(frame, schools)
    assert len(linked) == len(frame)
    assert set(linked["link_type"].dropna()) <= set(LINK_TYPES)
    assert (linked["link_type"].isna() == linked["linked_school_id"].isna()).all()
