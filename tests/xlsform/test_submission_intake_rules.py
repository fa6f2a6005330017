"""What `submissions import` refuses, and the safeguarding notice it never loses on the way.

Each export is built as the tool writes it (tests/helpers/xlsform_builders.py: ODK Central's
`submissions.csv`, KoboToolbox's XLSX and `;`-separated CSV), from the XForm pyxform makes of
the form exported from the test bank `children` (tests/data/children.toml: a young person's "I
often feel unsafe" calls for the notice), then changed as a file is changed by hand or cut
short, and imported with the real command into a real workspace:

* a submission sent again under an instance id already stored (or earlier in the same files)
  with other answers is refused by name, all or nothing; with the same answers it is a no-op;
* a CSV line with fewer cells than the header is refused like one with more (its values would
  move to other columns: a rejected ReviewState read as none); a workbook places its cells by
  reference, so its short rows are only empty trailing cells;
* a refused file, and a submission rejected in review, still bring up the notice for each
  readable row that calls for it, naming the file and line, in the text and in --json;
* `--json` prints a `refused` object on a refusal, as `forms import --json` does.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from stocktake.banks.loading import find_bank, load_bank
from stocktake.xlsform.export import form_identity, form_version, xlsform_bytes, xlsform_sheets

from helpers.paths import DATA
from helpers.xlsform_builders import central_csv, kobo_csv, kobo_xlsx

pytest.importorskip("pyxform")

WAVE = "2026-27"
CAMDEN = "E09000007"
NOTICE = "TEST NOTICE: follow your local safeguarding procedures"
CHILD = "6f1c2a9e-0000-4000-8000-00000000c001"
OTHER = "6f1c2a9e-0000-4000-8000-00000000c002"
COUNCIL = "6f1c2a9e-0000-4000-8000-00000000c003"
TOOLS = ["central", "kobo-xlsx", "kobo-csv"]


@pytest.fixture
def here(tmp_path, monkeypatch):
    """Files named short (run beside them), so messages name them whole on one line."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="module")
def children_form():
    from stocktake.xlsform.pyxform_check import convert_xlsform

    bank = load_bank(DATA / "children.toml")  # module-wide: before the bank path is set
    sheets = xlsform_sheets(bank, [(CAMDEN, "Camden")])
    return bank, sheets, convert_xlsform(xlsform_bytes(sheets)).xform


def child(instance: str, feel: str = "mostly-safe", **more) -> dict:
    return {"instance": instance, "partnership": CAMDEN, "role": "young-people",
            "respondent": "", "safety.feel-safe": feel, **more}


def export(form, tool: str, name: str, submissions: list[dict]) -> Path:
    """`submissions` as `tool` exports them, to `name` (+ the tool's suffix)."""
    bank, sheets, xform = form
    rows = [{"stocktake_form": form_identity(bank), **s} for s in submissions]
    if tool == "central":
        return central_csv(Path(name + ".csv"), xform, sheets, rows,
                           version=form_version(bank))
    if tool == "kobo-xlsx":
        return kobo_xlsx(Path(name + ".xlsx"), xform, sheets, rows)
    return kobo_csv(Path(name + ".csv"), xform, sheets, rows)


def where(tool: str, n: int) -> str:
    """How the import names the n-th submission's place (1 = the first under the header)."""
    return f"sheet 'Mini bank for tests', row {n + 1}" if tool == "kobo-xlsx" else \
        f"line {n + 1}"


