"""Issue 26 kind 1: what commands print fits an 80-column terminal (rich's width from COLUMNS),
so no row wraps mid-word ("sta/tus"). Real commands on a real demo workspace with a round."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

WAVE = "2026-27"
CODE = "{code}"  # the demo's first partnership, filled in by the fixture


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    import json

    ws = tmp_path_factory.mktemp("w80") / "ws"
    assert _run(ws, "demo", "--partnerships", "3", "--respondents", "2").returncode == 0
    code = json.loads(_run(ws, "partnerships", "list", "--json").stdout)[0]["code"]
    done = _run(ws, "round", "plan", "--bank", "idea-stocktake", "--wave", WAVE, "--roles",
                "council,health", "-p", code)
    assert done.returncode == 0, done.stdout + done.stderr
    return ws, code


def _run(ws, *args):
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "80", "LINES": "24"}
    return subprocess.run([sys.executable, "-m", "stocktake", "-w", str(ws), *args],
                          capture_output=True, text=True, env=env, timeout=120)


COMMANDS = [
    ("status", "--bank", "idea-stocktake", "--wave", WAVE),
    ("plan", "list", CODE),
    ("privacy-check",),
    ("partnerships", "list"),
    ("banks", "list"),
    ("benchmark",),
    ("scores", CODE),
    ("answers", CODE),
    ("neighbours", CODE),
    ("evidence", CODE, "--bank", "idea-stocktake"),
    ("trend", CODE, "--from", "2025-26", "--to", WAVE),
    ("banks", "show", "idea-stocktake"),
    ("banks", "show", "partnership-2026"),
    ("banks", "show", "tomorrows-children"),
    ("banks", "show", "joint-area-review"),
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_output_fits_80_columns(workspace, args):
    ws, code = workspace
    done = _run(ws, *(a.replace(CODE, code) for a in args))
    assert done.returncode == 0, done.stdout + done.stderr
    lines = (done.stdout + done.stderr).splitlines()
    assert len(lines) > 1  # it printed something: an empty output fits anything
    too_wide = [line for line in lines if len(line) > 80]
    assert not too_wide, too_wide


def test_file_names_stay_whole_in_export_and_merge_at_80_columns(workspace, tmp_path):
    """A table of file names folded them mid-word ("E09000005-idea-stockt/ake-2026-27.xlsx");
    each is now on one line, and the tables still fit 80 columns."""
    ws, _ = workspace
    exported = _run(ws, "export", "--all", "--wave", WAVE, "--out", str(tmp_path / "ex"))
    assert exported.returncode == 0, exported.stdout + exported.stderr
    names = sorted(p.name for p in (tmp_path / "ex").glob("*.xlsx"))
    assert len(names) == 3
    merged = _run(ws, "merge", str(tmp_path / "ex"), "--out", str(tmp_path / "n.xlsx"))
    assert merged.returncode == 0, merged.stdout + merged.stderr
    for done in (exported, merged):
        lines = done.stdout.splitlines()
        table = [line for line in lines if not line.startswith(("Wrote", "Exported", "Merged"))]
        assert not [line for line in table if len(line) > 80], table
        assert all(any(name in line for line in lines) for name in names), done.stdout
