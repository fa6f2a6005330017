"""The workspace store: atomic writes, backups, locking across processes, reopening."""

from __future__ import annotations

import json
import multiprocessing
import os
import stat
from pathlib import Path

import pytest

from stocktake.files.atomic import atomic_write_bytes, backup_paths
from stocktake.errors import StocktakeError
from stocktake.partnerships.model import partnership_for
from stocktake.records.responses import ANSWERED, DONT_KNOW, Answer, Moderation, ResponseKey
from stocktake.store.store_files import DamagedStoreFile
from stocktake.store.workspace import Workspace

KEY = ResponseKey("E09000007", "mini", "2026-27", "Director")


def test_answers_survive_reopening_the_workspace(workspace):
    workspace.save_answer(KEY, Answer("vision.statement", ANSWERED, "yes", "CYPP p2"), role="council")
    workspace.save_answer(KEY, Answer("vision.known", DONT_KNOW), role="council")
    reopened = Workspace.open(workspace.root)
    response = reopened.response(KEY)
    assert response.role == "council"
    assert response.answers["vision.statement"].value == "yes"
    assert response.answers["vision.statement"].evidence == "CYPP p2"
    assert response.answers["vision.known"].status == DONT_KNOW
    assert response.answers["vision.known"].answered_at  # stamped when saved


def test_changed_answer_keeps_the_earlier_value_in_history(workspace):
    workspace.save_answer(KEY, Answer("vision.known", ANSWERED, 2), role="council")
    workspace.save_answer(KEY, Answer("vision.known", ANSWERED, 3), role="council")
    workspace.save_answer(KEY, Answer("vision.known", ANSWERED, 3), role="council")  # unchanged
    history = workspace.history(KEY)
    assert [h["previous"]["value"] for h in history] == [2]
    assert workspace.response(KEY).answers["vision.known"].value == 3


def test_a_respondent_keeps_one_role(workspace):
    workspace.save_answer(KEY, Answer("vision.known", ANSWERED, 2), role="council")
    with pytest.raises(StocktakeError, match="as 'council', not 'health'"):
        workspace.save_answer(KEY, Answer("vision.known", ANSWERED, 3), role="health")
    assert workspace.response(KEY).answers["vision.known"].value == 2


def test_each_partnership_is_its_own_file_so_saves_do_not_grow_with_the_nation(workspace):
    other = ResponseKey("E08000025", "mini", "2026-27", "Director")
    workspace.save_answer(KEY, Answer("vision.known", ANSWERED, 2), role="council")
    workspace.save_answer(other, Answer("vision.known", ANSWERED, 4), role="council")
    shards = sorted(p.name for p in (workspace.root / "partnerships").glob("*.json"))
    assert shards == ["E08000025.json", "E09000007.json"]
    assert len(workspace.responses(bank="mini")) == 2
    assert [r.key.partnership for r in workspace.responses("E09000007")] == ["E09000007"]


def test_atomic_write_leaves_no_temporary_file_and_rolls_backups(tmp_path):
    target = tmp_path / "data.json"
    backups = tmp_path / "backups"
    for n in range(5):
        atomic_write_bytes(target, json.dumps({"n": n}).encode(), backups)
    assert json.loads(target.read_text()) == {"n": 4}
    assert [json.loads(p.read_text())["n"] for p in backup_paths(target, backups)] == [3, 2, 1]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_failed_write_keeps_the_old_file_whole(tmp_path, monkeypatch):
    target = tmp_path / "data.json"
    atomic_write_bytes(target, b'{"old": 1}')

    def failing_fsync(fd):  # fault injection: the disk reports an I/O error mid-write
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError):
        atomic_write_bytes(target, b'{"new": 2}')
    assert target.read_bytes() == b'{"old": 1}'
    assert [p.name for p in tmp_path.iterdir()] == ["data.json"]


def test_workspace_folder_and_files_are_owner_only(workspace):
    workspace.add_partnerships([partnership_for("E09000007")])
    workspace.save_answer(KEY, Answer("vision.known", ANSWERED, 2), role="council")
    assert stat.S_IMODE(workspace.root.stat().st_mode) == 0o700
    for path in workspace.store_files():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


