"""One intake (stocktake.returns.intake) behind every route by which answers come back.

The same child's answers go in by each of the four routes (an answers file, a returned form, an
ODK Central submission, an exported workbook merged into the workspace), each the real command
on real files into a fresh workspace, and come out as the same stored answers and the same
safeguarding notice, recorded and shown. A full disk (RLIMIT_FSIZE in a subprocess, so the
store's real writes fail) is reported as which returns were stored and which not, and the
store read back afterwards holds exactly those.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers.child_routes import (CAMDEN, CHILD, CHILD_ANSWERS, WAVE, answers_csv,
                                 by_answers_file, by_form, by_merge, by_submission)
from helpers.disks import leave_free

from stocktake.store.workspace import Workspace

NOTICE = "TEST NOTICE"  # the children test bank's safeguarding notice begins so


# The mode each route records: how the answers were given, which the intake keeps.
ROUTES = {"answers file": (by_answers_file, "interview"), "form": (by_form, "form"),
          "submission": (by_submission, "submission"),
          "merge into workspace": (by_merge, "interview")}


def test_one_child_through_every_route_is_stored_and_noticed_alike(cli, tmp_path):
    from stocktake.records.responses import now_iso

    records, printed = {}, {}
    for name, (route, mode) in ROUTES.items():
        here = tmp_path / name.replace(" ", "-")
        here.mkdir()
        began = now_iso()
        result = route(cli, here)
        assert result.exit_code == 0, (name, result.output)
        printed[name] = result.output.count(NOTICE)
        # Read back from the route's own workspace files, as a later command would.
        ws = Workspace.open(here / "ws")
        assert [p.code for p in ws.partnerships()] == [CAMDEN], name
        [response] = ws.responses()
        assert response.mode == mode, name
        assert all(began <= when <= now_iso() for when in response.notices.values()), name
        records[name] = (response.key.partnership, response.key.bank, response.key.wave,
                         response.role,
                         {q: (a.status, a.value, a.evidence)
                          for q, a in response.answers.items()},
                         sorted(response.notices))
    expected = (CAMDEN, "children", WAVE, "young-people",
                {q: ("answered", v, "") for q, v in CHILD_ANSWERS.items()},
                sorted(CHILD_ANSWERS))
    assert records == {name: expected for name in ROUTES}
    # The notice is shown in full once by every route (the answers file's second marked
    # answer gets a one-line reminder, which does not repeat the notice).
    assert printed == {name: 1 for name in ROUTES}


def test_a_notice_recorded_before_keeps_its_time_and_is_not_shown_again(cli, tmp_path):
    """The same answers file twice for one child (by reference): the second time stores the
    answers again but neither re-times the notices nor shows the notice again."""
    first = by_answers_file(cli, tmp_path)
    assert first.exit_code == 0, first.output
    [before] = Workspace.open(tmp_path / "ws").responses()
    again = cli("interview", CAMDEN, *CHILD, "--reference", before.key.respondent, "--answers",
                answers_csv(tmp_path / "b.csv"), workspace=tmp_path / "ws")
    assert again.exit_code == 0, again.output
    assert NOTICE not in again.output
    [after] = Workspace.open(tmp_path / "ws").responses()
    assert after.notices == before.notices and len(after.notices) == 2


# ---------------------------------------------------------------- a full disk

_TAKE_IN = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from stocktake.banks.loading import find_bank
    from stocktake.partnerships.model import partnership_for
    from stocktake.records.responses import Answer
    from stocktake.returns.intake import Return, take_in
    from stocktake.store.workspace import Workspace

    bank = find_bank("idea-stocktake")
    camden = partnership_for("E09000007")
    questions = bank.questions_for_role("council")
    answers = tuple(Answer(q.id, "dk", None, "evidence " * 20) for q in questions)
    returns = [Return(camden, bank, "2026-27", "council", "form", answers,
                      source=f"form-{n}.xlsx", respondent=f"Respondent {n}")
               for n in range(int(sys.argv[2]))]
    outcome = take_in(Workspace.open(Path(sys.argv[1])), returns)
    print(json.dumps({**outcome.to_json(),
                      "disk_full": outcome.disk_full.message if outcome.disk_full else None}))
""")


