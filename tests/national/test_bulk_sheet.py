"""The national workbook's Answers rows, written by rustpy-xlsxwriter into the sheet openpyxl
wrote (stocktake.workbooks.bulk_sheet), and spooled per return by the merge (issue 25)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from stocktake.national.answer_rows import national_answer_rows

from stocktake.national.merge import merge_workbooks
from stocktake.text.text_rules import MAX_CELL_TEXT
from stocktake.workbooks.bulk_sheet import (BulkRowsError, SpliceError, splice_rows,
                                            start_bulk_rows, write_bulk_rows)
from stocktake.workbooks.exports import gather_export, write_export
from stocktake.national.answers_sheet import (FORMATS, NATIONAL_ANSWER_COLUMNS, WRAPPED,
                                                  AnswerRows)
from stocktake.files.output_files import workbook_bytes

from helpers.filling import WAVE, fill_mini

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
TEXTS = ["  spaced  ", "_x0041_ is not an escape here", "=SUM(A1:A9)", "line one\nline two",
         "y" * MAX_CELL_TEXT, "é ✓ 中 🙂", "+44 1234", "'quoted", "<b>&amp;</b>", "tab\there",
         "TRUE", "1e5", "0012"]


def _rows(texts=TEXTS):
    """Answer rows with each awkward text as the value (and as the question text)."""
    return [{"partnership": "E09000007", "name": "Camden", "region": "London",
             "respondent": f"council {i + 1}", "role": "council", "role_title": "Council",
             "reported_apart": "no", "area": "vision", "question": f"vision.q{i}",
             "question_text": text, "value": text, "score": (i * 100.0) / 7 if i % 3 else None,
             "status": "answered"} for i, text in enumerate(texts)]


def _national(tmp_path: Path, rows: list[dict], *, register_first: int = 0) -> Path:
    """A workbook as write_national_workbook makes one: summary sheet by openpyxl, Answers rows
    spliced in. `register_first` styles registered before the Answers' own move openpyxl's
    numbers away from rustpy-xlsxwriter's, so the rows' formats must be rewritten."""
    from openpyxl.styles import Alignment, Font

    from stocktake.national.answers_sheet import start_answer_rows, write_answers_sheet

    answers = AnswerRows.of(rows)
    pending = start_answer_rows(answers)
    try:
        wb = Workbook()
        wb.active.title = "Contents"
        for n in range(register_first):
            cell = wb.active.cell(row=n + 1, column=1, value=f"style {n}")
            cell.font = Font(size=8 + n)
            cell.alignment = Alignment(horizontal="right", indent=n)
        write_answers_sheet(wb.create_sheet("Answers"), pending.rows)
        data = splice_rows(workbook_bytes(wb, tmp_path / "n.xlsx"), "Answers", pending.result())
    finally:
        pending.cancel()
    path = tmp_path / f"national-{register_first}.xlsx"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("register_first", [0, 3])
def test_every_text_reads_back_exactly_and_every_cell_keeps_its_format(tmp_path, register_first):
    rows = _rows()
    path = _national(tmp_path, rows, register_first=register_first)
    got = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Answers").to_python()
    assert got[0] == list(NATIONAL_ANSWER_COLUMNS)
    assert len(got) == len(rows) + 1
    for row, back in zip(rows, got[1:]):
        for column, value in zip(NATIONAL_ANSWER_COLUMNS, back):
            wanted = row[column]
            assert value == ("" if wanted is None else wanted), (column, wanted[:20]
                                                                if isinstance(wanted, str)
                                                                else wanted)
    wb = load_workbook(path)
    sheet = wb["Answers"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:M{len(rows) + 1}"
    assert sheet.dimensions == f"A1:M{len(rows) + 1}"
    assert sheet["A1"].font.b  # the header row as openpyxl styled it
    for r in range(2, len(rows) + 2):
        for c, column in enumerate(NATIONAL_ANSWER_COLUMNS, start=1):
            cell = sheet.cell(row=r, column=c)
            if cell.value is None:
                continue
            assert cell.alignment.vertical == "top", (r, column)
            assert bool(cell.alignment.wrap_text) == (column in WRAPPED), (r, column)
        assert sheet.row_dimensions[r].height >= 14
    # The long text wraps to many lines: its row is the tallest.
    tallest = max(range(2, len(rows) + 2), key=lambda r: sheet.row_dimensions[r].height)
    assert sheet.cell(row=tallest, column=11).value == "y" * MAX_CELL_TEXT
    with zipfile.ZipFile(path) as package:
        assert b"<f>" not in package.read("xl/worksheets/sheet2.xml")  # text, never formulas


def test_formats_are_one_per_column_as_the_sheet_declares():
    assert len(FORMATS) == len(NATIONAL_ANSWER_COLUMNS)
    assert {FORMATS[NATIONAL_ANSWER_COLUMNS.index(c)] for c in WRAPPED} == {"wrap"}


def test_text_longer_than_a_cell_is_refused_naming_the_row_and_leaves_nothing_behind(
        tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    rows = [["a"], ["b" * (MAX_CELL_TEXT + 1)]]
    with pytest.raises(BulkRowsError) as refused:
        write_bulk_rows(["value"], ["wrap"], rows, [])
    assert "row 2" in refused.value.message
    assert "32,767" in refused.value.message
    assert list(tmp_path.iterdir()) == []


def test_a_forked_writer_reports_its_refusal_too(tmp_path):
    rows = [["a"], ["b" * (MAX_CELL_TEXT + 1)], ["c"]]
    pending = start_bulk_rows(["value"], ["wrap"], rows, [], count=3)
    with pytest.raises(BulkRowsError, match="row 2"):
        pending.result()
    assert not pending.rows.path.parent.exists()


def test_a_sheet_that_already_holds_rows_is_not_spliced_into(tmp_path):
    rows = write_bulk_rows(["value"], ["top"], [["x"]], [])
    try:
        wb = Workbook()
        sheet = wb.active
        sheet.title = "Answers"
        sheet.append(["value"])
        sheet.append(["already here"])
        rows.register(sheet)
        with pytest.raises(SpliceError, match="more than its header row"):
            splice_rows(workbook_bytes(wb, tmp_path / "x.xlsx"), "Answers", rows)
    finally:
        rows.close()


def test_a_merge_spools_each_return_and_writes_the_same_rows_it_would_hold(
        tmp_path, workspace, mini_bank, monkeypatch):
    scratch = tmp_path / "temp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    codes = ("E09000007", "E09000001", "E08000003")
    fill_mini(workspace, mini_bank, codes)
    folder = tmp_path / "returns"
    for code in codes:
        write_export(gather_export(workspace, mini_bank, code, WAVE), "xlsx", folder)
    streamed = merge_workbooks([folder], tmp_path / "streamed.xlsx", workers=1,
                               keep_responses=False)
    with pytest.raises(RuntimeError, match="not kept"):
        streamed.merged[0].responses  # let go once spooled: the merge holds no answers
    kept = merge_workbooks([folder], tmp_path / "kept.xlsx", workers=1, keep_responses=True)
    members = sorted(kept.merged, key=lambda w: w.partnership.code)
    wanted = national_answer_rows(mini_bank, members)
    got = CalamineWorkbook.from_path(str(tmp_path / "streamed.xlsx")) \
        .get_sheet_by_name("Answers").to_python()
    assert [dict(zip(got[0], r)) for r in got[1:]] == \
        [{c: ("" if row[c] is None else row[c]) for c in NATIONAL_ANSWER_COLUMNS}
         for row in wanted]
    assert [w.answers for w in streamed.merged] == [w.answers for w in kept.merged]
    assert [w.roles for w in streamed.merged] == \
        [tuple(sorted({r.role for r in w.responses})) for w in kept.merged]
    assert list(scratch.iterdir()) == []  # the spool and the rows' workbook removed


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_and_resaves_the_spliced_workbook_with_every_text_intact(tmp_path):
    rows = _rows([t for t in TEXTS if len(t) < 1000])
    path = _national(tmp_path, rows)
    profile = tmp_path / "profile"
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "xlsx", "--outdir", str(tmp_path / "resaved"), str(path)],
        capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    resaved = tmp_path / "resaved" / path.name
    values = CalamineWorkbook.from_path(str(resaved)).get_sheet_by_name("Answers").to_python()
    assert [v[10] for v in values[1:]] == [r["value"] for r in rows]
    back = load_workbook(resaved)["Answers"]
    assert back["J2"].alignment.wrap_text and back["A2"].alignment.vertical == "top"


# ---------------------------------------------------------------- rows written in parts


def _spliced(tmp_path: Path, name: str, parts) -> bytes:
    """The Answers sheet's XML of a workbook whose rows were written as `parts`."""
    from stocktake.national.answers_sheet import write_answers_sheet
    from stocktake.workbooks.bulk_sheet import start_bulk_parts

    pending = start_bulk_parts(NATIONAL_ANSWER_COLUMNS, FORMATS, parts)
    try:
        wb = Workbook()
        wb.active.title = "Contents"
        write_answers_sheet(wb.create_sheet("Answers"), pending.rows)
        data = splice_rows(workbook_bytes(wb, tmp_path / f"{name}.xlsx"), "Answers",
                           pending.result())
    finally:
        pending.cancel()
    path = tmp_path / f"{name}.xlsx"
    path.write_bytes(data)
    with zipfile.ZipFile(path) as package:
        return package.read("xl/worksheets/sheet2.xml")


