"""Read-only workspaces: every read command works, a write says the workspace is read-only, and
no command widens a mode. The mount is real (tmpfs remounted read-only, which binds root too);
the chmod case is checked by modes, since the tests run as root, whom chmod does not stop."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess

import pytest

from stocktake.partnerships.model import partnership_for
from stocktake.records.responses import ANSWERED, Answer, ResponseKey
from stocktake.store.workspace import Workspace

CODE = "E09000007"
READS = [("partnerships", "list"), ("answers", CODE, "--bank", "mini", "--wave", "2026-27"),
         ("scores", CODE, "--bank", "mini", "--wave", "2026-27"),
         ("benchmark", "--bank", "mini", "--wave", "2026-27"), ("privacy-check",), ("doctor",),
         ("partnerships", "list", "--json"), ("doctor", "--json")]
WRITES = [("partnerships", "add", "E08000025"),
          ("moderate", CODE, "--bank", "mini", "--wave", "2026-27", "--area", "vision",
           "--score", "40", "--reason", "seen", "--adviser", "A"),
          pytest.param(("doctor", "--restore"), marks=pytest.mark.store_damaged_on_purpose(
              "workspace.json damaged, for --restore to be refused on a read-only mount"))]


def fill(root) -> None:
    ws = Workspace.open(root)
    for n in range(2):
        ws.add_partnerships([partnership_for(CODE)])
        ws.save_answer(ResponseKey(CODE, "mini", "2026-27", "Director"),
                       Answer("vision.statement", ANSWERED, ["no", "yes"][n]), role="council")


def modes(root) -> dict[str, int]:
    return {str(p.relative_to(root)): stat.S_IMODE(p.lstat().st_mode)
            for p in [root, *root.rglob("*")]}


@pytest.fixture
def read_only_workspace(tmp_path):
    mount = tmp_path / "mnt"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "none", str(mount)],
                          capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({made.stderr.strip() or 'not root'})")
    try:
        fill(mount / "ws")
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        yield mount / "ws"
    finally:
        subprocess.run(["umount", str(mount)], check=False)


@pytest.mark.parametrize("args", READS, ids=" ".join)
def test_every_read_command_works_on_a_read_only_mount(cli, read_only_workspace, args):
    before = modes(read_only_workspace)
    result = cli(*args, workspace=read_only_workspace)
    assert result.exit_code == 0, result.output
    assert modes(read_only_workspace) == before


@pytest.mark.parametrize("args", WRITES, ids=" ".join)
def test_a_write_on_a_read_only_mount_says_the_workspace_is_read_only(cli, read_only_workspace,
                                                                      args):
    if args == ("doctor", "--restore"):
        index = read_only_workspace / "workspace.json"
        # A damaged file is what --restore would write: the damage is seen, the write refused.
        subprocess.run(["mount", "-o", "remount,rw", str(read_only_workspace.parent)], check=True)
        index.write_text("{")
        subprocess.run(["mount", "-o", "remount,ro", str(read_only_workspace.parent)], check=True)
    result = cli(*args, workspace=read_only_workspace)
    assert result.exit_code == 1
    assert "the workspace is read-only" in result.stderr
    assert "read-only file system" in result.stderr
    assert "Internal error" not in result.output


def test_a_read_only_mount_is_not_reported_as_cannot_create(cli, read_only_workspace):
    result = cli("partnerships", "list", workspace=read_only_workspace)
    assert "cannot create workspace" not in result.output
    assert result.exit_code == 0, result.output
    assert CODE in result.stdout


@pytest.mark.parametrize("args", READS, ids=" ".join)
def test_a_read_command_never_widens_a_workspace_made_read_only_with_chmod(cli, tmp_path, args):
    root = tmp_path / "ws"
    fill(root)
    subprocess.run(["chmod", "-R", "a-w", str(root)], check=True)
    before = modes(root)
    assert all(not mode & 0o222 for mode in before.values())
    try:
        result = cli(*args, workspace=root)
        assert result.exit_code == 0, result.output
        assert modes(root) == before
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(root)], check=True)


def test_a_write_narrows_a_shared_folder_but_never_widens_an_owner_bit(tmp_path):
    root = tmp_path / "ws"
    root.mkdir(mode=0o755)
    root.chmod(0o755)
    Workspace.open(root)
    assert stat.S_IMODE(root.stat().st_mode) == 0o755  # opening (any read) changes nothing
    fill(root)
    assert stat.S_IMODE(root.stat().st_mode) == 0o700  # the first write makes it owner-only


def without_permission_override(args: list[str], root) -> subprocess.CompletedProcess:
    """`stocktake -w root ARGS` as root without the capabilities that let root ignore modes, so
    `chmod a-w` binds it as it binds every other user."""
    import sys
    from pathlib import Path

    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("setpriv is not installed: cannot drop root's permission override")
    command = [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner",
               str(Path(sys.executable).with_name("stocktake")), "-w", str(root), *args]
    return subprocess.run(command, capture_output=True, text=True, env=os.environ.copy(),
                          stdin=subprocess.DEVNULL, timeout=60)


def test_after_chmod_a_w_reads_work_and_a_write_says_read_only(tmp_path):
    root = tmp_path / "ws"
    fill(root)
    subprocess.run(["chmod", "-R", "a-w", str(root)], check=True)
    before = modes(root)
    try:
        probe = without_permission_override(["partnerships", "list"], root)
        if probe.returncode != 0 and "setpriv" in probe.stderr:
            pytest.skip(f"setpriv refused: {probe.stderr.strip()}")
        assert probe.returncode == 0, probe.stderr
        assert "Camden" in probe.stdout
        wrote = without_permission_override(["partnerships", "add", "E08000025"], root)
        assert wrote.returncode == 1
        assert "the workspace is read-only" in wrote.stderr
        assert "permission denied" in wrote.stderr
        assert "Internal error" not in wrote.stderr
        assert modes(root) == before
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(root)], check=True)


def test_a_full_disk_says_disk_full_names_the_file_and_keeps_the_old_version(cli, tmp_path):
    mount = tmp_path / "small"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "none", str(mount)],
                          capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({made.stderr.strip() or 'not root'})")
    try:
        root = mount / "ws"
        fill(root)
        shard = root / "partnerships" / f"{CODE}.json"
        before = shard.read_bytes()
        filler = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT)  # take every free block
        try:
            while True:
                os.write(filler, b"\0" * 4096)
        except OSError:
            pass
        finally:
            os.close(filler)
        big = "x" * 30_000  # more than any block left, less than a cell holds
        answers = tmp_path / "answers.csv"
        answers.write_text(f"question,value,evidence\nvision.statement,yes,{big}\n")
        result = cli("interview", CODE, "--bank", "mini", "--role", "council", "--respondent",
                     "Eve", "--wave", "2026-27", "--answers", str(answers), workspace=root)
        assert result.exit_code == 1
        assert "disk full" in result.stderr and "nothing of this change was stored" in \
            result.stderr
        assert "Internal error" not in result.output
        assert shard.read_bytes() == before
        assert not list((root / "partnerships").glob(".*.tmp"))  # no half-written leftover
    finally:
        subprocess.run(["umount", str(mount)], check=False)
