"""Fixtures of the returns' tests: the national team's seal key in a file."""

from __future__ import annotations

import pytest

from helpers.seal_key import KEY


@pytest.fixture
def key_file(tmp_path):
    """tmp_path/seal.key holding helpers.seal_key.KEY and a line end, as `--key` takes it."""
    path = tmp_path / "seal.key"
    path.write_bytes(KEY + b"\n")
    return path
