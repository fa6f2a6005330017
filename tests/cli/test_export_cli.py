"""`stocktake export`: one file per partnership, bank and wave, named CODE-BANK-WAVE."""

from __future__ import annotations

import csv
import json

import pytest
from openpyxl import load_workbook

from stocktake.store.workspace import Workspace

from helpers.filling import WAVE, fill_mini

CODES = ("E09000007", "E06000001")


@pytest.fixture
def ws(tmp_path, mini_bank, monkeypatch):
    monkeypatch.chdir(tmp_path)
    workspace = Workspace.open(tmp_path / "ws")
    fill_mini(workspace, mini_bank, CODES)
    return workspace


def test_export_one_partnership_into_exports_by_default(cli, ws, tmp_path):
    result = cli("export", "E09000007")
    assert result.exit_code == 0, result.output
    path = tmp_path / "exports" / f"E09000007-mini-{WAVE}.xlsx"
    assert path.exists() and f"E09000007-mini-{WAVE}.xlsx" in result.stdout
    # Issue 13 put "By partner" after the Summary (and "Trend" when earlier waves exist).
    assert load_workbook(path, read_only=True).sheetnames[:4] == \
        ["Summary", "By partner", "Answers", "About"]
    assert sorted(p.name for p in (tmp_path / "exports").iterdir()) == [path.name]


def test_export_all_as_csv_writes_answers_and_scores_files(cli, ws, tmp_path):
    result = cli("export", "--all", "--format", "csv", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == sorted([f"{c}-mini-{WAVE}.csv" for c in CODES] +
                           [f"{c}-mini-{WAVE}-scores.csv" for c in CODES])
    scores = list(csv.DictReader((tmp_path / "out" / f"E06000001-mini-{WAVE}-scores.csv")
                                 .read_text(encoding="utf-8-sig").splitlines()))
    assert [s["area"] for s in scores] == ["vision", "risk", "overall"]
    # Two partnerships, fewer than the bank's min_count of 5: no median, and the count says why.
    assert (scores[0]["national_median"], scores[0]["national_n"]) == ("", "2")
    again = cli("export", "--all", "--format", "csv", "--out", str(tmp_path / "one"),
                "--min-count", "2")
    assert again.exit_code == 0, again.output
    scores = list(csv.DictReader((tmp_path / "one" / f"E06000001-mini-{WAVE}-scores.csv")
                                 .read_text(encoding="utf-8-sig").splitlines()))
    assert scores[0]["national_median"] != "" and scores[0]["national_n"] == "2"


def test_export_json_lists_what_was_written(cli, ws, tmp_path):
    result = cli("export", "--all", "--format", "json", "--bank", "mini", "--wave", WAVE,
                 "--json")
    assert result.exit_code == 0, result.output
    written = json.loads(result.stdout)["written"]
    assert [w["partnership"] for w in written] == sorted(CODES)
    answers = json.loads((tmp_path / written[0]["files"][0]).read_text())
    assert {a["partnership"] for a in answers} == {written[0]["partnership"]}


def test_export_needs_a_code_or_all_but_not_both(cli, ws):
    assert cli("export").exit_code == 2
    assert cli("export", "E09000007", "--all").exit_code == 2


def test_unknown_format_and_unknown_partnership_fail_cleanly(cli, ws):
    bad_format = cli("export", "E09000007", "--format", "pdf")
    assert bad_format.exit_code == 2 and "pdf" in bad_format.stderr
    missing = cli("export", "E09000001")
    assert missing.exit_code == 1 and "E09000001" in missing.stderr
    assert "Traceback" not in bad_format.output + missing.output


def test_wave_with_nothing_to_export_says_what_there_is(cli, ws):
    result = cli("export", "E09000007", "--wave", "2024-25")
    assert result.exit_code == 1
    said = " ".join(result.stderr.split())
    assert "to mini in wave 2024-25" in said and f"it has {WAVE}" in said


def test_redacted_export_hides_an_email_address(cli, tmp_path, mini_bank, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fill_mini(Workspace.open(tmp_path / "ws"), mini_bank, ("E09000007",),
              evidence="mail jo@example.org")
    result = cli("export", "E09000007", "--format", "csv", "--redact")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "exports" / f"E09000007-mini-{WAVE}.csv").read_text(encoding="utf-8-sig")
    assert "jo@example.org" not in text
    assert "mail [redacted e-mail address]" in text  # the evidence is there, masked


def test_export_help_has_an_example(cli):
    assert "Example: stocktake export" in cli("export", "--help").stdout
