"""Issue 23 kind 7: a published comparator that is not comparable, and measures with no better or
worse direction. Worked by hand on a small LAIT long-format extract (a real file read by the real
reader), then seen in `evidence`, the report and the evidence sheet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stocktake.evidence.indicators import load_indicators
from stocktake.evidence.neighbours import neighbours_of
from stocktake.evidence.report import CONTEXT, measure_evidence

HEAD = "Short Desc,Years,LA and Regions,Values,LA Number\n"
# First-time entrants (polarity Low), 2025: three London boroughs 100, 241 and 500 per 100,000;
# London 157 (inside that range); England 1,258 (outside it: LAIT's England row is on another
# basis). Children in need (no polarity): Camden 408.8, Greenwich 300, Hackney 350.
ROWS = """FirstYJS,2025,Camden,241,202
FirstYJS,2025,Greenwich,100,203
FirstYJS,2025,Hackney,500,204
FirstYJS,2025,London,157,986
FirstYJS,2025,England,1258,970
CIN,2025,Camden,408.8,202
CIN,2025,Greenwich,300,203
CIN,2025,Hackney,350,204
CIN,2025,England,330.3,970
"""


@pytest.fixture
def extract(tmp_path: Path) -> Path:
    path = tmp_path / "lait.csv"
    path.write_text(HEAD + ROWS, encoding="utf-8")
    return path


def test_england_outside_the_authorities_range_is_named_not_comparable(extract):
    data = load_indicators(extract)
    view = measure_evidence(data, "202", "FirstYJS", group=neighbours_of("202"),
                            region="London")
    assert view.authorities_range == (100.0, 500.0)
    assert view.not_comparable == ("England",)  # London's 157 lies inside, so it stands
    assert view.comparator_notes() == [
        "First Time entrants to the Youth Justice System (rate): England's value (1,258.0) lies "
        "outside the range of the authorities' own values (100.0 to 500.0), so it is published "
        "on another basis and is not a comparison; it takes no part in the band or the "
        "self-view flag."]
    # The band is of the authorities alone: 241 is the median of 100, 241, 500 (polarity Low),
    # so B; England's row changes nothing.
    assert view.band == "B"
    out = view.to_json()
    assert out["not_comparable"] == ["England"] and out["authorities_range"] == [100.0, 500.0]
    assert out["context"] is False


def test_a_region_outside_the_range_is_named_too(tmp_path):
    path = tmp_path / "lait.csv"
    path.write_text(HEAD + ROWS.replace("London,157", "London,1500"), encoding="utf-8")
    view = measure_evidence(load_indicators(path), "202", "FirstYJS",
                            group=neighbours_of("202"), region="London")
    assert set(view.not_comparable) == {"England", view.region_name}


def test_a_measure_with_no_polarity_is_context_with_no_band(extract):
    view = measure_evidence(load_indicators(extract), "202", "CIN", group=neighbours_of("202"))
    assert view.measure.polarity == "" and view.context and view.band is None
    assert view.not_comparable == ()  # England's 330.3 lies between 300 and 408.8
    assert CONTEXT == "context: no better or worse direction"
    assert view.to_json()["context"] is True


def test_evidence_command_marks_the_comparator_and_says_why(cli, extract):
    result = cli("evidence", "E09000007", "--indicators", str(extract), "-i", "FirstYJS",
                 "-i", "CIN")
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    row = next(line for line in result.stdout.splitlines() if line.lstrip().startswith("First"))
    assert row.split()[-2:] == ["†", "B"]  # England's value is not set beside Camden's
    assert ("† First Time entrants to the Youth Justice System (rate): England's value "
            "(1,258.0) lies outside the range of the authorities' own values (100.0 to 500.0)"
            in text)
    assert "context" in text and "context: no better or worse direction" in text
    data = json.loads(cli("evidence", "E09000007", "--indicators", str(extract), "-i",
                          "FirstYJS", "--json").stdout)
    first = next(m for m in data["indicators"] if m["id"] == "FirstYJS")
    assert first["not_comparable"] == ["England"]


def test_the_evidence_sheet_marks_the_comparator(cli, extract, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "evidence.xlsx"
    result = cli("evidence", "E09000007", "--indicators", str(extract), "-i", "FirstYJS",
                 "-i", "CIN", "--xlsx", str(out))
    assert result.exit_code == 0, result.output
    cells = [c for r in load_workbook(out).worksheets[0].iter_rows(values_only=True) for c in r
             if isinstance(c, str)]
    assert "\u2020" in cells and "1,258.0" not in cells  # the value is in the row's note
    assert any("England's value (1,258.0) lies outside the range" in c for c in cells)
    assert any(c.endswith("Context: no better or worse direction") for c in cells)
