"""Issue 28 kind 10: codes in DfE's scheme. DfE's own files give authorities by their three-digit
LA number (805 Hartlepool, 202 Camden, 330 Birmingham; authorities.csv's dfe_la_number), often
under a header `LA code`. Every file that takes codes (merge --groups, roster import, --expect,
round plan --partnerships, partnerships import) and every CODE argument reads them as the
authority they number; three digits that are no authority's number are refused naming the
scheme, never taken for a partnership of the team's own."""

from __future__ import annotations

import json

import pytest

from stocktake.errors import StocktakeError
from stocktake.national.merge import merge_workbooks
from stocktake.partnerships.model import resolve_code
from stocktake.partnerships.reference import code_for_dfe_number
from stocktake.scoring.national import read_groups_csv

from helpers.filling import CODES

CAMDEN, HARTLEPOOL, BIRMINGHAM = CODES


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_dfe_numbers_are_the_authorities_they_number():
    assert code_for_dfe_number("805") == HARTLEPOOL
    assert code_for_dfe_number(" 202 ") == CAMDEN
    assert code_for_dfe_number("999") is None
    assert code_for_dfe_number("E09000007") is None and code_for_dfe_number("8050") is None


def test_a_groups_csv_headed_la_code_with_dfe_numbers_groups_the_merge(exported, tmp_path):
    groups = _write(tmp_path, "sn.csv", "LA code,group\n805,Near\n202,Near\n330,Far\n")
    assert read_groups_csv(groups) == {HARTLEPOOL: "Near", CAMDEN: "Near", BIRMINGHAM: "Far"}
    result = merge_workbooks([exported], tmp_path / "national.xlsx",
                             groups=read_groups_csv(groups), groups_source=groups.name)
    assert result.rejected == [] and result.unmatched_groups == []


def test_the_merge_command_reads_dfe_numbers_in_groups(exported, cli, tmp_path):
    groups = _write(tmp_path, "sn.csv", "LA code,group\n805,Near\n202,Near\n330,Far\n")
    done = cli("merge", exported, "--out", tmp_path / "national.xlsx", "--groups", groups,
               "--json")
    assert done.exit_code == 0, done.output
    said = json.loads(done.stdout)["groups"]
    assert said["unmatched"] == [] and said["groups"] == 2


def test_three_digits_that_number_no_authority_are_refused_naming_the_scheme(tmp_path):
    groups = _write(tmp_path, "sn.csv", "LA code,group\n805,Near\n999,Far\n")
    with pytest.raises(StocktakeError) as refused:
        read_groups_csv(groups)
    assert refused.value.details == [f"{groups}:3: '999' is not a partnership code nor a DfE "
                                     "LA number"]


def test_a_roster_may_give_partnerships_by_dfe_number(cli, tmp_path):
    roster = _write(tmp_path, "roster.csv", "partnership,role,respondent,email\n"
                                            "202,health,Zoe Health,zoe@example.nhs.uk\n")
    done = cli("roster", "import", roster, "--bank", "mini")
    assert done.exit_code == 0, done.output
    listed = json.loads(cli("roster", "list", CAMDEN, "--bank", "mini", "--json").stdout)
    assert [e["respondent"] for e in listed] == ["Zoe Health"]


def test_an_expect_list_headed_la_code_is_read_as_dfe_numbers(exported, cli, tmp_path):
    expect = _write(tmp_path, "expect.csv", "LA code\n805\n202\n330\n806\n")
    done = cli("merge", exported, "--out", tmp_path / "national.xlsx", "--expect", expect,
               "--json")
    returns = json.loads(done.stdout)["returns"]
    assert [r["code"] for r in returns["not_returned"]] == ["E06000002"]  # Middlesbrough, 806
    assert returns["not_expected"] == []
    bad = _write(tmp_path, "bad.csv", "LA code\n805\n999\n")
    done = cli("merge", exported, "--out", tmp_path / "n2.xlsx", "--expect", bad)
    assert done.exit_code == 1
    assert "'999 (not the DfE LA number of a current authority)'" in " ".join(done.stderr.split())


def test_a_round_plan_takes_dfe_numbers(cli, tmp_path):
    codes = _write(tmp_path, "codes.csv", "LA code\n805\n202\n")
    done = cli("round", "plan", "--bank", "mini", "--wave", "2026-27", "--roles", "council",
               "--partnerships", codes)
    assert done.exit_code == 0, done.output
    status = json.loads(cli("status", "--json").stdout)
    assert sorted(p["code"] for p in status["partnerships"]) == sorted([HARTLEPOOL, CAMDEN])


def test_partnerships_import_and_code_arguments_take_dfe_numbers(cli, tmp_path):
    listing = _write(tmp_path, "p.csv", "code,name,region\n805,,\n")
    assert cli("partnerships", "import", listing).exit_code == 0
    assert resolve_code("202") == CAMDEN
    shown = json.loads(cli("partnerships", "list", "--json").stdout)
    assert [p["code"] for p in shown] == [HARTLEPOOL]
