"""Names for codes: wherever a partnership is asked for, a shipped authority's name resolves, a
near miss is suggested, and `partnerships add` refuses a name posing as a code."""

from __future__ import annotations

import json

import pytest

from stocktake.errors import StocktakeError
from stocktake.partnerships.model import Partnership, partnership_for, resolve_code

from helpers.filling import WAVE


@pytest.mark.parametrize("typed,code", [
    ("Camden", "E09000007"), ("camden", "E09000007"), (" CAMDEN ", "E09000007"),
    ("e09000007", "E09000007"), ("Bristol", "E06000023"), ("Bristol, City of", "E06000023"),
    ("Kingston upon Hull", "E06000010"), ("Barking & Dagenham", "E09000002"),
    ("City of London", "E09000001"), ("Herefordshire", "E06000019"),
])
def test_names_of_shipped_authorities_resolve_to_their_codes(typed, code):
    assert resolve_code(typed) == code


@pytest.mark.parametrize("typed,suggested", [
    ("Camdn", "Camden is E09000007"), ("Birmingam", "Birmingham is E08000025"),
    ("Hackny", "Hackney is E09000012"), ("E0900007", "Camden is E09000007"),
])
def test_near_misses_are_refused_with_the_suggestion(typed, suggested):
    with pytest.raises(StocktakeError) as caught:
        resolve_code(typed)
    assert suggested in caught.value.hint


def test_names_of_the_workspaces_own_partnerships_resolve_too():
    own = [Partnership("LOCAL-1", "Our Trust", "Wessex")]
    assert resolve_code("our trust", own) == "LOCAL-1"
    assert resolve_code("local-1", own) == "LOCAL-1"
    with pytest.raises(StocktakeError, match="not a partnership code") as caught:
        resolve_code("Our Trusst", own)
    assert "Our Trust is LOCAL-1" in caught.value.hint
    assert resolve_code("ELSEWHERE", own) == "ELSEWHERE"  # unknown: the caller says so


@pytest.mark.parametrize("args", [
    ["scores", "Camden", "--bank", "mini"],
    ["trend", "camden", "--bank", "mini", "--from", "2025-26", "--to", WAVE],
    ["answers", "Camden", "--bank", "mini", "--json"],
    ["privacy-check", "Camden"],
], ids=lambda a: a[0])
def test_every_read_command_takes_a_name_for_the_code(cli, nation, args):
    if args[0] == "trend":
        from helpers.filling import one_respondent

        nation.write_responses("E09000007", one_respondent("E09000007", 2, "full", "2025-26"))
    result = cli(*args, workspace=nation.root)
    assert result.exit_code == 0, result.output
    assert "E09000007" in result.stdout or args[0] == "privacy-check"


@pytest.mark.parametrize("args", [
    ["scores", "Camdn", "--bank", "mini"],
    ["answers", "Camdn", "--bank", "mini"],
    ["export", "Camdn", "--bank", "mini"],
    ["moderate", "Camdn", "--bank", "mini", "--area", "risk", "--score", "40", "--reason", "r",
     "--adviser", "Pat"],
    ["forms", "create", "Camdn", "--bank", "mini", "--role", "council", "--out", "f.xlsx"],
], ids=lambda a: a[0] + ("-" + a[1] if a[0] == "forms" else ""))
def test_every_command_taking_code_suggests_the_near_miss(cli, nation, args):
    result = cli(*args, workspace=nation.root)
    assert result.exit_code == 1, result.output
    assert "Camden is E09000007" in result.stderr
    assert "partnerships add Camdn" not in result.stderr


def test_interview_by_name_records_the_authority_under_its_code(cli, tmp_path):
    answers = tmp_path / "a.csv"
    answers.write_text("question,value,evidence\nvision.statement,yes,\n", encoding="utf-8")
    result = cli("interview", "Camden", "--bank", "mini", "--role", "council",
                 "--respondent", "Jo", "--answers", str(answers))
    assert result.exit_code == 0, result.output
    listed = json.loads(cli("partnerships", "list", "--json").stdout)
    assert [p["code"] for p in listed] == ["E09000007"]


@pytest.mark.parametrize("name", ["Camden", "camden", "Bristol", "Kingston upon Hull"])
def test_partnerships_add_refuses_a_code_that_is_an_authoritys_name(cli, tmp_path, name):
    result = cli("partnerships", "add", name, "--name", "Anything")
    assert result.exit_code == 1
    assert "is the name of a listed authority" in result.stderr
    assert " is E0" in result.stderr
    assert not (tmp_path / "ws" / "workspace.json").exists() or \
        json.loads(cli("partnerships", "list", "--json").stdout) == []


def test_partnerships_import_refuses_an_authority_name_as_code_by_line(tmp_path):
    from stocktake.partnerships.model import read_partnerships_csv

    path = tmp_path / "p.csv"
    path.write_text("code,name,region\nLOCAL-1,Ours,Wessex\nWestminster,,\n", encoding="utf-8")
    with pytest.raises(StocktakeError) as caught:
        read_partnerships_csv(path)
    assert caught.value.details == [
        f"{path}:3: 'Westminster' is the name of a listed authority (Westminster is E09000033), "
        "not a code"]
    assert partnership_for("LOCAL-1", "Ours").code == "LOCAL-1"


def test_a_whole_gss_code_of_another_nation_is_not_taken_for_a_near_miss():
    assert resolve_code("W06000001") == "W06000001"  # the caller says it is not English
    assert resolve_code("s12000033") == "S12000033"