def test_rows_written_in_parts_make_the_very_sheet_one_writer_makes(tmp_path):
    answers = AnswerRows.of(_rows([t for t in TEXTS if len(t) < 1000] * 9))
    cells, heights = list(answers.rows), list(answers.heights)
    assert len(set(heights)) > 1  # some rows taller than others, so heights must line up
    whole = _spliced(tmp_path, "one", [(cells, heights, len(cells))])
    cuts = (0, 7, 8, 60, len(cells))
    parts = [(cells[a:b], heights[a:b], b - a) for a, b in zip(cuts, cuts[1:])]
    assert _spliced(tmp_path, "four", parts) == whole
    numbers = [int(n) for n in __import__("re").findall(rb'<row r="(\d+)"', whole)]
    assert numbers == list(range(1, len(cells) + 2))  # the header, then every row once


def test_a_row_refused_in_a_later_part_is_named_by_its_row_in_the_sheet(tmp_path):
    from stocktake.workbooks.bulk_sheet import start_bulk_parts

    parts = [([["a"]] * 5, [], 5), ([["b"], ["c" * (MAX_CELL_TEXT + 1)]], [], 2)]
    pending = start_bulk_parts(["value"], ["wrap"], parts)
    with pytest.raises(BulkRowsError, match="row 7"):
        pending.result()
    assert not pending.rows.path.parent.exists()


