"""Files written for people: owner-only unless --shared, whole or not at all, and a full disk
said in plain words (a real small tmpfs, and RLIMIT_FSIZE in a subprocess)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers.disks import leave_free

from stocktake.partnerships.model import partnership_for
from stocktake.store.workspace import Workspace
from stocktake.workbooks.forms import create_form

from helpers.filling import WAVE, fill_mini
from helpers.forms import FILLED, fill
from helpers.paths import DATA

STOCKTAKE = [sys.executable, "-m", "stocktake"]


@contextmanager
def umask(mask: int):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def modes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mode & 0o777 for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def filled_ws(tmp_path, mini_bank) -> Path:
    ws = Workspace.open(tmp_path / "ws")
    fill_mini(ws, mini_bank, ("E09000007", "E06000001"))
    return tmp_path / "ws"


def write_everything(cli, tmp_path: Path, out: Path, *extra: str) -> None:
    """export (xlsx, csv, json), benchmark --xlsx, forms create, merge --out, demo."""
    for fmt in ("xlsx", "csv", "json"):
        assert cli("export", "--all", "--format", fmt, "--out", out / "exports",
                   *extra).exit_code == 0
    assert cli("benchmark", "--bank", "mini", "--wave", WAVE, "--xlsx", out / "bench.xlsx",
               *extra).exit_code == 0
    assert cli("forms", "create", "E09000007", "--bank", "mini", "--role", "council",
               "--wave", WAVE, "--out", out / "forms" / "form.xlsx", *extra).exit_code == 0
    assert cli("merge", out / "exports", "--out", out / "national.xlsx",
               *extra).exit_code == 0
    assert cli("demo", "--bank", "mini", "--partnerships", "2", "--respondents", "2",
               "--out", out / "demo", *extra, workspace=tmp_path / "demo-ws").exit_code == 0


@pytest.mark.parametrize("mask", [0o022, 0o000])
def test_every_file_written_for_people_is_owner_only_whatever_the_umask(cli, filled_ws,
                                                                         tmp_path, mask):
    out = tmp_path / "out"
    with umask(mask):
        write_everything(cli, tmp_path, out)
    found = modes(out)
    assert len(found) >= 11, found
    assert {name: mode for name, mode in found.items() if mode != 0o600} == {}
    # Folders stocktake made for them are owner-only too.
    assert (out / "exports").stat().st_mode & 0o777 == 0o700


def test_shared_files_follow_the_umask(cli, filled_ws, tmp_path):
    out = tmp_path / "out"
    with umask(0o022):
        write_everything(cli, tmp_path, out, "--shared")
    found = modes(out)
    assert {name: mode for name, mode in found.items() if mode != 0o644} == {}


def test_an_export_over_an_older_world_readable_file_makes_it_owner_only(cli, filled_ws,
                                                                          tmp_path):
    out = tmp_path / "exports"
    out.mkdir()
    old = out / f"E09000007-mini-{WAVE}.csv"
    old.write_text("old")
    old.chmod(0o666)
    assert cli("export", "E09000007", "--format", "csv", "--out", out).exit_code == 0
    assert old.stat().st_mode & 0o777 == 0o600 and old.read_text() != "old"


# ---------------------------------------------------------------- a full disk


def run_cli(*args, ws: Path, env_extra=None, preexec=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1", "STOCKTAKE_WORKSPACE": str(ws), **(env_extra or {})}
    return subprocess.run(STOCKTAKE + [str(a) for a in args], capture_output=True, text=True,
                          env=env, stdin=subprocess.DEVNULL, timeout=120, preexec_fn=preexec)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_on_a_full_disk_says_disk_full_and_leaves_no_partial_file(filled_ws, small_disk,
                                                                         fmt):
    out = small_disk / "exports"
    out.mkdir()
    leave_free(small_disk, 0)
    done = run_cli("export", "E09000007", "--format", fmt, "--out", out, ws=filled_ws)
    assert done.returncode == 1
    assert f"disk full: cannot write {out}/E09000007-mini-{WAVE}" in done.stderr, done.stderr
    assert "Internal error" not in done.stderr and "Exception ignored" not in done.stderr
    assert "Traceback" not in done.stderr
    assert list(out.iterdir()) == []


def test_export_past_the_file_size_limit_says_disk_full(filled_ws, tmp_path):
    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    out = tmp_path / "exports"
    done = run_cli("export", "E09000007", "--out", out, ws=filled_ws, preexec=limit)
    assert done.returncode == 1
    assert f"disk full: cannot write {out}/E09000007-mini-{WAVE}.xlsx (File too large)" in \
        done.stderr, done.stderr
    assert "Exception ignored" not in done.stderr and "Internal error" not in done.stderr
    assert not out.exists() or list(out.iterdir()) == []


def test_forms_import_on_a_full_disk_lists_what_was_stored_and_what_not(mini_bank, tmp_path,
                                                                        small_disk):
    import json

    codes = ["E09000007", "E06000001", "E08000025", "E09000001", "E09000002", "E09000003",
             "E09000004", "E09000005", "E09000006", "E09000008"]
    returns = tmp_path / "returns"
    returns.mkdir()
    for n, code in enumerate(codes):
        form = create_form(returns / f"{n:02d}-{code}.xlsx", mini_bank, partnership_for(code),
                           "council", WAVE, "Jo Bloggs")
        fill(form, FILLED)
    ws_dir = small_disk / "ws"
    Workspace.open(ws_dir)
    leave_free(small_disk, 24 * 1024)
    done = run_cli("forms", "import", returns, "--json", ws=ws_dir,
                   env_extra={"STOCKTAKE_BANK_PATH": str(DATA)})
    assert done.returncode == 1
    assert "Internal error" not in done.stderr and "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    stored = [Path(r["file"]).name for r in report["stored"]]
    not_stored = [Path(r["file"]).name for r in report["refused"]]
    assert stored and not_stored, report
    assert sorted(stored + not_stored) == sorted(p.name for p in returns.iterdir())
    assert report["refused"][0]["reason"].startswith("not stored: disk full: ")
    assert "could not be written; nothing of this change was stored" in \
        report["refused"][0]["reason"]
    assert all(r["reason"] == "not stored: the disk is full" for r in report["refused"][1:])
    # What it says was stored is in the store; what it says was not, is not.
    (small_disk / "filler").unlink()
    held = {r.key.partnership for r in Workspace.open(ws_dir).responses()}
    assert held == {name[3:12] for name in stored}
    doctor = run_cli("doctor", ws=ws_dir)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr


def test_forms_import_on_a_full_disk_says_so_in_the_terminal(mini_bank, tmp_path, small_disk):
    returns = tmp_path / "returns"
    returns.mkdir()
    for n, code in enumerate(["E09000007", "E06000001"]):
        fill(create_form(returns / f"{n}.xlsx", mini_bank, partnership_for(code), "council",
                         WAVE, "Jo"), FILLED)
    ws_dir = small_disk / "ws"
    Workspace.open(ws_dir)
    leave_free(small_disk, 0)
    done = run_cli("forms", "import", returns, ws=ws_dir,
                   env_extra={"STOCKTAKE_BANK_PATH": str(DATA)})
    assert done.returncode == 1
    assert "Error: disk full: " in done.stderr and "could not be written" in done.stderr
    assert "Stored 0 form(s) before the disk filled; not stored (2): 0.xlsx, 1.xlsx." in \
        " ".join(done.stderr.split())


def folder_modes(top: Path) -> dict[str, int]:
    """Every folder under `top` (itself included), by its path below `top`."""
    return {str(p.relative_to(top.parent)): p.stat().st_mode & 0o777
            for p in [top, *top.rglob("*")] if p.is_dir()}


def _word() -> bool:
    try:
        import docx  # noqa: F401
    except ImportError:
        return False
    return True


def make_every_output_folder(cli, tmp_path: Path, out: Path, *extra: str) -> list[str]:
    """Each command that writes for people, aimed at a folder two levels deep that does not
    exist yet; returns the top folders made (one per command)."""
    assert cli("round", "plan", "--bank", "mini", "--wave", WAVE, "--roles", "council",
               "-p", "E09000007").exit_code == 0
    xlsform = out / "xlsform" / "deep" / "mini.xlsx"
    runs = {
        "forms-all": ("forms", "create", "--all", "--bank", "mini", "--wave", WAVE,
                      "--out", out / "forms-all" / "deep", *extra),
        "form-one": ("forms", "create", "E09000007", "--bank", "mini", "--role", "council",
                     "--wave", WAVE, "--out", out / "form-one" / "deep" / "f.xlsx", *extra),
        "export-all": ("export", "--all", "--out", out / "export-all" / "deep", *extra),
        "export-one": ("export", "E09000007", "--out", out / "export-one" / "deep", *extra),
        "benchmark": ("benchmark", "--bank", "mini", "--wave", WAVE, "--xlsx",
                      out / "benchmark" / "deep" / "b.xlsx", *extra),
        "merge": ("merge", out / "export-all", "--out", out / "merge" / "deep" / "n.xlsx",
                  *extra),
        "chase": ("status", "--bank", "mini", "--wave", WAVE, "--chase",
                  out / "chase" / "deep" / "chase.csv"),
        "status-xlsx": ("status", "--bank", "mini", "--wave", WAVE, "--xlsx",
                        out / "status-xlsx" / "deep" / "s.xlsx"),
        "xlsform": ("banks", "export-xlsform", "mini", "--out", xlsform),
        "report": ("report", "E09000007", "--bank", "mini", "--wave", WAVE, "--out",
                   out / "report" / "deep" / "r.html",
                   # Word needs python-docx and its lxml (CI runs this file once without lxml).
                   *(("--docx", out / "report" / "deep-docx" / "r.docx") if _word() else ())),
    }
    for name, args in runs.items():
        result = cli(*args)
        assert result.exit_code == 0, (name, result.output)
    result = cli("banks", "import-xlsform", xlsform, "--out",
                 out / "import-xlsform" / "deep" / "mini.toml")
    assert result.exit_code == 0, result.output
    result = cli("demo", "--bank", "mini", "--partnerships", "2", "--respondents", "2",
                 "--out", out / "demo" / "deep", *extra, workspace=tmp_path / "demo-ws")
    assert result.exit_code == 0, result.output
    return [*runs, "import-xlsform", "demo"]


def test_every_folder_a_command_creates_is_owner_only_whatever_the_umask(cli, filled_ws,
                                                                        tmp_path):
    """Issue 28 kind 5: `forms create --all --out DIR` made DIR with the umask's mode (0755);
    every command's folders, parents included, are 0700 (one helper makes them all)."""
    out = tmp_path / "out"
    out.mkdir()
    with umask(0o022):
        made = make_every_output_folder(cli, tmp_path, out)
    found = {}
    for name in made:
        assert (out / name).is_dir(), name
        found.update(folder_modes(out / name))
    assert len(found) >= 2 * len(made)
    assert {path: oct(mode) for path, mode in found.items() if mode != 0o700} == {}


def test_an_existing_folder_keeps_its_mode(cli, filled_ws, tmp_path):
    out = tmp_path / "mine"
    out.mkdir(mode=0o755)
    out.chmod(0o755)
    with umask(0o022):
        assert cli("export", "--all", "--out", out).exit_code == 0
    assert out.stat().st_mode & 0o777 == 0o755
    assert set(modes(out).values()) == {0o600}


def test_shared_folders_follow_the_umask(cli, filled_ws, tmp_path):
    out = tmp_path / "out"
    with umask(0o022):
        assert cli("round", "plan", "--bank", "mini", "--wave", WAVE, "--roles", "council",
                   "-p", "E09000007").exit_code == 0
        result = cli("forms", "create", "--all", "--bank", "mini", "--wave", WAVE, "--out",
                     out / "forms" / "deep", "--shared")
        assert result.exit_code == 0, result.output
        assert cli("export", "--all", "--out", out / "exports" / "deep",
                   "--shared").exit_code == 0
    assert set(folder_modes(out).values()) == {0o755}
    assert set(modes(out).values()) == {0o644}