@pytest.mark.store_damaged_on_purpose("a truncated partnership file, for the store to refuse")
def test_damaged_file_names_itself_and_the_doctor_command(workspace):
    workspace.save_answer(KEY, Answer("vision.known", ANSWERED, 2), role="council")
    shard = workspace.shard_path("E09000007")
    shard.write_bytes(shard.read_bytes()[:40])
    with pytest.raises(DamagedStoreFile) as info:
        workspace.response(KEY)
    assert str(shard) in info.value.message and "doctor" in info.value.hint
    # The failed command overwrote nothing.
    with pytest.raises(DamagedStoreFile):
        workspace.save_answer(KEY, Answer("vision.known", ANSWERED, 3), role="council")
    assert len(shard.read_bytes()) == 40


def test_moderations_are_kept_beside_the_answers(workspace):
    workspace.save_answer(KEY, Answer("vision.known", ANSWERED, 2), role="council")
    workspace.add_moderation(Moderation("E09000007", "mini", "2026-27", "vision", 60, "Board minutes",
                                        "A. Adviser"))
    mods = workspace.moderations("E09000007", "mini", "2026-27")
    assert [(m.area, m.score, m.adviser) for m in mods] == [("vision", 60.0, "A. Adviser")]
    assert workspace.response(KEY).answers["vision.known"].value == 2


# Every question of the mini bank with a value it takes: a store the doctor finds healthy.
MINI_ANSWERS = [("vision.statement", "yes"), ("vision.known", 3), ("vision.consulted", ["staff"]),
                ("risk.register", "partial"), ("risk.vacancies", 12), ("risk.barrier", "Turnover")]


def _write_many(root: str, respondent_prefix: str, count: int, questions: int) -> None:
    ws = Workspace(Path(root))
    for r in range(count):
        key = ResponseKey("E09000007", "mini", "2026-27", f"{respondent_prefix}-{r}")
        for question, value in MINI_ANSWERS[:questions]:
            ws.save_answer(key, Answer(question, ANSWERED, value), role="council")


def test_two_processes_writing_at_once_lose_nothing(workspace):
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_write_many, args=(str(workspace.root), name, 4, 6))
             for name in ("a", "b")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    responses = workspace.responses("E09000007")
    assert len(responses) == 8
    assert all(len(r.answers) == 6 for r in responses)


def _new_references(root: str, count: int) -> list[str]:
    ws = Workspace(Path(root))
    return [ws.save_answers_under_new_reference(
        "E09000007", "children", "2026-27", "YP", [Answer("safety.someone-to-tell", ANSWERED,
                                                         "yes")],
        role="young-people", age_band="11-15").key.respondent for _ in range(count)]


def test_new_references_chosen_by_two_processes_at_once_are_all_different(workspace):
    """The reference is chosen inside the shard's lock, in the write that stores the answer."""
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        given = pool.starmap(_new_references, [(str(workspace.root), 6)] * 2)
    references = [r for batch in given for r in batch]
    assert sorted(references) == [f"YP-{n:04d}" for n in range(1, 13)]
    stored = workspace.responses("E09000007", "children", "2026-27")
    assert sorted(r.key.respondent for r in stored) == sorted(references)
    assert all(r.age_band == "11-15" and len(r.answers) == 1 for r in stored)


def test_no_reference_is_given_without_an_answer(workspace):
    with pytest.raises(StocktakeError, match="no answers"):
        workspace.save_answers_under_new_reference("E09000007", "children", "2026-27", "YP", [],
                                                   role="young-people")
    assert workspace.responses() == []


def test_write_responses_replaces_by_key_in_one_write(workspace):
    from stocktake.records.responses import Response

    first = Response(KEY, "council", answers={"vision.known": Answer("vision.known", ANSWERED, 1)})
    second = Response(KEY, "council", answers={"vision.known": Answer("vision.known", ANSWERED, 4)})
    workspace.write_responses("E09000007", [first])
    workspace.write_responses("E09000007", [second])
    stored = workspace.responses("E09000007")
    assert len(stored) == 1 and stored[0].answers["vision.known"].value == 4


