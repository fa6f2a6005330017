"""How commands take their arguments: waves checked alike, -w anywhere, reads never create."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from stocktake.cli.app import hoist_workspace

from helpers.filling import WAVE, one_respondent

READ_COMMANDS_WITH_WAVE = [
    ["scores", "E09000007", "--bank", "mini"],
    ["benchmark", "--bank", "mini"],
    ["answers", "E09000007", "--bank", "mini"],
    ["export", "E09000007", "--bank", "mini"],
    ["privacy-check", "E09000007"],
]


@pytest.mark.parametrize("args", READ_COMMANDS_WITH_WAVE, ids=lambda a: a[0])
@pytest.mark.parametrize("wave", ["2026/27", "2026-28", "26-27", "2026"])
def test_read_commands_refuse_a_malformed_wave_as_not_a_wave(cli, nation, args, wave):
    result = cli(*args, "--wave", wave, workspace=nation.root)
    assert result.exit_code == 2, result.output
    assert f"'{wave}' is not a wave" in result.stderr
    assert "no responses" not in result.output


def test_trend_refuses_waves_given_backwards_with_the_reason(cli, nation):
    nation.write_responses("E09000007", one_respondent("E09000007", 2, "full", "2025-26"))
    result = cli("trend", "E09000007", "--bank", "mini", "--from", "2026-27", "--to", "2025-26",
                 workspace=nation.root)
    assert result.exit_code == 2
    assert "--from 2026-27 is later than --to 2025-26" in result.stderr
    assert "--from 2025-26 --to 2026-27" in result.stderr
    same = cli("trend", "E09000007", "--bank", "mini", "--from", WAVE, "--to", WAVE,
               workspace=nation.root)
    assert same.exit_code == 2 and "same wave" in same.stderr
    bad = cli("trend", "E09000007", "--bank", "mini", "--from", "2025/26", "--to", WAVE,
              workspace=nation.root)
    assert bad.exit_code == 2 and "'2025/26' is not a wave" in bad.stderr
    forwards = cli("trend", "E09000007", "--bank", "mini", "--from", "2025-26", "--to", WAVE,
                   workspace=nation.root)
    assert forwards.exit_code == 0, forwards.output


@pytest.mark.parametrize("args", [
    ["scores", "E09000007"], ["benchmark"], ["trend", "E09000007", "--from", "2025-26", "--to",
                                             "2026-27"],
    ["answers", "E09000007"], ["partnerships", "list"], ["export", "E09000007"],
    ["privacy-check"], ["doctor"]], ids=lambda a: a[0] + ("-" + a[1] if a[0] == "partnerships"
                                                          else ""))
def test_read_command_with_a_missing_workspace_folder_refuses_and_creates_nothing(cli, tmp_path,
                                                                                  args):
    missing = tmp_path / "no-such-folder"
    result = cli("-w", str(missing), *args)
    assert result.exit_code == 1, result.output
    assert f"there is no workspace at {missing}" in result.stderr
    assert not missing.exists()


def test_a_write_command_still_creates_a_new_workspace(cli, tmp_path):
    fresh = tmp_path / "fresh"
    assert cli("-w", str(fresh), "partnerships", "add", "E09000007").exit_code == 0
    assert (fresh / "workspace.json").exists()


@pytest.mark.parametrize("placement", [
    lambda ws: ["scores", "-w", ws, "E09000007", "--bank", "mini"],
    lambda ws: ["scores", "E09000007", "--bank", "mini", "-w", ws],
    lambda ws: ["scores", "E09000007", "--workspace", ws, "--bank", "mini"],
    lambda ws: ["scores", "E09000007", f"--workspace={ws}", "--bank", "mini"],
    lambda ws: ["scores", "E09000007", f"-w{ws}", "--bank", "mini"],
], ids=["after-command", "at-end", "long", "long-equals", "attached"])
def test_workspace_option_works_after_the_command_name(nation, placement):
    """The installed command in a subprocess, so the real argument parsing is used."""
    exe = Path(sys.executable).with_name("stocktake")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "stocktake"]
    done = subprocess.run(command + placement(str(nation.root)), capture_output=True, text=True,
                          env={**os.environ, "NO_COLOR": "1"}, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Camden (E09000007)" in done.stdout


def test_workspace_option_after_a_group_subcommand(cli, tmp_path):
    ws = tmp_path / "nested"
    assert cli("partnerships", "add", "E09000007", "-w", str(ws)).exit_code == 0
    listed = cli("partnerships", "list", "--json", "-w", str(ws))
    assert listed.exit_code == 0 and '"E09000007"' in listed.stdout


def test_hoisting_leaves_everything_after_double_dash_alone():
    assert hoist_workspace(["scores", "X", "-w", "D"]) == ["--workspace", "D", "scores", "X"]
    assert hoist_workspace(["scores", "--", "-w", "D"]) == ["scores", "--", "-w", "D"]
    assert hoist_workspace(["-w", "A", "scores", "-w", "B"]) == \
        ["--workspace", "A", "--workspace", "B", "scores"]
