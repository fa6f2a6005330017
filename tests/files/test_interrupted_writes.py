"""Issue 28 kind 1: commands that write more than one file, killed at every write boundary.

Each command runs as a real subprocess on a real workspace with STOCKTAKE_TEST_KILL_AT=N, which
ends it (os._exit, as SIGKILL would) just before its Nth store write, for N = 1, 2, ... until a
run completes. After each kill, `stocktake doctor` either names the command that finishes the
work (an unfinished journal record) or finds nothing to do; that command (or the same one again)
is run, and the workspace must then hold what one uninterrupted run leaves: the same
partnerships, responses, answers, history, roster, plans and moderations, doctor clean. After an
erasure nothing of the erased person is left in any file of the workspace (every file grepped).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from stocktake.partnerships.model import partnership_for
from stocktake.records.roster_and_plans import RosterEntry
from stocktake.records.responses import ANSWERED, Answer, ResponseKey
from stocktake.store.workspace import Workspace

from helpers.paths import DATA

WAVE = "2026-27"
CAMDEN, LEEDS, HARTLEPOOL = "E09000007", "E08000035", "E06000001"
KILLED = 137


def stocktake(ws: Path, *args: str, kill: int | None = None, cwd: Path | None = None
              ) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1", "STOCKTAKE_BANK_PATH": str(DATA)}
    env.pop("STOCKTAKE_TEST_KILL_AT", None)
    if kill is not None:
        env["STOCKTAKE_TEST_KILL_AT"] = str(kill)
    return subprocess.run([sys.executable, "-m", "stocktake", "-w", str(ws), *args], env=env,
                          capture_output=True, text=True, timeout=300, cwd=cwd,
                          stdin=subprocess.DEVNULL)


def _plain(value):
    """A record without what changes from run to run (stamps, ids of the run)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in sorted(value.items())
                if not k.endswith("_at") and k not in ("since",)}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def state(ws: Path) -> dict:
    """What the workspace holds, as a user sees it: each table's records, without stamps and
    document ids, in a stable order."""
    held = {}
    for path in [ws / "workspace.json", *sorted((ws / "partnerships").glob("*.json"))]:
        if not path.exists():
            continue
        data = json.loads(path.read_bytes())
        held[path.name] = {
            table: sorted((json.dumps(_plain(doc), sort_keys=True) for doc in docs.values()))
            for table, docs in sorted(data.items()) if table != "meta" and docs}
    return held


def doctor(ws: Path) -> dict:
    result = stocktake(ws, "doctor", "--json")
    return json.loads(result.stdout)


def kill_at_every_write(setup_ws: Path, tmp_path: Path, args: tuple[str, ...], *,
                        cwd: Path | None = None, erased: tuple[str, ...] = ()) -> int:
    """Run `args` once whole (the reference), then killed before write 1, 2, ...; after each
    kill finish it as doctor says (or run it again) and compare. Returns how many writes the
    command makes."""
    reference = tmp_path / "reference"
    shutil.copytree(setup_ws, reference, symlinks=True)
    whole = stocktake(reference, *args, cwd=cwd)
    assert whole.returncode == 0, whole.stderr
    expected = state(reference)
    assert doctor(reference)["ok"]
    n = 0
    while True:
        n += 1
        assert n < 200, "the command never completed"
        ws = tmp_path / f"killed-{n}"
        shutil.copytree(setup_ws, ws, symlinks=True)
        first = stocktake(ws, *args, kill=n, cwd=cwd)
        if first.returncode != KILLED:
            assert first.returncode == 0, first.stderr
            # Never killed, the command made no store write: nothing here was tested.
            assert n > 1, f"{args[:2]} ran whole with STOCKTAKE_TEST_KILL_AT=1"
            assert state(ws) == expected
            shutil.rmtree(ws)
            return n - 1
        report = doctor(ws)
        finish = [u["finish_with"] for u in report.get("unfinished", [])]
        if finish:
            assert len(finish) == 1, finish
            words = shlex.split(finish[0])
            assert words[:3] == ["stocktake", "--workspace", str(ws.resolve())], words
            again = stocktake(ws, *words[3:], cwd=cwd)
        else:
            assert report["ok"], (n, report)
            again = stocktake(ws, *args, cwd=cwd)
        assert again.returncode == 0, (n, again.stdout, again.stderr)
        assert state(ws) == expected, n
        after = doctor(ws)
        assert after["ok"] and not after["unfinished"], (n, after)
        for value in erased:
            assert files_holding(ws, value) == [], (n, value)
        shutil.rmtree(ws)


