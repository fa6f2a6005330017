"""One child's answers that call for the safeguarding notice, sent in by each of the four
routes answers come back by: an answers file, a returned form, an ODK Central submission and an
exported workbook merged into the workspace. Each is the real command on real files, into the
workspace `here / "ws"` (the `cli` fixture's own when `here` is tmp_path)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

WAVE = "2026-27"
CAMDEN = "E09000007"
CHILD_ANSWERS = {"safety.feel-safe": "often-unsafe", "safety.someone-to-tell": "no"}
CHILD = ("--bank", "children", "--role", "young-people", "--wave", WAVE)


def answers_csv(path: Path) -> Path:
    path.write_text("question,value,evidence\n"
                    + "".join(f"{q},{v},\n" for q, v in CHILD_ANSWERS.items()),
                    encoding="utf-8")
    return path


def by_answers_file(cli, here: Path):
    return cli("interview", CAMDEN, *CHILD, "--age-band", "11-15", "--answers",
               answers_csv(here / "a.csv"), workspace=here / "ws")


def by_form(cli, here: Path):
    out = here / "child.xlsx"
    made = cli("forms", "create", CAMDEN, "-b", "children", "-r", "young-people", "--wave", WAVE,
               "-o", out, workspace=here / "ws")
    assert made.exit_code == 0, made.output
    wb = openpyxl.load_workbook(out)
    sheet = wb["Form"]
    rows = {sheet.cell(row=r, column=8).value: r for r in range(8, sheet.max_row + 1)}
    sheet["D3"] = "11 to 15"
    sheet.cell(row=rows["safety.feel-safe"], column=6).value = "I often feel unsafe"
    sheet.cell(row=rows["safety.someone-to-tell"], column=6).value = "No"
    wb.save(out)
    return cli("forms", "import", out, workspace=here / "ws")


def by_submission(cli, here: Path, *options: str):
    pytest.importorskip("pyxform")
    from stocktake.banks.loading import find_bank
    from stocktake.xlsform.export import form_identity, form_version, xlsform_bytes, \
        xlsform_sheets
    from stocktake.xlsform.pyxform_check import convert_xlsform
    from helpers.xlsform_builders import central_csv

    bank = find_bank("children")
    sheets = xlsform_sheets(bank, [(CAMDEN, "Camden")])
    xform = convert_xlsform(xlsform_bytes(sheets)).xform
    path = central_csv(here / "children.csv", xform, sheets, [
        {"instance": "6f1c2a9e-0000-4000-8000-00000000000c", "stocktake_form": form_identity(bank),
         "partnership": CAMDEN, "role": "young-people", "respondent": "", **CHILD_ANSWERS}],
        version=form_version(bank))
    return cli("submissions", "import", path, "--bank", "children", "--wave", WAVE, *options,
               workspace=here / "ws")


def by_merge(cli, here: Path):
    elsewhere = here / "adviser-ws"
    answered = cli("interview", CAMDEN, *CHILD, "--age-band", "11-15", "--answers",
                   answers_csv(here / "a.csv"), workspace=elsewhere)
    assert answered.exit_code == 0, answered.output
    returns = here / "returns"
    done = cli("export", CAMDEN, "--bank", "children", "--wave", WAVE, "--out", returns,
               workspace=elsewhere)
    assert done.exit_code == 0, done.output
    return cli("merge", returns, "--out", here / "national.xlsx", "--into-workspace",
               workspace=here / "ws")
