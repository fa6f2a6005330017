"""Children and young people answering: no name, a reference, an age band first, questions
hidden by age, no evidence notes, and a safeguarding notice shown once and recorded.

Interviews run through the real entry point with real keystrokes fed to questionary through a
prompt_toolkit pipe (as in test_interview_cli); files, forms and workbooks are real.
"""

from __future__ import annotations

import io
import json
import sys
from dataclasses import dataclass

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from stocktake.records.responses import ResponseKey
from stocktake.store.workspace import Workspace

from helpers.paths import DATA

DOWN, ENTER, CTRL_C = "\x1b[B", "\r", "\x03"
WAVE = "2026-27"
CHILD = ["interview", "E09000007", "--bank", "children", "--role", "young-people", "--wave", WAVE]
NOTICE = "TEST NOTICE"


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def terminal(tmp_path, capsys, monkeypatch):
    from stocktake.cli.main import run

    def invoke(args: list[str], typed: str) -> Run:
        monkeypatch.setattr(sys, "argv", ["stocktake", "-w", str(tmp_path / "ws"), *args])
        monkeypatch.setattr(sys, "stdin", _Terminal())
        capsys.readouterr()
        code = 0
        with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
            pipe.send_text(typed + CTRL_C)
            try:
                run()
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return Run(code, out, err)

    return invoke


@pytest.fixture
def ws(tmp_path):
    return Workspace.open(tmp_path / "ws")


def child_responses(ws):
    return [r for r in ws.responses("E09000007", "children", WAVE) if r.role == "young-people"]


# Under 11; "I often feel unsafe"; "yes" to someone to tell; a comment; Finish.
UNDER_11_UNSAFE = "1" + ENTER + "1" + ENTER + "y" + ENTER + "ok" + ENTER + ENTER


# ---------------------------------------------------------------- no name, a reference


def test_child_interview_takes_no_name_and_stores_a_reference(terminal, ws):
    run = terminal(CHILD, UNDER_11_UNSAFE)
    assert run.exit_code == 0, run.stdout + run.stderr
    [response] = child_responses(ws)
    assert response.key.respondent == "YP-0001"
    assert "YP-0001" in run.stdout and "no name is stored" in run.stdout
    assert response.answers["safety.feel-safe"].value == "often-unsafe"
    # No evidence prompt came up: the keystrokes above answer the questions only.
    assert all(a.evidence == "" for a in response.answers.values())


def test_each_new_child_gets_the_next_reference(terminal, ws):
    terminal(CHILD, UNDER_11_UNSAFE)
    terminal(CHILD, UNDER_11_UNSAFE)
    assert sorted(r.key.respondent for r in child_responses(ws)) == ["YP-0001", "YP-0002"]


def test_a_name_given_for_a_child_is_refused_with_the_reason_and_nothing_stored(cli, ws):
    result = cli(*CHILD, "--respondent", "Jo Smith", "--answers", "unused.csv")
    assert result.exit_code == 2
    assert "answers anonymously" in result.output and "--respondent is refused" in result.output
    assert "Jo Smith" not in json.dumps([r.to_doc() for r in ws.responses()])
    assert ws.responses() == []


def test_interview_resumes_a_child_by_reference(terminal, ws):
    terminal(CHILD, "1" + ENTER + "1" + ENTER)  # then Ctrl-C: one answer kept
    run = terminal(CHILD + ["--reference", "yp-0001"], "y" + ENTER + "ok" + ENTER + ENTER)
    assert run.exit_code == 0, run.stdout + run.stderr
    [response] = child_responses(ws)
    assert set(response.answers) == {"safety.feel-safe", "safety.someone-to-tell",
                                     "health.comments"}
    assert "--reference YP-0001" in terminal(CHILD + ["--reference", "YP-0001"], "").stdout


def test_unknown_reference_is_refused(terminal, ws):
    run = terminal(CHILD + ["--reference", "YP-0042"], "")
    assert run.exit_code == 1 and "no young-people response YP-0042" in run.stderr


