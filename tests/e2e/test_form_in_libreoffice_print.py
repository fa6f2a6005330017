"""Response forms as LibreOffice shows and prints them (issue 13): the Answer dropdowns Calc
offers are whole and accepted, and the printed form is A4, one page across at 9 pt or more
(issue 26), with nothing cut."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from stocktake.banks.loading import find_bank
from stocktake.partnerships.model import partnership_for
from stocktake.workbooks.forms import (ANSWER_CHARS, ANSWER_WIDTH, HEADER_ROW, ID_COLUMN,
                                       create_form, dropdown_values)

from helpers.libreoffice import READER, SOFFICE, SYSTEM_PYTHON, to_pdf, uno_available

CAMDEN = partnership_for("E09000007")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not "
                                                         "installed")]


def form(tmp_path: Path, bank_id: str, role: str) -> Path:
    bank = find_bank(bank_id)
    return create_form(tmp_path / f"{bank_id}-{role}.xlsx", bank, CAMDEN, role, "2026-27",
                       "YP-0001" if bank.is_anonymous(role) else "Jo Bloggs")


@pytest.mark.skipif(not uno_available(), reason="needs LibreOffice's Python bridge "
                                                 "(Debian python3-uno)")
@pytest.mark.parametrize("bank_id, role", [("partnership-2026", "council"),
                                           ("partnership-2026", "young-people"),
                                           ("idea-stocktake", "council")])
def test_calc_offers_each_answer_list_whole_and_accepts_every_entry(tmp_path, bank_id, role):
    path = form(tmp_path, bank_id, role)
    bank = find_bank(bank_id)
    sheet = load_workbook(path)["Form"]
    rows = {sheet.cell(r, ID_COLUMN).value: r for r in range(HEADER_ROW + 1, sheet.max_row + 1)
            if sheet.cell(r, ID_COLUMN).value}
    expected = {f"F{r}": dropdown_values(bank.question(qid)) for qid, r in rows.items()
                if dropdown_values(bank.question(qid))}
    out = tmp_path / "calc.json"
    subprocess.run([SYSTEM_PYTHON, str(READER), str(path), str(out), str(tmp_path / "profile")],
                   check=True, timeout=300)
    seen = json.loads(out.read_text(encoding="utf-8"))
    assert seen["lists"] == expected
    assert seen["typed"] == sum(len(v) for v in expected.values()) > 20
    assert seen["invalid"] == []
    assert max(len(e) for v in seen["lists"].values() for e in v) <= ANSWER_CHARS


def words_of(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.timeout(600)
def test_printed_form_is_a4_at_8_points_with_nothing_cut(tmp_path):
    pdfplumber = pytest.importorskip("pdfplumber", reason="pdfplumber (test extra) is not "
                                                          "installed")
    council, young = form(tmp_path, "partnership-2026", "council"), \
        form(tmp_path, "partnership-2026", "young-people")
    for path, pdf_path in zip((council, young), to_pdf(tmp_path / "profile", tmp_path / "pdf",
                                                       council, young)):
        sheet = load_workbook(path)["Form"]
        # As wide as the form's widest dropdown entry needs (issue 26), ANSWER_WIDTH at most.
        assert sheet.column_dimensions["F"].width <= ANSWER_WIDTH
        top = [words_of(str(sheet[ref].value)) for ref in ("C1", "C2", "D4", "C5", "C6")
               if sheet[ref].value]
        with pdfplumber.open(pdf_path) as pdf:
            # The council's 72 questions run to pages; the children's 10 fit on one.
            assert len(pdf.pages) >= (2 if path == council else 1)
            for number, page in enumerate(pdf.pages, start=1):
                assert sorted((round(page.width), round(page.height))) == [595, 842]
                chars = [c for c in page.chars if c["text"].strip()]
                assert min(c["size"] for c in chars) >= 7.95, (pdf_path.name, number)
                # The page header: left and right parts on one line, not printed over each
                # other (a role's whole title ran into the bank's).
                # Its line is the page's first: the sheet's title starts close under it
                # (Carlito's 16-point capitals rise to 39 points from the top).
                first_line = min(c["top"] for c in chars)
                header = sorted((c for c in chars if c["top"] < first_line + 3),
                                key=lambda c: c["x0"])
                assert header and all(b["x0"] >= a["x1"] - 0.5
                                      for a, b in zip(header, header[1:])), (pdf_path.name,
                                                                             number)
                text = words_of(page.extract_text())
                # Issue 26: one page across, every column's heading on every page, and 9 pt
                # or more (10-point text at 90% or more).
                assert ("No. Question (its guidance in italics) Allowed answers Answer "
                        "Evidence") in text, number
                assert min(c["size"] for c in chars) >= 8.95, (pdf_path.name, number)
            first = words_of(pdf.pages[0].extract_text())
            rest = " ".join(words_of(p.extract_text()) for p in pdf.pages[1:])
        for block in top:  # title, subtitle, role, instructions, notice: whole on page 1
            assert block in first, block
        assert not re.search(r"\bRes\b|Camd\b", rest)  # no title cut to its first letters
