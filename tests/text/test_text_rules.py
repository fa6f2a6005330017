"""What is written is what was sealed: text that a workbook writer or reader would change is
refused at input by name, or stored in the form that comes back (LF line ends), the same with
and without lxml (.ci/run runs this file both ways)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from stocktake.errors import StocktakeError
from stocktake.workbooks.exports import gather_export, write_export
from stocktake.national.merge import merge_workbooks
from stocktake.partnerships.model import partnership_for
from stocktake.text.text_rules import MAX_CELL_TEXT, checked_text, text_problem
from stocktake.workbooks.forms import create_form

from helpers.cells import read_back, sheet_xml, write_column
from helpers.filling import WAVE
from helpers.forms import FILLED, fill

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.parametrize("text,reason", [
    ("x" * (MAX_CELL_TEXT + 1), "is 32,768 characters; a spreadsheet cell holds at most 32,767"),
    ("Eve\x1b]0;PWNED\x07", "holds the control character U+001B (ESC) at position 4"),
    ("a\x00b", "holds the control character U+0000 (NUL) at position 2"),
    ("x\ufffe", "holds the control character U+FFFE"),
    ("\ud800", "holds the control character U+D800"),
    ("Eve_x001B_]0;", "holds '_x001B_', which spreadsheet programs read as an escaped character"),
    ("price_x0041_", "holds '_x0041_'"),
])
def test_text_a_workbook_would_change_is_refused_naming_the_field(text, reason):
    assert reason in text_problem(text)
    with pytest.raises(StocktakeError, match="^line 4: evidence: the text "):
        checked_text(text, "line 4: evidence")


@pytest.mark.parametrize("text", ["x" * MAX_CELL_TEXT, "tab\there", "é ñ 中文 🙂",
                                  "under_score_x00", "_x12G4_", "line\nbreak"])
def test_text_that_round_trips_is_accepted_unchanged(text):
    assert text_problem(text) is None and checked_text(text, "f") == text


def test_line_ends_are_stored_as_lf():
    assert checked_text("a\r\nb\rc\n", "f") == "a\nb\nc\n"


def test_a_bare_cr_is_written_as_lf_whichever_xml_library_openpyxl_uses(tmp_path):
    path = write_column(tmp_path / "cr.xlsx", ["a\rb", "\r=cmd", "c\r\nd"])
    xml = sheet_xml(path)
    assert "\r" not in xml and "&#13;" not in xml and "_x000D_" not in xml
    by_openpyxl, by_calamine = read_back(path)
    assert by_calamine == ["a\nb", "\n=cmd", "c\nd"]
    assert by_openpyxl == [("a\nb", "s"), ("\n=cmd", "s"), ("c\nd", "s")]


def answers_cli(cli, tmp_path, rows) -> "object":
    source = tmp_path / "answers.json"
    source.write_text(json.dumps(rows))
    return cli("interview", "E09000007", "--bank", "mini", "--role", "council",
               "--respondent", "Jo", "--answers", source)


@pytest.mark.parametrize("evidence,reason", [
    ("x" * 40_000, "the evidence: the text is 40,000 characters"),
    ("see _x0041_", "the evidence: the text holds '_x0041_'"),
    ("bell\x07", "the evidence: the text holds the control character U+0007"),
])
def test_answers_file_row_with_text_a_workbook_would_change_is_refused(cli, tmp_path, evidence,
                                                                       reason):
    result = answers_cli(cli, tmp_path, [{"question": "vision.statement", "value": "yes",
                                          "evidence": evidence}])
    assert result.exit_code == 1
    assert reason in result.stderr and "nothing was stored" in result.stderr


def test_text_answer_with_an_escape_sequence_is_refused_naming_the_answer(cli, tmp_path):
    result = answers_cli(cli, tmp_path, [{"question": "risk.barrier", "value": "cost_x0024_",
                                          "evidence": ""}])
    assert result.exit_code == 1 and "the answer: the text holds '_x0024_'" in result.stderr


def test_answers_file_line_ends_are_stored_as_lf(cli, tmp_path):
    result = answers_cli(cli, tmp_path, [{"question": "risk.barrier", "value": "a\r\nb\rc",
                                          "evidence": "x\r\ny"}])
    assert result.exit_code == 0, result.output
    stored = json.loads(cli("answers", "E09000007", "--bank", "mini", "--wave",
                            _wave(), "--json").stdout)
    assert [(a["value"], a["evidence"]) for a in stored] == [("a\nb\nc", "x\ny")]


def _wave() -> str:
    from stocktake.records.responses import current_wave

    return current_wave()


def test_respondent_option_with_a_control_character_is_refused(cli, tmp_path):
    result = cli("interview", "E09000007", "--bank", "mini", "--role", "council",
                 "--respondent", "Eve\x1b[2J", "--answers", tmp_path / "none.csv")
    assert result.exit_code == 2
    assert "--respondent: 'Eve\\x1b[2J' holds U+001B (ESC)" in result.stderr


def test_form_name_typed_with_an_escape_sequence_is_refused_by_cell(cli, mini_bank, tmp_path):
    form = create_form(tmp_path / "f.xlsx", mini_bank, partnership_for("E09000007"), "council",
                       WAVE)
    fill(form, FILLED, name="Eve_x001B_]0;PWNED_x0007_")
    result = cli("forms", "import", form)
    assert result.exit_code == 1
    assert "Form!D3: the respondent's name holds the control character U+001B" in \
        " ".join(result.stderr.split())


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_export_resaved_by_libreoffice_merges_back_exactly_what_the_workspace_holds(
        cli, workspace, tmp_path):
    texts = ["first line\r\nsecond\rthird", "tab\there and \u00e9\u4e2d\U0001F642",
             "=HYPERLINK(\"http://x\")", "y" * MAX_CELL_TEXT, "  spaced  "]
    rows = [{"question": "risk.barrier", "value": texts[0], "evidence": texts[1]},
            {"question": "vision.statement", "value": "yes", "evidence": texts[2]},
            {"question": "risk.register", "value": "partial", "evidence": texts[3]}]
    source = tmp_path / "answers.json"
    source.write_text(json.dumps(rows))
    wave = _wave()
    assert cli("interview", "E09000007", "--bank", "mini", "--role", "council", "--respondent",
               texts[4], "--answers", source, workspace=workspace.root).exit_code == 0
    exported = write_export(gather_export(workspace, _bank(), "E09000007", wave, with_names=True), "xlsx",
                            tmp_path / "exports")[0]
    resaved = tmp_path / "resaved"
    profile = tmp_path / "profile"
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "xlsx", "--outdir", str(resaved), str(exported)],
        capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    result = merge_workbooks([resaved / exported.name], tmp_path / "n.xlsx",
                             workspace=_fresh(tmp_path))
    assert result.rejected == [], result.rejected
    merged = [r.to_doc() if hasattr(r, "to_doc") else r for r in result.merged[0].responses]
    held = [r.to_doc() if hasattr(r, "to_doc") else r for r in workspace.responses("E09000007")]
    assert merged == held


def _bank():
    from stocktake.banks.loading import find_bank

    return find_bank("mini")


def _fresh(tmp_path: Path):
    from stocktake.store.workspace import Workspace

    return Workspace.open(tmp_path / "other-ws")
