"""The keyed seal: an HMAC-SHA256 with the national team's key, so a deliberate edit with the
plain seal recomputed is refused by `merge --key` as well as an accidental one."""

from __future__ import annotations

import json

import pytest

from stocktake.errors import StocktakeError
from stocktake.workbooks.exports import gather_export, write_export
from stocktake.national.merge import merge_workbooks
from stocktake.returns.seal import seal_key, seal_matches

from helpers.cells import answer_cell
from helpers.filling import WAVE, fill_mini
from helpers.hostile_files import recompute_seal, set_about

from helpers.seal_key import KEY


@pytest.fixture
def keyed_export(workspace, mini_bank, tmp_path):
    fill_mini(workspace, mini_bank, ("E09000007",))
    return write_export(gather_export(workspace, mini_bank, "E09000007", WAVE, with_names=True), "xlsx",
                        tmp_path / "returns", key=KEY)[0]


def test_a_keyed_export_merges_with_the_key(keyed_export, tmp_path):
    result = merge_workbooks([keyed_export], tmp_path / "n.xlsx", key=KEY)
    assert result.rejected == [] and len(result.merged) == 1


def test_an_edit_with_the_plain_seal_recomputed_is_refused_with_the_key(keyed_export,
                                                                       mini_bank, tmp_path):
    wb, cell = answer_cell(keyed_export, "Ann Council", "vision.known")
    cell.value = 4 if cell.value != 4 else 1
    wb.save(keyed_export)
    recompute_seal(keyed_export, mini_bank)
    # Without the key the forgery passes: that is what the plain seal cannot prove.
    assert merge_workbooks([keyed_export], tmp_path / "a.xlsx").rejected == []
    result = merge_workbooks([keyed_export], tmp_path / "b.xlsx", key=KEY)
    assert [r.reason for r in result.rejected] == [
        "keyed seal broken: the answer data was changed after export and its plain seal "
        "recomputed, or it was sealed with another key"]
    assert result.merged == []


def test_a_forged_keyed_seal_and_another_key_are_refused(keyed_export, tmp_path):
    set_about(keyed_export, {"keyed_seal": "0" * 64}, rows_too=False)
    assert "keyed seal broken" in merge_workbooks([keyed_export], tmp_path / "n.xlsx",
                                                  key=KEY).rejected[0].reason


def test_a_workbook_sealed_with_another_key_is_refused(keyed_export, tmp_path):
    other = b"another-team-key-0123456789abcdef"
    assert "keyed seal broken" in merge_workbooks([keyed_export], tmp_path / "n.xlsx",
                                                  key=other).rejected[0].reason


def test_a_workbook_without_a_keyed_seal_is_refused_by_name(workspace, mini_bank, tmp_path):
    fill_mini(workspace, mini_bank, ("E09000007",))
    plain = write_export(gather_export(workspace, mini_bank, "E09000007", WAVE, with_names=True), "xlsx",
                         tmp_path / "returns")[0]
    result = merge_workbooks([plain], tmp_path / "n.xlsx", key=KEY)
    assert result.rejected[0].path == plain
    assert result.rejected[0].reason.startswith("no keyed seal in the About sheet")


def test_export_and_merge_take_the_key_from_a_file_or_the_environment(cli, workspace,
                                                                     mini_bank, tmp_path,
                                                                     key_file, monkeypatch):
    fill_mini(workspace, mini_bank, ("E09000007", "E06000001"))
    assert cli("export", "E09000007", "--key", key_file, "--out", tmp_path / "r",
               workspace=workspace.root).exit_code == 0
    monkeypatch.setenv("STOCKTAKE_SEAL_KEY", KEY.decode())
    assert cli("export", "E06000001", "--out", tmp_path / "r",
               workspace=workspace.root).exit_code == 0
    monkeypatch.delenv("STOCKTAKE_SEAL_KEY")
    done = cli("merge", tmp_path / "r", "--out", tmp_path / "n.xlsx", "--key", key_file,
               "--json")
    assert done.exit_code == 0, done.output
    assert len(json.loads(done.stdout)["merged"]) == 2


def test_a_short_or_missing_key_is_refused_before_anything_is_written(cli, tmp_path,
                                                                      monkeypatch):
    short = tmp_path / "short.key"
    short.write_text("secret\n")
    done = cli("merge", tmp_path, "--out", tmp_path / "n.xlsx", "--key", short)
    assert done.exit_code == 1
    assert "the seal key is 6 bytes; it needs at least 16" in done.stderr
    done = cli("export", "--all", "--key", tmp_path / "nope.key")
    assert done.exit_code == 1 and "nope.key: cannot read the seal key" in done.stderr
    monkeypatch.setenv("STOCKTAKE_SEAL_KEY", "short")
    with pytest.raises(StocktakeError, match="STOCKTAKE_SEAL_KEY: the seal key is 5 bytes"):
        seal_key()


def test_seals_are_compared_in_constant_time_and_exactly():
    assert seal_matches("ab" * 32, "ab" * 32)
    assert not seal_matches("ab" * 32, "ab" * 31 + "ac")
    assert not seal_matches("ab" * 32, "\u00e9" * 64)
