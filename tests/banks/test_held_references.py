"""A form for an anonymous role holds a reference before anyone answers: until it comes back it
is nobody's view, so no score, export or count takes it for a respondent. And every shipped
bank makes the partnership score as the issue asks: each partner sector once, two at least."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stocktake.banks.loading import load_bank

from helpers.paths import BANKS



def test_a_form_not_yet_returned_is_no_respondent(cli, tmp_path):
    ws = str(tmp_path / "ws")
    assert cli("-w", ws, "partnerships", "add", "E09000007").exit_code == 0
    made = cli("-w", ws, "forms", "create", "E09000007", "--bank", "partnership-2026",
               "--role", "young-people", "--out", str(tmp_path / "yp.xlsx"))
    assert made.exit_code == 0, made.output
    scores = json.loads(cli("-w", ws, "scores", "E09000007", "--bank", "partnership-2026",
                            "--json").stdout)
    assert scores["roles"] == []
    assert all(a["respondents"] == 0 for a in scores["areas"])
    exported = cli("-w", ws, "export", "E09000007", "--bank", "partnership-2026",
                   "--out", str(tmp_path / "out"))
    assert exported.exit_code == 1
    assert "no responses to partnership-2026" in exported.output
    assert not (tmp_path / "out").exists()
    # and a second form still gets a reference of its own
    again = cli("-w", ws, "forms", "create", "E09000007", "--bank", "partnership-2026",
                "--role", "young-people", "--out", str(tmp_path / "yp2.xlsx"))
    assert again.exit_code == 0, again.output
    assert _heading(tmp_path / "yp.xlsx").endswith("reference YP-0001")
    assert _heading(tmp_path / "yp2.xlsx").endswith("reference YP-0002")


def _heading(path: Path) -> str:
    from openpyxl import load_workbook

    return str(load_workbook(path)["Form"]["C2"].value)


@pytest.mark.parametrize("path", sorted(BANKS.glob("*.toml")), ids=lambda p: p.stem)
def test_every_shipped_bank_counts_each_partner_sector_once(path):
    bank = load_bank(path)
    assert bank.partnership_score == "roles"
    assert bank.min_roles == 2


def test_the_first_answers_under_a_held_reference_are_a_new_respondent(workspace):
    """`forms import` says "new respondent", not "already stored", for a form's first return."""
    from stocktake.records.responses import ANSWERED, Answer

    held = workspace.start_anonymous_response("E09000007", "partnership-2026", "2026-27", "YP",
                                              role="young-people", mode="form")
    assert workspace.response(held.key) is not None  # the reference is held
    changes = workspace.answer_changes(held.key, [Answer("safety.feel-safe", ANSWERED, 3)])
    assert not changes.existed
    assert changes.describe() == "new respondent, 1 answer(s)"
