"""The action plan travels with the partnership workbook: a Plan sheet to read, hidden rows
the merge takes back, both under the seal; through a real LibreOffice re-save."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
WAVE = "2026-27"


@pytest.fixture
def exported(cli, tmp_path):
    """A demo partnership with two plan items (one done), exported."""
    ws = tmp_path / "adviser-ws"
    assert cli("demo", "--partnerships", "1", "--respondents", "3", workspace=ws).exit_code == 0
    code = json.loads(cli("partnerships", "list", "--json", workspace=ws).stdout)[0]["code"]
    for area, action in (("risk", "Agree one joint risk register"),
                         ("workforce", "Joint workforce strategy; audit skills")):
        assert cli("plan", "add", code, "-b", "idea-stocktake", "--wave", WAVE, "--area", area,
                   "--target", "Established", "--action", action, "--owner", "DCS",
                   "--due", "2027-06-30", workspace=ws).exit_code == 0
    assert cli("plan", "done", code, "1", workspace=ws).exit_code == 0
    out = tmp_path / "exports"
    assert cli("export", code, "--bank", "idea-stocktake", "--wave", WAVE, "--out", str(out),
               workspace=ws).exit_code == 0
    return code, next(out.glob("*.xlsx"))


def merged_plan(cli, tmp_path, workbook: Path, code: str) -> list[dict]:
    national = tmp_path / "national-ws"
    result = cli("merge", str(workbook), "--out", str(tmp_path / "national.xlsx"),
                 "--into-workspace", workspace=national)
    assert result.exit_code == 0, result.output
    return json.loads(cli("plan", "list", code, "--json", workspace=national).stdout)


def test_the_workbook_shows_the_plan_and_the_merge_brings_it_back(cli, tmp_path, exported):
    code, workbook = exported
    sheet = load_workbook(workbook)["Plan"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[3], r[4], r[7]) for r in rows] == [
        ("Risk assessment", "Established", "Agree one joint risk register", "done"),
        ("Workforce", "Established", "Joint workforce strategy; audit skills", "open")]
    plan = merged_plan(cli, tmp_path, workbook, code)
    assert [(i["area"], i["target"], i["action"], i["owner"], i["due"], i["status"])
            for i in plan] == [
        ("risk", "Established", "Agree one joint risk register", "DCS", "2027-06-30", "done"),
        ("workforce", "Established", "Joint workforce strategy; audit skills", "DCS",
         "2027-06-30", "open")]
    # Merging the same workbook again adds nothing.
    assert len(merged_plan(cli, tmp_path, workbook, code)) == 2


def test_a_plan_changed_after_export_breaks_the_seal(cli, tmp_path, exported):
    code, workbook = exported
    wb = load_workbook(workbook)
    hidden = wb["_plans"]
    action = [c.value for c in hidden[1]].index("action") + 1
    hidden.cell(row=2, column=action).value = "Agree one joint risk register, eventually"
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    result = cli("merge", str(edited), "--out", str(tmp_path / "n.xlsx"), "--json")
    assert result.exit_code == 1
    assert "seal broken" in json.loads(result.stdout)["rejected"][0]["reason"]


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_the_plan_survives_a_libreoffice_resave_and_merges(cli, tmp_path, exported):
    code, workbook = exported
    out = tmp_path / "resaved"
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}", "--headless",
         "--norestore", "--convert-to", "xlsx", "--outdir", str(out), str(workbook)],
        capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    plan = merged_plan(cli, tmp_path, out / workbook.name, code)
    assert [(i["action"], i["status"]) for i in plan] == [
        ("Agree one joint risk register", "done"),
        ("Joint workforce strategy; audit skills", "open")]
