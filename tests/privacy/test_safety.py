"""Formula-like text stays text: in saved workbooks (read back by openpyxl and calamine) and CSV."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stocktake.privacy.injection import FORMULA_PREFIXES, csv_safe, is_formula_like

from helpers.cells import read_back, sheet_xml, write_column

HYPERLINK = '=HYPERLINK("http://example.invalid","x")'
HOSTILE = [HYPERLINK, "=1+1", "+44 20 7946 0000", "-2+3", "@SUM(A1:A9)", "\t=cmd", "\r=cmd",
           "=cmd|' /C calc'!A0"]


def test_formula_like_text_is_a_string_cell_with_no_formula_element(tmp_path):
    path = write_column(tmp_path / "answers.xlsx", HOSTILE)
    assert "<f>" not in sheet_xml(path) and "<f " not in sheet_xml(path)
    by_openpyxl, by_calamine = read_back(path)
    # XML turns a carriage return into a newline on reading; the text is otherwise exact.
    expected = [v.replace("\r", "\n") for v in HOSTILE]
    assert by_openpyxl == [(v, "s") for v in expected]
    assert by_calamine == expected


def test_write_only_workbooks_keep_formula_like_text_as_text(tmp_path):
    path = write_column(tmp_path / "fast.xlsx", [HYPERLINK, "@x"], write_only=True)
    assert "<f>" not in sheet_xml(path)
    by_openpyxl, by_calamine = read_back(path)
    assert by_openpyxl == [(HYPERLINK, "s"), ("@x", "s")]
    assert by_calamine == [HYPERLINK, "@x"]


def test_numbers_and_empty_cells_are_written_as_they_are(tmp_path):
    path = write_column(tmp_path / "numbers.xlsx", [3, -2.5, None, "plain text"])
    by_openpyxl, _ = read_back(path)
    assert by_openpyxl == [(3, "n"), (-2.5, "n"), (None, "n"), ("plain text", "s")]


def test_control_characters_that_xml_cannot_hold_do_not_stop_the_export(tmp_path):
    path = write_column(tmp_path / "pasted.xlsx", ["=evil\x00\x1b note"])
    by_openpyxl, _ = read_back(path)
    assert by_openpyxl == [("=evil note", "s")]


def test_plain_assignment_would_have_made_a_formula(tmp_path):
    """The guard is needed: openpyxl on its own stores this text as a live formula."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = HYPERLINK
    wb.save(tmp_path / "unguarded.xlsx")
    assert "<f>" in sheet_xml(tmp_path / "unguarded.xlsx")


def test_csv_safe_prefixes_an_apostrophe_to_formula_like_text_only():
    assert [csv_safe(v) for v in HOSTILE] == ["'" + v for v in HOSTILE]
    assert csv_safe("Camden") == "Camden"
    assert csv_safe("2026-27") == "2026-27"
    assert csv_safe(-3) == -3 and csv_safe(None) is None and csv_safe("") == ""


def test_csv_written_with_csv_safe_reads_back_as_inert_text():
    buffer = io.StringIO()
    csv.writer(buffer).writerows([[csv_safe(v)] for v in HOSTILE])
    rows = list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    assert [row[0] for row in rows] == ["'" + v for v in HOSTILE]


def test_is_formula_like_knows_each_prefix():
    assert all(is_formula_like(p + "x") for p in FORMULA_PREFIXES)
    assert not is_formula_like("x=1") and not is_formula_like("") and not is_formula_like(5)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
                .map(lambda s: s if s[:1] in FORMULA_PREFIXES else "=" + s), min_size=1, max_size=8))
def test_any_typed_text_is_stored_as_text_never_a_formula(tmp_path, texts):
    path = write_column(tmp_path / "any.xlsx", texts)
    assert "<f>" not in sheet_xml(path)
    by_openpyxl, _ = read_back(path)
    assert [(v, t) for v, t in by_openpyxl] == [(v, "s") for v in texts]