def _take_in_under(ws: Path, count: int, limit: int) -> dict:
    def small_files():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    Workspace.open(ws)  # made before the limit: the intake's writes are what it tests
    done = subprocess.run([sys.executable, "-c", _TAKE_IN, str(ws), str(count)],
                          capture_output=True, text=True, timeout=120, preexec_fn=small_files,
                          env={**os.environ, "NO_COLOR": "1"})
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return json.loads(done.stdout)


def test_a_full_disk_stops_the_intake_saying_what_was_stored_and_what_not(tmp_path):
    # Each response makes Camden's file bigger: past the limit its write fails, as on a disk
    # that has filled. The limit is set from one response's size, so some fit and some not.
    ws = tmp_path / "ws"
    one = _take_in_under(tmp_path / "measure", 1, 2 ** 30)
    assert [s["respondent"] for s in one["stored"]] == ["Respondent 0"]
    shard = Workspace.open(tmp_path / "measure").shard_path("E09000007")
    report = _take_in_under(ws, 8, int(shard.stat().st_size * 3.5))

    stored = [s["respondent"] for s in report["stored"]]
    not_stored = [r["file"] for r in report["not_stored"]]
    assert stored == ["Respondent 0", "Respondent 1", "Respondent 2"], report
    assert not_stored == [f"form-{n}.xlsx" for n in range(3, 8)]
    assert report["refused"] == []
    assert report["disk_full"].startswith("disk full: ")
    assert report["not_stored"][0]["reason"] == f"not stored: {report['disk_full']}"
    assert {r["reason"] for r in report["not_stored"][1:]} == {"not stored: the disk is full"}
    # What it says was stored is in the store, whole; what it says was not, is not.
    held = Workspace.open(ws).responses()
    assert sorted(r.key.respondent for r in held) == stored
    assert {len(r.answers) for r in held} == {report["stored"][0]["answers"]}


def test_a_full_disk_before_any_answer_stores_none(tmp_path):
    """Too small even for the partnership's listing: nothing stored, every return named."""
    report = _take_in_under(tmp_path / "ws", 2, 64)
    assert report["stored"] == []
    assert [r["file"] for r in report["not_stored"]] == ["form-0.xlsx", "form-1.xlsx"]
    assert report["disk_full"].startswith("disk full: ")
    assert not Workspace.open(tmp_path / "ws").responses()


def _stocktake_under(ws: Path, limit: int, *args) -> subprocess.CompletedProcess:
    """The real command in a subprocess whose files may not grow past `limit` bytes."""
    def small_files():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run([sys.executable, "-m", "stocktake", "-w", str(ws), *map(str, args)],
                          capture_output=True, text=True, timeout=120, preexec_fn=small_files,
                          env={**os.environ, "NO_COLOR": "1"}, stdin=subprocess.DEVNULL)


def _children_submissions(path: Path, count: int) -> Path:
    pytest.importorskip("pyxform")
    from stocktake.banks.loading import find_bank
    from stocktake.xlsform.export import form_identity, form_version, xlsform_bytes, \
        xlsform_sheets
    from stocktake.xlsform.pyxform_check import convert_xlsform
    from helpers.xlsform_builders import central_csv

    bank = find_bank("children")
    sheets = xlsform_sheets(bank, [(CAMDEN, "Camden")])
    xform = convert_xlsform(xlsform_bytes(sheets)).xform
    return central_csv(path, xform, sheets, [
        {"instance": f"6f1c2a{n:02x}-0000-4000-8000-00000000000c", "stocktake_form": form_identity(bank),
         "partnership": CAMDEN, "role": "young-people", "respondent": "", **CHILD_ANSWERS}
        for n in range(count)], version=form_version(bank))


