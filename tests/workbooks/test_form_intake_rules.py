"""What `forms import` takes from a returned form, and what it refuses, by kind of fault: rows
sorted apart from their hidden ids, formulas (with a saved result too), the hidden About
sheet's partnership and row map, answers left blank in a form sent again, text that cannot be
stored named by its file and cell, and the safeguarding notice of a form refused.

Every form is made by `forms create` (or create_form), filled with openpyxl as a respondent's
program would, or its sheet's XML written as Excel and LibreOffice save a formula and its
result, and imported by the real command into a real workspace.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from stocktake.errors import StocktakeError
from stocktake.partnerships.model import partnership_for
from stocktake.store.workspace import Workspace
from stocktake.workbooks.forms import create_form, read_form

from helpers.forms import FILLED, fill, rows_by_question

WAVE = "2026-27"
CAMDEN = partnership_for("E09000007")
NOTICE = "TEST NOTICE"


def _said(result) -> str:
    return " ".join(result.output.split())


def _child_form(tmp_path: Path, name: str = "child.xlsx") -> Path:
    from stocktake.banks.loading import find_bank

    return create_form(tmp_path / name, find_bank("children"), CAMDEN, "young-people", WAVE,
                       "YP-0001")


def _set(path: Path, cells: dict[str, object], sheet: str = "Form") -> Path:
    wb = load_workbook(path)
    for ref, value in cells.items():
        wb[sheet][ref] = value
    wb.save(path)
    return path


def _with_cell_xml(path: Path, ref: str, cell_xml: str, sheet_part: str) -> Path:
    """The workbook with cell `ref` of `sheet_part` written as `cell_xml` (a whole <c>), as
    a spreadsheet program saves it: a formula beside its saved result, or a text longer than
    openpyxl keeps."""
    out = path.with_name(path.stem + "-saved.xlsx")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == sheet_part:
                text = data.decode("utf-8")
                cell = re.compile(rf'<c r="{ref}"(?:[^>]*/>|[^>]*>.*?</c>)', re.S)
                assert cell.search(text), f"no cell {ref} in {sheet_part}"
                data = cell.sub(lambda _: cell_xml, text, count=1).encode("utf-8")
            dst.writestr(item, data)
    return out


def _part_of(path: Path, sheet: str) -> str:
    from stocktake.returns.workbook_parts import sheet_part

    with zipfile.ZipFile(path) as archive:
        part = sheet_part(archive, set(archive.namelist()), sheet)
    assert part is not None
    return part


def _stored(ws_path: Path, code: str = "E09000007") -> list:
    if not (ws_path / "partnerships").exists():
        return []
    return Workspace.open(ws_path).responses(code)


# ------------------------------------------------------------ 1. rows moved apart from their ids


def _swap_visible(path: Path, a: int, b: int) -> Path:
    """Rows `a` and `b` swapped in the visible columns (A-G), the hidden id column H left, as
    a sort of the visible table does; D is merged into C on each question row."""
    wb = load_workbook(path)
    ws = wb["Form"]
    for col in "ABCEFG":
        ws[f"{col}{a}"].value, ws[f"{col}{b}"].value = ws[f"{col}{b}"].value, ws[f"{col}{a}"].value
    wb.save(path)
    return path


def test_rows_sorted_apart_from_their_ids_are_refused_by_row_and_bring_up_the_notice(
        cli, tmp_path):
    form = _child_form(tmp_path)
    where = rows_by_question(load_workbook(form)["Form"])
    safe, other = where["safety.feel-safe"], where["health.sexual-health"]
    _set(form, {"D3": "11 to 15", f"F{safe}": "I often feel unsafe", f"F{other}": "Yes"})
    _swap_visible(form, safe, other)
    done = cli("forms", "import", form)
    said = _said(done)
    assert done.exit_code == 1, done.output
    for row, qid in ((safe, "safety.feel-safe"), (other, "health.sexual-health")):
        assert f"Form!row {row}:" in said and f"but its id is {qid}" in said, said
    assert "the question reads 'How safe do you feel where you live?" in said
    assert "the rows were moved or sorted" in said and "undo the sort" in said
    assert "Traceback" not in said
    # The "How safe..." row with its answer now sits on health.sexual-health's id: the child
    # answered what they read, so the notice is shown though nothing is stored.
    assert NOTICE in said and f"Form!F{other} (safety.feel-safe)" in said
    assert _stored(tmp_path / "ws") == []


def test_a_form_whose_rows_are_in_place_reads_as_before(mini_bank, tmp_path):
    form = fill(create_form(tmp_path / "f.xlsx", mini_bank, CAMDEN, "council", WAVE, "Jo"),
                FILLED)
    assert {a.question for a in read_form(form).answers} == set(FILLED)


def test_a_row_renumbered_is_refused_by_its_number(mini_bank, tmp_path):
    form = fill(create_form(tmp_path / "f.xlsx", mini_bank, CAMDEN, "council", WAVE, "Jo"),
                FILLED)
    row = rows_by_question(load_workbook(form)["Form"])["vision.known"]
    _set(form, {f"A{row}": 5})
    with pytest.raises(StocktakeError) as caught:
        read_form(form)
    [detail] = caught.value.details
    assert f"Form!row {row}: it is numbered 5" in detail and "its id is vision.known" in detail


def test_the_about_sheets_row_map_sorted_is_refused_by_its_cell(mini_bank, tmp_path):
    form = fill(create_form(tmp_path / "f.xlsx", mini_bank, CAMDEN, "council", WAVE, "Jo"),
                FILLED)
    wb = load_workbook(form)
    about = wb["About"]
    rows = [r for r in range(1, about.max_row + 1) if isinstance(about.cell(r, 1).value, int)]
    first, last = rows[0], rows[-1]
    about[f"B{first}"].value, about[f"B{last}"].value = (about[f"B{last}"].value,
                                                         about[f"B{first}"].value)
    wb.save(form)
    with pytest.raises(StocktakeError) as caught:
        read_form(form)
    assert re.search(r"About!B\d+: the hidden About sheet's map of the form's rows",
                     caught.value.message), caught.value.message


# ------------------------------------------------------------ 2. formulas, with saved results


def test_formulas_with_saved_results_are_refused_by_cell_never_stored(cli, mini_bank, tmp_path):
    form = fill(create_form(tmp_path / "f.xlsx", mini_bank, CAMDEN, "council", WAVE, "Jo"),
                FILLED)
    where = rows_by_question(load_workbook(form)["Form"])
    ev, text = where["vision.statement"], where["risk.barrier"]
    part = _part_of(form, "Form")
    saved = _with_cell_xml(form, f"G{ev}",
                           f'<c r="G{ev}" t="n"><f aca="false">1+1</f><v>2</v></c>', part)
    saved = _with_cell_xml(saved, f"F{text}", (
        f'<c r="F{text}" t="str"><f aca="false">HYPERLINK(&quot;http://x.org&quot;,'
        f'&quot;click me&quot;)</f><v>click me</v></c>'), part)
    done = cli("forms", "import", saved)
    said = _said(done)
    assert done.exit_code == 1, done.output
    assert f"Form!G{ev}: vision.statement: the cell holds a formula (=1+1)" in said, said
    assert f'Form!F{text}: risk.barrier: the cell holds a formula (=HYPERLINK("http://x.org",' \
           '"click me"))' in said, said
    assert "type the answer itself" in said and "type the evidence itself" in said
    assert _stored(tmp_path / "ws") == []


def test_a_formula_in_the_name_or_the_about_sheet_is_refused_by_cell(mini_bank, tmp_path):
    form = fill(create_form(tmp_path / "f.xlsx", mini_bank, CAMDEN, "council", WAVE, "Jo"),
                FILLED)
    named = _with_cell_xml(form, "D3", '<c r="D3" t="str"><f>"J"&amp;"o"</f><v>Jo</v></c>',
                           _part_of(form, "Form"))
    with pytest.raises(StocktakeError) as caught:
        read_form(named)
    assert any('Form!D3: the cell holds a formula (="J"&"o")' in d
               for d in caught.value.details), caught.value.details
    about = _with_cell_xml(form, "B8", '<c r="B8" t="str"><f>"E0900000"&amp;"7"</f>'
                                       '<v>E09000007</v></c>', _part_of(form, "About"))
    with pytest.raises(StocktakeError, match=r"About!B8 holds a formula \(=\"E0900000\"&\"7\"\)"
                                             r" instead of the form's partnership"):
        read_form(about)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_formula_typed_then_saved_by_libreoffice_is_refused(mini_bank, tmp_path):
    form = fill(create_form(tmp_path / "f.xlsx", mini_bank, CAMDEN, "council", WAVE, "Jo"),
                FILLED)
    ev = rows_by_question(load_workbook(form)["Form"])["vision.statement"]
    _set(form, {f"G{ev}": "=1+1"})
    out = tmp_path / "lo"
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--headless", "--norestore", "--convert-to", "xlsx", "--outdir", str(out),
                    str(form)], capture_output=True, timeout=300, check=True)
    with pytest.raises(StocktakeError) as caught:
        read_form(out / "f.xlsx")
    assert any(f"Form!G{ev}: vision.statement: the cell holds a formula (=1+1)" in d
               for d in caught.value.details), caught.value.details


# ------------------------------------------------------------ 3. the About sheet's partnership


@pytest.mark.parametrize("code", ["E09999999", "X1"])
def test_a_partnership_code_not_listed_is_refused_by_its_about_cell(cli, mini_bank, tmp_path,
                                                                      code):
    form = fill(create_form(tmp_path / "f.xlsx", mini_bank, CAMDEN, "council", WAVE, "Jo"),
                FILLED)
    _set(form, {"B8": code, "B9": "Brent"}, sheet="About")
    done = cli("forms", "import", form)
    said = _said(done)
    assert done.exit_code == 1, done.output
    assert f"About!B8: the form is for partnership '{code}', which is neither in the list of " \
           "English children's services authorities" in said, said
    assert Workspace.open(tmp_path / "ws").partnerships() == []


def test_a_code_and_name_that_disagree_are_refused_and_the_name_is_never_the_forms(
        cli, mini_bank, tmp_path):
    form = fill(create_form(tmp_path / "f.xlsx", mini_bank, CAMDEN, "council", WAVE, "Jo"),
                FILLED)
    brent = _set(Path(shutil.copy(form, tmp_path / "brent.xlsx")), {"B9": "Brent"}, "About")
    done = cli("forms", "import", brent)
    assert done.exit_code == 1, done.output
    assert "About!B9: the form names its partnership 'Brent', but its code E09000007 is " \
           "Camden's" in _said(done)
    # A region edited on the form is not taken either: the list's is.
    _set(form, {"B10": "Narnia"}, "About")
    done = cli("forms", "import", form)
    assert done.exit_code == 0, done.output
    [camden] = Workspace.open(tmp_path / "ws").partnerships()
    assert (camden.code, camden.name, camden.region) == ("E09000007", "Camden", "London")


def test_a_partnership_of_the_workspaces_own_is_taken_as_the_workspace_has_it(
        cli, mini_bank, tmp_path):
    assert cli("partnerships", "add", "TRUST1", "--name", "Our Trust").exit_code == 0
    own = partnership_for("TRUST1", "Our Trust")
    form = fill(create_form(tmp_path / "f.xlsx", mini_bank, own, "council", WAVE, "Jo"), FILLED)
    done = cli("forms", "import", form)
    assert done.exit_code == 0, done.output
    assert [p.name for p in Workspace.open(tmp_path / "ws").partnerships()] == ["Our Trust"]


# ------------------------------------------------------------ 4. answers blank in a form sent again


def test_answers_blank_in_a_form_sent_again_are_named_as_kept(cli, mini_bank, tmp_path):
    made = create_form(tmp_path / "f.xlsx", mini_bank, CAMDEN, "council", WAVE, "Jo")
    where = rows_by_question(load_workbook(made)["Form"])
    first = fill(made, FILLED, out=tmp_path / "first.xlsx")
    assert cli("forms", "import", first).exit_code == 0
    again = {q: v for q, v in FILLED.items() if q != "risk.vacancies"} | {"vision.known": 4}
    second = fill(made, again, out=tmp_path / "second.xlsx")
    done = cli("forms", "import", second)
    assert done.exit_code == 0, done.output
    cell = f"Form!F{where['risk.vacancies']}"
    assert f"1 answer(s) blank in this form kept from the earlier one: {cell} " \
           "(risk.vacancies)" in _said(done), done.output
    done = cli("forms", "import", second, "--json")
    [row] = json.loads(done.stdout)["stored"]
    assert row["kept_blank"] == [{"cell": cell, "question": "risk.vacancies"}]
    [response] = _stored(tmp_path / "ws")
    assert response.answers["risk.vacancies"].value == 12.5  # kept, not deleted


# ------------------------------------------------------------ 5, 6. text refused by file and cell


def test_a_name_refused_in_a_folder_names_the_file_and_the_cell(cli, mini_bank, tmp_path):
    returns = tmp_path / "ret"
    form = fill(create_form(returns / "f.xlsx", mini_bank, CAMDEN, "council", WAVE, "Jo"),
                FILLED, name="Ann\u202eX")
    done = cli("forms", "import", returns)
    said = _said(done)
    assert done.exit_code == 1, done.output
    assert f"{form}: Form!D3: the respondent's name 'Ann\\u202eX' holds U+202E" in said, said


def test_evidence_and_text_answers_that_cannot_be_stored_are_named_by_their_own_cell(
        mini_bank, tmp_path):
    form = fill(create_form(tmp_path / "f.xlsx", mini_bank, CAMDEN, "council", WAVE, "Jo"),
                FILLED, evidence={"vision.known": "minutes\u202e"})
    where = rows_by_question(load_workbook(form)["Form"])
    text = where["risk.barrier"]
    _set(form, {f"F{text}": "Staff\u2066 turnover"})
    long_row = where["vision.statement"]
    saved = _with_cell_xml(form, f"G{long_row}", f'<c r="G{long_row}" t="inlineStr"><is><t>'
                                                 f'{"x" * 40000}</t></is></c>',
                           _part_of(form, "Form"))
    with pytest.raises(StocktakeError) as caught:
        read_form(saved)
    details = caught.value.details
    assert any(f"Form!G{long_row}: vision.statement: the evidence: the text is 40,000 "
               "characters" in d for d in details), details
    assert any(f"Form!G{where['vision.known']}: vision.known: the evidence: the text" in d
               and "U+202E" in d for d in details), details
    assert any(f"Form!F{text}: risk.barrier:" in d and "U+2066" in d for d in details), details
    assert not any(f"Form!F{long_row}" in d for d in details), details


# ------------------------------------------------------------ 7. the notice of a refused form


def test_a_refused_form_still_brings_up_the_notice_by_cell(cli, tmp_path):
    form = _child_form(tmp_path)
    safe = rows_by_question(load_workbook(form)["Form"])["safety.feel-safe"]
    _set(form, {f"F{safe}": "I often feel unsafe"})  # no age group chosen
    done = cli("forms", "import", form)
    said = _said(done)
    assert done.exit_code == 1, done.output
    assert "Form!D3: choose your age group from the list" in said
    assert NOTICE in said and f"Form!F{safe} (safety.feel-safe)" in said, said
    done = cli("forms", "import", form, "--json")
    [refused] = json.loads(done.stdout)["refused"]
    assert refused["safeguarding_notice"] == ["safety.feel-safe"]
    assert refused["safeguarding_cells"] == [{"cell": f"Form!F{safe}",
                                              "question": "safety.feel-safe"}]
    assert _stored(tmp_path / "ws") == []


def test_a_form_refused_for_its_about_sheet_still_brings_up_the_notice(cli, tmp_path):
    form = _child_form(tmp_path)
    safe = rows_by_question(load_workbook(form)["Form"])["safety.feel-safe"]
    _set(form, {"D3": "11 to 15", f"F{safe}": "I often feel unsafe"})
    _set(form, {"B8": "E09999999"}, sheet="About")
    done = cli("forms", "import", form)
    said = _said(done)
    assert done.exit_code == 1 and "About!B8" in said, done.output
    assert NOTICE in said and f"Form!F{safe} (safety.feel-safe)" in said, said
