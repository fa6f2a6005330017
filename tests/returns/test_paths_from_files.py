"""Values read from returned files never reach a path: About sheets, answers files, rows.

A returned form's or export's About sheet names the partnership, bank and wave that go on to
name store files and output files. They are checked as the command line checks them
(stocktake.partnerships.identifiers); an attacker who recomputes the plain seal gets no further.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stocktake.workbooks.exports import gather_export, write_export
from stocktake.partnerships.identifiers import checked_bank_id, checked_code, checked_wave
from stocktake.errors import StocktakeError
from stocktake.scoring.national import national_benchmark
from stocktake.partnerships.model import partnership_for
from stocktake.workbooks.forms import create_form

from helpers.filling import WAVE, fill_mini
from helpers.forms import FILLED, fill
from helpers.hostile_files import files_under, recompute_seal, set_about
from helpers.path_safety import HOSTILE, TRAVERSAL, WriteAudit, inside
from helpers.paths import DATA


# ---------------------------------------------------------------- one rule, every route


@pytest.mark.parametrize("value", HOSTILE)
def test_the_core_checks_refuse_every_path_like_value(value):
    for check in (checked_code, checked_wave, checked_bank_id):
        try:
            got = check(value, "About sheet")
        except StocktakeError as exc:
            assert "About sheet" in exc.message
            continue
        assert "/" not in got and "\\" not in got and ".." not in got and "\x00" not in got
        assert got == got.strip() and got not in ("", ".")


def test_codes_from_the_command_line_and_from_files_follow_the_same_rule():
    from stocktake.partnerships.model import partnership_for

    for value in HOSTILE:
        try:
            checked_code(value)
            file_ok = True
        except StocktakeError:
            file_ok = False
        try:
            partnership_for(value, name="X")
            cli_ok = True
        except StocktakeError:
            cli_ok = False
        assert file_ok == cli_ok, value


# ---------------------------------------------------------------- the attack, reproduced


@pytest.fixture
def deep(tmp_path) -> dict[str, Path]:
    """A workspace four folders down, and the file the attack aims at beside them."""
    ws = tmp_path / "a" / "b" / "c" / "ws"
    target = Path(os.path.normpath(ws / "partnerships" / (TRAVERSAL + ".json")))
    target.parent.mkdir(parents=True)
    target.write_text('{"keep": "me"}')
    return {"ws": ws, "target": target, "root": tmp_path}


def test_form_with_a_traversal_code_in_about_is_refused_and_writes_nothing_outside(
        cli, mini_bank, tmp_path, deep):
    form = create_form(tmp_path / "f.xlsx", mini_bank, partnership_for("E09000007"), "council",
                       WAVE, "Jo Bloggs")
    set_about(fill(form, FILLED), {"partnership": TRAVERSAL}, rows_too=False)
    before = files_under(deep["root"])
    result = cli("forms", "import", str(form), workspace=deep["ws"])
    assert result.exit_code == 1
    assert "About sheet, partnership: '../../../../outside/config' is not a usable partnership " \
           "code" in result.stderr
    assert deep["target"].read_text() == '{"keep": "me"}'
    changed = {p for p, s in files_under(deep["root"]).items() if before.get(p) != s}
    assert all(p.startswith("a/b/c/ws/") for p in changed), changed
    assert cli("doctor", workspace=deep["ws"]).exit_code == 0


def test_export_with_a_traversal_code_and_a_recomputed_seal_is_refused_by_merge(
        cli, workspace, mini_bank, tmp_path, deep):
    fill_mini(workspace, mini_bank, ("E09000007",))
    path = write_export(gather_export(workspace, mini_bank, "E09000007", WAVE), "xlsx",
                        tmp_path / "returns")[0]
    set_about(path, {"partnership": TRAVERSAL})
    recompute_seal(path, mini_bank)
    before = files_under(deep["root"])
    result = cli("merge", str(path), "--out", str(tmp_path / "n.xlsx"), "--into-workspace",
                 "--json", workspace=deep["ws"])
    assert result.exit_code == 1
    rejected = json.loads(result.stdout)["rejected"]
    assert rejected == [{"file": str(path), "reason": "About sheet, partnership: "
                         "'../../../../outside/config' is not a usable partnership code"}]
    assert deep["target"].read_text() == '{"keep": "me"}'
    changed = {p for p, s in files_under(deep["root"]).items() if before.get(p) != s}
    assert all(p.startswith("a/b/c/ws/") for p in changed), changed


@pytest.mark.parametrize("key,value,reason", [
    ("wave", "../../x", "About sheet, wave: '../../x' is not a wave"),
    ("bank", str(DATA / "mini.toml"), "is not a bank id"),
    ("bank", "mini.toml", "About sheet, bank: 'mini.toml' is not a bank id"),
])
def test_export_with_a_path_for_wave_or_bank_is_refused_even_resealed(workspace, mini_bank,
                                                                      tmp_path, key, value,
                                                                      reason):
    from stocktake.national.merge import merge_workbooks

    fill_mini(workspace, mini_bank, ("E09000007",))
    path = write_export(gather_export(workspace, mini_bank, "E09000007", WAVE), "xlsx",
                        tmp_path / "returns")[0]
    set_about(path, {key: value})
    recompute_seal(path, mini_bank)
    result = merge_workbooks([path], tmp_path / "n.xlsx")
    assert [r.reason for r in result.rejected] == [pytest.approx(reason) if False else
                                                   result.rejected[0].reason]
    assert reason in result.rejected[0].reason
    assert result.outputs == [] and not (tmp_path / "n.xlsx").exists()


def test_export_whose_rows_name_a_role_the_bank_lacks_is_refused(workspace, mini_bank,
                                                                 tmp_path):
    from openpyxl import load_workbook

    from stocktake.national.merge import merge_workbooks

    fill_mini(workspace, mini_bank, ("E09000007",))
    path = write_export(gather_export(workspace, mini_bank, "E09000007", WAVE), "xlsx",
                        tmp_path / "returns")[0]
    wb = load_workbook(path)
    ws = wb["_responses"]
    col = [c.value for c in ws[1]].index("role") + 1
    ws.cell(2, col).value = "../../admin"
    wb.save(path)
    recompute_seal(path, mini_bank)
    result = merge_workbooks([path], tmp_path / "n.xlsx")
    assert len(result.rejected) == 1
    assert "roles bank mini does not have (../../admin)" in result.rejected[0].reason


# ---------------------------------------------------------------- the property


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    """A filled form and an export of the test bank, made once; each example edits a copy."""
    from stocktake.banks.loading import load_bank
    from stocktake.store.workspace import Workspace

    here = tmp_path_factory.mktemp("templates")
    bank = load_bank(DATA / "mini.toml")
    form = create_form(here / "form.xlsx", bank, partnership_for("E09000007"), "council", WAVE,
                       "Jo Bloggs")
    fill(form, FILLED)
    ws = Workspace.open(here / "ws")
    fill_mini(ws, bank, ("E09000007",))
    export = write_export(gather_export(ws, bank, "E09000007", WAVE,
                                        national=national_benchmark(ws, bank, WAVE)),
                          "xlsx", here / "exports")[0]
    return {"form": form, "export": export, "bank": bank}


field_values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40),
                         st.from_regex(r"(\.\./|/|\\|[A-Za-z0-9_.-]){1,30}", fullmatch=True))


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(route=st.sampled_from(["forms import", "merge", "merge --into-workspace",
                              "answers csv", "answers json"]),
       key=st.sampled_from(["partnership", "wave", "bank", "respondent", "role",
                            "partnership_name", "region"]),
       value=field_values)
def test_no_input_file_makes_stocktake_write_outside_the_workspace_or_out(
        cli, templates, tmp_path, monkeypatch, route, key, value):
    import tempfile

    WriteAudit.install()
    run = Path(tempfile.mkdtemp(dir=tmp_path))
    ws_dir, out_dir, returns, scratch = run / "ws", run / "out", run / "returns", run / "tmp"
    returns.mkdir()
    scratch.mkdir()
    # openpyxl spools sheets through the system temp folder: point it here, so that it is
    # the only place besides the workspace and --out that may be written.
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    if route in ("forms import", "merge", "merge --into-workspace"):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # no workbook can hold them
    if route == "forms import":
        source = returns / "form.xlsx"
        shutil.copy(templates["form"], source)
        set_about(source, {key: value}, rows_too=False)
        args = ["forms", "import", str(returns)]
    elif route.startswith("merge"):
        source = returns / "export.xlsx"
        shutil.copy(templates["export"], source)
        set_about(source, {key: value})
        recompute_seal(source, templates["bank"])
        args = ["merge", str(returns), "--out", str(out_dir / "national.xlsx")]
        args += ["--into-workspace"] if "workspace" in route else []
    else:
        rows = [{"question": "risk.barrier", "value": value, "evidence": value},
                {"question": value or "x", "value": "1", "evidence": ""}]
        if route == "answers csv":
            import csv

            source = returns / "answers.csv"
            with source.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, ["question", "value", "evidence"])
                writer.writeheader()
                writer.writerows(rows)
        else:
            source = returns / "answers.json"
            source.write_text(json.dumps(rows))
        args = ["interview", "E09000007", "--bank", "mini", "--role", "council",
                "--respondent", "Jo", "--answers", str(source)]
    WriteAudit.active = []
    try:
        result = cli(*args, workspace=ws_dir)
    finally:
        written, WriteAudit.active = WriteAudit.active, None
    assert "Internal error" not in result.output
    roots = [Path(os.path.realpath(p)) for p in (ws_dir, out_dir, scratch)]
    # A child process's output sent nowhere (subprocess.DEVNULL) is not a file written.
    outside = [p for p in written if p != os.devnull and not inside(p, roots)]
    assert outside == [], (route, key, value, outside)


@pytest.mark.parametrize("given", ["exports/E09000007-mini-2026-27.json", "../E09000007",
                                   "/etc/passwd", "E09000007.json"])
def test_export_given_a_file_path_for_a_code_is_refused_as_not_a_code(cli, workspace,
                                                                     mini_bank, given):
    fill_mini(workspace, mini_bank, ("E09000007",))
    result = cli("export", given, workspace=workspace.root)
    assert result.exit_code == 2
    assert f"'{given}' is not a usable partnership code" in result.stderr
