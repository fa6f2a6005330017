"""Fixtures of the merge's tests: exported workbooks of a real workspace, as partners return them."""

from __future__ import annotations

import pytest

from stocktake.scoring.national import national_benchmark
from stocktake.workbooks.exports import gather_export, write_export

from helpers.filling import CODES, WAVE, fill_mini


@pytest.fixture
def exported(workspace, mini_bank, tmp_path):
    """Three partnerships of the mini bank (helpers.filling.CODES) exported to tmp_path/returns,
    names kept; the workspace they came from is the `workspace` fixture."""
    fill_mini(workspace, mini_bank, CODES)
    national = national_benchmark(workspace, mini_bank, WAVE)
    out = tmp_path / "returns"
    for code in CODES:
        write_export(gather_export(workspace, mini_bank, code, WAVE, national=national,
                                   with_names=True), "xlsx", out)
    return out
