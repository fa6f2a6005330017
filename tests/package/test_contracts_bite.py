"""Each layer contract in pyproject.toml fails on a deliberate breach (issue 27): one import is
added to a copy of the package, `lint-imports` is run on the copy, and the contract must come
out BROKEN (and every other one still KEPT is not asserted: a breach may break two)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers.paths import REPO

LINT = shutil.which("lint-imports")
pytestmark = pytest.mark.skipif(LINT is None, reason="import-linter is not installed")

# (the contract's name as it begins, the module given the import, the import)
BREACHES = [
    ("The CLI is the top layer", "banks/model.py", "import stocktake.cli.common"),
    ("The core imports neither typer", "store/locking.py", "import rich"),
    ("Scoring and evidence are pure", "scoring/method.py", "import openpyxl"),
    ("Returns reach the store only through its API", "returns/seal.py", "import tinydb"),
    ("No circles between the capability folders", "banks/applicability.py",
     "import stocktake.scoring.method"),
    ("No circles inside any capability folder", "national/returned.py",
     "import stocktake.national.merge"),
    ("The plain records, the arithmetic and the file writer are the floor",
     "arithmetic/precision.py", "import stocktake.banks.model"),
    ("The CLI reaches the store through its public face", "cli/plan.py",
     "import stocktake.store.journal"),
]


def _verdicts(output: str) -> dict[str, str]:
    flat = re.sub(r"\s+", " ", output)
    return {name: m.group(1) for name, *_ in BREACHES
            if (m := re.search(re.escape(name) + r".{0,200}?\b(KEPT|BROKEN)\b", flat))}


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    root = tmp_path_factory.mktemp("contracts")
    shutil.copytree(REPO / "stocktake", root / "stocktake",
                    ignore=shutil.ignore_patterns("__pycache__", "data"))
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    return root


def _lint(root: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run([LINT, "--no-cache"], cwd=root, env=env, capture_output=True,
                          text=True, timeout=300)
    return done.stdout + done.stderr


def test_every_contract_is_kept_as_the_package_stands(copy):
    verdicts = _verdicts(_lint(copy))
    assert verdicts == {name: "KEPT" for name, *_ in BREACHES}


@pytest.mark.parametrize("name,module,line", BREACHES, ids=[b[0][:40] for b in BREACHES])
def test_a_deliberate_breach_breaks_the_contract(copy, name, module, line):
    path = copy / "stocktake" / module
    before = path.read_text(encoding="utf-8")
    at = before.index("from __future__ import annotations\n") + len(
        "from __future__ import annotations\n")
    path.write_text(before[:at] + line + "  # a deliberate breach\n" + before[at:],
                    encoding="utf-8")
    try:
        verdicts = _verdicts(_lint(copy))
    finally:
        path.write_text(before, encoding="utf-8")
    assert verdicts.get(name) == "BROKEN", verdicts
