"""Cell parsers: hand cases, and the fast paths agreeing with the exact ones."""

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from sro_reporting.reading.parse import DATETIME_FORMATS, _with_formats, parse_column, parse_datetime
from sro_reporting.reading.tables import CALLS, ENFORCEMENT


def _text(values: list) -> pd.Series:
    return pd.Series(values, dtype="str")


def test_datetime_iso_column_read_whole():
    values, bad = parse_datetime(_text(["2026-06-09 15:53:07", None, "2026-06-09T08:05"]))
    assert values.tolist()[0] == pd.Timestamp("2026-06-09 15:53:07")
    assert pd.isna(values.tolist()[1])
    assert values.tolist()[2] == pd.Timestamp("2026-06-09 08:05")
    assert bad.tolist() == [False, False, False]


def test_datetime_impossible_day_is_bad_and_the_rest_still_read():
    values, bad = parse_datetime(_text(["2026-02-30 10:00:00", "2026-03-01 10:00:00", "9/2/2025 1:05 PM"]))
    assert bad.tolist() == [True, False, False]
    assert values.tolist()[1:] == [pd.Timestamp("2026-03-01 10:00"), pd.Timestamp("2025-09-02 13:05")]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.from_regex(
    r"\A(0000|19\d\d|20[0-3]\d|9999)-(0\d|1[0-3])-([0-3]\d)[ T]([0-2]\d):([0-6]\d)(:[0-6]\d)?\Z")), max_size=8))
def test_datetime_fast_path_agrees_with_the_formats(cells):
    text = _text(cells)
    values, bad = parse_datetime(text)
    exact = _with_formats(text, DATETIME_FORMATS)
    assert values.astype("datetime64[us]").equals(exact)
    assert bad.tolist() == (exact.isna() & text.notna()).tolist()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.from_regex(
    r"\A(0?\d|1[0-3])/([0-3]?\d)/(1899|19\d\d|20[0-3]\d|2100) ([0-2]?\d):([0-6]\d)(:[0-6]\d)?( ?[AaPp][Mm])?\Z")),
    max_size=8))
def test_datetime_fast_path_agrees_with_the_formats_on_the_city_form(cells):
    text = _text(cells)
    values, bad = parse_datetime(text)
    exact = _with_formats(text, DATETIME_FORMATS)
    assert values.astype("datetime64[us]").equals(exact)
    assert bad.tolist() == (exact.isna() & text.notna()).tolist()


def test_datetime_city_form_hand_cases():
    values, bad = parse_datetime(_text(["02/06/2023 03:59:34 PM", "2/6/2023 12:05 AM", "12/31/2023 12:00:00 pm",
                                        "02/30/2023 01:00:00 PM", "02/06/2023 13:00:00 PM", "2/6/2023 13:15"]))
    assert values.tolist()[:3] == [pd.Timestamp("2023-02-06 15:59:34"), pd.Timestamp("2023-02-06 00:05"),
                                   pd.Timestamp("2023-12-31 12:00")]
    assert bad.tolist() == [False, False, False, True, True, False]
    assert values.tolist()[5] == pd.Timestamp("2023-02-06 13:15")


def test_codes_are_parsed_once_per_distinct_value_with_blank_as_unknown():
    race = ENFORCEMENT.column("subject_race")
    values, bad = parse_column(_text(["B", " black ", "", None, "Klingon", "B"]), race)
    assert values.tolist()[:4] == ["BLACK", "BLACK", "UNKNOWN", "UNKNOWN"]
    assert bad.tolist() == [False, False, False, False, True, False]


def test_int_distinct_values_keep_row_order_and_index():
    priority = CALLS.column("priority")
    text = pd.Series(["3", "1.0", "", "x", "3"], index=[10, 11, 12, 13, 14], dtype="str")
    values, bad = parse_column(text, priority)
    assert list(values.index) == [10, 11, 12, 13, 14]
    assert values.tolist()[:2] == [3, 1] and values.isna().tolist() == [False, False, True, True, False]
    assert bad.tolist() == [False, False, False, True, False]
    assert np.issubdtype(bad.dtype, np.bool_)


