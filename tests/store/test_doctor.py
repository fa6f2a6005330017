"""`stocktake doctor`: damaged files and misfitting answers reported; the last good backup restored."""

from __future__ import annotations

import json
import os
import time

import pytest

from stocktake.store.doctor import check_workspace, restore_file, store_data_problem
from stocktake.partnerships.model import partnership_for
from stocktake.records.responses import ANSWERED, Answer, ResponseKey
from stocktake.store.store_files import DamagedStoreFile

KEY = ResponseKey("E09000007", "mini", "2026-27", "Director")


def three_saves(workspace) -> None:
    """Three versions of the shard: the backups then hold the first two."""
    workspace.add_partnerships([partnership_for("E09000007")])
    workspace.save_answer(KEY, Answer("vision.statement", ANSWERED, "yes"), role="council")
    workspace.save_answer(KEY, Answer("vision.known", ANSWERED, 3), role="council")
    workspace.save_answer(KEY, Answer("risk.vacancies", ANSWERED, 12), role="council")


def truncate(path, keep: int = 60) -> None:
    path.write_bytes(path.read_bytes()[:keep])


def test_a_healthy_workspace_passes_with_exit_0(cli, workspace):
    three_saves(workspace)
    result = cli("doctor", workspace=workspace.root)
    assert result.exit_code == 0, result.output
    assert "No damage found" in result.stdout
    assert "ok       partnerships/E09000007.json" in result.stdout


def test_an_empty_workspace_is_healthy(cli, workspace):
    result = cli("doctor", "--json", workspace=workspace.root)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["files"] == []


@pytest.mark.store_damaged_on_purpose("a truncated partnership file, for doctor to find")
def test_truncated_shard_is_reported_damaged_with_exit_1(cli, workspace):
    three_saves(workspace)
    truncate(workspace.shard_path("E09000007"))
    result = cli("doctor", workspace=workspace.root)
    assert result.exit_code == 1
    assert "DAMAGED  partnerships/E09000007.json: not valid JSON" in result.stdout
    assert "doctor --restore" in result.stdout


def test_restore_brings_back_the_newest_backup_and_keeps_the_damaged_file(cli, workspace):
    three_saves(workspace)
    shard = workspace.shard_path("E09000007")
    damaged_bytes = shard.read_bytes()[:60]
    shard.write_bytes(damaged_bytes)
    result = cli("doctor", "--restore", workspace=workspace.root)
    assert result.exit_code == 0, result.output
    assert "Restored partnerships/E09000007.json from backups/partnerships/E09000007.json.1" in result.stdout
    assert "old)" in result.stdout and "changes made after that are lost" in result.stdout
    # The newest backup is the version before the last save: two answers of three.
    assert set(workspace.response(KEY).answers) == {"vision.statement", "vision.known"}
    (kept,) = shard.parent.glob("E09000007.json.damaged-*")
    assert kept.read_bytes() == damaged_bytes
    assert cli("doctor", workspace=workspace.root).exit_code == 0


def test_restore_skips_a_damaged_backup_for_an_older_good_one(workspace):
    three_saves(workspace)
    shard = workspace.shard_path("E09000007")
    truncate(shard)
    truncate(workspace.backup_dir_for(shard) / "E09000007.json.1")
    restored = restore_file(workspace, shard)
    assert restored.backup.name == "E09000007.json.2"
    assert restored.age_seconds >= 0 and restored.backup_written_at
    assert set(workspace.response(KEY).answers) == {"vision.statement"}


def test_restore_does_not_roll_the_damaged_version_into_the_backups(workspace):
    three_saves(workspace)
    shard = workspace.shard_path("E09000007")
    before = {p.name: p.read_bytes() for p in workspace.backup_dir.rglob("*") if p.is_file()}
    truncate(shard)
    restore_file(workspace, shard)
    assert {p.name: p.read_bytes() for p in workspace.backup_dir.rglob("*") if p.is_file()} == before


@pytest.mark.store_damaged_on_purpose("a truncated file with no backup for --restore")
def test_no_good_backup_leaves_the_damaged_file_and_exits_1(cli, workspace):
    workspace.save_answer(KEY, Answer("vision.statement", ANSWERED, "yes"), role="council")
    shard = workspace.shard_path("E09000007")
    truncate(shard, 10)
    result = cli("doctor", "--restore", workspace=workspace.root)
    assert result.exit_code == 1
    assert "no good backup" in result.stderr and "there are no backups of it" in result.stderr
    assert len(shard.read_bytes()) == 10
    assert "Traceback" not in result.output


def test_damaged_index_is_restored_from_an_index_backup(cli, workspace):
    workspace.add_partnerships([partnership_for("E09000007")])
    workspace.add_partnerships([partnership_for("E08000025")])
    truncate(workspace.index_path, 5)
    result = cli("doctor", "--restore", "--json", workspace=workspace.root)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["restored"][0]["file"] == "workspace.json"
    assert report["restored"][0]["backup"] == "backups/workspace.json.1"
    assert [p.code for p in workspace.partnerships()] == ["E09000007"]


