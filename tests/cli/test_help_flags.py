"""Issue 26 kind 6: help reads as it works. A flag takes no value, so no command's help shows
one (`--json <bool>` read as if `--json` wanted a value); options that do take one keep it."""

from __future__ import annotations

import pytest
import typer

import stocktake.cli.main  # noqa: F401 - registers every command on the app
from stocktake.cli.app import app


def _paths(command, prefix=()):
    yield prefix
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        if not getattr(sub, "hidden", False):
            yield from _paths(sub, prefix + (name,))


PATHS = list(_paths(typer.main.get_command(app)))


def test_every_command_is_walked():
    assert len(PATHS) > 30 and ("scores",) in PATHS and ("banks", "show") in PATHS


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "stocktake")
def test_no_flag_shows_a_value_in_help(cli, path):
    result = cli(*path, "--help")
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.stdout
    if path == ("scores",):
        assert "--wave" in result.stdout and "WAVE" in result.stdout  # values still shown
