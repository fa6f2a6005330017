"""The store builds paths only from checked codes, never follows links, and reports what doctor
must see: files named by no code, shards the index does not list, a deleted index, JSON nested
too deeply, a lock timeout that is no number of seconds."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stocktake.store.doctor import check_workspace, find_links
from stocktake.errors import StocktakeError
from stocktake.partnerships.model import check_code, partnership_for
from stocktake.records.responses import ANSWERED, Answer, ResponseKey
from stocktake.store.workspace import Workspace

CODE = "E09000007"
KEY = ResponseKey(CODE, "mini", "2026-27", "Director")

BAD_CODES = ["../../../../outside/config", "..", ".", "", "a/b", "a\\b", "/etc/passwd", "CON",
             "nul", "x" * 41, "Zoë", "a b", "-leading", "E09000007\n", "\x1b]0;PWNED\x07",
             "E09000007\u202e"]


def saved(workspace, respondent: str = "Director") -> None:
    """Two versions of the index and the shard, so each has a backup."""
    workspace.add_partnerships([partnership_for(CODE)])
    workspace.add_partnerships([partnership_for(CODE)])
    key = ResponseKey(CODE, "mini", "2026-27", respondent)
    workspace.save_answer(key, Answer("vision.statement", ANSWERED, "no"), role="council")
    workspace.save_answer(key, Answer("vision.statement", ANSWERED, "yes"), role="council")


def files_under(folder) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


# ---------------------------------------------------------------- codes in paths


@pytest.mark.parametrize("code", BAD_CODES)
def test_check_code_refuses_every_code_that_is_no_safe_file_name(code):
    with pytest.raises(StocktakeError, match="is not a usable partnership code"):
        check_code(code)


@pytest.mark.parametrize("code", ["E09000007", "e09000007", "my-trust_2", "A"])
def test_check_code_accepts_gss_and_own_codes_unchanged(code):
    assert check_code(code) == code


@pytest.mark.parametrize("code", BAD_CODES)
def test_the_store_refuses_to_build_a_path_from_an_unchecked_code(tmp_path, code):
    ws = Workspace.open(tmp_path / "ws")
    before = files_under(tmp_path)
    with pytest.raises(StocktakeError, match="is not a usable partnership code"):
        ws.save_answer(ResponseKey(code, "mini", "2026-27", "Eve"),
                       Answer("vision.statement", ANSWERED, "yes"), role="council")
    with pytest.raises(StocktakeError):
        ws.write_responses(code, [])
    with pytest.raises(StocktakeError):
        ws.responses(code)
    assert files_under(tmp_path) == before  # nothing written anywhere, inside or out


@pytest.mark.store_damaged_on_purpose("a .json file in partnerships/ named by no code")
def test_doctor_reports_a_json_file_in_partnerships_whose_name_is_no_code(cli, workspace):
    saved(workspace)
    stray = workspace.root / "partnerships" / "not a code.json"
    stray.write_text("{}")
    result = cli("doctor", workspace=workspace.root)
    assert result.exit_code == 1
    assert "partnerships/not a code.json" in result.stdout
    assert "is not a partnership code" in result.stdout
    # No command reads it as a partnership.
    assert [r.key.partnership for r in workspace.responses()] == [CODE]


# ---------------------------------------------------------------- the index


def test_a_shard_not_listed_in_the_index_is_reported_and_restore_lists_it(cli, workspace):
    saved(workspace)
    # A partnership's file copied in from another workspace, which this index does not list.
    elsewhere = Workspace.open(workspace.root.parent / "elsewhere")
    other = ResponseKey("E08000025", "mini", "2026-27", "Head")
    elsewhere.save_answer(other, Answer("vision.statement", ANSWERED, "no"), role="council")
    workspace.shard_path("E08000025").write_bytes(
        elsewhere.shard_path("E08000025").read_bytes())
    result = cli("doctor", workspace=workspace.root)
    assert result.exit_code == 1
    assert "partnership E08000025 is not listed in workspace.json" in result.stdout
    result = cli("doctor", "--restore", workspace=workspace.root)
    assert result.exit_code == 0, result.output
    assert "Listed in workspace.json: E08000025" in result.stdout
    assert workspace.find_partnership("E08000025").name == "Birmingham"
    assert cli("doctor", workspace=workspace.root).exit_code == 0


def test_a_deleted_index_is_reported_and_restored_from_its_backup(cli, workspace):
    saved(workspace)
    workspace.add_partnerships([partnership_for("E08000025")])  # a second version: one backup
    workspace.index_path.unlink()
    result = cli("doctor", workspace=workspace.root)
    assert result.exit_code == 1
    assert "DAMAGED  workspace.json: missing, though backups of it are kept" in result.stdout
    result = cli("doctor", "--restore", workspace=workspace.root)
    assert result.exit_code == 0, result.output
    assert "Restored workspace.json from backups/workspace.json.1" in result.stdout
    assert [p.code for p in workspace.partnerships()] == [CODE]  # the backup, then listed


def test_a_deleted_index_without_backups_is_rebuilt_from_the_shards(cli, workspace):
    saved(workspace)
    workspace.index_path.unlink()
    for backup in workspace.backup_dir.glob("workspace.json.*"):
        backup.unlink()
    assert cli("doctor", workspace=workspace.root).exit_code == 1
    result = cli("doctor", "--restore", workspace=workspace.root)
    assert result.exit_code == 0, result.output
    assert [p.name for p in workspace.partnerships()] == ["Camden"]


# ---------------------------------------------------------------- deep nesting


@pytest.mark.parametrize("which", ["shard", "index"])
def test_json_nested_100000_deep_is_damage_that_doctor_restores(cli, workspace, which):
    saved(workspace)
    saved(workspace, "Second")  # a second version of each file: backups to restore from
    workspace.add_partnerships([partnership_for(CODE, "Camden again")])
    path = workspace.shard_path(CODE) if which == "shard" else workspace.index_path
    path.write_text("[" * 100_000)
    reading = ("answers", CODE, "--bank", "mini", "--wave", "2026-27") if which == "shard" \
        else ("partnerships", "list")
    result = cli(*reading)
    assert result.exit_code == 1
    assert "nested too deeply to be a store file" in result.stderr
    assert "doctor --restore" in result.stderr
    assert "RecursionError" not in result.output
    result = cli("doctor", workspace=workspace.root)
    assert result.exit_code == 1 and "nested too deeply" in result.stdout
    result = cli("doctor", "--restore", workspace=workspace.root)
    assert result.exit_code == 0, result.output
    assert cli(*reading).exit_code == 0


# ---------------------------------------------------------------- lock timeout


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "abc", "1e9", "NaN"])
def test_a_lock_timeout_that_is_no_number_of_seconds_is_a_clear_error(cli, monkeypatch, value):
    monkeypatch.setenv("STOCKTAKE_LOCK_TIMEOUT", value)
    result = cli("partnerships", "add", CODE)
    assert result.exit_code == 1
    assert "STOCKTAKE_LOCK_TIMEOUT" in result.stderr
    assert "a number of seconds from 0 to 3600" in result.stderr
    assert "Internal error" not in result.output


@pytest.mark.parametrize("value, seconds", [("0", 0), ("2.5", 2.5), (" 30 ", 30), ("", 15)])
def test_a_lock_timeout_in_seconds_is_read_as_that_many_seconds(monkeypatch, value, seconds):
    from stocktake.store.locking import lock_timeout

    monkeypatch.setenv("STOCKTAKE_LOCK_TIMEOUT", value)
    assert lock_timeout() == seconds  # "" is unset: the documented default of 15 s


@pytest.mark.parametrize("value, shown", [("0", "0"), (" 2.5 ", "2.5")])
def test_a_lock_timeout_in_seconds_is_used(cli, monkeypatch, tmp_path, value, shown):
    """Another process holding the partnership's lock past the timeout set fails the save after
    that timeout, saying so; released, the same command with the same timeout stores."""
    from helpers.lock_holder import holder

    monkeypatch.setenv("STOCKTAKE_LOCK_TIMEOUT", value)
    ws = Workspace.open(tmp_path / "ws")
    ws.add_partnerships([partnership_for(CODE)])
    interview = ("interview", CODE, "--bank", "mini", "--role", "council", "--respondent", "Eve",
                 "--wave", "2026-27", "--answers", _answers_file(tmp_path))
    release = tmp_path / "release"
    held = holder(ws.root, release=str(release))
    try:
        assert held.stdout.readline().strip() == "held"
        result = cli(*interview, workspace=ws.root)
    finally:
        release.touch()
        held.wait(timeout=60)
    assert result.exit_code == 1, result.output
    message = " ".join(result.stderr.split())
    assert f"for longer than {shown} s; nothing of this change was stored" in message
    assert ws.responses(CODE) == []
    again = cli(*interview, workspace=ws.root)
    assert again.exit_code == 0, again.output
    assert [r.key.respondent for r in ws.responses(CODE)] == ["Eve"]


# ---------------------------------------------------------------- symbolic links


@pytest.mark.store_damaged_on_purpose("a lock's owner file that is a symbolic link")
def test_a_symlinked_owner_file_never_overwrites_its_target(cli, workspace, tmp_path):
    saved(workspace)
    target = tmp_path / "precious.txt"
    target.write_text("do not touch")
    owner = workspace.root / "locks" / f"{CODE}.owner"
    owner.unlink(missing_ok=True)
    owner.symlink_to(target)
    result = cli("interview", CODE, "--bank", "mini", "--role", "council", "--respondent", "Eve",
                 "--wave", "2026-27", "--answers", _answers_file(tmp_path),
                 workspace=workspace.root)
    assert target.read_text() == "do not touch"
    assert result.exit_code == 1
    assert f"locks/{CODE}.owner is a symbolic link" in result.stderr
    assert "stocktake doctor" in result.stderr


@pytest.mark.store_damaged_on_purpose("a lock file that is a symbolic link to itself")
def test_a_lock_that_links_to_itself_is_a_clear_error_not_eloop(cli, workspace):
    saved(workspace)
    lock = workspace.root / "locks" / f"{CODE}.lock"
    lock.unlink()
    lock.symlink_to(lock)
    result = cli("partnerships", "add", "E08000025", workspace=workspace.root)  # index: fine
    assert result.exit_code == 0
    with pytest.raises(StocktakeError, match=r"E09000007.lock is a symbolic link"):
        saved(workspace, "Eve")


@pytest.mark.store_damaged_on_purpose("a lock file that is a symbolic link to a file outside")
def test_a_lock_linked_to_a_file_does_not_empty_that_file(workspace, tmp_path):
    saved(workspace)
    target = tmp_path / "precious.txt"
    target.write_text("do not touch")
    lock = workspace.root / "locks" / f"{CODE}.lock"
    lock.unlink()
    lock.symlink_to(target)
    with pytest.raises(StocktakeError, match="is a symbolic link"):
        saved(workspace, "Eve")
    assert target.read_text() == "do not touch"


@pytest.mark.store_damaged_on_purpose("a partnership's file that is a symbolic link")
def test_a_symlinked_shard_is_refused_by_name_and_its_target_untouched(cli, workspace, tmp_path):
    saved(workspace)
    target = tmp_path / "elsewhere.json"
    shard = workspace.shard_path(CODE)
    target.write_bytes(shard.read_bytes())
    shard.unlink()
    shard.symlink_to(target)
    before = target.read_bytes()
    result = cli("answers", CODE, "--bank", "mini", "--wave", "2026-27", workspace=workspace.root)
    assert result.exit_code == 1
    assert f"partnerships/{CODE}.json is a symbolic link" in result.stderr
    assert "stocktake doctor" in result.stderr
    with pytest.raises(StocktakeError, match="is a symbolic link"):
        saved(workspace, "Eve")
    assert target.read_bytes() == before


@pytest.mark.store_damaged_on_purpose("a store folder that is a symbolic link")
@pytest.mark.parametrize("folder", ["partnerships", "backups", "locks"])
def test_a_symlinked_store_folder_is_refused_and_nothing_lands_in_its_target(workspace, tmp_path,
                                                                            folder):
    saved(workspace)
    outside = tmp_path / "outside"
    (workspace.root / folder).rename(outside)
    (workspace.root / folder).symlink_to(outside, target_is_directory=True)
    before = {p: p.read_bytes() for p in outside.rglob("*") if p.is_file()}
    with pytest.raises(StocktakeError, match=f"{folder} is a symbolic link"):
        saved(workspace, "Eve")
    assert {p: p.read_bytes() for p in outside.rglob("*") if p.is_file()} == before


def test_a_link_planted_at_the_temporary_name_is_not_written_through(workspace, tmp_path):
    saved(workspace)
    target = tmp_path / "precious.txt"
    target.write_text("do not touch")
    shard = workspace.shard_path(CODE)
    (shard.parent / f".{shard.name}.{os.getpid()}.tmp").symlink_to(target)
    saved(workspace, "Eve")
    assert target.read_text() == "do not touch"
    assert {r.key.respondent for r in workspace.responses(CODE)} == {"Director", "Eve"}


@pytest.mark.store_damaged_on_purpose("symbolic links planted in the workspace")
def test_doctor_reports_every_link_in_the_workspace_as_damage(cli, workspace, tmp_path):
    saved(workspace)
    (tmp_path / "t").write_text("x")
    (workspace.root / "locks" / f"{CODE}.owner").unlink(missing_ok=True)
    (workspace.root / "locks" / f"{CODE}.owner").symlink_to(tmp_path / "t")
    (workspace.backup_dir / "stray").symlink_to(tmp_path)
    assert [p.name for p in find_links(workspace)] == ["stray", f"{CODE}.owner"]
    result = cli("doctor", "--json", workspace=workspace.root)
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False
    assert {link["path"] for link in data["links"]} == {"backups/stray", f"locks/{CODE}.owner"}
    result = cli("doctor", workspace=workspace.root)
    assert f"DAMAGED  locks/{CODE}.owner: a symbolic link" in result.stdout
    assert "No damage found" not in result.stdout
    assert all(r.ok for r in check_workspace(workspace))  # the store files themselves are fine


def _answers_file(tmp_path):
    path = tmp_path / "answers.csv"
    path.write_text("question,value,evidence\nvision.statement,yes,\n")
    return path


@pytest.mark.parametrize("code", BAD_CODES[:4])
def test_the_index_never_lists_a_code_that_could_not_name_a_file(workspace, code):
    from stocktake.partnerships.model import Partnership

    with pytest.raises(StocktakeError, match="is not a usable partnership code"):
        workspace.add_partnerships([partnership_for(CODE), Partnership(code, "Outside")])
    assert workspace.partnerships() == []  # a bad code stores none of them


def test_a_form_whose_about_sheet_names_a_path_writes_nothing_outside_the_workspace(cli,
                                                                                  tmp_path):
    from openpyxl import load_workbook

    from helpers.forms import FILLED, fill

    form = tmp_path / "forms" / "camden.xlsx"
    form.parent.mkdir()
    assert cli("forms", "create", CODE, "--bank", "mini", "--role", "council", "--respondent",
               "Jo", "--wave", "2026-27", "--out", str(form)).exit_code == 0
    fill(form, FILLED)
    wb = load_workbook(form)
    about = wb["About"]
    (cell,) = [row[1] for row in about.iter_rows() if row[1].value == CODE]
    cell.value = "../../../../outside/config"
    wb.save(form)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "config.json").write_text('{"keep": true}')
    before = files_under(tmp_path)
    result = cli("forms", "import", str(form))
    assert result.exit_code == 1
    assert "is not a usable partnership code" in result.stderr
    assert (outside / "config.json").read_text() == '{"keep": true}'
    assert {f for f in files_under(tmp_path) - before if not f.startswith("ws/locks")} == set()
    assert cli("doctor").exit_code == 0


@pytest.mark.store_damaged_on_purpose("a FIFO in place of a partnership's file")
def test_a_fifo_in_place_of_a_shard_is_damage_not_a_hang(cli, workspace):
    saved(workspace)
    shard = workspace.shard_path(CODE)
    shard.unlink()
    os.mkfifo(shard)
    result = cli("answers", CODE, "--bank", "mini", "--wave", "2026-27", workspace=workspace.root)
    assert result.exit_code == 1 and "not a regular file" in result.stderr
    result = cli("doctor", workspace=workspace.root)
    assert result.exit_code == 1
    assert "DAMAGED  partnerships/E09000007.json: cannot be read (not a regular file)" in \
        result.stdout


@settings(max_examples=400, deadline=None)
@given(code=st.text(max_size=60) | st.from_regex(r"[A-Za-z0-9_./\\-]{0,45}", fullmatch=True))
def test_any_code_is_refused_or_names_one_file_directly_inside_partnerships(tmp_path_factory,
                                                                            code):
    root = tmp_path_factory.getbasetemp() / "any-code-ws"
    ws = Workspace(root)
    try:
        path = ws.shard_path(code)
    except StocktakeError:
        return
    assert path.parent == root / "partnerships"
    assert path.name == f"{code}.json" and "/" not in code and "\\" not in code
    assert not code.startswith(".") and code.strip() == code
    assert ws.lock_path(path).parent == root / "locks"


@pytest.mark.store_damaged_on_purpose("a lock file hard-linked to a file elsewhere")
@pytest.mark.parametrize("name", [f"{CODE}.owner", f"{CODE}.lock"])
def test_a_lock_file_hard_linked_to_a_file_elsewhere_leaves_that_file_alone(workspace, tmp_path,
                                                                            name):
    saved(workspace)
    target = tmp_path / "precious.txt"
    target.write_text("do not touch")
    planted = workspace.root / "locks" / name
    planted.unlink()
    os.link(target, planted)
    with pytest.raises(StocktakeError, match="has another name"):
        saved(workspace, "Eve")
    assert target.read_text() == "do not touch"


def test_doctor_reports_a_hard_linked_lock_file_and_the_write_is_refused(cli, workspace,
                                                                        tmp_path):
    saved(workspace)
    target = tmp_path / "precious.txt"
    target.write_text("do not touch")
    lock = workspace.root / "locks" / f"{CODE}.lock"
    lock.unlink()
    os.link(target, lock)
    result = cli("doctor", workspace=workspace.root)
    assert result.exit_code == 1
    assert f"DAMAGED  locks/{CODE}.lock: has another name (a hard link)" in result.stdout
    data = json.loads(cli("doctor", "--json", workspace=workspace.root).stdout)
    assert data["unsafe_lock_files"][0]["path"] == f"locks/{CODE}.lock"
    lock.unlink()
    assert cli("doctor", workspace=workspace.root).exit_code == 0