@pytest.mark.store_damaged_on_purpose("answers that do not fit their bank, for doctor to report")
def test_answers_that_do_not_fit_the_bank_are_problems_not_damage(cli, workspace):
    workspace.save_answers(KEY, [Answer("vision.bogus", ANSWERED, 1),
                                 Answer("risk.vacancies", ANSWERED, 300),
                                 Answer("vision.known", ANSWERED, 9),
                                 Answer("risk.register", "maybe", None)], role="council")
    result = cli("doctor", "--json", workspace=workspace.root)
    assert result.exit_code == 1
    (shard,) = [f for f in json.loads(result.stdout)["files"] if f["file"].startswith("partn")]
    assert shard["status"] == "problems" and shard["damaged"] is None
    text = "\n".join(shard["problems"])
    assert "'vision.bogus', which bank mini 1.0 does not have" in text
    assert "risk.vacancies holds a value its question cannot take" in text
    assert "vision.known holds a value" in text
    assert "risk.register has status 'maybe'" in text
    # Nothing to restore for answers that merely misfit: the file is left alone.
    restored = cli("doctor", "--restore", "--json", workspace=workspace.root)
    assert json.loads(restored.stdout)["restored"] == []


@pytest.mark.store_damaged_on_purpose("a response to a bank that does not exist")
def test_a_response_to_an_unknown_bank_is_a_problem(workspace):
    key = ResponseKey("E09000007", "vanished-bank", "2026-27", "Director")
    workspace.save_answer(key, Answer("x.y", ANSWERED, 1), role="council")
    index, report = check_workspace(workspace)  # the index lists the partnership
    assert index.ok and report.damaged is None
    assert any("unknown bank 'vanished-bank'" in p for p in report.problems)


@pytest.mark.store_damaged_on_purpose("a response hand-edited to lose its role")
def test_hand_edited_response_without_its_role_is_damage_every_command_refuses(cli, workspace):
    three_saves(workspace)
    shard = workspace.shard_path("E09000007")
    data = json.loads(shard.read_text())
    del data["responses"]["1"]["role"]
    shard.write_text(json.dumps(data))
    result = cli("privacy-check", "E09000007", workspace=workspace.root)
    assert result.exit_code == 1
    assert f"store file {shard} is damaged (response 1 has no 'role')" in result.stderr
    assert "doctor" in result.stderr and "Traceback" not in result.output
    assert "DAMAGED" in cli("doctor", workspace=workspace.root).stdout


def test_store_data_problem_accepts_what_the_store_writes_and_names_what_it_cannot_read():
    assert store_data_problem({"responses": {}, "history": {}}) is None
    assert store_data_problem([]) == "not a TinyDB document"
    assert store_data_problem({"responses": []}) == "table 'responses' is not a TinyDB table"
    assert "not a number" in store_data_problem({"history": {"x": {}}})
    assert store_data_problem({"history": {"1": "text"}}) == "history document 1 is not an object"
    assert "without a 'status'" in store_data_problem({"responses": {"1": {
        "partnership": "E", "bank": "b", "wave": "w", "respondent": "r", "role": "c",
        "answers": {"q": {"value": 1}}}}})
    assert store_data_problem({"moderations": {"1": {
        "partnership": "E", "bank": "b", "wave": "w", "area": "a", "score": "high"}}}) == \
        "moderation 1 has no numeric 'score'"
    assert store_data_problem({"partnerships": {"1": {"name": "x"}}}) == \
        "partnership 1 has no 'code'"


def test_leftover_temporary_files_are_reported_and_old_ones_removed_on_restore(cli, workspace):
    three_saves(workspace)
    leftover = workspace.root / "partnerships" / ".E09000007.json.99999.tmp"
    leftover.write_bytes(b'{"resp')
    assert "1 temporary file(s) left" in cli("doctor", workspace=workspace.root).stdout
    cli("doctor", "--restore", workspace=workspace.root)
    assert leftover.exists()  # recent: a writer may still own it
    an_hour_ago = time.time() - 3700
    os.utime(leftover, (an_hour_ago, an_hour_ago))
    cli("doctor", "--restore", workspace=workspace.root)
    assert not leftover.exists()


def test_doctor_help_has_an_example(cli):
    result = cli("doctor", "--help")
    assert "Example: stocktake doctor --restore" in result.stdout


@pytest.mark.store_damaged_on_purpose("a truncated partnership file, for the store to refuse")
def test_damaged_store_file_raised_by_the_store_names_doctor(workspace):
    three_saves(workspace)
    truncate(workspace.shard_path("E09000007"))
    try:
        workspace.responses()
    except DamagedStoreFile as exc:
        assert f"--workspace {workspace.root} doctor" in exc.hint
    else:
        raise AssertionError("a truncated shard was read without complaint")


@pytest.mark.store_damaged_on_purpose("a symbolic link in the workspace, for doctor to name")
def test_the_diagnosis_as_json_names_links_within_the_workspace(workspace):
    from stocktake.store.doctor import diagnose

    workspace.add_partnerships([partnership_for("E09000007")])
    folder = workspace.root / "partnerships"
    folder.mkdir(exist_ok=True)
    (folder / "elsewhere.json").symlink_to("/nowhere/at/all")
    found = diagnose(workspace)
    said = found.to_json()
    assert said["ok"] is False and said["ok"] == found.healthy
    assert said["links"] == [{"path": "partnerships/elsewhere.json",
                              "target": "/nowhere/at/all"}]
    assert said["restored"] == said["listed"] == said["cache_deleted"] == []
    assert {f["file"] for f in said["files"]} >= {"workspace.json"}
    json.dumps(said)  # plain data, as `doctor --json` prints it
