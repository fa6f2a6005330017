"""Control characters and text-direction overrides never reach the store or the terminal.

The issue's example: a name typed into a form as `Eve_x001B_]0;PWNED_x0007__x001B_[2J`, which
the spreadsheet reader decodes to ESC ] 0 ; PWNED BEL ESC [ 2 J (set the window title, clear the
screen). Refused on every route in; anything already stored is printed escaped.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from stocktake.errors import StocktakeError
from stocktake.partnerships.model import Partnership, partnership_for
from stocktake.records.responses import ANSWERED, Answer, Moderation, Response, ResponseKey
from stocktake.text.terminal_text import check_line, check_text, escape_controls

from helpers.forms import FILLED, fill

WAVE = "2026-27"
ESCAPE_NAME = "Eve\x1b]0;PWNED\x07\x1b[2J"
RLO_NAME = "Eve\u202efdp.exe"
HOSTILE = [ESCAPE_NAME, RLO_NAME, "Eve\x9b2J", "Ann\u2066x\u2069", "Tab\there", "New\nline",
           "Nul\x00l", "Del\x7f"]


def assert_no_terminal_controls(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
    assert "\u202e" not in text and "\u2066" not in text


# ---------------------------------------------------------------- routes in


def test_form_with_an_escape_sequence_in_the_name_is_refused_and_nothing_printed_raw(
        cli, tmp_path):
    out = tmp_path / "form.xlsx"
    assert cli("forms", "create", "E09000007", "--bank", "mini", "--role", "council",
               "--wave", WAVE, "--out", str(out)).exit_code == 0
    # written as Excel stores a control character: the reader decodes _x001B_ to ESC
    fill(out, FILLED, name="Eve_x001B_]0;PWNED_x0007__x001B_[2J")
    result = cli("forms", "import", str(out))
    assert result.exit_code == 1
    assert_no_terminal_controls(result.output)
    # Refused at the cell, naming the character (the text rule every workbook route shares).
    assert "Form!D3" in result.stderr and "respondent's name" in result.stderr
    assert "U+001B (ESC)" in result.stderr
    from stocktake.store.workspace import Workspace

    assert Workspace.open(tmp_path / "ws").responses("E09000007") == []


@pytest.mark.parametrize("name", [ESCAPE_NAME, RLO_NAME], ids=["escape", "rlo"])
def test_respondent_option_with_controls_is_refused_before_anything_is_stored(cli, tmp_path,
                                                                            name):
    answers = tmp_path / "a.csv"
    answers.write_text("question,value,evidence\nvision.statement,yes,\n", encoding="utf-8")
    result = cli("interview", "E09000007", "--bank", "mini", "--role", "council",
                 "--respondent", name, "--answers", str(answers))
    assert result.exit_code == 2, result.output  # the command line is wrong: a usage error
    assert_no_terminal_controls(result.output)
    assert result.stderr.startswith("Error: --respondent: ")
    from stocktake.store.workspace import Workspace

    assert Workspace.open(tmp_path / "ws").responses("E09000007") == []


def test_evidence_in_an_answers_file_may_hold_newlines_and_tabs_but_not_escape(cli, tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps([{"question": "vision.statement", "value": "yes",
                                 "evidence": "Seen:\n\tthe plan"}]), encoding="utf-8")
    assert cli("interview", "E09000007", "--bank", "mini", "--role", "council",
               "--respondent", "Jo", "--answers", str(good)).exit_code == 0
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"question": "vision.statement", "value": "yes",
                                "evidence": "Seen \x1b[2J"}]), encoding="utf-8")
    result = cli("interview", "E09000007", "--bank", "mini", "--role", "council",
                 "--respondent", "Kim", "--answers", str(bad))
    assert result.exit_code == 1 and "vision.statement" in result.stderr
    assert "U+001B (ESC)" in result.stderr
    assert_no_terminal_controls(result.output)


def test_partnerships_import_refuses_a_name_with_controls_by_line(cli, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(f"code,name,region\nLOCAL-1,{ESCAPE_NAME},Wessex\n", encoding="utf-8")
    result = cli("partnerships", "import", str(path))
    assert result.exit_code == 1 and f"{path}:2:" in result.stderr
    assert_no_terminal_controls(result.output)


@pytest.mark.parametrize("args,option", [
    (["partnerships", "add", "LOCAL-1", "--name", RLO_NAME], "--name"),
    (["partnerships", "add", "LOCAL-1", "--name", "Trust", "--region", ESCAPE_NAME], "--region"),
    (["moderate", "E09000007", "--bank", "mini", "--area", "risk", "--score", "40",
      "--reason", "Seen \x1b[2J", "--adviser", "Pat"], "--reason"),
    (["moderate", "E09000007", "--bank", "mini", "--area", "risk", "--score", "40",
      "--reason", "Seen", "--adviser", RLO_NAME], "--adviser"),
], ids=["add-name", "add-region", "moderate-reason", "moderate-adviser"])
def test_cli_options_with_controls_are_refused(cli, tmp_path, args, option):
    result = cli(*args)
    # A control character in an option is misuse of the command (2), whichever rule (the
    # terminal's, the workbook's, the store's) would meet it; every option in
    # test_option_text_cli.
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Error: {option}: ")
    assert "control characters or text-direction overrides" in result.stderr
    assert_no_terminal_controls(result.output)
    assert not (tmp_path / "ws").exists()  # refused before the workspace is opened


@pytest.mark.parametrize("name", HOSTILE[:4] + HOSTILE[6:])
def test_every_store_write_refuses_controls_whatever_the_route(workspace, name):
    """The store is where every route (CLI, answers files, forms, merge, demo) meets."""
    key = ResponseKey("E09000007", "mini", WAVE, name)
    with pytest.raises(StocktakeError):
        workspace.save_answers(key, [], role="council")
    with pytest.raises(StocktakeError):
        workspace.write_responses("E09000007", [Response(key, "council")])
    with pytest.raises(StocktakeError):
        workspace.add_partnerships([Partnership("LOCAL-1", name)])
    with pytest.raises(StocktakeError):
        workspace.add_moderation(Moderation("E09000007", "mini", WAVE, "risk", 40.0, "ok", name))
    ok = ResponseKey("E09000007", "mini", WAVE, "Jo")
    with pytest.raises(StocktakeError):
        workspace.save_answers(ok, [Answer("risk.barrier", ANSWERED, f"text {name}")],
                               role="council")
    assert workspace.responses() == [] and workspace.partnerships() == []


def test_bytes_that_are_not_utf8_in_an_option_are_named(cli, tmp_path):
    # what Python makes of `--respondent $'Zo\xeb'` under a UTF-8 locale
    name = b"Zo\xeb".decode("utf-8", "surrogateescape")
    answers = tmp_path / "a.csv"
    answers.write_text("question,value,evidence\nvision.statement,yes,\n", encoding="utf-8")
    result = cli("interview", "E09000007", "--bank", "mini", "--role", "council",
                 "--respondent", name, "--answers", str(answers))
    # the command line's own check names it first; the store would refuse it too
    assert result.exit_code == 2 and "not UTF-8" in result.stderr
    assert "the value of --respondent" in result.stderr
    assert "Internal error" not in result.output
    from stocktake.store.workspace import Workspace

    assert Workspace.open(tmp_path / "ws").responses("E09000007") == []


# ---------------------------------------------------------------- routes out


@pytest.fixture
def hostile_workspace(tmp_path):
    """A workspace whose files already hold control characters (written before this check, or
    by hand): what is printed from it must still be escaped."""
    from stocktake.store.workspace import Workspace

    ws = Workspace.open(tmp_path / "ws")
    ws.add_partnerships([partnership_for("E09000007")])
    ws.save_answers(ResponseKey("E09000007", "mini", WAVE, "Placeholder"),
                    [Answer("vision.statement", ANSWERED, "yes", "Seen")], role="council")
    for path in (ws.shard_path("E09000007"), ws.index_path):
        text = path.read_text(encoding="utf-8")
        text = text.replace("Placeholder", json.dumps(ESCAPE_NAME)[1:-1])
        text = text.replace('"Camden"', json.dumps(RLO_NAME))
        text = text.replace('"Seen"', json.dumps("Seen \x1b[31mred \u202eevil"))
        path.write_text(text, encoding="utf-8")
    return ws


@pytest.mark.parametrize("args", [
    ["answers", "E09000007", "--bank", "mini"],
    ["answers", "E09000007", "--bank", "mini", "--respondent", ESCAPE_NAME],
    ["partnerships", "list"],
    ["scores", "E09000007", "--bank", "mini"],
    ["answers", "E09000007", "--bank", "mini", "--json"],
    ["partnerships", "list", "--json"],
    ["scores", "E0900\x1b[2J0007", "--bank", "mini"],
], ids=["answers", "answers-respondent", "list", "scores", "answers-json", "list-json",
        "error-quoting-input"])
def test_stored_or_typed_controls_are_printed_escaped(cli, hostile_workspace, args):
    result = cli(*args, workspace=hostile_workspace.root)
    assert_no_terminal_controls(result.output)
    if "--json" in args:
        assert result.exit_code == 0
        json.loads(result.stdout)  # still valid JSON, the characters as \u escapes
        assert "\\u001b" in result.stdout or "\\u202e" in result.stdout


def test_answers_in_a_real_terminal_show_the_escape_not_act_on_it(hostile_workspace):
    pexpect = pytest.importorskip("pexpect")
    exe = Path(sys.executable).with_name("stocktake")
    child = pexpect.spawn(str(exe), ["-w", str(hostile_workspace.root), "answers", "E09000007",
                                     "--bank", "mini"],
                          env={**os.environ, "NO_COLOR": "1", "TERM": "xterm"},
                          dimensions=(40, 160), timeout=30)
    child.expect(pexpect.EOF)
    raw = child.before
    assert b"\x1b]0;" not in raw and b"\x1b[2J" not in raw and b"\x07" not in raw
    assert "\u202e".encode() not in raw
    # shown escaped (rich itself drops the BEL)
    assert b"Eve\\x1b]0;PWNED" in raw and b"\\x1b[2J" in raw


def test_escape_controls_is_idempotent_and_keeps_newlines_and_tabs():
    assert escape_controls("a\x1bb\u202ec\n\td") == "a\\x1bb\\u202ec\n\td"
    assert escape_controls(escape_controls(ESCAPE_NAME)) == escape_controls(ESCAPE_NAME)
    assert check_text("line one\r\nline\ttwo", "evidence") == "line one\r\nline\ttwo"
    with pytest.raises(StocktakeError, match=r"U\+202E"):
        check_line(RLO_NAME, "name")
    assert check_line("Zoë Łukaszewicz \u200f", "name")  # marks are allowed, overrides not


@pytest.mark.parametrize("name", [ESCAPE_NAME, RLO_NAME], ids=["escape", "rlo"])
def test_roster_names_with_controls_or_overrides_are_refused(cli, tmp_path, name):
    result = cli("roster", "add", "E09000007", "--bank", "mini", "--wave", WAVE, "--role",
                 "council", "--respondent", name)
    assert result.exit_code == 2, result.output  # typed on the command line: usage
    assert result.stderr.startswith("Error: --respondent: ")
    assert "control characters" in result.stderr
    assert_no_terminal_controls(result.output)
    assert not (tmp_path / "ws").exists()  # refused before anything was opened or stored
