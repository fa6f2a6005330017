"""Shared fixtures: a real workspace in a temporary folder, the test bank, and the CLI in-process."""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
REPO = TESTS.parent


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path):
    """No test touches the user's real workspace; the test banks are findable by id."""
    monkeypatch.setenv("STOCKTAKE_WORKSPACE", str(tmp_path / "default-ws"))
    monkeypatch.setenv("STOCKTAKE_BANK_PATH", str(DATA))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")


@pytest.fixture
def mini_bank():
    from stocktake.banks.model import load_bank

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
