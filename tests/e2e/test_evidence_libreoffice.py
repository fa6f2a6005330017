"""The partnership workbook's Evidence sheet, converted to PDF by real LibreOffice, reads as an
adviser would read it: title, each area's self-view, the measures with their bands, the credit."""

from __future__ import annotations

import random
import shutil
import subprocess

import pytest

from stocktake.banks.loading import find_bank
from stocktake.demo.simulation import simulate_demo, write_demo
from stocktake.evidence.indicators import load_shipped
from stocktake.evidence.report import bank_links, partnership_evidence
from stocktake.workbooks.exports import gather_export, write_export

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed"),
              pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler) is not installed")]
WAVE = "2026-27"


def test_evidence_sheet_in_pdf_shows_areas_measures_bands_and_credit(tmp_path, monkeypatch):
    from stocktake.store.workspace import Workspace

    monkeypatch.delenv("STOCKTAKE_INDICATORS", raising=False)
    ws = Workspace.open(tmp_path / "ws")
    bank = find_bank("idea-stocktake")
    demo = simulate_demo(bank, WAVE, random.Random(11), partnerships=1, respondents=4)
    write_demo(ws, demo)
    code = demo.partnerships[0].partnership.code
    workbook = write_export(gather_export(ws, bank, code, WAVE), "xlsx", tmp_path / "out")[0]
    profile = tmp_path / "profile"
    done = subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                           "--norestore", "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"),
                           str(workbook)], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    pdf = tmp_path / "pdf" / f"{workbook.stem}.pdf"
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, text=True,
                          timeout=60).stdout
    flat = " ".join(text.split())
    assert "published evidence beside the self-assessment" in flat
    assert "Open Government Licence v3.0" in flat
    view = partnership_evidence(load_shipped(), code, bank_links([bank]))
    for area in (a for a in bank.areas if a.indicators):
        assert f"{area.title}: self-assessed" in flat, area.id
    for m in view.measures:
        assert f"[{m.measure.id}]" in flat.replace(" ", "") or m.measure.id in flat, m.measure.id
    assert "Neighbours'" in flat and "England" in flat
