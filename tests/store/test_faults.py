"""Fault injection with real processes: concurrent writers, SIGKILL mid-write, truncated files,
permissions, and fuzzing of the inputs people hand us (bank files, --answers files)."""

from __future__ import annotations

import copy
import json
import os
import random
import signal
import stat
import subprocess
import sys
import textwrap
import threading
import time
import tomllib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stocktake.banks.validation import validate_bank_data
from stocktake.banks.model import bank_from_data
from stocktake.store.doctor import check_workspace
from stocktake.partnerships.model import partnership_for
from stocktake.records.responses import ANSWERED, Answer, Response, ResponseKey
from stocktake.store.workspace import Workspace

from helpers.paths import DATA

STOCKTAKE = [sys.executable, "-m", "stocktake"]
CODE, BANK, WAVE = "E09000007", "mini", "2026-27"
QUESTIONS = ("vision.statement", "vision.known", "vision.consulted", "risk.register",
             "risk.vacancies", "risk.barrier")


def answers_csv(path: Path, respondent: str) -> Path:
    path.write_text(
        "question,value,evidence\n"
        f"vision.statement,yes,CYPP p2 ({respondent})\n"
        "vision.known,3,staff survey\n"
        "vision.consulted,children;parents,\n"
        "risk.register,full,\n"
        "risk.vacancies,12,\n"
        f"risk.barrier,Recruitment of {respondent},\n", encoding="utf-8")
    return path


def assert_complete(response: Response | None, respondent: str) -> None:
    assert response is not None, f"{respondent} was lost"
    assert set(response.answers) == set(QUESTIONS), f"{respondent} is incomplete"
    assert response.answers["risk.barrier"].value == f"Recruitment of {respondent}"


# ---------------------------------------------------------------- two writers at once


def test_sixteen_respondents_from_two_cli_processes_at_once_all_survive(tmp_path):
    ws_dir = tmp_path / "ws"
    failures: list[str] = []

    def adviser(name: str) -> None:
        for n in range(8):
            respondent = f"{name} respondent {n}"
            done = subprocess.run(
                [*STOCKTAKE, "-w", str(ws_dir), "interview", CODE, "--bank", BANK, "--wave", WAVE,
                 "--respondent", respondent, "--role", "council",
                 "--answers", str(answers_csv(tmp_path / f"{name}-{n}.csv", respondent))],
                capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
            if done.returncode != 0:
                failures.append(f"{respondent}: {done.stderr}")

    advisers = [threading.Thread(target=adviser, args=(name,)) for name in ("North", "South")]
    for thread in advisers:
        thread.start()
    for thread in advisers:
        thread.join()
    assert failures == []
    ws = Workspace.open(ws_dir)
    responses = {r.key.respondent: r for r in ws.responses(CODE, BANK, WAVE)}
    assert len(responses) == 16
    for name in ("North", "South"):
        for n in range(8):
            assert_complete(responses.get(f"{name} respondent {n}"), f"{name} respondent {n}")
    assert [p.code for p in ws.partnerships()] == [CODE]


WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from stocktake.store.workspace import Workspace
    from stocktake.records.responses import Answer, ResponseKey
    ws_dir, name, start = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    ws = Workspace.open(ws_dir)
    while time.time() < start:  # both writers begin together
        time.sleep(0.001)
    for n in range(8):
        key = ResponseKey("E09000007", "mini", "2026-27", f"{name} respondent {n}")
        for qid, value in [("vision.statement", "yes"), ("vision.known", 3),
                           ("vision.consulted", ["children", "parents"]),
                           ("risk.register", "full"), ("risk.vacancies", 12),
                           ("risk.barrier", f"Recruitment of {name} respondent {n}")]:
            ws.save_answers(key, [Answer(qid, "answered", value)], role="council")
""")


def test_two_processes_saving_answer_by_answer_in_lockstep_lose_nothing(tmp_path):
    ws_dir = tmp_path / "ws"
    start = str(time.time() + 1.0)
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(ws_dir), name, start],
                                stderr=subprocess.PIPE, text=True)
               for name in ("North", "South")]
    for writer in writers:
        assert writer.wait(timeout=60) == 0, writer.stderr.read()
    responses = {r.key.respondent: r for r in Workspace.open(ws_dir).responses(CODE)}
    assert len(responses) == 16
    for respondent, response in responses.items():
        assert_complete(response, respondent)


# ---------------------------------------------------------------- SIGKILL during writes


KILLED_WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from stocktake.store.workspace import Workspace
    from stocktake.records.responses import Answer, ResponseKey
    ws = Workspace.open(Path(sys.argv[1]))
    run = sys.argv[2]
    answers = lambda who: [
        Answer("vision.statement", "answered", "yes"), Answer("vision.known", "answered", 3),
        Answer("vision.consulted", "answered", ["children"]),
        Answer("risk.register", "answered", "full"), Answer("risk.vacancies", "answered", 12),
        Answer("risk.barrier", "answered", f"Recruitment of {who}")]
    print("ready", flush=True)
    n = 0
    while True:
        who = f"run {run} respondent {n}"
        ws.save_answers(ResponseKey("E09000007", "mini", "2026-27", who), answers(who),
                        role="council")
        print(f"saved {who}", flush=True)
        n += 1
""")


