"""Where the tests' own files are, computed from this file so a test module's own folder never
matters (test modules sit in a folder per capability: tests/store/, tests/national/, ...)."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]  # tests/
DATA = TESTS / "data"  # the test banks (mini.toml, children.toml) and bank editions
REPO = TESTS.parent
PACKAGE = REPO / "stocktake"
BANKS = REPO / "question_banks"  # the shipped banks