def test_spooled_rows_split_at_returns_ends_into_near_equal_parts(tmp_path):
    from stocktake.national.answer_spool import AnswerSpool

    sizes = [3, 50, 7, 7, 40, 1, 12, 30]
    with AnswerSpool(tmp_path / "spool") as spool:
        (tmp_path / "spool").mkdir()
        spooled = [spool.put(f"{n:06d}", [[f"r{n}-{i}"] + [None] * 12 for i in range(size)], 16)
                   for n, size in enumerate(sizes)]
        rows = spool.answer_rows(spooled).rows
        for k in (1, 2, 3, 5, 8, 20):
            parts = rows.split(k)
            assert 1 <= len(parts) <= min(k, len(sizes))
            assert all(p.count for p in parts)
            assert [one for p in parts for one in p.spooled] == spooled  # every return, in order
            assert [r for p in parts for r in p] == list(rows)
            assert [h for p in parts for h in p.heights()] == list(rows.heights())
        halves = [p.count for p in rows.split(2)]
        assert halves == [67, 83]  # cut at the end nearest the middle that reaches it


def test_a_merge_writing_its_rows_in_three_parts_holds_what_one_writer_gives(
        tmp_path, workspace, mini_bank, monkeypatch):
    import stocktake.workbooks.bulk_sheet as bulk_sheet

    codes = ("E09000007", "E09000001", "E08000003", "E06000001")
    fill_mini(workspace, mini_bank, codes)
    folder = tmp_path / "returns"
    for code in codes:
        write_export(gather_export(workspace, mini_bank, code, WAVE), "xlsx", folder)
    one = merge_workbooks([folder], tmp_path / "one.xlsx", workers=1, keep_responses=False)
    monkeypatch.setattr(bulk_sheet, "writers_for", lambda count: 3)
    three = merge_workbooks([folder], tmp_path / "three.xlsx", workers=1, keep_responses=False)
    assert not one.rejected and not three.rejected
    got = [CalamineWorkbook.from_path(str(tmp_path / f"{n}.xlsx")).get_sheet_by_name("Answers")
           .to_python() for n in ("one", "three")]
    assert len(got[0]) > 4 and got[0] == got[1]
    with zipfile.ZipFile(tmp_path / "one.xlsx") as a, zipfile.ZipFile(tmp_path / "three.xlsx") as b:
        sheet = next(n for n in a.namelist() if a.read(n).count(b"<row ") == len(got[0]))
        assert a.read(sheet) == b.read(sheet)