def seed_large_shard(ws: Workspace, respondents: int = 300) -> None:
    """A shard big enough that each write takes a while, so kills land inside writes."""
    filler = {qid: Answer(qid, ANSWERED, 3 if qid == "vision.known" else "yes",
                          "evidence " * 20, "2026-05-01T09:00:00+00:00")
              for qid in ("vision.statement", "vision.known")}
    ws.write_responses(CODE, [
        Response(ResponseKey(CODE, BANK, WAVE, f"seed {n}"), "council", answers=filler)
        for n in range(respondents)])


def test_ten_sigkills_during_writes_leave_a_store_with_every_finished_response(tmp_path):
    ws_dir = tmp_path / "ws"
    seed_large_shard(Workspace.open(ws_dir))
    rng = random.Random(20260401)
    finished: list[str] = []
    for run in range(10):
        child = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(ws_dir), str(run)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert child.stdout.readline() == b"ready\n", child.stderr.read()
        time.sleep(rng.uniform(0.01, 0.25))
        os.kill(child.pid, signal.SIGKILL)
        out, _ = child.communicate(timeout=30)
        assert child.returncode == -signal.SIGKILL
        # A line is only complete once its newline is written; a cut-off line proves nothing.
        finished += [line[len("saved "):] for line in out.decode().split("\n")[:-1]
                     if line.startswith("saved ")]

        ws = Workspace.open(ws_dir)
        stored = {r.key.respondent: r for r in ws.responses(CODE)}  # opens: not damaged
        for respondent in finished:
            assert_complete(stored.get(respondent), respondent)
        for respondent, response in stored.items():
            if not respondent.startswith("seed"):
                assert_complete(response, respondent)  # all six answers or none: never a part
    assert finished, "no write finished in ten runs; the kills came too early to test anything"
    assert all(report.damaged is None for report in check_workspace(Workspace.open(ws_dir)))
    # The lock held by a killed writer is free again.
    Workspace.open(ws_dir).save_answer(ResponseKey(CODE, BANK, WAVE, "after"),
                                       Answer("vision.known", ANSWERED, 2), role="council")


# ---------------------------------------------------------------- truncated store files


def test_truncated_index_gives_the_doctor_message_and_is_not_overwritten(cli, tmp_path):
    assert cli("partnerships", "add", "E09000007").exit_code == 0
    assert cli("partnerships", "add", "E08000025").exit_code == 0
    index = tmp_path / "ws" / "workspace.json"
    index.write_bytes(index.read_bytes()[:30])
    for command in (("partnerships", "list"), ("partnerships", "add", "E06000001")):
        result = cli(*command)
        assert result.exit_code == 1
        assert f"Error: store file {index} is damaged (not valid JSON" in result.stderr
        assert f"stocktake --workspace {tmp_path / 'ws'} doctor" in result.stderr
        assert "doctor --restore" in result.stderr
        assert "Traceback" not in result.output and "Internal error" not in result.output
    assert len(index.read_bytes()) == 30

    restored = cli("doctor", "--restore")
    assert restored.exit_code == 0, restored.output
    assert "from backups/workspace.json.1" in restored.stdout
    assert json.loads(cli("partnerships", "list", "--json").stdout)[0]["code"] == "E09000007"


def test_truncated_shard_gives_the_doctor_message_on_reading_and_writing(cli, tmp_path):
    for n in range(3):
        path = answers_csv(tmp_path / f"r{n}.csv", f"R{n}")
        assert cli("interview", CODE, "--bank", BANK, "--wave", WAVE, "--respondent", f"R{n}",
                   "--role", "council", "--answers", path).exit_code == 0
    shard = tmp_path / "ws" / "partnerships" / f"{CODE}.json"
    last_good = (tmp_path / "ws" / "backups" / "partnerships" / f"{CODE}.json.1").read_bytes()
    shard.write_bytes(shard.read_bytes()[:-25])
    reading = cli("answers", CODE, "--bank", BANK, "--wave", WAVE)
    writing = cli("interview", CODE, "--bank", BANK, "--wave", WAVE, "--respondent", "R9",
                  "--role", "council", "--answers", answers_csv(tmp_path / "r9.csv", "R9"))
    for result in (reading, writing):
        assert result.exit_code == 1
        assert f"store file {shard} is damaged" in result.stderr and "doctor" in result.stderr
        assert "Traceback" not in result.output

    assert cli("doctor").exit_code == 1
    assert cli("doctor", "--restore").exit_code == 0
    assert shard.read_bytes() == last_good
    stored = json.loads(cli("answers", CODE, "--bank", BANK, "--wave", WAVE, "--json").stdout)
    assert {row["respondent"] for row in stored} == {"R0", "R1"}


