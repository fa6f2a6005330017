"""A returned form as a respondent makes it: cells filled with openpyxl by question id, the
dropdowns a form offers read back, and one answer filled, imported and read as stored."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from stocktake.partnerships.model import partnership_for
from stocktake.workbooks.forms import (ANSWER_COLUMN, DONT_KNOW_TEXT, EVIDENCE_COLUMN, ID_COLUMN,
                                       read_form)


CAMDEN = partnership_for("E09000007")

# Every question of the mini bank (tests/data/mini.toml) answered as a council officer would.
FILLED = {"vision.statement": "Yes", "vision.known": "3 - Most staff.",
          "vision.consulted": "children;staff", "risk.register": "For some changes",
          "risk.vacancies": 12.5, "risk.barrier": "Staff turnover"}


def rows_by_question(ws) -> dict[str, int]:
    """Question id -> row of a form's Form sheet `ws`."""
    return {ws.cell(r, ID_COLUMN).value: r for r in range(1, ws.max_row + 1)
            if ws.cell(r, ID_COLUMN).value and ws.cell(r, ID_COLUMN).value != "id"}


def fill(path: Path, answers: dict[str, object], evidence: dict[str, str] | None = None,
         out: Path | None = None, name: str | None = None) -> Path:
    """The form at `path` with `answers` (question id -> cell value) and `evidence` typed in, and
    the respondent's `name` if given; saved to `out` (else over `path`), which is returned."""
    wb = load_workbook(path)
    ws = wb["Form"]
    where = rows_by_question(ws)
    for qid, value in answers.items():
        ws.cell(where[qid], ANSWER_COLUMN).value = value
    for qid, text in (evidence or {}).items():
        ws.cell(where[qid], EVIDENCE_COLUMN).value = text
    if name is not None:
        ws["D3"] = name
    wb.save(out or path)
    return out or path


def dropdowns(path: Path) -> dict[str, list[str]]:
    """Every list-validated cell of a form's Form sheet and the entries its dropdown offers."""
    wb = load_workbook(path)
    ws, lists = wb["Form"], wb["_lists"]
    found: dict[str, list[str]] = {}
    for dv in ws.data_validations.dataValidation:
        if dv.type != "list":
            continue
        formula = dv.formula1
        if formula.startswith('"'):
            entries = formula[1:-1].split(",")
        else:
            ref = formula.split("!")[1].replace("$", "")
            entries = [c.value for row in lists[ref] for c in row]
        for cells in dv.sqref.ranges:
            for row, col in cells.cells:
                found[f"{get_column_letter(col)}{row}"] = entries
    return found


def answered(path: Path, bank, qid: str, value: object, shelf=None) -> tuple[str, object]:
    """Fill `qid` with `value` (every other required question with Don't know), import the
    form, and give what was stored for `qid`: (status, value)."""
    from stocktake.returns.about import BankShelf

    role = load_workbook(path)["About"]
    role = next(r[1].value for r in role.iter_rows() if r[0].value == "role")
    required = {q.id: DONT_KNOW_TEXT for q in bank.questions_for_role(role) if q.required}
    fill(path, {**required, qid: value})
    got = {a.question: (a.status, a.value) for a in read_form(path, shelf or BankShelf([bank]))
           .answers}
    return got[qid]
