"""A response form filled in LibreOffice Calc (typed into its cells, saved by Calc) imports intact."""

from __future__ import annotations

import json
import subprocess

import pytest
from openpyxl import load_workbook

from stocktake.banks.loading import find_bank
from stocktake.records.responses import ANSWERED, DONT_KNOW, NOT_APPLICABLE, ResponseKey
from stocktake.workbooks.forms import ANSWER_COLUMN, EVIDENCE_COLUMN, HEADER_ROW, ID_COLUMN, \
    dropdown_values

from helpers.libreoffice import SYSTEM_PYTHON, TYPIST, uno_available


pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    not uno_available(), reason="needs LibreOffice and its Python bridge (Debian python3-uno)")]


def test_form_typed_in_libreoffice_imports_with_what_was_typed(cli, tmp_path):
    bank = find_bank("idea-stocktake")
    form = tmp_path / "form.xlsx"
    made = cli("forms", "create", "E09000007", "--bank", "idea-stocktake", "--role", "council",
               "--respondent", "Head of early help", "--wave", "2026-27", "--out", str(form))
    assert made.exit_code == 0, made.output
    sheet = load_workbook(form)["Form"]
    rows = {sheet.cell(r, ID_COLUMN).value: r for r in range(HEADER_ROW + 1, sheet.max_row + 1)
            if sheet.cell(r, ID_COLUMN).value}
    # What a person picks: a few of each kind, with N/A and don't know from the dropdowns.
    typed, expected = {}, {}
    picks = [q for q in bank.questions if q.id in rows and not q.when][:12]
    # Required questions must be answered wherever they fall in the bank.
    picks += [q for q in bank.questions if q.id in rows and not q.when and q.required
              and q not in picks]
    for n, q in enumerate(picks):
        ref = f"{chr(64 + ANSWER_COLUMN)}{rows[q.id]}"
        choices = dropdown_values(q)
        if choices and n == 3:
            typed[ref], expected[q.id] = choices[-2], (NOT_APPLICABLE, None)  # Not applicable
        elif choices and n == 5:
            typed[ref], expected[q.id] = choices[-1], (DONT_KNOW, None)  # Don't know
        elif q.type == "scale":
            level = 1 + n % len(q.levels)
            typed[ref], expected[q.id] = choices[level - 1], (ANSWERED, level)
        elif q.type in ("choice", "yesno"):
            typed[ref] = choices[0]
            expected[q.id] = (ANSWERED, q.options[0].id if q.type == "choice" else "yes")
        elif q.type == "multi":
            ids = [o.id for o in q.options if o.score > 0][:2]
            typed[ref], expected[q.id] = ";".join(ids), (ANSWERED, ids)
        elif q.type == "number":
            typed[ref], expected[q.id] = "12", (ANSWERED, 12)
        else:
            typed[ref], expected[q.id] = "Pooled budgets took a year to agree.", \
                (ANSWERED, "Pooled budgets took a year to agree.")
    first = picks[0]
    typed[f"{chr(64 + EVIDENCE_COLUMN)}{rows[first.id]}"] = "Board minutes, March 2026"
    entries = tmp_path / "entries.json"
    entries.write_text(json.dumps(typed))
    filled = tmp_path / "filled-in-calc.xlsx"
    subprocess.run([SYSTEM_PYTHON, str(TYPIST), str(form), str(filled), str(entries),
                    str(tmp_path / "lo-profile")], check=True, timeout=180)
    imported = cli("forms", "import", str(filled))
    assert imported.exit_code == 0, imported.output
    from stocktake.store.workspace import Workspace

    response = Workspace.open(tmp_path / "ws").response(
        ResponseKey("E09000007", "idea-stocktake", "2026-27", "Head of early help"))
    got = {qid: (a.status, a.value) for qid, a in response.answers.items()}
    assert got == expected and len(got) == len(picks) >= 10
    assert response.answers[first.id].evidence == "Board minutes, March 2026"
    assert response.mode == "form"
