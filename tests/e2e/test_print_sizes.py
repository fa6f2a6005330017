"""Printed workbooks, converted to PDF by LibreOffice: no text under 8 pt on A4 (issue 13).

The smallest character on every page is measured from the PDF with pdfplumber; the workbooks
are the partnership export (with By partner and Trend), a benchmark with groups and the
national workbook of a merge.
"""

from __future__ import annotations

import random

import pytest

from helpers.libreoffice import SOFFICE, to_pdf
pdfplumber = pytest.importorskip("pdfplumber", reason="pdfplumber (test extra) is not installed")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not "
                                                         "installed")]
WAVE = "2026-27"


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    from stocktake.banks.loading import find_bank
    from stocktake.demo.simulation import simulate_waves, write_demo
    from stocktake.workbooks.exports import gather_export, write_export
    from stocktake.national.merge import merge_workbooks
    from stocktake.scoring.national import national_benchmark
    from stocktake.store.workspace import Workspace
    from stocktake.workbooks.benchmark import write_benchmark_workbook

    root = tmp_path_factory.mktemp("print")
    ws = Workspace.open(root / "ws")
    bank = find_bank("idea-stocktake")
    for demo in simulate_waves(bank, WAVE, random.Random(11), partnerships=4, respondents=4):
        write_demo(ws, demo)
    codes = sorted(p.code for p in ws.partnerships())
    groups = {codes[0]: "Near neighbours", codes[1]: "Near neighbours", codes[2]: "Others"}
    bench = national_benchmark(ws, bank, WAVE, groups=groups)
    exports = [write_export(gather_export(ws, bank, code, WAVE, national=bench), "xlsx",
                            root / "exports")[0] for code in codes]
    benchmark = write_benchmark_workbook(root / "benchmark.xlsx", bench, bank,
                                         {p.code: p for p in ws.partnerships()})
    merged = merge_workbooks([root / "exports"], root / "national.xlsx")
    return root, [exports[0], benchmark, merged.outputs[0].path]


@pytest.mark.timeout(1200)  # LibreOffice and pdfplumber over ~100 pages, on a busy machine
def test_no_printed_text_is_smaller_than_8_points(workbooks, tmp_path):
    root, files = workbooks
    pdfs = to_pdf(tmp_path / "profile", tmp_path / "pdf", *files)
    smallest = {}
    for pdf_path in pdfs:
        with pdfplumber.open(pdf_path) as pdf:
            assert len(pdf.pages) >= 2
            for number, page in enumerate(pdf.pages, start=1):
                # A4, either way round (points)
                assert sorted((round(page.width), round(page.height))) == [595, 842]
                # Issue 26: a wide data sheet (Answers, Scores) is for screen, printed to the
                # page's width in small type; its footer says so. Every other page is held to
                # 8 pt (an upright character's size is its width).
                foot = page.crop((0, page.height - 38, page.width, page.height)).extract_text()
                if "for screen" in (foot or ""):
                    continue
                sizes = [c["size"] if c["upright"] else c["width"] for c in page.chars
                         if c["text"].strip()]
                if sizes:
                    smallest[(pdf_path.name, number)] = min(sizes)
    assert smallest
    too_small = {k: round(v, 2) for k, v in smallest.items() if v < 7.95}
    assert not too_small, f"text under 8 pt: {too_small}"