def test_adult_roles_still_need_a_name(cli):
    result = cli("interview", "E09000007", "--bank", "children", "--role", "council",
                 "--wave", WAVE, "--answers", "x.csv")
    assert result.exit_code == 2 and "--respondent cannot be empty" in result.output


# ---------------------------------------------------------------- age band first


def test_age_band_is_asked_first_and_hides_questions_for_older_children(terminal, ws):
    terminal(CHILD, UNDER_11_UNSAFE)
    [response] = child_responses(ws)
    assert response.age_band == "under-11"
    assert "health.sexual-health" not in response.answers


def test_an_older_child_is_asked_the_age_limited_question(terminal, ws):
    # 11 to 15; mostly safe; yes; yes to the sexual health question; a comment; Finish.
    terminal(CHILD, "2" + ENTER + "2" + ENTER + "y" + ENTER + "y" + ENTER + "ok" + ENTER + ENTER)
    [response] = child_responses(ws)
    assert response.age_band == "11-15"
    assert response.answers["health.sexual-health"].value == "yes"


def test_a_question_hidden_by_age_is_left_out_of_coverage(children_bank):
    from stocktake.banks.model import age_band
    from stocktake.interview.flow import InterviewFlow

    young = InterviewFlow(children_bank, "young-people", {}, age_band("under-11"))
    older = InterviewFlow(children_bank, "young-people", {}, age_band("16-18"))
    assert "health.sexual-health" not in [q.id for q in young.applicable()]
    assert "health.sexual-health" in [q.id for q in older.applicable()]
    assert young.progress().total == older.progress().total - 1


# ---------------------------------------------------------------- the safeguarding notice


def test_notice_is_shown_once_and_recorded_by_question_and_time(terminal, ws):
    # Answer "often unsafe", finish the rest, then revisit it from the review and give the
    # same answer again: the notice is not shown a second time.
    typed = UNDER_11_UNSAFE[:-len(ENTER)] + DOWN + ENTER + "1" + ENTER + ENTER
    run = terminal(CHILD, typed)
    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.stdout.count(NOTICE) == 1
    [response] = child_responses(ws)
    assert set(response.notices) == {"safety.feel-safe"}
    assert response.notices["safety.feel-safe"][:4] == WAVE[:4]
    # The record holds the question and the time only: nothing the child said beyond the answer.
    doc = response.to_doc()
    assert doc["notices"] == {"safety.feel-safe": response.notices["safety.feel-safe"]}


def test_no_notice_for_an_answer_that_does_not_call_for_it(terminal, ws):
    run = terminal(CHILD, "1" + ENTER + "3" + ENTER + "y" + ENTER + "ok" + ENTER + ENTER)
    assert NOTICE not in run.stdout
    [response] = child_responses(ws)
    assert response.notices == {}


def test_notice_from_an_answers_file_is_shown_and_recorded(cli, tmp_path, ws):
    path = tmp_path / "a.csv"
    path.write_text("question,value,evidence\nsafety.feel-safe,often-unsafe,\n"
                    "safety.someone-to-tell,no,\n", encoding="utf-8")
    result = cli(*CHILD, "--age-band", "11-15", "--answers", path)
    assert result.exit_code == 0, result.output
    assert result.stdout.count(NOTICE) == 1
    [response] = child_responses(ws)
    assert response.key.respondent == "YP-0001" and response.age_band == "11-15"
    assert set(response.notices) == {"safety.feel-safe", "safety.someone-to-tell"}


# ---------------------------------------------------------------- answers files


@pytest.mark.parametrize("row, reason", [
    ("name,Jo Smith,", "gives a name"),
    ("safety.feel-safe,mostly-safe,a note", "not asked for evidence notes"),
    ("health.sexual-health,yes,", "not asked of children and young people aged under 11"),
    ("health.comments,call me on 07700 900123,", "phone number"),
])
def test_answers_file_rows_a_child_cannot_give_are_refused_and_nothing_stored(cli, tmp_path, ws,
                                                                               row, reason):
    path = tmp_path / "a.csv"
    path.write_text(f"question,value,evidence\nsafety.someone-to-tell,yes,\n{row}\n",
                    encoding="utf-8")
    result = cli(*CHILD, "--age-band", "under-11", "--answers", path)
    assert result.exit_code == 1
    assert "line 3" in result.output and reason in result.output
    assert ws.responses() == []