def files_holding(ws: Path, value: str) -> list[str]:
    """Every file of the workspace holding `value` as typed or JSON-escaped (grep, in Python)."""
    forms = {value.encode(), json.dumps(value)[1:-1].encode()}
    return [str(p.relative_to(ws)) for p in ws.rglob("*") if p.is_file() and not p.is_symlink()
            and any(f in p.read_bytes() for f in forms)]


# ---------------------------------------------------------------- remove --purge


NAME, EMAIL = "Jo Bloggs", "jo.bloggs@example.org"
OLD_EVIDENCE = "Spoke to Jo Bloggs about the plan"


def erasure_workspace(tmp_path: Path) -> Path:
    """Jo Bloggs answered twice (the first evidence, naming her, replaced by an edit: in the
    history and the backups), is on the roster with an e-mail address, and an earlier removal
    of her answers to another bank kept a copy in backups/removed/; Al Other answered too."""
    ws = Workspace.open(tmp_path / "setup")
    ws.add_partnerships([partnership_for(CAMDEN)])
    jo = ResponseKey(CAMDEN, "mini", WAVE, NAME)
    ws.save_answers(jo, [Answer("vision.statement", ANSWERED, "yes", OLD_EVIDENCE)],
                    role="council")
    ws.save_answers(jo, [Answer("vision.statement", ANSWERED, "yes", "Board minutes")],
                    role="council")
    ws.save_answers(jo, [Answer("risk.barrier", ANSWERED, "Recruitment of Jo's team")],
                    role="council")
    other = ResponseKey(CAMDEN, "children", WAVE, NAME)
    ws.save_answers(other, [Answer("vision.statement", ANSWERED, "no", "Asked Jo Bloggs")],
                    role="council")
    ws.remove(CAMDEN, [other])  # kept in backups/removed/
    ws.save_answers(ResponseKey(CAMDEN, "mini", WAVE, "Al Other"),
                    [Answer("vision.statement", ANSWERED, "yes", "Board minutes")], role="health")
    ws.add_roster([RosterEntry(CAMDEN, "council", NAME, EMAIL, "Camden", "mini", WAVE)])
    assert files_holding(ws.root, NAME) and files_holding(ws.root, OLD_EVIDENCE)
    return ws.root


def test_remove_purge_killed_at_every_write_finishes_and_leaves_nothing_of_the_person(tmp_path):
    setup = erasure_workspace(tmp_path)
    writes = kill_at_every_write(setup, tmp_path, ("remove", CAMDEN, "--respondent", NAME,
                                                   "--bank", "mini", "--purge", "--yes"),
                                 erased=(NAME, EMAIL, OLD_EVIDENCE, "Recruitment of Jo's team"))
    assert writes >= 4


def test_an_erasure_interrupted_is_reported_by_doctor_and_privacy_check_and_finished(tmp_path):
    """The issue's example: killed after the partnership file is rewritten, before the backups
    are purged. Doctor named nothing, privacy-check exited 0, and the same purge was refused."""
    setup = erasure_workspace(tmp_path)
    args = ("remove", CAMDEN, "--respondent", NAME, "--bank", "mini", "--purge", "--yes")
    # Write 1 is the journal record, write 2 the partnership's file (its old version to backups).
    killed = stocktake(setup, *args, kill=3)
    assert killed.returncode == KILLED
    assert files_holding(setup, OLD_EVIDENCE)  # still in the backups
    report = stocktake(setup, "doctor")
    assert report.returncode == 1
    assert "UNFINISHED an erasure (remove --purge) in E09000007" in report.stdout
    assert "No damage found" not in report.stdout
    check = stocktake(setup, "privacy-check")
    assert check.returncode == 1
    assert "erasure(s) begun and not finished" in check.stderr
    again = stocktake(setup, *args)
    assert again.returncode == 0, again.stderr
    assert "Finished the erasure begun" in again.stdout
    for value in (NAME, EMAIL, OLD_EVIDENCE):
        assert files_holding(setup, value) == []
    assert stocktake(setup, "privacy-check").returncode == 0
    assert stocktake(setup, "doctor").returncode == 0


