"""Partnerships and the shipped reference list of English children's services authorities."""

from __future__ import annotations

import json

import pytest

from stocktake.errors import StocktakeError
from stocktake.partnerships.model import partnership_for, read_partnerships_csv
from stocktake.partnerships.reference import authorities, authority, current_authorities


def test_reference_list_has_153_current_authorities_in_nine_regions():
    current = current_authorities()
    assert len(current) == 153
    by_region = {}
    for a in current:
        by_region[a.region] = by_region.get(a.region, 0) + 1
    assert by_region["London"] == 33 and by_region["North West"] == 24 and len(by_region) == 9
    assert len(authorities()) - len(current) == 8


def test_camden_is_london_and_ended_authorities_still_resolve():
    assert (authority("e09000007").name, authority("E09000007").region) == ("Camden", "London")
    ended = [a for a in authorities() if not a.current]
    assert all(a.end_date and a.replaced_by for a in ended)


def test_codes_outside_the_list_need_a_name():
    with pytest.raises(StocktakeError, match="not in the list"):
        partnership_for("E06999999")
    assert partnership_for("E06999999", name="New unitary").name == "New unitary"
    with pytest.raises(StocktakeError, match="not a GSS code") as info:
        partnership_for("TRUST-1")
    assert "--name" in info.value.hint
    with pytest.raises(StocktakeError, match="not a usable partnership code"):
        partnership_for("../etc", name="x")


def test_import_reports_every_bad_row_by_line_and_stores_nothing(cli, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("code,name,region\nE09000007,,\nE09999999,,\nE08000025,,\nE09000007,,\nXX!,Bad,\n")
    result = cli("partnerships", "import", str(path))
    assert result.exit_code == 1
    assert f"{path}:3:" in result.stderr and f"{path}:5:" in result.stderr and f"{path}:6:" in result.stderr
    assert f"{path}:2:" not in result.stderr
    # nothing stored: not even a workspace (listing one that does not exist is refused)
    assert not (tmp_path / "ws").exists()


def test_import_good_csv_adds_and_updates(cli, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("code,name,region\nE09000007,,\nLOCAL-1,Our trust,South West\n")
    assert cli("partnerships", "import", str(path)).exit_code == 0
    listed = json.loads(cli("partnerships", "list", "--json").stdout)
    assert [(p["code"], p["name"]) for p in listed] == [("E09000007", "Camden"),
                                                         ("LOCAL-1", "Our trust")]
    assert "0 added, 2 updated" in cli("partnerships", "import", str(path)).stdout


def test_csv_without_code_column_is_refused(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("name,region\nCamden,London\n")
    with pytest.raises(StocktakeError, match="line 1"):
        read_partnerships_csv(path)