def test_submissions_import_on_a_full_disk_says_which_were_stored(tmp_path):
    one = _children_submissions(tmp_path / "one.csv", 1)
    measure = _stocktake_under(tmp_path / "measure", 2 ** 30, "submissions", "import", one,
                               "--bank", "children", "--wave", WAVE)
    assert measure.returncode == 0, measure.stderr
    size = Workspace.open(tmp_path / "measure").shard_path(CAMDEN).stat().st_size
    many = _children_submissions(tmp_path / "many.csv", 8)
    ws = tmp_path / "ws"
    Workspace.open(ws)

    done = _stocktake_under(ws, int(size * 3.5), "submissions", "import", many, "--bank",
                            "children", "--wave", WAVE, "--json")
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "Internal error" not in done.stderr
    report = json.loads(done.stdout)
    stored = [s["instance_id"] for s in report["stored"]]
    left = [s["instance_id"] for s in report["not_stored"]]
    assert len(stored) == 3 and len(left) == 5, report
    assert report["not_stored"][0]["reason"].startswith("not stored: disk full: ")
    # The notice is named for the ones stored, and recorded on each of them.
    assert all(sorted(s["safeguarding_notice"]) == sorted(CHILD_ANSWERS)
               for s in report["stored"])
    held = Workspace.open(ws).responses()
    assert sorted(r.instance_id for r in held) == sorted(stored)
    assert all(sorted(r.notices) == sorted(CHILD_ANSWERS) for r in held)

    # In the terminal: the error, and which were not stored; with space again the same file
    # stores the rest, the first three not twice.
    ws2 = tmp_path / "ws2"
    Workspace.open(ws2)
    said = _stocktake_under(ws2, int(size * 3.5), "submissions", "import", many, "--bank",
                            "children", "--wave", WAVE)
    assert said.returncode == 1
    assert "Error: disk full: " in said.stderr, said.stderr
    assert "Not stored (5), the disk being full" in said.stderr
    again = _stocktake_under(ws2, 2 ** 30, "submissions", "import", many, "--bank", "children",
                             "--wave", WAVE, "--json")
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert (len(report["stored"]), len(report["already_imported"])) == (5, 3)
    assert len(Workspace.open(ws2).responses()) == 8


def test_merge_into_a_full_workspace_says_which_workbooks_were_stored(cli, tmp_path,
                                                                      small_disk):
    # Camden's workbook holds one child's answers, Hackney's six long ones: room for Camden's
    # and not for Hackney's.
    elsewhere = tmp_path / "adviser-ws"
    returns = tmp_path / "returns"
    returns.mkdir()
    long_answer = "word " * 3000
    for code, children in (("E09000007", 1), ("E09000012", 6)):
        for n in range(children):
            path = answers_csv(tmp_path / f"{code}-{n}.csv")
            if code == "E09000012":
                with path.open("a", encoding="utf-8") as f:
                    f.write(f"health.comments,{long_answer},\n")
            answered = cli("interview", code, *CHILD, "--age-band", "11-15", "--answers", path,
                           workspace=elsewhere)
            assert answered.exit_code == 0, answered.output
        done = cli("export", code, "--bank", "children", "--wave", WAVE,
                   "--out", returns, workspace=elsewhere)
        assert done.exit_code == 0, done.output
    ws = small_disk / "ws"
    Workspace.open(ws)
    filler = leave_free(small_disk, 40 * 1024)

    done = _stocktake_under(ws, 2 ** 30, "merge", returns, "--out", tmp_path / "national.xlsx",
                            "--into-workspace", "--json")
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "Internal error" not in done.stderr
    report = json.loads(done.stdout)
    assert [Path(r["file"]).name for r in report["not_stored"]] == \
        [f"E09000012-children-{WAVE}.xlsx"], report
    assert report["not_stored"][0]["reason"].startswith("not stored: the disk is full (disk "
                                                        "full: ")
    assert [n["partnership"] for n in report["safeguarding_notices"]] == ["E09000007"]
    said = _stocktake_under(ws, 2 ** 30, "merge", returns, "--out", tmp_path / "again.xlsx",
                            "--into-workspace")
    assert said.returncode == 1
    assert "Stored the answers of 1 partnership in the workspace." in said.stdout, said.stdout
    assert f"Not stored: {returns / f'E09000012-children-{WAVE}.xlsx'}: not stored" in \
        said.stderr.replace("\n", ""), said.stderr
    filler.unlink()
    held = Workspace.open(ws).responses()
    assert [r.key.partnership for r in held] == ["E09000007"]
    assert sorted(held[0].notices) == sorted(CHILD_ANSWERS)