def test_remove_purge_of_a_whole_partnership_killed_at_every_write(tmp_path):
    setup = erasure_workspace(tmp_path)
    kill_at_every_write(setup, tmp_path, ("remove", CAMDEN, "--purge", "--yes"),
                        erased=(NAME, EMAIL, OLD_EVIDENCE, "Al Other"))


# ---------------------------------------------------------------- roster import


def test_roster_import_killed_at_every_write_completes_on_the_next_run(tmp_path):
    setup = Workspace.open(tmp_path / "setup")
    setup.add_partnerships([partnership_for(CAMDEN)])
    roster = tmp_path / "roster.csv"
    roster.write_text("partnership,role,respondent,email\n"
                      f"{CAMDEN},council,Ann Council,ann@example.org\n"
                      f"{CAMDEN},health,Bo Health,bo@example.org\n"
                      f"{LEEDS},council,Cy Council,cy@example.org\n"
                      f"{HARTLEPOOL},health,Di Health,di@example.org\n", encoding="utf-8")
    writes = kill_at_every_write(setup.root, tmp_path, ("roster", "import", str(roster),
                                                        "--bank", "mini", "--wave", WAVE))
    assert writes >= 4


def test_a_roster_import_run_twice_is_still_refused_as_already_on_the_roster(tmp_path):
    """Running a finished import again is a mistake, said so (only an interrupted one is
    finished by running it again)."""
    ws = tmp_path / "ws"
    roster = tmp_path / "roster.csv"
    roster.write_text(f"partnership,role,respondent,email\n{CAMDEN},council,Ann Council,\n",
                      encoding="utf-8")
    args = ("roster", "import", str(roster), "--bank", "mini", "--wave", WAVE)
    assert stocktake(ws, *args).returncode == 0
    again = stocktake(ws, *args)
    assert again.returncode == 1
    assert "already on the roster" in again.stderr


# ---------------------------------------------------------------- plan add, forms, merge


def test_plan_add_killed_at_every_write(tmp_path):
    setup = Workspace.open(tmp_path / "setup")
    setup.add_partnerships([partnership_for(CAMDEN)])
    kill_at_every_write(setup.root, tmp_path, (
        "plan", "add", CAMDEN, "--bank", "mini", "--wave", WAVE, "--area", "vision",
        "--target", "Established", "--action", "Agree one vision", "--owner", "Head of service",
        "--due", "2027-03-31"))


def filled_forms(tmp_path: Path) -> Path:
    from stocktake.banks.loading import load_bank
    from stocktake.workbooks.forms import create_form

    from helpers.forms import FILLED, fill

    bank = load_bank(DATA / "mini.toml")
    folder = tmp_path / "returns"
    folder.mkdir()
    for code, role, name in ((CAMDEN, "council", "Ann Council"), (HARTLEPOOL, "council", "Bo"),
                             (LEEDS, "council", "Cy Council")):
        path = create_form(folder / f"{code}-{role}.xlsx", bank, partnership_for(code), role,
                           WAVE, name)
        fill(path, FILLED, {"vision.statement": f"Minutes kept by {name}"})
    return folder


def test_forms_import_of_a_folder_killed_at_every_write(tmp_path):
    folder = filled_forms(tmp_path)
    setup = Workspace.open(tmp_path / "setup")
    writes = kill_at_every_write(setup.root, tmp_path, ("forms", "import", str(folder)))
    assert writes >= 3