def test_lock_held_too_long_names_the_holder(workspace, monkeypatch):
    from stocktake.store.locking import workspace_lock

    lock = workspace.root / "locks" / "E09000007.lock"
    with workspace_lock(lock):
        monkeypatch.setenv("STOCKTAKE_LOCK_TIMEOUT", "0.2")
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(1) as pool:
            message = pool.apply(_try_save, (str(workspace.root),))
    assert "busy" in message and f"process {os.getpid()}" in message


def _try_save(root: str) -> str:
    os.environ["STOCKTAKE_LOCK_TIMEOUT"] = "0.2"
    try:
        Workspace(Path(root)).save_answer(KEY, Answer("x", ANSWERED, 1), role="council")
    except StocktakeError as exc:
        return exc.message
    return "saved"


def test_a_partnership_named_like_the_index_keeps_separate_backups(workspace):
    from stocktake.partnerships.model import Partnership

    workspace.add_partnerships([Partnership("workspace", "Odd name")])
    workspace.add_partnerships([Partnership("workspace", "Odd name, renamed")])
    tricky = ResponseKey("workspace", "mini", "2026-27", "R")
    for level in (1, 2):
        workspace.save_answer(tricky, Answer("vision.known", ANSWERED, level), role="council")
    index_backup = workspace.backup_dir / "workspace.json.1"
    shard_backup = workspace.backup_dir / "partnerships" / "workspace.json.1"
    assert "partnerships" in json.loads(index_backup.read_text())
    assert "responses" in json.loads(shard_backup.read_text())


def test_answers_for_a_partnership_the_index_does_not_list_list_it_first(workspace):
    from stocktake.store.doctor import diagnose

    workspace.save_answer(KEY, Answer("vision.known", ANSWERED, 2), role="council")
    workspace.add_moderation(Moderation("LOCAL-1", "mini", "2026-27", "vision", 40, "seen", "A"))
    assert [(p.code, p.name) for p in workspace.partnerships()] == \
        [("E09000007", "Camden"), ("LOCAL-1", "LOCAL-1")]  # shipped name, else the code
    assert diagnose(workspace).healthy, diagnose(workspace).findings()


def test_a_partnership_listed_before_its_first_answer_keeps_its_own_name(workspace):
    workspace.add_partnerships([partnership_for("E09000007", name="Camden Children's Trust")])
    workspace.save_answer(KEY, Answer("vision.known", ANSWERED, 2), role="council")
    assert [p.name for p in workspace.partnerships()] == ["Camden Children's Trust"]


def test_a_failed_first_write_leaves_the_partnership_listed_and_no_records(workspace,
                                                                           monkeypatch):
    import errno

    from stocktake.store.doctor import diagnose

    real_write = Workspace.write_file

    def disk_full_for_shards(self, path, data, backup=True):
        if path.parent.name == "partnerships":
            raise StocktakeError(f"disk full writing {path}") from OSError(errno.ENOSPC, "full")
        real_write(self, path, data, backup)

    monkeypatch.setattr(Workspace, "write_file", disk_full_for_shards)
    with pytest.raises(StocktakeError, match="disk full"):
        workspace.save_answer(KEY, Answer("vision.known", ANSWERED, 2), role="council")
    monkeypatch.setattr(Workspace, "write_file", real_write)
    assert [p.code for p in workspace.partnerships()] == ["E09000007"]
    assert not workspace.shard_path("E09000007").exists()
    assert diagnose(workspace).healthy, diagnose(workspace).findings()


def test_a_lock_nests_in_the_thread_holding_it_and_still_keeps_other_threads_out(workspace):
    import threading

    from stocktake.store.locking import workspace_lock

    lock = workspace.root / "locks" / "E09000007.lock"
    refused = []

    def other_thread() -> None:
        try:
            with workspace_lock(lock, timeout=0.2):
                refused.append(None)
        except StocktakeError as exc:
            refused.append(exc.message)

    with workspace_lock(lock, timeout=0.2):
        with workspace_lock(lock, timeout=0.2):  # at once, not a wait on itself
            pass
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join(10)
    assert refused and refused[0] and "busy" in refused[0]
    with workspace_lock(lock, timeout=0.2):  # the inner release did not free it early, nor late
        pass
