"""`merge --into-workspace` never loses what the workspace holds: a workbook whose respondents
are not the ones held for its partnership, bank and wave (an export names them by role) is
refused, as is one that would replace an answer given here later; an answer it does replace
goes to the history, as an edit does. Real commands on real workbooks and TinyDB files."""

from __future__ import annotations

import time

from helpers.child_routes import CAMDEN, WAVE

from stocktake.store.workspace import Workspace

CHILD = ("--bank", "children", "--role", "young-people", "--wave", WAVE)


def _export_from(cli, here, ws, out):
    done = cli("export", CAMDEN, "--bank", "children", "--wave", WAVE, "--out", out,
               workspace=ws)
    assert done.exit_code == 0, done.output
    return out


def _merge(cli, returns, ws, here):
    return cli("merge", returns, "--out", here / f"national-{time.monotonic_ns()}.xlsx",
               "--into-workspace", workspace=ws)


def _one_child(cli, here, ws, feel_safe):
    path = here / f"a-{feel_safe}.csv"
    path.write_text("question,value,evidence\n"
                    f"safety.feel-safe,{feel_safe},\nsafety.someone-to-tell,yes,\n",
                    encoding="utf-8")
    done = cli("interview", CAMDEN, *CHILD, "--age-band", "11-15", "--answers", path,
               workspace=ws)
    assert done.exit_code == 0, done.output


def test_a_workbook_whose_respondents_are_not_those_held_is_refused_and_nothing_changes(
        cli, tmp_path):
    adviser, national = tmp_path / "adviser", tmp_path / "national"
    _one_child(cli, tmp_path, adviser, "often-unsafe")
    returns = _export_from(cli, tmp_path, adviser, tmp_path / "returns")
    # The national workspace holds another child of Camden's, under the same bank and wave.
    _one_child(cli, tmp_path, national, "always-safe")
    _one_child(cli, tmp_path, national, "always-safe")
    before = Workspace.open(national).responses()
    result = _merge(cli, returns, national, tmp_path)
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "not stored in the workspace" in said
    assert "holds children 2026-27 answers from 1 respondent(s) the workbook does not carry" \
        in said
    assert "Stored the answers of 0 partnerships" in said
    assert Workspace.open(national).responses() == before


def test_a_workbook_older_than_an_answer_held_is_refused_and_a_newer_one_kept_with_history(
        cli, tmp_path):
    adviser, national = tmp_path / "adviser", tmp_path / "national"
    _one_child(cli, tmp_path, adviser, "often-unsafe")
    first = _export_from(cli, tmp_path, adviser, tmp_path / "first")
    assert _merge(cli, first, national, tmp_path).exit_code == 0
    [held] = Workspace.open(national).responses()
    # The child's answer changed at the national team after that export (a later time here).
    time.sleep(1.1)
    again = tmp_path / "again.csv"
    again.write_text("question,value,evidence\nsafety.feel-safe,always-safe,\n", encoding="utf-8")
    changed = cli("interview", CAMDEN, *CHILD, "--reference", held.key.respondent,
                  "--answers", again, workspace=national)
    assert changed.exit_code == 0, changed.output
    result = _merge(cli, first, national, tmp_path)
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert f"{held.key.respondent}'s answer to safety.feel-safe here was given at" in said
    assert "the newer answer would be replaced by an older one" in said
    [kept] = Workspace.open(national).responses()
    assert kept.answers["safety.feel-safe"].value == "always-safe"
    # A later export from the adviser (the child's answer changed there afterwards) is newer:
    # stored, and the answer it replaces is in the history.
    time.sleep(1.1)
    _one_child(cli, tmp_path, adviser, "often-unsafe")  # a second child there
    ws = Workspace.open(adviser)
    first_child = sorted(r.key.respondent for r in ws.responses())[0]
    newer = tmp_path / "newer.csv"
    newer.write_text("question,value,evidence\nsafety.feel-safe,mostly-safe,\n",
                     encoding="utf-8")
    assert cli("interview", CAMDEN, *CHILD, "--reference", first_child, "--answers", newer,
               workspace=adviser).exit_code == 0
    later = _export_from(cli, tmp_path, adviser, tmp_path / "later")
    result = _merge(cli, later, national, tmp_path)
    assert result.exit_code == 0, result.output
    ws = Workspace.open(national)
    now = {r.key.respondent: r for r in ws.responses()}
    assert now[held.key.respondent].answers["safety.feel-safe"].value == "mostly-safe"
    history = ws.history(now[held.key.respondent].key)
    assert [h["previous"]["value"] for h in history if h["question"] == "safety.feel-safe"] \
        [-1] == "always-safe"