def test_merge_into_workspace_killed_at_every_write(tmp_path):
    from helpers.filling import fill_mini

    source = Workspace.open(tmp_path / "source")
    fill_mini(source, __import__("stocktake.banks.loading", fromlist=["load_bank"]).load_bank(
        DATA / "mini.toml"), (CAMDEN, HARTLEPOOL))
    source.add_moderation(__import__("stocktake.records.responses", fromlist=["Moderation"]).Moderation(
        CAMDEN, "mini", WAVE, "vision", 40.0, "Not seen", "J. Adviser"))
    exports = tmp_path / "exports"
    made = stocktake(source.root, "export", "--all", "--out", str(exports))
    assert made.returncode == 0, made.stderr
    setup = Workspace.open(tmp_path / "setup")
    writes = kill_at_every_write(setup.root, tmp_path, (
        "merge", str(exports), "--out", str(tmp_path / "national.xlsx"), "--into-workspace"))
    assert writes >= 3


# ---------------------------------------------------------------- submissions import


def test_submissions_import_killed_at_every_write(tmp_path):
    pytest.importorskip("pyxform")
    from stocktake.banks.loading import load_bank
    from stocktake.xlsform.export import form_identity, form_version, xlsform_bytes, \
        xlsform_sheets
    from stocktake.xlsform.pyxform_check import convert_xlsform

    from helpers.xlsform_builders import central_csv

    bank = load_bank(DATA / "mini.toml")
    sheets = xlsform_sheets(bank, [(CAMDEN, "Camden"), (LEEDS, "Leeds")])
    xform = convert_xlsform(xlsform_bytes(sheets)).xform
    rows = [{"instance": f"6f1c2a9e-0000-4000-8000-00000000000{n}",
             "stocktake_form": form_identity(bank), "partnership": code, "role": role,
             "respondent": name, "vision.statement": "yes",
             "vision.statement_evidence": f"Minutes kept by {name}", "risk.barrier": "Staff"}
            for n, (code, role, name) in enumerate(((CAMDEN, "council", "Ann Council"),
                                                    (CAMDEN, "health", "Bo Health"),
                                                    (LEEDS, "council", "Cy Council")), start=1)]
    source = central_csv(tmp_path / "submissions.csv", xform, sheets, rows,
                         version=form_version(bank))
    setup = Workspace.open(tmp_path / "setup")
    writes = kill_at_every_write(setup.root, tmp_path, (
        "submissions", "import", str(source), "--bank", "mini", "--wave", WAVE))
    assert writes >= 3


def test_forms_create_all_killed_at_every_write(tmp_path):
    """The forms go out first (files for people, not the store), then the round records them:
    run again, the same forms and the same record."""
    setup = tmp_path / "setup"
    planned = stocktake(setup, "round", "plan", "--bank", "mini", "--wave", WAVE, "--roles",
                        "council,young-people", "-p", CAMDEN, "-p", LEEDS)
    assert planned.returncode == 0, planned.stderr
    kill_at_every_write(setup, tmp_path, ("forms", "create", "--all", "--out",
                                          str(tmp_path / "forms")))


@pytest.mark.parametrize("which", [("--respondent", NAME), ()], ids=["respondent", "whole"])
def test_remove_keeping_a_copy_killed_at_every_write(tmp_path, which):
    """Without --purge: the removed records are kept in backups/removed/ first, then the
    partnership's file (and, for a whole partnership, the file and its line in the index)."""
    setup = erasure_workspace(tmp_path)
    kill_at_every_write(setup, tmp_path, ("remove", CAMDEN, *which, "--yes"))


def test_round_plan_killed_at_every_write(tmp_path):
    setup = Workspace.open(tmp_path / "setup")
    kill_at_every_write(setup.root, tmp_path, (
        "round", "plan", "--bank", "mini", "--wave", WAVE, "--roles", "council,health",
        "-p", CAMDEN, "-p", LEEDS, "--deadline", "2027-01-31"))


def test_forms_create_for_an_anonymous_role_killed_at_every_write(tmp_path):
    """A child's form carries the reference reserved for it: killed after reserving and before
    the form is written, the same command run again writes the form for that reference (one
    reference, not a second one that no form carries)."""
    setup = Workspace.open(tmp_path / "setup")
    out = tmp_path / "forms" / "yp.xlsx"
    writes = kill_at_every_write(setup.root, tmp_path, (
        "forms", "create", CAMDEN, "--bank", "children", "--role", "young-people", "--wave",
        WAVE, "--out", str(out)))
    assert writes >= 3