def test_datetime_fixed_width_hand_cases():
    cells = ["1950-03-01 10:00:00", "2024-02-29 23:59", "2023-02-29 10:00", "12/31/2099 11:59:59 pm",
             "2026-06-09t08:05:00", "0000-01-01 00:00:00", "01/01/2026 00:30:00 AM", "2026-06-09 24:00"]
    values, bad = parse_datetime(_text(cells))
    assert values.tolist()[:2] == [pd.Timestamp("1950-03-01 10:00"), pd.Timestamp("2024-02-29 23:59")]
    assert values.tolist()[3:5] == [pd.Timestamp("2099-12-31 23:59:59"), pd.Timestamp("2026-06-09 08:05")]
    assert bad.tolist() == [False, False, True, False, False, False, True, True]  # year 0 as the exact path reads it


def test_tidy_trims_unicode_space_upper_cases_and_blanks_whatever_the_byte_check_says():
    from sro_reporting.reading.parse import _tidy

    cells = _text(["\u3000école ", "a\u00a0", "   ", "", "OK", None, "ÉTÉ"])
    assert _tidy(cells, upper=True).fillna("-").tolist()[:5] == ["ÉCOLE", "A", "-", "-", "OK"]
    assert _tidy(cells, upper=False).tolist()[:2] == ["école", "a"]
    clean = _text(["OK", "ÉTÉ", "A B"])
    assert _tidy(clean, upper=True) is clean  # nothing to change: the column itself, no copy


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet=st.characters(codec="utf-8"), max_size=6)), max_size=12),
       st.booleans())
def test_tidy_matches_trim_upper_blank_cell_by_cell(values, upper):
    """The byte check that skips work never skips a cell that Arrow's trim or upper case would change."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from sro_reporting.reading.parse import _tidy

    def one(value):
        if pd.isna(value):
            return None
        value = pc.utf8_trim_whitespace(pa.array([value]))
        value = (pc.utf8_upper(value) if upper else value).to_pylist()[0]
        return value or None

    got = [None if pd.isna(v) else v for v in _tidy(_text(values), upper).tolist()]
    assert got == [one(v) for v in _text(values).tolist()]


def test_datetimes_read_alike_in_chunks_of_any_size_joined_cut_or_taken_whole():
    from sro_reporting.reading.parse import CHUNK, fixed_width_datetimes

    cells = [f"2026-{1 + i % 12:02d}-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:00" if i % 5
             else "12/31/2025 11:59:59 PM" for i in range(2 * CHUNK + 40)]
    sizes = [3, CHUNK + 5, CHUNK // 2, 7, 1]  # joined with the next, cut, whole as it is, joined, the last alone
    chunks, at = [], 0
    for size in [*sizes, len(cells) - sum(sizes)]:
        chunks.append(pa.array(cells[at:at + size], pa.large_string()))
        at += size
    found, values = fixed_width_datetimes(pa.chunked_array(chunks))
    whole_found, whole_values = fixed_width_datetimes(pa.array(cells, pa.large_string()))
    assert found.all() and (values == whole_values).all() and whole_found.all()
    assert str(values[0]) == "2025-12-31T23:59:59.000000" and str(values[1]) == "2026-02-02T01:01:00.000000"


def test_fixed_width_cells_read_alike_end_to_end_with_blanks_between_or_among_other_widths():
    """Cells of one width with only blanks between are read from a view of the bytes, others gathered: same values."""
    from sro_reporting.reading.parse import fixed_width_datetimes

    times = ["2026-01-02 03:04:05", None, "", "2026-12-31 23:59:59", "2026-02-29 10:00:00"]
    found, values = fixed_width_datetimes(pa.array(times))
    mixed, mixed_values = fixed_width_datetimes(pa.array([*times, "2026-01-02 03:04"]))
    assert found.tolist() == [True, False, False, True, False] == mixed.tolist()[:5]
    assert (values[[0, 3]] == mixed_values[[0, 3]]).all() and str(values[3]) == "2026-12-31T23:59:59.000000"
    assert mixed.tolist()[5] and str(mixed_values[5]) == "2026-01-02T03:04:00.000000"
