"""Issue 28 kind 3: one stray cell, a sheet that claims the whole grid, or a deflate stream that
runs past its zip header, never takes the process down. Every reader of a workbook from
outside (forms import, merge, roster import, submissions import, banks import-xlsform) is run in
a child process limited in memory, with real crafted .xlsx files: a cell at XFD1048576 is
refused naming the file, the sheet and the cell, a stale <dimension> is read as the cells are,
a lying deflate stream is refused, and the peak memory stays bounded."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from stocktake.partnerships.model import partnership_for
from stocktake.workbooks.exports import gather_export, write_export
from stocktake.workbooks.forms import create_form

from helpers.filling import WAVE, fill_mini
from helpers.forms import FILLED, fill
from helpers.hostile_files import (run_bounded, with_claimed_dimension, with_far_cell,
                                   with_lying_deflate)

FILE = object()  # where the file goes in a command
PEAK_MIB = 400  # a child that densified the grid would need hundreds of GiB


def _form(tmp_path, mini_bank) -> tuple[Path, str, list]:
    path = fill(create_form(tmp_path / "src" / "form.xlsx", mini_bank,
                            partnership_for("E09000007"), "council", WAVE, "Jo"), FILLED)
    return path, "Form", ["forms", "import", FILE]


def _export(tmp_path, mini_bank, workspace) -> tuple[Path, str, list]:
    fill_mini(workspace, mini_bank, ("E09000007",))
    path = write_export(gather_export(workspace, mini_bank, "E09000007", WAVE), "xlsx",
                        tmp_path / "src")[0]
    return path, "Answers", ["merge", FILE, "--out", tmp_path / "national.xlsx"]


def _roster(tmp_path, mini_bank, workspace) -> tuple[Path, str, list]:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["partnership", "role", "respondent", "email"])
    book.active.append(["E09000007", "health", "Zoe Health", "zoe@example.nhs.uk"])
    path = tmp_path / "src" / "roster.xlsx"
    book.save(path)
    return path, "Sheet", ["roster", "import", FILE, "--bank", "mini", "--wave", WAVE]


def _kobo(tmp_path, mini_bank, workspace) -> tuple[Path, str, list]:
    pytest.importorskip("pyxform")
    from stocktake.xlsform.export import form_identity, xlsform_bytes, xlsform_sheets
    from stocktake.xlsform.pyxform_check import convert_xlsform
    from helpers.xlsform_builders import kobo_xlsx

    sheets = xlsform_sheets(mini_bank, [("E09000007", "Camden")])
    xform = convert_xlsform(xlsform_bytes(sheets)).xform
    path = kobo_xlsx(tmp_path / "src" / "kobo.xlsx", xform, sheets, [
        {"instance": "6f1c2a9e-0000-4000-8000-000000000001",
         "stocktake_form": form_identity(mini_bank), "partnership": "E09000007",
         "role": "council", "respondent": "Jo", "vision.statement": "yes"}])
    return path, "Mini bank for tests", ["submissions", "import", FILE, "--bank", "mini", "--wave",
                                         WAVE]


def _xlsform(tmp_path, mini_bank, workspace) -> tuple[Path, str, list]:
    pytest.importorskip("pyxform")
    from stocktake.xlsform.export import write_xlsform, xlsform_sheets

    path = write_xlsform(tmp_path / "src" / "bank.xlsx",
                         xlsform_sheets(mini_bank, [("E09000007", "Camden")]))
    return path, "survey", ["banks", "import-xlsform", FILE, "--out", tmp_path / "bank.toml"]


READERS = {"forms import": lambda t, b, w: _form(t, b), "merge": _export,
           "roster import": _roster, "submissions import": _kobo,
           "banks import-xlsform": _xlsform}


def _source(name, tmp_path, mini_bank, workspace):
    (tmp_path / "src").mkdir(exist_ok=True)
    path, sheet, command = READERS[name](tmp_path, mini_bank, workspace)
    return path, sheet, command


def _run(command, file, tmp_path):
    return run_bounded(["-w", tmp_path / "ws", *(file if a is FILE else a for a in command)])


@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize("ref", ["XFD1048576", "xfd1048576"])  # a reader takes either case
def test_a_cell_at_the_grids_end_is_refused_naming_it(reader, ref, tmp_path, mini_bank,
                                                      workspace):
    good, sheet, command = _source(reader, tmp_path, mini_bank, workspace)
    hostile = with_far_cell(good, tmp_path / "far.xlsx", sheet, ref)
    code, out, err, peak = _run(command, hostile, tmp_path)
    said = " ".join((out + err).split())
    assert code == 1, said[-800:]
    assert "Traceback" not in said and "memory allocation" not in said
    # "FILE: refused: ..." (one file) or "Refused: FILE: ..." (merge's list)
    assert re.search(rf"(far\.xlsx: refused|Refused: \S*far\.xlsx): sheet '{sheet}' has a "
                     "cell at XFD1048576", said), said[-800:]
    assert "1,048,576 rows by 16,384 columns" in said and "Ctrl+End" in said
    assert peak is not None and peak < PEAK_MIB, peak


@pytest.mark.parametrize("reader", sorted(READERS))
def test_a_claimed_dimension_is_read_as_the_cells_are(reader, tmp_path, mini_bank, workspace):
    good, sheet, command = _source(reader, tmp_path, mini_bank, workspace)
    claimed = with_claimed_dimension(good, tmp_path / "claimed.xlsx", sheet)
    code, out, err, peak = _run(command, claimed, tmp_path)
    assert code == 0, out + err
    assert peak is not None and peak < PEAK_MIB, peak


@pytest.mark.parametrize("reader", sorted(READERS))
def test_a_deflate_stream_past_its_header_is_refused(reader, tmp_path, mini_bank, workspace):
    good, sheet, command = _source(reader, tmp_path, mini_bank, workspace)
    bomb = with_lying_deflate(good, tmp_path / "bomb.xlsx", sheet, pad_mib=256)
    assert bomb.stat().st_size < 2 * 1024 * 1024  # 256 MiB inflated, a few hundred KiB sent
    code, out, err, peak = _run(command, bomb, tmp_path)
    said = " ".join((out + err).split())
    assert code == 1, said[-800:]
    assert re.search(r"bomb\.xlsx: refused:|Refused: \S*bomb\.xlsx:", said), said
    assert "Traceback" not in said
    assert peak is not None and peak < PEAK_MIB, peak


def test_a_stray_cell_within_reach_is_read_not_refused(tmp_path, mini_bank):
    """A note typed in column Z, row 500 of a form is far from the form but costs nothing to
    read: it is reported as the form reader reports stray rows, not refused as a hazard."""
    good, _, _ = _form(tmp_path, mini_bank)
    near = with_far_cell(good, tmp_path / "near.xlsx", "Form", ref="Z500", text="note")
    code, out, err, _ = _run(["forms", "import", FILE], near, tmp_path)
    said = " ".join((out + err).split())
    assert "refused: sheet" not in said
    assert code == 1, said[-800:]
    assert "Form!Z500: this row has no question (inserted?) and holds 'note'" in said, said[-800:]


def test_one_wide_row_is_bounded_by_its_cells_not_by_the_column_alone(tmp_path, mini_bank):
    """A single entry at XFD1 makes a grid of one row by 16,384 columns per row used: a form's
    60-odd rows make a million cells, which is read (and the entry reported), not refused."""
    good, _, _ = _form(tmp_path, mini_bank)
    wide = with_far_cell(good, tmp_path / "wide.xlsx", "Form", ref="XFD1", text="x")
    code, out, err, peak = _run(["forms", "import", FILE], wide, tmp_path)
    assert "refused: sheet" not in out + err
    assert peak is not None and peak < PEAK_MIB, peak


def test_a_merge_goes_on_past_a_file_that_would_take_it_down(tmp_path, mini_bank, workspace):
    fill_mini(workspace, mini_bank, ("E09000007", "E06000001"))
    folder = tmp_path / "returns"
    for code in ("E09000007", "E06000001"):
        write_export(gather_export(workspace, mini_bank, code, WAVE), "xlsx", folder)
    first = sorted(folder.glob("*.xlsx"))[0]
    with_far_cell(first, folder / "stray.xlsx", "Answers")
    shutil.copy(first, tmp_path / "keep.xlsx")
    code, out, err, peak = run_bounded(["-w", tmp_path / "ws", "merge", folder, "--out",
                                        tmp_path / "national.xlsx", "--json"])
    assert code == 1, err
    report = json.loads(out)
    assert sorted(Path(r["file"]).name for r in report["merged"]) == sorted(
        p.name for p in folder.glob("E*.xlsx"))
    refused = {Path(r["file"]).name: r["reason"] for r in report["rejected"]}
    assert list(refused) == ["stray.xlsx"]
    assert "sheet 'Answers' has a cell at XFD1048576" in refused["stray.xlsx"]
    assert (tmp_path / "national.xlsx").exists()
    assert peak is not None and peak < PEAK_MIB, peak


# ---------------------------------------------------------------- the bound, by property

from hypothesis import given, settings, strategies as st  # noqa: E402

from stocktake.returns.sheet_bounds import part_extent  # noqa: E402

_LETTERS = st.text(alphabet="ABCXYZabcxyz", min_size=1, max_size=3)
_REFS = st.lists(st.tuples(_LETTERS, st.integers(1, 1_048_576)), min_size=0, max_size=12)


def _column(letters: str) -> int:
    column = 0
    for letter in letters.upper():
        column = column * 26 + ord(letter) - 64
    return column


@settings(max_examples=300, deadline=None)
@given(refs=_REFS, max_cells=st.sampled_from([100, 3_000_000, 10**9]))
def test_the_bound_is_refused_exactly_when_the_cells_reach_past_it(tmp_path_factory, refs,
                                                                   max_cells):
    """Whatever the references (either case, one to three letters, rows of one to seven
    digits): part_extent is above `max_cells` exactly when the cells' own grid is, and below
    it never smaller than that grid."""
    import zipfile

    cells = "".join(f'<c r="{letters}{row}" t="n"><v>1</v></c>' for letters, row in refs)
    path = tmp_path_factory.mktemp("bound") / "sheet.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml",
                         f'<worksheet><sheetData><row r="1">{cells}</row></sheetData>'
                         "</worksheet>")
    rows = max((row for _, row in refs), default=0)
    columns = max((_column(letters) for letters, _ in refs), default=0)
    with zipfile.ZipFile(path) as archive:
        found = part_extent(archive, "xl/worksheets/sheet1.xml", max_cells)
    assert (found.cells > max_cells) == (rows * columns > max_cells)
    assert found.rows >= rows and found.columns >= columns
    if found.cells > max_cells:
        assert (found.rows, found.columns) == (rows, columns)