def test_answers_file_resuming_a_child_refuses_rows_their_age_band_is_not_asked(cli, tmp_path,
                                                                                ws):
    """A resumed child keeps the age band stored with them: a later file's rows for questions
    not asked at that age are refused by question, with the ages asked, and nothing is added
    (this check once crashed with an internal error instead)."""
    first = tmp_path / "a.csv"
    first.write_text("question,value,evidence\nsafety.someone-to-tell,yes,\n", encoding="utf-8")
    assert cli(*CHILD, "--age-band", "under-11", "--answers", first).exit_code == 0
    later = tmp_path / "b.csv"
    later.write_text("question,value,evidence\nhealth.sexual-health,yes,\n", encoding="utf-8")
    result = cli(*CHILD, "--reference", "YP-0001", "--answers", later)
    assert result.exit_code == 1, result.output
    assert "Internal error" not in result.output
    assert ("health.sexual-health: not asked of children and young people aged under 11 "
            "(asked at ages 11 to 25)") in result.output
    [response] = child_responses(ws)
    assert set(response.answers) == {"safety.someone-to-tell"}


def test_answers_file_for_a_child_needs_an_age_band(cli, tmp_path, ws):
    path = tmp_path / "a.csv"
    path.write_text("question,value\nsafety.someone-to-tell,yes\n", encoding="utf-8")
    result = cli(*CHILD, "--answers", path)
    assert result.exit_code == 2 and "--age-band" in result.output
    assert ws.responses() == []


# ---------------------------------------------------------------- forms


def test_child_form_has_no_name_cell_carries_the_notice_and_imports_under_a_reference(
        cli, tmp_path, ws):
    import openpyxl

    out = tmp_path / "child.xlsx"
    result = cli("forms", "create", "E09000007", "-b", "children", "-r", "young-people",
                 "--wave", WAVE, "-o", out)
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out)
    sheet = wb["Form"]
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "Your name" not in cells and sheet["C3"].value == "Your age group"
    assert any(NOTICE in c for c in cells)
    assert any("please read the safeguarding notice" in c for c in cells)
    rows = {sheet.cell(row=r, column=8).value: r for r in range(8, sheet.max_row + 1)}
    sheet["D3"] = "11 to 15"
    sheet.cell(row=rows["safety.feel-safe"], column=6).value = "I often feel unsafe"
    sheet.cell(row=rows["health.sexual-health"], column=6).value = "Yes"
    wb.save(out)
    result = cli("forms", "import", out)
    assert result.exit_code == 0, result.output
    assert NOTICE in result.output
    [response] = child_responses(ws)
    assert response.key.respondent == "YP-0001" and response.age_band == "11-15"
    assert set(response.notices) == {"safety.feel-safe"}
    # Importing the same form again updates the same response, not a second child.
    assert cli("forms", "import", out).exit_code == 0
    assert len(child_responses(ws)) == 1


def test_child_form_with_a_name_typed_in_is_refused_by_cell(cli, tmp_path, ws):
    import openpyxl

    out = tmp_path / "child.xlsx"
    cli("forms", "create", "E09000007", "-b", "children", "-r", "young-people", "--wave", WAVE,
        "-o", out)
    wb = openpyxl.load_workbook(out)
    sheet = wb["Form"]
    sheet["D3"] = "Jo Smith"
    rows = {sheet.cell(row=r, column=8).value: r for r in range(8, sheet.max_row + 1)}
    sheet.cell(row=rows["safety.someone-to-tell"], column=6).value = "Yes"
    wb.save(out)
    result = cli("forms", "import", out)
    assert result.exit_code == 1
    assert "Form!D3" in result.output and "takes no name" in result.output
    assert all(not r.answers for r in ws.responses())


