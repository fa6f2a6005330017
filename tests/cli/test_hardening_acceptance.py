"""Issue 6's acceptance checks, end to end through the commands users run."""

from __future__ import annotations

import csv
import json
import time
import zipfile

import pytest
from openpyxl import load_workbook

from helpers.filling import WAVE, fill_mini
from helpers.hostile_files import billion_laughs_workbook, zip_bomb_workbook

HYPERLINK = '=HYPERLINK("http://example.invalid","x")'
NHS_NUMBER = "943 476 5919"  # passes the modulus 11 check


@pytest.fixture
def returns(cli, workspace, mini_bank, tmp_path):
    """Three partnerships exported by the CLI into tmp_path/returns."""
    fill_mini(workspace, mini_bank)
    out = tmp_path / "returns"
    assert cli("export", "--all", "--bank", "mini", "--wave", WAVE, "--out", str(out),
               workspace=workspace.root).exit_code == 0
    return out


def test_hostile_workbooks_are_each_refused_by_merge_named_and_the_rest_merge(cli, returns,
                                                                             tmp_path):
    hostile = {
        billion_laughs_workbook(tmp_path): "DOCTYPE",
        zip_bomb_workbook(returns / "bomb.xlsx"): "zip bomb",
        returns / "notes.xlsx": "not",
        returns / "macros.xlsm": "macro",
    }
    (returns / "notes.xlsx").write_text("These are my notes, not a workbook.")
    with zipfile.ZipFile(returns / "macros.xlsm", "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/vbaProject.bin", b"\x00" * 64)
    laughs = returns / "laughs.xlsx"
    laughs.write_bytes(billion_laughs_workbook(tmp_path).read_bytes())
    hostile[laughs] = hostile.pop(tmp_path / "laughs.xlsx")
    started = time.monotonic()
    result = cli("merge", str(returns), "--out", str(tmp_path / "national.xlsx"), "--json")
    elapsed = time.monotonic() - started
    assert elapsed < 10 * len(hostile)
    assert result.exit_code == 1 and "Traceback" not in result.output
    data = json.loads(result.stdout)
    reasons = {r["file"]: r["reason"] for r in data["rejected"]}
    for path, why in hostile.items():
        assert why.lower() in reasons[str(path)].lower(), (path, reasons[str(path)])
    assert len(data["merged"]) == 3


def test_formula_like_evidence_is_text_in_every_export(cli, workspace, mini_bank, tmp_path):
    fill_mini(workspace, mini_bank, evidence=HYPERLINK)
    out = tmp_path / "out"
    for fmt in ("xlsx", "csv", "json"):
        assert cli("export", "E09000007", "--bank", "mini", "--wave", WAVE, "--format", fmt,
                   "--out", str(out), workspace=workspace.root).exit_code == 0
    xlsx = out / f"E09000007-mini-{WAVE}.xlsx"
    with zipfile.ZipFile(xlsx) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in sheets)
    wb = load_workbook(xlsx)
    evidence = [c.value for row in wb["Answers"].iter_rows() for c in row if c.value == HYPERLINK]
    assert evidence and all(isinstance(v, str) for v in evidence)
    with open(out / f"E09000007-mini-{WAVE}.csv", newline="", encoding="utf-8") as handle:
        cells = [c for row in csv.reader(handle) for c in row]
    assert "'" + HYPERLINK in cells and HYPERLINK not in cells
    rows = json.loads((out / f"E09000007-mini-{WAVE}.json").read_text())
    assert HYPERLINK in {row["evidence"] for row in rows}  # JSON is data: kept as typed
    merged = cli("merge", str(out), "--out", str(tmp_path / "national.xlsx"), "--into-workspace",
                 workspace=tmp_path / "other-ws")
    assert merged.exit_code == 0, merged.output
    answers = json.loads(cli("answers", "E09000007", "--bank", "mini", "--wave", WAVE, "--json",
                             workspace=tmp_path / "other-ws").stdout)
    assert {a["evidence"] for a in answers} == {HYPERLINK}


def test_privacy_check_finds_nhs_number_and_email_and_redact_masks_them(cli, workspace,
                                                                        mini_bank, tmp_path):
    fill_mini(workspace, mini_bank, evidence=f"Case of NHS {NHS_NUMBER}, mum at jo@example.org")
    found = cli("privacy-check", "--json", workspace=workspace.root)
    assert found.exit_code == 1
    kinds = json.dumps(json.loads(found.stdout))
    assert "nhs" in kinds.lower() and "mail" in kinds.lower()
    out = tmp_path / "out"
    assert cli("export", "E09000007", "--bank", "mini", "--wave", WAVE, "--redact", "--out",
               str(out), workspace=workspace.root).exit_code == 0
    wb = load_workbook(out / f"E09000007-mini-{WAVE}.xlsx")
    text = " ".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
                    if c.value is not None)
    assert NHS_NUMBER not in text and "jo@example.org" not in text
    assert "[redacted" in text
    assert cli("privacy-check", workspace=workspace.root).exit_code == 1  # the store is unchanged
