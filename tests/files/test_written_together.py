"""Several files of one result land together or not at all (files.atomic.written_together):
a full disk part way through (a real small tmpfs) leaves none of the new files and the old
ones as they were, and `merge --data` leaves no national workbook without its data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.disks import leave_free
from helpers.filling import fill_mini

from stocktake.errors import DiskFull, StocktakeError
from stocktake.files.atomic import written_together
from stocktake.files.output_files import write_output_bytes
from stocktake.store.workspace import Workspace

STOCKTAKE = [sys.executable, "-m", "stocktake"]


def leftovers(*folders: Path) -> list[str]:
    return [p.name for f in folders if f.exists() for p in f.iterdir() if p.name.endswith(".tmp")]


def test_all_land_when_the_block_ends(tmp_path):
    with written_together():
        for name in ("a.csv", "b.csv", "c.csv"):
            write_output_bytes(tmp_path / name, name.encode())
            assert not (tmp_path / name).exists()  # staged, not yet under its name
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {
        "a.csv": b"a.csv", "b.csv": b"b.csv", "c.csv": b"c.csv"}
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in tmp_path.iterdir())


def test_a_full_disk_at_the_last_file_leaves_none_and_the_old_files_as_they_were(tmp_path,
                                                                                small_disk):
    (tmp_path / "a.csv").write_bytes(b"old a")
    leave_free(small_disk, 0)
    with pytest.raises(DiskFull) as caught:
        with written_together():
            write_output_bytes(tmp_path / "a.csv", b"new a")
            write_output_bytes(tmp_path / "b.csv", b"new b")
            write_output_bytes(small_disk / "c.csv", b"x" * 65536)
    assert f"disk full: cannot write {small_disk / 'c.csv'}" in caught.value.message
    assert caught.value.details == ["Nor were the other files of this command written: a.csv, "
                                    "b.csv (each left as it was)."]
    assert (tmp_path / "a.csv").read_bytes() == b"old a"
    assert not (tmp_path / "b.csv").exists() and not (small_disk / "c.csv").exists()
    assert leftovers(tmp_path, small_disk) == []


def test_any_error_in_the_block_leaves_nothing(tmp_path):
    with pytest.raises(StocktakeError, match="the data could not be made"):
        with written_together():
            write_output_bytes(tmp_path / "national.xlsx", b"workbook")
            raise StocktakeError("the data could not be made")
    assert list(tmp_path.iterdir()) == []


def test_an_inner_block_joins_the_outer_and_the_later_write_of_a_name_wins(tmp_path):
    with written_together():
        write_output_bytes(tmp_path / "a.csv", b"first")
        with written_together():
            write_output_bytes(tmp_path / "a.csv", b"second")
        assert not (tmp_path / "a.csv").exists()  # the inner block's end lands nothing
    assert (tmp_path / "a.csv").read_bytes() == b"second"
    assert leftovers(tmp_path) == []


def test_the_store_is_written_at_once_inside_a_block(tmp_path, mini_bank):
    ws = Workspace.open(tmp_path / "ws")
    with written_together():
        fill_mini(ws, mini_bank, ("E09000007",))
        # Read back in the same process, before the block ends: the store never waits.
        assert Workspace.open(tmp_path / "ws").find_partnership("E09000007") is not None


def test_merge_data_on_a_full_disk_leaves_no_national_workbook(tmp_path, small_disk, mini_bank):
    ws = Workspace.open(tmp_path / "ws")
    fill_mini(ws, mini_bank, ("E09000007", "E06000001"))
    env = {**os.environ, "NO_COLOR": "1", "STOCKTAKE_WORKSPACE": str(tmp_path / "ws")}

    def run(*args):
        return subprocess.run(STOCKTAKE + [str(a) for a in args], capture_output=True,
                              text=True, env=env, stdin=subprocess.DEVNULL, timeout=180)

    assert run("export", "--all", "--out", tmp_path / "exports").returncode == 0
    data = small_disk / "data"
    data.mkdir()
    leave_free(small_disk, 0)
    done = run("merge", tmp_path / "exports", "--out", tmp_path / "national.xlsx",
               "--data", data)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"disk full: cannot write {data}/" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "Internal error" not in done.stderr
    assert "Wrote" not in done.stdout  # nothing is said to be written that is not
    assert ("Nor were the other files of this command written: national.xlsx (each left as "
            "it was).") in " ".join(done.stderr.split()), done.stderr
    assert not (tmp_path / "national.xlsx").exists()
    assert list(data.iterdir()) == [] and leftovers(tmp_path) == []
    # With room, the same merge writes the workbook and its data.
    (small_disk / "filler").unlink()
    again = run("merge", tmp_path / "exports", "--out", tmp_path / "national.xlsx",
                "--data", data)
    assert again.returncode == 0, again.stdout + again.stderr
    assert (tmp_path / "national.xlsx").exists()
    assert sorted(p.suffix for p in data.iterdir()) == [".csv"] * 4
