"""Issue 28 kind 8: a submissions file that matched nothing is never reported as stored.

KoboToolbox's export dialog takes any group separator (free text; formpack joins the group path
and a select_multiple's option columns with it): each is read. A file none of whose columns is
a question, and a row that answers nothing, are refused naming why; a submission time that
cannot be read (Excel re-saving `SubmissionDate` as `01/05/2026 10:00`) is warned by line."""

from __future__ import annotations

import json

import pytest

from stocktake.errors import StocktakeError
from stocktake.xlsform.export import form_version
from stocktake.xlsform.submissions import read_submissions

from helpers.submissions import WAVE, assert_stored_as_given, import_submissions
from helpers.xlsform_builders import central_csv, kobo_csv, kobo_xlsx

pytest.importorskip("pyxform")


@pytest.mark.parametrize("sep", [".", "-", "__", " > ", "/"])
@pytest.mark.parametrize("make", [kobo_csv, kobo_xlsx], ids=["csv", "xlsx"])
@pytest.mark.parametrize("mode", ["both", "details"])
def test_every_group_separator_kobo_offers_is_read(tmp_path, workspace, mini_bank, form, two,
                                                   sep, make, mode):
    sheets, xform = form
    suffix = ".csv" if make is kobo_csv else ".xlsx"
    path = make(tmp_path / f"mini{suffix}", xform, sheets, two, mode=mode, group_sep=sep)
    header = (path.read_text(encoding="utf-8").splitlines()[0] if suffix == ".csv" else "")
    if suffix == ".csv":
        assert f'"vision{sep}vision.known"' in header
    batches, outcome = import_submissions(workspace, mini_bank, path)
    assert batches[0].warnings == ()
    assert len(outcome.stored) == 2
    assert_stored_as_given(workspace, mini_bank)


def test_a_file_whose_columns_match_no_question_is_refused(cli, tmp_path, mini_bank, form, two):
    sheets, xform = form
    path = kobo_csv(tmp_path / "mini.csv", xform, sheets, two)
    lines = path.read_text(encoding="utf-8").splitlines()
    # Labels as headers ("XML values and headers" not chosen): no column names a question.
    header = lines[0].replace('"vision/', '"Vision: ').replace('"risk/', '"Risk: ')
    path.write_text("\r\n".join([header, *lines[1:]]) + "\r\n", encoding="utf-8")
    done = cli("submissions", "import", path, "--bank", "mini", "--wave", WAVE)
    said = " ".join(done.stderr.split())
    assert done.exit_code == 1, done.output
    assert "no column is a question of bank mini (such as 'Vision: vision.statement')" in said
    assert "Stored" not in done.stdout
    from stocktake.store.workspace import Workspace

    assert Workspace.open(tmp_path / "ws").responses() == []


def test_a_row_that_answers_nothing_is_refused_naming_its_line(tmp_path, mini_bank, form, two):
    sheets, xform = form
    empty = {k: v for k, v in two[0].items() if k in ("instance", "stocktake_form",
                                                      "partnership", "role", "respondent")}
    empty["instance"] = "6f1c2a9e-0000-4000-8000-000000000009"
    path = kobo_csv(tmp_path / "mini.csv", xform, sheets, [two[0], empty])
    with pytest.raises(StocktakeError) as refused:
        read_submissions(path, mini_bank, lambda code: __import__(
            "stocktake.partnerships.model", fromlist=["x"]).partnership_for(code))
    details = " ".join(refused.value.details)
    assert "line 3: submission 6f1c2a9e-0000-4000-8000-000000000009 answers no question of " \
           "bank mini (every question column is empty)" in details
    assert "nothing was stored" in refused.value.message


def test_a_submission_time_resaved_by_excel_is_warned_by_line(cli, tmp_path, mini_bank, form,
                                                              two):
    sheets, xform = form
    path = central_csv(tmp_path / "mini.csv", xform, sheets, two,
                       version=form_version(mini_bank))
    text = path.read_text(encoding="utf-8").splitlines()
    text[1] = text[1].replace("2026-05-01T10:00:00.000Z", "01/05/2026 10:00", 1)
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    done = cli("submissions", "import", path, "--bank", "mini", "--wave", WAVE, "--json")
    assert done.exit_code == 0, done.output
    warnings = json.loads(done.stdout)["warnings"]
    assert [w for w in warnings if "line 2, column SubmissionDate: '01/05/2026 10:00' is not a "
            "timestamp as ODK Central writes it" in w], warnings
    from stocktake.store.workspace import Workspace

    ws = Workspace.open(tmp_path / "ws")
    council = ws.responses("E09000007", "mini", WAVE)[0]
    young = ws.responses("E08000025", "mini", WAVE)[0]
    # the readable one keeps the tool's time; the other is dated when it was imported
    assert {a.answered_at for a in young.answers.values()} == {"2026-05-01T10:00:00+00:00"}
    assert {a.answered_at for a in council.answers.values()} != {"2026-05-01T10:00:00+00:00"}


def test_a_submission_time_held_as_a_date_cell_is_read(tmp_path, workspace, mini_bank, form,
                                                       two):
    from datetime import datetime

    from openpyxl import load_workbook

    sheets, xform = form
    path = kobo_xlsx(tmp_path / "mini.xlsx", xform, sheets, two)
    wb = load_workbook(path)
    ws = wb.active
    column = [c.value for c in ws[1]].index("_submission_time") + 1
    ws.cell(2, column).value = datetime(2026, 5, 2, 9, 30)
    wb.save(path)
    batches, outcome = import_submissions(workspace, mini_bank, path)
    assert batches[0].warnings == ()
    council = workspace.responses("E09000007", "mini", WAVE)[0]
    assert {a.answered_at for a in council.answers.values()} == {"2026-05-02T09:30:00+00:00"}
