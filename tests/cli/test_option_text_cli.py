"""Free text given on the command line that the store cannot keep is a usage error (exit 2).

One rule, whichever check would meet the value first (the terminal rule for control characters
and text-direction overrides, the workbook rule for length and `_xHHHH_` sequences, the store's
own line rule): the command is refused naming the option, before the workspace is opened, so
nothing is stored or written. The same text read from a file (CSV, workbook, answers file) is
a data error (exit 1) naming the file and line or cell.
"""

from __future__ import annotations

import hashlib
import json
import typing

import pytest
import typer

from stocktake.cli.common import stored_line, stored_text
from stocktake.partnerships.model import partnership_for
from stocktake.records.responses import ANSWERED, Answer, ResponseKey
from stocktake.store.workspace import Workspace

WAVE = "2026-27"
# ESC, two C1 controls (NEL, CSI) and the right-to-left override, each as the issue names them.
CHARACTERS = {"esc": ("\x1b", "U+001B (ESC)"), "nel": ("\x85", "U+0085 (NEL)"),
              "csi": ("\x9b", "U+009B (CSI)"), "rlo": ("\u202e", "U+202E (RIGHT-TO-LEFT OVERRIDE)")}
MARK = "\x00"  # where the character goes in the command below


def _answers(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("question,value,evidence\nvision.statement,yes,\n", encoding="utf-8")
    return path


def _child_answers(tmp_path):
    path = tmp_path / "child.csv"
    path.write_text("question,value,evidence\nsafety.someone-to-tell,yes,\n", encoding="utf-8")
    return path


def _roster(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("partnership,role,respondent,email\nE09000007,council,Jo,jo@example.org\n",
                    encoding="utf-8")
    return path


def _submissions(tmp_path):
    path = tmp_path / "odk.csv"
    path.write_text("SubmissionDate,meta-instanceID\n", encoding="utf-8")
    return path


# (command, the option under test): MARK in a value is replaced by the character; a callable
# makes a file in tmp_path. Every option a write command keeps as typed is here (see
# test_every_free_text_option_of_a_write_command_is_checked below).
CASES = [
    (["partnerships", "add", "LOCAL-\x001", "--name", "Trust", "--region", "Wessex"], "CODE"),
    (["partnerships", "add", "LOCAL-1", "--name", "Tr\x00ust", "--region", "Wessex"], "--name"),
    (["partnerships", "add", "LOCAL-1", "--name", "Trust", "--region", "Wes\x00sex"], "--region"),
    (["interview", "E0900\x000007", "--bank", "mini", "--role", "council", "--respondent", "Jo",
      "--answers", _answers], "CODE"),
    (["interview", "E09000007", "--bank", "mini", "--role", "council", "--respondent", "J\x00o",
      "--answers", _answers], "--respondent"),
    (["interview", "E09000007", "--bank", "mini", "--role", "coun\x00cil", "--respondent", "Jo",
      "--answers", _answers], "--role"),
    (["interview", "E09000007", "--bank", "mini", "--role", "council", "--respondent", "Jo",
      "--wave", "2026\x00-27", "--answers", _answers], "--wave"),
    (["interview", "E09000007", "--bank", "mini", "--role", "council", "--respondent", "Jo",
      "--adviser", "P\x00at", "--answers", _answers], "--adviser"),
    (["interview", "E09000007", "--bank", "children", "--role", "young-people", "--age-band",
      "11\x00-15", "--answers", _child_answers], "--age-band"),
    (["interview", "E09000007", "--bank", "children", "--role", "young-people", "--reference",
      "YP-\x000001", "--answers", _child_answers], "--reference"),
    (["moderate", "E0900\x000007", "--bank", "mini", "--area", "risk", "--score", "40",
      "--reason", "Seen", "--adviser", "Pat"], "CODE"),
    (["moderate", "E09000007", "--bank", "mini", "--area", "ri\x00sk", "--score", "40",
      "--reason", "Seen", "--adviser", "Pat"], "--area"),
    (["moderate", "E09000007", "--bank", "mini", "--area", "risk", "--score", "40",
      "--reason", "Seen \x00", "--adviser", "Pat"], "--reason"),
    (["moderate", "E09000007", "--bank", "mini", "--area", "risk", "--score", "40",
      "--reason", "Seen", "--adviser", "Eve\x00fdp.exe"], "--adviser"),
    (["moderate", "E09000007", "--bank", "mini", "--area", "risk", "--score", "40",
      "--reason", "Seen", "--adviser", "Pat", "--wave", "2026-\x0027"], "--wave"),
    (["plan", "add", "E0900\x000007", "-b", "mini", "--area", "risk", "--target", "Established",
      "--action", "Agree a register", "--owner", "Head", "--due", "2027-03-31"], "CODE"),
    (["plan", "add", "E09000007", "-b", "mini", "--area", "ri\x00sk", "--target", "Established",
      "--action", "Agree a register", "--owner", "Head", "--due", "2027-03-31"], "--area"),
    (["plan", "add", "E09000007", "-b", "mini", "--area", "risk", "--target", "Estab\x00lished",
      "--action", "Agree a register", "--owner", "Head", "--due", "2027-03-31"], "--target"),
    (["plan", "add", "E09000007", "-b", "mini", "--area", "risk", "--target", "Established",
      "--action", "Agree \x00a register", "--owner", "Head", "--due", "2027-03-31"], "--action"),
    (["plan", "add", "E09000007", "-b", "mini", "--area", "risk", "--target", "Established",
      "--action", "Agree a register", "--owner", "He\x00ad", "--due", "2027-03-31"], "--owner"),
    (["plan", "add", "E09000007", "-b", "mini", "--area", "risk", "--target", "Established",
      "--action", "Agree a register", "--owner", "Head", "--due", "2027-03-\x0031"], "--due"),
    (["plan", "add", "E09000007", "-b", "mini", "--area", "risk", "--target", "Established",
      "--action", "Agree a register", "--owner", "Head", "--due", "2027-03-31", "--wave",
      "2026-2\x007"], "--wave"),
    (["round", "plan", "-b", "mini", "--wave", "20\x0026-27", "--roles", "council"], "--wave"),
    (["round", "plan", "-b", "mini", "--wave", WAVE, "--roles", "coun\x00cil"], "--roles"),
    (["round", "plan", "-b", "mini", "--wave", WAVE, "--roles", "council", "--partnerships",
      "E0900\x000007"], "--partnerships"),
    (["round", "plan", "-b", "mini", "--wave", WAVE, "--roles", "council", "--deadline",
      "2027-01-\x0031"], "--deadline"),
    (["round", "plan", "-b", "mini", "--wave", WAVE, "--roles", "council", "--return-to",
      "stock\x00take@example.gov.uk"], "--return-to"),
    (["roster", "add", "E0900\x000007", "-b", "mini", "--wave", WAVE, "--role", "council",
      "--respondent", "Jo"], "CODE"),
    (["roster", "add", "E09000007", "-b", "mini", "--wave", WAVE, "--role", "coun\x00cil",
      "--respondent", "Jo"], "--role"),
    (["roster", "add", "E09000007", "-b", "mini", "--wave", WAVE, "--role", "council",
      "--respondent", "Eve\x00fdp.exe"], "--respondent"),
    (["roster", "add", "E09000007", "-b", "mini", "--wave", WAVE, "--role", "council",
      "--respondent", "Jo", "--email", "jo\x00@example.org"], "--email"),
    (["roster", "add", "E09000007", "-b", "mini", "--wave", WAVE, "--role", "council",
      "--respondent", "Jo", "--organisation", "NHS \x00Trust"], "--organisation"),
    (["roster", "add", "E09000007", "-b", "mini", "--wave", "2026-\x0027", "--role", "council",
      "--respondent", "Jo"], "--wave"),
    (["roster", "import", _roster, "-b", "mini", "--wave", "2026-\x0027"], "--wave"),
    (["forms", "create", "E0900\x000007", "-b", "mini", "-r", "council", "--out", "form.xlsx"],
     "CODE"),
    (["forms", "create", "E09000007", "-b", "mini", "-r", "coun\x00cil", "--out", "form.xlsx"],
     "--role"),
    (["forms", "create", "E09000007", "-b", "mini", "-r", "council", "--respondent", "J\x00o",
      "--out", "form.xlsx"], "--respondent"),
    (["forms", "create", "E09000007", "-b", "mini", "-r", "council", "--wave", "2026-\x0027",
      "--out", "form.xlsx"], "--wave"),
    (["submissions", "import", _submissions, "-b", "mini", "--wave", "2026\x00-27"], "--wave"),
    (["demo", "--wave", "2026\x00-27", "-n", "1", "-m", "1", "--out", "exports"], "--wave"),
    # --wave is declared once (cli.common), checked alike where it only narrows what is read.
    (["status", "-b", "mini", "--wave", "2026\x00-27"], "--wave"),
    (["plan", "list", "E09000007", "--wave", "2026\x00-27"], "--wave"),
    (["roster", "list", "-b", "mini", "--wave", "2026\x00-27"], "--wave"),
    (["roster", "remove", "E09000007", "--respondent", "Jo", "-b", "mini", "--wave",
      "2026\x00-27"], "--wave"),
    (["privacy-check", "--wave", "2026\x00-27"], "--wave"),
    (["remove", "E09000007", "--wave", "2026\x00-27", "--yes"], "--wave"),
    (["export", "E09000007", "--wave", "2026\x00-27", "--out", "exports"], "--wave"),
    (["banks", "export-xlsform", "mini", "--out", "mini-form.xlsx", "--partnership",
      "E0900\x000007"], "--partnership"),
]


GROUPS = {"partnerships", "plan", "round", "roster", "forms", "submissions", "banks"}


def _command(args) -> str:
    return " ".join(args[:2]) if args[0] in GROUPS else args[0]


IDS = [f"{_command(args)}:{option}".replace(" ", "-") for args, option in CASES]


def _snapshot(folder) -> dict[str, str]:
    """Every file under `folder` by its path, with a hash of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def held(tmp_path, monkeypatch):
    """A workspace that already holds a partnership, a response and a moderation: what a
    refused command must leave exactly as it was. Output files are written in tmp_path."""
    monkeypatch.chdir(tmp_path)
    ws = Workspace.open(tmp_path / "ws")
    ws.add_partnerships([partnership_for("E09000007")])
    ws.save_answers(ResponseKey("E09000007", "mini", WAVE, "Director"),
                    [Answer("vision.statement", ANSWERED, "yes", "Seen")], role="council")
    return ws


@pytest.mark.parametrize("char", CHARACTERS, ids=list(CHARACTERS))
@pytest.mark.parametrize("args,option", CASES, ids=IDS)
def test_a_control_character_in_an_option_is_a_usage_error_naming_it(cli, held, tmp_path, args,
                                                                     option, char):
    character, described = CHARACTERS[char]
    given = [a(tmp_path) if callable(a) else a.replace(MARK, character) for a in args]
    before = _snapshot(tmp_path)
    result = cli(*given)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Error: {option}: "), result.stderr
    assert described in result.stderr
    assert "Internal error" not in result.output
    assert character not in result.output  # shown escaped, never raw
    assert _snapshot(tmp_path) == before  # nothing stored, nothing written


@pytest.mark.parametrize("value,said", [
    ("x" * 32_768, "is 32,768 characters; a spreadsheet cell holds at most 32,767"),
    ("Pat_x001B_", "holds '_x001B_', which spreadsheet programs read as an escaped character"),
], ids=["over-long", "excel-escape"])
@pytest.mark.parametrize("command,option", [
    (["moderate", "E09000007", "--bank", "mini", "--area", "risk", "--score", "40",
      "--reason", "Seen", "--adviser", MARK], "--adviser"),
    (["moderate", "E09000007", "--bank", "mini", "--area", "risk", "--score", "40",
      "--reason", MARK, "--adviser", "Pat"], "--reason"),
    (["roster", "add", "E09000007", "-b", "mini", "--wave", WAVE, "--role", "council",
      "--respondent", MARK], "--respondent"),
    (["partnerships", "add", "LOCAL-1", "--name", MARK], "--name"),
], ids=["moderate-adviser", "moderate-reason", "roster-respondent", "add-name"])
def test_text_a_workbook_would_change_is_a_usage_error_naming_the_option(cli, held, tmp_path,
                                                                         command, option, value,
                                                                         said):
    before = _snapshot(tmp_path)
    result = cli(*[value if a == MARK else a for a in command])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Error: {option}: ") and said in result.stderr
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize("option", ["--action", "--owner"])
def test_an_invisible_formatting_character_in_a_plan_item_is_refused_naming_the_option(
        cli, held, tmp_path, option):
    """The plan's own rule is stricter than the store's (no U+200B zero-width space, no
    U+FEFF): still a usage error naming the option."""
    given = {"--action": "Agree a register", "--owner": "Head"}
    given[option] = "Agree\u200ba register"
    before = _snapshot(tmp_path)
    result = cli("plan", "add", "E09000007", "-b", "mini", "--area", "risk", "--target",
                 "Established", "--due", "2027-03-31", *[x for kv in given.items() for x in kv])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Error: {option}: ") and "U+200B" in result.stderr
    assert _snapshot(tmp_path) == before


def test_line_ends_in_a_reason_are_kept_as_text_may_hold_them(cli, held):
    result = cli("moderate", "E09000007", "--bank", "mini", "--area", "risk", "--score", "40",
                 "--reason", "Seen:\r\n\tthe register", "--adviser", "Pat")
    assert result.exit_code == 0, result.output
    assert [m.reason for m in held.moderations("E09000007")] == ["Seen:\n\tthe register"]
    # a name is one line
    refused = cli("moderate", "E09000007", "--bank", "mini", "--area", "risk", "--score", "40",
                  "--reason", "Seen", "--adviser", "Pat\nSmith")
    assert refused.exit_code == 2 and "--adviser: " in refused.stderr
    assert "U+000A (LF)" in refused.stderr


@pytest.mark.parametrize("args", [["scores", "E0900\x1b[2J0007", "--bank", "mini"],
                                  ["answers", "E0900\u202e0007", "--bank", "mini"],
                                  ["plan", "list", "E0900\x9b0007"]],
                         ids=["scores", "answers", "plan-list"])
def test_a_read_command_refuses_a_code_with_controls_as_usage_naming_code(cli, held, args):
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: CODE: ")
    assert "\x1b" not in result.output and "\u202e" not in result.output


# ---------------------------------------------------------------- the same text from a file


@pytest.mark.parametrize("char", CHARACTERS, ids=list(CHARACTERS))
def test_the_same_text_read_from_files_is_a_data_error_naming_file_and_line(cli, held, tmp_path,
                                                                          char):
    character, described = CHARACTERS[char]
    partnerships = tmp_path / "p.csv"
    partnerships.write_text(f"code,name,region\nLOCAL-1,Tr{character}ust,Wessex\n",
                            encoding="utf-8")
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps([{"question": "vision.statement", "value": "yes",
                                    "evidence": f"Seen {character} here"}]), encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text("partnership,role,respondent,email\n"
                      f"E09000007,council,Eve{character}fdp,eve@example.org\n", encoding="utf-8")
    before = _snapshot(held.root)
    result = cli("partnerships", "import", partnerships)
    assert result.exit_code == 1 and f"{partnerships}:2:" in result.stderr
    assert described in result.stderr
    result = cli("interview", "E09000007", "--bank", "mini", "--role", "council",
                 "--respondent", "Kim", "--answers", answers)
    assert result.exit_code == 1 and "vision.statement" in result.stderr
    assert described in result.stderr
    result = cli("roster", "import", roster, "-b", "mini", "--wave", WAVE)
    assert result.exit_code == 1 and str(roster) in result.stderr
    assert f"line 2: the respondent holds the control character {described}" in result.stderr
    assert _snapshot(held.root) == before


# ---------------------------------------------------------------- none left out


# Free-text options that are looked up, never kept: a value that cannot be stored matches
# nothing stored (and a name stored before the rule can still be found, e.g. to erase it).
LOOKUPS = {
    "answers --respondent", "remove --respondent", "remove --role", "remove --bank",
    "roster remove --respondent", "benchmark --region", "evidence --area", "evidence --indicator",
    "privacy-check --bank",
}
# Commands that only read, or take files (whose contents are checked as data): their CODE and
# --wave are checked where they are used (partnership_code, check_wave), also as usage errors.
READ_ONLY = {"answers", "scores", "benchmark", "trend", "evidence", "neighbours", "status",
             "roster list", "roster remove", "plan list", "plan done", "plan remove", "remove",
             "privacy-check", "report", "export", "banks show", "merge", "forms import",
             "doctor", "partnerships list", "partnerships import", "banks list",
             "banks validate", "banks import-xlsform"}


def _leaves(command, path=()):
    subcommands = getattr(command, "commands", None)
    if subcommands is not None:
        for name, sub in subcommands.items():
            yield from _leaves(sub, (*path, name))
    else:
        yield " ".join(path), command


def _takes_text(param) -> bool:
    """Whether a parameter's value is a str (or a list of them), as the command declares it."""
    described = getattr(param, "type_descriptor", None)  # typer's own parameters
    if described is None:
        import click

        return isinstance(param.type, click.types.StringParamType)

    def is_text(annotation) -> bool:
        return annotation is str or any(is_text(a) for a in typing.get_args(annotation))

    return is_text(described.annotation)


def test_every_free_text_option_of_a_write_command_is_checked_and_tested():
    """A new option that keeps text must get `callback=stored_line` (or stored_text), and a
    line in CASES."""
    from stocktake.cli.main import app

    checked, unchecked = set(), []
    for name, command in _leaves(typer.main.get_command(app)):
        for param in command.params:
            if not _takes_text(param):
                continue
            option = param.opts[0] if param.param_type_name == "option" else \
                (param.metavar or param.name).upper().strip("[].")
            if option in ("--bank", "BANK", "--expect"):
                continue  # a bank id or a path to a file, never kept as typed
            if getattr(param.callback, "__wrapped__", param.callback) in (stored_line,
                                                                          stored_text):
                checked.add(f"{name} {option}")
            elif name not in READ_ONLY and f"{name} {option}" not in LOOKUPS:
                unchecked.append(f"{name} {option}")
    assert unchecked == []
    assert checked == {f"{_command(args)} {option}" for args, option in CASES}
