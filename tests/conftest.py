"""Shared fixtures: a real workspace in a temporary folder, the test bank, and the CLI in-process.

Every test's workspaces are checked by the doctor after it passes (`pytest_runtest_call`): a
test that leaves a store `stocktake doctor` would fail on fails too, unless it is marked
`@pytest.mark.store_damaged_on_purpose("why")`.
"""

from __future__ import annotations

import io
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
REPO = TESTS.parent

# Shared helpers' asserts report like a test's own (tests/helpers/__init__.py).
pytest.register_assert_rewrite("helpers")

pytest_plugins = ["pytester"]  # tests/store/test_doctor_check.py runs tests of the doctor check

DAMAGE_MARKER = "store_damaged_on_purpose"
# Inside a workspace these hold backups, locks and shards, never another workspace.
_WORKSPACE_PARTS = {"backups", "locks", "partnerships"}


def workspaces_under(folder: Path) -> list[Path]:
    """Every stocktake workspace in `folder` (links not followed): a folder holding
    `workspace.json`, or `partnerships/` beside `locks/` (written to, its index lost)."""
    found = []
    try:
        entries = {e.name: e for e in os.scandir(folder)}
    except OSError:
        return found
    parts = {n for n in ("partnerships", "locks") if n in entries
             and entries[n].is_dir(follow_symlinks=False)}
    is_workspace = "workspace.json" in entries or parts == {"partnerships", "locks"}
    if is_workspace:
        found.append(folder)
    for name, entry in sorted(entries.items()):
        if entry.is_dir(follow_symlinks=False) and not (is_workspace and name in _WORKSPACE_PARTS):
            found += workspaces_under(Path(entry.path))
    return found


def _readable_again(root: Path) -> None:
    """Give the owner back read (and search) permission a test took away with chmod, so the
    doctor sees the files; root needs none (the suite runs as root in CI)."""
    if getattr(os, "geteuid", lambda: -1)() == 0:
        return
    for folder, dirs, files in os.walk(root, followlinks=False,
                                       onerror=lambda exc: _owner_may_read(Path(exc.filename))):
        for name in dirs + files:
            _owner_may_read(Path(folder) / name)


def _owner_may_read(path: Path) -> None:
    try:
        mode = path.lstat().st_mode
        wanted = stat.S_IRUSR | (stat.S_IXUSR if stat.S_ISDIR(mode) else 0)
        if stat.S_ISLNK(mode) or mode & wanted == wanted:
            return
        path.chmod(stat.S_IMODE(mode) | wanted)
    except OSError:
        pass


def doctor_findings(folder: Path) -> dict[Path, list[str]]:
    """What `stocktake doctor` finds wrong in each workspace under `folder` (healthy ones left
    out), checked in-process with the core the command calls."""
    from stocktake.cli.doctor import verify_cache
    from stocktake.store.doctor import diagnose
    from stocktake.store.workspace import Workspace

    unhealthy = {}
    for root in workspaces_under(folder):
        _readable_again(root)
        # not Workspace.open: that would create folders
        found = diagnose(Workspace(root), verify_cache)
        if not found.healthy:
            unhealthy[root] = found.findings()
    return unhealthy


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After a test passes, the doctor checks every workspace it left under its tmp_path.

    Run in the call phase, before fixtures are torn down: the test's bank path is still set
    and its mounts are still there, and a finding fails the test itself.
    """
    marker = item.get_closest_marker(DAMAGE_MARKER)
    if marker is not None and not (marker.args and str(marker.args[0]).strip()):
        pytest.fail(f"@pytest.mark.{DAMAGE_MARKER} needs the reason: what the test damages "
                    "on purpose", pytrace=False)
    result = yield  # a test that failed or was skipped stops here, with its own report
    folder = item.funcargs.get("tmp_path") if hasattr(item, "funcargs") else None
    if folder is None:
        return result
    unhealthy = doctor_findings(folder)
    if marker is None and unhealthy:
        pytest.fail("stocktake doctor fails on a workspace this test left:\n"
                    + "\n".join(_shown(root, lines) for root, lines in unhealthy.items())
                    + f"\n(a test that damages the store on purpose says so: "
                      f"@pytest.mark.{DAMAGE_MARKER}(\"why\"))", pytrace=False)
    if marker is not None and not unhealthy:
        pytest.fail(f"marked {DAMAGE_MARKER} ({marker.args[0]}), yet stocktake doctor passes "
                    "on every workspace it leaves: remove the marker", pytrace=False)
    return result


def _shown(root: Path, lines: list[str], most: int = 12) -> str:
    more = [f"    ... and {len(lines) - most} more"] if len(lines) > most else []
    return "\n".join([f"  {root}", *(f"    - {line}" for line in lines[:most]), *more])


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path):
    """No test touches the user's real workspace; the test banks are findable by id."""
    monkeypatch.setenv("STOCKTAKE_WORKSPACE", str(tmp_path / "default-ws"))
    monkeypatch.setenv("STOCKTAKE_BANK_PATH", str(DATA))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")


@pytest.fixture
def mini_bank():
    from stocktake.banks.loading import load_bank

    return load_bank(DATA / "mini.toml")


@pytest.fixture
def workspace(tmp_path):
    from stocktake.store.workspace import Workspace

    return Workspace.open(tmp_path / "ws")


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@pytest.fixture
def cli(tmp_path, capsys, monkeypatch):
    """Run `stocktake ARGS...` in-process through the real entry point (error rendering included).

    The workspace is tmp_path/ws unless the arguments name one. `input` feeds stdin (not a TTY).
    """
    from stocktake.cli.main import run

    def invoke(*args: str, input: str | None = None, workspace: Path | None = None) -> Result:
        argv = ["stocktake"]
        if "-w" not in args and "--workspace" not in args:
            argv += ["-w", str(workspace or tmp_path / "ws")]
        argv += [str(a) for a in args]
        monkeypatch.setattr(sys, "argv", argv)
        monkeypatch.setattr(sys, "stdin", io.StringIO(input or ""))
        capsys.readouterr()
        code = 0
        try:
            run()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return invoke


@pytest.fixture
def small_disk(tmp_path):
    """A real 1 MiB tmpfs; the test fills it to the space it wants (helpers.disks.leave_free).
    Skipped where mounting is not allowed (not root, no tmpfs)."""
    import subprocess

    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs",
                           str(mount)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip() or done.returncode}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)

