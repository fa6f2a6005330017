"""A figure reads the same in a report, a terminal table and the workbook beside them
(stocktake.arithmetic.precision.fixed): each value written to a real workbook under the
formats the workbooks use ("0.0", "0.00", "#,##0"), LibreOffice asked to save the cells as it
shows them, and every shown text compared with fixed(). Python's own formatting rounds the
binary value: a neighbours' mean of 32.949999999999996 read 32.9 in the report and 33.0 in the
workbook."""

from __future__ import annotations

import csv
import random
import subprocess

import pytest
from openpyxl import Workbook

from stocktake.arithmetic.precision import fixed, published

from helpers.libreoffice import SOFFICE

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")]
# Field separator, text delimiter, UTF-8, from line 1, default formats, default language,
# not quoted as text, special numbers detected, cells saved *as shown*.
AS_SHOWN = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true"
FORMATS = (("0.0", 1, False), ("0.00", 2, False), ("#,##0", 0, True), ("#,##0.0", 1, True))


def _values() -> list[float]:
    rng = random.Random(2026)
    ties = [32.949999999999996, 12.25, 0.15, 2.675, -1.05, 1234.45, 0.05, 99.95, -0.04,
            44.444444444444436, 52.45, 780.655, -2.5, 0.0, 100.0]
    noisy = [round(rng.uniform(-1000, 100000), rng.choice([1, 2, 3]))
             + rng.choice([0.0, 1e-12, -1e-12]) for _ in range(300)]
    means = [sum(rng.randint(0, 100) for _ in range(n)) / n for n in rng.choices(range(2, 30),
                                                                              k=100)]
    # As the writers store them: evidence to 10 decimals (the sources' binary noise is not
    # data), scores published to 2 (stocktake.arithmetic.precision.published). Spreadsheets
    # themselves part on a raw 8480.884999999998 (Excel rounds its 15 digits, 8480.89;
    # LibreOffice the double, 8480.88), which no workbook of ours holds.
    return [round(v, 10) for v in ties + noisy + means] + [published(v) for v in means]


def test_fixed_gives_what_the_spreadsheet_shows(tmp_path):
    values = _values()
    wb = Workbook()
    ws = wb.active
    for row, value in enumerate(values, start=1):
        for col, (number_format, _, _) in enumerate(FORMATS, start=1):
            ws.cell(row, col, value).number_format = number_format
    wb.save(tmp_path / "figures.xlsx")
    done = subprocess.run([SOFFICE, f"-env:UserInstallation={(tmp_path / 'p').as_uri()}",
                           "--headless", "--convert-to", AS_SHOWN, "--outdir", str(tmp_path),
                           str(tmp_path / "figures.xlsx")], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    shown = list(csv.reader((tmp_path / "figures.csv").read_text(encoding="utf-8")
                            .splitlines()))
    assert len(shown) == len(values)
    wrong = [(value, row, [fixed(value, places, grouped=grouped)
                           for _, places, grouped in FORMATS])
             for value, row in zip(values, shown)
             if row != [fixed(value, places, grouped=grouped) for _, places, grouped in FORMATS]]
    assert wrong == []
    # The values this is about: Python's formatting and the spreadsheet part on some of them.
    assert any(f"{value:.1f}" != row[0] for value, row in zip(values, shown))