def test_child_form_refuses_a_name_given_in_advance(cli, tmp_path):
    result = cli("forms", "create", "E09000007", "-b", "children", "-r", "young-people",
                 "--respondent", "Jo Smith", "-o", tmp_path / "f.xlsx")
    assert result.exit_code == 2 and "no name cell" in result.output


# ---------------------------------------------------------------- exports


def test_export_never_carries_a_name_stored_for_an_anonymous_role(children_bank, workspace):
    """Answers stored under a name before the bank made the role anonymous go out under a
    reference."""
    from stocktake.workbooks.exports import gather_export
    from stocktake.records.responses import Answer, ANSWERED

    for name in ("Jo Smith", "YP-0001"):
        workspace.save_answers(ResponseKey("E09000007", "children", WAVE, name),
                               [Answer("safety.someone-to-tell", ANSWERED, "yes")],
                               role="young-people")
    export = gather_export(workspace, children_bank, "E09000007", WAVE, with_national=False)
    names = [r.key.respondent for r in export.responses]
    assert names == ["YP-0001", "YP-0002"]
    assert "Jo Smith" not in json.dumps(export.answer_rows())


@pytest.fixture
def children_bank():

    from stocktake.banks.loading import load_bank

    return load_bank(DATA / "children.toml")


def test_a_childs_age_band_travels_through_export_and_merge(children_bank, workspace, tmp_path):
    """The merge scores a child's answers with the age band they gave, so a question hidden
    at their age is not counted against their coverage."""
    from stocktake.workbooks.exports import gather_export, write_export
    from stocktake.national.reading import read_returned_workbook
    from stocktake.returns.about import BankShelf
    from stocktake.records.responses import ANSWERED, Answer

    response = workspace.start_anonymous_response("E09000007", "children", WAVE, "YP",
                                                  role="young-people", age_band="under-11")
    workspace.save_answers(response.key, [Answer("safety.someone-to-tell", ANSWERED, "yes")],
                           role="young-people")
    export = gather_export(workspace, children_bank, "E09000007", WAVE, with_national=False)
    [path] = write_export(export, "xlsx", tmp_path)
    returned = read_returned_workbook(path, BankShelf())
    [merged] = returned.responses
    assert (merged.key.respondent, merged.age_band) == ("YP-0001", "under-11")
    # The merge scores the answers afresh; the export holds them as shown (one child: a count)
    assert returned.scores.published(children_bank.min_count) == export.scores


def test_ctrl_c_at_the_age_band_stores_nothing_and_reserves_no_reference(terminal, ws):
    run = terminal(CHILD, "")
    assert run.exit_code == 130
    assert ws.responses() == []
    terminal(CHILD, UNDER_11_UNSAFE)
    assert [r.key.respondent for r in child_responses(ws)] == ["YP-0001"]


def test_ctrl_c_at_the_first_question_stores_nothing_and_reserves_no_reference(terminal, ws):
    run = terminal(CHILD, "1" + ENTER)  # the age band, then Ctrl-C at question 1
    assert run.exit_code == 130
    assert ws.responses() == []
    assert "no reference was given" in run.stdout and "--reference" not in run.stdout
    # the command shown starts again (the band is asked again: it may be another child)
    assert f"interview E09000007 --bank children --role young-people --wave {WAVE}" in run.stdout
    terminal(CHILD, UNDER_11_UNSAFE)
    assert [r.key.respondent for r in child_responses(ws)] == ["YP-0001"]


def test_a_child_is_given_the_reference_with_the_first_answer(terminal, ws):
    run = terminal(CHILD, "1" + ENTER + "2" + ENTER)  # one answer, then Ctrl-C
    assert run.exit_code == 130
    assert run.stdout.index("The reference is given with the first answer") < \
        run.stdout.index("Reference YP-0001 given: no name is stored")
    [response] = child_responses(ws)
    assert (response.key.respondent, response.age_band) == ("YP-0001", "under-11")
    assert response.answers["safety.feel-safe"].value == "mostly-safe"
    assert "--reference YP-0001" in run.stdout
