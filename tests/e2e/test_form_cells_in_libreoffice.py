"""Forms changed in LibreOffice Calc as people change them: 15% typed, =NA() pasted, a row
inserted or deleted; saved by Calc and imported."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from stocktake.errors import StocktakeError
from stocktake.partnerships.model import partnership_for
from stocktake.workbooks.forms import ANSWER_COLUMN, ID_COLUMN, create_form, read_form

from helpers.libreoffice import SYSTEM_PYTHON, TYPIST, uno_available

pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    not uno_available(), reason="needs LibreOffice and its Python bridge (Debian python3-uno)")]

F = chr(64 + ANSWER_COLUMN)


def calc(form: Path, entries: list[tuple[str, str]], tmp_path: Path) -> Path:
    """Run the typist over `entries` in order; the file Calc saved."""
    script = tmp_path / "entries.json"
    script.write_text(json.dumps(dict(entries)))
    out = tmp_path / "saved-by-calc.xlsx"
    subprocess.run([SYSTEM_PYTHON, str(TYPIST), str(form), str(out), str(script),
                    str(tmp_path / "lo-profile")], check=True, timeout=180)
    return out


@pytest.fixture
def form_rows(mini_bank, tmp_path):
    form = create_form(tmp_path / "form.xlsx", mini_bank, partnership_for("E09000007"),
                       "council", "2026-27", "Jo Bloggs")
    ws = load_workbook(form)["Form"]
    rows = {ws.cell(r, ID_COLUMN).value: r for r in range(1, ws.max_row + 1)
            if ws.cell(r, ID_COLUMN).value}
    return form, rows


def test_percent_typed_in_calc_after_an_inserted_row_is_stored_as_typed(form_rows, tmp_path):
    form, rows = form_rows
    at = rows["vision.known"]
    saved = calc(form, [("!unprotect", ""), ("!insert_row_before", str(at)),
                        (f"{F}{rows['vision.statement']}", "Yes"),
                        (f"{F}{rows['vision.known'] + 1}", "3"),
                        (f"~{F}{rows['risk.vacancies'] + 1}", "15%"),
                        (f"{F}{rows['risk.barrier'] + 1}", "007 staff")], tmp_path)
    got = {a.question: a.value for a in read_form(saved).answers}
    assert got == {"vision.statement": "yes", "vision.known": 3, "risk.vacancies": 15,
                   "risk.barrier": "007 staff"}


def test_error_typed_in_calc_and_a_deleted_row_are_each_named_once(form_rows, tmp_path):
    form, rows = form_rows
    deleted = rows["vision.consulted"]
    saved = calc(form, [(f"{F}{rows['vision.known']}", "=NA()"),
                        (f"{F}{rows['risk.vacancies']}", "=1/0"),
                        ("!unprotect", ""), ("!delete_row", str(deleted))], tmp_path)
    with pytest.raises(StocktakeError) as caught:
        read_form(saved)
    details = caught.value.details
    assert len(details) == 3, details
    assert f"Form!{F}{rows['vision.known']}: vision.known: the cell holds the Excel error #N/A" \
        in details[0]
    assert "the row of question vision.consulted" in details[1] and "was deleted" in details[1]
    assert f"Form!{F}{rows['risk.vacancies'] - 1}: risk.vacancies: the cell holds the Excel " \
           "error #DIV/0!" in details[2]