# ---------------------------------------------------------------- permissions


def test_store_files_are_owner_only_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        ws = Workspace.open(tmp_path / "ws")
        ws.add_partnerships([partnership_for(CODE)])
        for n in range(2):
            ws.save_answer(ResponseKey(CODE, BANK, WAVE, "R"), Answer("vision.known", ANSWERED,
                                                                      n + 1), role="council")
    finally:
        os.umask(old)
    folders = [ws.root, ws.root / "partnerships", ws.backup_dir, ws.backup_dir / "partnerships",
               ws.root / "locks"]
    assert {f.name: stat.S_IMODE(f.stat().st_mode) for f in folders} == \
        {f.name: 0o700 for f in folders}
    files = ws.store_files() + sorted(p for p in ws.backup_dir.rglob("*") if p.is_file()) + \
        sorted((ws.root / "locks").iterdir())
    assert {str(f): stat.S_IMODE(f.stat().st_mode) for f in files} == \
        {str(f): 0o600 for f in files}


def test_the_copy_doctor_keeps_of_a_damaged_file_is_owner_only(cli, tmp_path):
    cli("partnerships", "add", CODE)
    cli("partnerships", "add", "E08000025")
    index = tmp_path / "ws" / "workspace.json"
    index.write_bytes(b"{")
    assert cli("doctor", "--restore").exit_code == 0
    (kept,) = index.parent.glob("workspace.json.damaged-*")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


# ---------------------------------------------------------------- fuzzing


MINI = tomllib.loads((DATA / "mini.toml").read_text(encoding="utf-8"))
SCALARS = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
           | st.sampled_from(["scale", "choice", "multi", "yesno", "number", "text", "vision",
                              "vision.statement", "yes", "children", "council", "#FFFFFF"]))
FIELDS = st.sampled_from(["id", "area", "text", "type", "levels", "options", "when", "question",
                          "is", "in", "at_least", "min", "max", "label", "score", "roles",
                          "weight", "title", "colour", "scored", "required"])
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(FIELDS | st.text(max_size=5), inner, max_size=6),
                      max_leaves=20)


def _paths(node, prefix=()):
    if prefix:
        yield prefix
    items = node.items() if isinstance(node, dict) else \
        enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        yield from _paths(value, prefix + (key,))


MINI_PATHS = list(_paths(MINI))


def mutated(mutations) -> dict:
    data = copy.deepcopy(MINI)
    for path, value in mutations:
        node = data
        try:
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    return data


@settings(max_examples=250, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted({"id", "title", "version", "description", "bands",
                                               "min_coverage", "roles", "areas", "questions"}))
                       | st.text(max_size=6), VALUES, max_size=9))
def test_bank_validator_returns_problems_for_any_structure_never_raises(data):
    problems = validate_bank_data(data)
    assert isinstance(problems, list)
    if not problems:
        bank_from_data(data)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(MINI_PATHS), VALUES), min_size=1, max_size=3))
def test_bank_validator_survives_any_field_of_a_real_bank_being_replaced(mutations):
    data = mutated(mutations)
    problems = validate_bank_data(data)
    assert all(p.render() for p in problems)
    if not problems:
        bank_from_data(data)  # what passes validation always builds a bank


ANSWER_CELLS = st.sampled_from(list(QUESTIONS) + ["yes", "3", "na", "dk", "children;parents",
                                                  "full", "101", "=1+1", "", "\"", ","]) \
    | st.text(max_size=12)


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(
    st.lists(st.lists(ANSWER_CELLS, min_size=1, max_size=4), max_size=5).map(
        lambda rows: ("csv", "question,value,evidence\n" + "\n".join(",".join(r) for r in rows))),
    st.recursive(SCALARS | ANSWER_CELLS, lambda inner: st.lists(inner, max_size=4)
                 | st.dictionaries(st.sampled_from(["question", "value", "evidence"]), inner,
                                   max_size=3), max_leaves=12).map(
        lambda value: ("json", json.dumps(value))),
    st.binary(max_size=80).map(lambda raw: ("csv", raw))))
def test_any_answers_file_is_stored_whole_or_refused_cleanly(cli, tmp_path, item):
    kind, content = item
    path = tmp_path / f"answers.{kind}"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8",
                                                                               "surrogatepass"))
    respondent = f"fuzz {time.monotonic_ns()}"
    result = cli("interview", CODE, "--bank", BANK, "--wave", WAVE, "--respondent", respondent,
                 "--role", "council", "--answers", path)
    assert "Traceback" not in result.output and "Internal error" not in result.output
    stored = [r for r in Workspace.open(tmp_path / "ws").responses(CODE)
              if r.key.respondent == respondent]
    if result.exit_code == 0:
        assert stored and stored[0].answers
    else:
        assert result.exit_code == 1, result.output  # the file's content: a data error
        assert not stored or not stored[0].answers  # nothing of a refused file is kept