def set_cell(path: Path, n: int, column: str, value: str) -> Path:
    """The export with the n-th submission's `column` set to `value`, as the tool writes it."""
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path)
        sheet = wb.active
        header = [c.value for c in sheet[1]]
        sheet.cell(row=n + 1, column=header.index(column) + 1).value = value
        wb.save(path)
        return path
    text = path.read_text(encoding="utf-8")
    delimiter = ";" if text.split("\n", 1)[0].count(";") else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    rows[n][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def flat(text: str) -> str:
    return " ".join(text.split())


def import_(cli, *args):
    return cli("submissions", "import", *map(str, args), "--bank", "children", "--wave", WAVE)


def stored(here: Path) -> list:
    from stocktake.store.workspace import Workspace

    return Workspace.open(here / "ws").responses(bank="children")


# ---------------------------------------------------------------- 1. the same id again


@pytest.mark.parametrize("tool", TOOLS)
def test_a_resent_submission_with_other_answers_is_refused_by_name_with_its_notice(
        cli, here, children_form, tool):
    first = export(children_form, tool, "first", [child(CHILD)])
    assert import_(cli, first).exit_code == 0
    shard = sorted(here.joinpath("ws", "partnerships").iterdir())
    before = {p: p.read_bytes() for p in shard}
    # The same instance id, the child's answer changed to one calling for the notice, and a
    # new submission beside it that would be stored if the refusal were not all or nothing.
    resent = export(children_form, tool, "resent",
                    [child(CHILD, "often-unsafe"), child(OTHER, "always-safe")])
    result = import_(cli, resent)
    assert result.exit_code == 1, result.output
    said = flat(result.stderr)
    assert (f"{resent}: {where(tool, 1)}: submission {CHILD} already imported with other "
            "answers (safety.feel-safe); an edit made at the source carries a new instance id "
            "and the old one as deprecatedID") in said
    assert "download it again from" in said and "Traceback" not in said
    assert f"{resent}: {where(tool, 1)} holds an answer that calls for the safeguarding " \
           "notice (safety.feel-safe" in said and NOTICE in said
    assert {p: p.read_bytes() for p in shard} == before
    [response] = stored(here)
    assert response.answers["safety.feel-safe"].value == "mostly-safe"
    assert response.notices == {}


@pytest.mark.parametrize("tool", TOOLS)
def test_the_same_submission_with_the_same_answers_is_left_as_it_was(cli, here, children_form,
                                                                      tool):
    path = export(children_form, tool, "first", [child(CHILD, "often-unsafe")])
    assert import_(cli, path).exit_code == 0
    shard = sorted(here.joinpath("ws", "partnerships").iterdir())
    before = {p: p.read_bytes() for p in shard}
    again = import_(cli, path)
    assert again.exit_code == 0, again.output
    assert "Stored 0 submission(s); 1 already imported, left as they were." in \
        flat(again.stdout)
    assert {p: p.read_bytes() for p in shard} == before


def test_an_answer_changed_in_the_workspace_since_is_not_another_answer(cli, here,
                                                                        children_form):
    from stocktake.records.responses import ANSWERED, Answer
    from stocktake.store.workspace import Workspace

    path = export(children_form, "central", "first", [child(CHILD)])
    assert import_(cli, path).exit_code == 0
    ws = Workspace.open(here / "ws")
    [response] = ws.responses(bank="children")
    ws.save_answers(response.key, [Answer("safety.feel-safe", ANSWERED, "always-safe")],
                    role="young-people", mode="submission")
    again = import_(cli, path)
    assert again.exit_code == 0, again.output
    assert "1 already imported" in flat(again.stdout)
    [response] = ws.responses(bank="children")
    assert response.answers["safety.feel-safe"].value == "always-safe"


def test_the_same_submission_in_two_files_appears_twice_not_already_imported(cli, here,
                                                                            children_form):
    a = export(children_form, "central", "monday", [child(CHILD)])
    b = export(children_form, "kobo-xlsx", "tuesday", [child(CHILD)])
    result = import_(cli, a, b)
    assert result.exit_code == 0, result.output
    said = flat(result.stdout)
    assert "Stored 1 submission(s); 0 already imported" in said
    assert (f"1 submission(s) appear twice in these files with the same answers, stored once: "
            f"{CHILD} (monday.csv: line 2 and tuesday.xlsx: sheet 'Mini bank for tests', "
            "row 2)") in said
    assert len(stored(here)) == 1
    listed = json.loads(import_(cli, a, b, "--json").stdout)
    assert [r["instance_id"] for r in listed["already_imported"]] == [CHILD]
    [twice] = listed["appears_twice"]
    assert (twice["instance_id"], twice["where"], twice["also_at"]) == \
        (CHILD, "sheet 'Mini bank for tests', row 2", "monday.csv: line 2")


def test_the_same_id_in_two_files_with_other_answers_is_refused_naming_both(cli, here,
                                                                           children_form):
    a = export(children_form, "central", "monday", [child(CHILD)])
    b = export(children_form, "central", "tuesday", [child(CHILD, "often-unsafe")])
    result = import_(cli, a, b)
    assert result.exit_code == 1, result.output
    said = flat(result.stderr)
    assert (f"tuesday.csv: line 2: submission {CHILD} appears twice, here and at monday.csv: "
            "line 2, with other answers (safety.feel-safe)") in said
    assert "already imported" not in said
    assert "tuesday.csv: line 2 holds an answer that calls for the safeguarding notice" in said
    assert stored(here) == []


def test_a_resubmission_under_another_role_is_refused_before_anything_is_stored(cli, here):
    """The store refuses a name answering as a second role; found first, so the submission
    before it in the file is not stored alone (the command is all or nothing)."""
    from stocktake.xlsform.pyxform_check import convert_xlsform

    bank = find_bank("mini")
    sheets = xlsform_sheets(bank, [(CAMDEN, "Camden")])
    form = (bank, sheets, convert_xlsform(xlsform_bytes(sheets)).xform)
    jo = {"partnership": CAMDEN, "respondent": "Jo Bloggs", "vision.statement": "yes"}
    first = export(form, "central", "first", [{"instance": CHILD, "role": "council", **jo}])
    assert cli("submissions", "import", first, "--bank", "mini", "--wave", WAVE).exit_code == 0
    later = export(form, "central", "later", [
        {"instance": OTHER, "role": "council", "partnership": CAMDEN, "respondent": "Sam Hill",
         "vision.statement": "no"},
        {"instance": COUNCIL, "role": "health", **jo}])
    result = cli("submissions", "import", later, "--bank", "mini", "--wave", WAVE)
    assert result.exit_code == 1, result.output
    assert ("later.csv: line 3: Jo Bloggs of E09000007 already has mini 2026-27 answers as "
            "role 'council', not 'health'") in flat(result.stderr)
    from stocktake.store.workspace import Workspace

    assert [r.key.respondent for r in Workspace.open(here / "ws").responses()] == ["Jo Bloggs"]


# ---------------------------------------------------------------- 2. rows that do not fit


def cut_cell(path: Path, n: int) -> Path:
    """The export with one empty cell lost from the n-th submission's line, near its start (as
    a line edited by hand loses a separator): every later value moves one column left."""
    text = path.read_text(encoding="utf-8")
    delimiter = ";" if text.split("\n", 1)[0].count(";") else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    del rows[n][next(i for i in range(3, len(rows[n])) if rows[n][i] == "")]
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.mark.parametrize("tool, column, rejected",
                         [("central", "ReviewState", "rejected"),
                          ("kobo-csv", "_validation_status", "validation_status_not_approved")])
def test_a_csv_line_shorter_than_the_header_is_refused_naming_it(cli, here, children_form,
                                                                  tool, column, rejected):
    path = export(children_form, tool, "cut", [child(CHILD, "often-unsafe"), child(OTHER)])
    set_cell(path, 2, column, rejected)
    header = path.read_text(encoding="utf-8").split("\n", 1)[0]
    columns = len(next(csv.reader([header], delimiter=";" if tool == "kobo-csv" else ",")))
    cut_cell(path, 2)
    result = import_(cli, path)
    assert result.exit_code == 1, result.output
    said = flat(result.stderr)
    assert (f"cut.csv: line 3: {columns - 1} cells but the header has {columns} columns, so "
            "its values cannot be told to their columns") in said
    assert "nothing was stored" in said and stored(here) == []
    # The readable line beside it still brings up its notice.
    assert "cut.csv: line 2 holds an answer that calls for the safeguarding notice" in said


def test_a_csv_line_longer_than_the_header_is_still_refused(cli, here, children_form):
    path = export(children_form, "central", "long", [child(CHILD)])
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[1] += ",extra"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = import_(cli, path)
    assert result.exit_code == 1
    assert "long.csv: line 2:" in flat(result.stderr)
    assert "cells but the header has" in flat(result.stderr) and stored(here) == []


def test_a_workbook_row_short_of_the_header_is_read_by_cell_reference(cli, here,
                                                                      children_form):
    """openpyxl, as Kobo's writer, leaves empty trailing cells out of a row: nothing moves, so
    the row is read as it is; a value past the header's last column is warned of, not read."""
    from openpyxl import load_workbook

    path = export(children_form, "kobo-xlsx", "kobo", [child(CHILD, "often-unsafe")])
    wb = load_workbook(path)
    sheet = wb.active
    width = sheet.max_column
    for c in range(width - 3, width + 1):  # the trailing metadata cells made empty
        sheet.cell(row=2, column=c).value = None
    sheet.cell(row=2, column=width + 2).value = "typed beside it"
    wb.save(path)
    result = import_(cli, path)
    assert result.exit_code == 0, result.output
    said = flat(result.stderr)
    assert "is in a column the header gives no name; ignored" in said
    assert "'typed beside it'" in said
    [response] = stored(here)
    assert response.answers["safety.feel-safe"].value == "often-unsafe"
    assert "safety.feel-safe" in response.notices


# ---------------------------------------------------------------- 3. a refused file's notice


@pytest.mark.parametrize("tool", TOOLS)
def test_a_refused_file_brings_up_the_notice_of_each_readable_row(cli, here, children_form,
                                                                   tool):
    path = export(children_form, tool, "mixed", [
        child(CHILD, "often-unsafe"),
        {"instance": COUNCIL, "partnership": "E99999999", "role": "council",
         "respondent": "Jo Bloggs", "safety.council-view": "yes"}])
    result = import_(cli, path)
    assert result.exit_code == 1, result.output
    said = flat(result.stderr)
    assert f"{path}: {where(tool, 1)} holds an answer that calls for the safeguarding notice " \
           f"(safety.feel-safe; {CAMDEN}, young-people, submission {CHILD}); not stored" in said
    assert NOTICE in said and "nothing was stored" in said
    assert f"{where(tool, 2)}" in said  # the bad council row named too
    assert stored(here) == []
    listed = import_(cli, path, "--json")
    assert listed.exit_code == 1
    [notice] = json.loads(listed.stdout)["safeguarding_notices"]
    assert notice == {"file": str(path), "where": where(tool, 1), "instance_id": CHILD,
                      "partnership": CAMDEN, "role": "young-people", "respondent": "",
                      "questions": ["safety.feel-safe"], "recorded": False,
                      "reason": "not stored: the file was refused"}


def test_a_good_file_refused_with_a_bad_one_brings_up_its_notices_too(cli, here,
                                                                      children_form):
    good = export(children_form, "central", "good", [child(CHILD, "often-unsafe")])
    bad = export(children_form, "central", "bad", [
        child(OTHER, "mostly-safe", **{"safety.someone-to-tell": "no"}),
        {"instance": COUNCIL, "partnership": CAMDEN, "role": "council", "respondent": "",
         "safety.council-view": "yes"}])
    result = import_(cli, good, bad)
    assert result.exit_code == 1, result.output
    said = flat(result.stderr)
    assert "good.csv: line 2 holds an answer that calls for the safeguarding notice " \
           "(safety.feel-safe;" in said
    assert "bad.csv: line 2 holds an answer that calls for the safeguarding notice " \
           "(safety.someone-to-tell;" in said
    assert "1 of 2 file(s) refused; nothing was stored" in said
    assert stored(here) == []


# ---------------------------------------------------------------- 4. rejected in review


@pytest.mark.parametrize("tool, column, value", [
    ("central", "ReviewState", "rejected"),
    ("kobo-xlsx", "_validation_status", "validation_status_not_approved"),
    ("kobo-csv", "_validation_status", "validation_status_not_approved")])
def test_a_rejected_submission_is_left_out_with_its_notice(cli, here, children_form, tool,
                                                           column, value):
    path = export(children_form, tool, "reviewed", [child(CHILD, "often-unsafe"), child(OTHER)])
    set_cell(path, 1, column, value)
    result = import_(cli, path)
    assert result.exit_code == 0, result.output
    said = flat(result.stderr)
    assert f"submission {CHILD} was rejected in" in said
    assert f"{path}: {where(tool, 1)} holds an answer that calls for the safeguarding notice " \
           f"(safety.feel-safe; {CAMDEN}, young-people, submission {CHILD}); not imported: " \
           "rejected in" in said and NOTICE in said
    [response] = stored(here)
    assert response.instance_id == OTHER and response.notices == {}
    listed = json.loads(import_(cli, path, "--json").stdout)
    [notice] = listed["safeguarding_notices"]
    assert (notice["where"], notice["recorded"], notice["questions"]) == \
        (where(tool, 1), False, ["safety.feel-safe"])


# ---------------------------------------------------------------- 5. --json on a refusal


def test_json_refusal_prints_a_refused_object_as_forms_import_does(cli, here, children_form):
    from openpyxl import Workbook

    notaform = here / "notaform.xlsx"
    Workbook().save(notaform)
    forms = cli("forms", "import", notaform, "--json")
    assert forms.exit_code == 1
    [form_refused] = json.loads(forms.stdout)["refused"]

    first = export(children_form, "central", "first", [child(CHILD)])
    assert import_(cli, first).exit_code == 0
    resent = export(children_form, "central", "resent", [child(CHILD, "often-unsafe")])
    result = import_(cli, resent, "--json")
    assert result.exit_code == 1
    said = json.loads(result.stdout)  # JSON alone on stdout
    [refused] = said["refused"]
    assert set(refused) == set(form_refused) == {"file", "reason", "details", "hint"}
    assert refused["file"] == "resent.csv"
    assert refused["reason"] == "1 submission(s) refused; nothing was stored"
    assert refused["details"][0].startswith(f"resent.csv: line 2: submission {CHILD} already "
                                            "imported with other answers")
    assert said["stored"] == [] and said["safeguarding_notices"][0]["where"] == "line 2"
    # A file refused while reading gives the same shape.
    short = cut_cell(export(children_form, "central", "short", [child(OTHER)]), 1)
    result = import_(cli, short, "--json")
    assert result.exit_code == 1
    [refused] = json.loads(result.stdout)["refused"]
    assert refused["file"] == "short.csv" and "line 2:" in refused["details"][0]
    # And one that succeeds names no refusal.
    assert json.loads(import_(cli, first, "--json").stdout)["refused"] == []
